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
`scan` (walking the folder, local modules), `project_python_adapter` (finding/querying the project's Python),
`declared` (the file repo2docker uses); the name tables are `wizard.core.environment.package_names` (the validators use them too),
`inference` (resolution and statuses), `reconciliation` (rows and file edits), `r_code` (R packages),
`undeclared` (the warnings `check` shows).
"""

from __future__ import annotations

from wizard.core.common.lazy_package import lazy_names

# Each public name and the submodule that defines it, loaded on first use: `check` needs the scanner and
# the tables, never the adapter that starts the project's Python (~14 ms of imports). Submodule names
# differ from the names below, so importing a submodule never hides a function of the same name.
_HOME = {
    "declared": ("Declared", "DeclaredFile", "declared_file", "parse_requirements"),
    "project_python_adapter": ("PendingQuery", "PythonEnvironment", "PythonNotFound", "find_python",
                               "project_environment", "query_environment"),
    "inference": ("PIN_STYLES", "Inference", "Package", "PlatformOnly", "format_requirement", "infer",
                  "r_install_script", "resolve_import"),
    "reconciliation": ("ReconcileRow", "apply_rows", "new_requirements_text", "reconcile"),
    "r_code": ("project_languages", "r_packages", "r_start_files", "r_undeclared_diagnostics"),
    "scan": ("ProjectScan", "scan_project"),
    "sources": ("Location",),
    "undeclared": ("code_diagnostics", "undeclared_diagnostics"),
}
_MODULE_OF = {name: module for module, names in _HOME.items() for name in names}
__all__ = sorted(_MODULE_OF)


__getattr__, __dir__ = lazy_names(__name__, _MODULE_OF)
