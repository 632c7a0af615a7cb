"""`binder-wizard badge`: print the Binder launch badge, or write it into the README (idempotently)."""

from __future__ import annotations

import sys

HELP = "Print (or write into the README) the Binder launch badge."
FORMATS = ("markdown", "rst", "html", "url")


def add_arguments(parser) -> None:
    add_target_arguments(parser, ref_default="HEAD",
                         ref_help="branch, tag or commit (default: HEAD, which follows the default branch)")
    parser.add_argument("--format", choices=FORMATS, default="markdown", help="badge format (default: markdown)")
    parser.add_argument("--write", action="store_true",
                        help="put the badge into README.md/README.rst (replacing an old Binder badge) and show the diff")


def add_target_arguments(parser, ref_default: str | None, ref_help: str) -> None:
    """PATH, --hub, --provider, --repo, --ref and --open: what to launch, where (shared with `launch`)."""
    from wizard.core.launch.links import PROVIDERS

    parser.add_argument("path", nargs="?", default=".", metavar="PATH", help="the project folder (default: here)")
    parser.add_argument("--hub", metavar="URL", help="the BinderHub (default: your config, else https://mybinder.org)")
    parser.add_argument("--provider", choices=list(PROVIDERS), metavar="P",
                        help=f"where the hub gets the repository: {', '.join(PROVIDERS)} (default: from origin)")
    parser.add_argument("--repo", metavar="SPEC", help="owner/name, a clone URL or a DOI (default: the origin remote)")
    parser.add_argument("--ref", default=ref_default, metavar="REF", help=ref_help)
    parser.add_argument("--open", metavar="FILE",
                        help="what to open: a file (e.g. index.ipynb), lab, rstudio, classic:FILE or /url/path")


def run(args) -> int:
    from rich.console import Console

    from wizard.cli import EXIT_OK, UsageError, project_path
    from wizard.core.common.config import Config
    from wizard.core.launch.links import LinkError, badge, launch_url, open_target_for, target_for

    project = project_path(args.path)
    hub = args.hub or Config.load().hub_url
    try:
        target = target_for(project, args.provider, args.repo, args.ref)
        opening = open_target_for(args.open)
        url = launch_url(hub, target, opening)
        forms = {fmt: badge(fmt, hub, url) for fmt in FORMATS}
    except LinkError as error:
        raise UsageError(str(error)) from None
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    for warning in check_choices(project, target, opening):
        err.print(f"warning: {warning}", markup=False)
    if not args.write:
        sys.stdout.write(forms[args.format] + "\n")
        return EXIT_OK
    from wizard.core.launch.readme_badge import plan_badge, write_edit

    try:
        edit = plan_badge(project, forms["markdown"], forms["rst"], forms["html"])
    except (OSError, ValueError) as error:
        raise UsageError(f"cannot update the README: {error}") from None
    if not edit.changed:
        print(f"{edit.path.name} already has this badge; nothing changed.")
        return EXIT_OK
    write_edit(edit)
    sys.stdout.write(edit.diff())
    print(f"{edit.path.name}: badge {edit.action}.")
    return EXIT_OK


def check_choices(project, target, opening) -> list[str]:
    """Warnings about a badge that would not work as the user expects (shared with `launch`)."""
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
