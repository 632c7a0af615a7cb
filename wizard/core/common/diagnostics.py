"""The one diagnostic type shared by the detector, the validators, the audit and the UI."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Diagnostic:
    """A finding about one file, in plain words.

    `line` and `column` are 1-based; None when the finding is about the whole file.
    `code` is stable (scripts match on it); `message` says what is wrong, `fix` what to do.
    """

    file: str
    line: int | None
    column: int | None
    severity: Severity
    code: str
    message: str
    fix: str | None = None

    def to_json(self) -> dict:
        return asdict(self)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"
