"""One call for "what will Binder do with this folder, and what is wrong": detection + every validator.

`analyse(project, overrides)` is what `binder-wizard check` and the Environment step use. It runs the
detector, then the validator of every environment file that is used, and of every file that is present
but ignored (their findings are downgraded to info: they cannot break the build, but the user probably
meant them to count). Findings are de-duplicated and sorted in reading order.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

from wizard.core.common.lazy_regex import lazy_compile
from wizard.core.environment.detection import Detection, detect
from wizard.core.common.fileio import read_file_bytes
from wizard.core.common.diagnostics import Diagnostic
from wizard.core.environment.validators import MAX_BYTES, MODULE_FOR_NAME, FileContext, decode, fix_for, validate_text

__all__ = ["Report", "analyse", "fix_for"]

_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Report:
    project: Path
    detection: Detection
    diagnostics: tuple[Diagnostic, ...]

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.is_error)

    def for_file(self, rel: str) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.file == rel)

    def to_json(self) -> dict:
        """The `binder-wizard check --format json` object (a contract: keep the keys exactly)."""
        found = self.detection
        return {
            "path": str(self.project),
            "binder_dir": found.binder_dir,
            "buildpack": found.buildpack,
            "python_version": found.python_version,
            "r_version": found.r_version,
            "files_used": list(found.files_used),
            "files_ignored": [{"path": path, "reason": readable(reason)} for path, reason in found.files_ignored],
            "diagnostics": [d.to_json() for d in self.diagnostics],
            "ok": self.ok,
        }


def _validatable(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return name in MODULE_FOR_NAME


def _validate_file(project: Path, rel: str, overrides: dict[str, str], found: Detection) -> list[Diagnostic]:
    ctx = FileContext(path=rel, name=rel.rsplit("/", 1)[-1], project=project, detection=found)
    if rel in overrides:
        text = overrides[rel]
        if len(text) > MAX_BYTES:
            return [_too_large(rel, len(text.encode("utf-8", "surrogatepass")))]
        # The editor's text keeps a byte-order mark the disk path decodes away: treat both alike, so an
        # unsaved file gets the same findings as the saved one (and a BOM fix shows before saving).
        ctx = replace(ctx, bom=text.startswith("\ufeff"))
        text = text.removeprefix("\ufeff")
    else:
        path = project / rel
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                return [_too_large(rel, size)]
            data = read_file_bytes(path, root=project)
        except IsADirectoryError:
            return []  # the detector already explains a folder with a file's name
        except OSError as error:
            return [Diagnostic(rel, None, None, "error", getattr(error, "code", "unreadable"),
                               f"{rel} cannot be read: {error.strerror or error}.",
                               getattr(error, "next_action", None) or "Check the file's permissions.")]
        if data.startswith((b"\xff\xfe", b"\xfe\xff")) and ctx.name in ("requirements.txt", "requirements3.txt"):
            return _utf16_requirements(data, ctx)
        text, problems = decode(data, rel)
        if text is None:
            return problems
    try:
        return validate_text(text, ctx)
    except Exception as error:  # a validator bug must not hide the rest of the report
        return [Diagnostic(rel, None, None, "info", "validator-crashed",
                           f"binder-wizard could not check this file ({type(error).__name__}); please report it.",
                           None)]


def _utf16_requirements(data: bytes, ctx: FileContext) -> list[Diagnostic]:
    """`pip freeze > requirements.txt` in Windows PowerShell writes UTF-16; repo2docker and pip cope."""
    try:
        text = data.decode("utf-16")
    except UnicodeDecodeError:
        return decode(data, ctx.path)[1]
    note = Diagnostic(ctx.path, None, None, "warning", "utf16-encoding",
                      "This file is saved as UTF-16 (what Windows PowerShell writes for `pip freeze > ...`). pip "
                      "copes, but most other tools and GitHub's viewer do not.",
                      "Save it again as UTF-8 (in PowerShell: pip freeze | Out-File -Encoding utf8 requirements.txt).")
    return [note, *validate_text(text.replace("\r\n", "\n"), ctx)]


_UNREADABLE_CODES = {"not-utf8", "binary-file", "unreadable", "not-a-file", "file-too-large"}


def _too_large(rel: str, size: int) -> Diagnostic:
    return Diagnostic(rel, None, None, "error", "file-too-large",
                      f"This file is {size / 1e6:.1f} MB; an environment file should be a few KB, so Binder's build "
                      "would take very long or fail.",
                      "Check that the right file was saved under this name; list only the packages you need.")


def _normalise(overrides: dict[str, str] | None) -> dict[str, str]:
    out = {}
    for rel, text in (overrides or {}).items():
        rel = rel.replace("\\", "/").strip("/")
        while rel.startswith("./"):
            rel = rel[2:]
        out[rel] = text
    return out


def analyse(project: Path, overrides: dict[str, str] | None = None) -> Report:
    project = Path(project)
    overrides = _normalise(overrides)
    try:
        found = detect(project, overrides)
    except Exception as error:  # a bug in the detector: say so plainly instead of crashing the caller
        failed = _failed_detection(project, error)
        return Report(project, failed, failed.errors)
    findings: list[Diagnostic] = [*found.errors, *found.notes]
    unreadable = {d.file for d in found.errors if d.code in _UNREADABLE_CODES}
    for rel in found.files_used:
        if _validatable(rel) and rel not in unreadable:
            findings.extend(_validate_file(project, rel, overrides, found))
    for rel, reason in found.files_ignored:
        if not _validatable(rel) or "/" in rel.strip("/") and not rel.startswith(("binder/", ".binder/")):
            continue  # files in other sub-folders are only pointed out, not checked
        if rel not in overrides and not os.path.isfile(project / rel):
            continue
        for finding in _validate_file(project, rel, overrides, found):
            if finding.severity == "info":
                continue
            findings.append(Diagnostic(finding.file, finding.line, finding.column, "info", finding.code,
                                       f"(This file is ignored: {_why(reason)}.) {finding.message}", finding.fix))
    return Report(project, found, tuple(_at_most_per_problem(_dedupe_and_sort(findings))))


def _why(reason: str) -> str:
    """The detector's reason without its own "ignored" lead-in (no "ignored: ignored: ...")."""
    why = reason.removeprefix("ignored: ").removeprefix("not used: ")
    return why.removeprefix("ignored ") if why.startswith("ignored because") else why


def _failed_detection(project: Path, error: Exception) -> Detection:
    problem = Diagnostic(".", None, None, "error", "internal-error",
                         f"binder-wizard could not work out what Binder will build ({type(error).__name__}). "
                         "This is a bug in binder-wizard, not in your project.",
                         "Please report it; `repo2docker --no-build .` gives repo2docker's own verdict meanwhile.")
    return Detection(project=project, binder_dir="", buildpack=None, python_version=None,
                     python_version_source=None, r_version=None, r_snapshot_date=None, julia_version=None,
                     files_used=(), files_ignored=(), errors=(problem,), notes=(),
                     summary="binder-wizard could not analyse this folder (see the error).")


_CONTROL = lazy_compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
MAX_MESSAGE = 4000


def readable(text: str, word_limit: int = 120, limit: int = MAX_MESSAGE) -> str:
    """Message text quoting a user's file, made fit to show: control characters written visibly
    (\\x1b, so 'py\\x1b[2Jthon' is not shown as 'python'), and a 5 MB line shortened."""
    if _CONTROL.search(text):
        text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    if len(text) > word_limit:
        text = re.sub(r"\S{%d,}" % (word_limit + 1), lambda m: m.group()[: word_limit - 20] + "…", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _bounded(finding: Diagnostic) -> Diagnostic:
    message = readable(finding.message)
    fix = readable(finding.fix, 300) if finding.fix else finding.fix
    return finding if (message, fix) == (finding.message, finding.fix) else replace(finding, message=message, fix=fix)


MAX_PER_PROBLEM = 20


def _at_most_per_problem(findings: list[Diagnostic]) -> list[Diagnostic]:
    """The first 20 findings of one kind in one file, then one line saying how many more there are.

    A data file saved as requirements.txt has thousands of invalid lines: 45,000 identical errors tell
    the user nothing more than 20 do, and would bury everything else (and slow the editor's list).
    """
    counts: dict[tuple[str, str], int] = {}
    for finding in findings:
        counts[finding.file, finding.code] = counts.get((finding.file, finding.code), 0) + 1
    if max(counts.values(), default=0) <= MAX_PER_PROBLEM + 1:
        return findings
    shown: dict[tuple[str, str], int] = {}
    out = []
    for finding in findings:
        key = (finding.file, finding.code)
        seen = shown[key] = shown.get(key, 0) + 1
        if seen <= MAX_PER_PROBLEM or counts[key] <= MAX_PER_PROBLEM + 1:
            out.append(finding)
        elif seen == MAX_PER_PROBLEM + 1:
            more = counts[key] - MAX_PER_PROBLEM
            out.append(replace(finding, message=f"…and {more:,} more lines with the same problem ([{finding.code}]); "
                                                "only the first 20 are listed.", column=None))
    return out


def _dedupe_and_sort(findings: list[Diagnostic]) -> list[Diagnostic]:
    seen: dict[tuple, Diagnostic] = {}
    for finding in findings:  # the detector's come first and win: they quote repo2docker itself
        key = (finding.file, finding.line, finding.code)
        if key not in seen:
            seen[key] = finding
        elif finding.fix and seen[key].fix != finding.fix:
            # Keep the detector's message (it quotes repo2docker) with the validator's precise fix.
            seen[key] = replace(seen[key], fix=finding.fix, column=seen[key].column or finding.column)
    return sorted(map(_bounded, seen.values()), key=lambda d: (d.file, d.line or 0, d.column or 0,
                                                _SEVERITY_RANK.get(d.severity, 3), d.code))
