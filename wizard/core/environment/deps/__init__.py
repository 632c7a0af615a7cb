"""Dependency inference: which Python packages a project's code and notebooks need.

One engine for `binder-wizard requirements`, `binder-wizard check` and the Environment step.

Typical use (pure, no Textual; runs the project's interpreter once in a subprocess):

    from wizard.core.environment import deps

    env = deps.project_environment(project, override=None)   # the project's Python, or None
    result = deps.infer(project, env)                         # -> deps.Inference
    result.required                       # [Package] the code needs (status declared / undeclared)
    result.by_status("unresolved")        # imports no known distribution provides (never guessed)
    result.skipped_stdlib, result.skipped_local, result.platform_only, result.r_packages
    rows = deps.reconcile(result, pin="exact")       # [ReconcileRow] for the reconcile view
    new_text = deps.apply_rows(old_text, chosen_rows)  # preview as a diff, then write
    deps.new_requirements_text(old_text, lines)       # add-only update (what --write does)
    deps.undeclared_diagnostics(project)              # warnings for `binder-wizard check`

Modules: `sources` (one file -> imports; notebooks, magics, R), `python_source` (AST contexts),
`scan` (walking the folder, local modules), `environment` (finding/querying the project's Python),
`declared` (the file repo2docker uses); the name tables are `wizard.core.environment.package_names` (the validators use them too),
`infer` (resolution and statuses), `reconcile` (rows and file edits).
"""

from __future__ import annotations

from pathlib import Path

# Eager on purpose: importing a submodule binds its name on this package, so a lazy package would
# hand out the `infer` / `reconcile` submodules instead of the functions, depending on import order.
from wizard.core.environment.deps.declared import Declared, DeclaredFile, declared_file, parse_requirements
from wizard.core.environment.deps.project_python_adapter import (PendingQuery, PythonEnvironment, PythonNotFound, find_python,
                                          project_environment, query_environment)
from wizard.core.environment.deps.infer import (PIN_STYLES, Inference, Package, PlatformOnly, format_requirement, infer,
                                    r_install_script, resolve_import)
from wizard.core.environment.deps.reconcile import ReconcileRow, apply_rows, new_requirements_text, reconcile
from wizard.core.environment.deps.r_packages import (project_languages, r_packages, r_start_files,
                                                     r_undeclared_diagnostics)
from wizard.core.environment.deps.scan import ProjectScan, scan_project
from wizard.core.environment.deps.sources import Location
from wizard.core.common.diagnostics import Diagnostic
from wizard.core.environment.validators import MAX_BYTES

__all__ = [
    "Declared", "DeclaredFile", "Diagnostic", "Inference", "Location", "PIN_STYLES", "Package", "PendingQuery",
    "PlatformOnly", "ProjectScan", "PythonEnvironment", "PythonNotFound", "ReconcileRow", "apply_rows",
    "declared_file", "find_python", "format_requirement", "infer", "new_requirements_text", "parse_requirements",
    "project_environment", "project_languages", "query_environment", "r_install_script", "r_packages",
    "r_start_files", "r_undeclared_diagnostics", "reconcile", "resolve_import",
    "scan_project", "undeclared_diagnostics",
]


def undeclared_diagnostics(project: Path, environment: PythonEnvironment | None = None,
                           ask_environment: bool = True) -> list[Diagnostic]:
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
        try:
            environment = project_environment(project)
        except PythonNotFound:
            environment = None
    result = infer(project, environment, target=target)
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
