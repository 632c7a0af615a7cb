"""The first screen: what is in this folder, in plain words, and what the three steps will do."""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker

from wizard.core.common.bounded_call_adapter import BoundedCall
from wizard.core.environment.first_look import FIRST_LOOK_SECONDS, FirstLook, first_look, folder_words
from wizard.core.common.git_facts import GitFacts, quick_git_facts
from wizard.core.common.safe_text import safe_text
from wizard.tui.common.start_link import StartLink
from wizard.tui.common.step_screen import StepScreen

LABEL_WIDTH = 22


def _row(label: str, value: str, style: str = "") -> Content:
    """One "label  value" line. `value` may come from disk or git: inserted as plain text, with control
    characters removed and credentials hidden (an origin URL can hold a token)."""
    return Content.assemble((f"{label:<{LABEL_WIDTH}}", "bold"), (safe_text(value), style), "\n")


def describe_git(overview: GitFacts) -> Content:
    if not overview.is_git_repo:
        git = _row("Git repository", "not yet — step 2 can create one", "$warning")
    elif overview.detached_sha:
        git = _row("Git repository", f"yes, but no branch is checked out (at {overview.detached_sha[:8]})",
                   "$warning")
    else:
        git = _row("Git repository", f"yes, on branch {overview.branch}")
    remote = _row("GitHub / remote", overview.origin_url or "none yet — step 2 can set one up",
                  "" if overview.origin_url else "$text-muted")
    return git + remote


def describe_build(look: FirstLook) -> Content:
    """What repo2docker will do and what is wrong."""
    parts = [
        _row("Binder will build", look.summary, "$error" if look.error_count else "$success"),
        _row("Binder reads files in", folder_words(look.binder_dir) or look.binder_dir),
        _row("Files it will use", ", ".join(look.files_used) or "none yet — step 1 helps you create one",
             "" if look.files_used else "$warning"),
    ]
    for path, reason in look.files_ignored:
        parts.append(_row("Ignored", f"{path}: {reason}", "$text-muted"))
    if look.error_count:
        files = ["the project as a whole" if file in (".", "") else file for file in look.error_files]
        problems = f"{look.error_count} error{'s' if look.error_count > 1 else ''} in {', '.join(files)}"
        parts.append(_row("Problems", f"{problems} — step 1 shows and fixes them", "$error"))
    return Content("").join(parts)


class OverviewScreen(StepScreen):
    STEP = 0
    HELP = """\
This screen sums up your project folder. The wizard then goes through three steps:

1. **Environment** — tell Binder which software your project needs, in files such as
   `requirements.txt`. The wizard predicts exactly what Binder will do with them.
2. **Publish** — save your work with Git and put it on GitHub. Binder can only build
   projects that are in a *public* online repository.
3. **Launch** — ask Binder to build the project, watch the build, and get a link and a
   badge to put in your README so anyone can run your work.
"""

    def __init__(self, state, first: BoundedCall | None = None) -> None:
        super().__init__(state)
        # The first analysis runs while Textual starts (the cli forks it onto another core), so the first
        # frame can show what Binder will build instead of painting the screen twice.
        self._first: BoundedCall | None = first or BoundedCall(FIRST_LOOK_SECONDS, first_look, state.project)
        self._report_shown = False

    def compose_body(self) -> ComposeResult:
        first = self._first
        ready = first is not None and first.done() and first.wait().error is None
        self._report_shown = ready
        with VerticalScroll(id="overview"):
            yield Static(Content.styled(f"Project: {self.state.project.name}", "bold"), id="project-name")
            yield Static(describe_git(quick_git_facts(self.state.project)), id="git-summary")
            yield Static(describe_build(first.result) if ready else
                         Content.styled("Looking at the environment files…", "$text-muted"), id="build-summary")
            with Vertical(id="next-steps"):
                yield Static(
                    "Three steps take this folder to a Binder link anyone can click:\n"
                    "  1. Environment — the software your project needs\n"
                    "  2. Publish — commit and push to a public GitHub repository\n"
                    "  3. Launch — build on Binder, then share the link and badge",
                )
                yield StartLink("Start with step 1  (Ctrl+N)", id="start")

    def on_screen_resume(self) -> None:
        # Also sent when the screen is first shown: one refresh at start-up, not two.
        self.refresh_summary()

    def refresh_summary(self) -> None:
        if self._report_shown:  # the first showing: composed with the report already
            self._report_shown = False
            self._first = None
            return
        self.query_one("#git-summary", Static).update(describe_git(quick_git_facts(self.state.project)))
        self.detect_build()

    @work(thread=True, exclusive=True, exit_on_error=False, group="overview")
    def detect_build(self) -> None:
        # Off the UI thread: the engine reads and checks the environment files.
        first, self._first = self._first, None
        if first is not None and first.wait().error is None:
            look = first.result
        else:  # analysed here (again, if the first try failed): an error now reaches worker_failed
            look = first_look(self.state.project)
        self.post_message(self.BuildDetected(look))

    @dataclass
    class BuildDetected(Message):
        look: FirstLook

    def on_overview_screen_build_detected(self, message: BuildDetected) -> None:
        self.query_one("#build-summary", Static).update(describe_build(message.look))

    def worker_failed(self, worker: Worker) -> None:
        self.query_one("#build-summary", Static).update(
            Content.styled("Could not look at the environment files (the message says why).", "$error"))

    def on_start_link_pressed(self, event: StartLink.Pressed) -> None:
        self.action_next_step()
