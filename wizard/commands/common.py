"""What the headless commands share: exit codes, usage errors, the project folder argument, and the
target options (what to launch, where) that `badge` and `launch` both take.

Cheap to import (`check` must start fast): the core's launch modules are imported inside functions.
"""

from __future__ import annotations

from pathlib import Path

from wizard.core.common.errors import UserError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(UserError):
    """A problem with what the user typed, or a folder that cannot be read: one line on stderr, exit 2."""


def add_path_argument(parser) -> None:
    parser.add_argument("path", nargs="?", default=".", metavar="PATH",
                        help="the project folder (default: the current folder)")


def project_path(raw: str | None) -> Path:
    """The project folder named on the command line, or a UsageError a beginner can read."""
    path = Path(raw or ".").expanduser()
    if not path.exists():
        raise UsageError(f"no such folder: {path}")
    if not path.is_dir():
        raise UsageError(f"not a folder: {path} (give the project folder, not a file in it)")
    try:
        next(path.iterdir(), None)
    except OSError as error:
        raise UsageError(f"cannot read folder {path}: {error.strerror or error}") from None
    return path.resolve()


# --- badge and launch ------------------------------------------------------------------------------


def add_target_arguments(parser, ref_default: str | None, ref_help: str) -> None:
    """PATH, --hub, --provider, --repo, --ref and --open: what to launch, and where."""
    from wizard.core.launch.links import PROVIDERS

    add_path_argument(parser)
    parser.add_argument("--hub", metavar="URL", help="the BinderHub (default: your config, else https://mybinder.org)")
    parser.add_argument("--provider", choices=list(PROVIDERS), metavar="P",
                        help=f"where the hub gets the repository: {', '.join(PROVIDERS)} (default: from origin)")
    parser.add_argument("--repo", metavar="SPEC", help="owner/name, a clone URL or a DOI (default: the origin remote)")
    parser.add_argument("--ref", default=ref_default, metavar="REF", help=ref_help)
    parser.add_argument("--open", metavar="FILE",
                        help="what to open: a file (e.g. index.ipynb), lab, rstudio, classic:FILE or /url/path")


def check_choices(project, target, opening) -> list[str]:
    """Warnings about a badge that would not work as the user expects."""
    from wizard.core.launch.links import files_at, local_branches, r_configured, ref_warnings

    warnings = ref_warnings(target.ref, local_branches(project)) if target.provider in ("gh", "gl", "git") else []
    if opening.kind in ("file", "classic") and opening.path:
        files = files_at(project, "HEAD")
        if files and opening.path.lstrip("/") not in files:
            warnings.append(f"{opening.path} is not in the last commit, so it will not exist on Binder.")
    if opening.kind == "rstudio" and not r_configured(project):
        warnings.append("RStudio only starts when the project installs R (install.R, runtime.txt r-…, or "
                        "r-base in environment.yml).")
    return warnings
