"""runtime.txt: the one-line Python or R version, with repo2docker's strict and mostly silent grammar.

Errors repo2docker raises are reported with the same codes the detector uses (so they merge), and the
forms it silently ignores (capital letter, comment line, `python-3.11.4`, unknown names, `r-4.3` without
a date) are flagged with the reason and a corrected line.
"""

from __future__ import annotations

import datetime
import re

from wizard.core.common.lazy_regex import lazy_compile
from wizard.core.common.diagnostics import Diagnostic
from wizard.core.environment.detection.parsers import RuntimeTxtError, parse_runtime
from wizard.core.environment.detection.rules import LOCKFILE_PYTHONS, MAJOR_PYTHONS, R_VERSION_MAP, RSPM_CUTOFF_DATE
from wizard.core.environment.validators import FileContext

PYTHON_OK = lazy_compile(r"^python-(2|3|2\.7|3\.(5|6|7|8|9|1[0-4]))(-\d{4}-\d{2}-\d{2})?$")
R_OK = lazy_compile(r"^r-((3\.[3-6]|4\.[0-5])(\.\d+)?-)?\d{4}-\d{2}-\d{2}$")


def _add(out, line, column, severity, code, message, fix=None, file=""):
    out.append(Diagnostic(file, line, column, severity, code, message, fix))


def validate(text: str, ctx: FileContext) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    add = lambda *a: _add(out, *a, file=ctx.path)  # noqa: E731
    if "\r\n" in text:
        add(None, None, "info", "crlf", "runtime.txt has Windows (CRLF) line endings; repo2docker copes.",
            "Convert to LF line endings.")
    content = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    lines = [line.strip() for line in content.split("\n") if line.strip()]
    if not content:
        add(1, 1, "error", "runtime-invalid", "runtime.txt is empty; repo2docker stops with 'Invalid runtime.txt'.",
            "Write one line such as python-3.12, or delete the file.")
        return out
    if len(lines) > 1:
        version_line = next((line for line in lines if re.match(r"^(python|r)-", line)), None)
        add(1, 1, "warning" if "-" in content else "error", "runtime-extra-lines",
            "runtime.txt must contain only the version line; with a comment or a second line repo2docker reads "
            "the whole file as one name and silently ignores it.",
            f"Keep only '{version_line}'." if version_line else "Keep a single line such as python-3.12.")
    try:
        runtime = parse_runtime(content)
    except RuntimeTxtError as error:
        bad_python = re.match(r"^[Pp]ython\s*(\d+(?:\.\d+)*)$", content)
        fix = f"Write python-{'.'.join(bad_python.group(1).split('.')[:2])}" if bad_python else \
            "Write the Python version as python-X.Y, e.g. python-3.12."
        code = error.code
        add(1, 1, "error", code,
            f"runtime.txt does not follow the name-version form, so the build stops. repo2docker says: "
            f"{error.message}", fix)
        return out
    name, version, date = runtime.name, runtime.version, runtime.date
    if len(lines) > 1:
        return out
    if name.lower() == "python" and name != "python":
        add(1, 1, "warning", "runtime-capital-name",
            f"'{name}' has a capital letter; repo2docker only recognises 'python', so it silently ignores this file "
            "(and on mybinder.org a requirements.txt project then fails with 'No environment specification found').",
            f"Write {content.replace(name, 'python', 1)}.")
        return out
    if name.lower() == "r" and name != "r":
        add(1, 1, "warning", "runtime-capital-name", f"'{name}' must be a lower-case 'r'; this file is ignored.",
            f"Write {content.replace(name, 'r', 1)}.")
        return out
    if name.startswith("\ufeff"):
        add(1, 1, "warning", "runtime-bom", "runtime.txt starts with an invisible byte-order mark, so repo2docker "
                                           "does not recognise the name and ignores the file.",
            "Save it as UTF-8 without BOM.")
        return out
    if name == "python":
        _python(add, content, version, date)
    elif name == "r":
        _r(add, content, version, date, ctx)
    else:
        add(1, 1, "warning", "runtime-unknown-name",
            f"'{name}' is not a runtime repo2docker knows (only python-X.Y and r-X.Y-YYYY-MM-DD); it silently ignores "
            "this file, and it also switches off the requirements.txt and Pipfile setups."
            + (" Julia is chosen by a Project.toml, not by runtime.txt." if name.lower() == "julia" else ""),
            "Delete runtime.txt or write python-X.Y.")
    _ignored_by_pack(add, name, ctx)
    return out


def _python(add, content, version, date) -> None:
    if version is None:
        add(1, 1, "warning", "runtime-python-no-version",
            "This names python but no version, so Binder uses its default Python 3.10.", "Write python-X.Y.")
        return
    if date is not None:
        add(1, 1, "info", "runtime-python-date-ignored", "repo2docker ignores the date after a Python version.",
            f"Write python-{version}.")
    if PYTHON_OK.match(content):
        if version in MAJOR_PYTHONS:
            add(1, 1, "info", "runtime-python-major",
                f"python-{version} means Python {MAJOR_PYTHONS[version]} today and will change over time; pin "
                "the major.minor version you use.", f"Write python-{MAJOR_PYTHONS[version]}.")
        elif re.fullmatch(r"2\.7|3\.[56]", version):
            add(1, 1, "warning", "runtime-python-legacy",
                f"Python {version} is very old: Binder runs Jupyter on Python 3.10 and your packages in a separate "
                "environment; many packages no longer install.", "Move to Python 3.10 or newer if you can.")
        return
    parts = version.split(".")
    if len(parts) > 2 and all(p.isdigit() for p in parts):
        add(1, 1, "error", "python-version-form",
            f"repo2docker accepts only major.minor (python-{'.'.join(parts[:2])}), not {version}; the build stops "
            f"with \"PythonBuildPack.python_version must always be specified as 'x.y', e.g. '3.10', got {version}.\"",
            f"Write python-{'.'.join(parts[:2])}.")
    elif len(parts) == 1 and parts[0].isdigit():
        add(1, 1, "error", "python-major-unknown", f"python-{version} is not a Python version Binder knows "
                                                   f"(the build stops with KeyError: '{version}').",
            "Write python-X.Y, e.g. python-3.12.")
    elif all(p.isdigit() for p in parts):
        add(1, 1, "error", "python-unsupported",
            f"Binder cannot install Python {version}; it offers {', '.join(LOCKFILE_PYTHONS)} (the build stops "
            f"with 'Python version {version} on linux-64 is not supported!').", "Pick one of those versions.")
    else:
        add(1, 1, "error", "runtime-python-invalid", f"'{version}' is not a version number.",
            "Write python-X.Y, e.g. python-3.12.")


def _r(add, content, version, date, ctx) -> None:
    has_description = ctx.project is not None and (ctx.project / "DESCRIPTION").is_file() and "/" not in ctx.path
    if date is None:
        add(1, 1, "warning" if not has_description else "info", "runtime-r-no-date",
            "An R runtime without a date is ignored unless there is a DESCRIPTION file at the root: install.R is "
            "then not run, and mybinder.org fails with 'No environment specification found'."
            if not has_description else "R version from runtime.txt, packages from the snapshot two days ago.",
            f"Write {content}-{(datetime.date.today() - datetime.timedelta(days=2)).isoformat()}.")
    if version is not None:
        parts = version.split(".")
        if version not in R_VERSION_MAP and len(parts) != 3:
            add(1, 1, "error", "r-version-unsupported",
                f"Binder cannot install R {version} (repo2docker offers {', '.join(sorted(R_VERSION_MAP))})"
                + ("; R 4.6 is not on mybinder.org yet." if version.startswith("4.6") else "."),
                "Write r-4.5-YYYY-MM-DD or another offered version.")
        elif len(parts) == 3 and ".".join(parts[:2]) not in R_VERSION_MAP:
            add(1, 1, "warning", "runtime-r-full-version",
                f"R {version} is passed through unchecked; the build fails later if that release does not exist.",
                "Use major.minor (e.g. r-4.4-YYYY-MM-DD) so repo2docker picks the patch release.")
    if date is not None:
        if date < RSPM_CUTOFF_DATE:
            add(1, 1, "error", "r-snapshot-too-old",
                f"R package snapshots before 2018-12-07 no longer exist (this file says {date.isoformat()}); the "
                "build stops.", "Use a date on or after 2018-12-07 (a recent date is best).")
        elif date > datetime.date.today():
            add(1, 1, "warning", "runtime-date-future",
                f"The snapshot date {date.isoformat()} is in the future; no CRAN snapshot exists for it yet.",
                "Use today's date or an earlier one.")


def _ignored_by_pack(add, name, ctx) -> None:
    detection = ctx.detection
    pack = getattr(detection, "buildpack", None)
    if name == "python" and pack == "conda":
        add(None, None, "warning", "runtime-ignored-by-environment",
            "runtime.txt is ignored because environment.yml is used: the Python version must be pinned in "
            "environment.yml.", "Add '- python=X.Y' to environment.yml's dependencies and delete runtime.txt.")
    elif name == "python" and pack == "pipfile":
        add(None, None, "warning", "runtime-ignored-by-pipfile",
            "runtime.txt is ignored because a Pipfile is used: set the version in the Pipfile.",
            "Put python_version = \"X.Y\" under [requires] in the Pipfile and delete runtime.txt.")


def _rewrite(text: str, diagnostic) -> str:
    """Rewrite runtime.txt to the form the diagnostic's fix names ("Write python-3.12.")."""
    fix = diagnostic.fix or ""
    match = re.search(r"(?:Write|Keep only '?)\s*((?:python|r)-[\w.\-]+?)'?\.?$", fix)
    if not match:
        return text
    return match.group(1).rstrip(".") + "\n"


def _crlf(text: str, diagnostic) -> str:
    return text.replace("\r\n", "\n")


FIXES = {
    "runtime-invalid": _rewrite,
    "runtime-capital-name": _rewrite,
    "runtime-extra-lines": _rewrite,
    "python-version-form": _rewrite,
    "runtime-python-date-ignored": _rewrite,
    "runtime-python-major": _rewrite,
    "runtime-r-no-date": _rewrite,
    "crlf": _crlf,
}
