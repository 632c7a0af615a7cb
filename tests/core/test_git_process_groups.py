"""Issue 14: every git command of the Publish step runs in its own process group with a time limit that
stops the whole group. A stuck hook, a hook's child holding git's output, a stuck password helper: each
ends within its limit with a plain message naming what was stuck, no process of the tree left, and the
project (files, index, HEAD) as it was, so that the next try works.

Real git, real hooks and helpers (shell scripts that write their pids), the real HTTP git server; the
limits are set to a few seconds."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.servers.git_server import TEST_TOKEN, branch_sha, commit_on_remote, git, snapshot
from tests.waiting import finishes, process_ended
from wizard.core import publish
from wizard.core.publish import Problem, PublishError, git_adapter, git_process_adapter
from wizard.core.publish.git_process_adapter import GitStopped

LIMIT = 2.0  # each limit in these tests
SLACK = 5.0  # seconds past a limit (and SIGTERM's grace) that a loaded machine may need; a hang would be 300 s
BOUND = LIMIT + git_process_adapter.GRACE_SECONDS + SLACK


@pytest.fixture
def shorten(monkeypatch):
    """shorten("HOOK_LIMIT"): from then on that limit is LIMIT seconds (set-up runs with the real ones)."""

    def apply(*names: str) -> None:
        for name in names:
            monkeypatch.setattr(git_adapter, name, LIMIT)

    return apply


def ended(pid: int, within: float = SLACK) -> bool:
    return process_ended(pid, within)


def pid(folder: Path, name: str) -> int:
    return int((folder / f"{name}.pid").read_text().split()[0])


def hook(project: Path, name: str, body: str) -> Path:
    path = project / ".git" / "hooks" / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)
    return path


def stuck_hook_with_a_child(project: Path, name: str, pids: Path) -> Path:
    """A hook that never finishes and whose child sleeps too; both write their pid into `pids`."""
    return hook(project, name, f'echo $$ > {pids}/hook.pid\nsleep 300 &\necho $! > {pids}/child.pid\nwait')


def repository(make_project, tmp_path) -> Path:
    """A project with one commit and a change to commit."""
    project = make_project({"analysis.py": "print('hello')\n", "notes.md": "first\n"})
    publish.init_repo(project)
    publish.set_identity(project, "Ada Lovelace", "ada@example.org")
    publish.commit(project, ["analysis.py", "notes.md"], "Initial")
    (project / "analysis.py").write_text("print('hello, world')\n")
    (project / "results.csv").write_text("a,b\n1,2\n")
    (tmp_path / "pids").mkdir()
    return project


def state(project: Path) -> dict:
    """Files, refs and HEAD, what is staged, and the index file itself: equal means nothing changed."""
    return {**snapshot(project), "staged": git(project, "diff", "--cached", "--name-status"),
            "index": (project / ".git" / "index").read_bytes()}


def stopped(call, *args, **kwargs) -> tuple[GitStopped, float]:
    """The GitStopped that `call` raised within BOUND seconds (a call still running then fails the test)."""
    started = time.monotonic()
    with pytest.raises(GitStopped) as caught:
        finishes(lambda: call(*args, **kwargs), timeout=BOUND)
    elapsed = time.monotonic() - started
    assert elapsed < BOUND, f"took {elapsed:.1f} s"
    error = caught.value
    assert isinstance(error, PublishError) and error.kind == Problem.GIT_FAILED and error.next_action
    return error, elapsed


def no_locks(project: Path) -> list[str]:
    return sorted(p.relative_to(project).as_posix() for p in (project / ".git").rglob("*.lock"))


# --------------------------------------------------------------------------- commit hooks


def test_a_stuck_pre_commit_hook_is_stopped_with_its_child_and_nothing_changes(make_project, tmp_path, shorten):
    project = repository(make_project, tmp_path)
    pids = tmp_path / "pids"
    stuck_hook_with_a_child(project, "pre-commit", pids)
    before = state(project)
    shorten("HOOK_LIMIT")
    error, _ = stopped(publish.commit, project, ["analysis.py", "results.csv"], "Update")
    assert error.message == ("The pre-commit hook did not finish within 2 seconds, so binder-wizard stopped it. "
                             "Nothing was committed; your files and staged changes are as they were.")
    assert "Run the pre-commit hook yourself" in error.next_action
    assert ended(pid(pids, "hook")) and ended(pid(pids, "child"))
    assert state(project) == before and no_locks(project) == []
    (project / ".git" / "hooks" / "pre-commit").unlink()
    sha = publish.commit(project, ["analysis.py", "results.csv"], "Update")  # the next try works
    assert git(project, "rev-parse", "HEAD") == sha
    assert git(project, "show", "--name-only", "--format=", sha).split() == ["analysis.py", "results.csv"]


def test_staged_changes_of_the_user_stay_staged_after_a_stopped_commit(make_project, tmp_path, shorten):
    project = repository(make_project, tmp_path)
    (project / "notes.md").write_text("staged by the user\n")
    git(project, "add", "notes.md")
    hook(project, "pre-commit", "sleep 300")
    before = state(project)
    shorten("HOOK_LIMIT")
    stopped(publish.commit, project, ["results.csv"], "Results")
    assert state(project) == before
    assert git(project, "diff", "--cached", "--name-only") == "notes.md"


def test_a_stuck_commit_msg_hook_is_stopped(make_project, tmp_path, shorten):
    project = repository(make_project, tmp_path)
    pids = tmp_path / "pids"
    stuck_hook_with_a_child(project, "commit-msg", pids)
    before = state(project)
    shorten("HOOK_LIMIT")
    error, _ = stopped(publish.commit, project, ["results.csv"], "Results")
    assert error.message.startswith("The commit-msg hook did not finish within 2 seconds, so binder-wizard "
                                    "stopped it. Nothing was committed")
    assert ended(pid(pids, "hook")) and ended(pid(pids, "child"))
    assert state(project) == before and no_locks(project) == []


def test_a_hook_that_leaves_a_child_holding_gits_output_does_not_hold_the_commit(make_project, tmp_path):
    """The hook succeeds at once but its child keeps git's stderr open: the commit is made and returns when
    git has exited, not when the child's pipe closes; the child (in git's group) is ended too."""
    project = repository(make_project, tmp_path)
    pids = tmp_path / "pids"
    hook(project, "pre-commit", f"sleep 300 &\necho $! > {pids}/child.pid\nexit 0")
    started = time.monotonic()
    sha = finishes(lambda: publish.commit(project, ["results.csv"], "Results"), timeout=SLACK)
    assert time.monotonic() - started < SLACK
    assert git(project, "rev-parse", "HEAD") == sha
    assert ended(pid(pids, "child"))


def test_a_child_that_left_the_group_cannot_hold_a_stuck_commit(make_project, tmp_path, shorten):
    """setsid: out of the group, holding the pipe. The stop returns at the limit and ends it too."""
    project = repository(make_project, tmp_path)
    pids = tmp_path / "pids"
    hook(project, "pre-commit", f"echo $$ > {pids}/hook.pid\nsetsid sleep 300 &\necho $! > {pids}/escaped.pid\n"
                                "sleep 300")
    before = state(project)
    shorten("HOOK_LIMIT")
    try:
        error, _ = stopped(publish.commit, project, ["results.csv"], "Results")
        assert error.message.startswith("The pre-commit hook did not finish within 2 seconds")
        assert ended(pid(pids, "hook")) and ended(pid(pids, "escaped"))
        assert state(project) == before and no_locks(project) == []
    finally:  # started by this test, in its own session: never left running
        try:
            os.kill(pid(pids, "escaped"), signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_a_lock_file_left_by_a_killed_git_is_removed_and_said(make_project, tmp_path, shorten, monkeypatch):
    """Without SIGTERM's grace git is killed holding .git/index.lock; once nothing of it runs, the lock
    goes, the message says so, and the next commit is not blocked."""
    monkeypatch.setattr(git_process_adapter, "GRACE_SECONDS", 0.0)
    project = repository(make_project, tmp_path)
    hook(project, "pre-commit", "sleep 300")
    before = state(project)
    shorten("HOOK_LIMIT")
    error, _ = stopped(publish.commit, project, ["results.csv"], "Results")
    assert ".git/index.lock" in error.message and "binder-wizard removed" in error.message
    assert no_locks(project) == [] and state(project) == before
    (project / ".git" / "hooks" / "pre-commit").unlink()
    publish.commit(project, ["results.csv"], "Results")


def test_cancel_stops_a_stuck_hook_at_once(make_project, tmp_path):
    project = repository(make_project, tmp_path)
    fifo = tmp_path / "started"
    os.mkfifo(fifo)
    hook(project, "pre-commit", f"echo started > {fifo}\nsleep 300")
    cancel = threading.Event()

    def cancel_when_the_hook_runs():
        with open(fifo) as pipe:  # returns once the hook has written
            pipe.read()
        cancel.set()

    threading.Thread(target=cancel_when_the_hook_runs, daemon=True).start()
    before = state(project)
    started = time.monotonic()
    with pytest.raises(GitStopped) as caught:
        finishes(lambda: git_adapter.commit(project, ["results.csv"], "Results", cancel=cancel), timeout=BOUND)
    assert time.monotonic() - started < git_process_adapter.GRACE_SECONDS + SLACK  # not at HOOK_LIMIT
    assert caught.value.message.startswith("git commit was stopped because you cancelled it.")
    assert state(project) == before


@pytest.mark.parametrize("how, stuck", [("merge", "pre-merge-commit"), ("rebase", "pre-rebase")])
def test_a_rebase_or_merge_stopped_early_puts_back_the_branch_and_uncommitted_changes(make_project, tmp_path, shorten,
                                                                                      bare_remote, how, stuck):
    """Stopped before git has written the state that `--abort` needs (no MERGE_HEAD yet; a half-written
    rebase-merge folder), with the user's uncommitted change put aside by --autostash: both come back."""
    project = repository(make_project, tmp_path)
    bare = bare_remote()
    publish.set_origin(project, bare.as_uri())
    publish.push(project)
    commit_on_remote(bare, {"theirs.md": "theirs\n"})
    publish.commit(project, ["results.csv"], "Results")
    hook(project, stuck, "sleep 300")
    before = snapshot(project)  # analysis.py: changed and not committed
    shorten("HOOK_LIMIT")
    error, _ = stopped(publish.integrate_remote, project, how)
    assert error.message == (f"The {stuck} hook did not finish within 2 seconds, so binder-wizard stopped it. "
                             "Everything is back as it was.")
    assert snapshot(project) == before and git(project, "stash", "list") == ""
    assert git(project, "diff", "--name-only") == "analysis.py" and git(project, "diff", "--cached") == ""
    assert no_locks(project) == []


# --------------------------------------------------------------------------- password helpers and the server


@pytest.fixture
def on_auth_server(make_project, tmp_path, git_http_auth_server):
    """A committed project whose origin is the test server that asks who you are."""
    project = repository(make_project, tmp_path)
    bare = git_http_auth_server.create("analysis")
    publish.set_origin(project, git_http_auth_server.url("analysis"))
    return project, bare


def stuck_helper(project: Path, pids: Path) -> None:
    git(project, "config", "credential.helper",
        f"!f() {{ echo $$ > {pids}/hook.pid; sleep 300 & echo $! > {pids}/child.pid; wait; }}; f")


def test_a_stuck_password_helper_on_push(on_auth_server, tmp_path, shorten):
    project, bare = on_auth_server
    pids = tmp_path / "pids"
    stuck_helper(project, pids)
    before = state(project)
    shorten("QUIET_LIMIT")
    error, _ = stopped(publish.push, project)
    assert error.message == ("git was waiting for a password helper (credential.helper) that did not answer "
                             "within 2 seconds, so binder-wizard stopped it.")
    assert "git config --show-origin --get-all credential.helper" in error.next_action
    assert ended(pid(pids, "hook")) and ended(pid(pids, "child"))
    assert branch_sha(bare) is None and state(project) == before and no_locks(project) == []


def test_a_stuck_password_helper_on_ls_remote(on_auth_server, tmp_path, shorten):
    project, _ = on_auth_server
    pids = tmp_path / "pids"
    stuck_helper(project, pids)
    shorten("QUERY_LIMIT")
    error, _ = stopped(git_adapter.remote_branch_sha, project, "main")
    assert error.message.startswith("git was waiting for a password helper (credential.helper)")
    assert ended(pid(pids, "hook")) and ended(pid(pids, "child"))


def test_a_stuck_password_helper_on_fetch_leaves_the_branch_as_it_was(on_auth_server, tmp_path, shorten):
    project, bare = on_auth_server
    publish.push(project, token=TEST_TOKEN)  # a token: no helper asked
    commit_on_remote(bare, {"theirs.md": "theirs\n"})
    git(project, "commit", "-q", "-am", "Mine")
    pids = tmp_path / "pids"
    stuck_helper(project, pids)
    before = state(project)
    shorten("TRANSFER_LIMIT")
    error, _ = stopped(publish.integrate_remote, project, "rebase")
    assert error.message.startswith("git was waiting for a password helper (credential.helper)")
    assert ended(pid(pids, "hook")) and ended(pid(pids, "child"))
    assert state(project) == before


def test_a_stuck_password_program_is_named(on_auth_server, tmp_path, shorten):
    project, _ = on_auth_server
    pids = tmp_path / "pids"
    program = tmp_path / "askpass"
    program.write_text(f"#!/bin/sh\necho $$ > {pids}/hook.pid\nsleep 300\n")
    program.chmod(0o755)
    git(project, "config", "core.askPass", str(program))
    shorten("QUERY_LIMIT")
    error, _ = stopped(git_adapter.remote_branch_sha, project, "main")
    assert error.message.startswith("git was waiting for a password program (core.askPass, GIT_ASKPASS or "
                                    "SSH_ASKPASS) that did not answer within 2 seconds")
    assert ended(pid(pids, "hook"))


# --------------------------------------------------------------------------- every command


def test_every_git_command_of_the_publish_step_runs_in_its_own_session(make_project, tmp_path, bare_remote,
                                                                        monkeypatch):
    """From init to a verified push and a rebase: no git process shares our process group (so none can be
    left behind by a stop), and GitPython starts none (it would read git's output to its end)."""
    started: list[tuple[str, bool]] = []
    real = subprocess.Popen.__init__

    def recording(self, args, *rest, **options):
        argv = [args] if isinstance(args, (str, bytes)) else list(args)
        started.append((" ".join(map(str, argv[:2])), bool(options.get("start_new_session"))))
        real(self, args, *rest, **options)

    import git as gitpython  # its import runs `git version` (twice) outside our runner: before we record

    assert gitpython.Repo
    project = make_project({"analysis.py": "print('hello')\n"})
    bare = bare_remote()
    monkeypatch.setattr(subprocess.Popen, "__init__", recording)
    publish.init_repo(project)
    publish.set_identity(project, "Ada Lovelace", "ada@example.org")
    publish.set_origin(project, bare.as_uri())
    publish.commit_and_push(project, ["analysis.py"], "Initial")
    monkeypatch.setattr(subprocess.Popen, "__init__", real)
    commit_on_remote(bare, {"theirs.md": "theirs\n"})
    monkeypatch.setattr(subprocess.Popen, "__init__", recording)
    (project / "mine.md").write_text("mine\n")
    publish.commit(project, ["mine.md"], "Mine")
    with pytest.raises(PublishError):
        publish.push(project)  # refused: the remote has a commit we do not
    publish.integrate_remote(project, "rebase")
    publish.push(project)
    monkeypatch.setattr(subprocess.Popen, "__init__", real)
    git_commands = [(command, own) for command, own in started if command.startswith("git ")]
    assert {command.split()[1] for command, _ in git_commands} >= {"init", "status", "add", "commit", "ls-remote",
                                                                  "push", "fetch", "rebase", "rev-parse"}
    assert [command for command, own in started if not own] == []


# --------------------------------------------------------------------------- GitPython's own `git version`


def test_a_git_that_hangs_is_stopped_before_gitpython_is_imported(tmp_path, monkeypatch):
    """GitPython runs `git version` when imported, with no limit: a hanging git must be caught first."""
    stuck = tmp_path / "bin" / "git"
    stuck.parent.mkdir()
    stuck.write_text(f"#!/bin/sh\necho $$ > {tmp_path}/git.pid\nexec /bin/sleep 300\n")
    stuck.chmod(0o755)
    monkeypatch.setenv("PATH", str(stuck.parent))
    monkeypatch.setattr(git_process_adapter, "_GIT_ANSWERED", False)
    monkeypatch.setattr(git_process_adapter, "LOCAL_LIMIT", LIMIT)
    started = time.monotonic()
    with pytest.raises(GitStopped) as stopped_error:
        git_process_adapter.gitpython()
    assert time.monotonic() - started < LIMIT + SLACK
    assert "git version" in stopped_error.value.message
    assert ended(int((tmp_path / "git.pid").read_text()))
    assert git_process_adapter._GIT_ANSWERED is False  # asked again next time, not assumed


def test_gitpython_is_handed_out_once_git_answers(monkeypatch):
    monkeypatch.setattr(git_process_adapter, "_GIT_ANSWERED", False)
    module = git_process_adapter.gitpython()
    assert module.Repo and git_process_adapter._GIT_ANSWERED is True
