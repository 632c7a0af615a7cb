"""Pilot helpers shared by the Step 1 (Environment) tests."""

from __future__ import annotations

from wizard.tui.environment.screen import EnvironmentScreen


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_step1(pilot) -> EnvironmentScreen:
    await pilot.press("ctrl+n")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, EnvironmentScreen)
    return screen
