"""Validators for the Python-family files: findings, positions, fixes, and robustness on any input."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard.core.environment.engine import analyse
from wizard.core.environment.validators import FileContext, fix_for, validate_bytes, validate_text

KINDS = ["environment.yml", "environment.yaml", "requirements.txt", "requirements3.txt", "runtime.txt",
         "Pipfile", "Pipfile.lock", "pyproject.toml", "setup.py"]


def check(name: str, text: str, path: str | None = None, project=None, detection=None):
    return validate_text(text, FileContext(path or name, name, project, detection))


def by_code(findings) -> dict:
    return {d.code: d for d in findings}


def apply(finding, text: str) -> str:
    fix = fix_for(finding)
    assert fix is not None, finding.code
    return fix.apply(text)


# ---------------------------------------------------------------- environment.yml

EXPORTED = """name: test
channels:
  - defaults
prefix: /Users/me/miniconda3/envs/test
dependencies:
  - python>=3.11
  - numpy=1.26.4=py311h64a7726_0
  - appnope=0.1.3=pyhd8ed1ab_0
  - pip:
    - pywin32==306
    - glob
"""


def test_environment_findings_with_positions():
    found = by_code(check("environment.yml", EXPORTED))
    assert (found["environment-prefix"].line, found["environment-prefix"].severity) == (4, "warning")
    assert found["environment-defaults-channel"].line == 2
    assert (found["environment-python-pin-form"].line, found["environment-python-pin-form"].column) == (6, 5)
    assert found["environment-build-string"].line in (7, 8)
    assert (found["environment-os-only"].line, found["environment-os-only"].severity) == (8, "warning")  # noarch since 0.1.3
    assert found["environment-pip-missing"].line == 9
    assert (found["req-windows-only"].line, found["req-windows-only"].column) == (10, 7)
    assert found["req-stdlib"].line == 11


def test_environment_fixes_produce_valid_files():
    text = EXPORTED
    for code in ("environment-build-string", "environment-pip-missing", "environment-python-pin-form",
                 "environment-prefix"):
        finding = by_code(check("environment.yml", text))[code]
        text = apply(finding, text)
    assert "=py311h64a7726_0" not in text and "  - numpy=1.26.4\n" in text
    assert "  - pip\n  - pip:\n" in text and "  - python=3.11\n" in text and "prefix:" not in text
    remaining = by_code(check("environment.yml", text))
    assert not {"environment-build-string", "environment-pip-missing", "environment-python-pin-form",
                "environment-prefix"} & set(remaining)
    text = apply(remaining["req-windows-only"], text)
    assert '    - pywin32==306; sys_platform == "win32"\n' in text
    text = apply(by_code(check("environment.yml", text))["environment-os-only"], text)
    assert "appnope" not in text


def test_environment_yaml_errors_match_repo2docker():
    assert by_code(check("environment.yml", "a: 1\na: 2\n"))["environment-duplicate-key"].line == 2
    tab = by_code(check("environment.yml", "dependencies:\n\t- numpy\n"))
    assert tab["environment-tab"].severity == "error" and tab["environment-tab"].line == 2
    assert "environment-not-mapping" in by_code(check("environment.yml", "- numpy\n"))
    assert "environment-yaml-error" in by_code(check("environment.yml", "dependencies: [\n"))


def test_environment_shapes():
    assert "environment-dependencies-not-list" in by_code(check("environment.yml", "dependencies:\n"))
    assert "environment-pip-not-text" in by_code(check("environment.yml", "dependencies:\n  - pip\n  - pip:\n"
                                                                           "    - 1.5\n"))
    mis = by_code(check("environment.yml", "dependencies:\n  - pip\n  - pip:\n  - requests\n"))
    assert "not indented enough" in mis["environment-pip-empty"].message
    assert "environment-empty" in by_code(check("environment.yml", ""))
    assert "environment-unknown-key" in by_code(check("environment.yml", "dependancies:\n  - numpy\n"))
    assert "environment-dependency-mapping" in by_code(check("environment.yml", "dependencies:\n  - numpy: 1.2\n"))


BILLION_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{key}: &{key} [{', '.join([f'*{previous}'] * 9)}]\n" for previous, key in zip("abcdefgh", "bcdefghi")
) + "dependencies: *i\n"


def test_environment_billion_laughs_is_not_expanded(make_project):
    """Nine levels of aliases (9**9 items once expanded): shared like ruamel shares them, checked at once."""
    import threading

    from wizard.core.environment import yaml12

    project = make_project({"environment.yml": BILLION_LAUGHS})
    result: dict = {}
    worker = threading.Thread(target=lambda: result.update(loaded=yaml12.load(BILLION_LAUGHS),
                                                           report=analyse(project)), daemon=True)
    worker.start()
    worker.join(20)
    assert not worker.is_alive(), "expanding the aliases"
    loaded, report = result["loaded"], result["report"]
    assert loaded.error is None and loaded.data["dependencies"][0] is loaded.data["dependencies"][1]
    assert loaded.data.key_marks["dependencies"] == (10, 1)  # positions kept on the ruamel path too
    assert report.detection.buildpack == "conda" and report.detection.python_version == "3.10"
    nested = [d for d in report.diagnostics if d.code == "environment-dependency-not-text"]
    assert nested and "nested list" in nested[0].message and len(nested[0].message) < 200
    unknown = {d.line for d in report.diagnostics if d.code == "environment-unknown-key"}
    assert unknown == set(range(1, 10))  # one per key, each on its own line


@pytest.mark.parametrize("text", ["dependencies: " + "[" * 5000 + "]" * 5000 + "\n",
                                  "dependencies:\n" + "".join(" " * (2 * i) + "-\n" for i in range(1100))],
                         ids=["flow", "block"])
def test_environment_nested_too_deep_is_answered_without_ruamel(monkeypatch, text):
    """Over libyaml's 1,000 levels ruamel also fails (at ~250), but only after seconds of recursion."""
    from wizard.core.environment import yaml12

    monkeypatch.setattr(yaml12, "_ruamel_error", lambda text: pytest.fail("asked ruamel"))
    loaded = yaml12.load(text)
    assert loaded.error is not None and loaded.error.kind == "RecursionError"
    found = by_code(check("environment.yml", text))
    assert found["environment-yaml-error"].severity == "error"
    assert "nested hundreds of levels deep" in found["environment-yaml-error"].message


@pytest.mark.parametrize("spec, code", [
    ("python=3.15", "python-unsupported"), ("python=4", "python-major-unknown"),
    ("conda-forge::python=3.12", "environment-python-pin-form"), ("python 3.11", "environment-python-pin-form"),
    ("python=3", "environment-python-major"), ("r-base>=4", "environment-r-pin-form"),
])
def test_environment_python_pins(spec, code):
    assert code in by_code(check("environment.yml", f"dependencies:\n  - {spec}\n"))


def test_environment_good_file_is_clean():
    text = "name: demo\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.12\n  - numpy=2.1\n  - pip\n" \
           "  - pip:\n    - requests==2.32.3\n"
    assert check("environment.yml", text) == []


def test_move_requirements_into_pip(make_project):
    project = make_project({"environment.yml": "name: x\ndependencies:\n  - python=3.12\n  - numpy\n",
                            "requirements.txt": "requests==2.32.3\n# comment\nrich\n"})
    report = analyse(project)
    finding = next(d for d in report.diagnostics if d.code == "environment-requirements-ignored")
    assert "requests==2.32.3" in finding.message
    new = apply(finding, (project / "environment.yml").read_text())
    assert new == ("name: x\ndependencies:\n  - python=3.12\n  - numpy\n  - pip\n  - pip:\n"
                   "    - requests==2.32.3\n    - rich\n")
    assert [d.code for d in check("environment.yml", new)] == ["environment-no-channels"]


# ---------------------------------------------------------------- requirements.txt

REQS = """numpy==2.1.0
pandas=2.0
glob
sklearn
pywin32==306
appnope
src/mypkg
foo @ file:///home/conda/feedstock_root/build_artifacts/foo_1/work
numpy>=1
--bogus
C:\\Users\\me\\pkg
notebook==6.0.0
x y z
"""


def test_requirements_findings():
    found = {(d.line, d.code) for d in check("requirements.txt", REQS)}
    assert {(2, "req-single-equals"), (3, "req-stdlib"), (4, "req-import-name"), (5, "req-windows-only"),
            (6, "req-macos-only"), (7, "req-local-path-without-dot"), (8, "req-local-file-url"),
            (9, "req-conflicting-duplicate"), (10, "req-unknown-option"), (11, "req-absolute-path"),
            (12, "req-pins-jupyter"), (13, "req-invalid")} <= found


@pytest.mark.parametrize("line, code, severity", [
    ("pywin32==306", "req-windows-only", "error"),  # no Linux wheel or sdist: pip stops
    ("wmi", "req-windows-only", "error"),  # a pure wheel, but it needs pywin32
    ("pyobjc", "req-macos-only", "error"),  # needs pyobjc-core, macOS wheels only
    ("tensorflow-macos==2.15.0", "req-macos-only", "error"),
    ("appnope==0.1.4", "req-macos-only", "warning"),  # pure wheel: installs on Linux, the build goes on
    ("win32-setctime==1.2.0", "req-windows-only", "warning"),
    ("comtypes==1.4.8", "req-windows-only", "warning"),
])
def test_os_only_packages_are_errors_only_when_pip_really_fails(line, code, severity):
    found = by_code(check("requirements.txt", line + "\n"))[code]
    assert found.severity == severity and "sys_platform" in found.fix


def test_pythonnet_is_not_windows_only():
    assert "req-windows-only" not in by_code(check("requirements.txt", "pythonnet==3.0.5\n"))


def test_requirements_good_lines_are_clean():
    text = ("# analysis\nnumpy==2.1.0\nrequests[socks]>=2.31,<3\nmatplotlib ~= 3.9\n"
            "pywin32==306; sys_platform == 'win32'\n-e .\n./local_pkg\ngit+https://github.com/x/y@v1#egg=y\n"
            "--extra-index-url https://example.org/simple\nscipy==1.14.* \\\n  # trailing\n")
    found = [d for d in check("requirements.txt", text) if d.code != "req-local-no-package"]
    assert found == []


@pytest.mark.parametrize("line, code, fixed", [
    ("pywin32==306", "req-windows-only", 'pywin32==306; sys_platform == "win32"'),
    ("appnope", "req-macos-only", 'appnope; sys_platform == "darwin"'),
    ("pandas=2.0", "req-single-equals", "pandas==2.0"),
    ("src/mypkg", "req-local-path-without-dot", "./src/mypkg"),
    ("foo @ file:///tmp/foo-1.0.tar.gz", "req-local-file-url", "foo==1.0"),  # the version in the file name kept
    ("numpy @ file:///Users/alex/build/numpy-1.26.4", "req-local-file-url", "numpy==1.26.4"),
    ("scikit-learn[all] @ file:///w/scikit_learn-1.5.0-cp311-cp311-linux_x86_64.whl ; python_version>'3'",
     "req-local-file-url", "scikit-learn[all]==1.5.0 ; python_version>'3'"),
    ("foo @ file:///home/conda/feedstock_root/build_artifacts/foo_1700000000/work", "req-local-file-url", "foo"),
    ("sklearn", "req-import-name", "scikit-learn"),
])
def test_requirements_fixes(line, code, fixed):
    text = f"numpy==2.1.0\n{line}\n"
    finding = by_code(check("requirements.txt", text))[code]
    assert apply(finding, text) == f"numpy==2.1.0\n{fixed}\n"
    assert code not in by_code(check("requirements.txt", apply(finding, text)))


def test_requirements_file_url_fix_says_what_it_writes():
    pinned = by_code(check("requirements.txt", "numpy @ file:///Users/alex/build/numpy-1.26.4\n"))
    assert pinned["req-local-file-url"].fix.startswith("Write it as 'numpy==1.26.4'")
    unknown = by_code(check("requirements.txt", "foo @ file:///home/conda/feedstock_root/build_artifacts/foo_1/work\n"))
    assert unknown["req-local-file-url"].fix.startswith("Write it as 'foo', then add its version")


def test_requirements_stdlib_line_removed():
    text = "numpy\nglob\nrich\n"
    assert apply(by_code(check("requirements.txt", text))["req-stdlib"], text) == "numpy\nrich\n"


def test_requirements_pin_advice():
    assert "req-unpinned" in by_code(check("requirements.txt", "numpy\npandas\n"))
    frozen = "".join(f"pkg{i}==1.{i}\n" for i in range(50))
    assert "req-looks-like-freeze" in by_code(check("requirements.txt", frozen))


def test_requirements_includes_and_local_package(make_project):
    project = make_project({"binder/requirements.txt": "-r extra.txt\n-e .\n", "binder/extra.txt": "numpy\n"})
    found = by_code(check("requirements.txt", "-r extra.txt\n-r missing.txt\n-e .\n", "binder/requirements.txt",
                          project))
    assert found["req-missing-include"].line == 2
    assert found["req-local-no-package"].line == 3


def test_requirements3_pitfall(make_project):
    report = analyse(make_project({"requirements.txt": "numpy\n", "requirements3.txt": "rich\n",
                                   "runtime.txt": "python-3.12\n"}))
    assert any(d.code == "req3-unused" and d.file == "requirements3.txt" for d in report.diagnostics)


def test_crlf_fix():
    text = "numpy\r\npandas\r\n"
    assert apply(by_code(check("requirements.txt", text))["crlf"], text) == "numpy\npandas\n"


# ---------------------------------------------------------------- runtime.txt


@pytest.mark.parametrize("text, code, fixed", [
    ("python3.9\n", "runtime-invalid", "python-3.9\n"),
    ("Python-3.12\n", "runtime-capital-name", "python-3.12\n"),
    ("python-3.12.1\n", "python-version-form", "python-3.12\n"),
    ("# version\npython-3.11\n", "runtime-extra-lines", "python-3.11\n"),
    ("python-3.11-2024-01-01\n", "runtime-python-date-ignored", "python-3.11\n"),
    ("python-3\n", "runtime-python-major", "python-3.10\n"),
])
def test_runtime_fixes(text, code, fixed):
    finding = by_code(check("runtime.txt", text))[code]
    assert apply(finding, text) == fixed


@pytest.mark.parametrize("text, code, severity", [
    ("python-3.99\n", "python-unsupported", "error"),
    ("python-4\n", "python-major-unknown", "error"),
    ("julia-1.6\n", "runtime-unknown-name", "warning"),
    ("r-4.3\n", "runtime-r-no-date", "warning"),
    ("r-2018-06-01\n", "r-snapshot-too-old", "error"),
    ("r-4.6-2025-06-01\n", "r-version-unsupported", "error"),
    ("r-9.9.9-2025-01-01\n", "runtime-r-full-version", "warning"),
    ("python-3.6\n", "runtime-python-legacy", "warning"),
    ("\n", "runtime-invalid", "error"),
    ("r-2020-13-01\n", "runtime-invalid-date", "error"),
])
def test_runtime_findings(text, code, severity):
    assert by_code(check("runtime.txt", text))[code].severity == severity


def test_runtime_ignored_by_environment(make_project):
    report = analyse(make_project({"environment.yml": "dependencies:\n  - numpy\n", "runtime.txt": "python-3.12\n"}))
    finding = next(d for d in report.diagnostics if d.code == "runtime-ignored-by-environment")
    assert finding.file == "runtime.txt"


def test_good_runtime_is_clean():
    assert check("runtime.txt", "python-3.12\n") == []
    assert check("runtime.txt", "r-4.4-2024-06-01\n") == []


# ---------------------------------------------------------------- Pipfile, Pipfile.lock, pyproject.toml, setup.py


def test_pipfile_checks():
    assert by_code(check("Pipfile", "[packages\n"))["pipfile-invalid-toml"].line == 1
    assert "pipfile-invalid-toml" in by_code(check("Pipfile", '[packages]\nx = [1, "a"]\n'))  # toml 0.10 rule
    assert "python-unsupported" in by_code(check("Pipfile", '[packages]\nnumpy="*"\n[requires]\n'
                                                            'python_version = "3.4"\n'))
    assert "pipfile-python-unpinned" in by_code(check("Pipfile", '[packages]\nnumpy="==2.1"\n'))
    assert check("Pipfile", '[packages]\nnumpy = "==2.1.0"\n\n[requires]\npython_version = "3.12"\n') == []


def test_pipfile_lock_checks():
    bad = by_code(check("Pipfile.lock", '{"_meta": {\n'))["pipfile-lock-invalid-json"]
    assert bad.severity == "error" and bad.line == 2
    assert "pipfile-lock-shape" in by_code(check("Pipfile.lock", "[1, 2]\n"))
    ok = '{"_meta": {"requires": {"python_version": "3.12"}}, "default": {}, "develop": {}}'
    assert check("Pipfile.lock", ok) == []


def test_pyproject_checks(make_project):
    assert by_code(check("pyproject.toml", "[project\n"))["pyproject-invalid-toml"].line == 1
    assert "pyproject-invalid-requires-python" in by_code(check(
        "pyproject.toml", '[project]\nname = "x"\nrequires-python = "3.11+"\n'))
    assert "pyproject-no-python" in by_code(check("pyproject.toml", '[project]\nname="x"\nrequires-python="<3.8"\n'))
    assert "pyproject-dependencies-not-installed" in by_code(check(
        "pyproject.toml", '[project]\nname = "x"\ndependencies = ["numpy"]\n'))
    assert "pyproject-in-binder" in by_code(check("pyproject.toml", "", "binder/pyproject.toml"))


def test_setup_py_checks():
    assert by_code(check("setup.py", "setup(\n"))["setup-py-syntax"].severity == "error"
    assert "setup-py-no-setup" in by_code(check("setup.py", "print('hi')\n"))
    assert check("setup.py", "from setuptools import setup\nsetup(name='x')\n") == []


# ---------------------------------------------------------------- robustness


def test_binary_environment_yml_is_a_clear_diagnostic():
    found = validate_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary", FileContext("environment.yml", "environment.yml"))
    assert [d.code for d in found] == ["binary-file"]


def test_ten_megabyte_requirements(make_project):
    project = make_project({"requirements.txt": "numpy==2.1.0\n" * 800_000})
    assert (project / "requirements.txt").stat().st_size > 10_000_000
    report = analyse(project)
    finding = next(d for d in report.diagnostics if d.file == "requirements.txt")
    assert finding.code == "file-too-large" and finding.severity == "error" and "10.4 MB" in finding.message
    big_override = analyse(project, {"requirements.txt": "x\n" * 2_000_000})
    assert any(d.code == "file-too-large" for d in big_override.diagnostics)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(KINDS), data=st.binary(max_size=400))
def test_any_bytes_never_raise(name, data):
    findings = validate_bytes(data, FileContext(name, name))
    assert all(d.severity in ("error", "warning", "info") for d in findings)


YAMLISH = st.text(alphabet=st.sampled_from(list("abcpython=3.1-:[]{}#!&*|>'\"\t\n ,.@/\\")), max_size=200)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(KINDS), text=st.one_of(st.text(max_size=300), YAMLISH))
def test_any_text_never_raises(name, text):
    findings = check(name, text)
    for finding in findings:
        assert finding.code and finding.message
        fix = fix_for(finding)
        if fix is not None:
            assert isinstance(fix.apply(text), str)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(files=st.dictionaries(st.sampled_from(KINDS + ["binder/requirements.txt", "apt.txt", "Dockerfile"]),
                             st.one_of(st.text(max_size=120), YAMLISH), max_size=4))
def test_analyse_any_folder_never_raises(make_project, files):
    import shutil

    project = make_project({}, name="hypo")
    shutil.rmtree(project)
    project = make_project(files, name="hypo")
    report = analyse(project)
    assert isinstance(report.to_json()["ok"], bool)


def test_local_paths_resolve_from_the_repository_root(make_project):
    project = make_project({"binder/requirements.txt": "", "src/pkg/pyproject.toml": ""})
    text = "-e ..\n./src/pkg\n./src/missing\n-e ./src/pkg\n"
    found = {(d.line, d.code) for d in check("requirements.txt", text, "binder/requirements.txt", project)}
    assert (1, "req-outside-repo") in found and (3, "req-local-missing") in found
    assert not {(2, "req-local-missing"), (4, "req-local-missing")} & found


def test_packages_needing_system_libraries(make_project):
    project = make_project({"requirements.txt": "", "apt.txt": "libgl1\n"})
    text = "opencv-python==4.10.0.84\npsycopg2\npkg-resources==0.0.0\n"
    found = {(d.line, d.code): d for d in check("requirements.txt", text, project=project)}
    assert (1, "req-needs-system-library") not in found  # apt.txt already has libgl1
    assert "libpq-dev" in found[(2, "req-needs-system-library")].fix
    assert found[(3, "req-pkg-resources")].severity == "error"
    assert apply(found[(3, "req-pkg-resources")], text) == "opencv-python==4.10.0.84\npsycopg2\n"
    bare = {d.code for d in check("requirements.txt", "opencv-python\n", project=make_project({}, name="b"))}
    assert "req-needs-system-library" in bare


def test_runtime_r_date_fix():
    import datetime

    finding = by_code(check("runtime.txt", "r-4.3\n"))["runtime-r-no-date"]
    expected = (datetime.date.today() - datetime.timedelta(days=2)).isoformat()
    assert apply(finding, "r-4.3\n") == f"r-4.3-{expected}\n"


def test_duplicate_and_crlf_fixes():
    text = "numpy\npandas\nnumpy\n"
    assert apply(by_code(check("requirements.txt", text))["req-duplicate"], text) == "numpy\npandas\n"
    env = "dependencies:\r\n  - numpy\r\n  - numpy\r\n"
    found = by_code(check("environment.yml", env))
    assert apply(found["crlf"], env) == "dependencies:\n  - numpy\n  - numpy\n"
    fixed = apply(found["environment-duplicate-package"], env.replace("\r\n", "\n"))
    assert fixed == "dependencies:\n  - numpy\n"
    assert apply(by_code(check("requirements.txt", "-e src/pkg\n"))["req-local-path-without-dot"],
                 "-e src/pkg\n") == "-e ./src/pkg\n"


def test_editable_install_of_a_package_binder_installs_anyway(make_project):
    project = make_project({"requirements.txt": "numpy\n-e .\n", "setup.py": "from setuptools import setup\nsetup()\n"})
    report = analyse(project)
    twice = next(d for d in report.diagnostics if d.code == "req-installed-twice")
    assert (twice.file, twice.line, twice.severity) == ("requirements.txt", 2, "info")
    assert apply(twice, "numpy\n-e .\n") == "numpy\n"


def test_lines_with_markers_that_exclude_each_other_are_not_duplicates():
    # `uv export` and pip-compile for several Pythons write one line per range; pip installs one of them.
    text = ('numpy==1.26.4 ; python_version < "3.12"\n'
            'numpy==2.1.0 ; python_version >= "3.12"\n'
            'colorama==0.4.6 ; sys_platform == "win32"\n'
            'colorama==0.4.5\n')
    found = validate_text(text, FileContext("requirements.txt", "requirements.txt"))
    assert [d.code for d in found if "duplicate" in d.code] == []


def test_lines_whose_markers_can_both_hold_on_binder_still_clash():
    text = ('numpy==1.26.4 ; python_version >= "3.10"\n'
            'numpy==2.1.0 ; sys_platform == "linux"\n')
    found = validate_text(text, FileContext("requirements.txt", "requirements.txt"))
    assert [(d.line, d.code) for d in found if "duplicate" in d.code] == [(2, "req-conflicting-duplicate")]


def test_pyproject_dependencies_listed_in_the_requirements_file_binder_uses_are_not_missing(make_project):
    # e.g. a `uv init` project (no [build-system]) whose lock was exported to requirements.txt
    pyproject = '[project]\nname = "x"\nversion = "0.1"\ndependencies = ["numpy>=1", "Pandas[excel]>=2"]\n'
    complete = make_project({"pyproject.toml": pyproject, "requirements.txt": "numpy==2.0.0\npandas==2.2.3\n"},
                            name="complete")
    partial = make_project({"pyproject.toml": pyproject, "requirements.txt": "numpy==2.0.0\n"}, name="partial")
    assert "pyproject-dependencies-not-installed" not in {d.code for d in analyse(complete).diagnostics}
    assert "pyproject-dependencies-not-installed" in {d.code for d in analyse(partial).diagnostics}
