"""binder-wizard requirements vs pipreqs: time, precision and recall on the same trees.

    .venv/bin/python benchmarks/bench_requirements.py [--quick]     (about 3 minutes; --quick: 1)

Precision and recall are reported on the LABELLED SET only (tests/fixtures/labelled/: 28 projects whose
labels were written by hand from the packages' own documentation before any tool ran on them; see its
README for how they were made and scored). The other two trees are regression checks, not accuracy:
the deps corpus (tests/fixtures/deps/*, truth = expected.txt, which are golden outputs of the
implementation, so it agrees with itself by construction) and a generated tree of more than 5,000 files
(truth known by construction, but built only from imports in the implementation's own tables): their
figures are printed as "agreement" and are there for timing and to catch regressions.

binder-wizard runs twice: with an empty project environment (the pipx case: none of the packages
installed) and with an environment that has them (a venv made here with .dist-info metadata). pipreqs
runs as `pipreqs --print --scan-notebooks --mode no-pin` from its own venv (benchmarks/.venv-pipreqs,
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
LABELLED = ROOT / "tests" / "fixtures" / "labelled"
PIPREQS_VENV = ROOT / "benchmarks" / ".venv-pipreqs"
PYPI_NAMES = Path(os.environ.get("BENCH_PYPI_NAMES", "/work/.library/env/packages/pypi.tsv"))

sys.path.insert(0, str(ROOT))
from wizard.core.environment.package_names import MISMATCHES, normalise, popular_distributions  # noqa: E402


# ----------------------------------------------------------------------------- tools


def ensure_pipreqs() -> Path | None:
    exe = PIPREQS_VENV / "bin" / "pipreqs"
    if exe.exists():
        return exe
    try:
        subprocess.run([sys.executable, "-m", "venv", str(PIPREQS_VENV)], check=True)
        subprocess.run([str(PIPREQS_VENV / "bin" / "pip"), "install", "-q", "pipreqs"], check=True, timeout=600,
                       capture_output=True)
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


# Top-level import names of the labelled set's distributions where they differ from the distribution's
# name (from each package's wheel, i.e. its RECORD / top_level.txt): facts about the packages written
# with the labels, not taken from binder-wizard's tables, so the "packages installed" run is independent.
LABELLED_FILES = {
    "matplotlib": ["matplotlib/__init__.py", "mpl_toolkits/mplot3d/__init__.py", "pylab.py"],
    "netcdf4": ["netCDF4/__init__.py"], "opencv-python": ["cv2/__init__.py"], "pillow": ["PIL/__init__.py"],
    "scikit-image": ["skimage/__init__.py"], "pyyaml": ["yaml/__init__.py", "_yaml/__init__.py"],
    "scikit-learn": ["sklearn/__init__.py"], "beautifulsoup4": ["bs4/__init__.py"],
    "python-dateutil": ["dateutil/__init__.py"], "google-cloud-storage": ["google/cloud/storage/__init__.py"],
    "google-cloud-bigquery": ["google/cloud/bigquery/__init__.py"],
    "google-auth": ["google/auth/__init__.py", "google/oauth2/__init__.py"],
    "google-api-python-client": ["googleapiclient/__init__.py", "apiclient/__init__.py"],
    "azure-storage-blob": ["azure/storage/blob/__init__.py"], "azure-identity": ["azure/identity/__init__.py"],
    "azure-core": ["azure/core/__init__.py"], "python-dotenv": ["dotenv/__init__.py"],
    "biopython": ["Bio/__init__.py", "BioSQL/__init__.py"], "gdal": ["osgeo/__init__.py", "osgeo_utils/__init__.py"],
    "plotly": ["plotly/__init__.py", "_plotly_utils/__init__.py"],
    "tensorflow-datasets": ["tensorflow_datasets/__init__.py"], "keras-tuner": ["keras_tuner/__init__.py"],
    "pymongo": ["pymongo/__init__.py", "bson/__init__.py", "gridfs/__init__.py"], "ipython-sql": ["sql/__init__.py"],
    "python-docx": ["docx/__init__.py"], "pymupdf": ["fitz/__init__.py", "pymupdf/__init__.py"],
    "python-magic": ["magic/__init__.py"], "python-pptx": ["pptx/__init__.py"], "pypdf2": ["PyPDF2/__init__.py"],
    "pyserial": ["serial/__init__.py"], "pyusb": ["usb/__init__.py"], "rpi-gpio": ["RPi/__init__.py"],
    "attrs": ["attr/__init__.py", "attrs/__init__.py"], "pyjwt": ["jwt/__init__.py"],
    "pycryptodome": ["Crypto/__init__.py"], "pyopenssl": ["OpenSSL/__init__.py"],
    "ruamel.yaml": ["ruamel/yaml/__init__.py"], "pytest": ["pytest/__init__.py", "_pytest/__init__.py"],
    "python-louvain": ["community/__init__.py"], "py3dmol": ["py3Dmol.py"], "pubchempy": ["pubchempy.py"],
    "soundfile": ["soundfile.py"], "prometheus-client": ["prometheus_client/__init__.py"],
    "zope.interface": ["zope/interface/__init__.py"], "psycopg2": ["psycopg2/__init__.py"],
    "cupy": ["cupy/__init__.py"],
}


def make_labelled_env(folder: Path, distributions: set[str]) -> Path:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    site = next(folder.glob("lib/python*/site-packages"))
    for dist in sorted(distributions):
        files = LABELLED_FILES.get(dist, [f"{re.sub(r'[-.]', '_', dist)}/__init__.py"])
        info = site / f"{re.sub(r'[-.]', '_', dist)}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
        (info / "RECORD").write_text("".join(f"{f},,\n" for f in files))
    return folder


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


def read_names(path: Path) -> list[list[str]]:
    """A labels file: one label a line, alternatives separated by '|', '#' comments."""
    if not path.is_file():
        return []
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [[normalise(name.strip()) for name in line.split("|")] for line in lines if line]


def labelled_cases() -> list[tuple[Path, list[set[str]], set[str]]]:
    """(project folder, labels as sets of alternatives, names that are fine either way) per case."""
    base = {name for alternatives in read_names(LABELLED / "binder-base.txt") for name in alternatives}
    cases = []
    for case in sorted(p for p in LABELLED.iterdir() if (p / "labels.txt").is_file()):
        optional = {name for alternatives in read_names(case / "optional.txt") for name in alternatives}
        cases.append((case / "project", [set(a) for a in read_names(case / "labels.txt")], optional | base))
    return cases


def score_labelled(found: set[str] | None, labels: list[set[str]], optional: set[str]) -> tuple[int, int, int]:
    """(true positives, false positives, false negatives) as tests/fixtures/labelled/README.md defines them."""
    found = found or set()
    hits = sum(1 for alternatives in labels if alternatives & found)
    allowed = set().union(*labels, optional)
    return hits, len(found - allowed), len(labels) - hits


def score(found: set[str] | None, truth: set[str]) -> tuple[int, int, int]:
    found = found or set()
    return len(found & truth), len(found - truth), len(truth - found)


def pr(counts: tuple[int, int, int]) -> tuple[float, float]:
    tp, fp, fn = counts
    return (tp / (tp + fp) if tp + fp else 1.0), (tp / (tp + fn) if tp + fn else 1.0)


def add(a, b):
    return tuple(x + y for x, y in zip(a, b))


TOOLS = (("empty", "binder-wizard (pipx: no packages)"), ("full", "binder-wizard (packages installed)"),
         ("pipreqs", "pipreqs"))


def bench_labelled(work: Path, pipreqs: Path | None, pypi: str) -> None:
    """The headline: precision and recall against labels written independently of the code."""
    cases = labelled_cases()
    installed = {alternatives[0] for case in LABELLED.iterdir() for name in ("labels.txt", "optional.txt")
                 for alternatives in read_names(case / name)}  # the first of alternatives, as a user would
    empty = make_labelled_env(work / "labelled-env-empty", set())
    full = make_labelled_env(work / "labelled-env-full", installed)
    totals = {label: (0, 0, 0) for label, _ in TOOLS}
    readable = {label: (0, 0, 0) for label, _ in TOOLS}  # only the projects pipreqs could read
    times = {label: 0.0 for label, _ in TOOLS}
    details: dict[str, list[str]] = {label: [] for label, _ in TOOLS}
    failures = []
    for project, labels, optional in cases:
        runs = {"empty": run_wizard(project, empty), "full": run_wizard(project, full)}
        if pipreqs:
            runs["pipreqs"] = run_pipreqs(pipreqs, project, pypi)
            if runs["pipreqs"][0] is None:
                failures.append(project.parent.name)
        for label, (found, seconds) in runs.items():
            counts = score_labelled(found, labels, optional)
            totals[label] = add(totals[label], counts)
            if project.parent.name not in failures:
                readable[label] = add(readable[label], counts)
            times[label] += seconds
            missed = sorted("|".join(sorted(a)) for a in labels if not a & (found or set()))
            wrong = sorted((found or set()) - set().union(*labels, optional))
            if missed or wrong:
                details[label].append(f"{project.parent.name}: " + "; ".join(
                    part for part in (f"missed {', '.join(missed)}" if missed else "",
                                      f"wrong {', '.join(wrong)}" if wrong else "") if part))
    n_labels = sum(len(labels) for _, labels, _ in cases)
    print(f"\nLABELLED SET: tests/fixtures/labelled, {len(cases)} projects, {n_labels} labels written from the "
          "packages' docs before any tool ran (the accuracy figures)")
    print(f"{'tool':<36} {'time s':>7} {'precision':>10} {'recall':>7}   {'found':>5} {'wrong':>5} {'missed':>6}")
    for label, name in TOOLS:
        if label == "pipreqs" and not pipreqs:
            continue
        precision, recall = pr(totals[label])
        tp, fp, fn = totals[label]
        print(f"{name:<36} {times[label]:>7.2f} {precision:>10.3f} {recall:>7.3f}   {tp:>5} {fp:>5} {fn:>6}")
    if failures:
        print(f"pipreqs exited with an error on: {', '.join(failures)} (counted as naming nothing above); "
              f"on the {len(cases) - len(failures)} projects it reads:")
        for label, name in TOOLS:
            precision, recall = pr(readable[label])
            print(f"{name:<36} {'':>7} {precision:>10.3f} {recall:>7.3f}")
    for label, name in TOOLS:
        if details[label]:
            print(f"  {name}, per project:")
            for line in details[label]:
                print(f"    {line}")


def bench_regression(work: Path, pipreqs: Path | None, pypi: str, quick: bool) -> None:
    """Agreement with the implementation's own golden outputs and tables, and the timing on >5,000 files."""
    cases = sorted(p for p in CORPUS.iterdir() if (p / "expected.txt").is_file())
    truths = {case.name: {normalise(line) for line in (case / "expected.txt").read_text().splitlines()
                          if line and not line.startswith("#")} for case in cases}
    big = work / "generated"
    big.mkdir()
    big_truth = generate_tree(big, 1000 if quick else 5200)
    file_count = sum(len(files) for _, _, files in os.walk(big))
    everything = set().union(*truths.values(), big_truth)
    empty = make_env(work / "env-empty", set())
    full = make_env(work / "env-full", everything)

    rows = []
    corpus = {"empty": (0, 0, 0), "full": (0, 0, 0), "pipreqs": (0, 0, 0)}
    corpus_time = {"empty": 0.0, "full": 0.0, "pipreqs": 0.0}
    pipreqs_failures = []
    for case in cases:
        truth = truths[case.name]
        for label, env in (("empty", empty), ("full", full)):
            found, seconds = run_wizard(case, env)
            corpus[label] = add(corpus[label], score(found, truth))
            corpus_time[label] += seconds
        if pipreqs:
            found, seconds = run_pipreqs(pipreqs, case, pypi)
            if found is None:
                pipreqs_failures.append(case.name)
            corpus["pipreqs"] = add(corpus["pipreqs"], score(found, truth))
            corpus_time["pipreqs"] += seconds
    rows.append((f"deps corpus ({len(cases)} trees)", corpus, corpus_time))

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
    rows.append((f"generated ({file_count:,} files)", big_counts, big_time))

    print("\nREGRESSION SETS (not accuracy): truth = the implementation's own golden outputs (deps corpus) or")
    print("trees built from imports in its own tables (generated); 'agree' = precision/recall against that")
    print(f"{'trees':<28} {'tool':<36} {'time s':>7} {'agree P':>8} {'agree R':>8}")
    for title, counts, times in rows:
        for label, name in TOOLS:
            if label not in counts:
                continue
            precision, recall = pr(counts[label])
            print(f"{title:<28} {name:<36} {times[label]:>7.2f} {precision:>8.3f} {recall:>8.3f}")
        if "pipreqs" in times:
            print(f"{'':<28} {'speed-up vs pipreqs (pipx case)':<36} {times['pipreqs'] / times['empty']:>6.1f}x")
    if pipreqs_failures:
        print(f"pipreqs exited with an error on: {', '.join(pipreqs_failures)} (counted as finding nothing)")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="a 1,000-file tree instead of 5,200 files")
    parser.add_argument("--labelled-only", action="store_true", help="only the labelled set (the accuracy figures)")
    args = parser.parse_args()
    pipreqs = ensure_pipreqs()
    pypi, pypi_source = start_pypi_stand_in()
    print(f"pipreqs stand-in PyPI: {pypi_source}")
    work = Path(tempfile.mkdtemp(prefix="bench-requirements-"))
    try:
        bench_labelled(work, pipreqs, pypi)
        if not args.labelled_only:
            bench_regression(work, pipreqs, pypi, args.quick)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
