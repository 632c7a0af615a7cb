"""Links out of the project and files that cannot be written, through the one reader and the one writer
(common/fileio) and the modules that read or write project files."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from wizard.core.common.fileio import (CannotWrite, OutsideProject, read_file_bytes, read_text, register_project,
                                       write_file)

SECRET = "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder beside the project with a secret in it (~/.aws/credentials)."""
    folder = tmp_path / "home" / ".aws"
    folder.mkdir(parents=True)
    (folder / "credentials").write_text(f"[default]\n{SECRET}\n")
    return folder


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    (root / "binder").mkdir(parents=True)
    (root / "notes.txt").write_text("numpy\n")
    return root


def link_shapes(project: Path, outside: Path) -> dict[str, Path]:
    """Every way a project file can lead out of the project."""
    secret = outside / "credentials"
    os.symlink(secret, project / "absolute.txt")
    os.symlink(os.path.relpath(secret, project), project / "relative.txt")
    os.symlink(os.path.relpath(secret, project / "binder"), project / "binder" / "nested.txt")
    os.symlink(project / "absolute.txt", project / "chain.txt")  # inside -> inside -> outside
    os.symlink(outside, project / "linked-folder")  # a folder linked out: its files are outside
    os.symlink("../project/../home/.aws/credentials", project / "dotdot.txt")
    return {"absolute": project / "absolute.txt", "relative": project / "relative.txt",
            "nested": project / "binder" / "nested.txt", "chain": project / "chain.txt",
            "through a folder": project / "linked-folder" / "credentials", "dotdot": project / "dotdot.txt"}


def test_every_link_shape_out_of_the_project_is_refused_unread(project, outside):
    for shape, path in link_shapes(project, outside).items():
        for reader in (lambda: read_file_bytes(path, root=project), lambda: read_text(path, root=project)):
            with pytest.raises(OutsideProject) as refused:
                reader()
            assert "outside the project" in refused.value.message, shape
            assert "wJalrXUtnFEMI" not in str(refused.value), shape
            assert isinstance(refused.value, OSError) and refused.value.next_action


def test_the_registered_project_applies_without_passing_the_root(project, outside):
    paths = link_shapes(project, outside)
    register_project(project)
    for path in paths.values():
        with pytest.raises(OutsideProject):
            read_file_bytes(path)
    assert read_file_bytes(paths["absolute"], root=None).decode().endswith(f"{SECRET}\n")  # the check is off


def test_links_inside_the_project_and_a_project_reached_through_a_link_are_fine(project, tmp_path):
    os.symlink("notes.txt", project / "requirements.txt")
    os.symlink(project / "notes.txt", project / "binder" / "requirements.txt")
    alias = tmp_path / "alias"
    os.symlink(project, alias)  # the user opened the project through a link to it
    register_project(alias)
    assert read_text(project / "requirements.txt", root=project) == "numpy\n"
    assert read_text(alias / "binder" / "requirements.txt") == "numpy\n"
    assert read_text(alias / "requirements.txt", root=alias) == "numpy\n"


def test_the_writer_never_writes_through_a_link_out_of_the_project(project, outside):
    before = (outside / "credentials").read_bytes()
    for shape, path in link_shapes(project, outside).items():
        with pytest.raises(OutsideProject) as refused:
            write_file(path, b"overwritten\n", root=project)
        assert "does not write through it" in refused.value.message, shape
    os.symlink(outside / "new-file", project / "dangling.txt")  # a link to a file that does not exist yet
    with pytest.raises(OutsideProject):
        write_file(project / "dangling.txt", b"x", root=project)
    assert (outside / "credentials").read_bytes() == before and not (outside / "new-file").exists()
    assert sorted(p.name for p in outside.iterdir()) == ["credentials"]


def test_the_writer_keeps_a_link_inside_the_project_and_its_mode(project):
    os.symlink("notes.txt", project / "requirements.txt")
    os.chmod(project / "notes.txt", 0o640)
    written = write_file(project / "requirements.txt", b"pandas\n", root=project)
    assert written == project / "notes.txt" and (project / "requirements.txt").is_symlink()
    assert (project / "notes.txt").read_text() == "pandas\n" and (project / "notes.txt").stat().st_mode & 0o777 == 0o640


# --- files that cannot be written -------------------------------------------------------------------


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_folder_where_the_file_should_be(project):
    (project / "README.md").mkdir()
    with pytest.raises(CannotWrite) as failed:
        write_file(project / "README.md", b"x", root=project)
    assert "README.md" in failed.value.message and "folder" in failed.value.message
    assert "Rename or remove the folder README.md" in failed.value.next_action
    (project / "docs").write_text("a file where a folder should be")
    with pytest.raises(CannotWrite) as failed:
        write_file(project / "docs" / "README.md", b"x", root=project)
    assert "a file is in the way" in failed.value.message and leftovers(project) == []


def test_a_named_pipe_is_not_replaced(project):
    os.mkfifo(project / "requirements.txt")
    with pytest.raises(CannotWrite) as failed:
        write_file(project / "requirements.txt", b"x", root=project)
    assert "not a regular file" in failed.value.message and (project / "requirements.txt").is_fifo()


def test_disk_full_leaves_the_original_untouched(project, monkeypatch):
    (project / "README.md").write_text("# Original\n")
    real_fdopen = os.fdopen

    class FullDisk:  # the temporary file, on a disk that is full: every write fails with ENOSPC
        def __init__(self, fd, *args, **kwargs):
            self.handle = real_fdopen(fd, *args, **kwargs)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fdopen", FullDisk)
    try:
        with pytest.raises(CannotWrite) as failed:
            write_file(project / "README.md", b"# New\n" * 1000, root=project)
    finally:
        monkeypatch.setattr(os, "fdopen", real_fdopen)
    assert failed.value.message == "Could not write README.md: the disk is full. It is unchanged."
    assert "Free some disk space" in failed.value.next_action
    assert (project / "README.md").read_text() == "# Original\n" and leftovers(project) == []


def can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("mount") is not None


@pytest.fixture
def tiny_disk(tmp_path):
    """A 64 KB tmpfs (really full, really read-only when remounted), or a skip where mounting is not allowed."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if not can_mount() or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)],
                                         capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root); the injected ENOSPC test covers the writer")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=False)


def test_really_full_and_really_read_only_disks(tiny_disk):
    project = tiny_disk / "project"
    project.mkdir()
    (project / "README.md").write_text("# Original\n")
    filler = tiny_disk / "filler"
    with open(filler, "wb", buffering=0) as handle:  # fill the disk
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError as error:
            assert error.errno == errno.ENOSPC
    with pytest.raises(CannotWrite) as failed:
        write_file(project / "README.md", b"# New\n" * 10_000, root=project)
    assert "the disk is full" in failed.value.message and (project / "README.md").read_text() == "# Original\n"
    assert leftovers(project) == []
    filler.unlink()
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], check=True)
    with pytest.raises(CannotWrite) as failed:
        write_file(project / "README.md", b"# New\n", root=project)
    assert "read-only" in failed.value.message and "Copy the project" in failed.value.next_action
    assert (project / "README.md").read_text() == "# Original\n"


@pytest.fixture
def immutable(project):
    """README.md marked immutable (chattr +i), or a skip where the file system or user cannot."""
    path = project / "README.md"
    path.write_text("# Original\n")
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
        pytest.skip("cannot mark a file immutable here")
    yield path
    subprocess.run(["chattr", "-i", str(path)], check=False)


def test_an_immutable_file(immutable, project):
    with pytest.raises(CannotWrite) as failed:
        write_file(immutable, b"# New\n", root=project)
    assert "locked" in failed.value.message and "chattr -i" in failed.value.next_action
    assert immutable.read_text() == "# Original\n" and leftovers(project) == []


# --- the modules that read and write project files ---------------------------------------------------


def test_readers_of_every_slice_refuse_links_out_of_the_project(project, outside):
    from wizard.core.environment import engine
    from wizard.core.launch.readme_badge import plan_badge
    from wizard.core.launch.triage import triage

    secret = outside / "credentials"
    os.symlink(secret, project / "binder" / "requirements.txt")
    os.symlink(secret, project / "binder" / "environment.yml")
    os.symlink(secret, project / "README.md")
    register_project(project)
    report = engine.analyse(project)
    assert "wJalrXUtnFEMI" not in repr(report)
    outside_links = {d.file for d in report.diagnostics if d.code == "link-outside-project"}
    assert {"binder/requirements.txt", "binder/environment.yml"} <= outside_links
    with pytest.raises(OutsideProject):
        plan_badge(project, "[badge](x)", ".. image:: x")
    findings = triage(["ERROR: Could not find a version that satisfies the requirement aws_secret_access_key"],
                      project, "")
    assert "wJalrXUtnFEMI" not in repr(findings)


def test_editor_saves_and_conversions_never_go_out(project, outside):
    from wizard.core.environment import file_store

    os.symlink(outside / "credentials", project / "binder" / "requirements.txt")
    with pytest.raises(OutsideProject):
        file_store.save(project, "binder/requirements.txt", "numpy\n", expected=file_store.ABSENT)
    os.symlink(outside, project / ".binder")
    (project / "environment.yml").write_text("dependencies: []\n")
    with pytest.raises(OutsideProject):
        file_store.move_into(project, ["environment.yml"], ".binder")
    assert (project / "environment.yml").exists() and sorted(p.name for p in outside.iterdir()) == ["credentials"]
    assert SECRET in (outside / "credentials").read_text()
