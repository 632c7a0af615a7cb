"""A block of text with a row of small buttons under it: the launch step's links panel and failure panel."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Static


class ActionPanel(Vertical):
    """Subclasses list their buttons in `buttons()` and fill the text with `show_text()`."""

    # The buttons stay at the bottom and the text scrolls when the panel is short (80x24): never the reverse.
    DEFAULT_CSS = """
    ActionPanel { height: auto; max-height: 100%; }
    ActionPanel .panel-scroll { height: auto; max-height: 100%; }
    ActionPanel .panel-text { height: auto; }
    ActionPanel .panel-buttons { height: auto; margin-top: 1; dock: bottom; }
    ActionPanel Button { margin-right: 1; }
    """

    def buttons(self) -> list[Button]:
        return []

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="panel-scroll"):
            yield Static(classes="panel-text")
        with Horizontal(classes="panel-buttons"):
            yield from self.buttons()

    def show_text(self, lines: list[Content]) -> None:
        self.query_one(".panel-text", Static).update(Content("\n").join(lines))
