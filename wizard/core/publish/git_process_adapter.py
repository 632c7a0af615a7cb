"""Running git for the Publish step: every command in its own process group with a time limit (and
cancel) that stops the whole group, pipes never read past the deadline, and a stop explained by what git
was waiting for — a hook, a password helper, a password program, the server — read from git's own trace2
events. Also what a command is given (the environment with credentials; a refused login explained)
and what it leaves: progress lines, lock files of a stopped git, the index to put back. Its own module
because git_adapter (what to run and why) was past 600 lines.

git runs the user's hooks, filters and credential helpers, which may never finish or may leave a child
holding git's output open; GitPython reads that output to its end and kills only git itself, so no git
command of the Publish step goes through GitPython (git_adapter still uses it to read files: refs, config).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.core.common.fileio import read_file_bytes
from wizard.core.common.remotes import parse_remote
from wizard.core.common.safe_text import safe_text
from wizard.core.publish.plan import Problem, PublishError, PushProgress, classify

if TYPE_CHECKING:  # the app's worker passes its Event; loading threading here would slow `check`
    import threading

# Commands that only read or write the repository (status, rev-parse, config, rev-list, remote): healthy
# ones take well under a second even in a big repository, so a minute means git is stuck (core.fsmonitor).
LOCAL_LIMIT = 60.0
# add, commit, rebase, merge run the user's hooks and filters (pre-commit installs its tools on first use,
# git-lfs hashes big files): a few minutes.
HOOK_LIMIT = 300.0
# ls-remote fetches a list of branches: a password helper or a login in the browser included, 2 minutes.
QUERY_LIMIT = 120.0
# push and fetch send or receive the project itself: a slow upload may take long while it progresses, so
# the limit in all is an hour, and QUIET_LIMIT ends them sooner when git shows no progress at all (a stuck
# password helper, pre-push hook or connection). git's own stall check (GIT_HTTP_LOW_SPEED_TIME, 60 s)
# stops a dead HTTP connection first, with its clearer message.
TRANSFER_LIMIT = 3600.0
QUIET_LIMIT = 120.0
# At a limit git gets SIGTERM first (it then removes its lock files), and SIGKILL this much later.
GRACE_SECONDS = 3.0
# What of git's trace2 events is read to tell what it was waiting for (hooks that run git add theirs).
TRACE_READ = 4 * 2**20


class GitFailed(PublishError):
    """git ran and exited non-zero: explained as `plan.classify` would, with git's own status and output
    kept for callers that explain it better (nothing to commit, a conflict, the exit code of merge-base)."""

    def __init__(self, status: int, stdout: str, stderr: str) -> None:
        self.status, self.stdout, self.stderr = status, stdout, stderr
        explained = classify(self.output)
        super().__init__(explained.kind, explained.message, explained.next_action, explained.detail)

    @property
    def output(self) -> str:
        return "\n".join(part.strip() for part in (self.stderr, self.stdout) if part.strip())


class GitStopped(PublishError):
    """binder-wizard stopped git at its time limit or on cancel; `waiting_for` is what git was waiting
    for (a Waiting kind below, or None when git's trace did not say)."""

    def __init__(self, message: str, next_action: str, detail: str, waiting_for: str | None) -> None:
        super().__init__(Problem.GIT_FAILED, message, next_action, detail)
        self.waiting_for = waiting_for

    def add(self, sentence: str) -> GitStopped:
        """The same error with one more sentence saying what it left behind (nothing, a commit)."""
        self.message = f"{self.message} {sentence}"
        self.args = (self.message,)
        return self


class Waiting:
    HOOK, HELPER, PROMPT, SSH, SERVER = "hook", "password helper", "password program", "ssh", "server"


def run_git(cwd: Path, *args: str, git_dir: Path | None = None, limit: float = LOCAL_LIMIT,
            quiet_limit: float | None = None, env: dict[str, str] | None = None,
            cancel: threading.Event | None = None, on_line: Callable[[str], None] | None = None) -> str:
    """`git *args` in `cwd`; its stdout (undecodable bytes kept as surrogates, like paths are).

    Raises GitFailed when git exits non-zero, GitStopped when it was stopped (after `limit` seconds, or
    `quiet_limit` seconds without output, or on `cancel`): then lock files git left in `git_dir` are
    removed once nothing of the command runs any more, and the error says so. `on_line` gets each line
    git writes to stderr as it comes (progress lines end in a carriage return)."""
    from wizard.core.common.process_adapter import start_bounded

    handle, trace = tempfile.mkstemp(prefix="binder-wizard-trace2-", suffix=".json")
    os.close(handle)
    # C locale: git's messages in English, which plan.classify reads (GitPython did the same)
    full_env = {**os.environ, **(env or {}), "LANGUAGE": "C", "LC_ALL": "C", "GIT_TRACE2_EVENT": trace}
    lines = _Lines(on_line) if on_line is not None else None
    since = time.time()
    child = start_bounded(["git", *args], cwd=cwd, env=full_env, timeout=limit, quiet_limit=quiet_limit,
                          grace=GRACE_SECONDS, on_output=lines.feed if lines else None)
    try:
        try:
            done = child.finish(cancel)
        except BaseException:  # Ctrl-C: the runner killed the group; clear what git could not
            _remove_locks(git_dir, child, since)
            raise
        if lines is not None:
            lines.flush()
        if done.error is not None:
            raise PublishError(Problem.GIT_FAILED, f"git could not be started: {safe_text(done.error)}.",
                               "Install git (https://git-scm.com/downloads), then try again.")
        if done.timed_out or done.cancelled or done.too_much_output:
            waiting = _waiting_for(Path(trace))
            removed = _remove_locks(git_dir, child, since)
            raise _stopped(_command(args), waiting, done, quiet_limit if done.quiet else limit, removed)
    finally:
        os.unlink(trace)
    stdout = done.stdout.decode("utf-8", "surrogateescape")
    if done.returncode != 0:
        raise GitFailed(done.returncode, stdout, done.text("stderr"))
    return stdout


_GIT_ANSWERED = False


def gitpython():
    """The `git` module of GitPython, imported only once git has answered `git version` within LOCAL_LIMIT:
    GitPython's import runs that command itself with no time limit, so a git that hangs (a broken wrapper
    on PATH) would hang the import, and with it the Publish step."""
    global _GIT_ANSWERED
    if not _GIT_ANSWERED:
        run_git(Path(tempfile.gettempdir()), "version", limit=LOCAL_LIMIT)  # GitStopped/PublishError, no hang
        _GIT_ANSWERED = True
    import git

    return git


class _Lines:
    """Cuts git's stderr into lines at newlines and carriage returns, for a progress handler."""

    def __init__(self, handler: Callable[[str], None]) -> None:
        self.handler = handler
        self.pending = b""

    def feed(self, stream: str, chunk: bytes) -> None:
        if stream != "stderr":
            return
        *complete, self.pending = (self.pending + chunk).replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
        for line in complete:
            if line.strip():
                self.handler(line.decode("utf-8", "replace"))

    def flush(self) -> None:
        if self.pending.strip():
            self.handler(self.pending.decode("utf-8", "replace"))
        self.pending = b""


def _command(args: tuple[str, ...]) -> str:
    return next((a for a in args if not a.startswith("-")), "")


# --------------------------------------------------------------------------- what git waited for


def _waiting_for(trace: Path) -> tuple[str, str] | None:
    """(Waiting kind, a name or path) of the child process git started and never saw end, from its
    trace2 events: a hook before a password helper before a password program before the connection."""
    try:
        with open(trace, "rb") as handle:
            handle.seek(max(0, os.fstat(handle.fileno()).st_size - TRACE_READ))
            text = handle.read().decode("utf-8", "replace")
    except OSError:
        return None
    running: dict[tuple[str, object], dict] = {}
    for line in text.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if not isinstance(event, dict):
            continue
        key = (str(event.get("sid", "")), event.get("child_id"))
        if event.get("event") == "child_start":
            running[key] = event
        elif event.get("event") == "child_exit":
            running.pop(key, None)
    found = [(kind, str(event.get("sid", "")).count("/"), name) for event in running.values()
             for kind, name in [_child_kind(event)] if kind is not None]
    order = [Waiting.HOOK, Waiting.HELPER, Waiting.PROMPT, Waiting.SSH, Waiting.SERVER]
    if not found:
        return None
    kind, _, name = min(found, key=lambda item: (order.index(item[0]), item[1]))
    return kind, name


def _child_kind(event: dict) -> tuple[str | None, str]:
    argv = [str(a) for a in event.get("argv") or [] if isinstance(a, str)] or [""]
    child_class = str(event.get("child_class", ""))
    if child_class == "hook":
        return Waiting.HOOK, str(event.get("hook_name") or os.path.basename(argv[0]))
    if child_class.startswith("transport/ssh") or os.path.basename((argv[0].split() or [""])[0]) == "ssh":
        return Waiting.SSH, ""
    if child_class.startswith("remote-") or argv[0].startswith("git-remote-"):
        return Waiting.SERVER, ""
    if argv[-1].startswith(("Username for", "Password for", "Enter passphrase")):
        return Waiting.PROMPT, argv[0]
    if argv[-1] in {"get", "store", "erase"} or argv[-1].endswith((" get", " store", " erase")):
        return Waiting.HELPER, ""  # credential.helper's operations; a `!command` one is one shell string
    return None, ""


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:g} second{'s' if seconds != 1 else ''}"
    if seconds < 5400:
        return f"{round(seconds / 60)} minutes"
    return f"{round(seconds / 3600)} hour{'s' if round(seconds / 3600) != 1 else ''}"


def _stopped(command: str, waiting: tuple[str, str] | None, done, seconds: float, removed: list[str]) -> GitStopped:
    within = f"within {_duration(seconds)}"
    kind, name = waiting or (None, "")
    if done.cancelled:
        message, action = (f"git {command} was stopped because you cancelled it.",
                           "Nothing else was changed; try again when you are ready.")
    elif done.too_much_output:
        message, action = (f"git {command} wrote far more output than expected, so binder-wizard stopped it.",
                           f"Run `git {command}` in the project folder yourself to see what it prints.")
    elif kind == Waiting.HOOK:
        message = f"The {safe_text(name)} hook did not finish {within}, so binder-wizard stopped it."
        action = (f"Run the {safe_text(name)} hook yourself to see where it waits (it is in .git/hooks, or in the "
                  "folder git config core.hooksPath names), fix it or move it away, then try again.")
    elif kind == Waiting.HELPER:
        message = (f"git was waiting for a password helper (credential.helper) that did not answer {within}, "
                   "so binder-wizard stopped it.")
        action = ("See which helper git uses with `git config --show-origin --get-all credential.helper`, fix or "
                  "remove it (or give a token: GH_TOKEN, or sign in when the app asks), then try again.")
    elif kind == Waiting.PROMPT:
        message = (f"git was waiting for a password program (core.askPass, GIT_ASKPASS or SSH_ASKPASS) that did "
                   f"not answer {within}, so binder-wizard stopped it.")
        action = ("See which one git uses with `git config --show-origin core.askPass` and your environment, fix "
                  "or remove it (or give a token), then try again.")
    elif kind == Waiting.SSH:
        message = (f"The ssh connection to the server did not answer git {command} {within}, so binder-wizard "
                   "stopped it.")
        action = "Check your internet connection and that your SSH key works (`ssh -T git@github.com`), then try again."
    elif kind == Waiting.SERVER:
        message = f"The server did not answer git {command} {within}, so binder-wizard stopped it."
        action = "Check your internet connection (and VPN or proxy), then try again."
    else:
        message = f"git {command} did not finish {within}, so binder-wizard stopped it."
        action = f"Try again; if it stops again, run `git {command}` in the project folder to see where it waits."
    if removed:
        many = len(removed) > 1
        message += (f" git left its lock file{'s' if many else ''} {', '.join(removed)} behind; binder-wizard "
                    f"removed {'them' if many else 'it'}, as nothing of that command was running any more.")
    detail = safe_text(done.text("stderr")).strip()
    return GitStopped(message, action, "\n".join(detail.splitlines()[-20:]), kind)


# --------------------------------------------------------------------------- lock files


def _remove_locks(git_dir: Path | None, child, since: float) -> list[str]:
    """Lock files (.git/index.lock, a branch's .lock...) made since `since` by a git that was stopped,
    removed once no process of its group is alive — a live git's lock is never touched. Returns their
    names relative to the folder that holds .git."""
    if git_dir is None or child.process is None:
        return []
    try:
        child.process.wait(timeout=5)
    except Exception:  # noqa: BLE001 - still not reaped: leave its locks alone
        return []
    if not child.group_ended():
        return []
    found = list(git_dir.glob("*.lock"))
    for folder in ("refs/heads", "refs/remotes"):
        if (git_dir / folder).is_dir():
            found += (git_dir / folder).rglob("*.lock")
    removed = []
    for lock in found:
        try:
            if lock.is_file() and not lock.is_symlink() and lock.stat().st_mtime >= since - 1:
                lock.unlink()
                removed.append(lock.relative_to(git_dir.parent).as_posix())
        except (OSError, ValueError):
            continue
    return sorted(removed)


class IndexCopy:
    """The index's bytes and times before `git add`, to put back when no commit follows: the files
    that add staged for it are not left staged (before the first commit there is no index: none again)."""

    AS_THEY_WERE = "; your files and staged changes are as they were"
    STILL_STAGED = "; your files are as they were (the files it staged stay staged)"

    def __init__(self, index: Path) -> None:
        self.index = index
        self.known = True
        self.data: bytes | None = None
        try:
            self.data = read_file_bytes(index, root=None)
            self.times = (os.stat(index).st_atime_ns, os.stat(index).st_mtime_ns)
        except FileNotFoundError:
            pass
        except OSError:
            self.known = False

    def _now(self) -> bytes | None:
        try:
            return read_file_bytes(self.index, root=None)
        except FileNotFoundError:
            return None

    def put_back(self) -> str:
        """Restore it the way git writes an index (through index.lock, so never under a running git);
        a phrase saying the outcome."""
        lock = self.index.with_name("index.lock")
        try:
            if not self.known:
                return self.STILL_STAGED
            if self._now() == self.data:
                return self.AS_THEY_WERE
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)  # git's own lock: fails if held
        except OSError:
            return self.STILL_STAGED
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(self.data or b"")
            if self.data is None:
                self.index.unlink()
                lock.unlink()
            else:
                os.utime(lock, ns=self.times)  # the old times too: git's racy-file check reads them
                os.replace(lock, self.index)
        except OSError:
            lock.unlink(missing_ok=True)
            return self.STILL_STAGED
        return self.AS_THEY_WERE


# --------------------------------------------------------------------------- credentials


@dataclass(frozen=True)
class Credentials:
    """A user name and a token or password for one HTTPS host: held in memory for this session only, sent
    only to `host` (through GIT_ASKPASS), never written or shown. `source` says where the secret came from,
    in words for the user ("the token you typed", "GH_TOKEN", "gh auth token")."""

    host: str
    username: str  # "" → x-access-token (what GitHub expects with a token)
    secret: str = field(repr=False)
    source: str = "typed"

    @property
    def described(self) -> str:
        """What was sent, in a phrase: "the user name ada and the token you typed"."""
        what = {"typed": "the token or password you typed"}.get(self.source, f"the token from {self.source}")
        return f"the user name {self.username} and {what}" if self.username else what


Auth = str | Credentials | None  # what git_adapter's functions accept: a bare str is a GitHub token


def token_secrets(token: Auth) -> tuple[str, ...]:
    secret = token.secret if isinstance(token, Credentials) else token
    return (secret,) if secret else ()


def auth_failed(error: PublishError, url: str, token: Auth) -> PublishError:
    """An AUTH_FAILED error saying plainly what was sent and to which host, and how to give credentials."""
    if error.kind != Problem.AUTH_FAILED:
        return error
    parsed = parse_remote(url)
    if parsed is None or parsed.scheme not in {"http", "https"}:
        return error  # ssh: the key, as the general explanation says
    host = safe_text(parsed.host)
    if isinstance(token, Credentials):
        sent = f"did not accept {safe_text(token.described)} (sent only to {host})"
    elif token:
        sent = f"did not accept the GitHub token (sent only to {host})"
    else:
        sent = "asked who you are, and binder-wizard had no user name or token for it to send"
    github_token = isinstance(token, str) or isinstance(token, Credentials) and token.source in (
        "GH_TOKEN", "GITHUB_TOKEN", "gh auth token")
    if parsed.is_github or github_token:  # github.com, or the GitHub Enterprise host of the settings
        action = ("Give a GitHub token when asked (the app asks; so does `publish` on a terminal), set GH_TOKEN "
                  "or GITHUB_TOKEN, or run `gh auth login`. Create one at github.com → Settings → Developer "
                  "settings → Personal access tokens. Nothing you type is saved.")
    else:
        action = (f"Give your user name on {host} and a token or password when asked (the app asks; so does "
                  "`publish` on a terminal); scripts set BINDER_WIZARD_GIT_TOKEN (and BINDER_WIZARD_GIT_USERNAME, "
                  "or git_username in the settings). Nothing you type is saved.")
    return PublishError(Problem.AUTH_FAILED, f"The server {host} {sent}, so nothing was pushed.", action,
                        error.detail, error.files)


_ASKPASS = """#!/bin/sh
# Written by binder-wizard for one git command, then deleted. The token is in the environment only.
case "$1" in
  Username*|username*) printf '%s\\n' "${BINDER_WIZARD_GIT_USERNAME:-x-access-token}" ;;
  *) printf '%s\\n' "$BINDER_WIZARD_GIT_TOKEN" ;;
esac
"""


@contextmanager
def git_environment(repo, url: str, token: Auth = None) -> Iterator[dict[str, str]]:
    """Environment for a git command that talks to `url`: no terminal prompts, and the token (if any)
    offered through a throwaway GIT_ASKPASS script — never written to the URL or any config. Credentials
    for another host than `url`'s are not offered.

    With a token, credential helpers are switched off for this one command so that git neither
    prefers a stale stored password nor saves the token into a credential store.
    """
    env = {"GIT_TERMINAL_PROMPT": "0", "GIT_HTTP_LOW_SPEED_LIMIT": "1", "GIT_HTTP_LOW_SPEED_TIME": "60"}
    if not os.environ.get("GIT_SSH_COMMAND") and not os.environ.get("GIT_SSH"):
        ssh_command = repo.config_reader().get_value("core", "sshCommand", default="") or "ssh"
        env["GIT_SSH_COMMAND"] = f"{ssh_command} -o BatchMode=yes"  # fail instead of prompting
    parsed = parse_remote(url)
    username = ""
    if isinstance(token, Credentials):
        username = token.username
        token = token.secret if parsed is not None and parsed.host == token.host else None
    if not token or parsed is None or parsed.scheme not in {"http", "https"}:
        yield env
        return
    folder = tempfile.mkdtemp(prefix="binder-wizard-askpass-")
    try:
        script = Path(folder) / "askpass.sh"
        script.write_text(_ASKPASS, encoding="utf-8")
        script.chmod(stat.S_IRWXU)
        count = int(os.environ.get("GIT_CONFIG_COUNT", "0") or 0)  # keep the user's own entries
        env.update({
            "GIT_ASKPASS": str(script),
            "BINDER_WIZARD_GIT_TOKEN": token,
            "BINDER_WIZARD_GIT_USERNAME": username,
            "GIT_CONFIG_COUNT": str(count + 1),
            f"GIT_CONFIG_KEY_{count}": "credential.helper",
            f"GIT_CONFIG_VALUE_{count}": "",
        })
        yield env
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------- progress


def progress_reader(callback: Callable[[PushProgress], None] | None):
    """Reads git push's progress lines (GitPython's parser) into PushProgress for `callback`, and keeps
    every line of git's stderr for explaining a failure (`.lines`); pass its `.line` as run_git's on_line."""
    git = gitpython()

    names = {git.RemoteProgress.COUNTING: "counting", git.RemoteProgress.COMPRESSING: "compressing",
             git.RemoteProgress.WRITING: "writing", git.RemoteProgress.RECEIVING: "receiving",
             git.RemoteProgress.RESOLVING: "resolving"}

    class Progress(git.RemoteProgress):
        def __init__(self, callback: Callable[[PushProgress], None] | None) -> None:
            super().__init__()
            self.callback = callback
            self.lines: list[str] = []

        def _parse_progress_line(self, line):  # keep git's messages and each stage's last line, to explain
            text = line.decode("utf-8", "replace") if isinstance(line, bytes) else line
            said = len(self.other_lines) + len(self.error_lines)
            result = super()._parse_progress_line(text)
            if len(self.other_lines) + len(self.error_lines) > said or text.endswith("done."):
                self.lines.append(text)
            return result

        def line(self, text: str) -> None:
            self._parse_progress_line(text.rstrip())

        def update(self, op_code, cur_count, max_count=None, message=""):
            if self.callback is None:
                return
            stage = names.get(op_code & self.OP_MASK, "working")
            transferred, _, speed = (message or "").partition("|")
            self.callback(PushProgress(stage, int(cur_count or 0), int(max_count) if max_count else None,
                                       transferred.strip(), speed.strip(), bool(op_code & self.END)))

    return Progress(callback)
