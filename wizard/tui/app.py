"""WizardApp: wires the overview and the three step screens together. Nothing else lives here."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.binding import Binding

from wizard.core.config import Config
from wizard.core.state import WizardState
from wizard.tui.screens.base import LAST_STEP, StepScreen

SCREEN_NAMES = ("overview", "environment", "publish", "launch")


class WizardApp(App[None]):
    CSS_PATH = "wizard.tcss"
    TITLE = "binder-wizard"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(self, project: Path, config: Config | None = None) -> None:
        super().__init__()
        self.state = WizardState(Path(project), config or Config.load())

    def on_mount(self) -> None:
        # Imported here so that `import wizard.tui.app` stays cheap for the headless commands' tests.
        from wizard.tui.screens.environment import EnvironmentScreen
        from wizard.tui.screens.launch import LaunchScreen
        from wizard.tui.screens.overview import OverviewScreen
        from wizard.tui.screens.publish import PublishScreen

        for name, screen in zip(SCREEN_NAMES, (OverviewScreen, EnvironmentScreen, PublishScreen, LaunchScreen)):
            self.install_screen(screen(self.state), name)
        self.push_screen("overview")

    async def on_step_screen_navigate(self, message: StepScreen.Navigate) -> None:
        if 0 <= message.to <= LAST_STEP:
            await self.switch_screen(SCREEN_NAMES[message.to])

    async def action_quit(self) -> None:
        if not self.state.unsaved_files:
            self.exit()
            return
        from wizard.tui.dialogs.confirm import ConfirmDialog

        files = ", ".join(sorted(self.state.unsaved_files))
        question = ConfirmDialog("Quit without saving?", f"These files have changes that are not saved: {files}",
                                 yes="Quit without saving", no="Keep editing")

        def quit_if_confirmed(confirmed: bool | None) -> None:
            if confirmed:
                self.exit()

        self.push_screen(question, quit_if_confirmed)


def main(project: Path | None = None) -> None:
    WizardApp(project or Path.cwd()).run()
