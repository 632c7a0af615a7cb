"""Will it install on Binder? The install check against pip itself, on the same files, in one run.

Two projects: a typical scientific requirements.txt (29 packages, runtime.txt python-3.11) and an
environment.yml whose dependencies are a pip: section of 10 packages (no conda packages, so Binder's default
Python 3.10 and no conda solve: the conda side has its own figures). Each side runs as a whole process, as a
user would run it:

* ours: detect + check_install (what `binder-wizard check --resolve` adds), against the real PyPI;
* pip:  pip install --dry-run --report - --ignore-installed --target T --only-binary=:all:
        --python-version 3.11 --platform <every manylinux tag Binder accepts> -r <the same requirements>.

Cold: empty caches on both sides (ours: a fresh cache folder, so uv's and the result cache are empty; pip: a
fresh --cache-dir). Warm: the same command again with the caches of the cold run.
Targets: warm >= 20x faster than pip (warm), cold <= 0.5x pip's time (cold).
This benchmark uses the network (PyPI, conda-forge); it is not a test.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

REQUIREMENTS = """\
numpy>=1.26
scipy==1.13.1
pandas>=2.1
matplotlib>=3.8
seaborn
scikit-learn==1.5.2
statsmodels
sympy
xarray
netCDF4
h5py
numba
dask
networkx
scikit-image
pillow
tqdm
requests
pyyaml
openpyxl
sqlalchemy
beautifulsoup4
lxml
joblib
pyarrow
plotly
bokeh
altair
ipywidgets
"""
PIP_SECTION = ["astropy", "emcee", "corner", "lmfit", "uncertainties", "pint", "iminuit", "healpy", "photutils",
               "specutils"]
ENVIRONMENT = "dependencies:\n  - pip:\n" + "".join(
    f"    - {name}\n" for name in PIP_SECTION)

OURS = """
import json, sys
from pathlib import Path
from wizard.core.environment.detection import detect
from wizard.core.environment.install import check_install
project = Path(sys.argv[1])
result = check_install(project, detect(project), cache_dir=Path(sys.argv[2]), timeout=300)
print(json.dumps({**result.resolution(), "from_cache": result.from_cache, "chosen": dict(result.chosen),
                  "problems": [d.code for d in result.diagnostics if d.severity != "info"]}))
"""


def run_ours(project: Path, cache: Path) -> tuple[float, dict]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", OURS, str(project), str(cache)], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"check_install failed:\n{done.stderr[-3000:]}")
    return seconds, json.loads(done.stdout.strip().splitlines()[-1])


def run_pip(requirements: Path, cache: Path, target: Path, python: str) -> tuple[float, dict]:
    from wizard.core.environment.install.binder_platform import linux_platforms

    command = [sys.executable, "-m", "pip", "install", "--dry-run", "--report", "-", "--ignore-installed",
               "--target", str(target), "--only-binary=:all:", "--python-version", python, "--quiet",
               "--disable-pip-version-check", "--cache-dir", str(cache), "-r", str(requirements)]
    for platform in linux_platforms():
        command += ["--platform", platform]
    # The same index as ours and nothing of this machine's pip setup (PIP_FIND_LINKS would be local wheels).
    env = {key: value for key, value in os.environ.items() if not key.startswith("PIP_") or key == "PIP_CERT"}
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=900)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"pip failed:\n{done.stderr[-3000:]}")
    report = json.loads(done.stdout)
    return seconds, {"packages": len(report["install"]),
                     "versions": {item["metadata"]["name"].lower(): item["metadata"]["version"]
                                  for item in report["install"]}}


def bench(name: str, files: dict[str, str], pip_requirements: str, python: str, repeat_cold: int,
          repeat_warm: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"bench-resolve-{name}-"))
    project = work / "project"
    project.mkdir()
    for rel, text in files.items():
        (project / rel).write_text(text, encoding="utf-8")
    requirements = work / "pip-requirements.txt"
    requirements.write_text(pip_requirements, encoding="utf-8")
    ours_cold, ours_warm, pip_cold, pip_warm = [], [], [], []
    answer = pip_answer = None
    try:
        for round_number in range(repeat_cold):
            cache = work / f"ours-cache-{round_number}"
            seconds, answer = run_ours(project, cache)
            ours_cold.append(seconds)
            for _ in range(repeat_warm if round_number == 0 else 0):
                seconds, warm_answer = run_ours(project, cache)
                assert warm_answer["from_cache"], warm_answer
                ours_warm.append(seconds)
            pip_cache = work / f"pip-cache-{round_number}"
            seconds, pip_answer = run_pip(requirements, pip_cache, work / f"target-{round_number}", python)
            pip_cold.append(seconds)
            for _ in range(repeat_warm if round_number == 0 else 0):
                pip_warm.append(run_pip(requirements, pip_cache, work / "target-warm", python)[0])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    figures = {
        "ours_cold": statistics.median(ours_cold), "pip_cold": statistics.median(pip_cold),
        "ours_warm": statistics.median(ours_warm), "pip_warm": statistics.median(pip_warm),
    }
    ours_versions = {key.lower().replace("_", "-"): value for key, value in answer["chosen"].items()}
    pip_versions = {key.replace("_", "-"): value for key, value in pip_answer["versions"].items()}
    # pip run by Python 3.11 with --python-version 3.10 does not apply Requires-Python from the files' metadata
    # (it picked pint 0.25.3, which needs 3.11): there pip on Binder, which runs 3.10, and uv agree; pip here not.
    differ = [f"{key} (ours {ours_versions.get(key)}, pip {pip_versions.get(key)})"
              for key in sorted(ours_versions.keys() | pip_versions.keys())
              if ours_versions.get(key) != pip_versions.get(key)]
    print(f"{name}: ours {answer['status']}, Python {answer['python']}, {answer['packages']} packages, "
          f"{(answer['download_bytes'] or 0) / 1e6:.0f} MB, problems {answer['problems']}; "
          f"pip {pip_answer['packages']} packages; versions that differ: {differ or 'none'}")
    print(f"  cold: ours {figures['ours_cold']:.2f} s   pip {figures['pip_cold']:.2f} s   "
          f"ratio {figures['ours_cold'] / figures['pip_cold']:.2f}x (target <= 0.5x)   "
          f"[ours {', '.join(f'{s:.2f}' for s in ours_cold)}; pip {', '.join(f'{s:.2f}' for s in pip_cold)}]")
    print(f"  warm: ours {figures['ours_warm']:.3f} s   pip {figures['pip_warm']:.2f} s   "
          f"{figures['pip_warm'] / figures['ours_warm']:.0f}x faster (target >= 20x)   "
          f"[ours {', '.join(f'{s:.3f}' for s in ours_warm)}; pip {', '.join(f'{s:.2f}' for s in pip_warm)}]",
          flush=True)
    return figures


def main() -> int:
    repeat_cold = int(os.environ.get("BENCH_RESOLVE_COLD", "2"))
    repeat_warm = int(os.environ.get("BENCH_RESOLVE_WARM", "3"))
    results = [
        bench("requirements.txt (29 packages)", {"requirements.txt": REQUIREMENTS, "runtime.txt": "python-3.11\n"},
              REQUIREMENTS, "3.11", repeat_cold, repeat_warm),
        bench("environment.yml pip: section (10 packages)", {"environment.yml": ENVIRONMENT},
              "".join(f"{name}\n" for name in PIP_SECTION), "3.10", repeat_cold, repeat_warm),
    ]
    ok = all(r["ours_cold"] <= 0.5 * r["pip_cold"] and r["pip_warm"] >= 20 * r["ours_warm"] for r in results)
    print("targets met" if ok else "targets NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
