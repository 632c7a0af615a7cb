"""Sign in for one push: a user name and a masked token or password for one HTTPS host, or the token of a logged-in
GitHub CLI for github.com. Dismisses with `Credentials` (held in memory for this session, sent only to that host
through git's askpass, never saved or shown) or None.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from wizard.core.publish import Credentials
from wizard.tui.common.visible import visible


class CredentialsDialog(ModalScreen[Credentials | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, host: str, why: str, username: str = "", gh_token: str | None = None,
                 github: bool = False) -> None:
        super().__init__()
        self.host, self.why, self.username, self.gh_token, self.github = host, why, username, gh_token, github

    def compose(self) -> ComposeResult:
        with Vertical(id="credentials", classes="dialog"):
            yield Static(Content(visible(f"Sign in to {self.host}")), classes="dialog-title")
            with VerticalScroll(classes="dialog-body"):
                yield Static(Content(visible(self.why)), classes="dialog-detail")
                if self.gh_token:
                    yield Static(Content(visible(
                        f"The GitHub CLI (gh) is logged in: its token can be sent to {self.host} for this push.")))
                yield Label("User name" + (" (any name works with a GitHub token)" if self.github else ""),
                            classes="field-label")
                yield Input(self.username, id="username", compact=True, select_on_focus=False)
                yield Label("Token or password (not shown)", classes="field-label")
                yield Input(password=True, id="secret", compact=True, select_on_focus=False)
                yield Static(Content(visible(f"Sent only to {self.host}, for this session; never saved or shown.")),
                             classes="dialog-detail field-label")
            with Horizontal(classes="dialog-buttons"):
                if self.gh_token:
                    yield Button("Use gh's token", id="use-gh", variant="primary")
                yield Button("Push", id="push", variant="default" if self.gh_token else "primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        if self.gh_token:
            self.query_one("#use-gh", Button).focus()
        else:
            self.query_one("#username" if not self.username else "#secret", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "username":
            self.query_one("#secret", Input).focus()
        else:
            self._typed()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "use-gh" and self.gh_token:
            self.dismiss(Credentials(self.host, "", self.gh_token, "gh auth token"))
        elif event.button.id == "push":
            self._typed()
        else:
            self.action_cancel()

    def _typed(self) -> None:
        secret = self.query_one("#secret", Input).value.strip()
        if not secret:
            self.query_one("#secret", Input).focus()
            self.notify("Type the token or password first.", severity="warning", markup=False)
            return
        self.dismiss(Credentials(self.host, self.query_one("#username", Input).value.strip(), secret, "typed"))

    def action_cancel(self) -> None:
        self.dismiss(None)
