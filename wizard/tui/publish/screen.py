"""Step 2: Publish — commit the project and push it to GitHub, safely and with every failure explained.

Flow: a thread worker reads the repository (state, audit, identity) and posts `Loaded`; the user
ticks files, edits the message, gives a remote (paste a URL or create the repository on GitHub) and
presses Publish. The push runs in a thread worker that posts progress, then `Pushed`; a failure is a
PublishError the worker raises, shown by `show_error` (StepScreen routes every failed worker there).
A rejected push (the remote has new commits) opens the rebase/merge/cancel dialog; nothing is ever
forced. All git and HTTP work happens in `wizard.core`; this module only shows it.

Length: loading, choosing files, the remote (paste or create), the push and the rejected-push choice each
post messages this screen answers, and all of them read and change the same selection and remote, so they
stay together (the file list and the credentials and data-move dialogs are their own modules).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Button, Input, Label, ProgressBar, SelectionList, Static
from textual.worker import Worker, get_current_worker

from wizard.core.publish import PublishError, PushProgress, PushResult, RepoState
from wizard.core.common.safe_text import safe_text
from wizard.tui.common.error_text import error_content
from wizard.tui.common.step_screen import StepScreen
from wizard.tui.publish.file_list import PublishFileList

HELP = """\
Binder builds your project from a **public Git repository** (usually on GitHub). This step puts
your files there.

**Files.** Every changed file is listed; tick the ones to publish. Environment files come first.
Files the safety check flags — very large files, passwords and keys, system clutter — start
unticked, with the reason below the list. You can still tick them, but think twice: everything
you publish is public, and GitHub refuses files over 100 MB. A data file over 10 MB is better
downloaded while Binder builds: **Move big data out…** takes the public URL where you put it, checks
it, and shows the postBuild and .gitignore changes before making them (your copy stays).

**Commit.** A commit is a saved version of your files with a short message. Git records your name
and email with it; if it does not know them yet, this screen asks (saved for this project only).

**Remote.** Paste the URL of an empty GitHub repository, or create one here: it needs a GitHub
token (`GH_TOKEN`, `GITHUB_TOKEN`, or `gh auth login`). It must be **public**: Binder downloads
your code without a password, so a private repository looks like a missing one.

**Push.** binder-wizard never force-pushes. If GitHub has commits you do not have, it asks whether
to put your commits on top (rebase) or merge; if both changed the same lines it stops and puts
everything back. When the server asks who you are (an HTTPS remote with no saved credentials), a
dialog asks for a user name and a token or password (hidden as you type; for github.com it offers the
token of a logged-in GitHub CLI): kept for this session only, sent only to that server, never saved.
Tokens never appear on screen.

**Keys.** `Ctrl+P` commits and pushes. `Ctrl+R` reads the folder again.
"""

DIVERGED = (
    "Someone (perhaps you, on github.com) added commits to {branch} that this computer does not have. "
    "Pushing now would delete them, so binder-wizard will not do that.\n\n"
    "• Rebase: fetch their commits and put yours on top, in a straight line (usually best).\n"
    "• Merge: fetch their commits and join both histories with a merge commit.\n\n"
    "If both changed the same lines, binder-wizard stops, puts everything back as it was, and lists the files."
)


_ASKED = object()  # _auth's answer when it asked the user to sign in instead


class Integration(Enum):
    """How to take in the remote's new commits (the value is what integrate_remote expects)."""

    REBASE = "rebase"
    MERGE = "merge"


@dataclass(frozen=True)
class PublishView:
    """What the loader found out, in one piece for the UI."""

    state: RepoState
    reasons: dict[str, str]  # files the audit keeps out, and why
    gitignore_lines: list[str]
    needs_identity: bool
    suggested_message: str
    problem: PublishError | None  # detached HEAD, merge in progress …


def _repository_name(folder: str) -> str:
    """A GitHub repository name from a folder name: letters, digits, `-`, `_`, `.`."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", folder).strip("-.")
    return name or "binder-project"


class PublishScreen(StepScreen):
    STEP = 2
    HELP = HELP
    CSS_PATH = "publish.tcss"

    BINDINGS = [
        Binding("ctrl+p", "publish", "Commit & push"),
        Binding("ctrl+r", "reload", "Refresh"),
    ]

    busy: reactive[bool] = reactive(False, bindings=True)

    # ------------------------------------------------------------------ messages (posted by workers)

    @dataclass
    class Loaded(Message):
        view: PublishView

    @dataclass
    class PushProgressed(Message):
        progress: PushProgress

        def can_replace(self, message: Message) -> bool:  # a newer progress line replaces a queued one
            return isinstance(message, PublishScreen.PushProgressed)

    @dataclass
    class Pushed(Message):
        result: PushResult
        visibility: object | None  # github_adapter.Visibility

    @dataclass
    class RepositoryCreated(Message):
        clone_url: str
        slug: str

    @dataclass
    class SignInNeeded(Message):
        """The push needs credentials for `host` (before pushing, or after the server refused them)."""

        host: str
        why: str
        gh_token: str | None  # a logged-in gh's token, offered for github.com
        github: bool

    def __init__(self, state) -> None:
        super().__init__(state)
        self.view: PublishView | None = None
        self._message_edited = False
        self._big: list[tuple[str, int]] = []  # changed files over 10 MB: offered the data move
        # Credentials the user gave for a host, this session only (never saved): host -> Credentials.
        self._sign_ins: dict[str, object] = {}
        self._replace_origin = False  # origin holds another project: the next publish goes to a new remote

    # ------------------------------------------------------------------ layout

    def compose_body(self) -> ComposeResult:
        yield Static(id="publish-state", markup=False)
        with Vertical(id="publish-init"):
            yield Static("This folder is not a git repository yet. Git keeps the versions of your files; "
                         "GitHub and Binder need it.", markup=False)
            yield Button("Create a repository here (branch main)", id="init", variant="primary")
        with Horizontal(id="publish-main"):
            with Vertical(id="publish-left"):
                yield PublishFileList(id="publish-files")
                yield Static(id="publish-reason", markup=False)
                with Horizontal(id="publish-gitignore"):
                    yield Static(id="gitignore-lines", markup=False)
                    yield Button("Add to .gitignore", id="add-gitignore")
                yield Button("Move big data out…", id="move-data")  # issue 17: postBuild downloads it
            with VerticalScroll(id="publish-right"):
                yield Label("Commit message")
                yield Input(id="message", placeholder="What does this version contain?", select_on_focus=False)
                with Vertical(id="publish-identity"):
                    yield Static("Git records a name and email with every commit (saved for this project "
                                 "only; they become public with the repository).", markup=False)
                    with Horizontal(classes="publish-row"):
                        yield Input(id="user-name", placeholder="Your name", select_on_focus=False)
                        yield Input(id="user-email", placeholder="you@example.org", select_on_focus=False)
                with Vertical(id="publish-remote"):
                    yield Label("GitHub repository (public)")
                    yield Input(id="remote-url", placeholder="https://github.com/OWNER/NAME.git", select_on_focus=False)
                    with Horizontal(classes="publish-row"):
                        yield Input(id="repo-name", placeholder="new repository name", select_on_focus=False)
                        yield Button("Create on GitHub", id="create")
                yield Static(id="publish-origin", markup=False)
                yield Button("Commit and push", id="publish", variant="success")
                yield ProgressBar(id="push-progress", total=100, show_eta=False)
                yield Static(id="push-status", markup=False)
                yield Static(id="publish-result", markup=False)

    def on_mount(self) -> None:
        self.query_one("#publish-files", PublishFileList).border_title = "Files to publish"
        self.query_one("#repo-name", Input).value = _repository_name(self.state.project.name)
        self.query_one("#push-progress").display = False
        self.query_one("#publish-main").display = False
        self.query_one("#publish-init").display = False
        self.reload()

    def on_screen_resume(self) -> None:
        if self.view is not None and not self.busy:
            self.reload()  # step 1 may have changed files

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"publish", "reload"} and self.busy:
            return None
        return super().check_action(action, parameters)

    def watch_busy(self, busy: bool) -> None:
        for button in self.query(Button):
            button.disabled = busy

    # ------------------------------------------------------------------ loading

    def action_reload(self) -> None:
        self.reload()

    def reload(self, init: bool = False) -> None:
        self.query_one("#publish-state", Static).update("Reading the repository …")
        self._load(init)

    @work(thread=True, exclusive=True, exit_on_error=False, group="publish-load")
    def _load(self, init: bool) -> None:
        from wizard.core import publish as gitops

        path = self.state.project
        # A PublishError (git itself failed: a broken repository, a foreign owner …) goes to show_error.
        state = gitops.init_repo(path) if init else gitops.repo_state(path)
        if not state.is_repo:
            view = PublishView(state, {}, gitops.missing_gitignore_lines(path), False, "", None)
        else:
            kept = gitops.keep_out(path, state.changes)
            reasons = {rel: k.reason for rel, k in kept.items()}
            patterns = [k.gitignore for k in kept.values() if k.gitignore]
            chosen = [c.path for c in state.changes if c.path not in reasons]
            problem = None
            try:
                gitops.ensure_publishable(state)
            except PublishError as error:
                problem = error
            view = PublishView(state, reasons, gitops.missing_gitignore_lines(path, patterns),
                               not gitops.has_identity(path), gitops.suggested_message(state, chosen), problem)
        self.post_message(self.Loaded(view))

    def on_publish_screen_loaded(self, message: Loaded) -> None:
        view = self.view = message.view
        state = view.state
        self.query_one("#publish-state", Static).update(self._state_line(state))
        self.query_one("#publish-init").display = not state.is_repo
        self.query_one("#publish-main").display = state.is_repo
        if not state.is_repo:
            return
        files = self.query_one("#publish-files", PublishFileList)
        files.show(state.changes, view.reasons)
        files.border_subtitle = "" if state.changes else "nothing new to commit"
        self._show_reason()
        lines = [line for line in view.gitignore_lines if not line.startswith("#")]
        self.query_one("#publish-gitignore").display = bool(lines)
        from wizard.core.publish.audit import FILE_WARN

        self._big = [(c.path, c.size) for c in state.changes if c.size is not None and c.size > FILE_WARN]
        self.query_one("#move-data").display = bool(self._big)
        shown = " ".join(lines[:6]) + (f" and {len(lines) - 6} more" if len(lines) > 6 else "")
        self.query_one("#gitignore-lines", Static).update(f"Suggested for .gitignore: {shown}")
        message_input = self.query_one("#message", Input)
        if not self._message_edited:
            with message_input.prevent(Input.Changed):
                message_input.value = view.suggested_message
        self.query_one("#publish-identity").display = view.needs_identity
        has_origin = state.origin_url is not None and not self._replace_origin
        self.query_one("#publish-remote").display = not has_origin
        self.query_one("#publish-origin", Static).display = has_origin
        if has_origin:
            self.query_one("#publish-origin", Static).update(f"Publishing to {state.origin_url}")
        if view.problem is not None:
            self.show_error(view.problem)

    def _state_line(self, state: RepoState) -> Content:
        if not state.is_repo:
            return Content.assemble(("Not a git repository", "bold $warning"), f" · {safe_text(state.path.name)}")
        parts: list[Content | str | tuple[str, str]] = []
        if state.detached:
            parts.append(("detached HEAD", "bold $error"))
        else:
            parts.append(("branch ", "dim"))
            parts.append((safe_text(state.branch or "?"), "bold"))
        if state.operation:
            parts.append((f" · {state.operation} in progress", "bold $error"))
        if state.head_sha is None:
            parts.append(" · no commits yet")
        changed = len(state.changes)
        parts.append(f" · {changed} changed file{'s' if changed != 1 else ''}")
        if state.upstream:
            parts.append(f" · {state.ahead or 0} to push, {state.behind or 0} to pull")
        if state.origin is not None and state.origin.slug:
            parts.append(" · origin ")
            parts.append((f"{state.origin.host}/{state.origin.slug}", "bold"))
        elif state.origin_url is None:
            parts.append(" · no remote yet")
        return Content.assemble(*parts)

    @on(SelectionList.SelectionHighlighted, "#publish-files")
    def _highlighted(self) -> None:
        self._show_reason()

    def _show_reason(self) -> None:
        files = self.query_one("#publish-files", PublishFileList)
        reasons = self.view.reasons if self.view is not None else {}
        if files.highlighted is not None and files.option_count:
            path = files.get_option_at_index(files.highlighted).value
            if path in reasons:
                reasons = {path: reasons[path]}
        text = "\n".join(f"Left unticked: {reason}" for reason in reasons.values())
        self.query_one("#publish-reason", Static).update(safe_text(text))

    @on(Input.Changed, "#message")
    def _message_changed(self) -> None:
        self._message_edited = True

    # ------------------------------------------------------------------ small actions

    @on(Button.Pressed, "#init")
    def _init(self) -> None:
        self.reload(init=True)

    @on(Button.Pressed, "#move-data")
    def _move_data(self) -> None:
        """A file over 10 MB downloaded in postBuild instead of committed (the dialog shows every change first)."""
        from wizard.tui.publish.data_move_dialog import DataMoveDialog

        if self._big:
            self.app.push_screen(DataMoveDialog(self.state.project, self._big),
                                 lambda moved: self.reload() if moved else None)

    @on(Button.Pressed, "#add-gitignore")
    def _add_gitignore(self) -> None:
        """Show exactly what would be added, and add it only when the user agrees."""
        from wizard.tui.common.choice_dialog import ConfirmDialog

        if self.view is None or not self.view.gitignore_lines:
            return
        lines = list(self.view.gitignore_lines)

        def add(confirmed: bool | None) -> None:
            from wizard.core import publish as gitops

            if confirmed:
                try:
                    gitops.add_to_gitignore(self.state.project, lines)
                except (OSError, UnicodeDecodeError) as error:  # CannotWrite/OutsideProject say what to do
                    self.notify(safe_text(str(error)), title="Could not change .gitignore", severity="error",
                                markup=False)
                    return
                self.notify("Added the suggested lines to .gitignore.", markup=False)
                self.reload()

        detail = "Git will then leave these out of every commit. Added at the end; nothing is removed:\n\n"
        self.app.push_screen(ConfirmDialog("Add these lines to .gitignore?", detail + "\n".join(lines),
                                           yes="Add them", yes_variant="warning"), add)

    @on(Button.Pressed, "#create")
    def _create_pressed(self) -> None:
        name = self.query_one("#repo-name", Input).value.strip()
        if not name:
            self._show_text("Type a name for the new repository first.", error=True)
            return
        self.busy = True
        self._show_text(f"Creating the public repository {name} on GitHub …")
        self._create_repository(name)

    @work(thread=True, exclusive=True, exit_on_error=False, group="publish-github")
    def _create_repository(self, name: str) -> None:
        from wizard.core.publish import github_adapter

        token = github_adapter.token_from_environment()
        created = github_adapter.create_repository(name, token.value if token else None, self.state.config.github_api)
        self.post_message(self.RepositoryCreated(created.clone_url, f"{created.owner}/{created.name}"))

    def on_publish_screen_repository_created(self, message: RepositoryCreated) -> None:
        self.busy = False
        self.query_one("#remote-url", Input).value = message.clone_url
        self._show_text(f"Created the public repository {safe_text(message.slug)}. Press Commit and push.")

    # ------------------------------------------------------------------ publishing

    @on(Button.Pressed, "#publish")
    def action_publish(self) -> None:
        if self.busy or self.view is None or not self.view.state.is_repo:
            return
        from wizard.core.common.remotes import parse_remote

        view = self.view
        if view.problem is not None:
            self.show_error(view.problem)
            return
        files = self.query_one("#publish-files", PublishFileList).chosen
        message = self.query_one("#message", Input).value.strip()
        identity = None
        if view.needs_identity:
            identity = (self.query_one("#user-name", Input).value, self.query_one("#user-email", Input).value)
            if not all(part.strip() for part in identity):
                self._show_text("Fill in your name and email first: git records them with the commit.", error=True)
                self.query_one("#user-name", Input).focus()
                return
        remote_url = None
        if view.state.origin_url is None or self._replace_origin:
            remote_url = self.query_one("#remote-url", Input).value.strip()
            if parse_remote(remote_url) is None:
                self._show_text("Paste your GitHub repository's URL (like https://github.com/OWNER/NAME.git), "
                                "or create a new repository with the button.", error=True)
                self.query_one("#remote-url", Input).focus()
                return
        if files and not message:
            self._show_text("Write a commit message first.", error=True)
            return
        if not files and view.state.head_sha is None:
            self._show_text("Tick at least one file: there is nothing to publish yet.", error=True)
            return
        self.busy = True
        progress = self.query_one("#push-progress", ProgressBar)
        progress.update(total=100, progress=0)
        progress.display = True
        self._show_text("")
        self.query_one("#push-status", Static).update("Checking the remote …")
        self._publish(files, message, identity, remote_url)

    @work(thread=True, exclusive=True, exit_on_error=False, group="publish-git")
    def _publish(self, files: list[str], message: str, identity: tuple[str, str] | None,
                 remote_url: str | None) -> None:
        from wizard.core import publish as gitops
        from wizard.core.publish import Problem

        path = self.state.project
        if identity is not None:
            try:
                gitops.set_identity(path, *identity)
            except ValueError as error:
                raise PublishError(Problem.NO_IDENTITY, str(error), "Correct it and press Commit and push "
                                   "again.") from None
        if remote_url is not None:
            gitops.set_origin(path, remote_url, replace=self._replace_origin)  # replace: the user chose to
        auth = self._auth(ask=True)
        if auth is _ASKED:
            return
        try:
            result = gitops.commit_and_push(path, files, message, token=auth,
                                            cancel=get_current_worker().cancelled_event,  # leaving stops git
                                            progress=lambda p: self.post_message(self.PushProgressed(p)))
        except PublishError as error:
            if error.kind == Problem.AUTH_FAILED:
                self._ask_sign_in(error.message, auth)
            raise
        self._after_push(result)

    @work(thread=True, exclusive=True, exit_on_error=False, group="publish-git")
    def _integrate_and_push(self, how: Integration) -> None:
        from wizard.core import publish as gitops

        token = self._auth(ask=False)
        gitops.integrate_remote(self.state.project, how.value, token=token, cancel=get_current_worker().cancelled_event)
        result = gitops.push(self.state.project, token=token, cancel=get_current_worker().cancelled_event,
                             progress=lambda p: self.post_message(self.PushProgressed(p)))
        self._after_push(result)

    def _auth(self, ask: bool):
        """What to send if origin's server asks who we are (worker threads only): what the user gave this
        session, else a token from the environment (a GitHub token only to GitHub). With `ask`, an HTTPS
        origin with nothing to send (or with a logged-in gh to offer) asks the user first: returns _ASKED."""
        from wizard.core import publish as gitops

        remote = gitops.origin_remote(self.state.project)
        if remote is None or remote.scheme not in {"http", "https"}:
            return None
        config = self.state.config
        found = self._sign_ins.get(remote.host) or gitops.push_credentials(
            remote.url, config.github_api, config.git_username, use_gh=False)
        if found is not None or not ask:
            return found
        gh = gitops.gh_token() if remote.is_github else None
        if gh or gitops.needs_credentials(self.state.project):
            self.post_message(self.SignInNeeded(remote.host, f"{remote.host} will ask who you are, and git has no "
                                                "saved credentials for it.", gh, remote.is_github))
            return _ASKED
        return None

    def _ask_sign_in(self, why: str, failed) -> None:
        """After the server refused what was sent (worker threads only): forget it and ask again."""
        from wizard.core import publish as gitops

        remote = gitops.origin_remote(self.state.project)
        if remote is None or remote.scheme not in {"http", "https"}:
            return
        self._sign_ins.pop(remote.host, None)
        tried_gh = getattr(failed, "source", "") == "gh auth token"
        gh = gitops.gh_token() if remote.is_github and not tried_gh else None
        self.post_message(self.SignInNeeded(remote.host, why, gh, remote.is_github))

    def on_publish_screen_sign_in_needed(self, message: SignInNeeded) -> None:
        from wizard.tui.publish.credentials_dialog import CredentialsDialog

        self.busy = False
        self.query_one("#push-progress").display = False
        self.query_one("#push-status", Static).update("")

        def signed_in(credentials) -> None:
            if credentials is None:
                if self.query_one("#publish-result").has_class("-error"):
                    return  # the server's refusal stays on screen
                self._show_text("Not pushed: the server needs a user name and a token or password. "
                                "Press Commit and push to try again.")
                return
            self._sign_ins[message.host] = credentials
            self.action_publish()

        self.app.push_screen(CredentialsDialog(message.host, message.why, self.state.config.git_username,
                                               message.gh_token, message.github), signed_in)

    def _after_push(self, result: PushResult) -> None:
        from wizard.core.publish import github_adapter

        visibility = github_adapter.visibility_after_push(result.remote_url, self.state.config.github_api)
        self.post_message(self.Pushed(result, visibility))

    def on_publish_screen_push_progressed(self, message: PushProgressed) -> None:
        progress = message.progress
        bar = self.query_one("#push-progress", ProgressBar)
        if progress.total:
            bar.update(total=progress.total, progress=progress.current)
        self.query_one("#push-status", Static).update(safe_text(progress.text))

    def on_publish_screen_pushed(self, message: Pushed) -> None:
        result = message.result
        self.busy = False
        self._replace_origin = False
        self.state.pushed_sha = result.sha
        self.state.pushed_branch = result.branch
        self.state.remote_url = result.remote_url
        bar = self.query_one("#push-progress", ProgressBar)
        bar.update(total=1, progress=1)
        self.query_one("#push-status", Static).update("")
        text = Content.assemble(
            ("Published. ", "bold $success"),
            f"{safe_text(result.branch)} on {safe_text(result.remote_url)} is now {result.sha[:12]} "
            "(checked on the server). Press Ctrl+N to launch it on Binder.",
        )
        visibility = message.visibility
        if visibility is not None and getattr(visibility, "public", None) is not True:
            text = Content.assemble(text, "\n\n", ("Not public yet: ", "bold $warning"),
                                    safe_text(visibility.explanation))
        self.query_one("#publish-result", Static).update(text)
        self.query_one("#publish-result").set_class(False, "-error")
        self.reload()

    def worker_failed(self, worker: Worker) -> None:
        """After a failure (shown by show_error): ready for another try, with the repository read again
        (not when reading it was what failed); a rejected push asks how to take in the remote's commits."""
        from wizard.core.publish import Problem
        from wizard.tui.common.choice_dialog import ChoiceDialog

        self.busy = False
        self.query_one("#push-progress").display = False
        self.query_one("#push-status", Static).update("")
        if worker.group != "publish-load":
            self.reload()
        if isinstance(worker.error, PublishError) and worker.error.kind == Problem.UNRELATED:
            self._offer_another_remote(worker.error)
            return
        if not (isinstance(worker.error, PublishError) and worker.error.kind == Problem.REJECTED):
            return
        branch = self.view.state.branch if self.view and self.view.state.branch else "the branch"

        def chosen(how: Integration | None) -> None:
            if how is None:
                self._show_text("Cancelled. Nothing was pushed; your commits are unchanged.")
                return
            self.busy = True
            self.query_one("#push-progress").display = True
            self.query_one("#push-status", Static).update(f"Fetching and running {how.value} …")
            self._integrate_and_push(how)

        question = ChoiceDialog("The remote has new commits", DIVERGED.format(branch=branch),
                                [(Integration.REBASE, "Rebase my commits on top", "primary"),
                                 (Integration.MERGE, "Merge", "default")], focus=Integration.REBASE)
        self.app.push_screen(question, chosen)

    def _offer_another_remote(self, error: PublishError) -> None:
        """origin holds a different project: offer to publish to another remote instead (nothing is forced)."""
        from wizard.tui.common.choice_dialog import ConfirmDialog

        def chosen(another: bool | None) -> None:
            if not another:
                return
            self._replace_origin = True
            self.query_one("#publish-remote").display = True
            self.query_one("#publish-origin").display = False
            self.query_one("#remote-url", Input).value = ""
            self.query_one("#remote-url", Input).focus()
            self._show_text("Paste the URL of another repository (a new, empty one), or create one here, then "
                            "press Commit and push. origin will point there; the other project is not touched.")

        self.app.push_screen(ConfirmDialog("This repository holds a different project", error.message,
                                           yes="Choose another remote", no="Cancel", focus_yes=True), chosen)

    # ------------------------------------------------------------------ result area

    def _show_text(self, text: str, error: bool = False) -> None:
        result = self.query_one("#publish-result", Static)
        result.update(Content(text))
        result.set_class(error, "-error")

    def show_error(self, error: BaseException) -> None:
        """In the result area, where the user looks after pressing a button; a git failure also names the
        files and quotes the end of what git said."""
        parts: list = [error_content(error)]
        if isinstance(error, PublishError) and error.files:
            parts += ["\n", ("Files: ", "bold"), safe_text(", ".join(error.files))]
        if isinstance(error, PublishError) and error.detail:
            detail = "\n".join(error.detail.splitlines()[-6:])
            parts += ["\n\n", ("git said:\n", "dim"), (safe_text(detail), "dim")]
        result = self.query_one("#publish-result", Static)
        result.update(Content.assemble(*parts))
        result.set_class(True, "-error")
