"""The sample research project behind `binder-wizard --demo`.

It is deliberately imperfect, so every step has something to show: requirements.txt has a pip-freeze
local path, a Windows-only package and unpinned lines, and misses scipy, which helpers.py imports.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

SAMPLE = Path(__file__).parent / "sample"


def create_demo_project(parent: Path | None = None) -> Path:
    """Copy the sample into a new folder (outside the package) and return it."""
    target = Path(tempfile.mkdtemp(prefix="binder-wizard-demo-", dir=parent)) / "penguins"
    # A stray __pycache__ (from a tool that imported helpers.py) is not part of the sample.
    shutil.copytree(SAMPLE, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target
