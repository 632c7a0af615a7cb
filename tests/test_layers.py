"""The layer contracts in pyproject.toml hold, and each one really catches what it forbids."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    # --no-cache: a stale cache from another tree must never answer for this one.
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", str(tree / "pyproject.toml")],
                          cwd=tree, capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tree)})


def test_the_layer_contracts_hold():
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


@pytest.fixture(scope="module")
def clean_copy(tmp_path_factory) -> Path:
    tree = tmp_path_factory.mktemp("tree")
    shutil.copytree(ROOT / "wizard", tree / "wizard", ignore=shutil.ignore_patterns("__pycache__", "data", "demo"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    assert lint_imports(tree).returncode == 0  # so a broken contract below is the seeded line's doing
    return tree


SEEDED = [
    # (file to add a line to, the line, the contract that must break)
    ("wizard/core/common/fileio.py", "def _x():\n    import textual\n",
     "The core never imports Textual or Rich"),
    ("wizard/commands/check.py", "def _x():\n    import wizard.tui.app\n",
     "The app sits on the commands and the core; the core knows neither"),
    ("wizard/core/common/safe_text.py", "def _x():\n    import wizard.core.launch.links\n",
     "common imports no step slice"),
    ("wizard/core/launch/triage.py", "def _x():\n    import wizard.core.environment.catalog\n",
     "Other slices use environment only through its public API (its __init__)"),
    ("wizard/core/launch/triage.py", "def _x():\n    from wizard.core.publish import audit\n",
     "Other slices use publish only through its public API (its __init__)"),
    ("wizard/core/publish/audit.py", "def _x():\n    import wizard.core.launch.links\n",
     "Other slices use launch only through its public API (its __init__)"),
    ("wizard/core/publish/plan.py", "def _x():\n    import subprocess\n",
     "The publish plan and the audit run nothing: no git, no subprocess, no network"),
]


@pytest.mark.parametrize("path, line, contract", SEEDED, ids=[c for _, _, c in SEEDED])
def test_each_contract_catches_a_seeded_violation(clean_copy, tmp_path, path, line, contract):
    tree = tmp_path / "tree"
    shutil.copytree(clean_copy, tree)
    target = tree / path
    target.write_text(target.read_text() + "\n\n" + line)
    done = lint_imports(tree)
    assert done.returncode != 0
    broken = done.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken, done.stdout[-3000:]


# Modules that start processes or open connections; only modules named *_adapter.py may import them.
OUTSIDE_WORLD = ("subprocess", "socket", "httpx", "httpx_sse", "git", "rattler", "uv", "urllib.request",
                 "http.client", "asyncio.subprocess")


def outside_world_imports(source: str) -> set[str]:
    """Every module of OUTSIDE_WORLD the source imports, at any depth (functions included)."""
    import ast

    found = set()
    for node in ast.walk(ast.parse(source)):
        names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                 else [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level
                 else [])
        for name in names:
            found |= {world for world in OUTSIDE_WORLD if name == world or name.startswith(world + ".")}
    return found


def test_only_adapters_run_processes_or_talk_to_the_network():
    offenders = {str(path.relative_to(ROOT)): sorted(found)
                 for path in sorted((ROOT / "wizard" / "core").rglob("*.py"))
                 if not path.stem.endswith("_adapter") and (found := outside_world_imports(path.read_text()))}
    assert offenders == {}
    assert outside_world_imports("def f():\n    from subprocess import run\n") == {"subprocess"}
    assert outside_world_imports("import httpx.sse_thing\nimport gitdb\n") == {"httpx"}
