"""Launch another repository than origin (`r` in step 3): a provider, a repository (or DOI / URL) and a ref, checked
as the headless `launch --provider --repo --ref` checks them. Dismisses with the Target, ORIGIN to go back to the
project's own repository, or None."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from wizard.core.common.git_facts import GitFacts
from wizard.core.launch.links import PROVIDERS, LinkError, Target, target_for
from wizard.tui.common.visible import visible

ORIGIN = "origin"  # the answer that goes back to the project's own repository


class RepositoryDialog(ModalScreen[Target | str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, git: GitFacts, provider: str, repo: str = "", ref: str = "HEAD") -> None:
        super().__init__()
        self.git, self.provider, self.repo, self.ref = git, provider if provider in PROVIDERS else "gh", repo, ref

    def compose(self) -> ComposeResult:
        with Vertical(id="repository", classes="dialog"):
            yield Static("Launch another repository", classes="dialog-title")
            with VerticalScroll(classes="dialog-body"):
                yield Label("Where the hub gets it", classes="field-label")
                yield Select([(Content(f"{p.name} ({prefix})"), prefix) for prefix, p in PROVIDERS.items()],
                             value=self.provider, allow_blank=False, id="provider", compact=True)
                yield Label("Repository", classes="field-label")
                yield Input(self.repo, placeholder=PROVIDERS[self.provider].example, id="repo", compact=True,
                            select_on_focus=False)
                yield Label("Branch, tag or commit (providers with versions)", classes="field-label")
                yield Input(self.ref, placeholder="HEAD", id="ref", compact=True, select_on_focus=False)
                yield Static("", id="repository-problem", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Use it", id="use", variant="primary")
                yield Button("Back to origin", id="origin")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#repository-problem").display = False
        self.query_one("#repo", Input).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.value in PROVIDERS:
            self.query_one("#repo", Input).placeholder = PROVIDERS[str(event.value)].example

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._use()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "use":
            self._use()
        elif event.button.id == "origin":
            self.dismiss(ORIGIN)
        else:
            self.action_cancel()

    def _use(self) -> None:
        provider = str(self.query_one("#provider", Select).value)
        repo = self.query_one("#repo", Input).value.strip()
        ref = self.query_one("#ref", Input).value.strip() or "HEAD"
        try:
            target = target_for(self.git, provider, repo or None, ref) if repo else None
        except LinkError as error:
            target, why = None, f"{error.message} {error.next_action}".strip()
        else:
            why = "" if target is not None else f"Give the repository, for example {PROVIDERS[provider].example}."
        if target is None:
            problem = self.query_one("#repository-problem", Static)
            problem.update(Content(visible(why[:1].upper() + why[1:])))
            problem.display = True
            return
        self.dismiss(target)

    def action_cancel(self) -> None:
        self.dismiss(None)
