"""Plain-language help for the current screen, opened with F1 or ?."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static


class HelpDialog(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,question_mark,q", "close", "Close")]

    def __init__(self, title: str, markdown: str) -> None:
        super().__init__()
        self.help_title, self.markdown = title, markdown

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help", classes="dialog"):
            yield Static(f"Help: {self.help_title}", classes="dialog-title", markup=False)
            yield Markdown(self.markdown)  # our own text, never user content
            yield Static("Press Esc to close.", classes="dialog-detail")

    def action_close(self) -> None:
        self.dismiss(None)
