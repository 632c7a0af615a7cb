"""The detector's own contract: fields, reasons, messages, overrides. (Verdicts vs repo2docker: test_differential.)"""

from __future__ import annotations

import datetime

import pytest

from wizard.core.environment.detection import versions as detection_versions
from wizard.core.environment.detection import (
    REPO2DOCKER_VERSION,
    Detection,
    RuntimeTxtError,
    detect,
    find_julia_version,
    parse_runtime,
)

REQ = "numpy==2.1.0\n"


def codes(found: Detection) -> list[str]:
    return [d.code for d in found.errors]


def test_version_constant_is_the_target():
    assert REPO2DOCKER_VERSION == "2026.4.0"


def test_requirements_with_runtime(make_project):
    found = detect(make_project({"requirements.txt": REQ, "runtime.txt": "python-3.11\n"}))
    assert (found.buildpack, found.binder_dir, found.python_version, found.python_version_source) == (
        "python", "", "3.11", "runtime.txt")
    assert found.files_used == ("requirements.txt", "runtime.txt")
    assert found.ok and found.summary == "Python 3.11 with pip from requirements.txt"


def test_unpinned_python_says_default(make_project):
    found = detect(make_project({"requirements.txt": REQ}))
    assert found.python_version == "3.10" and found.python_version_source == "default"
    assert "Python 3.10 (the default)" in found.summary
    assert any(n.code == "python-unpinned" for n in found.notes)


def test_empty_folder_is_an_error_that_mentions_the_fallback(make_project):
    found = detect(make_project({}))
    assert found.buildpack is None and codes(found) == ["no-environment"]
    message = found.errors[0].message
    assert "No environment specification found" in message and "3.10" in message
    assert "fall back" in message
    assert found.r2d_error[0] == "detect" and found.fallback_python == "3.10"


def test_binder_folder_hides_root_files_with_reason(make_project):
    found = detect(make_project({"binder/requirements.txt": REQ, "environment.yml": "dependencies: [numpy]\n",
                                 "setup.py": "", "Dockerfile": "FROM python:3.12\n"}))
    assert found.buildpack == "python" and found.binder_dir == "binder"
    ignored = dict(found.files_ignored)
    assert ignored["environment.yml"] == "ignored because a binder/ folder exists"
    assert ignored["setup.py"].startswith("ignored because a binder/ folder exists")
    assert "andrewosh" in ignored["Dockerfile"]
    assert {n.file for n in found.notes if n.code == "file-ignored"} >= {"environment.yml", "setup.py"}


def test_empty_binder_folder_hides_everything(make_project):
    project = make_project({"requirements.txt": REQ})
    (project / "binder").mkdir()
    found = detect(project)
    assert found.binder_dir == "binder" and found.buildpack is None
    assert dict(found.files_ignored)["requirements.txt"] == "ignored because a binder/ folder exists"
    assert any(n.code == "empty-config-folder" and n.file == "binder" for n in found.notes)


def test_both_config_folders_quote_repo2docker(make_project):
    found = detect(make_project({"binder/requirements.txt": REQ, ".binder/requirements.txt": REQ}))
    assert codes(found) == ["both-binder-dirs"]
    assert "The repository contains both a 'binder' and a '.binder' directory. However they are exclusive." in \
        found.errors[0].message
    assert found.errors[0].fix


def test_dockerfile_overrides_everything(make_project):
    found = detect(make_project({"Dockerfile": "FROM python:3.12\n", "requirements.txt": REQ, "postBuild": "x"}))
    assert found.buildpack == "docker" and found.python_version is None
    assert dict(found.files_ignored) == {"postBuild": "Dockerfile overrides everything else",
                                         "requirements.txt": "Dockerfile overrides everything else"}


def test_environment_wins_over_requirements(make_project):
    found = detect(make_project({"environment.yml": "dependencies:\n  - python=3.12\n", "requirements.txt": REQ,
                                 "runtime.txt": "python-3.11\n"}))
    assert found.buildpack == "conda" and found.python_version == "3.12"
    assert found.python_version_source == "environment.yml"
    ignored = dict(found.files_ignored)
    assert ignored["requirements.txt"].startswith("environment.yml wins over requirements.txt")
    assert "runtime.txt is ignored" in ignored["runtime.txt"]


def test_install_r_without_dated_runtime(make_project):
    found = detect(make_project({"install.R": "install.packages('x')\n", "runtime.txt": "r-4.3\n"}))
    assert found.buildpack is None
    ignored = dict(found.files_ignored)
    assert ignored["install.R"] == "install.R needs a dated runtime.txt (r-X.Y-YYYY-MM-DD) or a DESCRIPTION file"
    assert "needs a date" in ignored["runtime.txt"]


def test_r_runtime_gives_version_and_snapshot(make_project):
    found = detect(make_project({"runtime.txt": "r-4.3-2024-06-01\n", "install.R": "x"}))
    assert (found.buildpack, found.r_version, found.r_snapshot_date, found.python_version) == (
        "r", "4.3.3", "2024-06-01", "3.10")
    assert found.files_used == ("runtime.txt", "install.R")
    assert found.summary.startswith("R 4.3.3 with packages from the 2024-06-01 CRAN snapshot")


def test_description_snapshot_is_two_days_ago(make_project):
    found = detect(make_project({"DESCRIPTION": "Package: x\n"}))
    assert found.buildpack == "r" and found.r_version == "4.4.2"
    assert found.r_snapshot_date == (datetime.date.today() - datetime.timedelta(days=2)).isoformat()


@pytest.mark.parametrize("content, reason", [
    ("Python-3.12\n", "capital letter"),
    ("# my version\npython-3.11\n", "no comment or extra lines"),
    ("julia-1.6\n", "not a runtime Binder knows"),
])
def test_silently_ignored_runtime_forms(make_project, content, reason):
    found = detect(make_project({"requirements.txt": REQ, "runtime.txt": content}))
    assert found.buildpack is None and codes(found) == ["no-environment"]
    assert reason in dict(found.files_ignored)["runtime.txt"]
    assert "switches the Python setup off" in dict(found.files_ignored)["requirements.txt"]


@pytest.mark.parametrize("content, code, quoted", [
    ("python3.9\n", "runtime-invalid", "Invalid runtime.txt: python3.9"),
    ("python-3.12.1\n", "python-version-form", "got 3.12.1."),
    ("python-3.99\n", "python-unsupported", "Python version 3.99 on linux-64 is not supported!"),
    ("python-4\n", "python-major-unknown", "KeyError: '4'"),
    ("python-3.11-2020-13-01\n", "runtime-invalid-date", "month must be in 1..12"),
])
def test_runtime_errors_quote_repo2docker(make_project, content, code, quoted):
    found = detect(make_project({"requirements.txt": REQ, "runtime.txt": content}))
    assert codes(found) == [code]
    assert quoted in found.errors[0].message and found.errors[0].file == "runtime.txt"
    assert found.errors[0].line == 1


def test_invalid_runtime_aborts_even_an_environment_yml_repo(make_project):
    found = detect(make_project({"environment.yml": "dependencies: [numpy]\n", "runtime.txt": "python3.9\n"}))
    assert found.buildpack is None and found.r2d_error[0] == "detect"


def test_mran_cutoff(make_project):
    found = detect(make_project({"runtime.txt": "r-2018-06-01\n"}))
    assert codes(found) == ["r-snapshot-too-old"]
    assert "Microsoft killed MRAN" in found.errors[0].message


def test_legacy_dockerfile_is_read_at_root_even_with_dotbinder(make_project):
    found = detect(make_project({"Dockerfile": "FROM andrewosh/binder-base\n", ".binder/Dockerfile": "FROM x:1\n"}))
    assert codes(found) == ["legacy-dockerfile"] and "The legacy buildpack has been removed." in found.errors[0].message


def test_require_fails_only_at_build(make_project):
    found = detect(make_project({"REQUIRE": "IJulia\n"}))
    assert found.buildpack == "julia-require" and codes(found) == ["julia-require-removed"]
    assert found.r2d_error[0] == "build"


def test_pyproject_fallback_picks_newest(make_project):
    found = detect(make_project({"requirements.txt": REQ,
                                 "pyproject.toml": '[project]\nname="x"\nrequires-python=">=3.11"\n'}))
    assert found.python_version == "3.14" and found.python_version_source == "pyproject.toml requires-python"
    assert "pyproject.toml" in found.files_used


def test_pyproject_runtime_conflict(make_project):
    found = detect(make_project({"requirements.txt": REQ, "runtime.txt": "python-3.10\n",
                                 "pyproject.toml": '[project]\nname="x"\nrequires-python=">=3.12"\n'}))
    assert codes(found) == ["pyproject-runtime-conflict"]
    assert "runtime.txt version not supported by pyproject.toml." in found.errors[0].message


def test_environment_yaml_errors_have_positions(make_project):
    found = detect(make_project({"environment.yml": "name: a\nname: b\n"}))
    assert codes(found) == ["environment-duplicate-key"] and found.errors[0].line == 2
    found = detect(make_project({"environment.yml": "- numpy\n"}))
    assert codes(found) == ["environment-not-mapping"]
    assert "environment.yml should contain a dictionary. Got <class 'ruamel.yaml.comments.CommentedSeq'>" in \
        found.errors[0].message


def test_apt_invalid_name_quotes_repo2docker(make_project):
    found = detect(make_project({"requirements.txt": REQ, "apt.txt": "# tools\nVim\n"}))
    assert codes(found) == ["apt-invalid-name"] and found.errors[0].line == 2
    assert "Found invalid package name Vim in apt.txt" in found.errors[0].message


def test_julia_version_and_errors(make_project, monkeypatch):
    monkeypatch.setattr(detection_versions, "JULIA_RELEASES", ("1.6.7", "1.9.4", "1.10.10", "1.11.7"))
    found = detect(make_project({"Project.toml": '[compat]\njulia = "1.10"\n'}))
    assert (found.buildpack, found.julia_version, found.python_version) == ("julia", "1.11.7", "3.10")
    found = detect(make_project({"Project.toml": '[compat]\njulia = "1.6, 1.7"\n'}, name="p2"))
    assert codes(found) == ["julia-no-matching-version"]


@pytest.mark.parametrize("compat, expected", [
    ("1.6", "1.11.7"), ("^1.9", "1.11.7"), ("~1.10", "1.10.10"), ("~1.10.2", "1.10.10"), ("=1.9.4", "1.9.4"),
    (">=1.9", "1.11.7"), ("<1.7", "1.6.7"), ("0.7", None), ("2", None),
])
def test_julia_semver(compat, expected):
    assert find_julia_version(compat, ("1.6.7", "1.9.4", "1.10.10", "1.11.7")) == expected


def test_parse_runtime_grammar():
    assert parse_runtime("python-3.12\r\n").version == "3.12"
    assert parse_runtime("r-4.3-2024-01-02").date == datetime.date(2024, 1, 2)
    with pytest.raises(RuntimeTxtError, match="Invalid runtime.txt: python-"):
        parse_runtime("python-")


def test_overrides_replace_disk_content(make_project):
    project = make_project({"requirements.txt": REQ, "runtime.txt": "python-3.11\n"})
    assert detect(project, {"runtime.txt": "python-3.13\n"}).python_version == "3.13"
    # An unsaved file counts as present, and an unsaved file in binder/ makes the folder count.
    found = detect(project, {"binder/environment.yml": "dependencies:\n  - python=3.12\n"})
    assert found.binder_dir == "binder" and found.buildpack == "conda" and found.python_version == "3.12"
    assert detect(project).python_version == "3.11"  # disk untouched


def test_lookalike_names_and_subfolders(make_project):
    found = detect(make_project({"requirement.txt": REQ, "Environment.yml": "x: 1\n",
                                 "notebooks/requirements.txt": REQ}))
    ignored = dict(found.files_ignored)
    assert ignored["requirement.txt"] == "ignored: Binder only reads a file named exactly 'requirements.txt'"
    assert ignored["Environment.yml"] == "ignored: Binder only reads a file named exactly 'environment.yml'"
    assert "sub-folders" in ignored["notebooks/requirements.txt"]
    assert {"misnamed-file", "file-in-subfolder"} <= {n.code for n in found.notes}


def test_summaries(make_project):
    assert detect(make_project({"environment.yml": "dependencies:\n  - python=3.12\n", "apt.txt": "vim\n"})) \
        .summary == "Python 3.12 with conda from environment.yml, plus apt.txt"
    assert detect(make_project({"Pipfile": '[requires]\npython_version = "3.11"\n'}, name="b")).summary == \
        "Python 3.11 with pipenv from Pipfile"
    assert detect(make_project({"binder/Dockerfile": "FROM x:1\n"}, name="c")).summary.startswith(
        "Your own Dockerfile (binder/Dockerfile)")


def test_build_context_filters_and_stencila(make_project):
    found = detect(make_project({"binder/requirements.txt": REQ, "binder/.dockerignore": "data/\n",
                                 ".dockerignore": "x\n", "stencila/manifest.xml": "<x/>"}))
    assert "binder/.dockerignore" in found.files_used
    assert dict(found.files_ignored)[".dockerignore"].startswith("ignored because a binder/ folder exists")
    assert any(n.code == "stencila-manifest" and n.file == "stencila/manifest.xml" for n in found.notes)
    docker = detect(make_project({"binder/Dockerfile": "FROM x:1\n", ".dockerignore": "x\n"}, name="d"))
    assert docker.files_used == ("binder/Dockerfile", ".dockerignore")


def test_utf16_requirements_are_read_like_pip(make_project):
    from wizard.core.environment.engine import analyse

    report = analyse(make_project({"requirements.txt": "numpy\nglob\n".encode("utf-16")}))
    codes = {d.code for d in report.diagnostics}
    assert "utf16-encoding" in codes and "req-stdlib" in codes and "binary-file" not in codes


def test_r_and_julia_do_not_take_the_python_pin_from_environment_yml(make_project):
    found = detect(make_project({"runtime.txt": "r-2024-01-10\n",
                                 "environment.yml": "dependencies:\n  - python=3.12\n  - numpy\n"}))
    assert found.buildpack == "r" and found.python_version == "3.10"
    note = next(n for n in found.notes if n.code == "environment-python-pin-not-used")
    assert (note.file, note.line, note.severity) == ("environment.yml", 2, "warning")


def test_engine_merges_detector_and_validator_findings(make_project):
    from wizard.core.environment.engine import analyse, fix_for

    project = make_project({"requirements.txt": REQ, "runtime.txt": "python3.9\n", "setup.py": "x = (\n"})
    report = analyse(project)
    runtime = [d for d in report.diagnostics if d.file == "runtime.txt"]
    assert [d.code for d in runtime] == ["runtime-invalid"]  # one finding, not two
    assert "Invalid runtime.txt: python3.9" in runtime[0].message  # the detector's quote of repo2docker
    assert fix_for(runtime[0]).apply("python3.9\n") == "python-3.9\n"  # the validator's precise fix
    assert not report.ok


def test_engine_downgrades_findings_in_ignored_files(make_project):
    from wizard.core.environment.engine import analyse

    report = analyse(make_project({"binder/requirements.txt": REQ, "setup.py": "x = (\n"}))
    setup = [d for d in report.diagnostics if d.code == "setup-py-syntax"]
    assert setup and setup[0].severity == "info" and setup[0].message.startswith("(This file is ignored:")
    assert report.ok


def test_engine_follows_unsaved_edits(make_project):
    from wizard.core.environment.engine import analyse

    project = make_project({"requirements.txt": REQ})
    assert analyse(project).ok
    edited = analyse(project, {"requirements.txt": "numpy==2.1.0\nglob\n"})
    assert any(d.code == "req-stdlib" and d.line == 2 for d in edited.diagnostics) and not edited.ok
    assert (project / "requirements.txt").read_text() == REQ


def test_a_detector_bug_becomes_a_plain_error(make_project, monkeypatch):
    from wizard.core.environment import engine

    def broken(project, overrides=None):
        raise KeyError("boom")

    monkeypatch.setattr(engine, "detect", broken)
    report = engine.analyse(make_project({"requirements.txt": REQ}))
    assert [d.code for d in report.diagnostics] == ["internal-error"] and not report.ok
    assert report.to_json()["buildpack"] is None


# --------------------------------------------------------------------------------------------------
# Hostile files: a named pipe or a folder where a config file should be


def _finishes(function, *args, seconds: float = 20):
    """Run `function` in a daemon thread: a hang fails the test instead of blocking the whole run."""
    import threading

    result: dict = {}
    worker = threading.Thread(target=lambda: result.setdefault("value", function(*args)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"{function.__name__} hung"
    return result["value"]


@pytest.mark.parametrize("name", ["requirements.txt", "environment.yml", "runtime.txt", "apt.txt", "Dockerfile",
                                  "pyproject.toml", "binder/environment.yml"])
def test_named_pipe_is_reported_not_waited_on(make_project, name):
    import os

    from wizard.core.environment.engine import analyse

    files = {"requirements.txt": REQ} if name in ("apt.txt", "pyproject.toml") else {}
    project = make_project(files)
    (project / name).parent.mkdir(exist_ok=True)
    os.mkfifo(project / name)
    report = _finishes(analyse, project)
    assert not report.ok
    problems = [d for d in report.errors if d.file == name]
    assert [d.code for d in problems] == ["not-a-file"], report.diagnostics
    assert "named pipe" in problems[0].message and "internal-error" not in {d.code for d in report.diagnostics}


@pytest.mark.parametrize("name", ["environment.yml", "environment.yaml", "binder/environment.yml"])
def test_folder_named_environment_yml_is_explained_not_a_crash(make_project, name):
    project = make_project({"requirements.txt": REQ})
    (project / name).mkdir(parents=True)
    found = detect(project)
    assert found.buildpack == "conda" and codes(found) == ["not-a-file"]
    assert None not in found.files_used and name not in found.files_used


@pytest.mark.parametrize("name", ["environment.yml", "Pipfile", "pyproject.toml", "requirements.txt"])
def test_huge_file_is_not_parsed_by_the_detector(make_project, monkeypatch, name):
    """A 3 MB file gets one clear error; parsing it (seconds of YAML/TOML) is skipped."""
    from wizard.core.environment import yaml12
    from wizard.core.environment.engine import analyse

    def no_parse(*args, **kwargs):
        raise AssertionError("parsed a huge file")

    monkeypatch.setattr(yaml12, "load", no_parse)
    monkeypatch.setattr(detection_versions, "load_toml05", no_parse)
    line = "numpy\n" if name == "requirements.txt" else "# padding\n"
    text = line * (3_000_000 // len(line))
    report = analyse(make_project({name: text, "requirements.txt": REQ} if name == "pyproject.toml" else {name: text}))
    too_large = [d for d in report.diagnostics if d.code == "file-too-large"]
    assert [(d.file, d.severity) for d in too_large] == [(name, "error")]
    assert "3.0 MB" in too_large[0].message


def test_huge_unsaved_text_is_not_parsed_either(make_project, monkeypatch):
    from wizard.core.environment import yaml12

    monkeypatch.setattr(yaml12, "load", lambda text: pytest.fail("parsed a huge file"))
    found = detect(make_project({}), {"environment.yml": "# padding\n" * 300_000})
    assert codes(found) == ["file-too-large"]


def test_messages_quoting_a_file_are_bounded_and_show_control_characters(make_project):
    from wizard.core.environment.engine import analyse

    project = make_project({"runtime.txt": "py\x1b[2Jthon" + "q" * 1_000_000 + "-3.12\n",
                            "requirements.txt": "numpy==1.0 ; " + "(" * 100_000 + "\n"})
    report = analyse(project)
    shown = [d.message for d in report.diagnostics] + [d.fix or "" for d in report.diagnostics]
    shown += [item["reason"] for item in report.to_json()["files_ignored"]]
    assert max(map(len, shown)) < 1000
    assert not any("\x1b" in text for text in shown)
    assert any("py\\x1b[2Jthon" in text for text in shown)  # visibly, not silently 'python'
    assert not any("ignored: ignored" in text for text in shown)


def test_thousands_of_identical_findings_are_summarised(make_project):
    """A data file saved as requirements.txt: 20 errors and one 'and N more', not 3,000 lines of report."""
    from wizard.core.environment.engine import analyse

    rows = "".join(f"{i},{i * 0.5},{i * 0.25}\n" for i in range(3000))
    report = analyse(make_project({"requirements.txt": rows, "runtime.txt": "python-3.12\n"}))
    invalid = [d for d in report.diagnostics if d.code == "req-invalid"]
    assert len(invalid) == 21 and not report.ok
    assert [d.line for d in invalid[:20]] == list(range(1, 21))
    assert invalid[20].line == 21 and "2,980 more lines" in invalid[20].message


def test_link_leaving_the_project_is_an_error_git_would_not_carry(make_project, tmp_path):
    import os

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "requirements.txt").write_text(REQ)
    project = make_project({"runtime.txt": "python-3.12\n"})
    os.symlink(outside / "requirements.txt", project / "requirements.txt")
    found = detect(project)
    assert found.buildpack == "python" and found.r2d_error is None  # repo2docker here would build it
    assert codes(found) == ["link-outside-project"] and not found.ok
    assert "points nowhere" in found.errors[0].message and "but the build will fail" in found.summary


def test_config_folder_linked_from_outside_is_an_error(make_project, tmp_path):
    import os

    outside = tmp_path / "config"
    outside.mkdir()
    (outside / "requirements.txt").write_text(REQ)
    project = make_project({})
    os.symlink(outside, project / "binder")
    found = detect(project)
    assert found.binder_dir == "binder" and codes(found) == ["link-outside-project"]
    assert found.errors[0].file == "binder"


def test_links_inside_the_project_are_fine_and_broken_ones_are_pointed_out(make_project):
    import os

    project = make_project({"deps.txt": REQ})
    os.symlink("deps.txt", project / "requirements.txt")
    os.symlink("missing.yml", project / "environment.yml")
    found = detect(project)
    assert found.ok and found.buildpack == "python"
    broken = [n for n in found.notes if n.code == "broken-link"]
    assert [(n.file, n.severity) for n in broken] == [("environment.yml", "warning")]
    assert "'missing.yml'" in broken[0].message


@pytest.mark.parametrize("runtime, says", [("Python-3.12\n", "says 'Python'"),
                                           ("\ufeffpython-3.12\n", "byte-order mark")])
def test_no_environment_fix_points_at_runtime_txt_when_packages_are_listed(make_project, runtime, says):
    found = detect(make_project({"requirements.txt": REQ, "runtime.txt": runtime}))
    assert codes(found) == ["no-environment"]
    fix = found.errors[0].fix
    assert says in fix and "switches off requirements.txt" in fix and not fix.startswith("Add a requirements.txt")


@pytest.mark.parametrize("files, code", [
    ({"Pipfile.lock": "1" * 5000}, "pipfile-lock-invalid-json"),  # int() digit limit: ValueError
    ({"Pipfile.lock": "[" * 5000}, "pipfile-lock-invalid-json"),  # RecursionError
    ({"pyproject.toml": "a = " + "[" * 5000 + "]" * 5000 + "\n", "requirements.txt": REQ}, "pyproject-invalid-toml"),
    ({"Project.toml": "a = " + "[" * 5000 + "]" * 5000 + "\n"}, "julia-invalid-toml"),
], ids=["lock-digits", "lock-nesting", "pyproject-nesting", "julia-nesting"])
def test_parser_limits_are_invalid_files_not_crashes(make_project, files, code):
    from wizard.core.environment.engine import analyse

    report = analyse(make_project(files))
    codes_found = {d.code for d in report.diagnostics}
    assert code in codes_found and not codes_found & {"internal-error", "validator-crashed"}, report.diagnostics


def test_toml_line_full_of_equals_is_refused_before_the_slow_parser(make_project, monkeypatch):
    """toml 0.10 is quadratic in the '=' of an unquoted value (50,000 took 30 s); repo2docker fails on it too."""
    import toml

    from wizard.core.environment.engine import analyse

    monkeypatch.setattr(toml, "loads", lambda text: pytest.fail("slow parser called"))
    report = analyse(make_project({"Pipfile": "a" + "=" * 50_000 + "\n"}))
    invalid = [d for d in report.diagnostics if d.code == "pipfile-invalid-toml"]
    assert invalid and invalid[0].line == 1 and "'=' signs" in invalid[0].message


@pytest.mark.parametrize("name", ["pyproject.toml", "Project.toml", "Pipfile"])
def test_toml_key_with_thousands_of_parts_is_refused_before_the_slow_parsers(make_project, monkeypatch, name):
    """tomllib walks a dotted key once per part: 40,000 parts took 1.7 s, a 2 MB file hours."""
    import tomllib

    import toml

    from wizard.core.environment.engine import analyse

    monkeypatch.setattr(tomllib, "loads", lambda text: pytest.fail("tomllib called"))
    monkeypatch.setattr(toml, "loads", lambda text: pytest.fail("toml called"))
    files = {name: "[" + "a." * 40_000 + "a]\n"}
    if name == "pyproject.toml":
        files["requirements.txt"] = REQ
    report = analyse(make_project(files))
    assert any(d.file == name and d.severity == "error" and "dotted parts" in d.message for d in report.diagnostics)


def test_name_with_a_trailing_space_is_pointed_out(make_project):
    found = detect(make_project({"requirements.txt ": REQ, "runtime.txt": "python-3.12\n"}))
    assert found.buildpack == "python" and "requirements.txt" not in found.files_used
    assert dict(found.files_ignored)["requirements.txt "] == \
        "ignored: Binder only reads a file named exactly 'requirements.txt'"


def test_the_detection_package_loads_the_detector_only_when_used(tmp_path):
    """The validators and deps import detection.rules for its tables; that must not load the whole detector."""
    import subprocess
    import sys

    code = ("import sys, wizard.core.environment.validators, wizard.core.environment.detection.rules\n"
            "loaded = [m for m in sys.modules if m.startswith('wizard.core.environment.detection.')]\n"
            "print(sorted(m.rsplit('.', 1)[-1] for m in loaded))\n"
            "from wizard.core.environment.detection import detect, REPO2DOCKER_VERSION\n"
            "print(detect.__module__, REPO2DOCKER_VERSION)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert out.stdout.splitlines() == ["['rules']", "wizard.core.environment.detection.summary 2026.4.0"]
