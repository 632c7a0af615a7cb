"""A SelectionList whose boxes say what they are: ✓ when ticked, empty when not (Textual draws an X in both, told
apart only by colour, which a colour-blind user or a monochrome terminal cannot see)."""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import SelectionList
from textual.widgets._toggle_button import ToggleButton  # private module: recheck on a Textual upgrade
from textual.widgets.option_list import OptionDoesNotExist

TICKED, UNTICKED = "✓", " "


class CheckList(SelectionList):
    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        try:
            option = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        segments = list(strip)
        if len(segments) < 2 or segments[1].text != ToggleButton.BUTTON_INNER:
            return strip
        segments[1] = Segment(TICKED if option.value in self._selected else UNTICKED, segments[1].style)
        return Strip(segments, strip.cell_length)
