"""binder-wizard requirements vs pipreqs: time, precision and recall on the same trees.

    .venv/bin/python benchmarks/bench_requirements.py [--quick]     (about 3 minutes; --quick: 1)

Trees: the labelled corpus (tests/fixtures/deps/*, truth = expected.txt) and a generated tree of
more than 5,000 files (truth known by construction). binder-wizard runs twice: with an empty
project environment (the pipx case: none of the packages installed) and with an environment
that has them (a venv made here with .dist-info metadata). pipreqs runs as
`pipreqs --print --scan-notebooks --mode no-pin` from its own venv (benchmarks/.venv-pipreqs,
git-ignored, created on first run). pipreqs asks PyPI about every name it does not know; there is
no internet here, so it is pointed (--pypi-server) at a stand-in on 127.0.0.1 that answers "exists"
for every real PyPI project name (the full name list when available, else binder-wizard's
popular list) — instant answers, so pipreqs' timings are if anything flattered.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "deps"
PIPREQS_VENV = ROOT / "benchmarks" / ".venv-pipreqs"
PYPI_NAMES = Path(os.environ.get("BENCH_PYPI_NAMES", "/work/.library/env/packages/pypi.tsv"))

sys.path.insert(0, str(ROOT))
from wizard.core.environment.deps.names import MISMATCHES, normalise, popular_distributions  # noqa: E402


# ----------------------------------------------------------------------------- tools


def ensure_pipreqs() -> Path | None:
    exe = PIPREQS_VENV / "bin" / "pipreqs"
    if exe.exists():
        return exe
    try:
        subprocess.run([sys.executable, "-m", "venv", str(PIPREQS_VENV)], check=True)
        subprocess.run([str(PIPREQS_VENV / "bin" / "pip"), "install", "-q", "pipreqs"], check=True, timeout=600)
    except (subprocess.SubprocessError, OSError) as error:
        print(f"pipreqs could not be installed ({error}); reporting binder-wizard alone")
        return None
    return exe if exe.exists() else None


class _PyPIStandIn(BaseHTTPRequestHandler):
    names: set[str] = set()

    def do_GET(self):  # noqa: N802 (http.server API)
        match = re.fullmatch(r"/([^/]+)/json/?", self.path)
        name = normalise(match.group(1)) if match else ""
        if name in self.names:
            body = json.dumps({"info": {"name": match.group(1), "version": "1.0", "package_url": "",
                                        "summary": ""}, "releases": {}}).encode()
            self.send_response(200)
        else:
            body = b'{"message": "Not Found"}'
            self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def start_pypi_stand_in() -> tuple[str, str]:
    if PYPI_NAMES.is_file():
        with open(PYPI_NAMES, encoding="utf-8") as handle:
            next(handle)
            _PyPIStandIn.names = {normalise(line.split("\t", 1)[0]) for line in handle}
        source = f"{len(_PyPIStandIn.names):,} PyPI project names"
    else:
        _PyPIStandIn.names = set(popular_distributions())
        source = f"{len(_PyPIStandIn.names):,} popular names only (full PyPI name list not found)"
    server = ThreadingHTTPServer(("127.0.0.1", 0), _PyPIStandIn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", source


def run_pipreqs(exe: Path, tree: Path, pypi: str) -> tuple[set[str] | None, float]:
    start = time.perf_counter()
    done = subprocess.run([str(exe), "--print", "--scan-notebooks", "--mode", "no-pin", "--pypi-server", pypi,
                           str(tree)], capture_output=True, text=True, timeout=1800)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        return None, elapsed
    names = {normalise(line.split("==")[0].strip()) for line in done.stdout.splitlines()
             if line.strip() and not line.startswith(("#", "INFO", "WARNING"))}
    return names, elapsed


def run_wizard(tree: Path, python: Path) -> tuple[set[str], float]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "wizard", "requirements", str(tree), "--pin", "none",
                           "--python", str(python)], capture_output=True, text=True, cwd=ROOT, timeout=1800)
    elapsed = time.perf_counter() - start
    assert done.returncode == 0, done.stderr
    return {normalise(line) for line in done.stdout.splitlines() if line and not line.startswith("#")}, elapsed


# ----------------------------------------------------------------------------- environments

# Import names of the packages used in the trees (facts about those packages, to build a venv that has them).
_NAMESPACE_FILES = {
    "google-cloud-storage": "google/cloud/storage", "google-cloud-bigquery": "google/cloud/bigquery",
    "google-auth": "google/auth", "protobuf": "google/protobuf", "azure-storage-blob": "azure/storage/blob",
    "azure-identity": "azure/identity", "zope-interface": "zope/interface", "matplotlib": "matplotlib",
}


def make_env(folder: Path, distributions: set[str]) -> Path:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    site = next(folder.glob("lib/python*/site-packages"))
    by_dist: dict[str, list[str]] = {}
    for import_name, dist in MISMATCHES.items():
        if dist and "." not in import_name:
            by_dist.setdefault(normalise(dist), []).append(import_name)
    for dist in sorted(distributions):
        if dist in _NAMESPACE_FILES:
            packages = [_NAMESPACE_FILES[dist]]
        else:
            packages = by_dist.get(dist, [dist.replace("-", "_")])
        info = site / f"{dist.replace('-', '_')}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
        (info / "RECORD").write_text("".join(f"{p}/__init__.py,,\n" for p in packages))
    return folder


# ----------------------------------------------------------------------------- the generated tree

THIRD_PARTY = [  # (import statement, distribution)
    ("import numpy as np", "numpy"), ("import pandas as pd", "pandas"),
    ("import matplotlib.pyplot as plt", "matplotlib"),
    ("from sklearn.model_selection import train_test_split", "scikit-learn"), ("import cv2", "opencv-python"),
    ("from PIL import Image", "pillow"), ("import yaml", "pyyaml"), ("from bs4 import BeautifulSoup", "beautifulsoup4"),
    ("from skimage import io", "scikit-image"), ("from dateutil import parser", "python-dateutil"),
    ("import requests", "requests"), ("import scipy.stats", "scipy"), ("import seaborn as sns", "seaborn"),
    ("import xarray as xr", "xarray"), ("import torch", "torch"), ("import networkx as nx", "networkx"),
    ("from google.cloud import storage", "google-cloud-storage"), ("import statsmodels.api as sm", "statsmodels"),
    ("from Bio import SeqIO", "biopython"), ("import attr", "attrs"),
    ("from dotenv import load_dotenv", "python-dotenv"),
    ("import plotly.express as px", "plotly"), ("import h5py", "h5py"), ("import sympy", "sympy"),
    ("import tqdm", "tqdm"), ("import zmq", "pyzmq"), ("import git", "gitpython"), ("import fitz", "pymupdf"),
    ("from azure.storage.blob import BlobServiceClient", "azure-storage-blob"), ("import docx", "python-docx"),
    ("import dask.dataframe as dd", "dask"), ("import numba", "numba"), ("import polars as pl", "polars"),
    ("import jwt", "pyjwt"), ("import serial", "pyserial"), ("import geopandas as gpd", "geopandas"),
]
STDLIB = ["import os", "import sys", "import json", "import re", "from pathlib import Path", "import collections",
          "import itertools", "import logging", "from dataclasses import dataclass", "import typing"]


def generate_tree(root: Path, files: int = 5200, seed: int = 5) -> set[str]:
    rng = random.Random(seed)
    truth: set[str] = set()
    packages = [f"lab{i:02d}" for i in range(40)]
    for package in packages:
        (root / package).mkdir(parents=True)
        (root / package / "__init__.py").write_text("")
    (root / "utils.py").write_text("import os\n")
    for index in range(files):
        package = rng.choice(packages)
        lines = rng.sample(STDLIB, 3)
        for statement, dist in rng.sample(THIRD_PARTY, rng.randint(1, 3)):
            lines.append(statement)
            truth.add(dist)
        lines.append(f"from {rng.choice(packages)} import mod{rng.randint(0, 200):04d}")
        lines.append("from . import helpers" if index % 3 == 0 else "import utils")
        if index % 50 == 0:
            lines += ["from typing import TYPE_CHECKING", "if TYPE_CHECKING:", "    import mypy_boto3_s3"]
        if index % 70 == 0:
            lines += ["try:", "    import ujson as json", "except ImportError:", "    import json"]
        body = "\n".join(lines) + "\n\n" + "\n".join(f"def f{i}(x):\n    return x * {i}\n" for i in range(20))
        if index % 20 == 0:
            cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# Notebook"]},
                     {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                      "source": ["%matplotlib inline\n", "!ls data\n"] + [line + "\n" for line in lines]}]
            path = root / package / f"nb{index:04d}.ipynb"
            path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
        else:
            (root / package / f"mod{index:04d}.py").write_text(body)
    return truth


# ----------------------------------------------------------------------------- scoring


def score(found: set[str] | None, truth: set[str]) -> tuple[int, int, int]:
    found = found or set()
    return len(found & truth), len(found - truth), len(truth - found)


def pr(counts: tuple[int, int, int]) -> tuple[float, float]:
    tp, fp, fn = counts
    return (tp / (tp + fp) if tp + fp else 1.0), (tp / (tp + fn) if tp + fn else 1.0)


def add(a, b):
    return tuple(x + y for x, y in zip(a, b))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="a 1,000-file tree instead of 5,200 files")
    args = parser.parse_args()
    pipreqs = ensure_pipreqs()
    pypi, pypi_source = start_pypi_stand_in()
    print(f"pipreqs stand-in PyPI: {pypi_source}")
    work = Path(tempfile.mkdtemp(prefix="bench-requirements-"))
    try:
        cases = sorted(p for p in CORPUS.iterdir() if (p / "expected.txt").is_file())
        truths = {case.name: {normalise(line) for line in (case / "expected.txt").read_text().splitlines()
                              if line and not line.startswith("#")} for case in cases}
        big = work / "generated"
        big.mkdir()
        big_truth = generate_tree(big, 1000 if args.quick else 5200)
        file_count = sum(len(files) for _, _, files in os.walk(big))
        everything = set().union(*truths.values(), big_truth)
        empty = make_env(work / "env-empty", set())
        full = make_env(work / "env-full", everything)

        rows = []
        corpus = {"empty": (0, 0, 0), "full": (0, 0, 0), "pipreqs": (0, 0, 0)}
        corpus_time = {"empty": 0.0, "full": 0.0, "pipreqs": 0.0}
        readable = {"empty": (0, 0, 0), "pipreqs": (0, 0, 0)}
        pipreqs_failures = []
        for case in cases:
            truth = truths[case.name]
            for label, env in (("empty", empty), ("full", full)):
                found, seconds = run_wizard(case, env)
                corpus[label] = add(corpus[label], score(found, truth))
                corpus_time[label] += seconds
            if pipreqs:
                mine = score(run_wizard(case, empty)[0], truth)
                found, seconds = run_pipreqs(pipreqs, case, pypi)
                if found is None:
                    pipreqs_failures.append(case.name)
                else:  # the fairer view: only the trees pipreqs could read
                    readable["pipreqs"] = add(readable["pipreqs"], score(found, truth))
                    readable["empty"] = add(readable["empty"], mine)
                corpus["pipreqs"] = add(corpus["pipreqs"], score(found, truth))
                corpus_time["pipreqs"] += seconds
        rows.append(("corpus", len(cases), corpus, corpus_time))

        # The machine is shared: each tool's best of three runs on the big tree.
        big_counts, big_time = {}, {}
        for label, env in (("empty", empty), ("full", full)):
            runs = [run_wizard(big, env) for _ in range(3)]
            big_time[label] = min(seconds for _, seconds in runs)
            big_counts[label] = score(runs[0][0], big_truth)
        if pipreqs:
            runs = [run_pipreqs(pipreqs, big, pypi) for _ in range(3)]
            big_time["pipreqs"] = min(seconds for _, seconds in runs)
            if runs[0][0] is None:
                pipreqs_failures.append("generated tree")
            big_counts["pipreqs"] = score(runs[0][0], big_truth)
        rows.append((f"generated ({file_count:,} files)", 1, big_counts, big_time))

        print()
        print(f"{'trees':<28} {'tool':<34} {'time s':>8} {'precision':>10} {'recall':>8}")
        for title, _, counts, times in rows:
            for label, name in (("empty", "binder-wizard (pipx: no packages)"),
                                ("full", "binder-wizard (packages installed)"), ("pipreqs", "pipreqs")):
                if label not in counts:
                    continue
                precision, recall = pr(counts[label])
                print(f"{title:<28} {name:<34} {times[label]:>8.2f} {precision:>10.3f} {recall:>8.3f}")
            if "pipreqs" in times:
                print(f"{'':<28} {'speed-up vs pipreqs (pipx case)':<34} {times['pipreqs'] / times['empty']:>7.1f}x")
        if pipreqs_failures:
            print(f"\npipreqs exited with an error on: {', '.join(pipreqs_failures)} (counted as finding nothing)")
        if pipreqs:
            readable_count = len(cases) - len([f for f in pipreqs_failures if f != "generated tree"])
            for label, name in (("empty", "binder-wizard (pipx: no packages)"), ("pipreqs", "pipreqs")):
                precision, recall = pr(readable[label])
                print(f"{'corpus, ' + str(readable_count) + ' trees pipreqs reads':<28} {name:<34} {'':>8} "
                      f"{precision:>10.3f} {recall:>8.3f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
