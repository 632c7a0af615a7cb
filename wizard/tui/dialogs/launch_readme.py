"""Show the README change the badge makes; dismisses "write", "publish" (write, then go to step 2) or None."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from wizard.tui.widgets.env_diff import DiffView


class ReadmeBadgeDialog(ModalScreen[str | None]):
    """The file name and diff come from the user's README: shown without markup."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, name: str, action: str, diff: str) -> None:
        super().__init__()
        self.readme_name, self.action_text, self.diff = name, action, diff

    def compose(self) -> ComposeResult:
        verb = {"replaced": "Replace the Binder badge in", "created": "Create"}.get(self.action_text, "Add the badge to")
        with Vertical(id="readme-badge", classes="dialog"):
            yield Static(f"{verb} {self.readme_name}?", classes="dialog-title", markup=False)
            with VerticalScroll(classes="diff-scroll"):
                yield DiffView(self.diff.splitlines(), id="readme-diff")
            yield Static("The badge shows on GitHub once the README is published (step 2).",
                         classes="dialog-detail")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Write and publish", variant="primary", id="publish")
                yield Button("Write only", id="write")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#publish", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id if event.button.id in ("write", "publish") else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
