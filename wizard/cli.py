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


_USAGE_EXIT = "  2  a usage error: a bad option, or a folder that does not exist or cannot be read"
# The end of each command's --help: examples, then the exit codes (README, "Headless commands").
EPILOGS = {
    "check": f"""\
examples:
  binder-wizard check                        the current folder, as a report
  binder-wizard check path/to/project --format json
  binder-wizard check --resolve              also check that everything installs (asks PyPI)

exit codes:
  0  no error (warnings may remain)
  1  at least one problem is an error: the build would fail or do something else than you expect
{_USAGE_EXIT}""",
    "requirements": f"""\
examples:
  binder-wizard requirements                 what the code imports, as requirements lines
  binder-wizard requirements --write         add the missing lines to the file Binder uses (shows the diff, asks)
  binder-wizard requirements --format json --pin none

exit codes:
  0  listed, written, or nothing to add (also with imports it could not resolve)
  1  --write was declined, or the file could not be written (it is unchanged)
{_USAGE_EXIT}""",
    "publish": f"""\
examples:
  binder-wizard publish                      show the plan, ask, then commit and push
  binder-wizard publish --remote https://github.com/OWNER/NAME.git --yes -m "First version"

credentials:
  For GitHub over HTTPS a token in GH_TOKEN (or GITHUB_TOKEN), else a logged-in GitHub CLI (gh auth login), is
  handed to git for this push only; for other HTTPS hosts BINDER_WIZARD_GIT_TOKEN (and BINDER_WIZARD_GIT_USERNAME).
  On a terminal, publish asks for a user name and a token when the server wants one. Nothing is saved.

exit codes:
  0  the remote branch now equals your commit (checked with ls-remote); the commit SHA is on stdout
  1  nothing was pushed, or it could not be checked: the reason and what to do are on stderr
{_USAGE_EXIT}""",
    "launch": f"""\
examples:
  binder-wizard launch                       build the pushed commit on your hub and open it
  binder-wizard launch --ref main --open index.ipynb --no-browser
  binder-wizard launch --format json --timeout 1800 > build.jsonl
  binder-wizard launch --warm-cache          build, then stop the server (before a workshop)

exit codes:
  0  the server is ready
  1  the build failed, broke off or timed out (with --format json the last line says why: "error", "problems")
{_USAGE_EXIT}""",
    "badge": f"""\
examples:
  binder-wizard badge                        print the Markdown badge for origin's default branch
  binder-wizard badge --open index.ipynb --format rst
  binder-wizard badge --write                put it into README.md (or replace a stale one) and show the diff

exit codes:
  0  printed, written, or already there
  1  the README could not be written (it is unchanged)
{_USAGE_EXIT}""",
    "workshop": f"""\
examples:
  binder-wizard workshop plan --attendees 40 --date 2027-03-01
  binder-wizard workshop warm                build the image on every member before the room arrives
  binder-wizard workshop ACTION --help       each action's options

exit codes:
  0  done, and nothing is left to do before the workshop
  1  it failed, or the plan or the warming left something to do (the output says what)
{_USAGE_EXIT}""",
    "convert": f"""\
examples:
  binder-wizard convert                      print the files the first lock found would become
  binder-wizard convert --from poetry.lock --write --yes

exit codes:
  0  written, printed, or nothing to convert
  1  declined or failed (the notes say why)
{_USAGE_EXIT}""",
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
    parser = _Parser(prog=f"binder-wizard {name}", description=COMMANDS[name],
                     epilog=getattr(module, "EPILOG", None) or EPILOGS.get(name),
                     formatter_class=argparse.RawDescriptionHelpFormatter)
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
    from wizard.core.common.bounded_call_adapter import BoundedCall
    from wizard.core.environment.first_look import FIRST_LOOK_SECONDS, first_look

    # Analysed on another core (a forked copy: no thread runs yet) while Textual loads (~150 ms), so the first
    # frame shows what Binder will build and this process never imports the engine before it.
    first = BoundedCall(FIRST_LOOK_SECONDS, first_look, path, fork=True)
    from wizard.tui.app import WizardApp

    WizardApp(path, first_look=first).run()
    if args.demo:
        print(f"The sample project is in {path}", file=sys.stderr)
    return EXIT_OK
