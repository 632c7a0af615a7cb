"""The environment-file editor: a code editor that marks the lines with problems.

The marker is drawn in the gutter (a coloured bar before the line number's gap) and the problem's
span is underlined, so a problem stays visible while the list below is scrolled away.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Offset
from textual.strip import Strip
from textual.widgets import TextArea
from textual.widgets.text_area import LanguageDoesNotExist

from wizard.core.common.diagnostics import Diagnostic
from wizard.core.common.safe_text import strip_control
from wizard.tui.common.visible import CONTROL

# Grammars shipped with textual[syntax]; other files are plain text (language=None).
LANGUAGE_FOR_NAME = {
    "environment.yml": "yaml",
    "environment.yaml": "yaml",
    "postBuild": "bash",
    "start": "bash",
    "Project.toml": "toml",
    "JuliaProject.toml": "toml",
    "Manifest.toml": "toml",
    "pyproject.toml": "toml",
    "Pipfile": "toml",
    "Pipfile.lock": "json",
    "setup.py": "python",
}
_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
_MARKER_STYLE = {
    "error": Style(color="#ff5f5f", bold=True),
    "warning": Style(color="#ffaf00", bold=True),
    "info": Style(color="#5fafff"),
}
_UNDERLINE_STYLE = {
    "error": Style(underline=True, color="#ff8787"),
    "warning": Style(underline=True),
    "info": Style(),
}


class EnvEditor(TextArea):
    """A TextArea for one environment file; `show_problems` sets the markers."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._problems: dict[int, tuple[str, int | None]] = {}  # 0-based line -> (worst severity, column)

    @classmethod
    def for_file(cls, name: str, text: str, **kwargs) -> EnvEditor:
        # Tab moves focus (YAML forbids tab indentation anyway, and beginners must not get stuck here).
        options = dict(theme="vscode_dark", tab_behavior="focus")
        try:
            editor = cls.code_editor(text, language=LANGUAGE_FOR_NAME.get(name), **options, **kwargs)
        except LanguageDoesNotExist:  # textual without the [syntax] extra
            editor = cls.code_editor(text, language=None, **options, **kwargs)
        editor.cursor_blink = False
        return editor

    def _on_paste(self, event: events.Paste) -> None:
        """Pasted terminal output keeps its text, not its escapes: a TextArea would draw them raw.
        (Textual calls this before TextArea's own handler, which inserts the cleaned text.)"""
        if CONTROL.search(event.text.replace("\r", "")):
            event.text = strip_control(event.text)
            self.notify("Invisible control codes were left out of the pasted text.", markup=False)

    def show_problems(self, diagnostics: list[Diagnostic]) -> None:
        problems: dict[int, tuple[str, int | None]] = {}
        for diagnostic in diagnostics:
            if diagnostic.line is None:
                continue
            index = diagnostic.line - 1
            current = problems.get(index)
            if current is None or _SEVERITY_RANK[diagnostic.severity] < _SEVERITY_RANK[current[0]]:
                problems[index] = (diagnostic.severity, diagnostic.column)
        if problems != self._problems:
            self._problems = problems
            self._line_cache.clear()  # cached lines do not know about markers
            self.refresh()

    @property
    def problem_lines(self) -> dict[int, str]:
        """1-based line -> worst severity, for tests and the status line."""
        return {index + 1: severity for index, (severity, _) in self._problems.items()}

    def get_line(self, line_index: int) -> Text:
        line = super().get_line(line_index)
        problem = self._problems.get(line_index)
        if problem is not None and line.plain.strip():
            severity, column = problem
            start = max(0, (column or 1) - 1)
            if start >= len(line.plain):
                start = len(line.plain) - len(line.plain.lstrip())
            line.stylize(_UNDERLINE_STYLE[severity], start, len(line.plain))
        return line

    def _render_line(self, y: int) -> Strip:  # Textual's own renderer, then our gutter marker
        strip = super()._render_line(y)
        if not self._problems or not self.show_line_numbers:
            return strip
        scroll_x, scroll_y = self.scroll_offset
        row = scroll_y + y
        if row >= self.wrapped_document.height:
            return strip
        line_index, _ = self.wrapped_document.offset_to_location(Offset(0, row))
        problem = self._problems.get(line_index)
        if problem is None or self.wrapped_document.location_to_offset((line_index, 0)).y != row:
            return strip
        gutter = self.gutter_width
        marker_style = strip.crop(gutter - 2, gutter - 1)
        base = next(iter(marker_style), Segment("")).style or Style()
        marker = Strip([Segment("▌" if problem[0] != "info" else "·", base + _MARKER_STYLE[problem[0]])], 1)
        return Strip.join([strip.crop(0, gutter - 2), marker, strip.crop(gutter - 1)])
