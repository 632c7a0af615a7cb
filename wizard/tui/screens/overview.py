"""The first screen: what is in this folder, in plain words, and what the three steps will do."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Static

from wizard.core.overview import ProjectOverview, summarise
from wizard.tui.screens.base import StepScreen


def describe(overview: ProjectOverview) -> Content:
    """The summary as styled Content; every value from disk is inserted as plain text."""

    def row(label: str, value: str, style: str = "") -> Content:
        return Content.assemble((f"{label:<22}", "bold"), (value, style), "\n")

    if not overview.is_git_repo:
        git = row("Git repository", "not yet — step 2 can create one", "$warning")
    elif overview.detached_sha:
        git = row("Git repository", f"yes, but no branch is checked out (at {overview.detached_sha[:8]})",
                  "$warning")
    else:
        git = row("Git repository", f"yes, on branch {overview.branch}")
    remote = row("GitHub / remote", overview.origin_url or "none yet — step 2 can set one up",
                 "" if overview.origin_url else "$text-muted")
    where = {"": "the top folder", "binder": "the binder/ folder", ".binder": "the .binder/ folder"}
    files = ", ".join(overview.environment_files) or "none yet — step 1 helps you create one"
    parts = [
        git,
        remote,
        row("Binder reads files in", where[overview.config_dir]),
        row("Environment files", files, "" if overview.environment_files else "$warning"),
    ]
    if overview.root_files_hidden:
        parts.append(row("Ignored by Binder", ", ".join(overview.root_files_hidden)
                         + f" (because {overview.config_dir}/ exists)", "$warning"))
    return Content("").join(parts)


class OverviewScreen(StepScreen):
    STEP = 0
    HELP_TITLE = "Overview"
    HELP = """\
This screen sums up your project folder. The wizard then goes through three steps:

1. **Environment** — tell Binder which software your project needs, in files such as
   `requirements.txt`. The wizard predicts exactly what Binder will do with them.
2. **Publish** — save your work with Git and put it on GitHub. Binder can only build
   projects that are in a *public* online repository.
3. **Launch** — ask Binder to build the project, watch the build, and get a link and a
   badge to put in your README so anyone can run your work.
"""

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="overview"):
            yield Static(Content.styled(f"Project: {self.state.project.name}", "bold"), id="project-name")
            yield Static(id="summary")
            with Vertical(id="next-steps"):
                yield Static(
                    "Three steps take this folder to a Binder link anyone can click:\n"
                    "  1. Environment — the software your project needs\n"
                    "  2. Publish — commit and push to a public GitHub repository\n"
                    "  3. Launch — build on Binder, then share the link and badge",
                )
                yield Button("Start with step 1  (Ctrl+N)", id="start", variant="primary")

    def on_mount(self) -> None:
        self.refresh_summary()

    def on_screen_resume(self) -> None:
        self.refresh_summary()

    def refresh_summary(self) -> None:
        self.query_one("#summary", Static).update(describe(summarise(self.state.project)))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.action_next_step()
