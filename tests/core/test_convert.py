"""Converting the locks Binder ignores (issue 15): golden outputs for one lock per format (markers, extras,
platform-specific packages, dev groups, forks by Python version, git and extra-index sources, PyPI packages
inside pixi), each checked by the engine; round trips (convert, write, check is clean); the Python chosen;
the snapshot date for renv; requirements.in compiled by uv against a local index; and agreement with
`uv export` for the uv.lock fixtures."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from wizard.core.environment.convert import convert
from wizard.core.environment.convert.binder_python import lowest_binder_python, specifier_accepts
from wizard.core.environment.convert.findings import LOCK_IGNORED, OUT_OF_DATE
from wizard.core.environment.convert.plan import pins_in
from wizard.core.environment.convert.python_locks import poetry_accepts
from wizard.core.environment.convert.renv_lock import snapshot_date
from wizard.core.environment.engine import analyse

LOCKS = Path(__file__).resolve().parents[1] / "fixtures" / "locks"
FORMATS = ["uv", "poetry", "pixi", "conda-lock", "renv"]
MY_CODES = {LOCK_IGNORED, OUT_OF_DATE, "manager-ignored"}


def fixture_project(tmp_path: Path, name: str, extra: dict[str, str] | None = None) -> Path:
    """A copy of tests/fixtures/locks/<name> without its expected outputs (the lock and its manifests)."""
    project = tmp_path / name
    shutil.copytree(LOCKS / name, project, ignore=shutil.ignore_patterns("expected"))
    for rel, text in (extra or {}).items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text(text)
    return project


def write(project: Path, conversion) -> None:
    for output in conversion.changes:
        (project / output.path).write_text(output.content)


@pytest.mark.parametrize("name", FORMATS)
def test_golden_output_is_what_the_engine_then_finds_clean(tmp_path, name):
    project = fixture_project(tmp_path, name)
    before = analyse(project)
    # the lock alone: mybinder.org refuses to build; beside a package (pixi's fixture): Binder builds that
    severity = "warning" if name == "pixi" else "error"
    assert any(d.code == LOCK_IGNORED and d.severity == severity for d in before.diagnostics)
    assert before.ok == (name == "pixi")

    conversion = convert(project)
    assert not conversion.failed, conversion.notes
    expected = {p.name: p.read_text() for p in (LOCKS / name / "expected").iterdir()}
    assert {f.path: f.content for f in conversion.files} == expected
    assert {f.action for f in conversion.files} == {"create"}

    write(project, conversion)  # round trip: what check says about the files on disk
    after = analyse(project)
    assert after.ok, [d.message for d in after.errors]
    assert set(after.detection.files_used) >= set(expected)
    assert not [d for d in after.diagnostics if d.code in MY_CODES]
    assert convert(project).changes == ()  # converting again changes nothing


def test_uv_lock_evaluates_markers_forks_extras_and_sources_for_binder(tmp_path):
    text = convert(fixture_project(tmp_path, "uv")).files[0].content
    lines = text.splitlines()
    assert "numpy==1.26.4" in lines and "numpy==2.1.0" not in lines  # the <3.12 fork for Python 3.11
    assert "h2==4.1.0" in lines and "hpack==4.0.0" in lines  # httpx[http2]: the extra's dependencies
    assert "uvloop==0.20.0" in lines  # not on Windows, CPython: on Binder
    assert not any(line.startswith(("pywin32", "pytest", "colorama", "matplotlib")) for line in lines)
    assert "torch==2.4.0+cpu" in lines and "--extra-index-url https://download.pytorch.org/whl/cpu" in lines
    assert "labtools @ git+https://github.com/example-lab/labtools@8d3f5e1c2b4a69788d7c6b5a4f3e2d1c0b9a8f7e" in lines
    assert "-e ./packages/helpers" in lines  # a workspace member
    assert not any(";" in line or "--hash" in line for line in lines if not line.startswith("#"))


def test_uv_lock_follows_the_python_runtime_txt_pins_when_the_lock_supports_it(tmp_path):
    project = fixture_project(tmp_path, "uv", {"runtime.txt": "python-3.12\n"})
    conversion = convert(project)
    files = {f.path: f for f in conversion.files}
    assert files["runtime.txt"].action == "unchanged"
    lines = files["requirements.txt"].content.splitlines()
    assert "numpy==2.1.0" in lines and "numpy==1.26.4" not in lines
    assert any("Kept Python 3.12" in note for note in conversion.notes)

    project = fixture_project(tmp_path / "old", "uv", {"runtime.txt": "python-3.9\n"})
    conversion = convert(project)
    runtime = next(f for f in conversion.files if f.path == "runtime.txt")
    assert (runtime.action, runtime.content) == ("replace", "python-3.11\n")
    assert any("python-3.9" in note and "python-3.11" in note for note in conversion.notes)


def test_the_project_itself_is_installed_only_when_repo2docker_would_not_install_it(tmp_path):
    lock = (LOCKS / "uv" / "uv.lock").read_text().replace('source = { virtual = "." }', 'source = { editable = "." }')
    pyproject = (LOCKS / "uv" / "pyproject.toml").read_text() + (
        '\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n')
    root = fixture_project(tmp_path / "root", "uv", {"uv.lock": lock, "pyproject.toml": pyproject})
    conversion = convert(root)
    assert "-e .\n" not in conversion.files[0].content  # repo2docker runs `pip install .` itself
    assert any("repo2docker installs it" in note for note in conversion.notes)

    in_binder = fixture_project(tmp_path / "binder", "uv", {"uv.lock": lock, "pyproject.toml": pyproject,
                                                              "binder/apt.txt": "curl\n"})
    conversion = convert(in_binder)
    assert [f.path for f in conversion.files] == ["binder/requirements.txt", "binder/runtime.txt"]
    assert "-e .\n" in conversion.files[0].content  # binder/ hides the root pyproject.toml: list it
    write(in_binder, conversion)
    assert analyse(in_binder).ok


def test_poetry_lock_walks_from_pyproject_with_constraints_markers_and_extras(tmp_path):
    lines = convert(fixture_project(tmp_path, "poetry")).files[0].content.splitlines()
    assert "pysocks==1.7.1" in lines  # requests[socks]
    assert "tomli==2.0.1" in lines  # python = "<3.11", and Binder gets 3.10 (^3.10)
    assert "numpy==1.26.4" in lines  # pandas: numpy <2 for python < 3.11
    assert not any(line.startswith(("colorama", "pytest", "openpyxl", "et-xmlfile")) for line in lines)


def test_poetry_lock_without_pyproject_takes_the_main_group(tmp_path):
    lock = (LOCKS / "poetry" / "poetry.lock").read_text().replace('lock-version = "2.0"', 'lock-version = "2.1"')
    lock = lock.replace('name = "pytest"\nversion = "8.3.2"', 'name = "pytest"\nversion = "8.3.2"\ngroups = ["dev"]')
    project = tmp_path / "p"
    project.mkdir()
    (project / "poetry.lock").write_text(lock)
    conversion = convert(project)
    assert not conversion.failed
    assert "pytest==8.3.2" not in conversion.files[0].content and "pandas==2.2.2" in conversion.files[0].content
    assert any("main group" in note for note in conversion.notes)


@pytest.mark.parametrize("text, inside, outside", [
    ("^3.10", ["3.10.0", "3.13.1"], ["3.9.9", "4.0.0"]),
    ("^0.2.3", ["0.2.3", "0.2.9"], ["0.3.0"]),
    ("~1.2.3", ["1.2.9"], ["1.3.0"]),
    ("~1", ["1.9"], ["2.0"]),
    (">=1.5.6,<1.5.7 || >1.5.7", ["1.5.6", "1.6"], ["1.5.7"]),
    ("1.2.*", ["1.2.5"], ["1.3"]),
    ("*", ["0.0.1", "99"], []),
    (">= 2.0, < 3", ["2.5"], ["3.0"]),
])
def test_poetry_constraints(text, inside, outside):
    accepts = poetry_accepts(text)
    assert all(accepts(v) for v in inside) and not any(accepts(v) for v in outside)


@pytest.mark.parametrize("spec, python", [(">=3.12", "3.12"), (">=3.11,<3.13", "3.11"), ("==3.9.*", "3.9"),
                                          (">=3.12.4", "3.12"), (">=3.5,<3.7", "3.5"),
                                          (">=3.15", None)])
def test_the_lowest_python_binder_offers(spec, python):
    assert lowest_binder_python(specifier_accepts(spec)) == python


def test_pixi_lock_takes_linux_64_of_the_default_environment_with_pypi_packages_under_pip(tmp_path):
    text = convert(fixture_project(tmp_path, "pixi")).files[0].content
    assert "libcxx" not in text and "pytest" not in text  # osx-arm64 only; the test environment
    assert "  - python=3.12.5\n" in text  # first, no channel prefix: repo2docker's Python pin
    assert "  - bioconda::samtools=1.20\n" in text and "  - numpy=2.1.0\n" in text
    assert "  - pip:\n    - -e .\n    - requests==2.32.3\n" in text


def test_pixi_lock_without_linux_fails_and_says_how_to_add_it(tmp_path):
    project = fixture_project(tmp_path, "pixi")
    lock = (project / "pixi.lock").read_text()
    (project / "pixi.lock").write_text(lock.replace("      linux-64:", "      linux-aarch64:"))
    conversion = convert(project)
    assert conversion.failed and conversion.files == ()
    assert "linux-64" in conversion.notes[-1] and "pixi lock" in conversion.notes[-1]


def test_conda_lock_leaves_out_dev_and_warns_when_replacing_its_own_input(tmp_path):
    project = fixture_project(tmp_path, "conda-lock")
    text = convert(project).files[0].content
    assert "pytest" not in text and "  - pip=24.2\n" in text and "    - tqdm==4.66.5\n" in text
    lock = (project / "conda-lock.yml").read_text().replace("environment.in.yml", "environment.yml")
    (project / "conda-lock.yml").write_text(lock)
    (project / "environment.yml").write_text("channels: [conda-forge]\ndependencies:\n  - python=3.11\n  - scipy\n")
    conversion = convert(project)
    assert conversion.files[0].action == "replace"
    assert any("conda-lock reads" in note for note in conversion.notes)


def test_renv_snapshot_dates_follow_the_rules():
    assert snapshot_date("4.3", [])[0].isoformat() == "2024-04-23"  # the day before R 4.4.0
    assert snapshot_date("4.5", [])[0].isoformat() == "2026-04-22"  # repo2docker 2026.4.0's release
    assert snapshot_date("3.4", [])[0].isoformat() == "2018-12-07"  # never before the oldest snapshot
    dated = [{"Name": "CRAN", "URL": "https://packagemanager.posit.co/cran/__linux__/jammy/2024-06-03"}]
    assert snapshot_date("4.3", dated) == (snapshot_date("4.3", dated)[0], "the snapshot the lock installs from")
    assert snapshot_date("4.3", dated)[0].isoformat() == "2024-06-03"


def test_renv_lock_newer_r_and_renv_autoloader_are_explained(tmp_path):
    project = fixture_project(tmp_path, "renv", {".Rprofile": 'source("renv/activate.R")\n'})
    data = json.loads((project / "renv.lock").read_text())
    data["R"]["Version"] = "4.6.1"
    (project / "renv.lock").write_text(json.dumps(data))
    conversion = convert(project)
    assert not conversion.failed
    assert {f.path: f.content for f in conversion.files}["runtime.txt"] == "r-4.5-2026-04-22\n"
    assert any("supports R up to 4.5" in note for note in conversion.notes)
    assert any(".Rprofile starts renv" in note for note in conversion.notes)


def test_renv_install_r_installs_dependencies_first(tmp_path):
    install = next(f.content for f in convert(fixture_project(tmp_path, "renv")).files if f.path == "install.R")
    order = [line.split('"')[1] for line in install.splitlines() if line.startswith(("pin(", "remotes::install_github"))]
    assert order.index("rlang") < order.index("lifecycle") < order.index("lab-user/tidyplot@3f2a9c1d5e7b8a6f4c3d2e1f0a9b8c7d6e5f4a3b")


def test_requirements_in_is_compiled_by_uv_for_binder(tmp_path, package_index, monkeypatch):
    index = package_index()
    index.wheel("demo", "1.0", requires=["other>=2"])
    index.wheel("other", "2.5")
    index.wheel("other", "3.0", requires_python=">=3.13")  # not for Binder's Python 3.12
    monkeypatch.setenv("PIP_INDEX_URL", index.url)
    project = tmp_path / "p"
    project.mkdir()
    (project / "requirements.in").write_text("demo\n")
    (project / "runtime.txt").write_text("python-3.12\n")
    conversion = convert(project)
    assert not conversion.failed, conversion.notes
    text = conversion.files[0].content
    assert "demo==1.0" in text and "other==2.5" in text
    assert any("pip-tools input" in note for note in conversion.notes)
    write(project, conversion)
    assert not [d for d in analyse(project).diagnostics if d.code in MY_CODES]


def test_requirements_in_offline_fails_without_writing(tmp_path, unreachable_url, monkeypatch):
    monkeypatch.setenv("PIP_INDEX_URL", unreachable_url)
    project = tmp_path / "p"
    project.mkdir()
    (project / "requirements.in").write_text("demo\n")
    conversion = convert(project)
    assert conversion.failed and conversion.files == ()
    assert "Could not reach the package index" in conversion.notes[-1]


def test_a_result_binder_would_not_read_is_not_offered(tmp_path):
    project = fixture_project(tmp_path, "uv", {"environment.yml": "dependencies:\n  - python=3.11\n"})
    conversion = convert(project)
    assert conversion.failed and conversion.files == ()
    assert any("Binder would not read requirements.txt" in note and "environment.yml wins" in note
               for note in conversion.notes)


def test_a_broken_lock_fails_with_a_reason(tmp_path):
    project = tmp_path / "p"
    project.mkdir()
    (project / "uv.lock").write_text("version = [\n")
    conversion = convert(project)
    assert conversion.failed and "not valid TOML" in conversion.notes[-1]


def test_out_of_date_lock_is_reported_then_regenerated(tmp_path):
    project = fixture_project(tmp_path, "uv")
    write(project, convert(project))
    lock = project / "uv.lock"
    lock.write_text(lock.read_text().replace('version = "0.20.0"', 'version = "0.21.0"'))
    stale = [d for d in analyse(project).diagnostics if d.code == OUT_OF_DATE]
    assert [(d.file, d.severity) for d in stale] == [("requirements.txt", "warning")]
    assert "uv.lock" in stale[0].message and "changed since" in stale[0].message
    conversion = convert(project)
    assert [(f.path, f.action) for f in conversion.files] == [("requirements.txt", "replace"),
                                                            ("runtime.txt", "unchanged")]
    assert "uvloop==0.21.0" in conversion.files[0].content
    write(project, conversion)
    assert not [d for d in analyse(project).diagnostics if d.code in MY_CODES]


def test_crlf_checkout_of_the_lock_is_not_a_change(tmp_path):
    project = fixture_project(tmp_path, "uv")
    write(project, convert(project))
    lock = project / "uv.lock"
    lock.write_bytes(lock.read_bytes().replace(b"\n", b"\r\n"))  # git's autocrlf on Windows
    assert not [d for d in analyse(project).diagnostics if d.code == OUT_OF_DATE]


def test_pins_in_reads_requirements_with_markers_and_environment_files():
    text = "numpy==1.26.4 ; python_full_version < '3.12'\nnumpy==2.1.0 ; python_full_version >= '3.12'\n-e .\n"
    assert pins_in(text, "requirements.txt", "3.11") == {"numpy": "1.26.4"}
    assert pins_in("dependencies:\n  - conda-forge::numpy=2.1\n  - pip:\n    - tqdm==4.66.5\n",
                   "environment.yml") == {"numpy": "2.1", "tqdm": "4.66.5"}


# --------------------------------------------------------------------------------------------------
# Agreement with `uv export` (the reference for uv.lock), markers evaluated for Binder


def uv_export(project: Path) -> set[str]:
    """`uv export --frozen --no-hashes --no-dev` (offline on a lock), each line's marker evaluated for Binder."""
    from uv import find_uv_bin

    from wizard.core.environment.convert.binder_python import marker_applies

    done = subprocess.run([find_uv_bin(), "export", "--frozen", "--no-hashes", "--no-dev", "--no-config",
                           "--no-header", "--no-annotate", "--offline"],
                          cwd=project, capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(project), "UV_NO_CACHE": "1"})
    assert done.returncode == 0, done.stderr
    lines = set()
    for line in done.stdout.splitlines():
        requirement, _, marker = line.partition(" ; ")
        if requirement.strip() and not requirement.startswith("#") and marker_applies(marker, "3.11"):
            lines.add(requirement.strip())
    return lines


@pytest.mark.parametrize("variant", ["virtual", "package-in-binder"])
def test_uv_lock_conversion_agrees_with_uv_export(tmp_path, variant):
    extra = {}
    if variant == "package-in-binder":  # the project itself is listed (binder/ hides the root pyproject.toml)
        extra = {"uv.lock": (LOCKS / "uv" / "uv.lock").read_text().replace('{ virtual = "." }', '{ editable = "." }'),
                 "pyproject.toml": (LOCKS / "uv" / "pyproject.toml").read_text()
                 + '\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
                 "binder/apt.txt": "curl\n"}
    project = fixture_project(tmp_path, "uv", extra)
    ours = {line for line in convert(project).files[0].content.splitlines()
            if line and not line.startswith(("#", "--extra-index-url"))}
    theirs = uv_export(project)
    # uv export writes paths relative to the project (`-e .`, `-e ./packages/helpers`), as pip on Binder needs
    assert ours == theirs
