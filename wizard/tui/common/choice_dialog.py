"""The one question dialog: a question, an optional detail and diff, and a row of answers.

Used for every yes/no, for previews (a one-key fix, the README badge, a save conflict) and for choices such as
rebase or merge. Dismisses with the chosen answer's id, or None (Escape).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from wizard.tui.common.diff_view import DiffView
from wizard.tui.common.visible import visible


class ChoiceDialog(ModalScreen[str | None]):
    """`choices` are (id, label, variant). `focus` is the id of the answer that has the focus (default: the last
    one; make that the safe one). `note` is shown under the diff.

    Every text may contain file names or contents: all shown without markup.
    """

    # The answers stay on screen when the dialog is taller than the terminal (a diff at 80x24): the rest is cut.
    DEFAULT_CSS = """
    ChoiceDialog .dialog-buttons { dock: bottom; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, detail: str, choices: list[tuple[str, str, str]],
                 diff: list[str] | None = None, note: str = "", focus: str | None = None) -> None:
        super().__init__()
        self.question, self.detail, self.choices, self.diff = question, detail, choices, diff
        self.note, self.focus_id = note, focus or choices[-1][0]

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
                for choice_id, label, variant in self.choices:
                    yield Button(Content(visible(label)), id=choice_id, variant=variant)  # type: ignore[arg-type]

    def on_mount(self) -> None:
        self.query_one(f"#{self.focus_id}", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
