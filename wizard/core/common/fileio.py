"""Reading and writing a project's files safely: the one reader and the one writer every module uses.

A project can hold anything: a named pipe called requirements.txt (a plain open().read() would wait
forever for a writer), a device, a 12 MB file where a few KB are expected, or a link to a file outside
the project (requirements.txt -> ~/.aws/credentials). Binder's checkout will not have a link's outside
target, and its contents are none of our business: the reader refuses it (`OutsideProject`) without
reading a byte, and the writer never writes through it.

Which folder is "the project": the `root` argument, else the project folder the command or the app
registered with `register_project` (so every reader gets the check without passing the root around).
`root=None` turns the check off (the user's config file, git's own metadata).

The writer (`write_file`) is atomic: a temporary file beside the target, then a rename, so a full disk,
a read-only file system, an immutable file or a folder in the way leave the original untouched and end
in a `CannotWrite` that names the file and says what to do.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from wizard.core.common.errors import UserError


class FileTooLarge(OSError):
    def __init__(self, path: str, size: int) -> None:
        super().__init__(errno.EFBIG, f"File too large ({size} bytes)", path)
        self.size = size


class OutsideProject(UserError, OSError):
    """A project file that is a link to something outside the project: never read, never written through."""

    code = "link-outside-project"  # the Diagnostic code reports use for it

    def __init__(self, path: str | os.PathLike, target: str, shown: str, writing: bool = False) -> None:
        doing = "does not write through it" if writing else "does not read it"
        message = (f"{shown} is a link to {target}, outside the project: Binder's copy of the repository will "
                   f"not have that file, so binder-wizard {doing}.")
        OSError.__init__(self, errno.EXDEV, message, os.fspath(path))
        self.message = message
        self.next_action = f"Replace the link with a real file (copy the file into the project as {shown})."
        self.target = target


class CannotWrite(UserError, OSError):
    """A write that failed (disk full, read-only, locked, a folder in the way); the original is untouched."""

    def __init__(self, path: str | os.PathLike, error: OSError, shown: str, existed: bool) -> None:
        code = error.errno or 0
        reason, action = _WRITE_FAILURES.get(code, (error.strerror or str(error), "Check the file and try again."))
        message = f"Could not write {shown}: {reason}. {'It is unchanged' if existed else 'Nothing was written'}."
        OSError.__init__(self, code, message, os.fspath(path))
        self.message = message
        self.next_action = action.format(name=shown)


_WRITE_FAILURES = {
    errno.ENOSPC: ("the disk is full", "Free some disk space, then try again."),
    errno.EDQUOT: ("your disk quota is used up", "Free some space in your quota, then try again."),
    errno.EROFS: ("the file system is read-only",
                  "Copy the project to a folder you can write to (or remount the disk writable), then try again."),
    errno.EACCES: ("permission denied (the file or its folder is read-only)",
                   "Check the permissions with `ls -l`, make {name} and its folder writable, then try again."),
    errno.EPERM: ("the operation is not permitted (the file or its folder is locked, e.g. immutable)",
                  "Check its attributes with `lsattr` (an `i` means immutable: `chattr -i`), then try again."),
    errno.EISDIR: ("there is a folder with that name", "Rename or remove the folder {name}, then try again."),
    errno.ENOTDIR: ("a file is in the way where a folder should be",
                    "Rename or remove the file that is in the way, then try again."),
    errno.ENAMETOOLONG: ("the name is too long", "Use a shorter file or folder name."),
    errno.EIO: ("the disk reported an input/output error", "Check the disk, then try again."),
    errno.EINVAL: ("it is not a regular file (a named pipe, socket or device)",
                   "Remove or rename {name}, then try again."),
}


# --- which folder is the project --------------------------------------------------------------------

_REGISTERED = object()  # `root` default: the registered project folder that holds the path
_projects: dict[str, str] = {}  # a project folder (as given, absolute) -> its real path


def register_project(root: str | os.PathLike) -> None:
    """Say that `root` is a project folder: files under it are checked against it by default."""
    given = os.path.abspath(root)
    real = os.path.realpath(given)
    _projects[given] = real
    _projects[real] = real


def _project_of(path: str | os.PathLike, root) -> tuple[str, str] | None:
    """(the project folder as given, its real path) for `path`, or None when no check applies."""
    if root is None:
        return None
    if root is not _REGISTERED:
        return os.path.abspath(root), os.path.realpath(root)
    # As written, not normalised: `project/sub/../../.aws/credentials` belongs to the project it starts in.
    raw = os.fspath(path)
    raw = raw if os.path.isabs(raw) else os.path.join(os.getcwd(), raw)
    best = None
    for text in (raw, os.path.abspath(raw)):
        for given in tuple(_projects):  # a copy: another thread may register a project meanwhile
            if _inside(text, given) and (best is None or len(given) > len(best)):
                best = given
        if best is not None:
            return best, _projects[best]
    return None


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _shown(path: str | os.PathLike, project: tuple[str, str] | None) -> str:
    """The path as the user knows it: relative to the project folder when it is in it."""
    text = os.path.abspath(path)
    for folder in project or ():
        if text != folder and _inside(text, folder):
            return text[len(folder.rstrip(os.sep)) + 1:]
    return os.fspath(path)


def _opened_path(fd: int, path: str | os.PathLike) -> str:
    """The real path of an open file: /proc/self/fd (one call, and exactly the file that was opened),
    else realpath()."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return os.path.realpath(path)


def check_inside(path: str | os.PathLike, root=_REGISTERED, *, writing: bool = False) -> None:
    """Raise OutsideProject when `path` (or a folder on its way) is a link that leads out of the project."""
    project = _project_of(path, root)
    if project is not None:
        real = os.path.realpath(path)
        if not _inside(real, project[1]):
            raise OutsideProject(path, real, _shown(path, project), writing)


# --- reading ----------------------------------------------------------------------------------------


def read_file_bytes(path: str | os.PathLike, limit: int | None = None, *, root=_REGISTERED) -> bytes:
    """The bytes of a regular file. Never blocks: a named pipe or device raises OSError instead.

    With `limit`, a bigger file raises FileTooLarge before anything is read. A file of the project (see
    the module's docstring for `root`) that is really outside it raises OutsideProject, unread.

    A FIFO called requirements.txt would make a plain open().read() wait forever for a writer.
    O_NONBLOCK makes opening it return at once; fstat then says what it really is.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        project = _project_of(path, root)
        if project is not None:
            real = _opened_path(fd, path)
            if not _inside(real, project[1]):
                raise OutsideProject(path, real, _shown(path, project))
        info = os.fstat(fd)
        mode = info.st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory", os.fspath(path))
        if not stat.S_ISREG(mode):
            kind = "a named pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
            raise OSError(errno.EINVAL, f"Not a regular file ({kind})", os.fspath(path))
        if limit is not None and info.st_size > limit:
            raise FileTooLarge(os.fspath(path), info.st_size)
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb") as handle:
            fd = -1  # the file object closes it now
            return handle.read()
    finally:
        if fd >= 0:
            os.close(fd)


def read_text(path: str | os.PathLike, limit: int | None = None, *, root=_REGISTERED) -> str:
    """`read_file_bytes` decoded as UTF-8 (a BOM removed, undecodable bytes replaced)."""
    return read_file_bytes(path, limit, root=root).decode("utf-8-sig", errors="replace")


# --- writing ----------------------------------------------------------------------------------------


def default_mode() -> int:
    """The mode a new file gets (0o666 minus the umask)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_file(path: str | os.PathLike, data: bytes, *, root=_REGISTERED, mode: int | None = None) -> Path:
    """Write `data` to `path` atomically (a temporary file beside it, fsync, rename) and return the path
    written: a link inside the project is kept and its target written.

    Raises OutsideProject (nothing written) when `path` leads out of the project, and CannotWrite (the
    original untouched, no temporary file left) when the write fails. `mode`: the new file's permission
    bits (default: the existing file's, else `default_mode()`)."""
    project = _project_of(path, root)
    shown = _shown(path, project)
    real = os.path.realpath(path)
    if project is not None and not _inside(real, project[1]):
        raise OutsideProject(path, real, shown, writing=True)
    target = Path(real) if os.path.islink(path) else Path(path)
    existed = False
    temp = None
    try:
        try:
            info = os.stat(target)
            existed = True
        except FileNotFoundError:
            info = None
        if info is not None and stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory", os.fspath(target))
        if info is not None and not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "Not a regular file", os.fspath(target))
        if mode is None:
            mode = stat.S_IMODE(info.st_mode) if info is not None else default_mode()
        target.parent.mkdir(parents=True, exist_ok=True)
        import tempfile  # here: it loads shutil, random and the compressors; most runs write nothing

        fd, temp = tempfile.mkstemp(prefix=f".{target.name[:100]}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        os.replace(temp, target)
        temp = None
    except OSError as error:
        raise CannotWrite(path, error, shown, existed) from error
    finally:
        if temp is not None:
            try:
                os.unlink(temp)
            except OSError:
                pass
    _fsync_folder(target.parent)
    return target


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a directory; the rename is still atomic
    finally:
        os.close(fd)
