"""Typing latency in step 1: 200 keystrokes into a 1,000-line environment.yml, through Textual's pilot.

Measured three ways in the same run, interleaved so that machine noise hits all alike:
  * off      — live validation switched off (EnvironmentScreen.live_validation = False): the baseline;
  * live     — the product as shipped: validation re-runs in a thread when typing pauses (debounced);
  * eager    — worst case: the debounce delay set to 1 ms, so every keystroke starts a full analysis
               (detection + validators on the 1,000-line file) in the worker thread.
Reports the median time per keystroke and the ratio to the baseline (target: live / off <= 1.2).
Also reports how long one analysis of that project takes, for scale.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

KEYS = 200
ROUNDS = 3
TEXT = "numpy scipy pandas=2.2.3 # keep\n"  # letters, symbols, spaces and Enter


def environment_yml(lines: int = 1000) -> str:
    header = ["name: bench", "channels:", "  - conda-forge", "dependencies:", "  - python=3.12", "  - pip"]
    packages = [f"  - package-{i:04d}=1.{i % 10}.{i % 7}" for i in range(lines - len(header) - 2)]
    return "\n".join(header + packages + ["  - pip:", "    - example-pip-package==1.0.0"]) + "\n"


def keys_to_type() -> list[str]:
    names = {" ": "space", "\n": "enter", "=": "equals_sign", "#": "number_sign", ".": "full_stop",
             "-": "minus"}
    text = (TEXT * (KEYS // len(TEXT) + 1))[:KEYS]
    return [names.get(ch, ch) for ch in text]


async def type_once(project: Path, mode: str) -> float:
    """Seconds per keystroke for one run of 200 keys in `mode` (off, live, eager)."""
    from wizard.core.common.config import Config
    from wizard.tui.app import WizardApp
    from wizard.tui.environment.screen import EnvironmentScreen

    (project / "environment.yml").write_text(environment_yml())
    EnvironmentScreen.live_validation = mode != "off"
    EnvironmentScreen.VALIDATION_DELAY = 0.001 if mode == "eager" else 0.25
    app = WizardApp(project, config=Config())
    app.animation_level = "none"
    keys = keys_to_type()
    async with app.run_test(size=(110, 34)) as pilot:
        await pilot.press("ctrl+n")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        editor = screen.buffers["environment.yml"].editor
        editor.focus()
        editor.move_cursor((500, 0))
        await pilot.pause()
        start = time.perf_counter()
        await pilot.press(*keys)
        elapsed = time.perf_counter() - start
        await app.workers.wait_for_complete()
        assert editor.text.count("numpy scipy") >= KEYS // len(TEXT), "the keys did not reach the editor"
        if mode != "off":
            await pilot.pause()
            assert screen.analysis is not None
    return elapsed / len(keys)


def time_one_analysis(project: Path) -> float:
    from wizard.core.environment.engine import analyse

    text = environment_yml()
    runs = []
    for _ in range(20):
        start = time.perf_counter()
        analyse(project, {"environment.yml": text})
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    results: dict[str, list[float]] = {"off": [], "live": [], "eager": []}
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        project.mkdir()
        asyncio.run(type_once(project, "off"))  # warm imports and caches
        for _ in range(ROUNDS):
            for mode in results:
                results[mode].append(asyncio.run(type_once(project, mode)))
        analysis = time_one_analysis(project)
    off, live, eager = (statistics.median(results[m]) for m in ("off", "live", "eager"))
    print(f"typing into a 1,000-line environment.yml ({KEYS} keys, median of {ROUNDS} runs):")
    print(f"  validation off : {off * 1000:6.1f} ms per keystroke (baseline)")
    print(f"  live (debounced): {live * 1000:6.1f} ms per keystroke, ratio {live / off:.2f} (target <= 1.2)")
    print(f"  eager (every key): {eager * 1000:5.1f} ms per keystroke, ratio {eager / off:.2f} (worst case)")
    print(f"  one analysis of the project: {analysis * 1000:.1f} ms (runs in a worker thread)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
