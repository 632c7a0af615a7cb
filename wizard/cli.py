"""Command-line entry point: `binder-wizard [PATH]` opens the wizard; subcommands run headless.

Each subcommand lives in `wizard.commands.<name>` with `add_arguments(parser)` and `run(args) -> int`
(its one-line help is in COMMANDS); what they share is in `wizard.commands.common`. Modules are
imported only when their command runs, so `check` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from wizard import __version__
from wizard.commands.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, add_path_argument, project_path
from wizard.core.common.errors import UserError

COMMANDS = {
    "check": "Report what Binder will build from this folder, and every problem found.",
    "requirements": "Work out the Python packages the code imports (a better pipreqs).",
    "publish": "Commit and push the project to GitHub, safely.",
    "launch": "Ask a BinderHub to build and launch the project, streaming the log.",
    "badge": "Print (or write into the README) the Binder launch badge.",
    "convert": "Turn a lock Binder ignores (uv, Poetry, pixi, conda-lock, renv, pip-tools) into files it reads.",
    "workshop": "Plan, split, warm, hand out and watch a Binder for a room full of people.",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse prints usage + exits 2; keep that, shorter
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _main_parser() -> argparse.ArgumentParser:
    commands = "\n".join(f"  {name:<13} {text}" for name, text in COMMANDS.items())
    parser = _Parser(
        prog="binder-wizard",
        description="Take a research project from your laptop to a working Binder launch badge.",
        epilog=f"commands (run 'binder-wizard COMMAND --help' for details):\n{commands}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_path_argument(parser)
    parser.add_argument("--demo", action="store_true",
                        help="copy a small sample project into a new folder and open the wizard there")
    parser.add_argument("--version", action="version", version=f"binder-wizard {__version__}")
    return parser


def _command_parser(name: str) -> tuple[argparse.ArgumentParser, object]:
    module = importlib.import_module(f"wizard.commands.{name}")
    parser = _Parser(prog=f"binder-wizard {name}", description=COMMANDS[name])
    module.add_arguments(parser)
    return parser, module


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        if argv and argv[0] in COMMANDS:
            parser, module = _command_parser(argv[0])
            return module.run(parser.parse_args(argv[1:]))
        args = _main_parser().parse_args(argv)
        return _run_app(args)
    except UserError as error:  # UsageError (exit 2), or a failure explained for a beginner (exit 1)
        from wizard.core.common.safe_text import safe_text

        # One line (scripts read it); paths and URLs the user typed may hold escapes or passwords.
        text = f"{error.message} {error.next_action}".strip().replace("\n", " ")
        print(f"binder-wizard: {safe_text(text)}", file=sys.stderr)
        return EXIT_USAGE if isinstance(error, UsageError) else EXIT_FAILED
    except KeyboardInterrupt:
        print("binder-wizard: interrupted", file=sys.stderr)
        return 130


def _run_app(args: argparse.Namespace) -> int:
    if args.demo:
        from wizard.demo import create_demo_project

        path = create_demo_project()  # where it is is said after the app closes: printed now, it shows behind it
    else:
        path = project_path(args.path)
    from wizard.core.environment.engine import analyse_in_background

    first_report = analyse_in_background(path)  # while Textual loads (~150 ms), so the first frame shows it
    from wizard.tui.app import WizardApp

    WizardApp(path, first_report=first_report).run()
    if args.demo:
        print(f"The sample project is in {path}", file=sys.stderr)
    return EXIT_OK
