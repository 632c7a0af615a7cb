"""Run every benchmark (or the ones named) and print their figures.

    python benchmarks/run.py              # all of them
    python benchmarks/run.py startup      # benchmarks/bench_startup.py only

Each bench_*.py measures its baseline in the same run and prints the ratio, so figures from
different machines can be compared.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main(names: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in names or s.stem in names]
    failed = 0
    for script in scripts:
        print(f"== {script.stem.removeprefix('bench_')} ==", flush=True)
        failed += subprocess.run([sys.executable, str(script)], cwd=HERE.parent).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
