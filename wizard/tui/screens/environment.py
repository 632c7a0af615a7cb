"""Step 1: Environment (placeholder until its issue lands)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from wizard.tui.screens.base import StepScreen


class EnvironmentScreen(StepScreen):
    STEP = 1
    HELP_TITLE = "Step 1: Environment"
    HELP = "This step is being built."

    def compose_body(self) -> ComposeResult:
        yield Static("Step 1: Environment", classes="step-title")
