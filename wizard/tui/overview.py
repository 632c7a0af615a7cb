"""The first screen: what is in this folder, in plain words, and what the three steps will do."""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static
from textual.worker import Worker

from wizard.core.environment.catalog import FOLDER_WORDS
from wizard.core.common.git_facts import GitFacts, quick_git_facts
from wizard.core.common.safe_text import safe_text
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


def describe_build(report) -> Content:
    """What repo2docker will do and what is wrong, from a `wizard.core.environment.engine.Report`."""
    detection = report.detection
    errors = [d for d in report.diagnostics if d.is_error]
    parts = [
        _row("Binder will build", detection.summary, "$error" if errors else "$success"),
        _row("Binder reads files in", FOLDER_WORDS.get(detection.binder_dir, detection.binder_dir)),
        _row("Files it will use", ", ".join(detection.files_used) or "none yet — step 1 helps you create one",
             "" if detection.files_used else "$warning"),
    ]
    for path, reason in detection.files_ignored:
        parts.append(_row("Ignored", f"{path}: {reason}", "$text-muted"))
    if errors:
        files = sorted({"the project as a whole" if d.file in (".", "") else d.file for d in errors})
        problems = f"{len(errors)} error{'s' if len(errors) > 1 else ''} in {', '.join(files)}"
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

    def __init__(self, state, first_report: Future | None = None) -> None:
        super().__init__(state)
        # The first analysis runs while Textual starts (`analyse_in_background`), so the first frame can
        # show what Binder will build instead of painting the screen twice.
        if first_report is None:
            from wizard.core.environment.engine import analyse_in_background

            first_report = analyse_in_background(state.project)
        self._first_report: Future | None = first_report
        self._report_shown = False

    def compose_body(self) -> ComposeResult:
        first = self._first_report
        ready = first is not None and first.done() and first.exception() is None
        self._report_shown = ready
        with VerticalScroll(id="overview"):
            yield Static(Content.styled(f"Project: {self.state.project.name}", "bold"), id="project-name")
            yield Static(describe_git(quick_git_facts(self.state.project)), id="git-summary")
            yield Static(describe_build(first.result()) if ready else
                         Content.styled("Looking at the environment files…", "$text-muted"), id="build-summary")
            with Vertical(id="next-steps"):
                yield Static(
                    "Three steps take this folder to a Binder link anyone can click:\n"
                    "  1. Environment — the software your project needs\n"
                    "  2. Publish — commit and push to a public GitHub repository\n"
                    "  3. Launch — build on Binder, then share the link and badge",
                )
                yield Button("Start with step 1  (Ctrl+N)", id="start", variant="primary")

    def on_screen_resume(self) -> None:
        # Also sent when the screen is first shown: one refresh at start-up, not two.
        self.refresh_summary()

    def refresh_summary(self) -> None:
        if self._report_shown:  # the first showing: composed with the report already
            self._report_shown = False
            self._first_report = None
            return
        self.query_one("#git-summary", Static).update(describe_git(quick_git_facts(self.state.project)))
        self.detect_build()

    @work(thread=True, exclusive=True, exit_on_error=False, group="overview")
    def detect_build(self) -> None:
        # Off the UI thread: the engine reads and checks the environment files.
        first, self._first_report = self._first_report, None
        if first is not None:
            report = first.result()  # started with the screen; raises what the analysis raised
        else:
            from wizard.core.environment.engine import analyse

            report = analyse(self.state.project)
        self.post_message(self.BuildDetected(report))

    @dataclass
    class BuildDetected(Message):
        report: object  # wizard.core.environment.engine.Report (imported lazily, see detect_build)

    def on_overview_screen_build_detected(self, message: BuildDetected) -> None:
        self.query_one("#build-summary", Static).update(describe_build(message.report))

    def worker_failed(self, worker: Worker) -> None:
        self.query_one("#build-summary", Static).update(
            Content.styled("Could not look at the environment files (the message says why).", "$error"))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.action_next_step()
