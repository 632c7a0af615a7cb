"""What every headless command shares: exit codes, usage errors and the project folder argument.

Cheap to import (`check` must start fast). The target options `badge` and `launch` both take are in
wizard.commands.launch_target.
"""

from __future__ import annotations

from pathlib import Path

from wizard.core.common.errors import UserError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(UserError):
    """A problem with what the user typed, or a folder that cannot be read: one line on stderr, exit 2."""


def index_url(text: str) -> str:
    """An argparse type for options that name a package index: an http(s) or file URL that parses, or
    a usage error (exit 2, one line) instead of a traceback from deep in the resolver."""
    import argparse
    from urllib.parse import urlsplit

    from wizard.core.common.safe_text import has_control, safe_text

    shown = safe_text(text)[:200]
    try:
        parts = urlsplit(text.strip())
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a valid URL: {shown!r}") from None
    if has_control(text) or " " in text.strip() or parts.scheme not in ("http", "https", "file") \
            or (parts.scheme != "file" and not parts.hostname):
        raise argparse.ArgumentTypeError(f"not an http(s) or file URL: {shown!r}")
    return text.strip()


def add_path_argument(parser) -> None:
    parser.add_argument("path", nargs="?", default=".", metavar="PATH",
                        help="the project folder (default: the current folder)")


def project_path(raw: str | None) -> Path:
    """The project folder named on the command line, or a UsageError a beginner can read."""
    from wizard.core.common.fileio import register_project

    try:
        path = Path(raw or ".").expanduser()
        if not path.exists():
            raise UsageError(f"no such folder: {_short(str(path))}")
        if not path.is_dir():
            raise UsageError(f"not a folder: {_short(str(path))} (give the project folder, not a file in it)")
        next(path.iterdir(), None)
        resolved = path.resolve()
    except OSError as error:  # too long a name, a loop of links, no permission
        raise UsageError(f"cannot read folder {_short(raw)}: {error.strerror or error}") from None
    except ValueError:  # a NUL byte
        raise UsageError(f"not a usable folder name: {_short(repr(raw))}") from None
    register_project(resolved)  # every read and write under it is checked against it (links out of it)
    return resolved


def _short(text: str | None, limit: int = 200) -> str:
    text = text or "."
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"
