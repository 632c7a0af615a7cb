"""Stuck interpreters and helpers: every child process runs in its own process group and is killed as a
group at its time limit, so a grandchild holding the pipe cannot keep us waiting."""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from pathlib import Path

from wizard.core.common.process_adapter import run_bounded, start_bounded

SLACK = 5.0  # seconds past a limit that a loaded machine may need; a hang would be 300 s


def marker() -> str:
    """A number of seconds nobody else sleeps: finds our sleepers in /proc."""
    return str(3000 + uuid.uuid4().int % 5000)


def sleepers(seconds: str) -> list[int]:
    """Live processes running `sleep <seconds>`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if argv[:2] == [b"sleep", seconds.encode()] and state != "Z":
            found.append(int(entry.name))
    return found


def gone(seconds: str) -> bool:
    """True once no `sleep <seconds>` is alive (SIGKILL is immediate; reaping may take a moment)."""
    give_up = time.monotonic() + SLACK
    while sleepers(seconds):
        if time.monotonic() > give_up:
            return False
        time.sleep(0.01)
    return True


def script(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return path


def stuck(folder: Path, seconds: str, name: str = "stuck") -> Path:
    """A program whose child keeps the pipe open and sleeps, while it sleeps too (the issue's case)."""
    return script(folder, name, f"echo started\nsleep {seconds} &\nsleep {seconds}")


def test_a_stuck_child_and_its_grandchild_are_killed_at_the_limit(tmp_path):
    seconds = marker()
    started = time.monotonic()
    done = run_bounded([str(stuck(tmp_path, seconds))], timeout=0.5)
    assert time.monotonic() - started < 0.5 + SLACK
    assert done.returncode is None and done.timed_out and done.stdout == b"started\n"
    assert gone(seconds)


def test_a_grandchild_left_behind_in_the_group_is_killed_when_the_child_exits(tmp_path):
    seconds = marker()
    program = script(tmp_path, "leaves-one", f"sleep {seconds} &\necho done")
    started = time.monotonic()
    done = run_bounded([str(program)], timeout=60)
    assert done.ok and done.stdout == b"done\n" and time.monotonic() - started < SLACK
    assert gone(seconds)


def test_a_grandchild_that_escaped_the_group_cannot_hold_us(tmp_path):
    """setsid: out of reach of the group kill, holding the pipe. We stop reading once the child is gone."""
    seconds = marker()
    program = script(tmp_path, "escapes", f"setsid sleep {seconds} &\necho done")
    started = time.monotonic()
    try:
        done = run_bounded([str(program)], timeout=60)
        assert done.ok and done.stdout == b"done\n" and time.monotonic() - started < SLACK
    finally:
        for pid in sleepers(seconds):  # started by this test: ended by it
            os.kill(pid, signal.SIGKILL)


def test_descendants_that_left_the_group_are_killed_with_it_at_the_limit(tmp_path):
    """setsid, directly below the child and deeper down: the tree still links them to the run."""
    seconds = marker()
    program = script(tmp_path, "escapes-and-hangs",
                     f"setsid sleep {seconds} &\nsh -c 'setsid sleep {seconds} & sleep {seconds}' &\nsleep {seconds}")
    started = time.monotonic()
    try:
        done = run_bounded([str(program)], timeout=0.5)
        assert done.timed_out and time.monotonic() - started < 0.5 + SLACK
        assert gone(seconds), "every sleeper, in the group or out of it, ended with the run"
    finally:
        for pid in sleepers(seconds):
            os.kill(pid, signal.SIGKILL)


def test_an_escaped_descendant_that_ignores_sigterm_is_killed_after_the_grace(tmp_path):
    """SIGTERM first (the grace): the child dies of it and its escaped descendants, which ignore it, are
    adopted by init; they were noted while the tree still linked them, so SIGKILL still finds them."""
    seconds = marker()
    program = script(tmp_path, "escapes-deaf", f"setsid sh -c 'trap \"\" TERM; sleep {seconds}' &\nsleep {seconds}")
    try:
        done = start_bounded([str(program)], timeout=0.5, grace=0.5).finish()
        assert done.timed_out
        assert gone(seconds)
    finally:
        for pid in sleepers(seconds):
            os.kill(pid, signal.SIGKILL)


def test_output_flood_is_cut(tmp_path):
    started = time.monotonic()
    done = run_bounded(["sh", "-c", "while :; do echo yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy; done"], timeout=60,
                       max_output=2**20)
    assert done.too_much_output and done.returncode is None and len(done.stdout) == 2**20
    assert time.monotonic() - started < SLACK


def test_cancel_kills_the_group_at_once(tmp_path):
    seconds = marker()
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    started = time.monotonic()
    done = run_bounded([str(stuck(tmp_path, seconds))], timeout=300, cancel=cancel)
    assert done.cancelled and done.returncode is None and time.monotonic() - started < SLACK
    assert gone(seconds)


def test_input_larger_than_a_pipe_to_a_child_that_never_reads(tmp_path):
    seconds = marker()
    started = time.monotonic()
    done = run_bounded(["sleep", seconds], timeout=0.5, input=b"x" * (4 * 2**20))
    assert done.timed_out and time.monotonic() - started < 0.5 + SLACK and gone(seconds)


def test_programs_that_cannot_start_say_why():
    done = run_bounded(["/no/such/program"], timeout=5)
    assert done.returncode is None and "No such file" in done.error
    assert run_bounded(["echo", "a\0b"], timeout=5).error


def test_the_projects_stuck_python_is_given_up_on_in_time(tmp_path, monkeypatch):
    from wizard.core.environment.deps import project_python_adapter

    seconds = marker()
    monkeypatch.setattr(project_python_adapter, "QUERY_TIMEOUT", 1)
    python = stuck(tmp_path / ".venv" / "bin", seconds, "python")
    found = project_python_adapter.find_python(tmp_path)
    assert found == (str(python), ".venv in the project")
    started = time.monotonic()
    pending = project_python_adapter.PendingQuery(*found)  # started in the background, like `requirements`
    environment = pending.result()
    assert time.monotonic() - started < 1 + SLACK
    assert environment.error == f"{python} did not answer in 1 s" and gone(seconds)


def test_git_facts_with_a_stuck_git_end_in_time(tmp_path, monkeypatch):
    from wizard.core.common import git_facts_adapter

    seconds = marker()
    bin_dir = tmp_path / "bin"
    stuck(bin_dir, seconds, "git")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(git_facts_adapter, "GIT_TIMEOUT", 0.5)
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    (project / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    started = time.monotonic()
    facts = git_facts_adapter.read_git_facts(project)
    assert facts.head_sha is None and time.monotonic() - started < 3 * 0.5 + SLACK
    assert not git_facts_adapter.valid_branch_name("main") and gone(seconds)


def test_a_stuck_resolver_is_killed_as_a_group_at_the_install_checks_deadline(tmp_path):
    from wizard.core.environment.install import uv_adapter

    seconds = marker()
    started = time.monotonic()
    run = uv_adapter._run([str(stuck(tmp_path, seconds, "uv"))], tmp_path, dict(os.environ), 0.5, started, None)
    assert run.returncode is None and run.stdout == "started\n" and time.monotonic() - started < 0.5 + SLACK
    assert gone(seconds)


def test_a_started_query_that_is_never_finished_can_still_be_ended(tmp_path):
    seconds = marker()
    process = start_bounded([str(stuck(tmp_path, seconds))], timeout=0.2)
    done = process.finish()
    assert done.timed_out and gone(seconds)
