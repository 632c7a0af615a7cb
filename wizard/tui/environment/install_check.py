"""Step 1: "Will it install on Binder?" checked in a thread after each save (wizard.core.environment.install).

A save starts a short timer (several saves in a row give one check); when it fires, a thread worker analyses
the files on disk and resolves them for Binder's Linux and Python. A newer save sets the running check's
cancel Event (uv is killed within ~0.1 s) and starts over, so only the newest answer is ever shown. While it
runs, the panel's "Installs" row turns a spinner; typing never waits for it. Its findings join the problem
list for files whose editor still holds what was checked (line numbers match only then).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual.message import Message

from wizard.core.common.diagnostics import Diagnostic

if TYPE_CHECKING:
    from textual.timer import Timer

    from wizard.core.environment.install.report import Resolved

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


@dataclass(frozen=True)
class InstallLine:
    """What the panel's "Installs" row shows: status "waiting" (nothing checked yet), "checking", "ok",
    "failed" or "skipped", and the words after "on Binder:"."""

    status: str
    words: str


WAITING = InstallLine("waiting", "checked when you save (Ctrl+S)")


class InstallChecker:
    # Pause after a save before the check starts (seconds): saving several files gives one check.
    DELAY: ClassVar[float] = 0.3
    SPIN_EVERY: ClassVar[float] = 0.25

    @dataclass
    class Checked(Message):
        generation: int
        resolved: Resolved | None  # None: the check itself failed (a bug); said in the row
        error: str | None = None

    def __init__(self, screen) -> None:
        self.screen = screen
        self.resolved: Resolved | None = None
        self.line: InstallLine = WAITING
        self.generation = 0
        self._cancel: threading.Event | None = None
        self._timer: Timer | None = None
        self._spinner: Timer | None = None
        self._frame = 0

    @property
    def running(self) -> bool:
        return self._cancel is not None

    @property
    def settled(self) -> bool:
        """Nothing to wait for: no check running and none about to start."""
        return self._timer is None and self._cancel is None

    def schedule(self) -> None:
        """The files on disk changed (a save, a new file, a fix written to disk): check again after a pause."""
        self._stop_running()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.screen.set_timer(self.DELAY, self.start)

    def start(self) -> None:
        self._timer = None
        self._stop_running()
        self.generation += 1
        self._cancel = threading.Event()
        self.resolved = None  # its line numbers may not match the saved files any more
        self._frame = 0
        self.line = InstallLine("checking", f"{SPINNER[0]} checking…")
        self._spinner = self.screen.set_interval(self.SPIN_EVERY, self._spin)
        self.screen.run_worker(self._check(self.generation, self._cancel), thread=True, exclusive=True,
                               group="install-check", exit_on_error=False)
        self.screen.install_changed()

    def _check(self, generation: int, cancel: threading.Event):
        from wizard.core.environment.engine import analyse
        from wizard.core.environment.install.report import resolve

        project, index = self.screen.state.project, self.screen.state.config.package_index
        screen = self.screen

        def work() -> None:
            try:
                report = analyse(project)
                resolved = resolve(project, report.detection, report.diagnostics, index_url=index, cancel=cancel)
            except Exception as error:  # a bug in the check must not cost the step: said in the row instead
                screen.post_message(self.Checked(generation, None, type(error).__name__))
                return
            screen.post_message(self.Checked(generation, resolved))

        return work

    def take(self, message: Checked) -> bool:
        """A finished check's answer; False when a newer check made it stale."""
        if message.generation != self.generation:
            return False
        self._stop_spinner()
        self._cancel = None
        if message.resolved is None:
            self.line = InstallLine("skipped", f"not checked (the check failed: {message.error}; please report it)")
            return True
        from wizard.core.environment.install.report import summary

        self.resolved = message.resolved
        status, words = summary(message.resolved.result, short=True)
        self.line = InstallLine(status, words)
        return True

    def _spin(self) -> None:
        self._frame = (self._frame + 1) % len(SPINNER)
        self.line = InstallLine("checking", f"{SPINNER[self._frame]} checking…")
        self.screen.install_changed(layout=False)

    def joined(self, findings: tuple[Diagnostic, ...], unsaved: set[str]) -> tuple[Diagnostic, ...]:
        """`findings` with the install check's added, leaving out those on files with unsaved edits."""
        if self.resolved is None:
            return findings
        joined = self.resolved.diagnostics(findings)  # `findings` (one note told more), then the check's own
        head, added = joined[:len(findings)], joined[len(findings):]
        return head + tuple(d for d in added if d.file not in unsaved)

    def _stop_spinner(self) -> None:
        if self._spinner is not None:
            self._spinner.stop()
            self._spinner = None

    def _stop_running(self) -> None:
        if self._cancel is not None:
            self._cancel.set()  # the worker's uv is killed; its answer (if any) is stale by generation
            self._cancel = None
        self._stop_spinner()

    def stop(self) -> None:
        """Leaving the app: nothing keeps running."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._stop_running()
