"""`binder-wizard requirements` — the packages a project's code and notebooks import, as requirements.

Output contract (issue 8):
  text  requirement lines sorted case-insensitively, then `# unresolved: NAME (imported in FILE line N)`
        comments (`cell N` for notebooks); notes about the environment go to stderr.
  json  {"requirements": [{"name", "import", "version", "status", "locations": [{"file", "line"}]}],
         "skipped": {"stdlib": [...], "local": [...]}}. For notebooks "line" is the line within the
        notebook's code cells joined in order; "import" is "" for a declared line nothing imports and
        for a `%pip install` that is never imported.
  --write [FILE]  add the undeclared requirements to FILE (default: requirements.txt in the config
        folder repo2docker uses), keeping every existing line; shows the diff and asks unless --yes.
Pins install on Binder (issue 12): a local version that does not install with the Python Binder will use
(e.g. a release that needs a newer Python) is replaced, in the text and in --write, by the newest release
that does, and a note on stderr names the other way out (pinning the project's Python). JSON keeps the
local versions. When the package index cannot be reached, pins stay as they are and a note says so.
Exit codes: 0 success (also with unresolved imports, and when there is nothing to add), 1 when the
user declines the write or the file cannot be written, 2 usage errors / unreadable PATH.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from typing import Callable

from wizard.commands.common import EXIT_FAILED, EXIT_OK, UsageError, add_path_argument, index_url, project_path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_path_argument(parser)
    parser.add_argument("--pin", choices=("exact", "compatible", "none"), default="exact",
                        help="version style: exact (==, for archiving), compatible (~= on major.minor) "
                             "or none (a living project); versions come from the project's Python "
                             "(default: exact)")
    parser.add_argument("--python", metavar="PATH",
                        help="the project's Python interpreter or environment folder (default: the active "
                             "virtualenv or conda env, else .venv/ or venv/ in the project, else python3)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    parser.add_argument("--write", nargs="?", const="", default=None, metavar="FILE",
                        help="add the missing requirements to FILE (default: the requirements.txt "
                             "repo2docker would use); never removes a line")
    parser.add_argument("--yes", action="store_true", help="with --write: write without asking")
    parser.add_argument("--index-url", metavar="URL", type=index_url,
                        help="where PyPI is reached to check that the pins install on Binder's Python, e.g. a "
                             "mirror (default: package_index in the config file, else $PIP_INDEX_URL, else PyPI)")


def _location_json(location) -> dict:
    return {"file": location.file, "line": location.line}


def to_json(inference) -> dict:
    return {
        "requirements": [
            {"name": p.name, "import": p.import_name, "version": p.version, "status": p.status,
             "locations": [_location_json(loc) for loc in p.locations]}
            for p in inference.packages
        ],
        "skipped": {"stdlib": list(inference.skipped_stdlib), "local": list(inference.skipped_local)},
    }


def _where(package, limit: int = 3) -> str:
    shown = [location.describe() for location in package.locations[:limit]]
    more = len(package.locations) - limit
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def to_text(inference, pin: str, versions: dict[str, str] | None = None) -> str:
    """`versions` (normalised name -> version) replaces local versions that do not install on Binder."""
    from wizard.core.common.safe_text import strip_control

    lines = [_line(p, pin, versions) for p in inference.required]
    lines += [f"# unresolved: {p.name} (imported in {strip_control(_where(p))})"
              for p in inference.by_status("unresolved")]
    return "".join(line + "\n" for line in lines)


def _line(package, pin: str, versions: dict[str, str] | None) -> str:
    from wizard.core.environment.deps import format_requirement
    from wizard.core.environment.package_names import normalise

    version = (versions or {}).get(normalise(package.name), package.version)
    return format_requirement(package.name, version, pin)


def _note(message: str) -> None:
    from wizard.core.common.safe_text import safe_text

    print(f"binder-wizard: {safe_text(message)}", file=sys.stderr)


def _start_environment_query(project, override):
    """The project's Python, asked in the background while the files are scanned (None: no Python)."""
    from wizard.core.environment.deps.project_python_adapter import PendingQuery, PythonNotFound, find_python

    try:
        found = find_python(project, override)
    except PythonNotFound as error:
        raise UsageError(str(error)) from None
    if found is None:
        _note("no Python found for this project; package names come from binder-wizard's tables, without versions")
        return None
    return PendingQuery(*found)


def _environment(pending):
    if pending is None:
        return None
    environment = pending.result()
    if environment.error:
        _note(f"{environment.error}; package names come from binder-wizard's tables, without versions")
    else:
        _note(f"package names and versions from {environment.python} ({environment.found_by}, "
              f"{len(environment.distributions)} packages installed)")
    return environment


def run(args: argparse.Namespace) -> int:
    import os
    from pathlib import Path

    from wizard.core.common.fileio import OutsideProject, check_inside

    project = project_path(args.path)
    pending = _start_environment_query(project, args.python)  # first: it runs while we scan
    from wizard.core.environment import deps

    scan = deps.scan_project(project)
    environment = _environment(pending)
    target = None
    if args.write:
        # Absolute but not resolved: a requirements.txt that links out of the project must stay a link
        # here, so the one reader and writer refuse it (resolve() would hand them the outside file).
        write_path = Path(os.path.abspath(Path(args.write).expanduser()))
        if write_path.is_dir():
            raise UsageError(f"--write needs a file, and {args.write} is a folder")
        target = deps.DeclaredFile("", write_path, "requirements", write_path)
    inference = deps.infer(project, environment, scan=scan, target=target)
    declared_file = inference.target.write_target
    if declared_file is not None and declared_file.is_symlink():
        try:
            check_inside(declared_file)
        except OutsideProject as error:  # said, not silently treated as an empty file
            _note(error.message)
    for files, what in ((inference.scan.tolerant_files, "could not fully parse {}; read them line by line"),
                        (inference.scan.too_large_files, "did not scan {}: too large for source code"),
                        (inference.scan.unreadable_files, "could not read {} (not a regular file, or no permission)")):
        if files:
            more = len(files) - 3
            _note(what.format(", ".join(files[:3]) + (f" and {more} more" if more > 0 else "")))

    pins = _review_pins(project, inference, args) if args.pin != "none" else None
    if args.write is not None:
        return _write(inference, args, pins)
    if pins is not None and args.format == "text":
        pins.notes(inference.required, args.pin, "Proposed")
    import json

    try:
        if args.format == "json":
            print(json.dumps(to_json(inference), indent=2))
        else:
            sys.stdout.write(to_text(inference, args.pin, pins.versions() if pins else None))
        sys.stdout.flush()
    except BrokenPipeError:  # `... | head`: the reader left; that is not an error
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK


def _review_pins(project, inference, args) -> _Pins | None:
    """Whether the local versions install with the Python Binder will use (asks the package index); None when
    there is nothing to check."""
    pins = [(package.name, package.version) for package in inference.required if package.version]
    if not pins:
        return None
    from wizard.core.environment.detection import detect
    from wizard.core.environment.install.check import pin_python_advice, python_why
    from wizard.core.environment.install.pins import review_pins

    detection = detect(project)
    if detection.python_version is None:
        return None
    index_url = args.index_url
    if index_url is None:
        from wizard.core.common.config import Config

        index_url = Config.load().package_index
    environment = inference.environment
    review = review_pins(pins, detection.python_version, index_url=index_url,
                         local_python=environment.version if environment is not None else None)
    if not review.checked:
        _note(f"could not reach the package index ({review.index}): the pins were not checked against "
              f"Binder's Python {review.python}")
        return None
    return _Pins(review, python_why(detection, project),
                 lambda version: pin_python_advice(detection, project, version))


@dataclass(frozen=True)
class _Pins:
    review: object  # PinReview
    python_why: str  # where Binder's Python comes from ("no runtime.txt")
    pin_python: Callable[[str], str | None]  # "3.11" -> "add runtime.txt with python-3.11"

    def versions(self) -> dict[str, str]:
        return self.review.versions()

    def notes(self, packages, pin: str, verb: str) -> None:
        """A note per package whose local version does not install on Binder: the pin chosen, and the other way."""
        from wizard.core.environment.deps import format_requirement

        for package in packages:
            advice = self.review.for_name(package.name) if package.version else None
            if advice is None:
                continue
            other = self.pin_python(advice.local_python) if advice.local_python else None
            keep = f"keep {package.name} {advice.local} and {other}" if other else None
            if advice.binder:
                chosen = format_requirement(package.name, advice.binder, pin)
                _note(f"{advice.sentence(self.python_why)} {verb} {chosen}, the newest release for Python "
                      f"{advice.python}" + (f"; or {keep}." if keep else "."))
            else:
                _note(f"{advice.sentence(self.python_why)} No release of {package.name} installs there"
                      + (f": {keep}." if keep else "."))


def _write(inference, args, pins: _Pins | None = None) -> int:
    import difflib
    import json

    from wizard.core.common.errors import UserError
    from wizard.core.common.fileio import read_file_bytes, write_file
    from wizard.core.environment import deps
    from wizard.core.common.safe_text import strip_control

    target = inference.target
    path = target.write_target
    if path is None:
        raise UsageError(f"{target.note}; or name a file: --write FILE")
    try:
        shown = path.relative_to(inference.project).as_posix()
    except ValueError:
        shown = str(path)
    shown = strip_control(shown)
    try:  # the one reader: never a named pipe, never a link out of the project
        raw = read_file_bytes(path) if path.exists() or path.is_symlink() else b""
        existing = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read {shown}: {getattr(error, 'strerror', None) or error}") from None
    additions = [_line(p, args.pin, pins.versions() if pins else None) for p in inference.by_status("undeclared")]
    if pins is not None:
        pins.notes(inference.by_status("undeclared"), args.pin, "Pinned")
    new_text = deps.new_requirements_text(existing, additions)
    out = sys.stderr if args.format == "json" else sys.stdout

    def finish(code: int) -> int:
        if args.format == "json":
            print(json.dumps(to_json(inference), indent=2))
        for package in inference.by_status("unresolved"):
            _note(f"unresolved: {package.name} (imported in {_where(package)}) was not written; "
                  f"check its name on PyPI")
        return code

    if new_text == existing:
        print(f"Nothing to add: {shown} already lists every package the code imports.", file=out)
        return finish(EXIT_OK)
    diff = difflib.unified_diff(existing.splitlines(keepends=True), new_text.splitlines(keepends=True),
                                fromfile=f"a/{shown}", tofile=f"b/{shown}")
    out.write(strip_control("".join(diff)))
    added = len(new_text.splitlines()) - len(existing.splitlines())
    if not args.yes:
        print(f"Add {added} line{'s' if added != 1 else ''} to {shown}? [y/N] ", end="", file=sys.stderr, flush=True)
        answer = sys.stdin.readline() if sys.stdin else ""
        if answer.strip().lower() not in {"y", "yes"}:
            print(f"Nothing written; {shown} is unchanged.", file=sys.stderr)
            return finish(EXIT_FAILED)
    bom = raw.startswith(b"\xef\xbb\xbf")
    try:  # the one safe writer: beside it, then rename (never half-written, never through a link out)
        write_file(path, (b"\xef\xbb\xbf" if bom else b"") + new_text.encode("utf-8"))
    except OSError as error:  # CannotWrite/OutsideProject: says what happened and what to do
        _note(strip_control(f"{error.message} {error.next_action}" if isinstance(error, UserError) else
                            f"could not write {shown}: {error.strerror or error}; it is unchanged"))
        return finish(EXIT_FAILED)
    print(f"Added {added} line{'s' if added != 1 else ''} to {shown}.", file=out)
    return finish(EXIT_OK)
