"""A block of text with a row of small buttons under it: the launch step's links panel and failure panel."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Static


class ActionPanel(Vertical):
    """Subclasses list their buttons in `buttons()` and fill the text with `show_text()`."""

    DEFAULT_CSS = """
    ActionPanel { height: auto; }
    ActionPanel .panel-text { height: auto; }
    ActionPanel Horizontal { height: auto; margin-top: 1; }
    ActionPanel Button { margin-right: 1; }
    """

    def buttons(self) -> list[Button]:
        return []

    def compose(self) -> ComposeResult:
        yield Static(classes="panel-text")
        with Horizontal():
            yield from self.buttons()

    def show_text(self, lines: list[Content]) -> None:
        self.query_one(".panel-text", Static).update(Content("\n").join(lines))
