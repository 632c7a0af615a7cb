"""`binder-wizard badge`: print the Binder launch badge, or write it into the README (idempotently)."""

from __future__ import annotations

import sys
from pathlib import Path

from wizard.commands.common import EXIT_FAILED, EXIT_OK, UsageError
from wizard.commands.launch_target import add_target_arguments, choice_warnings, choose_target
from wizard.core.common.errors import UserError
from wizard.core.common.safe_text import safe_text

FORMATS = ("markdown", "rst", "html", "url")


def add_arguments(parser) -> None:
    add_target_arguments(parser, ref_default="HEAD",
                         ref_help="branch, tag or commit (default: HEAD, which follows the default branch)")
    parser.add_argument("--format", choices=FORMATS, default="markdown", help="badge format (default: markdown)")
    parser.add_argument("--write", action="store_true",
                        help="put the badge into README.md/README.rst (replacing an old Binder badge) and show the diff")


def run(args) -> int:
    from rich.console import Console

    from wizard.core.common.config import Config
    from wizard.core.launch.links import badge

    config = Config.load()
    choice = choose_target(args, args.hub or config.hub_url, args.ref, config)
    forms = {fmt: badge(fmt, choice.hub, choice.url) for fmt in FORMATS}
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    for warning in choice_warnings(choice):
        err.print(f"warning: {warning}", markup=False)
    if not args.write:
        sys.stdout.write(forms[args.format] + "\n")
        return EXIT_OK
    from wizard.core.launch.readme_badge import plan_badge, write_edit

    try:
        edit = plan_badge(choice.git.path, forms["markdown"], forms["rst"], forms["html"])
    except UserError as error:  # a README linked from outside the project
        raise UsageError(f"cannot update the README: {error.message}", error.next_action) from None
    except IsADirectoryError as error:
        name = getattr(error, "filename", None) or "README.md"
        raise UsageError(f"cannot update the README: {Path(name).name} is a folder, not a file.",
                         "Rename or remove that folder, then run this again.") from None
    except (OSError, ValueError) as error:
        raise UsageError(f"cannot update the README: {getattr(error, 'strerror', None) or error}") from None
    if not edit.changed:
        print(f"{edit.path.name} already has this badge; nothing changed.")
        return EXIT_OK
    try:
        write_edit(edit)
    except UserError as error:  # CannotWrite/OutsideProject: the README is untouched
        err.print(f"binder-wizard: {safe_text(f'{error.message} {error.next_action}')}", markup=False)
        return EXIT_FAILED
    sys.stdout.write(safe_text(edit.diff()))
    print(f"{edit.path.name}: badge {edit.action}.")
    for note in edit.notes:  # what the replacement kept (the old badge's file), and a file that is gone
        err.print(safe_text(note), markup=False)
    return EXIT_OK
