"""Settings (F2 on every screen): the hub, the default provider and interface, the GitHub API and the git user
name for HTTPS remotes, saved to the config file the README documents ("Settings").

A dialog: the fields scroll, the buttons stay at the bottom (80x24). Each value is checked before anything is
written; Save writes only these keys (the file's other lines stay) and dismisses with the new Config, and the
screen that opened it says where it was saved. Everything typed is shown without markup.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from wizard.core.common.config import Config, config_path
from wizard.core.common.safe_text import has_control
from wizard.tui.common.error_text import error_content
from wizard.tui.common.visible import visible

INTERFACE_LABELS = {"": "The hub's default", "lab": "JupyterLab", "classic": "Classic notebook",
                    "rstudio": "RStudio (projects that install R)"}


def shown_path(path: Path) -> str:
    """The config file's path, with the home folder written ~ (shorter, and the same on every machine)."""
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except (ValueError, RuntimeError):
        return str(path)


def check_settings(values: dict[str, str]) -> dict[str, str]:
    """What is wrong with each value (by key), in a sentence; {} when all can be saved."""
    from wizard.core.common.remotes import has_credentials
    from wizard.core.launch.links import PROVIDERS, LinkError, hub_base, web_url

    problems = {}
    hub = values["hub_url"].strip()
    try:
        hub_base(hub)
        if has_credentials(hub if "://" in hub else f"https://{hub}"):
            problems["hub_url"] = ("Leave the user name and password out: a hub that needs a login gets a "
                                   "token from BINDER_WIZARD_HUB_TOKEN.")
    except LinkError as error:
        problems["hub_url"] = f"{error.message[:1].upper()}{error.message[1:]}. {error.next_action}".strip()
    if values["default_provider"] not in PROVIDERS:
        problems["default_provider"] = "Choose one of the providers in the list."
    api = values["github_api"].strip()
    if web_url(api) is None:
        problems["github_api"] = ("Give the API address as an http(s) URL: https://api.github.com, or "
                                  "https://HOST/api/v3 for GitHub Enterprise.")
    name = values["git_username"]
    if has_control(name) or any(c.isspace() for c in name) or ":" in name:
        problems["git_username"] = "A user name has no spaces, colons or control characters."
    return problems


class SettingsScreen(ModalScreen[Config | None]):
    """Dismisses with the saved Config, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, config: Config) -> None:
        super().__init__()
        self.config = config

    def compose(self) -> ComposeResult:
        from wizard.core.launch.links import PROVIDERS

        config = self.config
        with Vertical(id="settings", classes="dialog"):
            yield Static("Settings", classes="dialog-title")
            with VerticalScroll(classes="dialog-body"):
                yield Label("BinderHub (where step 3 and launch build)", classes="field-label")
                yield Input(config.hub_url, placeholder="https://mybinder.org", id="hub_url", compact=True,
                            select_on_focus=False)
                yield Static("", id="hub_url-error", classes="field-error")
                yield Label("Provider for a repository named without one", classes="field-label")
                yield Select([(Content(f"{p.name} ({prefix})"), prefix) for prefix, p in PROVIDERS.items()],
                             value=config.default_provider if config.default_provider in PROVIDERS else "gh",
                             allow_blank=False, id="default_provider", compact=True)
                yield Static("", id="default_provider-error", classes="field-error")
                yield Label("What a launch link opens unless you choose", classes="field-label")
                yield Select([(Content(label), value or "default") for value, label in INTERFACE_LABELS.items()],
                             value=config.default_interface or "default", allow_blank=False,
                             id="default_interface", compact=True)
                yield Label("GitHub API (GitHub Enterprise: https://HOST/api/v3)", classes="field-label")
                yield Input(config.github_api, placeholder="https://api.github.com", id="github_api", compact=True,
                            select_on_focus=False)
                yield Static("", id="github_api-error", classes="field-error")
                yield Label("Git user name for HTTPS remotes other than github.com", classes="field-label")
                yield Input(config.git_username, placeholder="(asked when a push needs it)", id="git_username",
                            compact=True, select_on_focus=False)
                yield Static("", id="git_username-error", classes="field-error")
                yield Static(Content(visible(f"Saved in {shown_path(config_path())}")), id="settings-path",
                             classes="dialog-detail")
                yield Static("", id="settings-problem")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        for error in self.query(".field-error"):
            error.display = False
        self.query_one("#settings-problem").display = False
        self.query_one("#hub_url", Input).focus()

    def values(self) -> dict[str, str]:
        interface = self.query_one("#default_interface", Select).value
        return {"hub_url": self.query_one("#hub_url", Input).value.strip(),
                "default_provider": str(self.query_one("#default_provider", Select).value),
                "default_interface": "" if interface == "default" else str(interface),
                "github_api": self.query_one("#github_api", Input).value.strip(),
                "git_username": self.query_one("#git_username", Input).value.strip()}

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        values = self.values()
        problems = check_settings(values)
        for key in ("hub_url", "default_provider", "github_api", "git_username"):
            error = self.query_one(f"#{key}-error", Static)
            error.update(Content(visible(problems.get(key, ""))))
            error.display = key in problems
        if problems:
            first = next(iter(problems))
            self.query_one(f"#{first}").focus()
            return
        config = replace(self.config, **values)
        try:
            config.save()
        except OSError as error:  # shown in the dialog, where the user is looking; nothing was changed
            problem = self.query_one("#settings-problem", Static)
            problem.update(error_content(error))
            problem.display = True
            problem.scroll_visible()
            return
        self.dismiss(config)

    def action_cancel(self) -> None:
        self.dismiss(None)
