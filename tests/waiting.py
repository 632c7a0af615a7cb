"""For tests of code that must never block on a named pipe (or anything else)."""

from __future__ import annotations

import os
import threading

import pytest


def finishes(call, *fifos, timeout: float = 5.0):
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
