"""install.R and DESCRIPTION (rules §10).

The R pack exists only with a dated runtime.txt (`r-YYYY-MM-DD` or `r-X.Y-YYYY-MM-DD`) or a root DESCRIPTION
with no binder/ folder; otherwise install.R is silently ignored. DESCRIPTION is a Debian-control-style (DCF) file
read by R's `read.dcf`, then installed with `remotes::install_local()`.
"""

from __future__ import annotations

import datetime
import os
import re

from wizard.core.common.lazy_regex import lazy_compile
from wizard.core.common.diagnostics import Diagnostic
from wizard.core.common.fileio import read_file_bytes
from wizard.core.environment.catalog import config_folder
from wizard.core.environment.detection.parsers import RuntimeTxtError, parse_runtime
from wizard.core.environment.detection.rules import RSPM_CUTOFF_DATE

PACKAGE_NAME = lazy_compile(r"^[A-Za-z][A-Za-z0-9.]*[A-Za-z0-9]$")
PACKAGE_VERSION = lazy_compile(r"^([0-9]+[.-]){1,}[0-9]+$")
DEPENDENCY = lazy_compile(r"^[A-Za-z][A-Za-z0-9.]*\s*(\(\s*(>=|<=|==|>|<|!=)\s*[0-9][0-9.-]*\s*\))?$")
DCF_FIELD = lazy_compile(r"^([^:\s][^:]*):")
LINE_BREAK = lazy_compile(r"\r\n|\r|\n")
HIGHER_PACKS = (("Dockerfile", "a Dockerfile"), ("JuliaProject.toml", "a Julia project"),
                ("Project.toml", "a Julia project"), ("REQUIRE", "a Julia REQUIRE file"),
                ("default.nix", "a Nix file (default.nix)"))


# ---- which pack Binder will use (only when the project folder is known) ----

def _config_dir(project: str) -> str:
    return config_folder(project)


def _runtime_names_dated_r(project: str, config_dir: str) -> bool:
    """runtime.txt names R with a date (r-YYYY-MM-DD or r-X.Y-YYYY-MM-DD), as repo2docker parses it."""
    try:
        data = read_file_bytes(os.path.join(project, config_dir, "runtime.txt"))
        runtime = parse_runtime(data.decode("utf-8", errors="replace"))
    except (OSError, RuntimeTxtError):
        return False
    return runtime.name == "r" and runtime.date is not None


def _why_r_is_not_used(ctx) -> str | None:
    """A plain reason why Binder will ignore this R file, or None when it is used (or we cannot tell)."""
    if ctx.project is None or ctx.detection is not None:
        return None  # the detector lists ignored files with the reason itself
    project = str(ctx.project)
    config_dir = _config_dir(project)
    folder = os.path.dirname(ctx.path.replace("\\", "/"))
    if ctx.name == "DESCRIPTION" and folder:
        return "only a DESCRIPTION at the top of the repository counts, not one in a sub-folder"
    if ctx.name == "DESCRIPTION" and config_dir:
        return f"a {config_dir}/ folder exists, and then Binder ignores a DESCRIPTION at the top"
    if ctx.name == "install.R" and folder != config_dir:
        return (f"Binder reads configuration from {config_dir}/ because that folder exists" if config_dir
                else "Binder looks for install.R only at the top of the repository or in binder/")
    for name, what in HIGHER_PACKS:
        if os.path.exists(os.path.join(project, config_dir, name)):
            return f"{what} is present and takes precedence over R"
    if _runtime_names_dated_r(project, config_dir) or (not config_dir and os.path.exists(os.path.join(project, "DESCRIPTION"))):
        return None
    return "Binder uses install.R only with a dated runtime.txt (like `r-4.4-2025-06-01`) or a DESCRIPTION file"


# ---- install.R ----

# One token at a time: a string (possibly unclosed), a comment, or a bracket; everything else is skipped.
R_TOKEN = lazy_compile(r"""\"(?:[^"\\]|\\.)*\"?|'(?:[^'\\]|\\.)*'?|`[^`]*`?|#[^\n]*|[()\[\]{}]""", re.DOTALL)
PAIRS = {")": "(", "]": "[", "}": "{"}


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _r_code_problems(text: str):
    """(line, column, message) for unbalanced brackets or an unclosed string, skipping comments and strings."""
    stack: list[tuple[str, int]] = []
    for match in R_TOKEN.finditer(text):
        token = match.group()
        first = token[0]
        if first in "\"'`":
            if len(token) == 1 or token[-1] != first or (first != "`" and _escaped_end(token)):
                yield (*_position(text, match.start()), f"the text started with {first} is never closed")
                return
        elif first in "([{":
            stack.append((first, match.start()))
        elif first in ")]}":
            if not stack or stack[-1][0] != PAIRS[first]:
                line, column = _position(text, match.start())
                yield line, column, (
                    f"`{first}` does not match the `{stack[-1][0]}` opened on line {_position(text, stack[-1][1])[0]}"
                    if stack else f"`{first}` closes nothing that is open")
                return
            stack.pop()
    if stack:
        yield (*_position(text, stack[-1][1]), f"`{stack[-1][0]}` is never closed")


def _escaped_end(token: str) -> bool:
    """Whether a string token's last quote is escaped (so the string is really unclosed)."""
    backslashes = len(token[1:-1]) - len(token[1:-1].rstrip("\\"))
    return backslashes % 2 == 1


MRAN = lazy_compile(r"mran\.(microsoft|revolutionanalytics)\.com|\bcheckpoint\s*\(", re.IGNORECASE)
DATE = lazy_compile(r"\d{4}-\d{2}-\d{2}")
SNAPSHOT_HOST = lazy_compile(r"packagemanager|rstudio|posit|snapshot", re.IGNORECASE)
REPOS = lazy_compile(r"\brepos\s*=")
OTHER_REPOS = lazy_compile(r"mran|bioconductor|r-universe|getOption\(", re.IGNORECASE)
INSTALL_GITHUB = lazy_compile(r"\binstall_github\s*\(\s*(['\"])([^'\"]+)\1")
REF = lazy_compile(r"\bref\s*=")
SYSTEM_APT = lazy_compile(r"\bsystem2?\s*\(\s*['\"]\s*(sudo|apt-get|apt)\b")


def _validate_install_r(text: str, ctx, add) -> None:
    for line, column, what in _r_code_problems(text):
        add(line, column, "error", "r-syntax",
            f"install.R has a syntax error: {what}. R stops there, and the build fails.",
            "Fix the brackets or quotes, then run `Rscript install.R` locally to check.")
    for number, raw in enumerate(LINE_BREAK.split(text), start=1):
        code = raw.split("#", 1)[0] if '"' not in raw and "'" not in raw else raw
        lower = code.lower()
        if ("mran" in lower or "checkpoint" in lower) and (match := MRAN.search(code)):
            add(number, match.start() + 1, "error", "r-mran",
                "MRAN (Microsoft's CRAN snapshots, also used by the `checkpoint` package) shut down in 2023, "
                "so this line fails.",
                "Remove it: Binder already installs from a dated CRAN snapshot. Set the date in runtime.txt, "
                "e.g. `r-4.4-2025-06-01`.")
        if "-" in code and SNAPSHOT_HOST.search(code):
            for match in DATE.finditer(code):
                try:
                    day = datetime.date.fromisoformat(match.group())
                except ValueError:
                    continue
                if day < RSPM_CUTOFF_DATE:
                    add(number, match.start() + 1, "error", "r-snapshot-too-old",
                        f"Package snapshots before {RSPM_CUTOFF_DATE.isoformat()} no longer exist, so this date "
                        "cannot work.", "Use a date on or after 2018-12-07.")
        if "repos" in code and (match := REPOS.search(code)) and not OTHER_REPOS.search(code):
            add(number, match.start() + 1, "info", "r-repos-override",
                "Setting `repos` replaces the dated CRAN snapshot Binder configures, so package versions can "
                "change from one build to the next.",
                "Leave out `repos =` and pin the date in runtime.txt instead.")
        if "install_github" in code and (match := INSTALL_GITHUB.search(code)):
            if "@" not in match.group(2) and not REF.search(code):
                add(number, match.start() + 1, "warning", "r-github-unpinned",
                    f"`{match.group(2)}` installs whatever is on GitHub's default branch on the day of the "
                    "build, so the next build may differ or break.",
                    f"Pin a tag or commit: `\"{match.group(2)}@v1.0.0\"` (or `ref = \"<commit>\"`).")
        if "system" in code and (match := SYSTEM_APT.search(code)):
            add(number, match.start() + 1, "error", "r-system-apt",
                "install.R runs as the normal user, so apt-get fails here.",
                "List Ubuntu packages in apt.txt instead.")


# ---- DESCRIPTION ----

def _dcf_fields(text: str, add) -> dict[str, tuple[int, str]]:
    """Field name -> (line, value), reporting what R's read.dcf and R CMD INSTALL would reject."""
    fields: dict[str, tuple[int, str]] = {}
    lines = LINE_BREAK.split(text)
    last = len(lines)
    while last > 0 and not lines[last - 1].strip():
        last -= 1
    current: str | None = None
    record_ended_at: int | None = None
    for number, raw in enumerate(lines[:last], start=1):
        if not raw.strip():
            if current is not None and record_ended_at is None:
                record_ended_at = number
            continue
        if record_ended_at is not None:
            add(record_ended_at, None, "error", "description-blank-line",
                "A blank line inside DESCRIPTION starts a second record, and R then refuses the file "
                "(\"file 'DESCRIPTION' is not in valid DCF format\").",
                "Delete the blank lines between fields; indent continuation lines instead.")
            record_ended_at = None
        if raw[0] in " \t":
            if current is None:
                add(number, 1, "error", "description-syntax",
                    f"R stops with \"Found continuation line starting '{raw.strip()[:25]} ...' at begin of "
                    "record.\": an indented line must continue a field above it.",
                    "Remove the indentation, or put the field name first.")
            else:
                line_no, value = fields[current]
                fields[current] = (line_no, value + "\n" + raw.strip())
            continue
        match = DCF_FIELD.match(raw)
        if not match or raw.startswith("#"):
            add(number, 1, "error", "description-syntax",
                f"R stops with \"Line starting '{raw[:25]} ...' is malformed!\": every line must be "
                "`Field: value` or an indented continuation (DESCRIPTION has no comments).",
                "Write it as `Field: value`, or indent it to continue the field above.")
            current = None
            continue
        name = match.group(1)
        if name in fields:
            add(number, 1, "warning", "description-duplicate-field",
                f"`{name}` appears twice; R keeps only one of them.", "Merge the two into one field.")
        current = name
        fields[name] = (number, raw[match.end():].strip())
    return fields


def _validate_description(text: str, ctx, add) -> None:
    if not text.strip():
        add(None, None, "error", "description-empty",
            "DESCRIPTION is empty, so R cannot install the project.",
            "Fill in at least `Package:` and `Version:` (see the template).")
        return
    fields = _dcf_fields(text, add)
    for required in ("Package", "Version"):
        if not fields.get(required, (0, ""))[1]:
            add(None, None, "error", "description-missing-field",
                f"DESCRIPTION has no `{required}:` field, so `remotes::install_local()` fails.",
                f"Add a `{required}:` line (see the template).")
    package = fields.get("Package", (None, ""))
    if package[1] and not PACKAGE_NAME.match(package[1]):
        add(package[0], None, "error", "description-bad-package",
            f"`{package[1]}` is not a valid R package name (\"Malformed package name\"): use letters, digits and "
            "dots, starting with a letter, at least two characters.", "Rename it, e.g. `myanalysis`.")
    version = fields.get("Version", (None, ""))
    if version[1] and not PACKAGE_VERSION.match(version[1]):
        add(version[0], None, "error", "description-bad-version",
            f"`{version[1]}` is not a valid R package version (\"Malformed package version\").",
            "Use numbers separated by dots, like `0.1.0`.")
    for recommended in ("Title", "Description"):
        if recommended not in fields:
            add(None, None, "warning", "description-missing-field",
                f"DESCRIPTION has no `{recommended}:` field; R may refuse to install it "
                "(\"Required fields missing or empty\").", f"Add a `{recommended}:` line.")
    if "License" not in fields:  # repo2docker's own DESCRIPTION test has none and builds
        add(None, None, "info", "description-no-license",
            "DESCRIPTION has no `License:` field. Binder does not need one, but others cannot tell whether "
            "they may reuse your code.", "Add a line such as `License: MIT`.")
    if "Authors@R" not in fields and not ("Author" in fields and "Maintainer" in fields):
        add(None, None, "warning", "description-missing-field",
            "DESCRIPTION needs `Authors@R:` (or both `Author:` and `Maintainer:`); R may refuse to install it.",
            "Add an `Authors@R: person(\"First\", \"Last\", email = \"you@example.org\", role = c(\"aut\", \"cre\"))` line.")
    for field in ("Depends", "Imports", "LinkingTo"):
        if field not in fields:
            continue
        line, value = fields[field]
        for entry in value.replace("\n", " ").split(","):
            entry = entry.strip()
            if entry and not DEPENDENCY.match(entry):
                add(line, None, "warning", "description-bad-dependency",
                    f"`{entry}` in {field} is not in the form `package` or `package (>= 1.2)`.",
                    "Separate packages with commas and write versions in brackets.")
    if any(ord(ch) > 127 for ch in text) and "Encoding" not in fields:
        add(None, None, "warning", "description-encoding",
            "DESCRIPTION contains non-ASCII characters but no `Encoding:` field.", "Add `Encoding: UTF-8`.")
    if ctx.project is not None and _why_r_is_not_used(ctx) is None and not ctx.reported_by_detector("r-unpinned"):
        if not _runtime_names_dated_r(str(ctx.project), _config_dir(str(ctx.project))):
            add(None, None, "info", "r-snapshot-floating",
                "Without a dated runtime.txt, R packages come from the CRAN snapshot of two days before each "
                "build, so versions change over time.",
                "Add a runtime.txt such as `r-4.4-2025-06-01` to freeze R and the package date.")


def validate(text: str, ctx) -> list[Diagnostic]:
    out: list[Diagnostic] = []

    def add(line, column, severity, code, message, fix=None):
        out.append(Diagnostic(ctx.path, line, column, severity, code, message, fix))

    reason = _why_r_is_not_used(ctx)
    if reason:
        add(None, None, "warning", "r-file-ignored",
            f"Binder will ignore {ctx.name}: {reason}.",
            "Add a runtime.txt with R and a date, like `r-4.4-2025-06-01`, beside it."
            if "dated runtime.txt" in reason else "Move or remove the files so Binder uses the setup you want.")
    if ctx.name == "DESCRIPTION":
        _validate_description(text, ctx, add)
    else:
        _validate_install_r(text, ctx, add)
    return out


def _fix_blank_lines(text: str, diagnostic: Diagnostic) -> str:
    """Drop blank lines between fields (trailing blank lines are harmless and kept)."""
    lines = text.splitlines(keepends=True)
    last = len(lines)
    while last > 0 and not lines[last - 1].strip():
        last -= 1
    first = next((i for i, line in enumerate(lines) if line.strip()), 0)
    body = [line for line in lines[first:last] if line.strip()]
    return "".join(lines[:first] + body + lines[last:])


FIXES = {"description-blank-line": _fix_blank_lines}
