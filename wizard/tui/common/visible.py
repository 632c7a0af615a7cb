"""Untrusted text written so that it can be drawn: control characters shown as `\\x1b`, never sent raw.

A raw ESC from a file's contents or name would be interpreted by the user's terminal (`\\x1b[2J` clears
the screen, `\\x1b]52;...` sets the clipboard). `safety.strip_control` removes them, which hides what is
really in the file; here they stay visible, so the user can see and fix them.
"""

from __future__ import annotations

import re

# C0 and C1 controls and DEL, except tab and newline (which text and messages may use).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_NAME_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _escape(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


def visible(text: str) -> str:
    """`text` with every control character but tab and newline written as \\xNN."""
    return CONTROL.sub(_escape, text) if CONTROL.search(text) else text


def visible_name(name: str) -> str:
    """A file name on one line: tabs and newlines written as \\xNN too."""
    return _NAME_CONTROL.sub(_escape, name) if _NAME_CONTROL.search(name) else name


def control_lines(text: str) -> list[int]:
    """1-based numbers of the lines (split on "\\n") holding control characters other than tab and CR."""
    return [number for number, line in enumerate(text.split("\n"), 1)
            if CONTROL.search(line.replace("\r", ""))]
