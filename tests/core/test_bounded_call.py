"""A bounded call: the result from a forked copy (or a thread), the error's name, and a limit that holds."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from wizard.core.common.bounded_call_adapter import BoundedCall

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX-only")


def _pid_and_sum(*numbers):
    return os.getpid(), sum(numbers)


def _fails():
    raise RecursionError("deep")


def _sleeps_and_reports(pid_file):
    with open(pid_file, "w") as handle:
        handle.write(str(os.getpid()))
    time.sleep(300)  # the copy is killed long before


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _no_other_threads():
    if threading.active_count() != 1:
        pytest.skip("another thread is running in this test process: the call would use a thread")


@needs_fork
def test_forked_call_runs_in_another_process_and_returns_its_result():
    _no_other_threads()
    call = BoundedCall(10, _pid_and_sum, 1, 2, 3, fork=True).wait()
    assert call.error is None
    pid, total = call.result
    assert total == 6 and pid != os.getpid()


@needs_fork
def test_forked_call_reports_the_exception_by_name():
    _no_other_threads()
    call = BoundedCall(10, _fails, fork=True).wait()
    assert call.result is None and call.error == "RecursionError"


@needs_fork
def test_forked_call_past_its_limit_is_killed(tmp_path):
    _no_other_threads()
    pid_file = tmp_path / "pid"
    started = time.monotonic()
    call = BoundedCall(2.0, _sleeps_and_reports, str(pid_file), fork=True).wait()
    assert time.monotonic() - started < 6
    assert call.error == "still running after 2 s" and call.result is None
    assert not _alive(int(pid_file.read_text()))  # reaped, not left sleeping


def test_with_another_thread_running_the_call_uses_a_thread():
    release = threading.Event()
    other = threading.Thread(target=release.wait, daemon=True)
    other.start()
    try:
        call = BoundedCall(10, _pid_and_sum, 4, 5, fork=True).wait()
    finally:
        release.set()
    assert call.result == (os.getpid(), 9)


def test_a_thread_past_its_limit_is_left_behind_with_an_error():
    release = threading.Event()
    try:
        started = time.monotonic()
        call = BoundedCall(0.3, release.wait).wait()
        assert time.monotonic() - started < 3
        assert call.error == "still running after 0.3 s"
    finally:
        release.set()


@needs_fork
def test_the_copy_never_writes_what_the_parent_had_buffered(tmp_path):
    """Output buffered before the fork is the parent's to write: the copy leaves without flushing it."""
    script = tmp_path / "fork_once.py"
    script.write_text(textwrap.dedent("""
        import sys
        sys.stdout.write("written once")  # no newline, to a pipe: still in the buffer at the fork
        from wizard.core.common.bounded_call_adapter import BoundedCall
        call = BoundedCall(10, sum, [1, 2], fork=True).wait()
        sys.stdout.write(f" {call.result}\\n")
    """))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60,
                          cwd=os.getcwd(), env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert done.returncode == 0, done.stderr
    assert done.stdout == "written once 3\n"
