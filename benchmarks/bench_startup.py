"""Start-up: process start to the first painted frame of the overview, against an empty Textual app.

Both run the same way: a fresh `python -c` process, headless, that exits (os._exit, so teardown is
not counted) right after its first screen has been refreshed. Target ratio: <= 1.3.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EMPTY = """
import os
from textual.app import App
class Empty(App):
    def on_mount(self):
        self.call_after_refresh(lambda: os._exit(0))
Empty().run(headless=True)
"""

WIZARD = """
import os, sys
from pathlib import Path
from wizard.tui.app import WizardApp
from wizard.tui.overview import OverviewScreen
shown = OverviewScreen.on_mount
def on_mount(self):
    shown(self)
    self.call_after_refresh(lambda: os._exit(0))
OverviewScreen.on_mount = on_mount
WizardApp(Path(sys.argv[1])).run(headless=True)
"""


def time_process(code: str, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], check=True, timeout=60)
    return time.perf_counter() - start


def main(rounds: int = 15) -> None:
    from wizard.demo import create_demo_project

    with tempfile.TemporaryDirectory() as tmp:
        project = create_demo_project(Path(tmp))
        time_process(EMPTY), time_process(WIZARD, str(project))  # warm the file cache
        empty, wizard = [], []
        for _ in range(rounds):  # interleaved, so machine noise hits both alike
            empty.append(time_process(EMPTY))
            wizard.append(time_process(WIZARD, str(project)))
    e, w = statistics.median(empty), statistics.median(wizard)
    print(f"startup to first frame: binder-wizard {w * 1000:.0f} ms, empty Textual app {e * 1000:.0f} ms, "
          f"ratio {w / e:.2f} (target <= 1.3; median of {rounds})")


if __name__ == "__main__":
    main()
