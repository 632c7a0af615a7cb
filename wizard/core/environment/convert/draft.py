"""What every converter is given (the project around the lock) and what it returns (files, notes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class ConversionFailed(Exception):
    """The lock cannot be turned into files Binder reads; the message says why and what to do."""


@dataclass(frozen=True)
class Context:
    project: Path
    source: str  # the lock, relative to the project ("uv.lock")
    folder: str  # the config folder the files go into ("", "binder" or ".binder")
    header: str  # the comment lines a generated file starts with
    runtime_python: str | None = None  # X.Y from a python-X.Y runtime.txt Binder reads now
    installs_project: bool = False  # repo2docker itself runs `pip install .` (a root package, no config folder)
    pyproject: dict | None = None  # the root pyproject.toml, parsed (None: absent or unreadable)

    @property
    def lock_folder(self) -> str:
        return self.source.rsplit("/", 1)[0] if "/" in self.source else ""


@dataclass
class Draft:
    files: dict[str, str] = field(default_factory=dict)  # file name in the config folder -> content
    notes: list[str] = field(default_factory=list)
    python: str | None = None  # the Python the files were made for
