"""Preview a one-key fix as a diff; dismisses True to apply it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from wizard.tui.widgets.env_diff import DiffView


class FixPreviewDialog(ModalScreen[bool]):
    """`title`, `problem` and the diff come from the project's files: all shown without markup."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, problem: str, diff: list[str]) -> None:
        super().__init__()
        self.fix_title, self.problem, self.diff = title, problem, diff

    def compose(self) -> ComposeResult:
        with Vertical(id="fix-preview", classes="dialog wide-dialog"):
            yield Static(f"Fix: {self.fix_title}", classes="dialog-title", markup=False)
            yield Static(self.problem, classes="dialog-detail", markup=False)
            with VerticalScroll(classes="diff-scroll"):
                yield DiffView(self.diff, id="fix-diff")
            yield Static("The change is made in the editor; save with Ctrl+S. Ctrl+Z undoes it.",
                         classes="dialog-detail")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Apply fix", variant="primary", id="apply")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#apply", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "apply")

    def action_cancel(self) -> None:
        self.dismiss(False)
