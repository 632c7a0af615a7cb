"""Pilot helpers shared by the Step 1 (Environment) tests."""

from __future__ import annotations

from tests.waiting import settle, until
from wizard.tui.environment.screen import EnvironmentScreen


async def open_step1(pilot) -> EnvironmentScreen:
    await pilot.press("ctrl+n")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, EnvironmentScreen)
    return screen


async def until_analysed(pilot, screen: EnvironmentScreen) -> None:
    """Until the debounced analysis has caught up with the last edit."""
    await pilot.pause()  # let the editor's Changed messages arrive first
    await until(pilot, lambda: screen.is_up_to_date, "the analysis caught up with the edits")
