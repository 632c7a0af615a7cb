"""Start-up, measured from outside as a user sees it, against an empty Textual app started the same way.

Headline: each app runs in a real pseudo-terminal of 80x24 (TERM=xterm-256color), as its own process.
The clock runs from just before the process is spawned until the terminal output shows the text that
means "ready": for binder-wizard, the overview's "Binder will build" row (what Binder will build, which
the overview fills in after analysing the environment files); for the empty app, the one line of text
it shows. The output is read as it arrives and searched with escape sequences removed. The process is
then killed (teardown is not counted). Runs alternate between the two; medians of ROUNDS.
Target ratio: <= 1.3.

Also, for comparison, the older in-process figure: a headless run that exits at the overview's first
refresh (before the build row is filled in).
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ROUNDS = 21

EMPTY_APP = """
from textual.app import App
from textual.widgets import Static


class Empty(App):
    def compose(self):
        yield Static("Hello from an empty Textual app")


Empty().run()
"""
EMPTY_READY = "Hello from an empty"
WIZARD_READY = "Binder will build"

_ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[PX^_][^\x1b]*\x1b\\|\x1b.")


def _controlling_terminal() -> None:
    """In the child: a session of its own with the pty as its terminal, as a shell would give it."""
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def time_to_text(command: list[str], ready: str, env: dict[str, str], cwd: Path,
                 timeout: float = 60) -> tuple[float, float]:
    """Seconds from spawning `command` in an 80x24 pty until `ready` appears in what it draws, and the CPU
    seconds the process had used when it was killed just after (steadier than wall time on a busy machine)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    needle = ready.encode()
    output = b""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd,
                               preexec_fn=_controlling_terminal, close_fds=True)
    os.close(slave)
    try:
        while True:
            left = timeout - (time.perf_counter() - start)
            if left <= 0:
                raise SystemExit(f"{command} did not show {ready!r} within {timeout:.0f} s; it drew:\n"
                                 f"{_ESCAPES.sub(b'', output)[-2000:].decode(errors='replace')}")
            readable, _, _ = select.select([master], [], [], left)
            if not readable:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                chunk = b""
            if not chunk:
                raise SystemExit(f"{command} ended before showing {ready!r}:\n"
                                 f"{_ESCAPES.sub(b'', output)[-2000:].decode(errors='replace')}")
            output += chunk
            if needle in _ESCAPES.sub(b"", output):
                elapsed = time.perf_counter() - start
                process.send_signal(signal.SIGKILL)
                _, _, usage = os.wait4(process.pid, 0)
                process.returncode = -signal.SIGKILL
                return elapsed, usage.ru_utime + usage.ru_stime
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGKILL)
            process.wait()
        os.close(master)


def pty_startup(project: Path, rounds: int) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TEXTUAL", "NO_COLOR"))}
    env.update(TERM="xterm-256color", COLORTERM="truecolor", BINDER_WIZARD_CONFIG=str(project / "no-config.toml"))
    # Like an installed tool (and like Textual in site-packages): byte-code compiled once beforehand.
    import compileall

    compileall.compile_dir(str(ROOT / "wizard"), quiet=1)
    empty_script = project.parent / "empty_app.py"
    empty_script.write_text(EMPTY_APP)
    console_script = Path(sys.executable).parent / "binder-wizard"
    wizard = [str(console_script), str(project)] if console_script.exists() else \
        [sys.executable, "-m", "wizard", str(project)]
    empty = [sys.executable, str(empty_script)]
    for _ in range(2):  # warm the file cache
        time_to_text(empty, EMPTY_READY, env, project.parent)
        time_to_text(wizard, WIZARD_READY, env, ROOT)
    empty_times, wizard_times = [], []
    for _ in range(rounds):  # alternating, so machine noise hits both alike
        empty_times.append(time_to_text(empty, EMPTY_READY, env, project.parent))
        wizard_times.append(time_to_text(wizard, WIZARD_READY, env, ROOT))
    return empty_times, wizard_times


HEADLESS_EMPTY = """
import os
from textual.app import App
class Empty(App):
    def on_mount(self):
        self.call_after_refresh(lambda: os._exit(0))
Empty().run(headless=True)
"""

HEADLESS_WIZARD = """
import os, sys
from pathlib import Path
from wizard.tui.app import WizardApp
from wizard.tui.overview import OverviewScreen
shown = OverviewScreen.on_screen_resume
def on_screen_resume(self):
    shown(self)
    self.call_after_refresh(lambda: os._exit(0))
OverviewScreen.on_screen_resume = on_screen_resume
WizardApp(Path(sys.argv[1])).run(headless=True)
"""


def time_process(code: str, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], check=True, timeout=60, cwd=ROOT)
    return time.perf_counter() - start


def headless_first_refresh(project: Path, rounds: int) -> tuple[float, float]:
    time_process(HEADLESS_EMPTY), time_process(HEADLESS_WIZARD, str(project))
    empty, wizard = [], []
    for _ in range(rounds):
        empty.append(time_process(HEADLESS_EMPTY))
        wizard.append(time_process(HEADLESS_WIZARD, str(project)))
    return statistics.median(empty), statistics.median(wizard)


def main() -> None:
    from wizard.demo import create_demo_project

    with tempfile.TemporaryDirectory() as tmp:
        project = create_demo_project(Path(tmp))
        empty_runs, wizard_runs = pty_startup(project, ROUNDS)
        e, w = (statistics.median(wall for wall, _ in runs) for runs in (empty_runs, wizard_runs))
        ec, wc = (statistics.median(cpu for _, cpu in runs) for runs in (empty_runs, wizard_runs))
        print(f"start-up in an 80x24 pty, process start until the screen shows {WIZARD_READY!r} "
              f"(median of {ROUNDS}, alternating; CPU time used by then in brackets):")
        print(f"  empty Textual app (one line of text): {e * 1000:6.0f} ms [{ec * 1000:4.0f} ms]   (baseline)")
        print(f"  binder-wizard PROJECT               : {w * 1000:6.0f} ms [{wc * 1000:4.0f} ms]   "
              f"ratio {w / e:.2f} [{wc / ec:.2f}] (target <= 1.3)")
        print(f"  spread of wall times (min-max): empty {min(empty_runs)[0] * 1000:.0f}-{max(empty_runs)[0] * 1000:.0f}"
              f" ms, binder-wizard {min(wizard_runs)[0] * 1000:.0f}-{max(wizard_runs)[0] * 1000:.0f} ms")
        e, w = headless_first_refresh(project, 9)
        print(f"for comparison, headless, process start to the overview's first refresh (before the build row; "
              f"median of 9): binder-wizard {w * 1000:.0f} ms, empty app {e * 1000:.0f} ms, ratio {w / e:.2f}")


if __name__ == "__main__":
    main()
