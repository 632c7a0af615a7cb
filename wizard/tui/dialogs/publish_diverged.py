"""The remote has commits the user does not have: rebase, merge, or cancel. Never force."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

EXPLANATION = (
    "Someone (perhaps you, on github.com) added commits to {branch} that this computer does not have. "
    "Pushing now would delete them, so binder-wizard will not do that.\n\n"
    "• Rebase: fetch their commits and put yours on top, in a straight line (usually best).\n"
    "• Merge: fetch their commits and join both histories with a merge commit.\n\n"
    "If both changed the same lines, binder-wizard stops, puts everything back as it was, and lists the files."
)


class DivergedDialog(ModalScreen[str | None]):
    """Dismisses with "rebase", "merge", or None (cancel / Escape)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, branch: str) -> None:
        super().__init__()
        self.branch = branch

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("The remote has new commits", classes="dialog-title")
            yield Static(EXPLANATION.format(branch=self.branch), classes="dialog-detail", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Rebase my commits on top", variant="primary", id="rebase")
                yield Button("Merge", id="merge")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#rebase", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id if event.button.id in {"rebase", "merge"} else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
