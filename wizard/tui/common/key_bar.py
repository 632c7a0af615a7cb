"""The key bar at the bottom of every screen: the screen's keys and what they do, dimmed when they do nothing.

It looks like Textual's Footer but is one widget drawing one line. Footer builds a widget per key and
rebuilds them all whenever the bindings change (several times while the app starts): about 40 ms of
the app's start-up on a 2-core machine, for a line of text. When the keys do not fit the width (80
columns, step 3), they are packed closer, and then wrapped onto a second line: never cut off.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget


@dataclass(frozen=True)
class _Key:
    key: str
    row: int
    start: int
    end: int
    enabled: bool


class KeyBar(Widget, can_focus=False):
    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._keys: list[_Key] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, lambda _screen: self.refresh())

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _entries(self) -> list[tuple[str, str, str, bool]]:
        """(key, how the key is shown, description, enabled) for each key shown, one per action."""
        entries, shown = [], set()
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in shown:  # one entry per action, as Footer shows them
                continue
            shown.add(binding.action)
            entries.append((binding.key, self.app.get_key_display(binding), binding.description, enabled))
        return entries

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        entries = self._entries()
        width = self.size.width or self.app.size.width
        # Roomy: " ^b Back  ^n Next"; packed: " ^b Back ^n Next" (the key's colour still sets it apart).
        roomy = sum(len(display) + len(description) + 3 for _, display, description, _ in entries) <= width
        rows: list[Text] = [Text(no_wrap=True, overflow="crop")]
        self._keys = []
        for key, display, description, enabled in entries:
            key_text = f" {display} " if roomy else f" {display}"
            description_text = f"{description} " if roomy else f" {description}"
            line = rows[-1]
            if len(line) and len(line) + len(key_text) + len(description_text) > width:
                line = Text(no_wrap=True, overflow="crop")
                rows.append(line)
            dim = Style() if enabled else Style(dim=True)
            start = len(line)
            line.append(key_text, key_style + dim)
            line.append(description_text, description_style + dim)
            self._keys.append(_Key(key, len(rows) - 1, start, len(line), enabled))
        if self.styles.height is None or self.styles.height.value != len(rows):
            self.styles.height = len(rows)
        return Text("\n", no_wrap=True, overflow="crop").join(rows)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        for key in self._keys:
            if key.row == event.y and key.start <= event.x < key.end:
                if key.enabled:
                    self.app.simulate_key(key.key)
                else:
                    self.app.bell()
                return
