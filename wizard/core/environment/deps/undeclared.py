"""Warnings for `binder-wizard check`: packages the code uses that the environment files do not install.

One scan of the code serves both languages: Python imports (`import-not-declared`) and R packages loaded
(`r-package-not-declared`, wizard.core.environment.deps.r_code).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from wizard.core.common.diagnostics import Diagnostic
from wizard.core.environment.deps.declared import declared_file
from wizard.core.environment.deps.inference import infer
from wizard.core.environment.deps.r_code import r_undeclared_diagnostics
from wizard.core.environment.deps.scan import ProjectScan, scan_project
from wizard.core.environment.deps.sources import Location
from wizard.core.environment.validators import MAX_BYTES

if TYPE_CHECKING:
    from wizard.core.environment.deps.project_python_adapter import PythonEnvironment


def code_diagnostics(project: Path, ask_environment: bool = False) -> list[Diagnostic]:
    """Python and R packages the code needs that the environment files lack, from one scan of the code."""
    scan = scan_project(project)
    return undeclared_diagnostics(project, ask_environment=ask_environment, scan=scan) + \
        r_undeclared_diagnostics(project, scan)


def undeclared_diagnostics(project: Path, environment: PythonEnvironment | None = None,
                           ask_environment: bool = True, scan: ProjectScan | None = None) -> list[Diagnostic]:
    """`import-not-declared` warnings: packages the code imports that the file repo2docker uses lacks.

    One warning per package, placed at its first import (for a notebook: the cell, named in the
    message, since a notebook has no plain line numbers). Nothing when the project has no Python
    environment file yet, or one too large to read: that is reported elsewhere, once. Code files
    that cannot be scanned (named pipes, over a few MB) are left out; `scan_project` lists them in
    `unreadable_files` / `too_large_files`.
    """
    target = declared_file(project)
    if target.kind is None or not target.exists:  # exists: a regular file (a named pipe is not)
        return []
    if target.path.stat().st_size > MAX_BYTES:  # detection reports it as too large; nothing to compare with
        return []
    if environment is None and ask_environment:
        from wizard.core.environment.deps.project_python_adapter import PythonNotFound, project_environment

        try:
            environment = project_environment(project)
        except PythonNotFound:
            environment = None
    result = infer(project, environment, scan=scan, target=target)
    shown_file = target.path.relative_to(project).as_posix()
    diagnostics = []
    for package in result.by_status("undeclared"):
        first = package.locations[0] if package.locations else Location(shown_file, None)
        where = ", ".join(location.describe() for location in package.locations[:3])
        if len(package.locations) > 3:
            where += f" and {len(package.locations) - 3} more"
        what = f"`{package.import_name}`" if package.import_name else package.name
        how = "installed with %pip" if package.source == "pip-install" else "imported"
        line = first.line if first.cell is None else None
        diagnostics.append(Diagnostic(
            first.file, line, None, "warning", "import-not-declared",
            f"{what} is {how} ({where}) but {package.name} is not in {shown_file}: "
            f"Binder will not install it.",
            f"Add `{package.name}` to {shown_file} (`binder-wizard requirements --write` does it).",
        ))
    return diagnostics
