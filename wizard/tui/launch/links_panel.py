"""The links and badge panel: shareable launch URL, badge, and after `ready` the server and persistent URLs.

Everything is shown on screen as well as copied (some terminals ignore the clipboard escape)."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Button

from wizard.tui.common.action_panel import ActionPanel


def _row(label: str, value: str, style: str = "") -> Content:
    return Content.assemble(Content.styled(f"{label:<12}", "bold"), Content.styled(value, style))


class LinksPanel(ActionPanel):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.launch_url = ""
        self.badge = ""
        self.server_url: str | None = None
        self.persistent_url: str | None = None

    def buttons(self) -> list[Button]:
        return [Button("Open (o)", id="open-server", compact=True, disabled=True),
                Button("Copy link (c)", id="copy-link", compact=True),
                Button("Copy badge (b)", id="copy-badge", compact=True),
                Button("Badge → README (w)", id="write-badge", compact=True)]

    def show(self, launch_url: str, badge: str, server_url: str | None = None,
             persistent_url: str | None = None) -> None:
        self.launch_url, self.badge = launch_url, badge
        self.server_url, self.persistent_url = server_url, persistent_url
        rows = []
        if server_url:
            rows.append(_row("Your server", server_url, "bold $text-success"))
        rows.append(_row("Share link", launch_url))
        rows.append(_row("Badge", badge, "$text-muted"))  # before the commit link: on a small screen it shows
        if persistent_url:
            rows.append(_row("This commit", persistent_url))
        self.show_text(rows)
        self.query_one("#open-server", Button).disabled = not server_url
