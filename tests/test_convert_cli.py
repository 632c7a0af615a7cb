"""`binder-wizard convert`: the JSON contract, exit codes, asking before writing, never writing silently or
through a link out of the project, and check being clean afterwards."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest

from wizard.cli import main

LOCKS = Path(__file__).resolve().parent / "fixtures" / "locks"


def uv_project(tmp_path: Path, **files: str) -> Path:
    project = tmp_path / "project"
    shutil.copytree(LOCKS / "uv", project, ignore=shutil.ignore_patterns("expected"))
    for rel, text in files.items():
        (project / rel).write_text(text)
    return project


def run(capsys, *argv: str, stdin: str | None = None, monkeypatch=None) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["convert", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_shape_and_exit_0_without_writing(tmp_path, capsys):
    project = uv_project(tmp_path, **{"runtime.txt": "python-3.11\n"})
    code, out, _ = run(capsys, str(project), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"source", "files", "notes"} and data["source"] == "uv.lock"
    assert [(f["path"], f["action"]) for f in data["files"]] == [("requirements.txt", "create"),
                                                                ("runtime.txt", "unchanged")]
    assert all(set(f) == {"path", "content", "action"} for f in data["files"])
    assert data["files"][0]["content"] == (LOCKS / "uv" / "expected" / "requirements.txt").read_text()
    assert all(isinstance(note, str) for note in data["notes"])
    assert not (project / "requirements.txt").exists()  # printing writes nothing


def test_text_output_lists_each_file_with_its_action(tmp_path, capsys):
    code, out, err = run(capsys, str(uv_project(tmp_path)))
    assert code == 0
    assert "── requirements.txt (create) ──\n" in out and "── runtime.txt (create) ──\npython-3.11\n" in out
    assert "--write" in err


def test_nothing_to_convert_is_exit_0(make_project, capsys):
    code, out, _ = run(capsys, str(make_project({"requirements.txt": "numpy==2.1.0\n"})), "--format", "json")
    assert code == 0 and json.loads(out)["source"] == "" and json.loads(out)["files"] == []


def test_write_shows_the_diff_and_asks_declining_writes_nothing(tmp_path, capsys, monkeypatch):
    project = uv_project(tmp_path, **{"requirements.txt": "numpy\n"})
    code, out, err = run(capsys, str(project), "--write", stdin="n\n", monkeypatch=monkeypatch)
    assert code == 1
    assert "-numpy\n" in out and "+numpy==1.26.4\n" in out and "+++ b/runtime.txt" in out
    assert "Write 2 files (requirements.txt, runtime.txt)? [y/N]" in err and "Nothing written." in err
    assert (project / "requirements.txt").read_text() == "numpy\n" and not (project / "runtime.txt").exists()


def test_write_after_yes_then_check_is_clean_and_a_second_run_has_nothing_to_do(tmp_path, capsys, monkeypatch):
    project = uv_project(tmp_path, **{"requirements.txt": "numpy\n"})
    code, out, _ = run(capsys, str(project), "--write", stdin="y\n", monkeypatch=monkeypatch)
    assert code == 0 and "Wrote requirements.txt, runtime.txt from uv.lock." in out
    assert (project / "runtime.txt").read_text() == "python-3.11\n"
    assert main(["check", str(project), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert not [d for d in report["diagnostics"] if d["code"].startswith("lock-")]
    assert {"path": "uv.lock", "reason": "Binder does not read uv's lock file; requirements.txt is generated "
                                         "from it"} in report["files_ignored"]
    code, out, _ = run(capsys, str(project), "--write")
    assert code == 0 and "Nothing to write" in out


def test_write_yes_json_prints_the_object_and_the_diff_on_stderr(tmp_path, capsys):
    project = uv_project(tmp_path)
    code, out, err = run(capsys, str(project), "--write", "--yes", "--format", "json")
    assert code == 0 and json.loads(out)["source"] == "uv.lock" and "+++ b/requirements.txt" in err
    assert (project / "requirements.txt").exists()


def test_from_picks_the_lock_and_is_relative_to_path(tmp_path, capsys, monkeypatch):
    project = uv_project(tmp_path)
    shutil.copy(LOCKS / "renv" / "renv.lock", project / "renv.lock")
    code, out, _ = run(capsys, str(project), "--from", "renv.lock", "--format", "json")
    assert code == 0 and json.loads(out)["source"] == "renv.lock"
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, str(project), "--from", "project/renv.lock", "--format", "json")
    assert code == 0 and json.loads(out)["source"] == "renv.lock"
    code, out, err = run(capsys, str(project), "--format", "json")  # both present: the first, and a note
    assert json.loads(out)["source"] == "uv.lock" and any("renv.lock" in n for n in json.loads(out)["notes"])


@pytest.mark.parametrize("argv, words", [
    (["--yes"], "--yes only applies with --write"),
    (["--from", "missing.lock"], "no such file"),
    (["--from", "pyproject.toml"], "not a file binder-wizard converts"),
])
def test_usage_errors_exit_2(tmp_path, capsys, argv, words):
    code, _, err = run(capsys, str(uv_project(tmp_path)), *argv)
    assert code == 2 and words in err


def test_from_outside_the_project_is_a_usage_error(tmp_path, capsys):
    project = uv_project(tmp_path)
    outside = tmp_path / "uv.lock"
    outside.write_text("version = 1\n")
    code, _, err = run(capsys, str(project), "--from", str(outside))
    assert code == 2 and "inside the project" in err


def test_bad_format_and_missing_folder_exit_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["convert", "--format", "xml"])
    assert exit_info.value.code == 2
    assert main(["convert", str(tmp_path / "nope")]) == 2


def test_a_broken_lock_fails_with_exit_1_and_no_files(make_project, capsys):
    code, out, _ = run(capsys, str(make_project({"uv.lock": "version = [\n"})), "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["files"] == [] and "not valid TOML" in data["notes"][-1]


def test_never_writes_through_a_link_out_of_the_project(tmp_path, capsys):
    project = uv_project(tmp_path)
    secret = tmp_path / "elsewhere.txt"
    secret.write_text("keep me\n")
    os.symlink(secret, project / "requirements.txt")
    code, _, err = run(capsys, str(project), "--write", "--yes")
    assert code == 1
    assert secret.read_text() == "keep me\n" and (project / "requirements.txt").is_symlink()
    assert "outside the project" in err


def test_a_file_changed_while_asking_is_not_overwritten(tmp_path, capsys, monkeypatch):
    project = uv_project(tmp_path, **{"requirements.txt": "numpy\n"})

    class Stdin(io.StringIO):
        def readline(self, *args):  # the user edits the file while the question waits
            (project / "requirements.txt").write_text("numpy\npandas\n")
            return "y\n"

    monkeypatch.setattr("sys.stdin", Stdin())
    code = main(["convert", str(project), "--write"])
    err = capsys.readouterr().err
    assert code == 1 and "changed while you were deciding" in err
    assert (project / "requirements.txt").read_text() == "numpy\npandas\n"
