"""The one error type users see.

Every failure that reaches a person (a screen, stderr of a headless command) is a `UserError`: a plain
sentence saying what happened, and, when there is one, the next thing to do. Code that shows errors
reads `message` and `next_action` and never parses the text. Subclasses add what their step needs
(a kind to branch on, the files involved) but keep these two fields meaning the same.
"""

from __future__ import annotations


class UserError(Exception):
    """A failure explained for a beginner; nothing of theirs was lost."""

    def __init__(self, message: str, next_action: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.next_action = next_action

    def __str__(self) -> str:
        return f"{self.message}\n{self.next_action}" if self.next_action else self.message
