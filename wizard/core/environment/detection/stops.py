"""Where repo2docker would stop: the error it raises, quoted, with our explanation and fix."""

from __future__ import annotations

import re

from wizard.core.common.diagnostics import Diagnostic
from wizard.core.common.safe_text import strip_control
from wizard.core.environment.detection.files import Unreadable
from wizard.core.environment.detection.rules import REPO2DOCKER_VERSION


class Stop(Exception):
    """repo2docker would raise here: carries the diagnostic and (stage, type, message)."""

    def __init__(self, diagnostic: Diagnostic, stage: str, kind: str, message: str) -> None:
        super().__init__(message)
        self.diagnostic, self.stage, self.kind, self.message = diagnostic, stage, kind, message


def quoted_stop(file: str, code: str, kind: str, r2d_message: str, explain: str, fix: str | None,
                stage: str = "render", line: int | None = None, column: int | None = None) -> Stop:
    """A Stop whose message explains, then quotes repo2docker's exception `kind: r2d_message`."""
    shown = strip_control(r2d_message).strip()
    if len(shown) > 300:
        shown = shown[:300] + "…"
    message = f"{explain} repo2docker {REPO2DOCKER_VERSION} stops with: {kind}: {shown}"
    return Stop(Diagnostic(file, line, column, "error", code, message, fix), stage, kind, r2d_message)


def brief(value: object, limit: int = 60) -> str:
    """A short repr for messages: YAML aliases can make a tiny file hold a list with billions of items."""

    def show(item: object, depth: int) -> str:
        if isinstance(item, (list, tuple, dict)):
            if depth >= 2:
                return "[...]" if isinstance(item, (list, tuple)) else "{...}"
            if isinstance(item, dict):
                parts = [f"{show(k, depth + 1)}: {show(v, depth + 1)}" for k, v in list(item.items())[:4]]
                return "{" + ", ".join(parts + ["..."] * (len(item) > 4)) + "}"
            parts = [show(v, depth + 1) for v in list(item[:4])]
            return "[" + ", ".join(parts + ["..."] * (len(item) > 4)) + "]"
        if isinstance(item, str) and len(item) > limit:
            item = item[:limit]
        return repr(item)

    text = show(value, 0)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def file_note(file: str, code: str, message: str, fix: str | None = None, severity: str = "warning") -> Diagnostic:
    """A finding about a whole file (no line): repo2docker's warnings, in plain words."""
    return Diagnostic(file, None, None, severity, code, message, fix)


def unreadable_stop(rel: str, error: Unreadable, stage: str) -> Stop:
    if error.kind == "FileTooLarge":
        return Stop(Diagnostic(rel, None, None, "error", "file-too-large",
                               f"This file is {int(error.message) / 1e6:.1f} MB; an environment file should be a "
                               "few KB, so Binder's build would take very long or fail.",
                               "Check that the right file was saved under this name; list only the packages you "
                               "need."), stage, error.kind, error.message)
    if error.kind == "IsADirectoryError":
        return quoted_stop(rel, "not-a-file", error.kind, error.message,
                           f"'{rel}' is a folder, but Binder expects a file with this name.",
                           f"Rename or remove the folder '{rel}'.", stage)
    if error.kind == "UnicodeDecodeError":
        return quoted_stop(rel, "not-utf8", error.kind, error.message,
                           f"{rel} is not UTF-8 text, so repo2docker cannot read it.",
                           "Save the file again with UTF-8 encoding (or replace it if it is not a text file).", stage)
    if error.kind == "OutsideProject":  # fileio refuses to read through a link that leaves the project
        return Stop(Diagnostic(rel, None, None, "error", "link-outside-project", error.message.split(": '")[0],
                               "Replace the link with a copy of the real file."), stage, error.kind, error.message)
    special = re.search(r"Not a regular file \((.*?)\)", error.message)
    if special:  # repo2docker would wait forever on a pipe; git does not even store one
        return Stop(Diagnostic(rel, None, None, "error", "not-a-file",
                               f"'{rel}' is {special.group(1)}, not a normal file: git cannot store it, so it "
                               "will not exist on GitHub, and a local repo2docker build would wait forever "
                               "reading it.", f"Replace '{rel}' with a normal text file."),
                    stage, error.kind, error.message)
    return quoted_stop(rel, "unreadable", error.kind, error.message, f"{rel} cannot be read.",
                       "Check the file's permissions.", stage)
