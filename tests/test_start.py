"""The real start: `binder-wizard PROJECT` in an 80x24 terminal (a pty), as a person runs it. The first
analysis is forked onto another core before Textual loads; its summary must reach the screen, and Ctrl+Q
must end the app cleanly."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time

from tests.waiting import BOUND_SECONDS

_ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[PX^_][^\x1b]*\x1b\\|\x1b.")


def _read_until(master: int, wanted: list[bytes], output: bytearray) -> bool:
    give_up = time.monotonic() + BOUND_SECONDS
    while not all(text in _ESCAPES.sub(b"", bytes(output)) for text in wanted):
        left = give_up - time.monotonic()
        if left <= 0 or not select.select([master], [], [], left)[0]:
            return False
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the app closed the terminal
            return False
        if not chunk:
            return False
        output += chunk
    return True


def test_the_app_starts_in_a_terminal_shows_what_binder_will_build_and_quits(make_project, tmp_path):
    project = make_project({"requirements.txt": "numpy==2.1.0\n", "runtime.txt": "python-3.12\n"})
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TEXTUAL", "NO_COLOR"))}
    env.update(TERM="xterm-256color", BINDER_WIZARD_CONFIG=str(tmp_path / "no-config.toml"))
    process = subprocess.Popen([sys.executable, "-m", "wizard", str(project)], stdin=slave, stdout=slave,
                               stderr=slave, env=env, start_new_session=True, close_fds=True)
    os.close(slave)
    output = bytearray()
    try:
        shown = _read_until(master, [b"Binder will build", b"Python 3.12", b"requirements.txt"], output)
        assert shown, _ESCAPES.sub(b"", bytes(output))[-2000:].decode(errors="replace")
        os.write(master, b"\x11")  # Ctrl+Q
        assert process.wait(timeout=BOUND_SECONDS) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
