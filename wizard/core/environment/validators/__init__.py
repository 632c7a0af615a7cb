"""Validators, one module per kind of environment file, behind one entry point.

Each module `wizard.core.environment.validators.<module>` provides
    validate(text: str, ctx: FileContext) -> list[Diagnostic]
and optionally
    FIXES: dict[str, Callable[[str, Diagnostic], str]]   # diagnostic code -> new file text
so the editor can preview a fix as a diff before applying it.
Modules are imported only when a file of their kind is validated.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from wizard.core.common.diagnostics import Diagnostic
from wizard.core.environment.detection.rules import MAX_BYTES

# File name -> validator module.
MODULE_FOR_NAME: dict[str, str] = {
    "environment.yml": "environment",
    "environment.yaml": "environment",
    "requirements.txt": "requirements",
    "requirements3.txt": "requirements",
    "runtime.txt": "runtime",
    "apt.txt": "apt",
    "postBuild": "scripts",
    "start": "scripts",
    "install.R": "r",
    "DESCRIPTION": "r",
    "Project.toml": "julia",
    "JuliaProject.toml": "julia",
    "REQUIRE": "julia",
    "default.nix": "nix",
    "Dockerfile": "dockerfile",
    "Pipfile": "python_project",
    "Pipfile.lock": "python_project",
    "pyproject.toml": "python_project",
    "setup.py": "python_project",
}


@dataclass(frozen=True)
class FileContext:
    """Where the file sits and what the detector decided about the folder (None when unknown)."""

    path: str  # as shown to the user, relative to the project: "binder/environment.yml"
    name: str  # the file name: "environment.yml"
    project: Path | None = None
    detection: Any = None
    # Whether the text began with a UTF-8 byte-order mark (removed before validating); None: unknown,
    # validators that care look at the file on disk.
    bom: bool | None = None

    def reported_by_detector(self, code: str) -> bool:
        """Whether the detector already reported this finding; validators then leave theirs out."""
        found = self.detection
        return found is not None and any(
            d.code == code for d in (*getattr(found, "errors", ()), *getattr(found, "notes", ())))


@dataclass(frozen=True)
class Fix:
    title: str
    apply: Callable[[str], str]  # current text -> fixed text


def _module(name: str):
    module_name = MODULE_FOR_NAME.get(name)
    if module_name is None:
        return None
    try:
        return importlib.import_module(f"{__name__}.{module_name}")
    except ModuleNotFoundError as error:
        if error.name == f"{__name__}.{module_name}":
            return None  # not written yet
        raise


def decode(data: bytes, path: str) -> tuple[str | None, list[Diagnostic]]:
    """Bytes -> text, or a diagnostic that says why the file cannot be read as text."""
    if len(data) > MAX_BYTES:
        return None, [Diagnostic(path, None, None, "error", "file-too-large",
                                 f"This file is {len(data) / 1e6:.1f} MB; an environment file should be a few KB.",
                                 "Check that the right file was saved under this name.")]
    if b"\x00" in data:
        return None, [Diagnostic(path, None, None, "error", "binary-file",
                                 "This is a binary file, not text, so Binder cannot read it.",
                                 "Replace it with a plain-text file (see the template).")]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, [Diagnostic(path, line, None, "error", "not-utf8",
                                 "This file is not UTF-8 text, so the build will fail to read it.",
                                 "Save it again with UTF-8 encoding in your editor.")]


def validate_text(text: str, ctx: FileContext) -> list[Diagnostic]:
    module = _module(ctx.name)
    if module is None:
        return []
    return list(module.validate(text, ctx))


def validate_bytes(data: bytes, ctx: FileContext) -> list[Diagnostic]:
    text, problems = decode(data, ctx.path)
    return problems if text is None else validate_text(text, ctx)


def fix_for(diagnostic: Diagnostic) -> Fix | None:
    name = diagnostic.file.rsplit("/", 1)[-1]
    module = _module(name)
    apply = getattr(module, "FIXES", {}).get(diagnostic.code) if module else None
    if apply is None:
        return None
    return Fix(diagnostic.fix or "Apply the suggested fix", lambda text: apply(text, diagnostic))
