"""WizardApp: wires the overview and the three step screens together. Nothing else lives here."""

from __future__ import annotations

import importlib
from pathlib import Path

from textual.app import App
from textual.binding import Binding

from wizard.core.common.bounded_call_adapter import BoundedCall
from wizard.core.common.config import Config
from wizard.core.common.state import WizardState
from wizard.tui.common.step_screen import StepScreen
from wizard.tui.overview import OverviewScreen

# Screen name -> (module, class). Step screens are imported on first visit, which keeps the editor,
# git and httpx out of start-up: the overview paints first.
SCREENS = (
    ("overview", "wizard.tui.overview", "OverviewScreen"),
    ("environment", "wizard.tui.environment.screen", "EnvironmentScreen"),
    ("publish", "wizard.tui.publish.screen", "PublishScreen"),
    ("launch", "wizard.tui.launch.screen", "LaunchScreen"),
)


class WizardApp(App[None]):
    CSS_PATH = "wizard.tcss"
    TITLE = "binder-wizard"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(self, project: Path, config: Config | None = None, first_look: BoundedCall | None = None) -> None:
        """`first_look`: the overview's analysis, if the caller started it already (see cli)."""
        super().__init__()
        self.state = WizardState(Path(project), config or Config.load())
        self.install_screen(OverviewScreen(self.state, first_look), SCREENS[0][0])

    def on_mount(self) -> None:
        self.push_screen(self.step_screen(0))

    def step_screen(self, step: int) -> str:
        """The name of step `step`'s screen, created (once) the first time it is needed."""
        name, module, cls = SCREENS[step]
        if not self.is_screen_installed(name):
            self.install_screen(getattr(importlib.import_module(module), cls)(self.state), name)
        return name

    async def on_step_screen_navigate(self, message: StepScreen.Navigate) -> None:
        if 0 <= message.to < len(SCREENS):
            await self.switch_screen(self.step_screen(message.to))

    async def action_quit(self) -> None:
        if not self.state.unsaved_files:
            self.exit()
            return
        from wizard.tui.common.choice_dialog import ConfirmDialog

        files = ", ".join(sorted(self.state.unsaved_files))
        question = ConfirmDialog("Quit without saving?", f"These files have changes that are not saved: {files}",
                                 yes="Quit without saving", no="Keep editing", yes_variant="warning")

        def quit_if_confirmed(quit: bool | None) -> None:
            if quit:
                self.exit()

        self.push_screen(question, quit_if_confirmed)


def main(project: Path | None = None) -> None:
    WizardApp(project or Path.cwd()).run()
