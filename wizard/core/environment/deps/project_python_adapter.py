"""The project's own Python environment (not binder-wizard's): finding it and asking it what it has.

binder-wizard often runs from an isolated venv (pipx) that has none of the user's packages, so the
import→distribution map and the versions come from the project's interpreter, queried in a
subprocess. Discovery order: `--python PATH` (an interpreter or an environment folder), then
$VIRTUAL_ENV, $CONDA_PREFIX, a `.venv/` or `venv/` in the project, then `python3` on PATH.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from wizard.core.common.process_adapter import start_bounded
from wizard.core.environment.package_names import normalise

QUERY_TIMEOUT = 60

# Runs inside the project's interpreter (any Python >= 3.8): prints one JSON object. It reads
# .dist-info folders directly (importlib.metadata costs more to import than the whole scan of a
# small environment takes) and asks importlib.metadata only about old .egg-info installs.
_QUERY = r"""
import csv, json, os, sys
dists, top, owners, dirs = {}, {}, {}, {}
def add(name, version, paths, top_level):
    if not name or name in dists:
        return
    dists[name] = version
    tops, owned, folders = set(), set(), set()
    for path in paths or ():
        parts = path.replace("\\", "/").split("/")
        if not parts or parts[0] in ("..", "__pycache__") or parts[0].endswith((".dist-info", ".egg-info", ".data")):
            continue
        if len(parts) == 1:
            if parts[0].endswith((".py", ".so", ".pyd")):
                mod = parts[0].split(".")[0]
                tops.add(mod)
                owned.add(mod)
            continue
        if not parts[-1].endswith((".py", ".so", ".pyd", ".pyi")):
            continue
        tops.add(parts[0])
        if len(parts) == 2 and parts[1].startswith("__init__."):
            owned.add(parts[0])
        folders.add(tuple(parts[:-1][:4]))
    if not paths:
        tops = owned = set(top_level)
    for mod in tops:
        if mod.isidentifier():
            top.setdefault(mod, []).append(name)
    for mod in owned:
        if mod.isidentifier():
            owners.setdefault(mod, []).append(name)
    dirs[name] = folders
def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return None
eggs = False
for entry in sys.path:
    try:
        items = sorted(os.listdir(entry or "."))
    except OSError:
        continue
    for item in items:
        if item.endswith(".egg-info") or item.endswith(".egg"):
            eggs = True
        if not item.endswith(".dist-info"):
            continue
        folder = os.path.join(entry, item)
        name = version = None
        for line in (read(os.path.join(folder, "METADATA")) or "").splitlines():
            if not line.strip():
                break
            if line.startswith("Name:") and name is None:
                name = line[5:].strip()
            elif line.startswith("Version:") and version is None:
                version = line[8:].strip()
        record = read(os.path.join(folder, "RECORD"))
        paths = [row[0] for row in csv.reader(record.splitlines()) if row] if record else None
        add(name, version, paths, (read(os.path.join(folder, "top_level.txt")) or "").split())
if eggs:
    try:
        from importlib import metadata
    except ImportError:
        metadata = None
    for dist in (metadata.distributions() if metadata else ()):
        try:
            name = dist.metadata["Name"]
            files = dist.files
        except Exception:
            continue
        add(name, dist.version, [str(f) for f in files] if files else None,
            (dist.read_text("top_level.txt") or "").split())
dotted = {}
for mod, names in top.items():
    if len(names) > 1:
        for name in names:
            for folder in dirs.get(name, ()):
                if folder[0] != mod:
                    continue
                for depth in range(2, len(folder) + 1):
                    dotted.setdefault(".".join(folder[:depth]), []).append(name)
dotted = {k: sorted(set(v)) for k, v in dotted.items()}
print(json.dumps({"python": sys.version.split()[0], "executable": sys.executable, "distributions": dists,
                  "top_level": top, "owners": owners, "dotted": dotted}))
"""


@dataclass(frozen=True)
class PythonEnvironment:
    """What the project's interpreter has installed. Empty (with `error` set) when it could not be asked."""

    python: str  # the interpreter that was asked
    found_by: str  # "--python", "VIRTUAL_ENV", "CONDA_PREFIX", ".venv in the project", "python3 on PATH"
    version: str | None = None  # its Python version, "3.11.7"
    distributions: dict[str, tuple[str, str]] = field(default_factory=dict)  # normalised -> (name, version)
    top_level: dict[str, list[str]] = field(default_factory=dict)  # import name -> distribution names
    owners: dict[str, list[str]] = field(default_factory=dict)  # import name -> dists with its __init__
    dotted: dict[str, list[str]] = field(default_factory=dict)  # "google.cloud.storage" -> [names]
    error: str | None = None

    def version_of(self, distribution: str) -> str | None:
        entry = self.distributions.get(normalise(distribution))
        return entry[1] if entry else None

    def name_of(self, distribution: str) -> str | None:
        entry = self.distributions.get(normalise(distribution))
        return entry[0] if entry else None


def _interpreter_in(folder: Path) -> Path | None:
    for candidate in ("bin/python", "bin/python3", "Scripts/python.exe", "python.exe"):
        if (folder / candidate).is_file():
            return folder / candidate
    return None


class PythonNotFound(ValueError):
    """`--python PATH` names no interpreter."""


def find_python(project: Path, override: str | None = None,
                environ: dict[str, str] | None = None) -> tuple[str, str] | None:
    """(interpreter, how it was found), or None when there is no Python at all."""
    environ = os.environ if environ is None else environ
    if override:
        path = Path(override).expanduser()
        if path.is_dir():
            found = _interpreter_in(path)
            if found is None:
                raise PythonNotFound(f"no Python interpreter in {path} (looked for bin/python)")
            return os.path.abspath(found), "--python"
        if path.is_file() and os.access(path, os.X_OK):
            return os.path.abspath(path), "--python"  # abspath, not resolve(): a venv's python is a symlink
        located = shutil.which(override)
        if located:
            return os.path.abspath(located), "--python"
        raise PythonNotFound(f"no such Python interpreter: {override}")
    for variable in ("VIRTUAL_ENV", "CONDA_PREFIX"):
        if environ.get(variable):
            found = _interpreter_in(Path(environ[variable]))
            if found:
                return str(found), variable
    for name in (".venv", "venv"):
        found = _interpreter_in(project / name)
        if found:
            return str(found), f"{name} in the project"
    located = shutil.which("python3", path=environ.get("PATH"))
    return (located, "python3 on PATH") if located else None


class PendingQuery:
    """A query started in the background (scan the project meanwhile), finished by `result()`."""

    def __init__(self, python: str, found_by: str = "--python") -> None:
        self.python, self.found_by = python, found_by
        self._folder = tempfile.TemporaryDirectory(prefix="binder-wizard-")
        # From an empty folder, so no project file shadows the stdlib; in its own process group, killed
        # as a group at the limit (a stuck interpreter's children cannot hold the pipe open).
        self._process = start_bounded([python, "-c", _QUERY], timeout=QUERY_TIMEOUT, cwd=self._folder.name)

    def result(self) -> PythonEnvironment:
        python, found_by = self.python, self.found_by
        try:
            done = self._process.finish()
            if done.error is not None:
                return PythonEnvironment(python, found_by, error=f"could not run {python}: {done.error}")
            if done.returncode is None:
                return PythonEnvironment(python, found_by, error=f"{python} did not answer in {QUERY_TIMEOUT} s")
            stdout, stderr = done.text("stdout"), done.text("stderr")
        finally:
            self._folder.cleanup()
        try:
            data = json.loads(stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            last = (stderr.strip().splitlines() or ["no output"])[-1]
            return PythonEnvironment(python, found_by, error=f"{python} could not list its packages: {last[:200]}")
        dists = {normalise(name): (name, str(version)) for name, version in data.get("distributions", {}).items()}
        return PythonEnvironment(python, found_by, data.get("python"), dists, data.get("top_level", {}),
                                 data.get("owners", {}), data.get("dotted", {}))


def query_environment(python: str, found_by: str = "--python") -> PythonEnvironment:
    """Ask `python` what it has installed (in a subprocess)."""
    return PendingQuery(python, found_by).result()


def project_environment(project: Path, override: str | None = None) -> PythonEnvironment | None:
    """Find and query the project's environment; None when no Python exists. Raises PythonNotFound."""
    found = find_python(project, override)
    return query_environment(*found) if found else None
