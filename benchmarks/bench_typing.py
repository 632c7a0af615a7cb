"""Typing latency in step 1: keystrokes into a 1,000-line environment.yml, through Textual's pilot.

Headline — typing while the analysis runs. Keys are paced past the 0.25 s debounce, so every key starts
an analysis (detection + validators on the 1,000-line file, in the worker thread), and the next key is
pressed as soon as that analysis is running: each measured key lands while an analysis is going on.
The baseline types the same keys with the same pauses and live validation off. Reports the median and
90th-percentile time for a key to be handled (pilot.press: the key event processed and the screen
updated), the ratio to the baseline (target <= 1.2), and how many keys really overlapped an analysis.

Also, for comparison, a burst of 200 keys with no pauses, three ways, interleaved:
  * off      — live validation switched off (EnvironmentScreen.live_validation = False): the baseline;
  * burst    — the product as shipped; keys come faster than the debounce, so no analysis runs until
               the burst ends (this only shows that the debounce holds, not the cost of analysing);
  * eager    — the debounce delay set to 1 ms, so every keystroke starts a full analysis.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

KEYS = 200
PACED_KEYS = 40
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


async def type_paced(project: Path, live: bool) -> tuple[list[float], int]:
    """Per-key seconds for PACED_KEYS keys pressed past the debounce; with `live`, each while an analysis runs.
    Also returns how many keys were pressed while an analysis was running."""
    from textual.worker import WorkerState

    from wizard.core.common.config import Config
    from wizard.tui.app import WizardApp
    from wizard.tui.environment.screen import EnvironmentScreen

    (project / "environment.yml").write_text(environment_yml())
    EnvironmentScreen.live_validation = live
    EnvironmentScreen.VALIDATION_DELAY = 0.25
    app = WizardApp(project, config=Config())
    app.animation_level = "none"
    keys = keys_to_type()[:PACED_KEYS]
    latencies, overlapped = [], 0
    async with app.run_test(size=(110, 34)) as pilot:
        await pilot.press("ctrl+n")
        await app.workers.wait_for_complete()
        await pilot.pause()
        editor = app.screen.buffers["environment.yml"].editor
        editor.focus()
        editor.move_cursor((500, 0))
        await pilot.pause()
        screen = app.screen
        started = []  # the analysis worker each debounce timer started, in order
        validate_now = screen.validate_now

        def recording_validate_now():
            validate_now()  # creates the worker; it is removed from app.workers only later, on the loop
            started.append([w for w in app.workers if w.group == "env-analysis"][-1])

        screen.validate_now = recording_validate_now  # the timer looks the method up on the screen
        for index, key in enumerate(keys):
            running = None
            if index and live:  # wait until the analysis the previous key started is under way
                deadline = time.perf_counter() + 10
                while len(started) < index and time.perf_counter() < deadline:
                    await asyncio.sleep(0.0005)
                assert len(started) >= index, f"no analysis started after a pause past the debounce (key {index})"
                running = started[-1]
            elif index:
                await asyncio.sleep(EnvironmentScreen.VALIDATION_DELAY)  # the same pause, nothing runs
            overlapped += running is not None and running.state in (WorkerState.PENDING, WorkerState.RUNNING)
            start = time.perf_counter()
            await pilot.press(key)
            latencies.append(time.perf_counter() - start)
        await app.workers.wait_for_complete()
        assert editor.text.count("numpy scipy") >= 1, "the keys did not reach the editor"
    return latencies, overlapped


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


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
    paced: dict[bool, list[float]] = {False: [], True: []}
    overlapped = 0
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        project.mkdir()
        asyncio.run(type_once(project, "off"))  # warm imports and caches
        for _ in range(ROUNDS):  # interleaved, so machine noise hits all alike
            for live in (False, True):
                latencies, hits = asyncio.run(type_paced(project, live))
                paced[live] += latencies
                overlapped += hits if live else 0
            for mode in results:
                results[mode].append(asyncio.run(type_once(project, mode)))
        analysis = time_one_analysis(project)
    base, live = statistics.median(paced[False]), statistics.median(paced[True])
    base90, live90 = percentile(paced[False], 0.9), percentile(paced[True], 0.9)
    keys = len(paced[True])
    print(f"typing while the analysis runs (1,000-line environment.yml, {keys} keys paced past the 0.25 s "
          f"debounce, {ROUNDS} runs):")
    print(f"  validation off, same pauses: {base * 1000:6.1f} ms per key (p90 {base90 * 1000:.1f} ms) (baseline)")
    print(f"  live, analysis running     : {live * 1000:6.1f} ms per key (p90 {live90 * 1000:.1f} ms), "
          f"ratio {live / base:.2f} [p90 {live90 / base90:.2f}] (target <= 1.2)")
    print(f"  keys pressed while an analysis was running: {overlapped}/{keys - ROUNDS} "
          f"(the first key of each run has none before it)")
    print(f"  one analysis of the project: {analysis * 1000:.1f} ms (runs in a worker thread)")
    off, burst, eager = (statistics.median(results[m]) for m in ("off", "live", "eager"))
    print(f"for comparison, a burst of {KEYS} keys with no pauses (median of {ROUNDS} runs):")
    print(f"  validation off : {off * 1000:6.1f} ms per keystroke (baseline)")
    print(f"  as shipped     : {burst * 1000:6.1f} ms per keystroke, ratio {burst / off:.2f} "
          "(no analysis runs during a burst: the debounce waits for a pause)")
    print(f"  eager (analysis per key): {eager * 1000:5.1f} ms per keystroke, ratio {eager / off:.2f} (worst case)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
