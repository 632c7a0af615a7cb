"""Reading and saving environment files safely: the editor's file I/O, with no UI.

* `load` reads a file as text and remembers exactly what was on disk (a digest), its line endings and BOM.
* `save` writes atomically (temp file in the same folder + rename), keeps the file's permissions, makes
  `postBuild` and `start` executable, and refuses with `SaveConflict` when the file on disk is no longer
  what was loaded, so an edit made elsewhere is never overwritten unseen.
* `move_into` moves root files into a config folder without overwriting anything.
* `diff_lines` shows what a change does, for previews and conflict prompts.

The editor works on text with "\\n" line endings (`to_editor`); `to_disk` puts the file's own endings back,
so saving a CRLF file keeps CRLF unless a fix changed them on purpose.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from wizard.core.environment.catalog import must_be_executable
from wizard.core.common.fileio import OutsideProject, check_inside, default_mode, read_file_bytes, write_file
from wizard.core.common.diagnostics import Diagnostic
from wizard.core.environment.validators import decode

_NEWLINE_NAMES = {"\n": "Unix (LF)", "\r\n": "Windows (CRLF)", "\r": "old Mac (CR)"}


@dataclass(frozen=True)
class DiskVersion:
    """What a file held when we looked: None for a file that does not exist."""

    digest: str | None

    @classmethod
    def of(cls, data: bytes | None) -> DiskVersion:
        return cls(None if data is None else hashlib.sha256(data).hexdigest())

    @property
    def exists(self) -> bool:
        return self.digest is not None


ABSENT = DiskVersion(None)


@dataclass(frozen=True)
class LoadedFile:
    relpath: str
    text: str | None  # with "\n" line endings; None when the file cannot be edited as text
    newline: str  # the file's line ending: "\n", "\r\n" or "\r"
    bom: bool
    version: DiskVersion
    problems: tuple[Diagnostic, ...] = field(default=())  # why `text` is None (binary, too large, not UTF-8)


class SaveConflict(Exception):
    """The file on disk changed since it was loaded; `disk` holds its bytes now (None if it was deleted)."""

    def __init__(self, relpath: str, disk: bytes | None) -> None:
        super().__init__(f"{relpath} changed on disk since it was opened")
        self.relpath, self.disk = relpath, disk


class MoveConflict(Exception):
    """A file to move already exists at the destination; nothing was moved."""

    def __init__(self, clashes: list[str]) -> None:
        super().__init__("already exist: " + ", ".join(clashes))
        self.clashes = clashes


def detect_newline(text: str) -> str:
    """The most common line ending in `text` ("\\n" when there is none; ties go to "\\n", then CRLF)."""
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    best = max((lf, 2, "\n"), (crlf, 1, "\r\n"), (cr, 0, "\r"))
    return best[2] if best[0] else "\n"


def newline_name(newline: str) -> str:
    return _NEWLINE_NAMES.get(newline, repr(newline))


def to_editor(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def to_disk(text: str, newline: str) -> str:
    """Editor text ("\\n") back to the file's own line endings."""
    text = to_editor(text)
    return text if newline == "\n" else text.replace("\n", newline)


def encode(text: str, newline: str = "\n", bom: bool = False) -> bytes:
    return ("\ufeff" if bom else "").encode() + to_disk(text, newline).encode("utf-8")


def read_bytes(path: Path) -> bytes | None:
    """The file's bytes; None when it does not exist. A named pipe or device raises OSError ("Not a
    regular file") instead of waiting forever for a writer; the editor shows that as a save error."""
    try:
        return read_file_bytes(path)
    except FileNotFoundError:
        return None


def current_version(project: Path, relpath: str) -> DiskVersion:
    return DiskVersion.of(read_bytes(project / relpath))


def load(project: Path, relpath: str) -> LoadedFile:
    """Read a file for editing. A missing file loads as empty text with version ABSENT; a link out of the
    project loads unread, as not editable (its problem says why)."""
    try:
        data = read_bytes(project / relpath)
    except OutsideProject as error:
        return LoadedFile(relpath, None, "\n", False, ABSENT,
                          (Diagnostic(relpath, None, None, "error", error.code, error.message, error.next_action),))
    if data is None:
        return LoadedFile(relpath, "", "\n", False, ABSENT)
    text, problems = decode(data, relpath)
    version = DiskVersion.of(data)
    if text is None:
        return LoadedFile(relpath, None, "\n", False, version, tuple(problems))
    return LoadedFile(relpath, to_editor(text), detect_newline(text), data.startswith(b"\xef\xbb\xbf"), version)


def save(project: Path, relpath: str, text: str, *, expected: DiskVersion, newline: str = "\n",
         bom: bool = False) -> DiskVersion:
    """Write `text` to `project/relpath` atomically; returns the new version.

    Raises SaveConflict when the file on disk is not `expected` (use the conflict's `disk` to show the
    difference, then call again with `expected=DiskVersion.of(conflict.disk)` to overwrite on purpose).
    A symlink inside the project is kept: the file it points to is written. One that leads out of the
    project raises OutsideProject, and a failed write CannotWrite (both OSError; the file is untouched).
    """
    path = project / relpath
    check_inside(path, project, writing=True)
    now = read_bytes(path)
    if DiskVersion.of(now) != expected:
        raise SaveConflict(relpath, now)
    data = encode(text, newline, bom)
    mode = stat.S_IMODE(path.stat().st_mode) if now is not None else default_mode()
    if must_be_executable(Path(relpath).name):
        mode |= (mode & 0o444) >> 2  # executable for whoever may read it
    write_file(path, data, root=project, mode=mode)
    return DiskVersion.of(data)


def move_into(project: Path, relpaths: list[str], folder: str) -> list[str]:
    """Move each root file into `folder` (created if needed). Checks every destination first, so either
    all files move or none does. Returns the new relative paths."""
    check_inside(project / folder, project, writing=True)  # a config folder linked out of the project: refuse
    targets = [f"{folder}/{Path(rel).name}" for rel in relpaths]
    clashes = [t for t in targets if (project / t).exists() or (project / t).is_symlink()]
    if clashes:
        raise MoveConflict(clashes)
    (project / folder).mkdir(parents=True, exist_ok=True)
    for rel, target in zip(relpaths, targets):
        os.rename(project / rel, project / target)
    return targets


def diff_lines(old: str, new: str, old_label: str, new_label: str, context: int = 3) -> list[str]:
    """A unified diff of two texts (any line endings), one string per line without line ends.

    When only the line endings differ, says so instead of listing every line as changed.
    """
    lines = list(difflib.unified_diff(to_editor(old).splitlines(), to_editor(new).splitlines(),
                                      old_label, new_label, lineterm="", n=context))
    old_nl, new_nl = detect_newline(old), detect_newline(new)
    if old_nl != new_nl and ("\r" in old or "\r" in new):
        lines.append(f"Line endings: {newline_name(old_nl)} → {newline_name(new_nl)}")
    elif to_editor(old) == to_editor(new) and old != new:
        lines.append("Line endings change (mixed endings become one kind)")
    return lines
