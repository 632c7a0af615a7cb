"""Running a child process with a time limit that holds for the whole process tree.

Every adapter that starts a program (git, uv, the project's Python, our own worker) goes through
`start_bounded`/`run_bounded`. The child gets its own process group (a new session), and at the time
limit, on `cancel` or when its output grows past `max_output`, the whole group is killed. Waiting then
ends when the child itself has exited: a grandchild that left the group (its own `setsid`) and still
holds the pipe open cannot keep the caller waiting, because the pipes are read with a deadline and
closed, never read to their end.
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import threading
import time
from dataclasses import dataclass

# Output kept from each stream; more ends the run (a runaway child must not fill memory).
MAX_OUTPUT = 64 * 2**20
# After the child has exited, how long to keep reading what its descendants still write.
DRAIN_SECONDS = 0.5


@dataclass(frozen=True)
class Finished:
    returncode: int | None  # None: killed (time limit, cancel, too much output) or never started
    stdout: bytes
    stderr: bytes
    elapsed: float
    timed_out: bool = False
    cancelled: bool = False
    too_much_output: bool = False
    error: str | None = None  # why it could not be started

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def text(self, stream: str = "stdout") -> str:
        return getattr(self, stream).decode("utf-8", "replace")


class BoundedProcess:
    """A started child; `finish()` waits for it within the limit and returns what it wrote."""

    def __init__(self, argv: list[str], *, timeout: float, cwd=None, env: dict[str, str] | None = None,
                 input: bytes | None = None, max_output: int = MAX_OUTPUT) -> None:
        self.argv = [os.fspath(a) for a in argv]
        self.started = time.monotonic()
        self.deadline = self.started + max(0.0, timeout)
        self.max_output = max_output
        self._input = input
        self.error: str | None = None
        try:
            self.process: subprocess.Popen | None = subprocess.Popen(
                self.argv, cwd=cwd, env=env, stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        except (OSError, ValueError) as error:  # no such program, not executable, a NUL in an argument
            self.process = None
            self.error = getattr(error, "strerror", None) or str(error)

    def kill(self) -> None:
        """SIGKILL the child's whole process group (the child is its leader)."""
        process = self.process
        if process is None or process.returncode is not None and not _group_alive(process.pid):
            return
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            try:
                process.kill()
            except OSError:
                pass

    def finish(self, cancel: threading.Event | None = None) -> Finished:
        process = self.process
        if process is None:
            return Finished(None, b"", b"", 0.0, error=self.error)
        out, err = bytearray(), bytearray()
        timed_out = cancelled = too_much = False
        pending = memoryview(self._input or b"")
        try:
            with selectors.DefaultSelector() as selector:
                buffers = {process.stdout: out, process.stderr: err}
                for stream in buffers:
                    os.set_blocking(stream.fileno(), False)
                    selector.register(stream, selectors.EVENT_READ)
                if process.stdin is not None:
                    os.set_blocking(process.stdin.fileno(), False)
                    selector.register(process.stdin, selectors.EVENT_WRITE)
                stop_at = None  # once the child has exited or been killed: the end of the short drain
                while selector.get_map():
                    now = time.monotonic()
                    if stop_at is None:
                        timed_out = now >= self.deadline
                        cancelled = cancel is not None and cancel.is_set()
                        if timed_out or cancelled or too_much:
                            self.kill()
                            stop_at = now + DRAIN_SECONDS
                        elif process.poll() is not None:
                            stop_at = now + DRAIN_SECONDS  # read what is left, briefly
                    elif now >= stop_at:
                        break
                    until = stop_at if stop_at is not None else self.deadline
                    for key, _ in selector.select(max(0.0, min(until - now, 0.1))):
                        if key.fileobj is process.stdin:
                            try:
                                pending = pending[os.write(key.fd, pending[:65536]):]
                            except BlockingIOError:
                                continue
                            except OSError:  # the child closed its end: it does not want the rest
                                pending = pending[:0]
                            if not pending:
                                selector.unregister(process.stdin)
                                process.stdin.close()
                            continue
                        try:
                            chunk = os.read(key.fd, 65536)
                        except BlockingIOError:
                            continue
                        if not chunk:
                            selector.unregister(key.fileobj)
                            continue
                        buffer = buffers[key.fileobj]
                        if len(buffer) + len(chunk) > self.max_output:
                            too_much = True
                        buffer += chunk[: self.max_output - len(buffer)]
        except BaseException:  # KeyboardInterrupt, a cancelled worker: never leave the child running
            self.kill()
            raise
        finally:
            for stream in (process.stdout, process.stderr, process.stdin):
                if stream is not None:
                    try:
                        stream.close()
                    except OSError:
                        pass
        killed = timed_out or cancelled or too_much
        try:
            process.wait(timeout=5 if killed else max(0.1, self.deadline - time.monotonic()))
        except subprocess.TimeoutExpired:  # it closed its output but lives on past the limit
            self.kill()
            timed_out = killed = True
            process.wait(timeout=5)
        if _group_alive(process.pid):
            self.kill()  # descendants left in its group hold no pipe we wait on; end them too
        return Finished(None if killed else process.returncode, bytes(out), bytes(err),
                        time.monotonic() - self.started, timed_out, cancelled, too_much)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def start_bounded(argv: list[str], *, timeout: float, cwd=None, env: dict[str, str] | None = None,
                  input: bytes | None = None, max_output: int = MAX_OUTPUT) -> BoundedProcess:
    """Start `argv` in its own process group; `finish()` later (scan the project meanwhile)."""
    return BoundedProcess(argv, timeout=timeout, cwd=cwd, env=env, input=input, max_output=max_output)


def run_bounded(argv: list[str], *, timeout: float, cwd=None, env: dict[str, str] | None = None,
                input: bytes | None = None, cancel: threading.Event | None = None,
                max_output: int = MAX_OUTPUT) -> Finished:
    """Run `argv` to its end, or kill its process group at `timeout` seconds (or on `cancel`)."""
    return start_bounded(argv, timeout=timeout, cwd=cwd, env=env, input=input, max_output=max_output).finish(cancel)
