"""Step 2: Publish (placeholder until its issue lands)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from wizard.tui.screens.base import StepScreen


class PublishScreen(StepScreen):
    STEP = 2
    HELP_TITLE = "Step 2: Publish"
    HELP = "This step is being built."

    def compose_body(self) -> ComposeResult:
        yield Static("Step 2: Publish", classes="step-title")
