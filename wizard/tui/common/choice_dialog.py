"""The question dialogs: a question, an optional detail and diff, and a row of answers.

* `ConfirmDialog` is a ModalScreen[bool]: True for yes; no and Escape give False.
* `ChoiceDialog[A]` is a ModalScreen[A | None] for one of a few answers, each a member of an Enum `A` (whose
  value is the button's id); its Cancel button and Escape give None.

Used for every yes/no, for previews (a one-key fix, the README badge, a save conflict) and for choices such as
rebase or merge.
"""

from __future__ import annotations

from enum import Enum
from typing import Sequence, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from wizard.tui.common.diff_view import DiffView
from wizard.tui.common.visible import visible

R = TypeVar("R")
A = TypeVar("A", bound=Enum)


class QuestionDialog(ModalScreen[R]):
    """The layout both dialogs share. `buttons` are (id, label, variant); `focus` is the id of the answer that
    has the focus (make that the safe one). `note` is shown under the diff.

    Every text may contain file names or contents: all shown without markup.
    """

    # The answers stay on screen when the dialog is taller than the terminal (a diff at 80x24): the rest is cut.
    DEFAULT_CSS = """
    QuestionDialog .dialog-buttons { dock: bottom; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, detail: str, buttons: list[tuple[str, str, str]],
                 diff: list[str] | None, note: str, focus: str) -> None:
        super().__init__()
        self.question, self.detail, self.buttons, self.diff = question, detail, buttons, diff
        self.note, self.focus_id = note, focus

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog" + (" wide-dialog" if self.diff is not None else "")):
            yield Static(visible(self.question), classes="dialog-title", markup=False)
            if self.detail:
                yield Static(visible(self.detail), classes="dialog-detail", markup=False)
            if self.diff is not None:
                with VerticalScroll(classes="diff-scroll"):
                    yield DiffView(self.diff)
            if self.note:
                yield Static(visible(self.note), classes="dialog-detail", markup=False)
            with Horizontal(classes="dialog-buttons"):
                for button_id, label, variant in self.buttons:
                    yield Button(Content(visible(label)), id=button_id, variant=variant)  # type: ignore[arg-type]

    def on_mount(self) -> None:
        self.query_one(f"#{self.focus_id}", Button).focus()

    def answer(self, button_id: str | None) -> R:
        """The result for the button pressed (None: Escape)."""
        raise NotImplementedError

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(self.answer(event.button.id))

    def action_cancel(self) -> None:
        self.dismiss(self.answer(None))


class ConfirmDialog(QuestionDialog[bool]):
    """Yes or no. The focus starts on no unless `focus_yes` (for previews the user asked for, e.g. a fix)."""

    def __init__(self, question: str, detail: str = "", *, yes: str = "Yes", no: str = "Cancel",
                 yes_variant: str = "primary", diff: list[str] | None = None, note: str = "",
                 focus_yes: bool = False) -> None:
        super().__init__(question, detail, [("yes", yes, yes_variant), ("no", no, "default")], diff, note,
                         "yes" if focus_yes else "no")

    def answer(self, button_id: str | None) -> bool:
        return button_id == "yes"


class ChoiceDialog(QuestionDialog[A | None]):
    """`choices` are (answer, label, variant), followed by a Cancel button labelled `cancel`. The focus starts
    on `focus`, or on Cancel."""

    CANCEL = "cancel"

    def __init__(self, question: str, detail: str, choices: Sequence[tuple[A, str, str]], *,
                 cancel: str = "Cancel", diff: list[str] | None = None, note: str = "",
                 focus: A | None = None) -> None:
        self.answers: dict[str, A] = {answer.value: answer for answer, _, _ in choices}
        assert self.CANCEL not in self.answers, "the cancel button's id is taken"
        buttons = [(answer.value, label, variant) for answer, label, variant in choices]
        super().__init__(question, detail, buttons + [(self.CANCEL, cancel, "default")], diff, note,
                         focus.value if focus is not None else self.CANCEL)

    def answer(self, button_id: str | None) -> A | None:
        return self.answers.get(button_id or "")
