"""A function call with a time limit, run away from the caller: in a forked copy of this process where that
is safe, else in a daemon thread.

`check` reads every file of a project twice (the code's imports, the pre-push audit) besides analysing the
environment files. In a forked copy the import scan runs on another core while this process analyses (a
thread would only take turns with it on the GIL), and at the limit the copy is killed rather than left
running. Fork is used only where it is safe: on a system that has it, with no other thread running (a lock
held by another thread at the fork would stay locked in the copy). Otherwise, and for calls that must share
this process's state, a daemon thread runs it; one left behind at the limit does not keep the process alive.
The result comes back pickled through a pipe; the copy writes nothing else and never runs exit handlers.
"""

from __future__ import annotations

import os
import pickle
import threading
import time

# What a copy may send back; more means a bug, and must not fill the caller's memory.
MAX_RESULT_BYTES = 256 * 2**20


class BoundedCall:
    """Start `function(*args)` now; `wait()` returns it when done within `seconds` of the start, after which
    `result` holds what it returned, or `error` says why there is nothing (the exception's name, or
    "still running after N s")."""

    def __init__(self, seconds: float, function, *args, fork: bool = False) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.result = None
        self.error: str | None = None
        self._pid: int | None = None
        self._pipe: int | None = None
        self._thread: threading.Thread | None = None
        if fork and hasattr(os, "fork") and threading.active_count() == 1:
            self._fork(function, args)
        else:
            self._thread = threading.Thread(target=self._in_thread, args=(function, args),
                                            name=getattr(function, "__name__", "call"), daemon=True)
            self._thread.start()

    def _in_thread(self, function, args) -> None:
        try:
            self.result = function(*args)
        except Exception as error:  # reported, not raised: the caller decides what a failure costs
            self.error = type(error).__name__

    def _fork(self, function, args) -> None:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the copy: compute, send, and leave without running anything of the caller's
            status = 0
            try:
                os.close(read_end)
                try:
                    data = pickle.dumps(("ok", function(*args)), protocol=pickle.HIGHEST_PROTOCOL)
                except BaseException as error:  # noqa: BLE001 - even SystemExit must come back as a name
                    data = pickle.dumps(("error", type(error).__name__))
                view = memoryview(data)
                while view:
                    view = view[os.write(write_end, view):]
            except BaseException:  # noqa: BLE001 - a broken pipe: the caller gave up waiting
                status = 1
            finally:
                os._exit(status)
        os.close(write_end)
        self._pid, self._pipe = pid, read_end

    def done(self) -> bool:
        """Whether `wait()` would return at once: the call has finished (or, forked, has started answering)."""
        if self._thread is not None:
            return not self._thread.is_alive()
        if self._pid is None:
            return True
        import select

        return bool(select.select([self._pipe], [], [], 0)[0])

    def wait(self) -> BoundedCall:
        if self._thread is not None:
            self._thread.join(max(0.0, self.deadline - time.monotonic()))
            if self._thread.is_alive():
                self.error = f"still running after {self.seconds:g} s"
        elif self._pid is not None:
            self._collect()
        return self

    def _collect(self) -> None:
        import selectors

        chunks: list[bytes] = []
        size = 0
        with selectors.DefaultSelector() as selector:
            selector.register(self._pipe, selectors.EVENT_READ)
            while True:
                left = self.deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    self.error = f"still running after {self.seconds:g} s"
                    break
                chunk = os.read(self._pipe, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > MAX_RESULT_BYTES:
                    self.error = "answered too much"
                    break
        os.close(self._pipe)
        if self.error is not None:
            _kill(self._pid)
        os.waitpid(self._pid, 0)
        self._pid = None
        if self.error is None:
            try:
                kind, value = pickle.loads(b"".join(chunks))  # from our own copy, never from outside
            except Exception:  # it died before answering (killed, out of memory)
                kind, value = "error", "stopped without an answer"
            if kind == "ok":
                self.result = value
            else:
                self.error = value


def _kill(pid: int) -> None:
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
