"""Reading a project's files without ever hanging: the one reader every core module uses.

A project can hold anything: a named pipe called requirements.txt (a plain open().read() would wait
forever for a writer), a device, a 12 MB file where a few KB are expected.
"""

from __future__ import annotations

import errno
import os
import stat


class FileTooLarge(OSError):
    def __init__(self, path: str, size: int) -> None:
        super().__init__(errno.EFBIG, f"File too large ({size} bytes)", path)
        self.size = size


def read_file_bytes(path: str | os.PathLike, limit: int | None = None) -> bytes:
    """The bytes of a regular file. Never blocks: a named pipe or device raises OSError instead.

    With `limit`, a bigger file raises FileTooLarge before anything is read.

    A FIFO called requirements.txt would make a plain open().read() wait forever for a writer.
    O_NONBLOCK makes opening it return at once; fstat then says what it really is.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory", os.fspath(path))
        if not stat.S_ISREG(mode):
            kind = "a named pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
            raise OSError(errno.EINVAL, f"Not a regular file ({kind})", os.fspath(path))
        if limit is not None and os.fstat(fd).st_size > limit:
            raise FileTooLarge(os.fspath(path), os.fstat(fd).st_size)
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb") as handle:
            fd = -1  # the file object closes it now
            return handle.read()
    finally:
        if fd >= 0:
            os.close(fd)


def read_text(path: str | os.PathLike, limit: int | None = None) -> str:
    """`read_file_bytes` decoded as UTF-8 (a BOM removed, undecodable bytes replaced)."""
    return read_file_bytes(path, limit).decode("utf-8-sig", errors="replace")
