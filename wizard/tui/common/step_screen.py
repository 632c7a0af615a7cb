"""What every wizard screen shares: the step bar, the footer keys, help, moving between steps, and telling
the user when a worker failed.

A screen never switches screens itself: it posts `StepScreen.Navigate` and the App decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from wizard.core.common.state import WizardState
from wizard.tui.common.error_text import error_title, explain
from wizard.tui.common.key_bar import KeyBar
from wizard.tui.common.step_indicator import STEP_NAMES, StepIndicator
from wizard.tui.common.visible import visible

LAST_STEP = len(STEP_NAMES)


class StepScreen(Screen):
    STEP: ClassVar[int] = 0  # 0 = overview, 1..3 = steps
    HELP: ClassVar[str] = ""  # Markdown, written by us (never user content)

    BINDINGS = [
        Binding("ctrl+b", "previous_step", "Back"),
        Binding("ctrl+n", "next_step", "Next"),
        Binding("f1", "help", "Help"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("f2", "settings", "Settings"),
    ]

    @dataclass
    class Navigate(Message):
        """Ask the App to show step `to` (0 = overview)."""

        to: int

    def __init__(self, state: WizardState) -> None:
        super().__init__()
        self.state = state

    def compose(self) -> ComposeResult:
        yield StepIndicator(self.STEP)
        yield from self.compose_body()
        yield KeyBar()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # None shows the key dimmed rather than hiding it, so the footer layout stays put.
        if action == "previous_step" and self.STEP == 0:
            return None
        if action == "next_step" and self.STEP == LAST_STEP:
            return None
        return True

    def action_next_step(self) -> None:
        self.post_message(self.Navigate(self.STEP + 1))

    def action_previous_step(self) -> None:
        self.post_message(self.Navigate(self.STEP - 1))

    # ------------------------------------------------------------------ failed workers

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a failed worker reaches the user. Workers run with exit_on_error=False and simply
        raise: a UserError for what the user can act on, anything else is a bug."""
        if event.state is WorkerState.ERROR:
            self.show_error(event.worker.error)
            self.worker_failed(event.worker)

    def show_error(self, error: BaseException) -> None:
        """Tell the user (as a notification; a screen may show it where the user is looking instead)."""
        message, next_action = explain(error)
        self.notify(f"{message}\n{next_action}" if next_action else message, title=error_title(error),
                    severity="error", markup=False)

    def worker_failed(self, worker: Worker) -> None:
        """After `show_error`: put the screen back where the user can try again (e.g. no longer busy)."""

    def action_settings(self) -> None:
        from wizard.tui.common.settings_screen import SettingsScreen

        def saved(config) -> None:
            if config is not None:
                from wizard.core.common.config import config_path
                from wizard.tui.common.settings_screen import shown_path

                self.state.config = config
                self.notify(visible(f"Saved in {shown_path(config_path())}."), title="Settings saved", markup=False)

        self.app.push_screen(SettingsScreen(self.state.config), saved)

    def action_help(self) -> None:
        from wizard.tui.common.help_dialog import HelpDialog

        title = f"Step {self.STEP}: {STEP_NAMES[self.STEP - 1]}" if self.STEP else "Overview"
        self.app.push_screen(HelpDialog(title, self.HELP + GENERAL_HELP))


GENERAL_HELP = """

---

**Moving around.** `Ctrl+N` goes to the next step and `Ctrl+B` back; nothing is lost when you move
between steps. `Tab` moves between parts of a screen. `Ctrl+Q` quits (you are asked first if an edit
is not saved). `F1` or `?` opens this help.

**Settings** (`F2`): the BinderHub to build on (mybinder.org unless you choose another), the provider for
a repository named without one, what launch links open, the GitHub API address (for GitHub Enterprise)
and the git user name for HTTPS remotes other than github.com. They are saved in a small text file (the
README's "Settings" section lists every key).

**What is Binder?** [Binder](https://mybinder.org) turns a public Git repository into a live Jupyter
session anyone can open in a browser. It reads a few *environment files* in your repository
(`requirements.txt`, `environment.yml`, ...) to know what to install. This wizard helps you get those
files right, publish the project to GitHub, and ask Binder to build it.
"""
