"""Running a child process with a time limit that holds for the whole process tree.

Every adapter that starts a program (git, uv, the project's Python, our own worker) goes through
`start_bounded`/`run_bounded`. The child gets its own process group (a new session), and at the time
limit, on `cancel` or when its output grows past `max_output`, the whole group is killed, and with it
every process below the child in the process tree that left the group (its own `setsid`), where /proc
shows the tree (Linux). Waiting ends when the child itself has exited: a descendant that escaped even
that (it outlived its parent, or the system has no /proc) and still holds the pipe open cannot keep the
caller waiting, because the pipes are read with a deadline and closed, never read to their end.

Options for long runs: `quiet_limit` ends a child that has written nothing for that long (stuck, while
a slow but working one may run to `timeout`); `grace` sends SIGTERM first and SIGKILL that much later,
so a child that cleans up on SIGTERM (git removes its lock files) can; `on_output` sees each chunk as
it arrives (progress).
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import threading
import time
from collections.abc import Callable
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
    quiet: bool = False  # timed out because it wrote nothing for `quiet_limit` seconds

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def text(self, stream: str = "stdout") -> str:
        return getattr(self, stream).decode("utf-8", "replace")


class BoundedProcess:
    """A started child; `finish()` waits for it within the limit and returns what it wrote."""

    def __init__(self, argv: list[str], *, timeout: float, cwd=None, env: dict[str, str] | None = None,
                 input: bytes | None = None, max_output: int = MAX_OUTPUT, quiet_limit: float | None = None,
                 grace: float = 0.0, on_output: Callable[[str, bytes], None] | None = None) -> None:
        self.argv = [os.fspath(a) for a in argv]
        self.started = time.monotonic()
        self.deadline = self.started + max(0.0, timeout)
        self.max_output = max_output
        self.quiet_limit = quiet_limit
        self.grace = grace
        self.on_output = on_output
        self._input = input
        self.error: str | None = None
        self._escapees: dict[int, tuple[bytes, int]] = {}  # pid -> (start time, group): left the group, still ours
        try:
            self.process: subprocess.Popen | None = subprocess.Popen(
                self.argv, cwd=cwd, env=env, stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        except (OSError, ValueError) as error:  # no such program, not executable, a NUL in an argument
            self.process = None
            self.error = getattr(error, "strerror", None) or str(error)

    def kill(self) -> None:
        """SIGKILL the child's whole process group (the child is its leader) and the descendants that left it."""
        process = self.process
        if process is None:
            return
        if process.returncode is None:
            self._note_escapees()
        if process.returncode is None or _group_alive(process.pid):
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                try:
                    process.kill()
                except OSError:
                    pass
        _signal_escapees(self._escapees, signal.SIGKILL)

    def _note_escapees(self) -> None:
        """Remember the processes below the child that are in another group, while the tree still links
        them to it: once their parent is killed, init adopts them and nothing ties them to this run."""
        for pid, identity in _descendants(self.process.pid).items():
            if identity[1] != self.process.pid:
                self._escapees[pid] = identity

    def group_ended(self, within: float = 2.0) -> bool:
        """True once no process of the child's group is left, waiting up to `within` seconds: killed
        descendants count until their new parent (init) has reaped them, which takes a moment."""
        give_up = time.monotonic() + within
        while self.process is not None and _group_running(self.process.pid):
            if time.monotonic() >= give_up:
                return False
            time.sleep(0.01)  # a non-child's end cannot be waited on, only seen
        return True

    def terminate(self) -> None:
        """SIGTERM the child's whole process group and the descendants that left it: their chance to clean up
        before `kill()`."""
        process = self.process
        if process is not None:
            if process.returncode is None:
                self._note_escapees()
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except (ProcessLookupError, PermissionError):
                pass
            _signal_escapees(self._escapees, signal.SIGTERM)

    def finish(self, cancel: threading.Event | None = None) -> Finished:
        process = self.process
        if process is None:
            return Finished(None, b"", b"", 0.0, error=self.error)
        out, err = bytearray(), bytearray()
        timed_out = cancelled = too_much = quiet = False
        pending = memoryview(self._input or b"")
        try:
            with selectors.DefaultSelector() as selector:
                buffers = {process.stdout: out, process.stderr: err}
                names = {process.stdout: "stdout", process.stderr: "stderr"}
                for stream in buffers:
                    os.set_blocking(stream.fileno(), False)
                    selector.register(stream, selectors.EVENT_READ)
                if process.stdin is not None:
                    os.set_blocking(process.stdin.fileno(), False)
                    selector.register(process.stdin, selectors.EVENT_WRITE)
                stop_at = None  # once the child has exited or been killed: the end of the short drain
                kill_at = None  # after SIGTERM (with a grace period): when SIGKILL follows
                last_output = self.started
                while selector.get_map():
                    now = time.monotonic()
                    if stop_at is None and kill_at is None:
                        quiet = self.quiet_limit is not None and now - last_output >= self.quiet_limit
                        timed_out = now >= self.deadline or quiet
                        cancelled = cancel is not None and cancel.is_set()
                        if (timed_out or cancelled or too_much) and self.grace > 0:
                            self.terminate()
                            kill_at = now + self.grace
                        elif timed_out or cancelled or too_much:
                            self.kill()
                            stop_at = now + DRAIN_SECONDS
                        elif process.poll() is not None:
                            stop_at = now + DRAIN_SECONDS  # read what is left, briefly
                    elif stop_at is None:  # terminated: SIGKILL once the grace is over, unless all have ended
                        if now >= kill_at or process.poll() is not None and not _group_running(process.pid):
                            self.kill()
                            stop_at = now + DRAIN_SECONDS
                    elif now >= stop_at:
                        break
                    until = next(t for t in (stop_at, kill_at, self.deadline) if t is not None)
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
                        last_output = time.monotonic()
                        if self.on_output is not None:
                            self.on_output(names[key.fileobj], chunk)
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
                        time.monotonic() - self.started, timed_out, cancelled, too_much, quiet=quiet and timed_out)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def _group_running(pgid: int) -> bool:
    """Like _group_alive, but a killed process waiting to be reaped (a zombie) does not count, where
    /proc says so (Linux)."""
    if not _group_alive(pgid):
        return False
    table = _process_table()
    if table is None:
        return True
    return any(group == pgid and state != b"Z" for state, _, group, _ in table.values())


def _process_table() -> dict[int, tuple[bytes, int, int, bytes]] | None:
    """pid -> (state, parent, group, start time) of every process /proc shows, or None without /proc."""
    try:
        entries = os.listdir("/proc")
    except OSError:
        return None
    rows = ((int(entry), _process_stat(int(entry))) for entry in entries if entry.isdigit())
    return {pid: row for pid, row in rows if row is not None}


def _process_stat(pid: int) -> tuple[bytes, int, int, bytes] | None:
    """(state, parent, group, start time) of one process from /proc, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()  # after the name, which may hold spaces
        return fields[0], int(fields[1]), int(fields[2]), fields[19]
    except (OSError, IndexError, ValueError):
        return None


def _descendants(root: int) -> dict[int, tuple[bytes, int]]:
    """pid -> (start time, group) of every living process below `root` in the process tree ({} without /proc)."""
    table = _process_table() or {}
    children: dict[int, list[int]] = {}
    for pid, (state, parent, _, _) in table.items():
        if state != b"Z":
            children.setdefault(parent, []).append(pid)
    found: dict[int, tuple[bytes, int]] = {}
    below = [root]
    while below:
        for pid in children.get(below.pop(), ()):
            if pid not in found:
                found[pid] = (table[pid][3], table[pid][2])
                below.append(pid)
    return found


def _signal_escapees(escapees: dict[int, tuple[bytes, int]], signum: int) -> None:
    """Signal each remembered process that is still the same one (its start time tells a reused pid apart)."""
    for pid, (started, _) in list(escapees.items()):
        row = _process_stat(pid)
        if row is None or row[3] != started:
            del escapees[pid]  # gone (or its pid now names another process)
            continue
        try:
            os.kill(pid, signum)
        except (ProcessLookupError, PermissionError):
            del escapees[pid]


def start_bounded(argv: list[str], *, timeout: float, cwd=None, env: dict[str, str] | None = None,
                  input: bytes | None = None, max_output: int = MAX_OUTPUT, quiet_limit: float | None = None,
                  grace: float = 0.0, on_output: Callable[[str, bytes], None] | None = None) -> BoundedProcess:
    """Start `argv` in its own process group; `finish()` later (scan the project meanwhile)."""
    return BoundedProcess(argv, timeout=timeout, cwd=cwd, env=env, input=input, max_output=max_output,
                          quiet_limit=quiet_limit, grace=grace, on_output=on_output)


def run_bounded(argv: list[str], *, timeout: float, cwd=None, env: dict[str, str] | None = None,
                input: bytes | None = None, cancel: threading.Event | None = None,
                max_output: int = MAX_OUTPUT) -> Finished:
    """Run `argv` to its end, or kill its process group at `timeout` seconds (or on `cancel`)."""
    return start_bounded(argv, timeout=timeout, cwd=cwd, env=env, input=input, max_output=max_output).finish(cancel)
