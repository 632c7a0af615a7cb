"""The build's phase stepper: waiting → fetching → building → built → launching → ready, with time per phase."""

from __future__ import annotations

import time

from textual.content import Content
from textual.widgets import Static

STEPS = ("waiting", "fetching", "building", "built", "launching", "ready")
# Phases that move the stepper. Others (unknown, FakeBuild's pending/running/succeed) stay in the current step.
STEP_OF = {"waiting": 0, "fetching": 1, "building": 2, "pushing": 2, "built": 3, "launching": 4, "ready": 5}

clock = time.monotonic  # replaced by tests that take snapshots


def _seconds(value: float) -> str:
    minutes, seconds = divmod(int(value), 60)
    return f"{minutes}m{seconds:02d}s" if minutes else f"{seconds}s"


class LaunchPhases(Static):
    DEFAULT_CSS = "LaunchPhases { height: auto; padding: 0 1; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.step: int | None = None  # index into STEPS, None before the first event
        self.started: dict[int, float] = {}
        self.ended: dict[int, float] = {}
        self.result: str | None = None  # "ready", "failed", "cancelled"

    def on_mount(self) -> None:
        self.update(self.line())
        self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        if self.step is not None and self.result is None:
            self.update(self.line())

    def reset(self) -> None:
        self.step, self.result = None, None
        self.started.clear()
        self.ended.clear()
        self.update(self.line())

    def enter(self, phase: str) -> None:
        target = STEP_OF.get(phase)
        if phase == "failed":
            self.finish("failed")
            return
        if self.step is None:
            target = 0 if target is None else target
        if target is None or target == self.step:
            return
        now = clock()
        if self.step is not None:
            self.ended[self.step] = now
        self.step = target
        self.started[target] = now
        if phase == "ready":
            self.finish("ready")
            return
        self.update(self.line())

    def finish(self, result: str) -> None:
        now = clock()
        if self.step is not None and self.step not in self.ended:
            self.ended[self.step] = now
        if self.step is None and result == "failed":
            self.step = 0
            self.started[0] = self.ended[0] = now
        self.result = result
        self.update(self.line())

    def line(self) -> Content:
        parts: list[Content] = []
        for index, name in enumerate(STEPS):
            if index in self.started and name != "ready":
                seconds = self.ended.get(index, clock()) - self.started[index]
                label = f"{name} {_seconds(seconds)}"
            else:
                label = name
            if index == self.step and self.result == "failed":
                part = Content.styled(f"✗ {label}", "bold $text-error")
            elif index == self.step and self.result == "cancelled":
                part = Content.styled(f"■ {label}", "bold $text-warning")
            elif index == self.step and self.result != "ready":
                part = Content.styled(f"● {label}", "bold $accent")
            elif self.step is not None and index < self.step and index not in self.started:
                part = Content.styled(f"– {label}", "$text-muted")  # skipped: no event of it came (a cached image)
            elif self.step is not None and index <= self.step:
                part = Content.styled(f"✓ {label}", "$text-success")
            else:
                part = Content.styled(f"○ {label}", "$text-muted")
            parts.append(part)
        return Content("  ").join(parts)
