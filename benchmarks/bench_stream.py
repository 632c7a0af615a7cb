"""Benchmark: a 100,000-line build log streamed from the local BinderHub test server.

Compares, on the same stream in the same run:
  * baseline — a bare httpx-sse consumer (aconnect_sse + aiter_sse + json.loads, stop at ready);
  * core     — wizard.core.launch.binderhub_adapter.BuildStream (phases, safe text, stall watch, queue hand-off);
  * screen   — the Launch screen headless (Textual run_test): phases, the log in its bounded Log widget.
Prints wall-clock ratios against the baseline (target ≤ 2) and the client's peak Python memory
(tracemalloc) at 10,000 and 100,000 lines, which should not grow with the log (bounded memory).

Run: .venv/bin/python benchmarks/bench_stream.py [--lines N] [--repeat R] [--no-screen]
The server runs in a child process so its work and memory are not counted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def make_events(lines: int) -> list[bytes]:
    from tests.servers.hub_server import sse

    events = [sse({"phase": "waiting", "message": "Waiting for build to start...\n"}),
              sse({"message": "Picked Git content provider.\n"}, forwarded=True)]
    for n in range(lines):
        if n % 10 == 0:
            events.append(sse({"message": f"Step {n // 10}/{lines // 10} : RUN pip install package-{n}==1.{n % 97}\n",
                               "phase": "building"}, forwarded=True))
        else:
            events.append(sse({"message": f"  Downloading package_{n}-1.{n % 97}.0-py3-none-any.whl "
                                          f"({n % 900 + 100} kB)\n"}, forwarded=True))
    events.append(sse({"phase": "built", "message": "Built image, launching...\n"}))
    events.append(sse({"phase": "launching", "message": "Launching server...\n"}))
    events.append(sse({"phase": "ready", "message": "server running at http://127.0.0.1:8000/user/x/\n",
                       "url": "http://127.0.0.1:8000/user/x/", "token": "t"}))
    return events


def serve(lines: int, ports) -> None:
    from tests.servers.hub_server import HubServer

    server = HubServer(coalesce=True, hold_after_ready=600).start()
    server.add_build("gh/me/demo/HEAD", make_events(lines))
    ports.put(server.port)
    time.sleep(3600)


async def bare_consumer(url: str) -> int:
    import httpx
    from httpx_sse import aconnect_sse

    count = 0
    async with httpx.AsyncClient(timeout=httpx.Timeout(10.0, read=None)) as client:
        async with aconnect_sse(client, "GET", url + "build/gh/me/demo/HEAD") as source:
            async for sse in source.aiter_sse():
                event = json.loads(sse.data)
                count += 1
                if (event.get("phase") or "").lower() in ("ready", "failed"):
                    break
    return count


async def core_consumer(url: str) -> int:
    from wizard.core.launch.binderhub_adapter import BuildStream

    stream = BuildStream(url, "gh", "me/demo/HEAD")
    count = 0
    async for _ in stream.events():
        count += 1
    assert stream.outcome.result == "ready", stream.outcome
    return count


def screen_consumer(url: str, project: Path, measure_memory: bool = False) -> tuple[int, float, float, float]:
    """The Launch screen headless (Textual run_test) building from the hub: (log lines kept, seconds from
    pressing Launch until the screen shows the result, peak traced memory in MB or 0, CPU seconds)."""
    import subprocess

    from wizard.core.common.config import Config
    from wizard.tui.app import WizardApp
    from wizard.tui.common.step_screen import StepScreen
    from wizard.tui.launch.screen import LaunchScreen
    from wizard.tui.launch.log_view import BuildLogView

    subprocess.run(["git", "init", "-q", str(project)], check=True)
    subprocess.run(["git", "-C", str(project), "remote", "add", "origin", "https://github.com/me/demo.git"],
                   check=True)
    app = WizardApp(project, config=Config(hub_url=url, stall_warning_seconds=600))
    result: list = []

    async def drive() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            app.screen.post_message(StepScreen.Navigate(3))
            give_up = time.monotonic() + 60
            while not (isinstance(app.screen, LaunchScreen) and app.screen.target is not None):
                if time.monotonic() > give_up:
                    raise SystemExit("the Launch screen did not find the project's target")
                await app.workers.wait_for_complete()
                await pilot.pause()
            screen = app.screen
            if measure_memory:
                tracemalloc.start()
            # Time the app's work, not the test driver's: the Launch action directly (pilot.press costs ~60 ms)
            # and a light poll for the result (pilot.pause forces extra repaints).
            started, started_cpu = time.perf_counter(), time.process_time()
            screen.action_launch()
            while screen.outcome is None:
                await asyncio.sleep(0.005)
            seconds, cpu = time.perf_counter() - started, time.process_time() - started_cpu
            peak = tracemalloc.get_traced_memory()[1] / 2**20 if measure_memory else 0.0
            tracemalloc.stop()
            assert screen.outcome.result == "ready", screen.outcome
            result.extend([len(screen.query_one(BuildLogView).lines), seconds, peak, cpu])

    asyncio.run(drive())
    return tuple(result)


def timed(coro_factory, repeat: int) -> tuple[float, float, int]:
    """Best wall-clock and best CPU seconds (all threads of this process) over `repeat` runs."""
    best, best_cpu, count = float("inf"), float("inf"), 0
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        count = asyncio.run(coro_factory())
        best = min(best, time.perf_counter() - started)
        best_cpu = min(best_cpu, time.process_time() - started_cpu)
    return best, best_cpu, count


def peak_memory(coro_factory) -> float:
    tracemalloc.start()
    asyncio.run(coro_factory())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def start_server(lines: int):
    ctx = multiprocessing.get_context("spawn")
    ports = ctx.Queue()
    process = ctx.Process(target=serve, args=(lines, ports), daemon=True)
    process.start()
    return process, f"http://127.0.0.1:{ports.get(timeout=60)}/"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-screen", action="store_true")
    args = parser.parse_args()

    import tempfile

    process, url = start_server(args.lines)
    small_process, small_url = start_server(args.lines // 10)
    big_process, big_url = start_server(args.lines * 3)  # memory must not grow with the log
    try:
        # Rounds interleave the three consumers, so a burst of load from elsewhere hits all of them alike;
        # the best round of each is reported.
        best = {"bare": [float("inf")] * 2, "core": [float("inf")] * 2, "screen": [float("inf")] * 2}
        counts, shown = {}, 0
        with tempfile.TemporaryDirectory() as folder:
            for round_ in range(args.repeat):
                for name, factory in (("bare", lambda: bare_consumer(url)), ("core", lambda: core_consumer(url))):
                    wall, cpu, counts[name] = timed(factory, 1)
                    best[name] = [min(best[name][0], wall), min(best[name][1], cpu)]
                if not args.no_screen:
                    shown, wall, _, cpu = screen_consumer(url, Path(folder) / f"run{round_}")
                    best["screen"] = [min(best["screen"][0], wall), min(best["screen"][1], cpu)]
            assert counts["bare"] == counts["core"], counts
            (bare, bare_cpu), (core, core_cpu) = best["bare"], best["core"]
            print(f"events: {counts['core']} ({args.lines} log lines); best of {args.repeat} interleaved rounds; "
                  "CPU-time ratios too, as the machine may be shared")
            print(f"bare httpx-sse consumer: {bare:.3f} s wall, {bare_cpu:.3f} s CPU  "
                  f"({counts['bare'] / bare:,.0f} events/s)")
            print(f"core BuildStream:        {core:.3f} s wall, {core_cpu:.3f} s CPU  ratio {core / bare:.2f} wall, "
                  f"{core_cpu / bare_cpu:.2f} CPU (target <= 2)")
            mems = [peak_memory(lambda u=u: core_consumer(u)) for u in (small_url, url, big_url)]
            bare_mem = peak_memory(lambda: bare_consumer(url))
            print(f"core peak memory: {mems[0]:.1f} / {mems[1]:.1f} / {mems[2]:.1f} MB at {args.lines // 10:,} / "
                  f"{args.lines:,} / {args.lines * 3:,} lines (bare consumer: {bare_mem:.1f} MB)")
            if not args.no_screen:
                seconds, cpu = best["screen"]
                peaks = [screen_consumer(u, Path(folder) / f"mem{n}", measure_memory=True)[2]
                         for n, u in enumerate((small_url, url, big_url))]
                print(f"Launch screen headless:  {seconds:.3f} s wall, {cpu:.3f} s CPU  ratio {seconds / bare:.2f} "
                      f"wall, {cpu / bare_cpu:.2f} CPU (target <= 2); the log keeps the last {shown} lines")
                print(f"screen peak memory during the build: {peaks[0]:.1f} / {peaks[1]:.1f} / {peaks[2]:.1f} MB at "
                      f"{args.lines // 10:,} / {args.lines:,} / {args.lines * 3:,} lines")
    finally:
        for child in (process, small_process, big_process):
            child.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
