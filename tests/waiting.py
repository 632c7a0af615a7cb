"""Waiting in tests: on state — a thread that returns, workers, queued messages, a condition — never on the
clock. One bound, BOUND_SECONDS, is only ever reached by a failing test; it is generous so that a loaded
machine never fails a test that would pass.

* `finishes(call, *fifos)`: for code that must never block on a named pipe (or anything else).
* `settle(pilot)`, `until(pilot, condition, what)`: for Textual pilot tests (and screenshots/make.py).
"""

from __future__ import annotations

import os
import threading
import time
from typing import Callable

import pytest

BOUND_SECONDS = 60.0


def finishes(call, *fifos, timeout: float = BOUND_SECONDS):
    """`call()`'s result, an exception it raised re-raised; a call still running after `timeout` fails the
    test instead of hanging the suite (a writer is opened on each fifo to release a stuck reader)."""
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = call()
        except BaseException as error:  # noqa: BLE001 - raised again below, in the test
            outcome["error"] = error

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        for fifo in fifos:
            try:
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass
        worker.join(timeout)
        pytest.fail(f"{call} blocked (named pipes: {fifos})")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


async def settle(pilot) -> None:
    """Let the app's running workers finish and its queued messages be handled."""
    from textual.worker import WorkerCancelled, WorkerFailed  # here: core tests run without Textual

    try:
        await pilot.app.workers.wait_for_complete()
    except (WorkerFailed, WorkerCancelled):
        pass  # finished too: the screen's own handler shows the failure, which is what tests look at
    await pilot.pause()


async def until(pilot, condition: Callable[[], object], what: str = "the expected state") -> None:
    """Settle until `condition()` is true. It is checked first, so a condition that already holds does not
    wait for workers (a build whose stream the hub holds open never finishes)."""
    give_up = time.monotonic() + BOUND_SECONDS
    while not condition():
        if time.monotonic() > give_up:
            raise AssertionError(f"never happened: {what}")
        await settle(pilot)


async def until_while_working(pilot, condition: Callable[[], object], what: str = "the expected state") -> None:
    """Let the app run (workers included: they are not waited for) until `condition()` is true. For what the
    app's own workers bring about while they go on, e.g. a connection they close: a blocking wait here
    would stop the very event loop that has to close it."""
    give_up = time.monotonic() + BOUND_SECONDS
    while not condition():
        if time.monotonic() > give_up:
            raise AssertionError(f"never happened: {what}")
        await pilot.pause()


def process_ended(pid: int, within: float = BOUND_SECONDS) -> bool:
    """True once process `pid` has ended, waiting at most `within` seconds on its pidfd (readable when it
    exits): a wait on the process itself, never a poll."""
    import select

    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([fd], [], [], within)[0])
    finally:
        os.close(fd)
