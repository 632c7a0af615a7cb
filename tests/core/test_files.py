"""wizard.core.environment.file_store: loading, atomic saving with conflict detection, moving, diffs."""

from __future__ import annotations

import os
import stat

import pytest

from tests.waiting import finishes
from wizard.core.environment import file_store
from wizard.core.environment.file_store import ABSENT, DiskVersion, MoveConflict, SaveConflict


def test_load_remembers_line_endings_bom_and_version(make_project):
    project = make_project({"requirements.txt": b"\xef\xbb\xbfnumpy\r\npandas\r\n"})
    loaded = file_store.load(project, "requirements.txt")
    assert loaded.text == "numpy\npandas\n"
    assert (loaded.newline, loaded.bom) == ("\r\n", True)
    assert loaded.version == DiskVersion.of((project / "requirements.txt").read_bytes())


def test_load_missing_file_is_empty_and_absent(make_project):
    loaded = file_store.load(make_project(), "runtime.txt")
    assert (loaded.text, loaded.version, loaded.version.exists) == ("", ABSENT, False)


@pytest.mark.parametrize("data, code", [(b"\x00\x01binary", "binary-file"), (b"caf\xe9\n", "not-utf8")])
def test_load_unreadable_file_gives_a_reason_and_no_text(make_project, data, code):
    loaded = file_store.load(make_project({"environment.yml": data}), "environment.yml")
    assert loaded.text is None
    assert [p.code for p in loaded.problems] == [code]


def test_save_round_trips_exact_bytes_with_crlf_and_bom(make_project):
    original = b"\xef\xbb\xbfnumpy==2.1.0\r\npandas\r\n"
    project = make_project({"requirements.txt": original})
    loaded = file_store.load(project, "requirements.txt")
    file_store.save(project, "requirements.txt", loaded.text, expected=loaded.version,
               newline=loaded.newline, bom=loaded.bom)
    assert (project / "requirements.txt").read_bytes() == original


def test_save_keeps_permissions_and_makes_postbuild_executable(make_project):
    project = make_project({"apt.txt": "curl\n", "binder/postBuild": "#!/bin/bash\n"})
    os.chmod(project / "apt.txt", 0o640)
    os.chmod(project / "binder/postBuild", 0o644)
    for rel in ("apt.txt", "binder/postBuild"):
        loaded = file_store.load(project, rel)
        file_store.save(project, rel, loaded.text + "x\n", expected=loaded.version)
    assert stat.S_IMODE((project / "apt.txt").stat().st_mode) == 0o640
    assert stat.S_IMODE((project / "binder/postBuild").stat().st_mode) == 0o755


def test_save_new_file_creates_folders_and_an_executable_start(make_project):
    project = make_project()
    file_store.save(project, "binder/start", '#!/bin/bash\nexec "$@"\n', expected=ABSENT)
    path = project / "binder/start"
    assert path.read_bytes() == b'#!/bin/bash\nexec "$@"\n'
    assert path.stat().st_mode & stat.S_IXUSR
    assert [p.name for p in path.parent.iterdir()] == ["start"]  # no temp file left behind


def test_save_refuses_to_overwrite_a_file_changed_on_disk(make_project):
    project = make_project({"requirements.txt": "numpy\n"})
    loaded = file_store.load(project, "requirements.txt")
    (project / "requirements.txt").write_text("numpy\nscipy\n")
    with pytest.raises(SaveConflict) as caught:
        file_store.save(project, "requirements.txt", "pandas\n", expected=loaded.version)
    assert caught.value.disk == b"numpy\nscipy\n"
    assert (project / "requirements.txt").read_text() == "numpy\nscipy\n"
    # Overwriting on purpose: the caller passes the version it has now seen.
    file_store.save(project, "requirements.txt", "pandas\n", expected=DiskVersion.of(caught.value.disk))
    assert (project / "requirements.txt").read_text() == "pandas\n"


def test_save_refuses_to_create_over_a_file_that_appeared(make_project):
    project = make_project({"runtime.txt": "python-3.12\n"})
    with pytest.raises(SaveConflict):
        file_store.save(project, "runtime.txt", "python-3.11\n", expected=ABSENT)


def test_save_of_a_deleted_file_is_a_conflict(make_project):
    project = make_project({"apt.txt": "curl\n"})
    loaded = file_store.load(project, "apt.txt")
    (project / "apt.txt").unlink()
    with pytest.raises(SaveConflict) as caught:
        file_store.save(project, "apt.txt", "git\n", expected=loaded.version)
    assert caught.value.disk is None


def test_save_through_a_symlink_keeps_the_link(make_project):
    project = make_project({"envs/real.yml": "dependencies: []\n"})
    (project / "environment.yml").symlink_to("envs/real.yml")
    loaded = file_store.load(project, "environment.yml")
    file_store.save(project, "environment.yml", "dependencies: [numpy]\n", expected=loaded.version)
    assert (project / "environment.yml").is_symlink()
    assert (project / "envs/real.yml").read_text() == "dependencies: [numpy]\n"


def test_failed_write_leaves_the_original_and_no_temp_file(make_project, monkeypatch):
    project = make_project({"requirements.txt": "numpy\n"})
    loaded = file_store.load(project, "requirements.txt")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(file_store.os, "replace", broken_replace)
    with pytest.raises(OSError):
        file_store.save(project, "requirements.txt", "pandas\n", expected=loaded.version)
    assert (project / "requirements.txt").read_text() == "numpy\n"
    assert sorted(p.name for p in project.iterdir()) == ["requirements.txt"]


@pytest.mark.parametrize("text, newline", [("a\nb\n", "\n"), ("a\r\nb\r\n", "\r\n"), ("a\rb\r", "\r"),
                                           ("no newline", "\n"), ("a\r\nb\r\nc\n", "\r\n")])
def test_detect_newline(text, newline):
    assert file_store.detect_newline(text) == newline


def test_to_disk_restores_the_files_line_endings():
    assert file_store.to_disk("a\nb\n", "\r\n") == "a\r\nb\r\n"
    assert file_store.to_disk("a\r\nb\n", "\n") == "a\nb\n"


def test_move_into_moves_all_or_nothing(make_project):
    project = make_project({"requirements.txt": "numpy\n", "apt.txt": "curl\n", "binder/apt.txt": "git\n"})
    with pytest.raises(MoveConflict) as caught:
        file_store.move_into(project, ["requirements.txt", "apt.txt"], "binder")
    assert caught.value.clashes == ["binder/apt.txt"]
    assert (project / "requirements.txt").exists() and not (project / "binder/requirements.txt").exists()
    assert file_store.move_into(project, ["requirements.txt"], "binder") == ["binder/requirements.txt"]
    assert (project / "binder/requirements.txt").read_text() == "numpy\n"


def test_diff_lines_shows_changes_and_line_ending_changes():
    diff = file_store.diff_lines("numpy\npandas\n", "numpy\nscipy\n", "a", "b")
    assert "-pandas" in diff and "+scipy" in diff
    only_endings = file_store.diff_lines("set -e\r\n", "set -e\n", "postBuild", "postBuild (fixed)")
    assert only_endings == ["Line endings: Windows (CRLF) → Unix (LF)"]


@pytest.mark.parametrize("call", ["current_version", "load", "save"])
def test_a_named_pipe_is_refused_not_waited_on(make_project, call):
    # Step 1 offers "+ requirements.txt"; if that name is a FIFO, saving must fail at once, clearly.
    project = make_project({})
    os.mkfifo(project / "requirements.txt")
    calls = {
        "current_version": lambda: file_store.current_version(project, "requirements.txt"),
        "load": lambda: file_store.load(project, "requirements.txt"),
        "save": lambda: file_store.save(project, "requirements.txt", "numpy\n", expected=ABSENT),
    }
    with pytest.raises(OSError, match="named pipe"):  # what the editor's save screen reports
        finishes(calls[call], project / "requirements.txt")
    assert stat.S_ISFIFO(os.lstat(project / "requirements.txt").st_mode)  # left as it was
