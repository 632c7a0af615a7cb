"""Walking a project folder: which files are the project's code, and which names are its own modules.

Never scanned as project code: virtualenvs and conda envs (found by `pyvenv.cfg` / `conda-meta`,
whatever their folder is called), site-packages, .git and other hidden folders, node_modules,
__pycache__, .ipynb_checkpoints, build output. `setup.py` is skipped too: its imports are for
building the package, which repo2docker does itself.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from wizard.core.common.lazy_regex import lazy_compile
from wizard.core.environment.deps.declared import read_text
from wizard.core.environment.deps.sources import SCANNERS, FileScan, ImportSite, InstallSite, Location, scan_file
from wizard.core.common.fileio import FileTooLarge, read_file_bytes

SKIP_DIRS = frozenset({"node_modules", "__pycache__", "site-packages", "dist-packages", "__pypackages__",
                       "venv", "virtualenv", "htmlcov", "bower_components"})
SKIP_FILES = frozenset({"setup.py"})
# Bigger files are data or generated, not code a person wrote, and parsing them takes many seconds.
MAX_SOURCE_BYTES = 5_000_000
MAX_NOTEBOOK_BYTES = 64_000_000  # a notebook with huge saved outputs is still read
_MODULE_SUFFIXES = (".py", ".pyw", ".pyi", ".pyx", ".pxd", ".so", ".pyd")
_IDENTIFIER = lazy_compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _skip_dir(parent: str, name: str) -> bool:
    if name.startswith(".") or name in SKIP_DIRS or name.endswith(".egg-info"):
        return True
    if name in {"build", "dist"}:  # build output, not a folder of code called build
        try:
            return any(entry.startswith(("lib", "bdist")) or entry.endswith(".whl")
                       for entry in os.listdir(os.path.join(parent, name)))
        except OSError:
            return False
    return False


@dataclass
class ProjectScan:
    imports: list[ImportSite] = field(default_factory=list)
    installs: list[InstallSite] = field(default_factory=list)
    r_packages: list[tuple[str, Location]] = field(default_factory=list)
    local_modules: set[str] = field(default_factory=set)
    files_scanned: int = 0
    tolerant_files: list[str] = field(default_factory=list)  # did not parse; scanned line by line
    unreadable_files: list[str] = field(default_factory=list)  # no permission, a named pipe, a device...
    too_large_files: list[str] = field(default_factory=list)  # over MAX_SOURCE_BYTES / MAX_NOTEBOOK_BYTES: not scanned


def walk_project(root: Path):
    """(relative posix path, absolute path) of every code file, and the set of local module names.
    Plain strings, not pathlib, while walking: the walk is a third of the import scan's time otherwise."""
    local: set[str] = set()
    files: list[tuple[str, Path]] = []
    top = os.fspath(root)
    for folder, dirs, names in os.walk(top):
        rel_dir = folder[len(top):].lstrip(os.sep).replace(os.sep, "/")
        if rel_dir and ("pyvenv.cfg" in names or "conda-meta" in dirs):
            dirs[:] = []  # a virtualenv or conda environment, whatever it is called: not the project's code
            continue
        dirs[:] = sorted(d for d in dirs if not _skip_dir(folder, d))
        has_python = False
        for name in sorted(names):
            lower = name.lower()
            if lower.endswith(_MODULE_SUFFIXES):
                has_python = True
                stem = name.split(".")[0]
                if _IDENTIFIER.fullmatch(stem):
                    local.add(stem)
            suffix = lower[lower.rfind("."):] if "." in lower else ""
            if suffix in SCANNERS and name not in SKIP_FILES:
                files.append((f"{rel_dir}/{name}" if rel_dir else name, Path(folder, name)))
        if has_python:
            # Every folder on the way to Python code can be a package or an import root.
            for part in rel_dir.split("/") if rel_dir else ():
                if _IDENTIFIER.fullmatch(part):
                    local.add(part)
    return files, local


def _project_names(root: Path) -> set[str]:
    """The import name of the project's own package, from pyproject.toml's [project] name."""
    text = read_text(root / "pyproject.toml")
    if not text:  # most projects: no need to load the TOML parser
        return set()
    import tomllib

    try:
        data = tomllib.loads(text)
    except (ValueError, RecursionError):  # RecursionError: 1,000 nested '['
        return set()
    name = data.get("project", {}).get("name") if isinstance(data.get("project"), dict) else None
    return {re.sub(r"[-.]+", "_", name)} if isinstance(name, str) and name else set()


def scan_project(root: Path, files: list[tuple[str, Path]] | None = None) -> ProjectScan:
    """Scan every code file under `root` (or just `files`, as (relative path, absolute path))."""
    found, local = walk_project(root)
    result = ProjectScan(local_modules=local | _project_names(root))
    for rel, path in files if files is not None else found:
        limit = MAX_NOTEBOOK_BYTES if rel.lower().endswith(".ipynb") else MAX_SOURCE_BYTES
        try:
            data = read_file_bytes(path, limit)  # never blocks on a named pipe called analysis.py
        except FileTooLarge:
            result.too_large_files.append(rel)
            continue
        except OSError:
            result.unreadable_files.append(rel)
            continue
        scan: FileScan = scan_file(data, rel)
        result.files_scanned += 1
        result.imports += scan.imports
        result.installs += scan.installs
        result.r_packages += scan.r_packages
        result.local_modules |= scan.local_modules
        if scan.tolerant:
            result.tolerant_files.append(rel)
    return result
