"""What `check` (the detector) says about the environment descriptions Binder ignores (issue 15): each one in
files_ignored with the reason; an error when it is the only environment description, a warning when Binder
builds something else than the lock describes, nothing more when the files Binder reads pin what it pins."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from wizard.core.environment.engine import analyse

LOCKS = Path(__file__).resolve().parents[1] / "fixtures" / "locks"


def findings(project: Path, *codes: str) -> list[tuple[str, int | None, str, str]]:
    codes = codes or ("lock-ignored", "lock-out-of-date", "manager-ignored")
    return [(d.file, d.line, d.severity, d.code) for d in analyse(project).diagnostics if d.code in codes]


def with_lock(tmp_path: Path, name: str, files: dict[str, str]) -> Path:
    project = tmp_path / "p"
    shutil.copytree(LOCKS / name, project, ignore=shutil.ignore_patterns("expected"))
    for rel, text in files.items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text(text)
    return project


@pytest.mark.parametrize("rel, text, reason", [
    ("uv.lock", "version = 1\n", "Binder does not read uv's lock file"),
    ("poetry.lock", "", "Binder does not read Poetry's lock file"),
    ("pixi.lock", "version: 6\n", "Binder does not read pixi's lock file"),
    ("conda-lock.yml", "version: 1\n", "Binder does not read conda-lock's lock file"),
    ("renv.lock", "{}", "Binder does not read renv's lock file"),
    ("requirements.in", "pandas\n", "pip-tools input"),
    ("pixi.toml", "[workspace]\n", "Binder does not read pixi's manifest; make the lock (`pixi lock`)"),
    (".devcontainer/devcontainer.json", "{}", "Binder does not use Dev Containers"),
])
def test_each_file_is_ignored_with_a_reason_and_an_error_when_it_is_all_there_is(make_project, rel, text, reason):
    project = make_project({rel: text})
    report = analyse(project)
    ignored = dict(report.detection.files_ignored)
    assert ignored[rel].startswith(reason)
    mine = [d for d in report.diagnostics if d.file == rel]
    assert [d.severity for d in mine] == ["error"]
    assert "mybinder.org refuses to build" in mine[0].message
    assert not [d for d in report.diagnostics if d.file == rel and d.code == "file-ignored"]  # no generic twin


def test_requirements_in_is_no_longer_called_a_misnamed_requirements_txt(make_project):
    ignored = dict(analyse(make_project({"requirements.in": "x\n", "runtime.txt": "python-3.12\n"}))
                   .detection.files_ignored)
    assert "named exactly" not in ignored["requirements.in"]


def test_the_pip_tools_pair_is_fine(make_project):
    project = make_project({"requirements.in": "pandas\n", "requirements.txt": "pandas==2.2.2\n"})
    assert findings(project) == []


def test_an_unpinned_requirements_txt_beside_a_lock_is_a_warning_naming_the_differences(tmp_path):
    project = with_lock(tmp_path, "uv", {"requirements.txt": "numpy==2.0.0\nhttpx\n", "runtime.txt": "python-3.11\n"})
    report = analyse(project)
    mine = [d for d in report.diagnostics if d.code == "lock-ignored"]
    assert [(d.file, d.severity) for d in mine] == [("uv.lock", "warning")]
    assert "(numpy 1.26.4 in the lock, 2.0.0 here; anyio 4.4.0 in the lock, not pinned here;" in mine[0].message
    assert "and 12 more" in mine[0].message
    assert "binder-wizard convert --write" in mine[0].fix


def test_uv_export_output_is_what_the_lock_says(tmp_path):
    """A requirements.txt from `uv export` (markers kept, one numpy per Python) pins what the lock pins."""
    lines = (LOCKS / "uv" / "expected" / "requirements.txt").read_text().splitlines()
    exported = [line for line in lines if not line.startswith("#") and not line.startswith("numpy")]
    exported += ["numpy==1.26.4 ; python_full_version < '3.12'", "numpy==2.1.0 ; python_full_version >= '3.12'"]
    project = with_lock(tmp_path, "uv", {"requirements.txt": "\n".join(exported) + "\n", "runtime.txt": "python-3.11\n"})
    assert findings(project, "lock-ignored") == []


def test_a_python_the_lock_does_not_support_is_a_warning(tmp_path):
    """runtime.txt changed after the conversion: Binder's Python is not one the lock was made for."""
    converted = (LOCKS / "poetry" / "expected" / "requirements.txt").read_text()
    project = with_lock(tmp_path, "poetry", {"requirements.txt": converted, "runtime.txt": "python-3.9\n"})
    mine = [d for d in analyse(project).diagnostics if d.code in ("lock-ignored", "lock-out-of-date")]
    assert [(d.code, d.severity) for d in mine] == [("lock-ignored", "warning")]
    assert "Python 3.9, which poetry.lock does not support (the lowest it does is 3.10)" in mine[0].message


def test_renv_lock_beside_a_hand_written_install_r_is_a_warning(tmp_path):
    project = with_lock(tmp_path, "renv", {"runtime.txt": "r-4.3-2024-04-01\n", "install.R": 'install.packages("cli")\n'})
    assert findings(project) == [("renv.lock", None, "warning", "lock-ignored")]


@pytest.mark.parametrize("table, lock", [("poetry", "poetry lock"), ("pixi", "pixi lock"), ("uv", "uv lock")])
def test_tool_tables_without_their_lock_point_at_the_table(make_project, table, lock):
    text = f'[project]\nname = "x"\nversion = "1"\n\n[tool.{table}]\nkey = 1\n'
    alone = [d for d in analyse(make_project({"pyproject.toml": text}, name="alone")).diagnostics
             if d.code == "manager-ignored"]
    assert [(d.file, d.line, d.severity) for d in alone] == [("pyproject.toml", 5, "error")]
    assert f"`{lock}`" in alone[0].fix
    beside = make_project({"pyproject.toml": text, "requirements.txt": "numpy==2.1.0\n"}, name="beside")
    assert findings(beside) == [("pyproject.toml", 5, "info", "manager-ignored")]


def test_a_table_whose_lock_exists_is_covered_by_the_lock(tmp_path):
    project = with_lock(tmp_path, "poetry", {})  # [tool.poetry] + poetry.lock
    assert findings(project) == [("poetry.lock", None, "error", "lock-ignored")]


def test_a_devcontainer_beside_environment_files_is_only_mentioned(make_project):
    project = make_project({".devcontainer/devcontainer.json": "{}", "requirements.txt": "numpy==2.1.0\n"})
    assert findings(project) == [(".devcontainer/devcontainer.json", None, "info", "manager-ignored")]


def test_locks_inside_the_config_folder_are_found_too(make_project):
    project = make_project({"binder/renv.lock": "{}", "binder/apt.txt": "curl\n"})
    assert ("binder/renv.lock", None, "error", "lock-ignored") in findings(project)


def test_unsaved_editor_text_counts(tmp_path):
    """Step 1 analyses with the editor's unsaved text: a requirements.txt being typed is compared too."""
    project = with_lock(tmp_path, "uv", {"runtime.txt": "python-3.11\n"})
    expected = (LOCKS / "uv" / "expected" / "requirements.txt").read_text()
    assert [d.code for d in analyse(project, {"requirements.txt": expected}).diagnostics
            if d.code.startswith("lock-")] == []
    edited = expected.replace("uvloop==0.20.0", "uvloop==0.19.0")
    stale = [d for d in analyse(project, {"requirements.txt": edited}).diagnostics if d.code.startswith("lock-")]
    assert stale == []  # the header still says it is the lock's: the digest is the lock's, not the file's
    by_hand = edited.split("\n", 2)[2]  # without the header: written by hand
    assert [d.code for d in analyse(project, {"requirements.txt": by_hand}).diagnostics
            if d.code.startswith("lock-")] == ["lock-ignored"]
