"""requirements.txt / requirements3.txt, as `pip install -r` will read them inside Binder's build.

Each line is checked as pip reads it: comments, options, local paths (pip runs from the repository root,
before the repository is copied in unless a line is local), PEP 508 requirements (simple lines by a fast
exact regex, everything else by `packaging`), then the beginner pitfalls: `@ file:///` lines from
`pip freeze` in a conda env, OS-only packages, standard-library or import names listed as packages,
duplicates and pins. `check_line` is shared with the `pip:` section of environment.yml. A `-r` include is
read like pip reads it (`check_include`), so one file is checked with the files it pulls in. (About 600
lines: pip's line grammar, its pitfalls and their fixes are one subject, read top to bottom.)
"""

from __future__ import annotations

import re
import sys

from wizard.core.common.lazy_regex import lazy_compile
from wizard.core.common.diagnostics import Diagnostic
from wizard.core.environment.convert.binder_python import both_apply_on_binder
from wizard.core.common.fileio import read_file_bytes
from wizard.core.environment.detection.parsers import load_toml
from wizard.core.environment.validators import FileContext
from wizard.core.environment.package_names import near_miss, normalise
from wizard.core.environment.requirement_syntax import simple_requirement
from wizard.core.environment.validators.os_only import pip_system

_ABSOLUTE = lazy_compile(r"^([A-Za-z]:[\\/]|/|~)")
_NAME_START = lazy_compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*")

# Import names that are not the package name on PyPI: import name -> distribution to install.
IMPORT_NAMES = {
    "sklearn": "scikit-learn", "cv2": "opencv-python", "yaml": "PyYAML", "pil": "Pillow", "bs4": "beautifulsoup4",
    "skimage": "scikit-image", "dateutil": "python-dateutil", "crypto": "pycryptodome", "dotenv": "python-dotenv",
    "attr": "attrs", "magic": "python-magic", "docx": "python-docx", "pptx": "python-pptx", "jwt": "PyJWT",
    "serial": "pyserial", "usb": "pyusb", "zmq": "pyzmq", "fitz": "PyMuPDF", "mpl-toolkits": "matplotlib",
    "google": "the specific google-… package (e.g. google-cloud-storage)", "osgeo": "GDAL",
    "tensorflow-gpu": "tensorflow",
}
# Standard-library names with a harmless-looking PyPI backport that breaks or shadows modern Pythons.
BACKPORTS = {"typing", "dataclasses", "enum34", "pathlib", "argparse", "asyncio", "futures", "statistics",
             "importlib", "configparser", "contextlib2", "ipaddress", "selectors34", "subprocess32", "functools32",
             "zipfile36"}
# Packages that come with Binder's Jupyter environment; pinning them fights the base environment.
JUPYTER_SERVER = {"notebook", "jupyterlab", "jupyter-server", "ipykernel", "jupyterhub", "jupyter-client",
                  "jupyter-core", "nbclassic", "traitlets", "tornado"}
# Packages that build or load against system libraries missing from Binder's image unless apt.txt adds them:
# name -> (apt packages that make it work, what else to do).
NEEDS_SYSTEM_LIBRARIES = {
    "opencv-python": (("libgl1",), "or install opencv-python-headless instead (no GUI libraries needed)"),
    "opencv-contrib-python": (("libgl1",), "or install opencv-contrib-python-headless instead"),
    "psycopg2": (("libpq-dev",), "or install psycopg2-binary instead"),
    "mysqlclient": (("default-libmysqlclient-dev", "pkg-config"), ""),
    "pygraphviz": (("graphviz", "libgraphviz-dev"), ""),
    "pycairo": (("libcairo2-dev", "pkg-config"), ""),
    "pyaudio": (("portaudio19-dev",), ""),
    "mpi4py": (("libopenmpi-dev",), "or use environment.yml with conda-forge mpi4py"),
    "python-ldap": (("libldap2-dev", "libsasl2-dev"), ""),
    "gdal": (("libgdal-dev",), "the versions must match exactly; environment.yml with conda-forge gdal is easier"),
    "pyodbc": (("unixodbc-dev",), ""),
    "rpy2": (("r-base",), "or use an R setup (runtime.txt r-X.Y-YYYY-MM-DD) so R is installed properly"),
}
PIP_OPTIONS = {
    "-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url", "--extra-index-url",
    "--no-index", "-f", "--find-links", "--pre", "--no-binary", "--only-binary", "--prefer-binary",
    "--require-hashes", "--trusted-host", "--use-feature", "--hash", "--config-settings", "--global-option",
}


_STDLIB = frozenset(name.lower() for name in sys.stdlib_module_names if not name.startswith("_"))


_COMMENT = lazy_compile(r"(?:^|\s)#")


def _strip_comment(line: str) -> str:
    """pip: a comment starts at a '#' at the start of the line or after whitespace."""
    if "#" not in line:
        return line
    match = _COMMENT.search(line)
    return line[: match.start()] if match else line


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """(first line number, text) with backslash continuations joined, as pip does."""
    out: list[tuple[int, str]] = []
    pending, start = "", 0
    for number, raw in enumerate(text.split("\n"), 1):
        raw = raw.rstrip("\r")
        if not pending:
            start = number
        if raw.endswith("\\") and not raw.lstrip().startswith("#"):
            pending += raw[:-1]
            continue
        out.append((start, pending + raw))
        pending = ""
    if pending:
        out.append((start, pending))
    return out


class Findings:
    """The diagnostics found in one file, in order (shared with environment.yml's pip section)."""

    def __init__(self, file: str, apt_packages: set[str] | None = None) -> None:
        self.file, self.items = file, []
        self.apt_packages = apt_packages  # what apt.txt installs; None: unknown, do not guess

    def add(self, line, column, severity, code, message, fix=None) -> None:
        self.items.append(Diagnostic(self.file, line, column, severity, code, message, fix))


def check_line(raw: str, number: int | None, column0: int, out: Findings, ctx_project=None, seen: dict | None = None,
               in_conda: bool = False) -> str | None:
    """Check one requirement line; returns its normalised package name when it names one."""
    line = _strip_comment(raw).strip()
    if not line:
        return None
    col = column0 + (len(raw) - len(raw.lstrip())) + 1
    if line.startswith("-"):
        return _check_option(line, number, col, out, ctx_project, in_conda)
    if "://" in line and "@" not in line.split("://", 1)[0]:
        if line.startswith("file:"):
            out.add(number, col, "error", "req-local-file-url",
                    f"'{line}' points to a file on your computer, which does not exist inside Binder.",
                    "Replace it with the package name and version, e.g. 'name==1.2.3'.")
        elif not re.match(r"^(git\+)?(https?|ssh|git)://", line):
            out.add(number, col, "warning", "req-url-scheme", f"'{line}' uses an unusual URL scheme.",
                    "Use an https:// URL or a package name.")
        return None
    if line[0] in "/~" or line[1:2] == ":" and _ABSOLUTE.match(line):  # the regex only for `C:\...`
        out.add(number, col, "error", "req-absolute-path",
                f"'{line}' is a path on your computer; it does not exist inside Binder.",
                "Use the package name (and version) instead, or a path inside the repository starting with './'.")
        return None
    if line.startswith("."):
        _check_local_path(line, line, number, col, out, ctx_project)
        return None  # a local path pip resolves from the repository root
    local = "@" in line and _LOCAL_FILE_URL.match(line)  # `pip freeze` in conda: no need to load packaging
    if local:
        name, url = local.group("name"), local.group("url")
        _report_local_file_url(line, name, url, number, col, out)
        return normalise(name)
    simple = simple_requirement(line)  # None: let packaging read it (and explain what is wrong)
    if simple is not None:
        name, _, spec, marker = simple
    else:
        parsed = _parse_pep508(line, number, col, out, in_conda)
        if parsed is None:
            return None
        name, spec, marker, url = parsed
        if url is not None and url.startswith("file:"):
            _report_local_file_url(line, name, url, number, col, out)
            return normalise(name)
    key = normalise(name)
    _check_name(key, name, spec, marker, number, col, out, in_conda)
    if seen is not None:  # key -> [(line, spec, marker)] of the lines seen so far
        earlier = seen.setdefault(key, [])
        # Lines whose markers exclude each other (`uv export` writes one per Python range) are not duplicates.
        clash = next((entry for entry in earlier if both_apply_on_binder(entry[2], marker)), None)
        if clash is not None:
            first_line, first_spec, _ = clash
            if normalise_spec(first_spec) != normalise_spec(spec):
                out.add(number, col, "error", "req-conflicting-duplicate",
                        f"'{name}' is listed twice with different versions (first on line {first_line}); pip "
                        "cannot install both.", "Keep one of the two lines.")
            else:
                out.add(number, col, "warning", "req-duplicate",
                        f"'{name}' is listed twice (first on line {first_line}).", "Remove the second line.")
        earlier.append((number, spec, marker))
    if spec and key in JUPYTER_SERVER and "==" in spec:
        out.add(number, col, "warning", "req-pins-jupyter",
                f"'{line}' pins part of Jupyter itself, which Binder already installs; an old pin can break the "
                "server or conflict with the base environment.",
                f"Remove the version (or the line) unless you really need this {name} version.")
    return key


_LOCAL_FILE_URL = lazy_compile(r"^(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*@\s*(?P<url>file:\S+)$")


def _report_local_file_url(line: str, name: str, url: str, number: int, col: int, out) -> None:
    version = _version_in_file_url(name, url)
    out.add(number, col, "error", "req-local-file-url",
            f"'{line}' points to a file on your computer (typical of `pip freeze` in a conda "
            "environment); that path does not exist inside Binder.",
            f"Write it as '{name}=={version}' (the version in the file name)." if version else
            f"Write it as '{name}', then add its version ('{name}==...', see `pip list --format=freeze`).")


def normalise_spec(spec: str) -> str:
    return ",".join(sorted(part.replace(" ", "") for part in spec.split(",") if part.strip()))


def _parse_pep508(line, number, col, out, in_conda):
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        requirement = Requirement(line)
    except InvalidRequirement as error:
        text = str(error)
        caret = _caret_column(text)
        single = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*=\s*([0-9][^=\s;]*)\s*$", line)
        space = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s+(\d[\w.]*)\s*$", line)
        if single:
            out.add(number, col, "error", "req-single-equals",
                    f"'{line}' uses a single '='; pip needs '==' to pin a version (a single '=' is conda's way).",
                    f"Write {single.group(1)}=={single.group(2)}.")
        elif space:
            out.add(number, col, "error", "req-invalid",
                    f"'{line}' is not a valid requirement: a version needs an operator such as '=='.",
                    f"Write {space.group(1)}=={space.group(2)}.")
        elif "/" in line and not re.match(r"^[A-Za-z0-9._-]+\s*@", line) and _NAME_START.match(line):
            out.add(number, col, "error", "req-local-path-without-dot",
                    f"'{line}' looks like a folder in your repository, but pip installs requirements before the "
                    "repository is copied in, and only paths starting with '.' count as local.",
                    f"Write ./{line} instead.")
        else:
            first = text.splitlines()[0] if text else "invalid requirement"
            out.add(number, col + (caret or 0), "error", "req-invalid",
                    f"'{line}' is not a valid requirement ({first}).",
                    "Write one package per line, like 'numpy' or 'numpy==2.1.0'.")
        return None
    spec = str(requirement.specifier)
    marker = str(requirement.marker) if requirement.marker else ""
    return requirement.name, spec, marker, requirement.url


def _caret_column(text: str) -> int | None:
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.strip() == "^" or (line.strip().startswith("~") and line.strip().endswith("^")):
            above = lines[index - 1] if index else ""
            indent = len(above) - len(above.lstrip())
            return max(0, len(line) - len(line.lstrip()) - indent)
    return None


def _check_option(line, number, col, out, project, in_conda):
    option, _, value = line.partition(" ")
    if "=" in option and option.startswith("--"):
        option, _, value = option.partition("=")
    elif option[:2] in ("-r", "-c", "-e", "-i", "-f") and len(option) > 2:
        option, value = option[:2], option[2:]
    value = value.strip()
    if option not in PIP_OPTIONS:
        out.add(number, col, "error", "req-unknown-option", f"pip does not know the option '{option}'.",
                "Remove the line, or check the spelling of the option.")
        return None
    if option in ("-e", "--editable"):
        if not value:
            out.add(number, col, "error", "req-option-value", f"'{option}' needs a path or URL after it.",
                    "Write '-e .' to install the repository itself.")
        elif re.match(r"^([A-Za-z]:[\\/]|/|~)", value) or value.startswith("file:"):
            out.add(number, col, "error", "req-absolute-path",
                    f"'{line}' is a path on your computer; it does not exist inside Binder.",
                    "Use '-e .' (the repository root) or a path starting with './'.")
        elif not value.startswith(".") and "://" not in value and not value.startswith("git+"):
            out.add(number, col, "error", "req-local-path-without-dot",
                    f"'{line}': pip treats '{value}' as a local folder only if it starts with '.'.",
                    f"Write -e ./{value} instead.")
        elif value.startswith("."):
            _check_local_path(value, line, number, col, out, project)
            if in_conda:
                out.add(number, col, "info", "env-pip-local",
                        f"'{line}' installs from the repository, so the whole environment is built after your "
                        "files are copied in (slower rebuilds when any file changes).", None)
        return None
    if option in ("-r", "--requirement", "-c", "--constraint") and value and project is not None and not in_conda:
        return None  # existence is checked by the caller, which knows where the file lives
    if option in ("-i", "--index-url", "--extra-index-url", "--trusted-host", "-f", "--find-links") and not value:
        out.add(number, col, "error", "req-option-value", f"'{option}' needs a value after it.", None)
    return None


def _check_local_path(path: str, line: str, number, col, out, project) -> None:
    """Local paths are resolved from the repository root (pip's working directory), even in binder/."""
    path = re.split(r"[\s;#\[]", path, 1)[0].rstrip("/") or "."
    if path == ".." or path.startswith("../"):
        out.add(number, col, "error", "req-outside-repo",
                f"'{line}' points outside the repository. pip runs from the repository root (even for "
                "binder/requirements.txt), and nothing outside it exists inside Binder.",
                "Use '-e .' for the repository itself, or ./path for a folder inside it.")
        return
    if project is not None and not (project / path).exists():
        out.add(number, col, "error", "req-local-missing",
                f"'{line}' refers to {path}, which does not exist in the repository (paths are relative to the "
                "repository root, where pip runs).", "Fix the path (relative to the repository root).")


def _check_name(key, name, spec, marker, number, col, out, in_conda):
    bound = None if marker else pip_system(key)
    if bound:
        system, installs, _evidence = bound
        platform = "win32" if system == "Windows" else "darwin"
        code = "req-windows-only" if system == "Windows" else "req-macos-only"
        fix = f"Add a marker so it is only installed on {system}: {name}; sys_platform == \"{platform}\"."
        if installs:
            out.add(number, col, "warning", code,
                    f"'{name}' is only useful on {system}. pip installs it on Binder's Linux, but it does "
                    "nothing there, and code that needs it will fail.", fix)
        else:
            out.add(number, col, "error", code,
                    f"'{name}' only exists for {system}; Binder runs Linux, so pip cannot install it.", fix)
    if key == "pkg-resources" and "0.0.0" in spec:
        out.add(number, col, "error", "req-pkg-resources",
                f"'{name}{spec}' is a bogus line that `pip freeze` writes on Debian/Ubuntu; no such package exists, "
                "so pip stops.", "Remove this line.")
        return
    if key in NEEDS_SYSTEM_LIBRARIES and out.apt_packages is not None:
        apt, other = NEEDS_SYSTEM_LIBRARIES[key]
        missing = [package for package in apt if package not in out.apt_packages]
        if missing:
            out.add(number, col, "warning", "req-needs-system-library",
                    f"'{name}' needs system libraries that Binder's image does not have ({', '.join(missing)}); "
                    "the install or the import fails without them.",
                    f"Add {', '.join(missing)} to apt.txt" + (f", {other}." if other else "."))
    if key in IMPORT_NAMES:
        out.add(number, col, "error", "req-import-name",
                f"'{name}' is the name you import, not the package to install.",
                f"Install {IMPORT_NAMES[key]} instead.")
        return
    if key in BACKPORTS:
        out.add(number, col, "warning", "req-stdlib",
                f"'{name}' is a backport of a standard-library module that is built into Python 3; the old PyPI "
                "package can shadow the built-in module or fail to install.", "Remove this line.")
    elif key in _STDLIB:
        out.add(number, col, "error", "req-stdlib",
                f"'{name}' is part of Python's standard library, not a package on PyPI; pip will fail with "
                "'No matching distribution found'.", "Remove this line.")
    else:
        close = near_miss(key)  # offline: the bundled list of popular names (issue 13)
        if close:
            out.add(number, col, "warning", "req-near-miss",
                    f"'{name}' is not a package binder-wizard knows, but the popular {close} is a letter or two "
                    "away: a typo?", f"Did you mean {close}? Write {close} instead.")


def apt_packages(ctx: FileContext) -> set[str] | None:
    """Package names in the apt.txt Binder will use beside this file (empty when there is none)."""
    if ctx.project is None:
        return None
    folder = ctx.path.rsplit("/", 1)[0] if "/" in ctx.path else ""
    try:
        text = read_file_bytes(ctx.project / folder / "apt.txt").decode("utf-8", errors="replace")
    except OSError:
        return set()
    return {line.partition("#")[0].strip().split("=")[0] for line in text.splitlines()} - {""}


def validate(text: str, ctx: FileContext) -> list[Diagnostic]:
    out = Findings(ctx.path, apt_packages(ctx))
    if "\r\n" in text:
        out.add(None, None, "info", "crlf", "This file has Windows (CRLF) line endings. pip copes, but Linux "
                                           "tools and diffs work better with LF.", "Convert to LF line endings.")
    lines = _logical_lines(text)
    counts = Counts()
    _read_lines(lines, ctx.path, ctx, out, {}, counts, {ctx.path})
    _whole_file(ctx, out, counts.names, counts.pinned, counts.local_root, lines)
    return out.items


class Counts:
    """Requirement lines seen in the file and in the files it includes, as pip reads them all as one."""

    def __init__(self) -> None:
        self.names = self.pinned = 0
        self.local_root: int | None = None


MAX_INCLUDE_DEPTH = 10


def _read_lines(lines, path: str, ctx: FileContext, out: Findings, seen: dict, counts: Counts,
                chain: set[str]) -> None:
    """Check the lines of `path` (the file itself, or one it includes with -r), following -r as pip does."""
    for number, raw in lines:
        line = _strip_comment(raw).strip()
        if not line:
            continue
        if line.startswith(("-r", "--requirement", "-c", "--constraint")):
            check_include(line, number, raw, path, ctx, out, seen, counts, chain)
        if path == ctx.path and (line in (".", "-e .", "-e.", "./", "--editable=.")
                                 or line.startswith(("-e .", "-e ./"))):
            counts.local_root = number
        key = check_line(raw, number, 0, out, ctx.project, seen)
        if key:
            counts.names += 1
            if "==" in line:
                counts.pinned += 1


def check_include(line, number, raw, path, ctx, out, seen, counts, chain):
    """`-r other.txt` is read like pip reads it: relative to the including file's folder, its lines checked in
    place (findings carry the included file's name and line numbers). `-c` files are only checked to exist."""
    option = re.match(r"^(-r|-c|--requirement|--constraint)\s*=?\s*", line)
    value = line[option.end():].strip()
    if not value or ctx.project is None or "://" in value:
        return
    folder = path.rsplit("/", 1)[0] if "/" in path else ""
    column = len(raw) - len(raw.lstrip()) + 1
    try:
        target = (ctx.project / folder / value).resolve()
        rel = target.relative_to(ctx.project.resolve()).as_posix()
    except ValueError:
        out.add(number, column, "error", "req-outside-repo",
                f"'{line}' includes a file outside the repository; Binder only has the repository's files.",
                "Copy the file into the repository and include it from there.")
        return
    except OSError:
        return
    if not target.is_file():
        name = path.rsplit("/", 1)[-1]
        out.add(number, column, "error", "req-missing-include",
                f"'{line}' includes {value}, but there is no such file next to {name}.",
                "Fix the file name, or add the file (paths are relative to this requirements file).")
        return
    if option.group(1) in ("-c", "--constraint") or not _installed(ctx):
        return
    if rel in chain:
        out.add(number, column, "error", "req-include-loop",
                f"'{line}' includes {rel}, which is already being read (the files include each other), so pip "
                "never finishes reading them.", "Remove one of the -r lines.")
        return
    if len(chain) > MAX_INCLUDE_DEPTH:
        return
    try:
        text = read_file_bytes(target, MAX_INCLUDE_BYTES).decode("utf-8-sig")
    except (OSError, ValueError):  # unreadable, too large, not UTF-8: the install check says more
        return
    included = Findings(rel, out.apt_packages)
    before = {key: len(entries) for key, entries in seen.items()}
    _read_lines(_logical_lines(text), rel, ctx, included, seen, counts, chain | {rel})
    for key, entries in seen.items():  # a later duplicate says where the first one is
        for index in range(before.get(key, 0), len(entries)):
            first_line, spec, marker = entries[index]
            if isinstance(first_line, int):
                entries[index] = (f"{first_line} of {rel}", spec, marker)
    out.items.extend(included.items)


MAX_INCLUDE_BYTES = 2_000_000


def _installed(ctx: FileContext) -> bool:
    """Whether pip will read this file on Binder (unknown: assume so). An ignored file's includes are never read."""
    used = getattr(ctx.detection, "files_used", None)
    return used is None or ctx.path in used


def _whole_file(ctx, out, names, pinned, local_root, lines):
    detection = ctx.detection
    python = getattr(detection, "python_version", None)
    if ctx.name == "requirements3.txt":
        version = tuple(int(p) for p in python.split(".")) if python and re.fullmatch(r"\d+\.\d+", python) else None
        if version is None or version >= (3, 7):
            out.add(None, None, "warning", "req3-unused",
                    "requirements3.txt is only installed when the project's Python is older than 3.7 (it then goes "
                    "into Jupyter's own environment); here it is ignored.",
                    "Move these packages into requirements.txt.")
    if names == 0 and not any(_strip_comment(raw).strip() for _, raw in lines):
        out.add(None, None, "info", "req-empty", "This file lists no packages, so nothing extra is installed.",
                "List one package per line, e.g. numpy==2.1.0.")
        return
    if names and pinned == 0:
        out.add(None, None, "info", "req-unpinned",
                "No package has a version, so a future release can break the build without any change on your side.",
                "Pin the packages you import directly (e.g. numpy==2.1.0); `pip freeze` shows your versions.")
    elif names >= 40 and pinned / names > 0.9:
        out.add(None, None, "info", "req-looks-like-freeze",
                f"{pinned} exact pins look like the output of `pip freeze`; pins of indirect dependencies often "
                "conflict on another system.",
                "Keep only the packages you import directly (binder-wizard requirements can work them out).")
    if local_root and ctx.project is not None:
        root = ctx.project
        if not any((root / name).exists() for name in ("setup.py", "pyproject.toml", "setup.cfg")):
            out.add(local_root, 1, "error", "req-local-no-package",
                    "This line installs the repository itself, but there is no setup.py or pyproject.toml at "
                    "the repository root (pip runs from the root, even for binder/requirements.txt).",
                    "Add a pyproject.toml for your package, or remove the line.")
        elif "/" not in ctx.path and getattr(ctx.detection, "buildpack", None) in ("python", "r", "julia") and (
                "setup.py" in getattr(ctx.detection, "files_used", ()) or _is_package(root)):
            out.add(local_root, 1, "info", "req-installed-twice",
                    "Binder already runs `pip install .` for a package at the repository root, so this line installs "
                    "it a second time (the build just takes longer).", "Remove this line.")


def _is_package(root) -> bool:
    """repo2docker's test: setup.py, or pyproject.toml with both [project] and [build-system]."""
    if (root / "setup.py").exists():
        return True
    try:
        data = load_toml(read_file_bytes(root / "pyproject.toml").decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return False
    return "project" in data and "build-system" in data


# --------------------------------------------------------------------------------------------------
# Fixes


def _line_index(diagnostic) -> int | None:
    return diagnostic.line - 1 if diagnostic.line else None


def _replace_line(text: str, diagnostic, change) -> str:
    lines = text.split("\n")
    index = _line_index(diagnostic)
    if index is None or index >= len(lines):
        return text
    lines[index] = change(lines[index])
    return "\n".join(lines)


def _add_marker(platform: str):
    def fix(text: str, diagnostic) -> str:
        def change(line: str) -> str:
            body, sep, comment = line.partition(" #")
            body = body.rstrip()
            return f'{body}; sys_platform == "{platform}"' + (f" #{comment}" if sep else "")
        return _replace_line(text, diagnostic, change)
    return fix


def _remove_line(text: str, diagnostic) -> str:
    lines = text.split("\n")
    index = _line_index(diagnostic)
    if index is None or index >= len(lines):
        return text
    del lines[index]
    return "\n".join(lines)


def _single_equals(text: str, diagnostic) -> str:
    return _replace_line(text, diagnostic, lambda line: re.sub(r"(?<=[A-Za-z0-9\]])\s*=\s*(?=\d)", "==", line, 1))


def _dot_path(text: str, diagnostic) -> str:
    def change(line: str) -> str:
        match = re.match(r"^(\s*(?:-e\s+|--editable[=\s]+)?)(.*)$", line)
        return f"{match.group(1)}./{match.group(2)}"
    return _replace_line(text, diagnostic, change)


def _version_in_file_url(name: str, url: str) -> str | None:
    """1.26.4 from .../numpy-1.26.4, numpy-1.26.4-cp311-...whl or numpy-1.26.4.tar.gz; None for a build
    folder such as .../numpy_1700000000000/work (conda-build), where the path says nothing."""
    spelled = "[-_.]".join(re.escape(part) for part in re.split(r"[-_.]+", name))
    found = re.search(rf"(?i)(?:^|/){spelled}-(\d+(?:\.\d+)+(?:(?:a|b|rc|\.post|\.dev)\d+)?)(?=[-/]|\.tar|\.zip|\.whl|$)",
                      url)
    return found.group(1) if found else None


def _file_url(text: str, diagnostic) -> str:
    def change(line: str) -> str:
        found = re.match(r"^(\s*)([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*@\s*(file:\S*)(.*)$", line)
        if not found:
            return re.sub(r"\s*@\s*file:\S*", "", line).rstrip()
        indent, name, extras, url, rest = found.groups()
        version = _version_in_file_url(name, url)
        return f"{indent}{name}{extras or ''}{'==' + version if version else ''}{rest}".rstrip()

    return _replace_line(text, diagnostic, change)


def _crlf(text: str, diagnostic) -> str:
    return text.replace("\r\n", "\n")


def _import_name(text: str, diagnostic) -> str:
    def change(line: str) -> str:
        match = _NAME_START.match(line.strip())
        if not match:
            return line
        target = IMPORT_NAMES.get(normalise(match.group(0)), "")
        if " " in target:
            return line
        return line.replace(match.group(0), target, 1)
    return _replace_line(text, diagnostic, change)


FIXES = {
    "req-windows-only": _add_marker("win32"),
    "req-macos-only": _add_marker("darwin"),
    "req-stdlib": _remove_line,
    "req-duplicate": _remove_line,
    "req-pkg-resources": _remove_line,
    "req-installed-twice": _remove_line,
    "req-single-equals": _single_equals,
    "req-local-path-without-dot": _dot_path,
    "req-local-file-url": _file_url,
    "req-import-name": _import_name,
    "crlf": _crlf,
}
