"""The bar at the top of every screen: where the user is in the three steps."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

STEP_NAMES = ("Environment", "Publish", "Launch")


def step_line(current: int) -> Content:
    """`current` is 0 for the overview, 1..3 for the steps."""
    label = "Overview" if current == 0 else f"Step {current} of {len(STEP_NAMES)}"
    parts = [Content.styled(f" {label} ", "bold reverse"), Content("  ")]
    for number, name in enumerate(STEP_NAMES, start=1):
        style = "bold $accent" if number == current else ("$text-muted" if number > current else "")
        # No tick for earlier steps: visiting step 2 does not mean anything was pushed.
        mark = "●" if number == current else "○"
        parts.append(Content.styled(f"{mark} {number}. {name}", style))
        if number < len(STEP_NAMES):
            parts.append(Content.styled("  ›  ", "$text-muted"))
    return Content("").join(parts)


class StepIndicator(Static):
    DEFAULT_CSS = """
    StepIndicator { height: 1; background: $panel; padding: 0 1; }
    """

    def __init__(self, current: int) -> None:
        super().__init__(step_line(current))
        self.current = current
