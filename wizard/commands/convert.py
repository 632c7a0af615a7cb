"""`binder-wizard convert [PATH] [--from FILE] [--write] [--yes] [--format text|json]`: a lock Binder ignores
(uv.lock, poetry.lock, pixi.lock, conda-lock.yml, renv.lock) or requirements.in, turned into files it reads.

Output contract (issue 15):
  text  each file it would write, with its action, then notes on stderr;
  json  {"source": str, "files": [{"path", "content", "action": "create"|"replace"|"unchanged"}], "notes": [str]}
        ("source" is "" when there is nothing to convert; "files" is empty when the conversion failed).
  --write  shows the diff of every file it changes and asks (unless --yes); never overwrites silently, never
        writes through a link that leads out of the project, and stops when a file changed meanwhile.
Exit codes: 0 written, printed or nothing to do; 1 declined or failed (the notes say why); 2 usage errors.
The result is checked by the engine (what `check` would say) before it is offered.
"""

from __future__ import annotations

import sys

from wizard.commands.common import EXIT_FAILED, EXIT_OK, UsageError, add_path_argument, project_path


def add_arguments(parser) -> None:
    add_path_argument(parser)
    parser.add_argument("--from", dest="source", metavar="FILE",
                        help="the lock to convert (default: the first of uv.lock, poetry.lock, pixi.lock, "
                             "conda-lock.yml, renv.lock, requirements.in found)")
    parser.add_argument("--write", action="store_true",
                        help="write the files: shows the diff and asks first (never overwrites silently)")
    parser.add_argument("--yes", action="store_true", help="with --write: write without asking")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")


def run(args) -> int:
    project = project_path(args.path)
    if args.yes and not args.write:
        raise UsageError("--yes only applies with --write")
    source = _source(project, args.source) if args.source else None
    from wizard.core.common.config import Config
    from wizard.core.environment.convert import UnknownSource, convert

    try:
        conversion = convert(project, source, index_url=Config.load().package_index)
    except UnknownSource as error:
        raise UsageError(str(error)) from None
    if args.write:
        return _write(project, conversion, args)
    if args.format == "json":
        _print_json(conversion)
    else:
        _print_files(conversion)
        _notes(conversion)
        if conversion.changes and not conversion.failed:
            _note("run again with --write to write them (you see the diff first)")
    return EXIT_FAILED if conversion.failed else EXIT_OK


def _source(project, given: str) -> str:
    """--from FILE as a path relative to the project: FILE is taken relative to PATH, else to the current folder."""
    import os
    from pathlib import Path

    from wizard.core.common.safe_text import safe_text

    shown = safe_text(given)[:200]
    candidates = [Path(given)] if os.path.isabs(given) else [project / given, Path.cwd() / given]
    for candidate in candidates:
        if candidate.is_file():
            absolute = Path(os.path.abspath(candidate))
            try:
                return absolute.relative_to(project).as_posix()
            except ValueError:
                raise UsageError(f"--from {shown}: the file must be inside the project folder") from None
    raise UsageError(f"--from {shown}: no such file in {safe_text(str(project))}")


def _note(message: str) -> None:
    from wizard.core.common.safe_text import safe_text

    print(f"binder-wizard: {safe_text(message)}", file=sys.stderr)


def _notes(conversion) -> None:
    for note in conversion.notes:
        _note(note)


def _print_json(conversion, stream=None) -> None:
    import json

    (stream or sys.stdout).write(json.dumps(conversion.to_json(), indent=2, ensure_ascii=False) + "\n")


def _print_files(conversion) -> None:
    from wizard.core.common.safe_text import strip_control

    for output in conversion.files:
        sys.stdout.write(f"── {strip_control(output.path)} ({output.action}) ──\n")
        sys.stdout.write("\n".join(strip_control(line) for line in output.content.split("\n")))


def _write(project, conversion, args) -> int:
    from wizard.core.common.errors import UserError
    from wizard.core.common.safe_text import strip_control
    from wizard.core.environment import file_store

    out = sys.stderr if args.format == "json" else sys.stdout

    def finish(code: int) -> int:
        if args.format == "json":
            _print_json(conversion)
        _notes(conversion)
        return code

    if conversion.failed:
        return finish(EXIT_FAILED)
    changes = conversion.changes
    if not changes:
        if conversion.source:
            names = ", ".join(f.path for f in conversion.files)
            print(f"Nothing to write: {strip_control(names)} already match {strip_control(conversion.source)}.",
                  file=out)
        return finish(EXIT_OK)
    versions = {f.path: file_store.current_version(project, f.path) for f in changes}
    for output in changes:
        diff = file_store.diff_lines(output.before or "", output.content, f"a/{output.path}", f"b/{output.path}")
        out.write("".join(strip_control(line) + "\n" for line in diff))
    names = ", ".join(f.path for f in changes)
    if not args.yes:
        count = len(changes)
        print(f"Write {count} file{'s' if count != 1 else ''} ({strip_control(names)})? [y/N] ", end="",
              file=sys.stderr, flush=True)
        answer = sys.stdin.readline() if sys.stdin else ""
        if answer.strip().lower() not in {"y", "yes"}:
            print("Nothing written.", file=sys.stderr)
            return finish(EXIT_FAILED)
    written = []
    for output in changes:
        try:  # conflict-checked, atomic, never through a link out of the project
            file_store.save(project, output.path, output.content, expected=versions[output.path])
        except file_store.SaveConflict:
            _note(f"{output.path} changed while you were deciding, so it was not written"
                  + (f" ({', '.join(written)} {'was' if len(written) == 1 else 'were'} written)" if written else "")
                  + "; run convert again.")
            return finish(EXIT_FAILED)
        except OSError as error:  # OutsideProject / CannotWrite say what happened and what to do
            _note(f"{error.message} {error.next_action}" if isinstance(error, UserError) else
                  f"could not write {output.path}: {error.strerror or error}")
            if written:
                _note(f"already written: {', '.join(written)}")
            return finish(EXIT_FAILED)
        written.append(output.path)
    print(f"Wrote {strip_control(', '.join(written))} from {strip_control(conversion.source)}.", file=out)
    return finish(EXIT_OK)
