"""The live build log: plain text (`Log`, never markup), bounded, follows the tail unless scrolled up, filterable."""

from __future__ import annotations

from collections import deque

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Log

from wizard.core.launch.buildlogs import lines_text

# Lines kept for the filter and shown: the end of the log is what matters; the whole log is saved on disk.
MAX_LINES = 10_000
# New lines reach the Log widget at most this often: one write (and one repaint) per interval however
# fast the hub sends, and lines that would scroll out of the bounded Log at once are never drawn.
FLUSH_SECONDS = 0.2


class BuildLogView(Vertical):
    DEFAULT_CSS = """
    BuildLogView { height: 1fr; }
    BuildLogView Log { height: 1fr; }
    BuildLogView Input { height: 1; border: none; padding: 0 1; display: none; }
    BuildLogView Input.-shown { display: block; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.lines: deque[str] = deque(maxlen=MAX_LINES)
        self.filter_text = ""
        self._pending: deque[str] = deque(maxlen=MAX_LINES)
        self._flush_timer = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Show only lines containing… (Esc closes)", id="log-filter", select_on_focus=False)
        yield Log(max_lines=MAX_LINES, id="log")

    @property
    def log(self) -> Log:
        return self.query_one("#log", Log)

    def clear(self) -> None:
        self.lines.clear()
        self._pending.clear()
        self.log.clear()

    def add(self, messages: list[str]) -> None:
        """Append messages (each may hold several lines; text already made safe by the core)."""
        # One splitlines over the joined text; a message without a final newline still ends its line.
        new = lines_text(messages).splitlines()
        self.lines.extend(new)
        if self.filter_text:
            needle = self.filter_text.lower()
            new = [line for line in new if needle in line.lower()]
        if new:
            self._pending.extend(new)
            if self._flush_timer is None:
                self._flush_timer = self.set_timer(FLUSH_SECONDS, self.flush)

    def flush(self) -> None:
        """Write what is waiting to the Log now."""
        if self._flush_timer is not None:
            self._flush_timer.stop()
            self._flush_timer = None
        if self._pending:
            lines = list(self._pending)
            self._pending.clear()
            self._write(lines)

    def _write(self, lines: list[str]) -> None:
        """Append, following the tail only when the view was at the end (within the row a horizontal
        scrollbar takes when a long line arrives), so scrolling up to read is never undone."""
        log = self.log
        at_end = log.max_scroll_y - log.scroll_offset.y <= 2
        log.write_lines(lines, scroll_end=False)
        if at_end:
            log.scroll_end(animate=False, immediate=True, x_axis=False)
            log.call_after_refresh(log.scroll_end, animate=False, immediate=True, x_axis=False)

    def show_filter(self) -> None:
        field = self.query_one("#log-filter", Input)
        field.add_class("-shown")
        field.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.set_filter(event.value)

    def set_filter(self, text: str) -> None:
        self.filter_text = text.strip()
        needle = self.filter_text.lower()
        self._pending.clear()
        self.log.clear()
        self._write([line for line in self.lines if needle in line.lower()] if needle else list(self.lines))

    def key_escape(self) -> None:
        field = self.query_one("#log-filter", Input)
        if field.has_class("-shown"):
            field.value = ""
            field.remove_class("-shown")
            self.set_filter("")
            self.log.focus()
