"""What the overview says about the environment files, as plain data.

The app's first analysis runs in a forked copy of the process while Textual loads (see
`wizard.core.common.bounded_call_adapter`), and only this summary comes back: reading it needs none of the
engine's modules, so the analysis and its imports stay off the process that draws the first frame.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

_FOLDER_WORDS = {"": "the top folder", "binder": "the binder/ folder", ".binder": "the .binder/ folder"}
# Long enough for any folder the engine can read (every read is bounded); past it the overview analyses again.
FIRST_LOOK_SECONDS = 30.0


class FirstLook(NamedTuple):
    summary: str  # "Python 3.12 with pip from requirements.txt"
    binder_dir: str  # "", "binder" or ".binder"
    files_used: tuple[str, ...]
    files_ignored: tuple[tuple[str, str], ...]  # (path, why)
    error_files: tuple[str, ...]  # the files with at least one error; "." is the project as a whole
    error_count: int


def first_look(project: Path) -> FirstLook:
    from wizard.core.environment.engine import analyse

    return first_look_of(analyse(project))


def first_look_of(report) -> FirstLook:
    """The overview's part of a `wizard.core.environment.engine.Report`."""
    detection = report.detection
    errors = [d for d in report.diagnostics if d.is_error]
    return FirstLook(detection.summary, detection.binder_dir, tuple(detection.files_used),
                     tuple((path, reason) for path, reason in detection.files_ignored),
                     tuple(sorted({d.file for d in errors})), len(errors))


def folder_words(binder_dir: str) -> str | None:
    """The config folder in words ("the binder/ folder"), or None for a name that has none."""
    return _FOLDER_WORDS.get(binder_dir)
