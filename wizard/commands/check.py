"""`binder-wizard check [PATH] [--format text|json] [--resolve [--refresh] [--index-url URL]] [--check-urls]`:
what Binder will build, and every problem found.

Besides the environment files, `check` runs the pre-push audit over every file git would commit (secrets,
files over 10 MB and over GitHub's 100 MB, Git LFS pointers, `.env`, caches, and the protocols and ports
mybinder.org blocks): one command answers "is this ready for Binder?". The audit reads files only.
`--resolve` also checks that every package installs on Binder's Linux and Python (wizard.core.environment.install),
and `--check-urls` asks each http(s) URL the scripts and code download whether it answers, and how big the file
is (wizard.core.publish.network): both need the network, so they are off by default and the pre-commit hook
stays offline and fast.
Exit 0 when there is no error, 1 with at least one error (installability errors included; an index that cannot
be reached is only a note), 2 for usage errors or an unreadable PATH.
Imports stay inside run() so the command starts fast enough for a pre-commit hook.
"""

from __future__ import annotations

from wizard.commands.common import EXIT_FAILED, EXIT_OK, UsageError, add_path_argument, index_url, project_path

IMPORT_SCAN_SECONDS = 15.0
AUDIT_SECONDS = 15.0
URL_SECONDS = 10.0  # per URL, with --check-urls
# Tests send the URL checks to a local data host under the URLs' own names (an httpx transport); None in real use.
URL_TRANSPORT = None


def add_arguments(parser) -> None:
    add_path_argument(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="a readable report (default) or one JSON object for scripts")
    parser.add_argument("--resolve", action="store_true",
                        help="also check that every package installs on Binder's Linux and Python (asks the "
                             "package index; results are cached per file contents)")
    parser.add_argument("--refresh", action="store_true", help="with --resolve: ignore the cached results")
    parser.add_argument("--index-url", metavar="URL", type=index_url,
                        help="with --resolve: where PyPI is reached, e.g. a mirror (default: package_index in "
                             "the config file, else $PIP_INDEX_URL, else https://pypi.org/simple)")
    parser.add_argument("--check-urls", action="store_true",
                        help="also ask every http(s) URL that postBuild, start and the code download whether it "
                             "answers, and how big the file is (needs the network)")


def run(args) -> int:
    import sys

    project = project_path(args.path)
    if (args.refresh or args.index_url) and not args.resolve:
        raise UsageError(f"{'--refresh' if args.refresh else '--index-url'} only applies with --resolve")
    from wizard.core.common.bounded_call_adapter import BoundedCall

    try:
        # Beside the analysis, on the other cores: the import scan in a forked copy (started first, before
        # any thread and before the engine loads, so each process imports only what it uses), and git
        # listing the files the audit reads.
        imports = BoundedCall(IMPORT_SCAN_SECONDS, _code_warnings, project, fork=True)
        from wizard.core.environment.engine import analyse
        from wizard.core.publish.file_listing_adapter import FileListing

        listing = FileListing(project)
        report = analyse(project)
        audit = BoundedCall(AUDIT_SECONDS, _audit, listing, args.check_urls).wait()
        report = _with_audit(_with_import_warnings(report, imports.wait()), audit)
    except PermissionError as error:
        raise UsageError(f"cannot read {error.filename or project}: {error.strerror or error}") from None
    except OSError as error:
        raise UsageError(f"cannot read {project}: {error.strerror or error}") from None
    resolution = None
    if args.resolve:
        report, resolution = _with_resolution(report, args.index_url, args.refresh)
    urls = None
    if args.check_urls:
        report, urls = _with_url_checks(report, audit)
    try:
        _write(report, args.format, resolution, urls)
        sys.stdout.flush()
    except BrokenPipeError:  # `check | head`: the reader has all it wants; no traceback, same exit code
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit-time flush is quiet too
    return EXIT_OK if report.ok else EXIT_FAILED


def _with_resolution(report, index_url: str | None, refresh: bool):
    """The report with the install check's findings joined to the others, and the check itself."""
    import dataclasses

    from wizard.core.environment.install.report import resolve

    if index_url is None:
        from wizard.core.common.config import Config

        index_url = Config.load().package_index
    resolved = resolve(report.project, report.detection, report.diagnostics, index_url=index_url, refresh=refresh)
    return dataclasses.replace(report, diagnostics=resolved.diagnostics(report.diagnostics)), resolved.result


def _audit(listing, downloads: bool):
    """The audit of every file git would commit, and the Python environments found among them."""
    from wizard.core.publish.audit import audit_files, environment_folders

    files = listing.files()
    # A virtualenv or conda env in the project: one finding for the folder, not thousands of files read.
    environments = environment_folders(files)
    files = [rel for rel in files if not rel.startswith(tuple(environments))]
    return audit_files(listing.root, files, downloads=downloads), environments


# Audit findings the environment validators already report at the same line, under their own code.
_SAME_AS = {"ftp-url": {"script-ftp", "docker-ftp"}}
_NETWORK_CODES = {"ftp-url", "blocked-protocol", "blocked-port"}


def _with_audit(report, audit):
    """The report with the audit's findings joined in reading order (those the validators already made, at the
    same line, left out; a blocked download in a script Binder ignores is a warning, not an error)."""
    import dataclasses

    from wizard.core.common.diagnostics import Diagnostic

    if audit.error is not None:
        extra = [Diagnostic(".", None, None, "info", "audit-failed",
                            f"binder-wizard could not finish the safety check of every file ({audit.error}); the "
                            "rest of this report is complete.",
                            "The Publish step (and `binder-wizard publish`) checks the files it commits.")]
    else:
        result, environments = audit.result
        known = {(d.file, d.line, d.code) for d in report.diagnostics}
        ignored = {path for path, _ in report.detection.files_ignored}
        extra = []
        for finding in result.diagnostics():
            if (finding.file, finding.line, finding.code) in known or any(
                    (finding.file, finding.line, code) in known for code in _SAME_AS.get(finding.code, ())):
                continue
            if finding.file in ignored and finding.code in _NETWORK_CODES and finding.severity == "error":
                finding = dataclasses.replace(finding, severity="warning")
            extra.append(finding)
        extra += [Diagnostic(folder.rstrip("/"), None, None, "warning", "environment-in-project",
                             f"{folder} is a Python environment made on this computer: Binder builds its own from "
                             "your environment files, and these thousands of files would only make the repository "
                             "big and every build slow.",
                             f"Leave it out: add `{folder}` to .gitignore.") for folder in environments]
    return _joined(report, extra)


def _joined(report, extra):
    """The report with `extra` findings among its own, in reading order (file, then line)."""
    import dataclasses

    if not extra:
        return report
    merged = sorted(report.diagnostics + tuple(extra), key=lambda d: (d.file, d.line or 0))
    return dataclasses.replace(report, diagnostics=tuple(merged))


def _with_url_checks(report, audit):
    """`--check-urls`: the report with what each downloaded URL answered, and (checked, unreachable) counts."""
    from wizard.core.common.url_check_adapter import check_urls
    from wizard.core.publish.network import url_diagnostics

    found = audit.result[0].downloads if audit.error is None else []
    checks = check_urls([d.url for d in found], timeout=URL_SECONDS, transport=URL_TRANSPORT)
    extra = url_diagnostics(found, checks)
    unreachable = sum(1 for check in checks.values() if not check.ok)
    return _joined(report, extra), (len(checks), unreachable)


def _write(report, fmt: str, resolution=None, urls=None) -> None:
    import sys

    if fmt == "json":
        import json

        data = report.to_json()
        if resolution is not None:
            data["resolution"] = resolution.resolution()
        text = json.dumps(data, indent=2, ensure_ascii=False)
        try:  # a file name that is not UTF-8 (a lone surrogate), or a cp1252 stream: escape, stay valid JSON
            text.encode(sys.stdout.encoding or "utf-8")
        except (UnicodeEncodeError, LookupError):
            text = json.dumps(data, indent=2, ensure_ascii=True)
        sys.stdout.write(text + "\n")
    else:
        if hasattr(sys.stdout, "reconfigure"):  # "✓" on a cp1252 stream, odd file names: '?' rather than a crash
            sys.stdout.reconfigure(errors="replace")
        _print_text(report, resolution, urls)


def _code_warnings(project):
    """"Imported but not declared" warnings, for Python imports and R packages: the code needs a package
    Binder will not install.

    Only here, not in `analyse`: the editor calls that on every pause in typing, and scanning the
    code is too slow for that. The project's Python is not asked (a subprocess, ~0.2 s): the table of
    known mismatches and the popular names map imports well enough for a warning, and `check` must
    stay fast enough for a pre-commit hook. `binder-wizard requirements` asks it.
    """
    from wizard.core.environment.deps import code_diagnostics

    return code_diagnostics(project)


def _with_import_warnings(report, scan):
    """The report with the import scan's warnings, or one info line saying why there are none."""
    import dataclasses

    extra = tuple(scan.result or ())
    if scan.error is not None:
        from wizard.core.common.diagnostics import Diagnostic

        extra = (Diagnostic(".", None, None, "info", "import-scan-failed",
                            f"binder-wizard could not compare the code's imports with the environment files "
                            f"({scan.error}); the rest of this report is complete. Please report it.",
                            "`binder-wizard requirements` lists what the code imports."),)
    return dataclasses.replace(report, diagnostics=report.diagnostics + extra) if extra else report


def _r_only(report) -> bool:
    """R code and no Python code: Python is not the project's language, so its version is no advice to give."""
    codes = {d.code for d in report.diagnostics}
    return "r-package-not-declared" in codes and "import-not-declared" not in codes or \
        any(path.rsplit("/", 1)[-1] == "install.R" for path, _ in report.detection.files_ignored)


_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_MARK = {"error": "✗", "warning": "!", "info": "i"}
_RESOLUTION_STYLE = {"ok": "green", "failed": "bold red", "skipped": "dim"}


def _print_text(report, resolution=None, urls=None) -> None:
    import os
    import sys

    from wizard.core.environment.detection import REPO2DOCKER_VERSION
    from wizard.core.environment.engine import readable
    from wizard.core.common.safe_text import safe_text

    def shown(text: str) -> str:  # control characters in names written visibly, then made safe anyway
        return safe_text(readable(text, 10**6, 10**7))

    # Colour only on a terminal (or with FORCE_COLOR), never with NO_COLOR. Without colour the report is
    # plain text, so Rich (~25 ms to import) is only loaded when it has styles to draw: a pre-commit hook
    # gets the same words faster.
    colour = (sys.stdout.isatty() or bool(os.environ.get("FORCE_COLOR"))) and not os.environ.get("NO_COLOR")
    if colour:
        from rich.console import Console
        from rich.text import Text

        class _Console(Console):
            def on_broken_pipe(self) -> None:  # Rich exits 1; run() keeps the verdict's exit code instead
                raise BrokenPipeError

        console = _Console(file=sys.stdout, highlight=False, emoji=False)

        def emit(parts: list[tuple[str, str | None]]) -> None:
            text = Text()
            for chunk, style in parts:
                text.append(chunk, style=style)
            console.print(text, markup=False, highlight=False, soft_wrap=True)
    else:
        def emit(parts: list[tuple[str, str | None]]) -> None:
            sys.stdout.write("".join(chunk for chunk, _ in parts) + "\n")

    found = report.detection

    def line(*parts: tuple[str, str] | str, indent: int = 0) -> None:
        pieces: list[tuple[str, str | None]] = [(" " * indent, None)] if indent else []
        for part in parts:
            if isinstance(part, tuple):
                pieces.append((shown(part[0]), part[1]))
            else:
                pieces.append((shown(part), None))
        emit(pieces)

    line(("binder-wizard check", "bold"), f"  {report.project}  ", (f"(repo2docker {REPO2DOCKER_VERSION} rules)",
                                                                    "dim"))
    line(("What Binder will build: ", "bold"), found.summary)
    line("Config folder: ", (f"{found.binder_dir}/" if found.binder_dir else "the repository root", "bold"))
    if found.buildpack:
        line("Build pack: ", (found.buildpack, "bold"))
    if found.python_version:
        source = found.python_version_source
        line("Python: ", (found.python_version, "bold"),
             "" if not source else f" (from {source})" if source != "default" else
             " (the default)" if found.buildpack == "r" or _r_only(report) else " (the default; pin it!)")
    if found.r_version:
        line("R: ", (found.r_version, "bold"),
             f" (packages from the {found.r_snapshot_date} snapshot)" if found.r_snapshot_date else "")
    if found.julia_version:
        line("Julia: ", (found.julia_version, "bold"), " (the newest release matching [compat] on the build day)")

    line()
    if found.files_used:
        line(("Files Binder will use:", "bold"))
        for rel in found.files_used:
            line(("✓ ", "green"), rel, indent=2)
    else:
        line(("Files Binder will use: none", "bold"))
    if found.files_ignored:
        line(("Files Binder will ignore:", "bold"))
        for rel, reason in found.files_ignored:
            line(("- ", "dim"), rel, (f" — {readable(reason)}", "dim"), indent=2)
    if resolution is not None:
        from wizard.core.environment.install.report import summary

        status, words = summary(resolution)
        line(("Installs on Binder: ", "bold"), (words, _RESOLUTION_STYLE[status]),
             f"  (Python {resolution.python})" if resolution.python else "")
    if urls is not None:
        checked, unreachable = urls
        line(("Download URLs: ", "bold"), f"{checked} checked, ",
             (f"{unreachable} unreachable", "bold red" if unreachable else "green"))

    line()
    counts = {severity: sum(1 for d in report.diagnostics if d.severity == severity)
              for severity in ("error", "warning", "info")}
    if report.diagnostics:
        line(("Problems and advice:", "bold"))
        for finding in report.diagnostics:
            where = finding.file
            if finding.line:
                where += f":{finding.line}" + (f":{finding.column}" if finding.column else "")
            line((f"{_MARK[finding.severity]} {finding.severity}", _STYLE[finding.severity]), f"  {where}  ",
                 (f"[{finding.code}]", "dim"), indent=2)
            line(finding.message, indent=4)
            if finding.fix:
                line(("fix: ", "green"), finding.fix, indent=4)
        line()
    words = ", ".join(f"{n} {name}{'s' if n != 1 else ''}" for name, n in counts.items() if n)
    if report.ok:
        line(("OK", "bold green"), f": Binder should build this project{f' ({words})' if words else ''}.")
    else:
        line(("NOT READY", "bold red"), f": {words}. Fix the errors above before you push.")
