"""The one way a failure is put into words on screen (StepScreen.show_error and the dialogs use it).

A `UserError` (wizard.core.common.errors) says what happened and what to do next in its own words; anything
else is a bug, told as such. Either way the text is plain (never markup), without control codes or credentials.
"""

from __future__ import annotations

from textual.content import Content

from wizard.core.common.errors import UserError
from wizard.core.common.safe_text import safe_text

UNEXPECTED_NEXT_ACTION = "Nothing of yours was lost. Try again; if it happens again, please report it."
_MAX_DETAIL = 300


def explain(error: BaseException) -> tuple[str, str]:
    """(what happened, what to do next) as plain text."""
    if isinstance(error, UserError):
        return safe_text(error.message), safe_text(error.next_action)
    detail = safe_text(str(error)).strip()
    if len(detail) > _MAX_DETAIL:
        detail = detail[:_MAX_DETAIL] + "…"
    name = type(error).__name__
    return f"Something unexpected went wrong ({name}: {detail})." if detail else \
        f"Something unexpected went wrong ({name}).", UNEXPECTED_NEXT_ACTION


def error_title(error: BaseException) -> str:
    return "Could not finish" if isinstance(error, UserError) else "Unexpected error"


def error_content(error: BaseException) -> Content:
    """What happened in bold, then what to do next."""
    message, next_action = explain(error)
    return Content.assemble((message, "bold"), f"\n{next_action}" if next_action else "")
