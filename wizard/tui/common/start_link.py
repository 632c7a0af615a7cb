"""A one-line call to action that works like a button: Enter, Space or a click presses it.

The overview's only control. Textual's Button brings 7 KB of CSS that is parsed before the first frame
(with its module, ~0.05 of the start-up ratio against an empty app), for a screen that needs one line.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static


class StartLink(Static, can_focus=True):
    DEFAULT_CSS = """
    StartLink {
        width: auto;
        height: 1;
        margin-top: 1;
        padding: 0 2;
        background: $primary;
        color: $text;
        text-style: bold;
    }
    StartLink:hover {
        background: $primary-lighten-1;
    }
    StartLink:focus {
        background: $accent;
    }
    """
    BINDINGS = [Binding("enter,space", "press", "Press", show=False)]

    @dataclass
    class Pressed(Message):
        link: StartLink

    def on_click(self) -> None:
        self.action_press()

    def action_press(self) -> None:
        self.post_message(self.Pressed(self))
