"""Will it install on Binder? (issue 12), the pip side: real uv resolutions against a package index on 127.0.0.1.

The index (tests/servers/package_index.py) holds tiny wheels and sdists this module builds. A dead proxy
catches any request that would leave the machine; the one test against the real PyPI is skipped unless
BINDER_WIZARD_ONLINE_TESTS=1.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import threading
import time
from pathlib import Path

import pytest

from wizard.core.environment.detection import detect
from wizard.core.environment.install import CANCELLED, UNREACHABLE, check_install, newest_release_for
from wizard.core.environment.install import check as check_module
from wizard.core.environment.install import uv_adapter


@pytest.fixture(autouse=True)
def offline(no_internet, monkeypatch):
    """Offline (the shared no_internet), and none of the developer's pip or uv settings."""
    for variable in [v for v in os.environ if v.startswith(("PIP_", "UV_"))]:
        monkeypatch.delenv(variable)


@pytest.fixture
def index(package_index):
    """The catalogue every test resolves against."""
    index = package_index()
    index.wheel("alpha", "1.0")
    index.wheel("alpha", "2.0", requires_python=">=3.11")
    index.wheel("winonly", "1.0", tag="py3-none-win_amd64")
    index.wheel("maconly", "1.0", tag="cp310-cp310-macosx_11_0_arm64")
    index.wheel("ml217", "1.0", tag="cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64", padding=3000)
    index.wheel("ml239", "1.0", tag="cp310-cp310-manylinux_2_39_x86_64")
    index.wheel("ml25", "1.0", tag="cp310-cp310-manylinux_2_5_x86_64.manylinux1_x86_64")
    index.wheel("cp312only", "1.0", tag="cp312-cp312-manylinux_2_17_x86_64")
    index.sdist("srconly", "1.0", requires=["alpha"], metadata_version="2.2")
    index.wheel("numpy", "1.26.4", tag="cp310-cp310-manylinux_2_17_x86_64")
    index.wheel("numpy", "1.26.4", tag="cp312-cp312-manylinux_2_17_x86_64")
    index.sdist("numpy", "1.24.4", metadata_version="2.2")
    index.wheel("yank", "1.0")
    index.wheel("yank", "2.0", yanked="broken build \x1b[31mred\x1b[0m")
    index.wheel("pre", "1.0")
    index.wheel("pre", "2.0rc1")
    index.wheel("confa", "1.0", requires=["alpha==1.0"])
    index.wheel("confb", "1.0", requires=["alpha>=2.0"])
    index.wheel("torch", "2.1.0")
    index.wheel("scikit-learn", "1.5.0")
    index.wheel("needs-windows", "1.0", requires=["winonly"])
    index.wheel("needs-new-alpha", "1.0", requires=["alpha>=2"])
    index.wheel("new-glibc", "1.0", tag="cp310-cp310-manylinux_2_40_x86_64")
    index.wheel("needs-withdrawn", "1.0", requires=["yank>=2"])
    index.wheel("capped", "0.9", requires_python=">=3.8,<3.12")
    index.wheel("capped", "1.0", requires_python=">=3.8,<3.12")
    index.wheel("capped", "2.0", requires_python=">=3.10")
    index.wheel("needs-capped", "1.0", requires=["capped<2"])
    index.sdist("capped-source", "1.0", requires_python="<3.12", metadata_version="2.2")
    index.wheel("cp310-or-source", "1.0", tag="cp310-cp310-manylinux_2_17_x86_64")
    index.sdist("cp310-or-source", "1.0", metadata_version="2.2")
    return index


_projects = itertools.count()


def run(make_project, files: dict, index=None, **options):
    """check_install on a new project folder made of `files` (each call its own folder)."""
    project = make_project(files, name=f"project{next(_projects)}")
    options.setdefault("cache_dir", project.parent / "cache")
    options.setdefault("timeout", 30)
    if index is not None:
        options.setdefault("index_url", index.url)
    return check_install(project, detect(project), **options)


def only(result, code: str):
    found = [d for d in result.diagnostics if d.code == code]
    assert len(found) == 1, [(d.code, d.message) for d in result.diagnostics]
    return found[0]


def wheel_size(index, filename_start: str) -> int:
    return next(len(d.data) for dists in index.projects.values() for d in dists if d.filename.startswith(filename_start))


# ---- what installs ---------------------------------------------------------------------------------------


def test_installable_requirements_give_ok_with_package_count_and_download_size(make_project, index):
    result = run(make_project, {"requirements.txt": "alpha\nml217\n"}, index)
    assert result.resolution() == {
        "status": "ok", "python": "3.10", "packages": 2,
        "download_bytes": wheel_size(index, "alpha-1.0-") + wheel_size(index, "ml217-"),
        "index": index.url, "message": None}
    assert dict(result.chosen) == {"alpha": "1.0", "ml217": "1.0"}
    assert result.diagnostics == ()


def test_manylinux_2_5_to_2_39_wheels_all_install(make_project, index):
    result = run(make_project, {"requirements.txt": "ml25\nml217\nml239\n"}, index)
    assert result.status == "ok" and result.packages == 3, result.diagnostics


def test_prerelease_is_used_when_no_final_release_matches_as_pip_does(make_project, index):
    assert dict(run(make_project, {"requirements.txt": "pre>1.0\n"}, index).chosen) == {"pre": "2.0rc1"}
    assert dict(run(make_project, {"requirements.txt": "pre\n"}, index).chosen) == {"pre": "1.0"}


def test_runtime_txt_python_is_the_one_resolved_for(make_project, index):
    result = run(make_project, {"requirements.txt": "alpha==2.0\n", "runtime.txt": "python-3.11\n"}, index)
    assert (result.status, result.python, dict(result.chosen)) == ("ok", "3.11", {"alpha": "2.0"})


def test_resolving_for_another_python_shows_which_versions_would_change(make_project, index):
    project = make_project({"requirements.txt": "alpha\nyank\n"}, name="what-if")
    binder = check_install(project, detect(project), index_url=index.url, cache_dir=project.parent / "c")
    local = check_install(project, detect(project), index_url=index.url, cache_dir=project.parent / "c",
                          python="3.11")
    assert (binder.python, dict(binder.chosen)["alpha"]) == ("3.10", "1.0")
    assert (local.python, dict(local.chosen)["alpha"]) == ("3.11", "2.0")


# ---- each kind of failure, on its line, with a fix naming real versions ---------------------------------------


def test_release_that_needs_a_newer_python_names_line_python_and_both_fixes(make_project, index):
    result = run(make_project, {"requirements.txt": "ml25\n# analysis\nalpha==2.0\n"}, index)
    assert result.resolution()["status"] == "failed"
    problem = only(result, "install-needs-newer-python")
    assert (problem.file, problem.line, problem.severity) == ("requirements.txt", 3, "error")
    assert problem.message == "alpha 2.0 needs Python 3.11 or newer; Binder will use 3.10 (no runtime.txt)."
    assert problem.fix == "Fix: add runtime.txt with python-3.11, or pin alpha==1.0 (the newest release for 3.10)."


def test_windows_and_macos_only_packages_cannot_install_on_linux(make_project, index):
    result = run(make_project, {"requirements.txt": "winonly\nalpha\nmaconly\n"}, index)
    found = {d.line: d for d in result.diagnostics if d.code == "install-no-linux-wheel"}
    assert set(found) == {1, 3}, result.diagnostics
    assert "wheels only for Windows (win_amd64)" in found[1].message
    assert '`winonly; sys_platform == "win32"`' in found[1].fix
    assert "wheels only for macOS" in found[3].message
    assert result.status == "failed"


def test_wheels_for_a_newer_glibc_than_binders_do_not_install(make_project, index):
    problem = only(run(make_project, {"requirements.txt": "new-glibc\n"}, index), "install-no-linux-wheel")
    assert "wheels only for Linux with glibc 2.40 or newer (manylinux_2_40_x86_64)" in problem.message


def test_a_dependency_with_no_linux_wheel_is_reported_on_the_line_that_needs_it(make_project, index):
    problem = only(run(make_project, {"requirements.txt": "alpha\nneeds-windows\n"}, index), "install-no-linux-wheel")
    assert problem.line == 2
    assert problem.message.startswith("needs-windows needs winonly, and winonly 1.0 has wheels only for Windows")


def test_a_dependency_that_needs_a_newer_python_is_reported_on_the_line_that_needs_it(make_project, index):
    problem = only(run(make_project, {"requirements.txt": "needs-new-alpha\n"}, index), "install-needs-newer-python")
    assert problem.line == 1
    assert "needs-new-alpha needs alpha, and alpha 2.0 needs Python 3.11 or newer" in problem.message
    assert problem.fix == "Fix: add runtime.txt with python-3.11, or pin an older needs-new-alpha."


def test_a_dependency_problem_never_proposes_pinning_the_dependency_on_the_users_line(make_project, index):
    problem = only(run(make_project, {"requirements.txt": "needs-withdrawn\n"}, index), "install-yanked")
    assert problem.message.startswith("needs-withdrawn needs yank, and yank 2.0 was withdrawn (yanked)")
    assert problem.fix == "Fix: pin another version of needs-withdrawn."


def test_version_that_does_not_exist_proposes_the_newest_for_binders_python(make_project, index):
    problem = only(run(make_project, {"requirements.txt": "alpha==3.0\n"}, index), "install-version-not-found")
    assert problem.message == "alpha 3.0 does not exist on 127.0.0.1."
    assert problem.fix == "Fix: pin alpha==1.0 (the newest release for Python 3.10)."


def test_unknown_name_suggests_the_close_popular_name(make_project, index):
    problem = only(run(make_project, {"requirements.txt": "alpha\nscikitlearn\n"}, index), "install-name-not-found")
    assert (problem.line, problem.fix) == (2, "Fix: did you mean scikit-learn? Write scikit-learn instead.")


def test_sklearn_refuses_to_install_but_sklearn_0_0_installs_scikit_learn(make_project, index):
    refused = run(make_project, {"requirements.txt": "alpha\nsklearn\n"}, index)
    assert refused.status == "failed"
    assert only(refused, "install-sklearn").line == 2
    alias = run(make_project, {"requirements.txt": "sklearn==0.0\n"}, index)
    assert (alias.status, dict(alias.chosen)) == ("ok", {"scikit-learn": "1.5.0"})
    assert only(alias, "install-sklearn-alias").severity == "info"


def test_conflicting_requirements_name_both_lines(make_project, index):
    result = run(make_project, {"requirements.txt": "confa\nalpha\nconfb\n"}, index)
    problem = only(result, "install-conflict")
    assert problem.line == 1
    assert problem.message.startswith("confa (requirements.txt line 1) and confb (requirements.txt line 3) cannot "
                                      "be installed together: ")
    assert "confa needs alpha==1.0" in problem.message and "confb needs alpha>=2.0" in problem.message


def test_local_version_label_is_explained_with_the_public_version(make_project, index):
    problem = only(run(make_project, {"requirements.txt": "torch==2.1.0+cu121\n"}, index), "install-local-version")
    assert "+cu121" in problem.message and problem.fix == "Fix: pin torch==2.1.0."


def test_yanked_release_fails_a_range_and_warns_when_pinned_exactly(make_project, index):
    ranged = only(run(make_project, {"requirements.txt": "yank>=2\n"}, index), "install-yanked")
    assert ranged.fix == "Fix: pin yank==1.0 (the newest release that is not withdrawn)."
    assert "broken build" in ranged.message and "\x1b" not in ranged.message  # index text is shown inert
    pinned = run(make_project, {"requirements.txt": "yank==2.0\n"}, index)
    assert pinned.status == "ok"
    assert only(pinned, "install-yanked-pinned").severity == "warning"


def test_no_wheel_for_binders_python_suggests_the_python_that_has_one(make_project, index):
    problem = only(run(make_project, {"requirements.txt": "cp312only\n"}, index), "install-no-wheel-for-python")
    assert problem.message == "cp312only 1.0 has no wheel for Python 3.10 (only for Python 3.12)."
    assert problem.fix == "Fix: add runtime.txt with python-3.12."


def test_requires_python_upper_bounds_are_applied_as_pip_does(make_project, index):
    # uv reads only the lower bound of Requires-Python; pip on Binder refuses capped 1.0 on Python 3.12
    files = {"requirements.txt": "alpha\ncapped<2\n", "runtime.txt": "python-3.12\n"}
    problem = only(run(make_project, files, index), "install-needs-older-python")
    assert problem.line == 2
    assert problem.message == "capped 1.0 needs Python 3.8 to 3.11; Binder will use 3.12 (set by runtime.txt)."
    assert problem.fix == "Fix: change runtime.txt to python-3.11, or pin capped==2.0 (the newest release for 3.12)."
    transitive = only(run(make_project, {**files, "requirements.txt": "needs-capped\n"}, index),
                      "install-needs-older-python")
    assert transitive.message.startswith("needs-capped needs capped, and capped 1.0 needs Python 3.8 to 3.11")
    source = only(run(make_project, {**files, "requirements.txt": "capped-source\n"}, index),
                  "install-needs-older-python")
    assert source.message.startswith("capped-source 1.0 needs Python 3.11 or older")
    assert dict(run(make_project, {**files, "requirements.txt": "capped\n"}, index).chosen) == {"capped": "2.0"}


def test_wheels_for_other_pythons_only_fall_back_to_the_source_release(make_project, index):
    files = {"requirements.txt": "cp310-or-source\n", "runtime.txt": "python-3.12\n"}
    result = run(make_project, files, index)
    assert result.status == "ok"
    assert only(result, "install-source-only").line == 1


def test_source_only_release_is_a_warning_and_its_dependencies_are_resolved(make_project, index):
    result = run(make_project, {"requirements.txt": "srconly\n"}, index)
    assert (result.status, dict(result.chosen)) == ("ok", {"alpha": "1.0", "srconly": "1.0"})
    problem = only(result, "install-source-only")
    assert (problem.line, problem.severity) == (1, "warning")
    assert "pip will compile it from source" in problem.message


def test_source_release_known_not_to_build_is_an_error(make_project, index):
    files = {"requirements.txt": "numpy==1.24.4\n", "runtime.txt": "python-3.12\n"}
    problem = only(run(make_project, files, index), "install-source-will-not-build")
    assert problem.fix == ("Fix: pin numpy==1.26.4 (the newest release with a wheel for 3.12), "
                           "or change runtime.txt to python-3.11.")
    older = run(make_project, {"requirements.txt": "numpy==1.24.4\n"}, index)
    assert older.status == "ok" and only(older, "install-source-only").severity == "warning"


def test_one_check_reports_every_problem_at_its_line(make_project, index):
    text = "alpha==2.0\nwinonly\nml25\nscikitlearn\nyank>=2\n"
    result = run(make_project, {"requirements.txt": text}, index)
    assert sorted((d.line, d.code) for d in result.diagnostics) == [
        (1, "install-needs-newer-python"), (2, "install-no-linux-wheel"), (4, "install-name-not-found"),
        (5, "install-yanked")]


# ---- where requirements come from ------------------------------------------------------------------------------


def test_line_mapping_follows_r_includes_relative_to_the_including_file(make_project, index):
    files = {"binder/requirements.txt": "ml25\n-r deps/base.txt\n",
             "binder/deps/base.txt": "alpha\n\nalpha==2.0 --hash=sha256:00\n"}
    problem = only(run(make_project, files, index), "install-needs-newer-python")
    assert (problem.file, problem.line) == ("binder/deps/base.txt", 3)


def test_a_failing_constraint_is_reported_on_its_own_line(make_project, index):
    files = {"requirements.txt": "-c constraints.txt\nalpha\nml25\n", "constraints.txt": "# pins\nalpha==2.0\n"}
    problem = only(run(make_project, files, index), "install-needs-newer-python")
    assert (problem.file, problem.line) == ("constraints.txt", 2)


def test_index_options_written_in_the_file_are_used(make_project, index, package_index, unreachable_url):
    private = package_index()
    private.wheel("private-pkg", "1.0")
    result = run(make_project, {"requirements.txt": f"--extra-index-url {private.url}\nalpha\nprivate-pkg\n"}, index)
    assert (result.status, result.packages) == ("ok", 2)
    replaced = run(make_project, {"requirements.txt": f"-i {private.url}\nprivate-pkg\n"}, index)
    assert (replaced.status, replaced.index) == ("ok", private.url)
    wheel = private.wheel("linked", "1.0")
    files = {"requirements.txt": "--find-links ./wheels\nlinked\n", f"wheels/{wheel.filename}": wheel.data}
    assert run(make_project, files, index).status == "ok"
    files["requirements.txt"] = "--no-index\n" + files["requirements.txt"]
    assert run(make_project, files, index_url=unreachable_url).status == "ok"  # no index is asked


def test_the_users_pip_and_uv_settings_are_not_applied_except_the_pypi_mirror(make_project, index, package_index,
                                                                                 monkeypatch):
    private = package_index()
    private.wheel("private-pkg", "1.0")
    for variable in ("PIP_EXTRA_INDEX_URL", "UV_EXTRA_INDEX_URL", "UV_INDEX", "PIP_FIND_LINKS"):
        monkeypatch.setenv(variable, private.url)
    monkeypatch.setenv("PIP_INDEX_URL", index.url)  # a PyPI mirror: how PyPI is reached, so it is used
    result = run(make_project, {"requirements.txt": "alpha\nprivate-pkg\n"}, index_url=None)
    assert result.index == index.url
    assert only(result, "install-name-not-found").line == 2
    assert not [path for path in private.pages_requested()]


def test_environment_yml_pip_section_uses_its_python_and_lines(make_project, index, tmp_path):
    channel = write_channel(tmp_path / "channel")
    files = {"environment.yml": (f"channels:\n  - {channel}\n  - nodefaults\ndependencies:\n  - python=3.11\n"
                                 f"  - pip\n  - pip:\n    - alpha==2.0\n    - winonly\n")}
    result = run(make_project, files, index)
    assert result.python == "3.11"
    problem = only(result, "install-no-linux-wheel")
    assert (problem.file, problem.line) == ("environment.yml", 9)
    fixed = run(make_project, {"environment.yml": files["environment.yml"].replace("    - winonly\n", "")}, index)
    assert (fixed.status, fixed.packages) == ("ok", 3)  # alpha from pip; python and pip from the conda channel
    assert fixed.download_bytes == wheel_size(index, "alpha-2.0-") + 31_000 + 1_200


def test_pipfile_and_its_python_version(make_project, index):
    pipfile = (f'[[source]]\nurl = "{index.url}"\nname = "local"\n\n[packages]\nalpha = "==2.0"\n\n'
               f'[dev-packages]\nwinonly = "*"\n\n[requires]\npython_version = "3.10"\n')
    result = run(make_project, {"Pipfile": pipfile}, index_url=None)
    assert sorted((d.line, d.code) for d in result.diagnostics) == [
        (6, "install-needs-newer-python"), (9, "install-no-linux-wheel")]
    assert 'set python_version = "3.11" under [requires] in Pipfile' in result.diagnostics[0].fix


def test_pipfile_lock_is_what_pipenv_installs(make_project, index):
    lock = {"_meta": {"requires": {"python_version": "3.10"}, "sources": [{"url": index.url, "name": "local"}]},
            "default": {"alpha": {"version": "==1.0"}}, "develop": {"maconly": {"version": "==1.0"}}}
    files = {"Pipfile": '[packages]\nalpha = "*"\n', "Pipfile.lock": json.dumps(lock, indent=4)}
    problem = only(run(make_project, files, index_url=None), "install-no-linux-wheel")
    assert problem.file == "Pipfile.lock"
    assert '"maconly"' in files["Pipfile.lock"].splitlines()[problem.line - 1]


def test_the_projects_own_dependencies_are_checked_when_repo2docker_installs_it(make_project, index):
    pyproject = ('[project]\nname = "mine"\nversion = "1"\ndependencies = [\n  "ml25",\n  "alpha==2.0",\n]\n'
                 '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n')
    problem = only(run(make_project, {"pyproject.toml": pyproject, "requirements.txt": "ml217\n"}, index),
                   "install-needs-newer-python")
    assert (problem.file, problem.line) == ("pyproject.toml", 6)
    setup_cfg = "[options]\ninstall_requires =\n    ml25\n    winonly\n"
    problem = only(run(make_project, {"setup.cfg": setup_cfg, "setup.py": "from setuptools import setup\nsetup()\n"},
                       index), "install-no-linux-wheel")
    assert (problem.file, problem.line) == ("setup.cfg", 4)


def test_editable_install_of_the_project_checks_its_dependencies_and_urls_are_left_alone(make_project, index):
    files = {"requirements.txt": "-e .\ngit+https://example.invalid/x.git#egg=x\nalpha\n",
             "pyproject.toml": '[project]\nname = "mine"\nversion = "1"\ndependencies = ["winonly"]\n'}
    result = run(make_project, files, index)
    assert (only(result, "install-no-linux-wheel").file, only(result, "install-no-linux-wheel").line) == (
        "pyproject.toml", 4)
    note = only(result, "install-url-not-checked")
    assert (note.line, note.severity) == (2, "info")


def test_a_project_whose_dockerfile_decides_everything_is_skipped(make_project, index):
    result = run(make_project, {"Dockerfile": "FROM python:3.12\n", "requirements.txt": "winonly\n"}, index)
    assert (result.status, result.packages) == ("skipped", None)
    assert "Dockerfile" in result.message


def test_large_downloads_are_warned_about_with_their_size(make_project, index, monkeypatch):
    monkeypatch.setattr(check_module, "LARGE_BYTES", 3_000)
    result = run(make_project, {"requirements.txt": "ml217\n"}, index)
    problem = only(result, "install-large")
    assert result.status == "ok" and problem.severity == "warning"
    assert re.match(r"Binder would download \d KB of packages \(1 package\): ", problem.message)


# ---- cache -------------------------------------------------------------------------------------------------


def test_second_check_of_unchanged_files_comes_from_the_cache_without_running_uv(make_project, index, monkeypatch,
                                                                                    tmp_path):
    project = make_project({"requirements.txt": "alpha\nwinonly\n"})
    first = check_install(project, detect(project), index_url=index.url, cache_dir=tmp_path / "c")
    runs = []
    real = uv_adapter.compile_requirements
    monkeypatch.setattr(uv_adapter, "compile_requirements", lambda *a, **k: runs.append(1) or real(*a, **k))
    second = check_install(project, detect(project), index_url=index.url, cache_dir=tmp_path / "c")
    assert runs == [] and second.from_cache and not first.from_cache
    assert (second.resolution(), second.diagnostics) == (first.resolution(), first.diagnostics)
    check_install(project, detect(project), index_url=index.url, cache_dir=tmp_path / "c", refresh=True)
    assert runs, "refresh=True ignores the cache"
    runs.clear()
    (project / "runtime.txt").write_text("python-3.11\n")
    assert not check_install(project, detect(project), index_url=index.url, cache_dir=tmp_path / "c").from_cache
    assert runs, "another Python is another key"


# ---- offline ------------------------------------------------------------------------------------------------


def test_refused_index_gives_skipped_with_the_index_tried_and_is_not_cached(make_project, unreachable_url, tmp_path):
    project = make_project({"requirements.txt": "alpha\n"})
    started = time.monotonic()
    result = check_install(project, detect(project), index_url=unreachable_url, cache_dir=tmp_path / "c")
    assert time.monotonic() - started < 10
    assert result.resolution() == {"status": "skipped", "python": "3.10", "packages": None, "download_bytes": None,
                                   "index": unreachable_url, "message": UNREACHABLE}
    note = only(result, "install-not-checked")
    assert note.severity == "info" and unreachable_url in note.message and "refused" in note.message
    again = check_install(project, detect(project), index_url=unreachable_url, cache_dir=tmp_path / "c")
    assert not again.from_cache


@pytest.mark.slow
def test_index_that_never_answers_gives_skipped_in_bounded_time(make_project, hanging_index, tmp_path):
    project = make_project({"requirements.txt": "alpha\n"})
    started = time.monotonic()
    result = check_install(project, detect(project), index_url=hanging_index, cache_dir=tmp_path / "c", timeout=3)
    assert time.monotonic() - started < 6
    assert (result.status, result.message, result.index) == ("skipped", UNREACHABLE, hanging_index)
    assert not running_with(hanging_index), "uv is left running"


def test_cancel_stops_the_check_promptly_and_kills_uv(make_project, hanging_index, tmp_path):
    project = make_project({"requirements.txt": "alpha\n"})
    cancel = threading.Event()
    threading.Timer(0.5, cancel.set).start()
    started = time.monotonic()
    result = check_install(project, detect(project), index_url=hanging_index, cache_dir=tmp_path / "c", timeout=60,
                           cancel=cancel)
    assert time.monotonic() - started < 3
    assert (result.status, result.message) == ("skipped", CANCELLED)
    assert not running_with(hanging_index), "uv is left running"


def running_with(text: str) -> list[str]:
    """Processes whose command line contains `text` (Linux /proc)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if text.encode() in cmdline.read_bytes():
                found.append(cmdline.parent.name)
        except OSError:
            continue
    return found


# ---- proposing pins that install -------------------------------------------------------------------------------


def test_newest_release_for_binders_python(index, unreachable_url):
    assert newest_release_for("alpha", "3.10", index_url=index.url) == "1.0"
    assert newest_release_for("alpha", "3.11", index_url=index.url) == "2.0"
    assert newest_release_for("Yank", "3.10", index_url=index.url) == "1.0"  # not the withdrawn 2.0
    assert newest_release_for("winonly", "3.10", index_url=index.url) is None
    assert newest_release_for("numpy", "3.12", index_url=index.url, wheels_only=True) == "1.26.4"
    assert newest_release_for("alpha", "3.10", index_url=unreachable_url, timeout=2) is None


# ---- the real PyPI (optional) --------------------------------------------------------------------------------


@pytest.mark.skipif(os.environ.get("BINDER_WIZARD_ONLINE_TESTS") != "1", reason="BINDER_WIZARD_ONLINE_TESTS=1 only")
def test_real_pypi_pandas_3_needs_a_newer_python_than_binders_default(make_project, monkeypatch):
    for variable in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(variable, raising=False)
    result = run(make_project, {"requirements.txt": "numpy\npandas==3.0.0\n"}, timeout=60)
    problem = only(result, "install-needs-newer-python")
    assert problem.line == 2 and problem.message.startswith("pandas 3.0.0 needs Python 3.11 or newer")
    assert "pin pandas==2." in problem.fix


# ---- a conda channel for the environment.yml test -------------------------------------------------------------


def write_channel(root: Path) -> str:
    """Python 3.11 and pip for linux-64: what the conda part of a minimal environment.yml needs."""
    records = {
        "linux-64": {"python-3.11.9-h0.conda": {"name": "python", "version": "3.11.9", "build": "h0",
                                                "build_number": 0, "depends": [], "size": 31_000,
                                                "subdir": "linux-64"}},
        "noarch": {"pip-24.0-pyh0.conda": {"name": "pip", "version": "24.0", "build": "pyh0", "build_number": 0,
                                           "depends": ["python >=3.8"], "size": 1_200, "subdir": "noarch",
                                           "noarch": "python"}},
    }
    for subdir, packages in records.items():
        (root / subdir).mkdir(parents=True)
        (root / subdir / "repodata.json").write_text(json.dumps(
            {"info": {"subdir": subdir}, "packages": {}, "packages.conda": packages}), encoding="utf-8")
    return root.as_uri()
