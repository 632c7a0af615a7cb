"""Step 3: Launch (placeholder until its issue lands)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from wizard.tui.screens.base import StepScreen


class LaunchScreen(StepScreen):
    STEP = 3
    HELP_TITLE = "Step 3: Launch"
    HELP = "This step is being built."

    def compose_body(self) -> ComposeResult:
        yield Static("Step 3: Launch", classes="step-title")
