"""Step 3: Launch — build on a BinderHub with a live log and phases, then links and badge, or a triaged failure.

The build runs in an async worker that only posts messages (one per batch of events that arrived
together); git look-ups run in a thread worker. All text from the hub, git or files is shown as plain
text (Log, Content), never markup.

Length: this is the step's one screen; it wires eleven key actions, the ref and "what opens" choices, the
build worker and the README badge flow. Everything it shows (phases, log, links, triage, the workshop view)
is its own module beside it; what is left is the wiring, which reads best in one place.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, ContentSwitcher, Input, Select, Static
from textual.worker import Worker

from wizard.core.common.git_facts import GitFacts
from wizard.core.launch.build_events import BuildOutcome, messages_by_phase
from wizard.core.launch.links import LinkError, OpenTarget, Target
from wizard.core.common.safe_text import safe_text
from wizard.core.launch.triage import Finding
from wizard.tui.common.step_screen import StepScreen
from wizard.tui.launch.links_panel import LinksPanel
from wizard.tui.launch.log_view import MAX_LINES, BuildLogView
from wizard.tui.launch.phases import LaunchPhases
from wizard.tui.launch.triage_panel import TriagePanel

HELP = """\
# Step 3: Launch

**Launch** (`Ctrl+L`) asks the BinderHub (mybinder.org unless you chose another in the settings) to build
your published project and start a session. The first build can take several minutes; later launches of
the same commit are quick because the image is kept.

* **Which version**: the commit you just published (the link always shows exactly that version),
  `HEAD`, which follows your default branch (best for a README badge), any branch or tag the remote has,
  or "Another branch, tag or commit…" to type one.
* **Another repository** (`r`): launch another provider and repository than origin (GitHub, GitLab, a git
  URL, Zenodo, Figshare, …), as `binder-wizard launch --provider --repo --ref` does; "Back to origin" returns.
* **What opens**: JupyterLab, a notebook, a terminal, or RStudio (only when the project installs R).
* While it builds you see each phase with its time and the live log. `/` filters the log; scroll up
  to read, and it stops following the end until you scroll back down. `Ctrl+X` cancels.
* When it is ready: open your server (`o`), copy the share link (`c`) or the badge (`b`), and put the
  badge into your README (`w`, you see the change first).
* If it fails, the reason is explained; when it is a line in an environment file, `g` takes you to
  that line in step 1.

Every build's log is saved in `.binder-wizard/logs/` in your project (never committed); `l` shows the last one.

Teaching a workshop? `W` opens the Workshop view: a link that pulls your notebooks into a prebuilt
environment, the plan against the hub's limits, warming every server at once, a handout with a QR code.
"""


OTHER_REF = "other:"  # the ref list's "Another branch, tag or commit…": the text box says which


class Inbox:
    """Build events on their way from the worker to the screen.

    The worker adds events and posts a wake-up message only when none is waiting; the handler takes
    everything at once. A fast hub thus makes few, large screen updates instead of one per network read.
    Only the last MAX_LINES messages are kept (the Log shows no more; the saved log has all of them) and
    phase changes are kept apart, so a busy screen neither slows the stream nor grows memory."""

    def __init__(self) -> None:
        self.messages: deque[str] = deque(maxlen=MAX_LINES)
        self.phases: list[str] = []  # phase changes, in order
        self.stalls: list[str] = []
        self.posted = False
        self._phase: str | None = None

    def add(self, phase: str, messages: list[str]) -> None:
        if phase != self._phase:
            self._phase = phase
            self.phases.append(phase)
        self.messages.extend(messages)

    def stall(self, message: str) -> None:
        self.stalls.append(message)
        self.messages.append(f"⚠ {message}")

    def take(self) -> tuple[list[str], deque[str], list[str]]:
        taken = (self.phases, self.messages, self.stalls)
        self.phases, self.stalls, self.messages = [], [], deque(maxlen=MAX_LINES)
        self.posted = False
        return taken


class BadgeWrite(Enum):
    """What to do with the README once the badge is in it."""

    AND_PUBLISH = "publish"  # then go to step 2 to commit and push it
    ONLY = "write"


@dataclass
class Choices:
    target: Target | None
    error: str | None
    refs: list[tuple[str, str]]
    opens: list[tuple[str, str]]
    git: GitFacts  # read once here; warnings and the build log use it
    badge_format: str  # "markdown", or "rst" for a README.rst
    last_build: str | None  # one line about the last saved build log, if any
    hub: str = ""  # the hub's base URL, credentials removed ("" when the settings' hub cannot work)
    notes: tuple[str, ...] = ()  # e.g. credentials removed from the hub address


class LaunchScreen(StepScreen):
    STEP = 3
    HELP = HELP
    CSS_PATH = "launch.tcss"

    BINDINGS = [
        Binding("ctrl+l", "launch", "Launch"),
        Binding("ctrl+x", "cancel_build", "Cancel"),
        Binding("slash", "filter_log", "Filter log"),
        Binding("l", "last_log", "Last log"),
        Binding("o", "open_server", "Open", show=False),
        Binding("c", "copy_link", "Copy link", show=False),
        Binding("b", "copy_badge", "Copy badge", show=False),
        Binding("w", "write_badge", "Badge → README", show=False),
        Binding("g", "goto_fix", "Fix in step 1", show=False),
        Binding("r", "other_repository", "Another repository", show=False),  # in the help (the key bar is full)
        Binding("W", "workshop", "Workshop", show=False),  # in the help (the key bar is full at 100 columns)
    ]

    # Tests point the client at a local hub under a stable name (an httpx transport); None in real use.
    hub_transport: ClassVar[object | None] = None
    # Whether the ref list asks the remote (git ls-remote), and GitHub whether the repository is public; tests
    # turn it off for remotes on the internet.
    ask_remote: ClassVar[bool] = True

    @dataclass
    class ChoicesLoaded(Message):
        choices: Choices

    @dataclass
    class PrivateRepository(Message):
        note: str  # why mybinder.org cannot build this repository, and the way out (access_adapter)

    @dataclass
    class BuildNews(Message):
        inbox: Inbox

    @dataclass
    class BuildDone(Message):
        outcome: BuildOutcome
        findings: list[Finding]
        log_path: Path | None

    def __init__(self, state) -> None:
        super().__init__(state)
        self.target: Target | None = None
        self.opening = OpenTarget()
        self.building = False
        self.outcome: BuildOutcome | None = None
        self.findings: list[Finding] = []
        self.git: GitFacts | None = None
        self.hub = ""
        self.notes: tuple[str, ...] = ()
        self.badge_format = "markdown"
        self._seen_push: str | None = None
        self._preferred_open: str | None = None
        self._other: Target | None = None  # another repository than origin, chosen with r
        self._ref_problem = ""  # why the typed branch/tag/commit cannot be used

    # ------------------------------------------------------------------ layout

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="launch-choices"):
            yield Select([], prompt="Version", allow_blank=True, id="ref-choice", compact=True)
            yield Select([], prompt="Open", allow_blank=True, id="open-choice", compact=True)
            yield Input(placeholder="branch, tag or commit", id="ref-text", compact=True, select_on_focus=False)
            yield Input(placeholder="/voila/render/app.ipynb", id="custom-path", compact=True, select_on_focus=False)
            yield Button("Launch (ctrl+l)", id="launch", variant="primary", compact=True, disabled=True)
        yield Static(id="launch-target")
        yield LaunchPhases(id="phases")
        yield BuildLogView(id="build-log")
        with ContentSwitcher(initial="links", id="launch-result"):
            yield LinksPanel(id="links")
            yield TriagePanel(id="triage")

    def on_mount(self) -> None:
        self.query_one("#launch-result").border_title = "Links"
        self.query_one("#build-log").border_title = "Build log"
        self.query_one("#launch-target", Static).update(Content.styled("Looking at the project…", "$text-muted"))
        self.load_choices()

    def on_screen_resume(self) -> None:
        if not self.building and self.is_mounted:
            self.load_choices()  # step 2 may have just pushed a commit

    # ------------------------------------------------------------------ choices (git, in a thread)

    @work(thread=True, exclusive=True, exit_on_error=False, group="launch-choices")
    def load_choices(self) -> None:
        from wizard.core.common.git_facts_adapter import files_at, read_git_facts
        from wizard.core.launch.links import files_to_open, r_configured, target_for
        from wizard.core.launch.buildlogs import last_log
        from wizard.core.launch.readme_badge import find_readme, kind_of

        project, state = self.state.project, self.state
        git = read_git_facts(project)
        refs: list[tuple[str, str]] = []
        if state.pushed_sha:
            refs.append((f"commit {state.pushed_sha[:7]} (just published)", state.pushed_sha))
        refs.append(("HEAD (default branch)", "HEAD"))
        branch = state.pushed_branch or git.branch
        if branch:
            refs.append((f"branch {branch}", branch))
        from wizard.core.common.git_facts_adapter import remote_refs

        branches, tags = remote_refs(git, ask=self.ask_remote)  # what the remote has (all the hub can build)
        refs += [(f"branch {name}", name) for name in branches[:40] if name != branch]
        refs += [(f"tag {name}", name) for name in tags[-20:]]
        refs.append(("Another branch, tag or commit…", OTHER_REF))
        opens = [("Default interface", "default"), ("JupyterLab", "lab"), ("Terminal", "terminal")]
        # Only files the hub will have: those in the commit that is launched.
        files = files_to_open(files_at(git, refs[0][1]))[:30]
        opens += [(f"{path} (JupyterLab)", f"file:{path}") for path in files]
        opens += [("Classic notebook (file list)", "classic:")]
        opens += [(f"{path} (classic notebook)", f"classic:{path}") for path in files]
        if r_configured(project):  # RStudio only starts when the image has R
            opens.append(("RStudio", "rstudio"))
        opens.append(("Another URL path…", "custom:"))
        from wizard.core.common.remotes import has_credentials
        from wizard.core.launch.links import hub_base

        hub_setting = state.config.hub_url or ""
        notes = tuple(f"{what} holds a user name or password: it was removed, so no link or badge carries it."
                      for what, value in (("The hub address in your settings", hub_setting if "://" in hub_setting
                                           else f"https://{hub_setting}"), ("The origin remote", git.origin_url))
                      if value and has_credentials(value))
        try:
            hub = hub_base(state.config.hub_url)
            target, error = target_for(git, ref=refs[0][1]), None
        except LinkError as problem:
            hub, target, error = "", None, f"{problem.message} {problem.next_action}".strip()
        readme = find_readme(project)
        badge_format = "rst" if readme is not None and kind_of(readme) == "rst" else "markdown"
        found = last_log(project)
        last_build = None
        if found is not None:
            summary = found[1]
            last_build = (f"Last build: {summary.get('result', 'unfinished')}, started {summary.get('started', '?')} "
                          f"({summary.get('provider', '?')}/{summary.get('spec', '?')}). Press l to show its log.")
        self.post_message(self.ChoicesLoaded(Choices(target, error, refs, opens, git,
                                                     badge_format, last_build, hub, notes)))
        if target is not None and self.ask_remote:  # after the choices show: GitHub may take seconds to answer
            from wizard.core.launch.access_adapter import private_repository_note

            private = private_repository_note(target.provider, target.repo, hub, state.config.github_api,
                                              where_hub="Settings (F2)")
            if private:  # mybinder.org cannot build it: say so before the launch
                self.post_message(self.PrivateRepository(private))

    def on_launch_screen_private_repository(self, message: PrivateRepository) -> None:
        if message.note not in self.notes:
            self.notes = (message.note, *self.notes)
        if self.target is not None:
            self._refresh_links()

    def on_launch_screen_choices_loaded(self, message: ChoicesLoaded) -> None:
        choices = message.choices
        ref_select = self.query_one("#ref-choice", Select)
        open_select = self.query_one("#open-choice", Select)
        keep_ref, keep_open = ref_select.value, open_select.value
        # Content, not str: Select parses a plain string prompt as markup, and labels hold file names.
        ref_select.set_options([(Content(safe_text(label)), value) for label, value in choices.refs])
        open_select.set_options([(Content(safe_text(label)), value) for label, value in choices.opens])
        ref_values = [value for _, value in choices.refs]
        # A commit just published in step 2 becomes the choice; otherwise the user's choice stays.
        fresh_push = self.state.pushed_sha is not None and self.state.pushed_sha != self._seen_push
        self._seen_push = self.state.pushed_sha
        chosen_ref = keep_ref if keep_ref in ref_values and not fresh_push else ref_values[0]
        ref_select.value = chosen_ref
        open_values = [value for _, value in choices.opens]
        # The settings' default interface, when offered; it follows a change in the settings unless the user
        # chose something else here.
        preferred = {"lab": "lab", "classic": "classic:", "rstudio": "rstudio"}.get(
            self.state.config.default_interface, "default")
        preferred = preferred if preferred in open_values else "default"
        previous, self._preferred_open = self._preferred_open, preferred
        open_select.value = keep_open if keep_open in open_values and keep_open != previous else preferred
        target = choices.target
        ref = self._typed_ref() if chosen_ref == OTHER_REF else str(chosen_ref)
        self.target = self._other or (None if target is None else Target(target.provider, target.repo, ref))
        self.git = choices.git
        self.hub, self.notes = choices.hub, choices.notes
        self.badge_format = choices.badge_format
        view = self.query_one(BuildLogView)
        if not self.building and self.outcome is None and not view.lines:
            view.log.clear()
            view.log.write_line(safe_text(choices.last_build) if choices.last_build else
                                "Nothing built yet. Press Ctrl+L to ask the hub to build and start your project.")
        self.query_one("#launch", Button).disabled = choices.target is None
        if choices.target is None:
            self.query_one("#launch-target", Static).update(
                Content.styled(safe_text(f"Cannot launch yet: {choices.error}"), "$text-warning"))
            return
        self._refresh_links()

    def on_select_changed(self, event: Select.Changed) -> None:
        if self.target is None or event.value == Select.NULL:
            return
        if event.select.id == "ref-choice":
            if self._other is not None:  # the list is origin's versions; the other repository has its own ref
                return
            typed = self.query_one("#ref-text", Input)
            typed.display = event.value == OTHER_REF
            if event.value == OTHER_REF:
                typed.focus()
            ref = self._typed_ref() if event.value == OTHER_REF else str(event.value)
            self._ref_problem = "" if event.value != OTHER_REF else self._ref_problem
            self.target = Target(self.target.provider, self.target.repo, ref)
        elif event.select.id == "open-choice":
            kind, _, path = str(event.value).partition(":")
            custom = self.query_one("#custom-path", Input)
            custom.display = kind == "custom"
            if kind == "custom":
                path = custom.value.strip()
                custom.focus()
            self.opening = OpenTarget(kind, path)
        self._refresh_links()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "custom-path" and self.target is not None:
            self.opening = OpenTarget("custom", event.value.strip())
            self._refresh_links()
        elif event.input.id == "ref-text" and self.target is not None:
            self.target = Target(self.target.provider, self.target.repo, self._typed_ref())
            self._refresh_links()

    def _typed_ref(self) -> str:
        """The branch, tag or commit typed after "Another…": HEAD until it is one git would accept."""
        from wizard.core.launch.links import check_ref

        text = self.query_one("#ref-text", Input).value.strip()
        try:
            check_ref(text or "HEAD")
        except LinkError as error:
            self._ref_problem = f"{error.message} (launching HEAD until it is)"
            return "HEAD"
        self._ref_problem = ""
        return text or "HEAD"

    def action_other_repository(self) -> None:
        """Another provider/repository than origin (as `launch --provider --repo --ref`), or back to origin."""
        from wizard.tui.launch.repository_dialog import ORIGIN, RepositoryDialog

        if self.building or self.git is None:
            return
        other = self._other

        def chosen(answer) -> None:
            if answer == ORIGIN:
                self._other = None
                self.query_one("#ref-choice", Select).disabled = False
                self.load_choices()
            elif answer is not None:
                self._other = self.target = answer
                self.query_one("#ref-choice", Select).disabled = True  # origin's versions; r changes this one's
                self.query_one("#launch", Button).disabled = False
                self._refresh_links()

        self.app.push_screen(RepositoryDialog(self.git, other.provider if other else self.state.config.default_provider,
                                              other.repo if other else "", other.ref if other else "HEAD"), chosen)

    def _hub(self) -> str:
        return self.hub  # checked when the choices were loaded: no credentials, an http(s) URL

    def _links(self) -> tuple[str, str]:
        """The launch URL and the badge, in the README's format (reStructuredText for README.rst)."""
        from wizard.core.launch.links import badge, launch_url

        url = launch_url(self._hub(), self.target, self.opening)
        return url, badge(self.badge_format, self._hub(), url)

    def _refresh_links(self) -> None:
        from wizard.core.launch.links import ref_warnings

        url, badge_text = self._links()
        target = self.target
        ref = target.ref if len(target.ref) != 40 else target.ref[:12]
        line = Content.from_markup("[b]$what[/b] at [b]$ref[/b] on $hub · opens $opens",
                                   what=f"{target.provider}:{target.repo}", ref=ref, hub=self._hub(),
                                   opens=self.opening.label)
        warnings = ([self._ref_problem] if self._ref_problem else []) + list(self.notes) + \
            ref_warnings(target.ref, self.git.local_branches)
        if warnings:
            line = Content("\n").join([line, Content.styled(f"⚠ {warnings[0]}", "$text-warning")])
        self.query_one("#launch-target", Static).update(line)
        if self.outcome is None or self.outcome.result != "ready":
            self.query_one(LinksPanel).show(url, badge_text)


    # ------------------------------------------------------------------ the build

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "launch":
            return None if self.building or self.target is None else True
        if action == "cancel_build":
            return True if self.building else None
        if action == "open_server":
            return self.outcome is not None and self.outcome.result == "ready"
        if action == "goto_fix":
            return self.query_one(TriagePanel).fix_target is not None and not self.building
        return super().check_action(action, parameters)

    def action_launch(self) -> None:
        if self.building or self.target is None:
            return
        self.building = True
        self.outcome, self.findings = None, []
        self.query_one(BuildLogView).clear()
        self.query_one(LaunchPhases).reset()
        self.query_one("#launch-result", ContentSwitcher).current = "links"
        self.query_one("#launch-result").border_title = "Links"
        self.query_one("#build-log").border_title = "Build log"
        self.query_one("#launch", Button).disabled = True
        self._refresh_links()
        self.refresh_bindings()
        self.run_build(self.target, self._hub())

    @work(exclusive=True, exit_on_error=False, group="launch")
    async def run_build(self, target: Target, hub: str) -> None:
        from wizard.core.environment.detection import REPO2DOCKER_VERSION
        from wizard.core.launch.binderhub_adapter import BuildStream, hub_token_from_env
        from wizard.core.launch.buildlogs import BuildLog
        from wizard.core.launch.triage import triage
        from wizard.core.launch.versions_adapter import DriftCheck

        stream = BuildStream(hub, target.provider, target.spec, token=hub_token_from_env(),
                             stall_warning_seconds=self.state.config.stall_warning_seconds,
                             transport=self.hub_transport)
        sha = target.ref if len(target.ref) == 40 else None
        try:
            log = BuildLog(self.git, hub=hub, provider=target.provider, spec=target.spec, sha=sha)
        except OSError:
            log = None  # a read-only project folder must not stop the launch
        recent: deque[str] = deque(maxlen=MAX_LINES)
        inbox = Inbox()
        drift = DriftCheck(hub, REPO2DOCKER_VERSION, transport=self.hub_transport)
        try:
            async for batch in stream.batches():
                drift.start()  # the hub answered: ask it once which repo2docker it runs (issue 15)
                if batch[0].kind == "stall":  # the client's stall warning comes in a batch of its own
                    inbox.stall(batch[0].message)
                for phase, messages in messages_by_phase(batch):
                    recent.extend(messages)
                    if log is not None:
                        log.write_messages(phase, messages)
                    inbox.add(phase, messages)
                if not inbox.posted:
                    inbox.posted = True
                    self.post_message(self.BuildNews(inbox))
        finally:
            outcome = stream.outcome or BuildOutcome("cancelled")
            findings = triage(recent, self.state.project, str(outcome.problem or "")) \
                if outcome.result == "failed" else []
            if log is not None:
                log.close(outcome, findings)
                if log.error is not None:  # e.g. the disk filled up: the build went on, the log stopped
                    self.notify(safe_text(f"{log.path.name} ends early: {log.error.strerror or log.error}"),
                                title="The build log could not be saved completely", severity="warning",
                                markup=False)
            self.post_message(self.BuildDone(outcome, findings, log.path if log else None))
        if note := await drift.note():
            self.notify(note, title="This hub runs another repo2docker", severity="warning", markup=False)

    def on_launch_screen_build_news(self, message: BuildNews) -> None:
        phases_seen, messages, stalls = message.inbox.take()
        phases = self.query_one(LaunchPhases)
        for phase in phases_seen:
            phases.enter(phase)
        for stall in stalls:
            self.notify(stall, title="Waiting for the hub", severity="warning", markup=False)
        self.query_one(BuildLogView).add(messages)

    def on_launch_screen_build_done(self, message: BuildDone) -> None:
        from wizard.core.launch.links import persistent_url, server_url

        self.building = False
        self.outcome, self.findings = message.outcome, message.findings
        outcome = message.outcome
        self.query_one(LaunchPhases).finish(outcome.result)
        self.query_one("#launch", Button).disabled = self.target is None
        logs = self.query_one(BuildLogView)
        logs.flush()
        if outcome.result == "ready":
            url, badge_text = self._links()
            self.query_one(LinksPanel).show(url, badge_text, server_url(outcome.ready or {}, self.opening),
                                            persistent_url(outcome.ready or {}, self.opening))
            self.query_one("#launch-result").border_title = "Ready!"
            self.notify("Your Binder is ready. Press o to open it.", title="Ready")
        elif outcome.result == "failed":
            self.query_one(TriagePanel).show(outcome.problem, message.findings)
            self.query_one("#launch-result", ContentSwitcher).current = "triage"
            self.query_one("#launch-result").border_title = "The launch failed"
        else:
            logs.add(["— Cancelled. The build may go on on the hub; launching again follows it. —"])
            logs.flush()
        if message.log_path is not None:
            self.query_one("#build-log").border_title = "Build log (saved; l reopens the last one)"
        self.refresh_bindings()

    def action_cancel_build(self) -> None:
        if self.building:
            self.workers.cancel_group(self, "launch")

    def worker_failed(self, worker: Worker) -> None:
        if worker.group == "launch":  # the build can be launched again
            self.building = False
            self.query_one("#launch", Button).disabled = self.target is None
            self.refresh_bindings()

    # ------------------------------------------------------------------ links, badge, README

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {"launch": self.action_launch, "open-server": self.action_open_server,
                   "copy-link": self.action_copy_link, "copy-badge": self.action_copy_badge,
                   "write-badge": self.action_write_badge, "goto-fix": self.action_goto_fix,
                   "relaunch": self.action_launch}
        if event.button.id in actions:
            event.stop()
            actions[event.button.id]()

    def action_open_server(self) -> None:
        server = self.query_one(LinksPanel).server_url
        if server:
            self.app.open_url(server)
            self.notify("Opened in your web browser.", markup=False)

    def _copy(self, text: str, what: str) -> None:
        self.app.copy_to_clipboard(text)
        self.notify(f"{what} copied (it is also shown on screen, if your terminal ignores copying).",
                    markup=False)

    def action_copy_link(self) -> None:
        if self.target is not None:
            self._copy(self._links()[0], "Launch link")

    def action_copy_badge(self) -> None:
        if self.target is not None:
            self._copy(self._links()[1], "Badge")

    def action_write_badge(self) -> None:
        from wizard.core.launch.links import badge
        from wizard.core.launch.readme_badge import plan_badge

        if self.target is None:
            return
        # README badges follow the default branch unless the user picked a ref on purpose.
        url = self._links()[0]
        forms = {fmt: badge(fmt, self._hub(), url) for fmt in ("markdown", "rst", "html")}
        try:
            edit = plan_badge(self.state.project, forms["markdown"], forms["rst"], forms["html"])
        except (OSError, ValueError) as error:
            self.notify(safe_text(str(error)), title="Cannot update the README", severity="error", markup=False)
            return
        if not edit.changed:
            self.notify(f"{edit.path.name} already has this badge.", markup=False)
            return
        from wizard.core.launch.readme_badge import write_edit
        from wizard.tui.common.choice_dialog import ChoiceDialog

        def write_if_confirmed(choice: BadgeWrite | None) -> None:
            if choice is None:
                return
            try:
                write_edit(edit)
            except OSError as error:
                self.notify(safe_text(str(error)), title="Cannot write the README", severity="error",
                            markup=False)
                return
            if choice is BadgeWrite.AND_PUBLISH:  # the one confirmation was this dialog: commit and push now
                self.notify(f"{edit.path.name} updated; committing and pushing it…", title="Badge written",
                            markup=False)
                self._publish_badge(edit.path.relative_to(self.state.project).as_posix())
            else:
                self.notify(f"{edit.path.name} updated. Publish it in step 2 (ctrl+b) to show the badge on "
                            "GitHub.", title="Badge written", markup=False)

        verb = {"replaced": "Replace the Binder badge in", "created": "Create"}.get(edit.action, "Add the badge to")
        question = ChoiceDialog(f"{verb} {edit.path.name}?", "",
                                [(BadgeWrite.AND_PUBLISH, "Write and publish", "primary"),
                                 (BadgeWrite.ONLY, "Write only", "default")],
                                diff=edit.diff().splitlines(),
                                note=" ".join(edit.notes + ("Write and publish commits the README alone as "
                                                            "\"Add Binder badge\" and pushes it; Write only "
                                                            "leaves that to step 2.",)),
                                focus=BadgeWrite.AND_PUBLISH)
        self.app.push_screen(question, write_if_confirmed)

    @dataclass
    class BadgePublished(Message):
        sha: str
        branch: str

    @work(thread=True, exclusive=True, exit_on_error=False, group="badge-publish")
    def _publish_badge(self, relpath: str) -> None:
        """Commit only the README as "Add Binder badge" and push it (credentials as step 2 finds them without
        asking; when the server wants more, the error says so and step 2 asks)."""
        from wizard.core import publish

        project, config = self.state.project, self.state.config
        remote = publish.origin_remote(project)
        auth = publish.push_credentials(remote.url, config.github_api, config.git_username) \
            if remote is not None else None
        result = publish.commit_and_push(project, [relpath], "Add Binder badge", token=auth)
        self.post_message(self.BadgePublished(result.sha, result.branch))

    def on_launch_screen_badge_published(self, message: BadgePublished) -> None:
        self.state.pushed_sha, self.state.pushed_branch = message.sha, message.branch
        self.notify(f"Committed as \"Add Binder badge\" and pushed: {message.branch} is {message.sha[:12]}.",
                    title="Badge published", markup=False)

    # ------------------------------------------------------------------ failure → step 1, saved logs

    def action_workshop(self) -> None:
        from wizard.tui.launch.workshop_view import WorkshopView

        self.app.push_screen(WorkshopView(self.state))

    def action_goto_fix(self) -> None:
        fix = self.query_one(TriagePanel).fix_target
        if fix is None or self.building:
            return
        self.state.goto_file = (fix.file, fix.line)
        self.post_message(self.Navigate(1))

    def action_filter_log(self) -> None:
        self.query_one(BuildLogView).show_filter()

    def action_last_log(self) -> None:
        from wizard.core.launch.buildlogs import last_log

        if self.building:
            return
        found = last_log(self.state.project)
        if found is None:
            self.notify("No saved build log yet: launch first.", markup=False)
            return
        path, summary = found
        try:
            with path.open(encoding="utf-8", errors="replace") as handle:
                lines = deque((line.rstrip("\n") for line in handle), maxlen=MAX_LINES)
        except OSError as error:
            self.notify(safe_text(str(error)), title="Cannot read the log", severity="error", markup=False)
            return
        view = self.query_one(BuildLogView)
        view.clear()
        view.add([safe_text(line) for line in lines])
        view.flush()
        result = summary.get("result", "unknown result")
        self.query_one("#build-log").border_title = safe_text(f"Saved log: {path.name} ({result})")
        findings = [Finding(**f) for f in summary.get("findings", []) if isinstance(f, dict)] \
            if isinstance(summary.get("findings"), list) else []
        if result == "failed":
            from wizard.core.launch.build_events import HubProblem

            problem = summary.get("problem") or {}
            self.query_one(TriagePanel).show(
                HubProblem(str(problem.get("message", "The build failed.")), str(problem.get("action", ""))),
                findings)
            self.query_one("#launch-result", ContentSwitcher).current = "triage"
        self.refresh_bindings()
