"""Benchmark: `binder-wizard workshop warm` on a 3-member fake federation (tests/servers/federation.py).

Each member replays the captured build stream with its own build time (pauses between the events: 1.0,
1.5 and 2.0 s by default). Measured end to end through the command, in the same run:
  * each member alone (`--members URL`): the slowest of the three is the baseline;
  * the whole federation (`--hub REDIRECTOR`, members read from /active_hosts).
Members are warmed in parallel, so the whole should take about as long as the slowest one:
target ratio ≤ 1.2. Prints the median of --repeat runs; exits 1 when the target is missed.

Run: .venv/bin/python benchmarks/bench_workshop.py [--repeat R] [--build-seconds A,B,C]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET = 1.2
BUILD = "gh/teach-org/lesson-env/HEAD"


def slow_build(seconds: float) -> list:
    """The captured stream with `seconds` of building spread over its building events."""
    from tests.servers.hub_server import Sleep, captured_events

    events = captured_events("ready-gh-fake-build.txt")
    building = [i for i, event in enumerate(events) if b'"Building"' in event] or [1]
    out: list = []
    for i, event in enumerate(events):
        if i in building:
            out.append(Sleep(seconds / len(building)))
        out.append(event)
    return out


def project(root: Path) -> Path:
    root.mkdir()
    (root / "requirements.txt").write_text("nbgitpuller\n")
    for args in (("init", "-q", "-b", "main"), ("remote", "add", "origin", "https://github.com/teach-org/lesson-env")):
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)
    return root


def warm(*args: str) -> float:
    from wizard.cli import main

    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.redirect_stderr(io.StringIO()):
        code = main(["workshop", "warm", *args, "--format", "json"])
    elapsed = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"warm failed: {out.getvalue()}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--build-seconds", default="1.0,1.5,2.0")
    args = parser.parse_args()
    seconds = [float(s) for s in args.build_seconds.split(",")]
    os.environ["BINDER_WIZARD_CONFIG"] = os.devnull  # never the developer's settings

    from tests.servers.federation import Federation

    names = tuple(f"member{i + 1}" for i in range(len(seconds)))
    fed = Federation(names, keepalive=25.0, hold_after_ready=60.0).start()
    ratios, singles_runs, alls = [], [], []
    try:
        for name, build_seconds in zip(names, seconds):
            fed[name].add_build(BUILD, slow_build(build_seconds))
        with tempfile.TemporaryDirectory() as temp:
            folder = str(project(Path(temp) / "lesson-env"))
            for _ in range(args.repeat):
                singles = [warm(folder, "--members", fed[name].url) for name in names]
                whole = warm(folder, "--hub", fed.url)
                singles_runs.append(singles)
                alls.append(whole)
                ratios.append(whole / max(singles))
    finally:
        fed.stop()
    ratio = statistics.median(ratios)
    print(f"members' build times: {', '.join(f'{s:.1f} s' for s in seconds)}; {args.repeat} runs")
    for name, i in zip(names, range(len(names))):
        print(f"  {name} alone: {statistics.median(run[i] for run in singles_runs):.2f} s")
    print(f"  all {len(names)} members (parallel, via /active_hosts): {statistics.median(alls):.2f} s")
    print(f"ratio to the slowest member alone: {ratio:.3f} (target ≤ {TARGET})")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
