"""A Python lock as a graph (packages and the dependencies between them), walked for Binder's platform, and
the requirements.txt lines for what the walk reaches.

uv.lock and poetry.lock both list every package that could be needed on any platform; which ones Binder
installs follows from the project's own dependencies, each edge's marker evaluated for Linux x86_64 and
Binder's Python, and the extras asked for on the way. Dependency groups (dev, test, docs) are never walked.
"""

from __future__ import annotations

import posixpath
import re
from collections import deque
from dataclasses import dataclass, field
from typing import Callable

from wizard.core.environment.convert.binder_python import marker_applies, python_in

PYPI_INDEXES = ("https://pypi.org/simple", "https://pypi.python.org/simple")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Edge:
    """One dependency: which package, when (marker; a Python test for Poetry's `python =` key) and with
    which extras. `accepts` picks among several locked versions of the same name."""

    name: str
    marker: str = ""
    extras: tuple[str, ...] = ()
    accepts: Callable[[str], bool] | None = None
    python: Callable[[str], bool] | None = None  # tested against Binder's python_full_version
    version: str | None = None  # the exact locked version, when the lock names it (uv)

    def applies(self, python: str, extra: str = "") -> bool:
        if self.python is not None and not python_in(python, self.python):
            return False
        return marker_applies(self.marker, python, extra)


@dataclass
class Locked:
    """One locked package and where it comes from."""

    name: str
    version: str
    kind: str = "registry"  # registry, git, url, path, directory, editable, virtual
    location: str = ""  # index URL, git URL (with @commit), file URL, or path relative to the lock's folder
    subdirectory: str = ""
    editable: bool = False
    dependencies: list[Edge] = field(default_factory=list)
    optional: dict[str, list[Edge]] = field(default_factory=dict)  # extra -> its edges


@dataclass
class Walked:
    packages: list[Locked]  # in the order first reached
    missing: list[str]  # dependencies the lock does not hold (a lock older than the project file)


def walk(roots: list[Edge], find: Callable[[Edge], Locked | None], python: str) -> Walked:
    """Every package reachable from `roots` on Binder, each once (with every extra asked for anywhere)."""
    reached: dict[int, Locked] = {}
    extras_done: dict[int, set[str]] = {}
    missing: list[str] = []
    pending = deque(edge for edge in roots if edge.applies(python))
    while pending:
        edge = pending.popleft()
        package = find(edge)
        if package is None:
            if edge.name not in missing:
                missing.append(edge.name)
            continue
        key = id(package)
        if key not in reached:
            reached[key] = package
            extras_done[key] = set()
            pending += [dep for dep in package.dependencies if dep.applies(python)]
        for extra in edge.extras:
            wanted = normalise(extra)
            if wanted in extras_done[key]:
                continue
            extras_done[key].add(wanted)
            for name, edges in package.optional.items():
                if normalise(name) == wanted:
                    pending += [dep for dep in edges if dep.applies(python, name)]
    return Walked(list(reached.values()), missing)


def index_of(edge: Edge, candidates: list[Locked]) -> Locked | None:
    """The locked package an edge means: the exact version when named, else the first one it accepts."""
    if edge.version is not None:
        return next((p for p in candidates if p.version == edge.version), None)
    if edge.accepts is not None:
        return next((p for p in candidates if edge.accepts(p.version)), candidates[0] if candidates else None)
    return candidates[0] if candidates else None


def requirement_line(package: Locked, lock_folder: str) -> str | None:
    """The requirements.txt line that installs exactly this package on Binder; None for a local path outside
    the repository (Binder's checkout does not have it)."""
    if package.kind == "registry":
        return f"{package.name}=={package.version}"
    if package.kind == "git":
        line = f"{package.name} @ git+{package.location}"
        return line + (f"#subdirectory={package.subdirectory}" if package.subdirectory else "")
    if package.kind == "url":
        return f"{package.name} @ {package.location}"
    path = local_path(package.location, lock_folder)
    if path is None:
        return None
    return f"-e {path}" if package.editable else path


def local_path(location: str, lock_folder: str) -> str | None:
    """A path from the lock (relative to its folder) as pip on Binder needs it: relative to the repository
    root, starting with '.' (repo2docker installs such lines after copying the repository)."""
    if location.startswith("/"):
        return None
    joined = posixpath.normpath(posixpath.join(lock_folder, location or "."))
    if joined == ".." or joined.startswith("../"):
        return None
    return "." if joined == "." else f"./{joined}"


def extra_indexes(packages: list[Locked]) -> list[str]:
    """The package indexes other than PyPI that the locked packages come from, first seen first."""
    found: list[str] = []
    for package in packages:
        url = package.location.rstrip("/")
        if package.kind == "registry" and url and url not in PYPI_INDEXES and url not in found:
            found.append(url)
    return found
