"""What repo2docker will build from a folder: the same verdict, in plain words.

This reproduces the detection of repo2docker REPO2DOCKER_VERSION (see shared design/repo2docker-rules.md):
the config folder, the build pack picked (first match in repo2docker's order), the Python and R versions
each pack really uses, every file used or ignored (with the reason), and every error repo2docker itself
would raise during detection, rendering (`--no-build`) or, for REQUIRE, the build. mybinder.org runs
with `default_buildpack=None`, so "nothing matched" is an error here, not a silent Python 3.10.

`detect(project, overrides)` is pure and cheap: a handful of stat calls and small reads, so the editor
can call it on every pause in typing with the unsaved text of the file being edited.
"""

from __future__ import annotations

import datetime
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from wizard.core.common.diagnostics import Diagnostic
from wizard.core.common.fileio import FileTooLarge, read_file_bytes
from wizard.core.common.safe_text import strip_control
from wizard.core.environment.validators import MAX_BYTES

REPO2DOCKER_VERSION = "2026.4.0"

MAJOR_PYTHONS = {"2": "2.7", "3": "3.10"}
DEFAULT_PYTHON = MAJOR_PYTHONS["3"]
# Python versions with a bundled conda lock file for linux-64 (repo2docker/buildpacks/conda/*.lock).
LOCKFILE_PYTHONS = ("2.7", "3.5", "3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14")
# Only for the pyproject.toml requires-python fallback (buildpacks/conda/supported_python_version.py).
SUPPORTED_PYTHON_VERSION = ("3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14")
KERNEL_ENV_CUTOFF = (3, 7)  # older Pythons get a separate kernel environment
R_VERSION_MAP = {
    "4.5": "4.5.1", "4.4": "4.4.2", "4.3": "4.3.3", "4.2": "4.2.3", "4.1": "4.1.3",
    "4.0": "4.0.5", "3.6": "3.6.3", "3.5": "3.5.3", "3.4": "3.4.4", "3.3": "3.3.3",
}
DEFAULT_R = R_VERSION_MAP["4.4"]
RSPM_CUTOFF_DATE = datetime.date(2018, 12, 7)
# repo2docker asks julialang.org for the list on the build day; this is the list of stable releases known
# when this version of binder-wizard was made (ascending). Only the Julia version shown can differ.
JULIA_RELEASES: tuple[str, ...] = (
    "1.0.5", "1.1.1", "1.2.0", "1.3.1", "1.4.2", "1.5.4", "1.6.7", "1.7.3", "1.8.5", "1.9.4",
    "1.10.10", "1.11.7", "1.12.6",
)
DEFAULT_JULIA_COMPAT = "1.6"

NO_ENVIRONMENT_MESSAGE = (
    "No environment specification found. See https://repo2docker.readthedocs.io/en/latest/configuration/ "
    "for supported files."
)

PACK_NAMES = {
    "docker": "your own Dockerfile",
    "julia": "Julia (Project.toml)",
    "julia-require": "Julia REQUIRE (no longer supported)",
    "nix": "Nix (default.nix)",
    "r": "R",
    "conda": "conda (environment.yml)",
    "pipfile": "pipenv (Pipfile)",
    "python": "Python with pip",
    "legacy": "the removed legacy Binder Dockerfile",
}

# Files looked up in the config folder (or the root when there is none).
CONFIG_FILES = (
    "Dockerfile", "Project.toml", "JuliaProject.toml", "Manifest.toml", "REQUIRE", "default.nix", "runtime.txt",
    "environment.yml", "environment.yaml", "Pipfile", "Pipfile.lock", "requirements.txt", "requirements3.txt",
    "install.R", "apt.txt", "postBuild", "start",
)
# Files read only at the repository root, and only when there is no config folder.
ROOT_ONLY_FILES = ("DESCRIPTION", "setup.py", "pyproject.toml")
# Names people use by mistake -> the name repo2docker reads.
_LOOKALIKES = {
    "requirement.txt": "requirements.txt",
    "requirements.text": "requirements.txt",
    "requirements.txt.txt": "requirements.txt",
    "requirements.in": "requirements.txt",
    "enviroment.yml": "environment.yml",
    "environment.yml.txt": "environment.yml",
    "environments.yml": "environment.yml",
    "env.yml": "environment.yml",
    "environment.yaml.txt": "environment.yml",
    "runtime.txt.txt": "runtime.txt",
    "runtime": "runtime.txt",
    "postbuild.sh": "postBuild",
    "postBuild.sh": "postBuild",
    "post_build": "postBuild",
    "start.sh": "start",
    "apt-packages.txt": "apt.txt",
    "apt.txt.txt": "apt.txt",
    "install.r": "install.R",
    "Dockerfile.txt": "Dockerfile",
}
_LOOKALIKE_LOWER = {name.lower(): name for name in (*CONFIG_FILES, *ROOT_ONLY_FILES)}
_SUBFOLDER_HINT_FILES = ("requirements.txt", "environment.yml", "environment.yaml", "Pipfile", "Dockerfile",
                         "runtime.txt", "apt.txt", "postBuild", "install.R", "Project.toml")
_MAX_SUBFOLDERS = 60

_PYTHON_REGEX = re.compile(r"python\s*=+\s*([\d\.]*)")  # conda/__init__.py PYTHON_REGEX, applied with match
_R_REGEX = re.compile(r"r-base\s*=+\s*([\d\.]*)")
_VERSION_PAT = re.compile(r"\d+(\.\d+)*")  # pipfile/__init__.py VERSION_PAT


@dataclass(frozen=True)
class Detection:
    """repo2docker's verdict for one folder, and the reasons behind it."""

    project: Path
    binder_dir: str  # "", "binder" or ".binder"
    buildpack: str | None  # docker, julia, julia-require, nix, r, conda, pipfile, python, legacy; None: no match
    python_version: str | None
    python_version_source: str | None  # runtime.txt, environment.yml, Pipfile, pyproject.toml requires-python, default
    r_version: str | None
    r_snapshot_date: str | None  # ISO date of the CRAN snapshot
    julia_version: str | None
    files_used: tuple[str, ...]
    files_ignored: tuple[tuple[str, str], ...]  # (path, reason)
    errors: tuple[Diagnostic, ...]  # everything repo2docker itself would stop on
    notes: tuple[Diagnostic, ...]  # repo2docker's warnings, in plain words
    summary: str
    r2d_error: tuple[str, str, str] | None = None  # (stage, exception type, message) of the first error
    fallback_python: str | None = None  # what plain repo2docker (default pack) would use when nothing matched

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def config_path(self) -> str:
        return self.binder_dir + "/" if self.binder_dir else ""


# --------------------------------------------------------------------------------------------------
# Reading files the way repo2docker does (or from the editor's unsaved text)


class _Unreadable(Exception):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind, self.message = kind, message


class _Files:
    """File lookups relative to the project, answered from one directory listing per folder."""

    def __init__(self, root: Path, overrides: dict[str, str] | None) -> None:
        self.root = str(root)
        self.overrides = {_norm(k): v for k, v in (overrides or {}).items()}
        self._texts: dict[str, str] = {}
        self._listings: dict[str, dict[str, tuple[bool, bool, bool]] | None] = {}
        self.symlinks: set[str] = set()  # relative paths of the links seen in the listings

    def _path(self, rel: str) -> str:
        return os.path.join(self.root, rel)

    def listing(self, folder: str) -> dict[str, tuple[bool, bool, bool]] | None:
        """name -> (exists, is_file, is_dir), following symlinks like os.path; None when unreadable."""
        if folder not in self._listings:
            entries: dict[str, tuple[bool, bool, bool]] | None = {}
            try:
                with os.scandir(self._path(folder) if folder else self.root) as scan:
                    for entry in scan:
                        is_file, is_dir = entry.is_file(), entry.is_dir()
                        exists = is_file or is_dir or os.path.exists(entry.path)
                        entries[entry.name] = (exists, is_file, is_dir)
                        if entry.is_symlink():  # free: scandir's d_type
                            self.symlinks.add(f"{folder}/{entry.name}" if folder else entry.name)
            except OSError:
                entries = None
            self._listings[folder] = entries
        return self._listings[folder]

    def _lookup(self, rel: str) -> tuple[bool, bool, bool]:
        folder, _, name = rel.rpartition("/")
        if folder.count("/") == 0:
            listing = self.listing(folder)
            if listing is not None:
                return listing.get(name, (False, False, False))
        path = self._path(rel)
        return os.path.exists(path), os.path.isfile(path), os.path.isdir(path)

    def exists(self, rel: str) -> bool:  # os.path.exists: a folder with the name counts too
        return rel in self.overrides or self._lookup(rel)[0]

    def isdir(self, rel: str) -> bool:
        if any(key.startswith(rel + "/") for key in self.overrides):
            return True  # saving the edited file will create the folder
        return self._lookup(rel)[2]

    def isfile(self, rel: str) -> bool:
        return rel in self.overrides or self._lookup(rel)[1]

    def raw(self, rel: str) -> bytes:
        if rel in self.overrides:
            data = self.overrides[rel].encode("utf-8", "surrogatepass")
            if len(data) > MAX_BYTES:
                raise _Unreadable("FileTooLarge", str(len(data)))
            return data
        try:
            return read_file_bytes(self._path(rel), MAX_BYTES)
        except FileTooLarge as error:  # parsing megabytes of YAML or TOML takes seconds; no build needs it
            raise _Unreadable("FileTooLarge", str(error.size)) from None
        except IsADirectoryError:
            raise _Unreadable("IsADirectoryError", f"[Errno 21] Is a directory: '{rel}'") from None
        except OSError as error:
            raise _Unreadable(type(error).__name__, f"{error.strerror or error}: '{rel}'") from None

    def text(self, rel: str) -> str:
        """`open(rel).read()`: UTF-8 (the build image's locale), universal newlines, BOM kept."""
        if rel in self._texts:
            return self._texts[rel]
        if rel in self.overrides:
            self.raw(rel)  # the size check
            text = self.overrides[rel]
        else:
            data = self.raw(rel)
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as error:
                raise _Unreadable("UnicodeDecodeError", f"'utf-8' codec can't decode byte "
                                  f"0x{data[error.start]:02x} in position {error.start}: {error.reason}") from None
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        self._texts[rel] = text
        return text


def _norm(rel: str) -> str:
    rel = rel.replace("\\", "/")
    while rel.startswith("./"):
        rel = rel[2:]
    return rel.strip("/")


# --------------------------------------------------------------------------------------------------
# Errors


class _Stop(Exception):
    """repo2docker would raise here: carries the diagnostic and (stage, type, message)."""

    def __init__(self, diagnostic: Diagnostic, stage: str, kind: str, message: str) -> None:
        super().__init__(message)
        self.diagnostic, self.stage, self.kind, self.message = diagnostic, stage, kind, message


def _stop(file: str, code: str, kind: str, r2d_message: str, explain: str, fix: str | None,
          stage: str = "render", line: int | None = None, column: int | None = None) -> _Stop:
    shown = strip_control(r2d_message).strip()
    if len(shown) > 300:
        shown = shown[:300] + "…"
    message = f"{explain} repo2docker {REPO2DOCKER_VERSION} stops with: {kind}: {shown}"
    return _Stop(Diagnostic(file, line, column, "error", code, message, fix), stage, kind, r2d_message)


def brief(value: object, limit: int = 60) -> str:
    """A short repr for messages: YAML aliases can make a tiny file hold a list with billions of items."""

    def show(item: object, depth: int) -> str:
        if isinstance(item, (list, tuple, dict)):
            if depth >= 2:
                return "[...]" if isinstance(item, (list, tuple)) else "{...}"
            if isinstance(item, dict):
                parts = [f"{show(k, depth + 1)}: {show(v, depth + 1)}" for k, v in list(item.items())[:4]]
                return "{" + ", ".join(parts + ["..."] * (len(item) > 4)) + "}"
            parts = [show(v, depth + 1) for v in list(item[:4])]
            return "[" + ", ".join(parts + ["..."] * (len(item) > 4)) + "]"
        if isinstance(item, str) and len(item) > limit:
            item = item[:limit]
        return repr(item)

    text = show(value, 0)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _note(file: str, code: str, message: str, fix: str | None = None, severity: str = "warning") -> Diagnostic:
    return Diagnostic(file, None, None, severity, code, message, fix)


def _unreadable(rel: str, error: _Unreadable, stage: str) -> _Stop:
    if error.kind == "FileTooLarge":
        return _Stop(Diagnostic(rel, None, None, "error", "file-too-large",
                                f"This file is {int(error.message) / 1e6:.1f} MB; an environment file should be a "
                                "few KB, so Binder's build would take very long or fail.",
                                "Check that the right file was saved under this name; list only the packages you "
                                "need."), stage, error.kind, error.message)
    if error.kind == "IsADirectoryError":
        return _stop(rel, "not-a-file", error.kind, error.message,
                     f"'{rel}' is a folder, but Binder expects a file with this name.",
                     f"Rename or remove the folder '{rel}'.", stage)
    if error.kind == "UnicodeDecodeError":
        return _stop(rel, "not-utf8", error.kind, error.message,
                     f"{rel} is not UTF-8 text, so repo2docker cannot read it.",
                     "Save the file again with UTF-8 encoding (or replace it if it is not a text file).", stage)
    special = re.search(r"Not a regular file \((.*?)\)", error.message)
    if special:  # repo2docker would wait forever on a pipe; git does not even store one
        return _Stop(Diagnostic(rel, None, None, "error", "not-a-file",
                                f"'{rel}' is {special.group(1)}, not a normal file: git cannot store it, so it "
                                "will not exist on GitHub, and a local repo2docker build would wait forever "
                                "reading it.", f"Replace '{rel}' with a normal text file."),
                     stage, error.kind, error.message)
    return _stop(rel, "unreadable", error.kind, error.message, f"{rel} cannot be read.",
                 "Check the file's permissions.", stage)


# --------------------------------------------------------------------------------------------------
# runtime.txt (BaseImage.runtime)


@dataclass(frozen=True)
class Runtime:
    name: str | None
    version: str | None
    date: datetime.date | None


NO_RUNTIME = Runtime(None, None, None)


class RuntimeTxtError(ValueError):
    """runtime.txt does not parse; `message` is repo2docker's text."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message, self.code = message, code


def parse_runtime(text: str) -> Runtime:
    """Parse runtime.txt text exactly like repo2docker; raises RuntimeTxtError with repo2docker's message."""
    content = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    parts = content.split("-")
    if len(parts) not in (2, 4, 5) or any(not part for part in parts):
        raise RuntimeTxtError(f"Invalid runtime.txt: {content}", "runtime-invalid")
    version = parts[1] if len(parts) in (2, 5) else None
    date = None
    if len(parts) in (4, 5):
        date_text = "-".join(parts[-3:])
        if not re.match(r"\d\d\d\d-\d\d-\d\d", date_text):
            raise RuntimeTxtError(f"Invalid runtime.txt date: {date_text}", "runtime-invalid-date")
        try:
            date = datetime.datetime.fromisoformat(date_text).date()
        except ValueError as error:
            raise RuntimeTxtError(str(error), "runtime-invalid-date") from None
    return Runtime(parts[0], version, date)


# --------------------------------------------------------------------------------------------------
# The detector


@dataclass
class _State:
    files: _Files
    binder_dir: str = ""
    runtime_path: str = "runtime.txt"
    _runtime: Runtime | None = None
    _pyproject: object = None
    _pyproject_loaded: bool = False
    _pyproject_error: _Stop | None = None
    used: list[str] = field(default_factory=list)
    ignored: dict[str, str] = field(default_factory=dict)
    notes: list[Diagnostic] = field(default_factory=list)

    def path(self, name: str) -> str:
        return f"{self.binder_dir}/{name}" if self.binder_dir else name

    def runtime(self, stage: str) -> Runtime:
        if self._runtime is None:
            rel = self.runtime_path
            if not self.files.exists(rel):
                self._runtime = NO_RUNTIME
            else:
                try:
                    text = self.files.text(rel)
                except _Unreadable as error:
                    raise _unreadable(rel, error, stage) from None
                try:
                    self._runtime = parse_runtime(text)
                except RuntimeTxtError as error:
                    raise _runtime_stop(rel, error, stage) from None
        return self._runtime

    def pyproject(self, stage: str):
        """The root pyproject.toml parsed with tomllib (None when absent or a config folder exists)."""
        if self._pyproject_error is not None:
            raise self._pyproject_error  # repo2docker re-reads it, and fails again, at each use
        if not self._pyproject_loaded:
            try:
                self._load_pyproject(stage)
            except _Stop as stop:
                self._pyproject_error = stop
                raise
        return self._pyproject

    def _load_pyproject(self, stage: str) -> None:
        self._pyproject_loaded = True
        if self.binder_dir or not self.files.exists("pyproject.toml"):
            return
        import tomllib

        try:
            data = self.files.raw("pyproject.toml")
        except _Unreadable as error:
            raise _unreadable("pyproject.toml", error, stage) from None
        try:
            text = data.decode("utf-8")
            odd = toml_too_odd(text)
            if odd is not None:  # tomllib would take minutes over it
                raise tomllib.TOMLDecodeError(f"{odd[0]} (at line {odd[1]}, column 1)")
            self._pyproject = tomllib.loads(text)
        except UnicodeDecodeError as error:
            raise _stop("pyproject.toml", "not-utf8", "UnicodeDecodeError", str(error),
                        "pyproject.toml is not UTF-8 text.", "Save it again with UTF-8 encoding.", stage) from None
        except (tomllib.TOMLDecodeError, RecursionError) as error:  # RecursionError: 1,000 nested '['
            line = getattr(error, "lineno", None) or _toml_line(str(error))
            raise _stop("pyproject.toml", "pyproject-invalid-toml", type(error).__name__, str(error),
                        "pyproject.toml is not valid TOML, and repo2docker reads it for every Python build without "
                        "a binder/ folder.",
                        "Fix the TOML syntax at the line shown (quotes, brackets, '=' between key and value).",
                        stage, line) from None

    def is_python_package(self, stage: str) -> bool:
        if self.binder_dir:
            return False
        if self.files.exists("setup.py"):
            return True
        if self.files.exists("pyproject.toml"):
            pyproject = self.pyproject(stage)
            return "project" in pyproject and "build-system" in pyproject
        return False


def _toml_line(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def _runtime_stop(rel: str, error: RuntimeTxtError, stage: str) -> _Stop:
    if error.code == "runtime-invalid":
        return _stop(rel, "runtime-invalid", "ValueError", error.message,
                     "runtime.txt must be one line like python-3.12 or r-4.4-2024-06-01 (name, dash, version).",
                     "Write the Python version as python-X.Y, e.g. python-3.12.", stage, 1, 1)
    return _stop(rel, "runtime-invalid-date", "ValueError", error.message,
                 "The date in runtime.txt must be a real date written YYYY-MM-DD.",
                 "Write the date as YYYY-MM-DD, e.g. r-4.4-2024-06-01.", stage, 1, 1)


def detect(project: Path, overrides: dict[str, str] | None = None) -> Detection:
    """repo2docker's verdict for `project`; `overrides` maps relative paths to unsaved editor text."""
    project = Path(project)
    state = _State(_Files(project, overrides))
    files = state.files
    errors: list[Diagnostic] = []
    first: tuple[str, str, str] | None = None
    pack: str | None = None
    versions: dict[str, str | None] = {}
    fallback: str | None = None

    try:
        _check_legacy(files)
        has_binder, has_dotbinder = files.isdir("binder"), files.isdir(".binder")
        if has_binder and has_dotbinder:
            raise _stop(".binder", "both-binder-dirs", "RuntimeError",
                        "The repository contains both a 'binder' and a '.binder' directory. "
                        "However they are exclusive.",
                        "There is a binder/ folder and a .binder/ folder; Binder accepts only one.",
                        "Merge the two folders into one (binder/ is the usual name) and delete the other.",
                        "detect")
        state.binder_dir = ".binder" if has_dotbinder else "binder" if has_binder else ""
        state.runtime_path = state.path("runtime.txt")
        pack = _pick_pack(state)
    except _Stop as stop:
        errors.append(stop.diagnostic)
        first = (stop.stage, stop.kind, stop.message)

    if first is None and pack is None:
        fallback = DEFAULT_PYTHON
        message = (
            "Binder found no environment file it can use, so mybinder.org will refuse to build this project. "
            f"(Plain repo2docker and some other BinderHubs would fall back to Python {DEFAULT_PYTHON} "
            f"with nothing installed.) repo2docker {REPO2DOCKER_VERSION} on mybinder.org stops with: "
            f"{NO_ENVIRONMENT_MESSAGE}"
        )
        errors.append(Diagnostic(state.binder_dir or ".", None, None, "error", "no-environment", message,
                                 _no_environment_fix(state)))
        first = ("detect", "NoEnvironment", NO_ENVIRONMENT_MESSAGE)
    elif first is None:
        render_errors = _render_checks(state, pack, versions)
        if render_errors:
            errors.extend(stop.diagnostic for stop in render_errors)
            first = (render_errors[0].stage, render_errors[0].kind, render_errors[0].message)

    if first is None or first[0] != "detect" or pack is not None or first[1] == "NoEnvironment":
        _classify_files(state, pack, versions)
    else:
        _classify_after_detect_error(state)

    _notes_for_ignored(state)
    _stencila(state)
    _empty_config_folder(state)
    for finding in _links(state):  # not repo2docker's own error (r2d_error): it would build the local copy
        (errors if finding.is_error else state.notes).append(finding)
    summary = _summary(state, pack, versions, errors)
    return Detection(
        project=project,
        binder_dir=state.binder_dir,
        buildpack=pack,
        python_version=versions.get("python"),
        python_version_source=versions.get("python_source"),
        r_version=versions.get("r"),
        r_snapshot_date=versions.get("r_date"),
        julia_version=versions.get("julia"),
        files_used=_main_files_first(state.used),
        files_ignored=tuple(sorted(state.ignored.items())),
        errors=tuple(errors),
        notes=tuple(state.notes),
        summary=summary,
        r2d_error=first,
        fallback_python=fallback,
    )


_EXTRAS = ("apt.txt", "postBuild", "start", ".dockerignore", ".containerignore")


def _main_files_first(used: list[str]) -> tuple[str, ...]:
    """The files that choose the setup first, then the extras every setup applies (apt.txt, postBuild...)."""
    unique = list(dict.fromkeys(used))
    return tuple(sorted(unique, key=lambda rel: rel.rsplit("/", 1)[-1] in _EXTRAS))


def _no_environment_fix(state: _State) -> str:
    """The packages may be listed already: then runtime.txt is what switched them off."""
    runtime = state._runtime or NO_RUNTIME
    listed = [name for name in ("requirements.txt", "Pipfile", "Pipfile.lock")
              if state.files.exists(state.path(name))]
    if runtime.name and runtime.name != "python" and listed:
        first_line = (runtime.name or "").lstrip("\ufeff")
        if runtime.name.startswith("\ufeff") and first_line == "python":
            problem = "starts with an invisible byte-order mark"
        else:
            problem = f"says '{brief(first_line, 40)[1:-1]}' where Binder needs exactly 'python'"
        return (f"{state.runtime_path} {problem}, which switches off {listed[0]}: write one line like "
                "python-3.12 in it (saved as UTF-8 without BOM), or delete it.")
    return ("Add a requirements.txt (or environment.yml) listing the packages your notebooks import, and a "
            "runtime.txt with your Python version.")


def _check_legacy(files: _Files) -> None:
    """LegacyBinderDockerBuildPack.detect(): always the ROOT Dockerfile, first line starting with FROM."""
    if not files.exists("Dockerfile"):
        return
    try:
        text = files.text("Dockerfile")
    except _Unreadable as error:
        raise _unreadable("Dockerfile", error, "detect") from None
    for number, line in enumerate(text.split("\n"), 1):
        if line.startswith("FROM"):
            if "andrewosh/binder-base" in line.split("#")[0].lower():
                raise _stop("Dockerfile", "legacy-dockerfile", "RuntimeError",
                            "The legacy buildpack has been removed.",
                            "This Dockerfile starts FROM andrewosh/binder-base, the Binder base image that was "
                            "removed in January 2020. repo2docker checks the root Dockerfile for it even when "
                            "a binder/ folder exists.",
                            "Replace the Dockerfile with environment files (requirements.txt or environment.yml), "
                            "or use a current base image such as quay.io/jupyter/base-notebook with a fixed tag.",
                            "detect", number, 1)
            return


def _pick_pack(state: _State) -> str | None:
    """repo2docker's pack order; the first match wins (app.py:761-776)."""
    files, path = state.files, state.path
    if files.exists(path("Dockerfile")):
        return "docker"
    if files.exists(path("Project.toml")) or files.exists(path("JuliaProject.toml")):
        return "julia"
    if files.exists(path("REQUIRE")):
        return "julia-require"
    if files.exists(path("default.nix")):
        return "nix"
    runtime = state.runtime("detect")  # parsed inside RBuildPack.detect(): errors abort here
    if runtime.name == "r" and runtime.date:
        return "r"
    if not state.binder_dir and files.exists("DESCRIPTION"):
        return "r"
    if files.exists(path("environment.yml")) or files.exists(path("environment.yaml")):
        return "conda"
    if runtime.name and runtime.name != "python":
        return None  # Pipfile and Python packs both say no; only the default pack is left
    if files.exists(path("Pipfile")) or files.exists(path("Pipfile.lock")):
        return "pipfile"
    if runtime.name:
        return "python"
    if state.is_python_package("detect"):
        return "python"
    if files.exists(path("requirements.txt")):
        return "python"
    return None


# --------------------------------------------------------------------------------------------------
# Render-time checks (what `repo2docker --no-build` would run into)


def _render_checks(state: _State, pack: str, versions: dict) -> list[_Stop]:
    stops: list[_Stop] = []
    versions["pack"] = pack

    def attempt(check, *args) -> None:
        try:
            check(*args)
        except _Stop as stop:
            stops.append(stop)

    if pack == "docker":
        rel = state.path("Dockerfile")
        try:
            state.files.text(rel)
        except _Unreadable as error:
            stops.append(_unreadable(rel, error, "render"))
        return stops
    if pack == "legacy":  # never reached: the legacy pack only raises
        return stops
    attempt(_check_apt, state)
    if pack == "nix":
        return stops
    env = None
    if pack in ("conda", "python", "r", "julia", "julia-require"):
        try:
            env = _environment(state)
        except _Stop as stop:
            stops.append(stop)
    if pack == "conda":
        attempt(_conda_python, state, env, versions)
    elif pack == "pipfile":
        attempt(_pipfile_python, state, versions)
    else:
        attempt(_python_pack_python, state, versions)
    if "python" in versions:
        attempt(_check_python_supported, state, versions)
    if pack in ("python", "r", "julia", "julia-require"):
        attempt(_check_requirements_readable, state)
    if env is not None:
        attempt(_check_env_pip, state, env)
        if pack == "conda":
            r = _conda_r_version(env)
            if r:
                versions["r"] = r
        elif env and "python" in versions:
            _note_env_pin_not_used(state, env, pack, versions["python"])
    if pack == "r":
        attempt(_r_checks, state, versions)
    if pack == "julia":
        attempt(_julia_checks, state, versions)
    if pack == "julia-require":
        rel = state.path("REQUIRE")
        stops.append(_stop(rel, "julia-require-removed", "ValueError",
                           "Julia REQUIRE no longer supported due to removed infrastructure. Use Project.toml.",
                           "Julia's old REQUIRE file is no longer supported; the build fails (a dry run with "
                           "--no-build does not show this).",
                           "Replace REQUIRE with a Project.toml: run `julia --project=. -e 'using Pkg; "
                           "Pkg.add([...])'` locally and commit Project.toml and Manifest.toml.", "build"))
    return stops


def _check_requirements_readable(state: _State) -> None:
    """PythonBuildPack._should_preassemble_pip: opens requirements(3).txt with an encoding guess."""
    if state.is_python_package("render"):
        return  # repo2docker skips the peek for a Python package
    for name in ("requirements.txt", "requirements3.txt"):
        rel = state.path(name)
        if not state.files.exists(rel):
            continue
        try:
            data = state.files.raw(rel)
        except _Unreadable as error:
            raise _unreadable(rel, error, "render") from None
        if _undecodable(data):
            raise _stop(rel, "binary-file", "AttributeError", "'NoneType' object has no attribute 'encoding'",
                        f"{name} is not a text file (repo2docker cannot even guess its encoding).",
                        "Replace it with a plain-text list of packages, one per line.")


def _undecodable(data: bytes) -> bool:
    """Close to charset_normalizer giving up: not UTF-8/UTF-16 text and many control bytes."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")) or not data:
        return False
    try:
        data.decode("utf-8")
        return False
    except UnicodeDecodeError:
        pass
    controls = sum(1 for byte in data if byte < 32 and byte not in (9, 10, 12, 13) or byte == 127)
    return controls / len(data) > 0.1


def _check_apt(state: _State) -> None:
    rel = state.path("apt.txt")
    if not state.files.exists(rel):
        return
    try:
        text = state.files.text(rel)
    except _Unreadable as error:
        raise _unreadable(rel, error, "render") from None
    for number, line in enumerate(text.split("\n"), 1):
        package = line.partition("#")[0].strip()
        if package and not re.match(r"^[a-z0-9.+-]+", package):
            raise _stop(rel, "apt-invalid-name", "ValueError", f"Found invalid package name {package} in apt.txt",
                        "apt.txt lines must start with a lower-case Ubuntu package name (one per line).",
                        "Write the package name in lower case, one per line (e.g. 'vim').", "render", number,
                        len(line) - len(line.lstrip()) + 1)


def _environment(state: _State):
    """CondaBuildPack.environment_yaml: ruamel-exact loading of environment.yml (or .yaml)."""
    for name in ("environment.yml", "environment.yaml"):
        rel = state.path(name)
        if state.files.exists(rel):
            break
    else:
        return {}
    try:
        text = state.files.text(rel)
    except _Unreadable as error:
        raise _unreadable(rel, error, "render") from None
    env, stop = load_environment(text, rel)
    if stop is not None:
        raise stop
    return env


def load_environment(text: str, rel: str):
    """(data, None) or (None, _Stop) exactly as repo2docker reads environment.yml."""
    from collections.abc import Mapping

    from wizard.core.environment import yaml12

    loaded = yaml12.load(text)
    if loaded.error is not None:
        error = loaded.error
        if error.kind == "DuplicateKeyError":
            explain = ("A key appears twice in the same section of environment.yml; repo2docker's YAML reader "
                       "refuses that (other tools silently keep the last one).")
            fix = "Merge the two entries into one."
            code = "environment-duplicate-key"
        elif error.kind == "RecursionError":
            explain = "environment.yml is nested hundreds of levels deep, more than repo2docker's YAML reader can take."
            fix = "Write the packages as a plain list under 'dependencies:', one '- name' per line."
            code = "environment-yaml-error"
        elif "\t" in text and ("tab" in error.problem.lower() or "\\t" in error.problem):
            explain = "environment.yml uses a tab for indentation; YAML allows only spaces."
            fix = "Replace the tabs with spaces (two per level)."
            code = "environment-tab"
        else:
            explain = "environment.yml is not valid YAML."
            fix = "Check the indentation and the '- ' and ':' at the line shown."
            code = "environment-yaml-error"
        return None, _stop(rel, code, error.kind, error.problem, explain, fix, "render", error.line, error.column)
    env = {} if loaded.data is None else loaded.data
    if not isinstance(env, Mapping):
        shown = next((name for kind, name in _RUAMEL_TYPES if isinstance(env, kind)),
                     "ruamel.yaml.comments.TaggedScalar")
        return None, _stop(rel, "environment-not-mapping", "TypeError",
                           f"{rel} should contain a dictionary. Got <class '{shown}'>",
                           "environment.yml must be a set of 'key: value' lines (name:, channels:, "
                           "dependencies:), not a plain list or a single value.",
                           "Start the file with 'dependencies:' and indent the package list under it.", "render", 1, 1)
    return env, None


_RUAMEL_TYPES = ((list, "ruamel.yaml.comments.CommentedSeq"), (str, "str"), (bool, "bool"), (int, "int"),
                 (float, "ruamel.yaml.scalarfloat.ScalarFloat"))


def _dependencies(state_rel: str, env):
    deps = env.get("dependencies", [])
    if isinstance(deps, list):
        return deps
    try:
        return list(deps)
    except TypeError:
        line = getattr(env, "key_marks", {}).get("dependencies", (None, None))[0]
        raise _stop(state_rel, "environment-dependencies-not-list", "TypeError",
                    f"'{type(deps).__name__ if deps is not None else 'NoneType'}' object is not iterable",
                    "'dependencies:' must be a list, one package per line starting with '- ', indented under it.",
                    "Indent the packages under 'dependencies:' and start each with '- '.", "render", line,
                    1 if line else None) from None


def _env_rel(state: _State) -> str:
    rel = state.path("environment.yml")
    return rel if state.files.exists(rel) else state.path("environment.yaml")


def _conda_python(state: _State, env, versions: dict) -> None:
    """CondaBuildPack.python_version: first string dependency matching `python\\s*=+\\s*([\\d.]*)`."""
    rel = _env_rel(state)
    deps = _dependencies(rel, env) if env is not None else []
    if env is None:
        return
    py_version = None
    marks = getattr(deps, "marks", [])
    # Any mention of python (even in a form repo2docker misses) is the validator's to explain.
    versions["python_listed"] = any(isinstance(dep, str) and dep.lstrip().lower().split("::")[-1]
                                    .startswith("python") for dep in deps)
    for index, dep in enumerate(deps):
        if not isinstance(dep, str):
            continue
        match = _PYTHON_REGEX.match(dep)
        if not match:
            continue
        py_version = match.group(1)
        versions["python_mark"] = marks[index] if index < len(marks) else (None, None)
        break
    if py_version:
        info = py_version.split(".")
        if len(info) == 1:
            if info[0] not in MAJOR_PYTHONS:
                raise _stop(rel, "python-major-unknown", "KeyError", repr(info[0]),
                            f"python={py_version} is not a Python version Binder knows.",
                            "Pin Python as python=3.12.", "render", *versions["python_mark"])
            versions["python"] = MAJOR_PYTHONS[info[0]]
        else:
            versions["python"] = ".".join(info[:2])
        versions["python_source"] = rel.rsplit("/", 1)[-1]
    else:
        versions["python"] = DEFAULT_PYTHON
        versions["python_source"] = "default"


def _note_env_pin_not_used(state: _State, env, pack: str, python: str) -> None:
    """R and Julia packs build on their own Python and then `env update` with environment.yml on top."""
    try:
        deps = list(env.get("dependencies", []))
    except TypeError:
        return
    marks = getattr(env.get("dependencies"), "marks", [])
    for index, dep in enumerate(deps):
        match = _PYTHON_REGEX.match(dep) if isinstance(dep, str) else None
        if match and match.group(1):
            pinned = ".".join(match.group(1).split(".")[:2])
            if pinned != python:
                line, column = marks[index] if index < len(marks) else (None, None)
                setup = "R" if pack == "r" else "Julia"
                state.notes.append(Diagnostic(
                    _env_rel(state), line, column, "warning", "environment-python-pin-not-used",
                    f"The {setup} setup builds on Python {python} and then updates it with this file, so "
                    f"python={match.group(1)} does not choose the Python version; conda has to swap Python "
                    "afterwards, which is slow and often fails.",
                    "Remove the python pin from environment.yml"
                    + (", or pin it in runtime.txt (python-X.Y)." if pack == "julia" else ".")))
            return


def _conda_r_version(env) -> str | None:
    try:
        deps = list(env.get("dependencies", []))
    except TypeError:
        return None
    for dep in deps:
        if isinstance(dep, str):
            match = _R_REGEX.match(dep)
            if match:
                return match.group(1) or None
    return None


def _check_env_pip(state: _State, env) -> None:
    """CondaBuildPack._should_preassemble_env runs is_local_pip_requirement on each pip entry."""
    rel = _env_rel(state)
    deps = _dependencies(rel, env)
    pip_requirements = None
    for dep in deps:
        if isinstance(dep, dict) and dep.get("pip"):
            pip_requirements = dep["pip"]
    if isinstance(pip_requirements, list):
        marks = getattr(pip_requirements, "marks", [(None, None)] * len(pip_requirements))
        for index, line in enumerate(pip_requirements):
            if not isinstance(line, str):
                where = marks[index] if index < len(marks) else (None, None)
                raise _stop(rel, "environment-pip-not-text", "AttributeError",
                            f"'{type(line).__name__}' object has no attribute 'split'",
                            f"The pip entry {brief(line)} is not text; repo2docker expects each pip entry to be a "
                            "requirement like 'package==1.0'.", "Put the entry in quotes or write 'name==version'.",
                            "render", *where)


def _pipfile_python(state: _State, versions: dict) -> None:
    """PipfileBuildPack.python_version: Pipfile.lock _meta.requires, then Pipfile [requires]."""
    import json

    files = state.files
    sources = []
    lock_rel, pipfile_rel = state.path("Pipfile.lock"), state.path("Pipfile")
    if files.exists(lock_rel):
        try:
            text = files.text(lock_rel)
        except _Unreadable as error:
            raise _unreadable(lock_rel, error, "render") from None
        try:
            lock_info = json.loads(text)
        except (ValueError, RecursionError) as error:  # also a 5,000-digit number or 1,000 nested '['
            raise _stop(lock_rel, "pipfile-lock-invalid-json", type(error).__name__, str(error),
                        "Pipfile.lock is not valid JSON.",
                        "Regenerate it with `pipenv lock` (never edit it by hand).", "render",
                        getattr(error, "lineno", None), getattr(error, "colno", None)) from None
        try:
            sources.append(("Pipfile.lock", lock_info.get("_meta", {}).get("requires", {})))
        except AttributeError as error:
            raise _stop(lock_rel, "pipfile-lock-shape", "AttributeError", str(error),
                        "Pipfile.lock does not have the layout pipenv writes.", "Regenerate it with `pipenv lock`.") \
                from None
    if files.exists(pipfile_rel):
        try:
            text = files.text(pipfile_rel)
        except _Unreadable as error:
            raise _unreadable(pipfile_rel, error, "render") from None
        data, problem = load_toml05(text)
        if problem is not None:
            raise _stop(pipfile_rel, "pipfile-invalid-toml", "TomlDecodeError", problem[0],
                        "Pipfile is not valid TOML (repo2docker reads it with the older 'toml' library).",
                        "Fix the TOML syntax at the line shown.", "render", problem[1], problem[2])
        sources.append(("Pipfile", data.get("requires", {})))
    py_version = source = None
    for name, requires in sources:
        for key in ("python_full_version", "python_version"):
            try:
                version_str = requires.get(key, None)
            except AttributeError as error:
                raise _stop(state.path(name), "pipfile-requires-shape", "AttributeError", str(error),
                            f"The [requires] section of {name} is not a table.",
                            'Write it as [requires] followed by python_version = "3.12".') from None
            if version_str:
                if not isinstance(version_str, str):
                    raise _stop(state.path(name), "pipfile-python-not-text", "TypeError",
                                "expected string or bytes-like object",
                                f"python_version in {name} must be text in quotes.",
                                'Write python_version = "3.12" (with quotes).')
                match = _VERSION_PAT.match(version_str)
                if match:
                    py_version, source = match.group(), name
            if py_version:
                break
        if py_version:
            break
    if py_version:
        info = py_version.split(".")
        if len(info) == 1:
            if info[0] not in MAJOR_PYTHONS:
                raise _stop(state.path(source), "python-major-unknown", "KeyError", repr(info[0]),
                            f"Python {py_version} is not a version Binder knows.",
                            'Write python_version = "3.12" (major.minor).')
            versions["python"] = MAJOR_PYTHONS[info[0]]
        else:
            versions["python"] = ".".join(info[:2])
        versions["python_source"] = source
    else:
        versions["python"] = DEFAULT_PYTHON
        versions["python_source"] = "default"


def toml_too_odd(text: str) -> tuple[str, int] | None:
    """(message, line) for a line no real TOML file has and the parsers are quadratic on, else None.

    toml 0.10 re-splits a line once per '=' in an unquoted value, and tomllib walks a dotted key once
    per part: 10,000 of either take about a second, the 2 MB a file may hold take hours.
    """
    if text.count("=") <= 1000 and text.count(".") <= 1000:
        return None
    for number, line in enumerate(text.split("\n"), 1):
        if line.count("=") <= 1000 and line.count(".") <= 1000:
            continue
        bare = re.sub(r"\"[^\"]*\"|'[^']*'|#.*", "", line)
        if bare.count("=") > 1000:
            return f"line {number} has {bare.count('=')} '=' signs outside quotes", number
        key = bare.split("=", 1)[0]
        if key.count(".") > 1000:
            return f"line {number} has a key with {key.count('.') + 1} dotted parts", number
    return None


def load_toml05(text: str):
    """Parse like the old `toml` 0.10 library repo2docker uses for Pipfile and Project.toml.

    Returns (data, None) or (None, (message, line, column)).
    """
    import toml

    odd = toml_too_odd(text)
    if odd is not None:
        return None, (odd[0], odd[1], None)
    try:
        return toml.loads(text), None
    except toml.TomlDecodeError as error:
        return None, (str(error), getattr(error, "lineno", None), getattr(error, "colno", None))
    except Exception as error:  # toml 0.10 has a few crashes of its own on odd input; the build would crash too
        return None, (f"{type(error).__name__}: {error}", None, None)


def _python_pack_python(state: _State, versions: dict) -> None:
    """PythonBuildPack.python_version (also used by the R and Julia packs)."""
    runtime = state.runtime("render")
    rel = state.runtime_path
    name, version = runtime.name, runtime.version
    if name is not None and name != "python":
        versions["python"], versions["python_source"] = DEFAULT_PYTHON, "default"
        return
    source = "default"
    if name is None or version is None:
        python = DEFAULT_PYTHON
    else:
        try:
            release = _release(version)
        except ValueError as error:
            raise _stop(rel, "runtime-python-invalid", "InvalidVersion", str(error),
                        f"'{version}' in runtime.txt is not a version number.",
                        "Write the Python version as python-X.Y, e.g. python-3.12.", "render", 1, 1) from None
        if len(release) <= 1:
            if version not in MAJOR_PYTHONS:
                raise _stop(rel, "python-major-unknown", "KeyError", repr(version),
                            f"python-{version} is not a Python version Binder knows.",
                            "Write the Python version as python-X.Y, e.g. python-3.12.", "render", 1, 1)
            python = MAJOR_PYTHONS[version]
            source = "runtime-major"
        else:
            python, source = version, "runtime.txt"
    pyproject = state.pyproject("render")
    if pyproject is not None:
        from packaging.specifiers import InvalidSpecifier, SpecifierSet
        from packaging.version import InvalidVersion, Version

        try:
            has_requires = "project" in pyproject and "requires-python" in pyproject["project"]
            spec_text = pyproject["project"]["requires-python"] if has_requires else None
        except TypeError as error:
            raise _stop("pyproject.toml", "pyproject-project-shape", "TypeError", str(error),
                        "[project] in pyproject.toml is not a table.", "Write [project] as a table header.") \
                from None
        if has_requires:
            try:
                spec = SpecifierSet(spec_text)
            except (InvalidSpecifier, TypeError, AttributeError) as error:
                raise _stop("pyproject.toml", "pyproject-invalid-requires-python", type(error).__name__, str(error),
                            f"requires-python = {spec_text!r} in pyproject.toml is not a valid version range.",
                            'Write it like requires-python = ">=3.10".') from None
            try:
                fits = Version(python) in spec
            except InvalidVersion as error:  # pragma: no cover - python came from Version() already
                raise _stop(rel, "runtime-python-invalid", "InvalidVersion", str(error), "Bad version.", None) \
                    from None
            if not fits:
                if source == "runtime.txt":
                    raise _stop("pyproject.toml", "pyproject-runtime-conflict", "RuntimeError",
                                "runtime.txt version not supported by pyproject.toml.",
                                f"runtime.txt asks for Python {python}, but requires-python = {spec_text!r} in "
                                "pyproject.toml excludes it.",
                                "Make the two agree: change runtime.txt or requires-python.")
                possible = list(spec.filter(SUPPORTED_PYTHON_VERSION))
                if not possible:
                    raise _stop("pyproject.toml", "pyproject-no-python", "RuntimeError",
                                "repo2docker does not support a Python version compatible with pyproject.toml.",
                                f"No Python version Binder offers ({', '.join(SUPPORTED_PYTHON_VERSION)}) fits "
                                f"requires-python = {spec_text!r}.",
                                'Widen requires-python (e.g. ">=3.10").')
                python, source = possible[-1], "pyproject.toml requires-python"
    versions["python"] = python
    versions["python_source"] = "runtime.txt" if source == "runtime-major" else source


def _release(version: str) -> tuple[int, ...]:
    """packaging's Version(version).release, without importing packaging for plain numbers."""
    if re.fullmatch(r"[0-9]+(?:\.[0-9]+)*", version):
        return tuple(int(part) for part in version.split("."))
    from packaging.version import InvalidVersion, Version

    try:
        return Version(version).release
    except InvalidVersion as error:
        raise ValueError(str(error)) from None


def _check_python_supported(state: _State, versions: dict) -> None:
    """CondaBuildPack.get_build_script_files: 'x.y' form and a bundled lock file for linux-64."""
    python = versions["python"]
    source = versions.get("python_source")
    pack = versions.get("pack")
    if source == "pyproject.toml requires-python":
        rel = "pyproject.toml"
    elif source in ("runtime.txt", "default") and pack in ("python", "r", "julia", "julia-require"):
        rel = state.runtime_path
    elif source == "default":
        rel = _env_rel(state) if pack == "conda" else state.path(
            "Pipfile.lock" if state.files.exists(state.path("Pipfile.lock")) else "Pipfile")
    else:
        rel = state.path(source)
    where = rel.rsplit("/", 1)[-1]
    at = (1, 1) if rel.endswith("runtime.txt") else versions.get("python_mark", (None, None)) \
        if pack == "conda" else (None, None)
    if not python or len(python.split(".")) != 2:
        raise _stop(rel, "python-version-form", "ValueError",
                    f"{_PACK_CLASS.get(pack, 'PythonBuildPack')}.python_version must always be "
                    f"specified as 'x.y', e.g. '3.10', got {python}.",
                    f"The Python version in {where} must be major.minor only ({python} has too many parts).",
                    f"Write python-{'.'.join(python.split('.')[:2])} instead." if python else None,
                    "render", *at)
    major_minor = _version_tuple(python)
    separate = major_minor is not None and major_minor < KERNEL_ENV_CUTOFF
    if python not in LOCKFILE_PYTHONS or major_minor is None:
        raise _stop(rel, "python-unsupported", "ValueError", f"Python version {python} on linux-64 is not supported!",
                    f"Binder cannot install Python {python}. It offers {', '.join(LOCKFILE_PYTHONS)}.",
                    "Pick one of those versions.", "render", *at)
    if separate:
        state.notes.append(_note(
            rel, "python-legacy-kernel",
            f"Python {python} is old: repo2docker installs your packages in a separate kernel environment, "
            f"while Jupyter itself runs on Python {DEFAULT_PYTHON}. requirements3.txt (if any) goes into Jupyter's "
            "environment.", "Move to Python 3.10 or newer if you can."))
    elif source == "default" and pack in ("python", "conda", "pipfile") and not versions.get("python_listed"):
        fix = {"conda": "Add '- python=X.Y' (the version you use) to the dependencies.",
               "pipfile": 'Add python_version = "X.Y" (the version you use) under [requires].'}.get(
            pack, "Create runtime.txt with python-X.Y (the version you use), e.g. python-3.12.")
        state.notes.append(_note(
            rel, "python-unpinned",
            f"No Python version is set, so Binder uses its current default, Python {DEFAULT_PYTHON}, which "
            "will change in the future.", fix, "info"))


_PACK_CLASS = {"conda": "CondaBuildPack", "pipfile": "PipfileBuildPack", "python": "PythonBuildPack",
               "r": "RBuildPack", "julia": "JuliaProjectTomlBuildPack", "julia-require": "JuliaRequireBuildPack"}


def _version_tuple(version: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"(0|[1-9]\d*)\.(0|[1-9]\d*)", version)
    return (int(match.group(1)), int(match.group(2))) if match else None


def _r_checks(state: _State, versions: dict) -> None:
    runtime = state.runtime("render")
    rel = state.runtime_path
    if runtime.name == "r" and runtime.date:
        date = runtime.date
    else:
        date = datetime.date.today() - datetime.timedelta(days=2)
    versions["r_date"] = date.isoformat()
    version = runtime.version
    if version:
        if version in R_VERSION_MAP:
            versions["r"] = R_VERSION_MAP[version]
        elif len(version.split(".")) == 3:
            versions["r"] = version
        else:
            supported = ", ".join(sorted(R_VERSION_MAP, key=lambda v: tuple(map(int, v.split(".")))))
            raise _stop(rel, "r-version-unsupported", "RuntimeError",
                        f"R version {version} is not supported. Please open an issue at "
                        "https://github.com/jupyterhub/repo2docker/issues/new/choose.",
                        f"Binder cannot install R {version}. It offers R {supported}"
                        + (" (R 4.6 is not available on mybinder.org yet)." if version.startswith("4.6") else ".")
                        + (" With a DESCRIPTION file, the version in runtime.txt is read as the R version."
                           if runtime.name != "r" else ""),
                        "Write r-X.Y-YYYY-MM-DD, e.g. r-4.4-2024-06-01." if runtime.name == "r"
                        else "Remove runtime.txt, or write r-X.Y-YYYY-MM-DD in it.", "render", 1, 1)
    else:
        versions["r"] = DEFAULT_R
        state.notes.append(_note(rel if state.files.exists(rel) else "DESCRIPTION", "r-unpinned",
                                 f"No R version is set, so Binder uses its default, R {DEFAULT_R}.",
                                 "Pin it in runtime.txt: r-X.Y-YYYY-MM-DD.", "info"))
    if date < RSPM_CUTOFF_DATE:
        raise _stop(rel, "r-snapshot-too-old", "RuntimeError",
                    "Microsoft killed MRAN, the source of R package snapshots before 2018-12-07. This repo has a "
                    f"snapshot date of {date.isoformat()} specified in runtime.txt. Please use a newer snapshot date",
                    f"R package snapshots before 2018-12-07 no longer exist; runtime.txt asks for {date.isoformat()}.",
                    "Use a date on or after 2018-12-07 in runtime.txt (a recent date is best).", "render", 1, 1)


def _julia_checks(state: _State, versions: dict) -> None:
    files = state.files
    rel = state.path("JuliaProject.toml")
    if not files.exists(rel):
        rel = state.path("Project.toml")
    try:
        text = files.text(rel)
    except _Unreadable as error:
        raise _unreadable(rel, error, "render") from None
    data, problem = load_toml05(text)
    if problem is not None:
        name = rel.rsplit("/", 1)[-1]
        raise _stop(rel, "julia-invalid-toml", "TomlDecodeError", problem[0],
                    f"{name} is not valid TOML (repo2docker reads it with the older 'toml' library, which also "
                    "refuses arrays that mix types).",
                    "Fix the TOML syntax at the line shown, or regenerate the file with Julia's Pkg.",
                    "render", problem[1], problem[2])
    try:
        compat = data["compat"]["julia"]
    except Exception:
        compat = DEFAULT_JULIA_COMPAT
    try:
        match = find_julia_version(compat, JULIA_RELEASES)
    except Exception as error:
        match = None
        kind, message = type(error).__name__, str(error)
    else:
        kind, message = "RuntimeError", "Failed to find a matching Julia version: {compat}"
    if match is None and not isinstance(compat, str):
        raise _stop(rel, "julia-compat-not-text", kind, message,
                    f"[compat] julia = {compat!r} must be text in quotes.", 'Write julia = "1.10" (with quotes).')
    if match is None:
        raise _stop(rel, "julia-no-matching-version", kind, message,
                    f"No Julia release matches [compat] julia = {compat!r} (repo2docker understands one range like "
                    "\"1.10\", \"^1.9\", \"~1.10.2\" or \">= 1.6.0\", not comma lists).",
                    'Write a single range such as julia = "1.10".')
    versions["julia"] = match


def find_julia_version(compat, releases) -> str | None:
    """repo2docker's semver.find_semver_match: the newest release matching a Julia compat entry."""
    constraint_str = compat.strip()
    first_digit = re.search(r"\d", constraint_str)
    if not first_digit:
        raise AttributeError("'str' object has no attribute 'match'")
    constraint = tuple(int(n) for n in constraint_str[first_digit.start():].split("."))
    symbol = constraint_str[: first_digit.start()].strip()
    if first_digit.start() == 0 or symbol == "^":
        if constraint[0] == 0:
            for i, n in enumerate(constraint):
                if n != 0 or i == len(constraint) - 1:
                    upper = constraint[0:i] + (n + 1,)
                    break
        else:
            upper = (constraint[0] + 1,)
        matches = lambda v: constraint <= v < upper  # noqa: E731
    elif symbol == "~":
        if len(constraint) == 1:
            upper = (constraint[0] + 1,)
        elif len(constraint) == 2:
            upper = (constraint[0], constraint[1] + 1)
        elif constraint[0] == 0 and constraint[1] == 0:
            upper = (0, 0, constraint[2] + 1)
        else:
            upper = (constraint[0], constraint[1] + 1)
        matches = lambda v: constraint <= v < upper  # noqa: E731
    else:
        padded = constraint + (0,) * (3 - len(constraint))
        expr = constraint_str[: first_digit.start()] + ".".join(map(str, padded))
        expr = expr.replace("≥", ">=").replace("≤", "<=")
        expr = re.sub(r"(^|\b)=\b", "==", expr)
        matches = _semver_match(expr)
    for release in reversed(releases):
        if matches(tuple(int(n) for n in release.split("."))):
            return release
    return None


def _semver_match(expr: str):
    """semver.VersionInfo.match(version, expr) for a 3-part version."""
    prefix = expr[:2]
    if prefix in (">=", "<=", "==", "!="):
        target = expr[2:]
    elif prefix and prefix[0] in (">", "<"):
        prefix, target = prefix[0], expr[1:]
    elif expr and expr[0] in "0123456789":
        prefix, target = "==", expr
    else:
        raise ValueError(f"match_expr parameter should be in format <op><ver>, where <op> is one of "
                         f"['<', '>', '==', '<=', '>=', '!=']. You provided: {expr!r}")
    found = re.fullmatch(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)", target)
    if not found:
        raise ValueError(f"{target} is not valid SemVer string")
    wanted = tuple(int(n) for n in found.groups())

    def matches(version: tuple[int, ...]) -> bool:
        version = (version + (0, 0, 0))[:3]
        return {">=": version >= wanted, "<=": version <= wanted, "==": version == wanted,
                "!=": version != wanted, ">": version > wanted, "<": version < wanted}[prefix]

    return matches


# --------------------------------------------------------------------------------------------------
# Which files are used, which are ignored and why


def _present(state: _State) -> tuple[list[str], list[str], list[str]]:
    """(config-folder files, root files, root-only files) that exist."""
    files, bd = state.files, state.binder_dir
    in_config = [state.path(name) for name in CONFIG_FILES if files.isfile(state.path(name))]
    at_root = [name for name in CONFIG_FILES if bd and files.isfile(name)]
    root_only = [name for name in ROOT_ONLY_FILES if files.isfile(name)]
    return in_config, at_root, root_only


def _classify_after_detect_error(state: _State) -> None:
    in_config, at_root, root_only = _present(state)
    for rel in in_config + at_root + root_only:
        state.ignored[rel] = "not read: repo2docker stops before it gets to this file (see the error)"
    _lookalikes(state)


def _classify_files(state: _State, pack: str | None, versions: dict) -> None:
    files, bd, path = state.files, state.binder_dir, state.path
    shown = f"{bd}/" if bd else ""
    use, ignore = state.used.append, state.ignored.__setitem__
    in_config, at_root, root_only = _present(state)

    for name in at_root:
        if name == "Dockerfile" and bd:
            ignore(name, f"ignored because a {shown} folder exists (only checked for the removed "
                         "andrewosh/binder-base image)")
        else:
            ignore(name, f"ignored because a {shown} folder exists")
    for name in root_only:
        if bd:
            ignore(name, f"ignored because a {shown} folder exists ({name} is only read at the root when there "
                         "is no binder/ folder)")
    for name in ROOT_ONLY_FILES:
        if bd and files.isfile(path(name)):
            ignore(path(name), f"ignored: {name} is only read at the repository root, never in {shown}")

    runtime = state._runtime or NO_RUNTIME
    rt_rel = state.runtime_path
    has = lambda name: files.isfile(path(name))  # noqa: E731
    python = versions.get("python")
    legacy_python = bool(python and _version_tuple(python) and _version_tuple(python) < KERNEL_ENV_CUTOFF)
    env_rel = path("environment.yml") if has("environment.yml") else path("environment.yaml") \
        if has("environment.yaml") else None
    python_family = pack in ("python", "r", "julia", "julia-require")

    for name in (".dockerignore", ".containerignore"):  # build-context filters
        if pack == "docker" and name == ".dockerignore":
            if files.isfile(name):
                use(name)  # the Docker engine reads the root one itself
        elif pack is not None and files.isfile(path(name)):
            use(path(name))
        if bd and pack not in (None, "docker") and files.isfile(name):
            ignore(name, f"ignored because a {shown} folder exists (repo2docker reads {shown}{name})")

    if pack == "docker":
        use(path("Dockerfile"))
        for rel in in_config:
            if rel != path("Dockerfile"):
                ignore(rel, "Dockerfile overrides everything else")
        for name in root_only:
            if not bd:
                ignore(name, "Dockerfile overrides everything else")
        _lookalikes(state)
        return

    # Files every non-Docker pack applies.
    for name in ("apt.txt", "postBuild", "start"):
        if has(name):
            use(path(name))

    if pack is None:
        reason = _no_pack_reason(runtime)
        for rel in in_config:
            if rel.endswith(("apt.txt", "postBuild", "start")):
                state.used.remove(rel)
            name = rel.rsplit("/", 1)[-1]
            if rel == rt_rel:
                ignore(rel, _runtime_ignored_reason(runtime))
            elif name in ("install.R", "requirements3.txt", "Manifest.toml"):
                ignore(rel, _ignored_reason(name, pack, runtime, has, bd))
            else:
                ignore(rel, reason)
        for name in root_only:
            if not bd:
                ignore(name, reason if name != "pyproject.toml" else
                       "not a package: pyproject.toml needs both [project] and [build-system] to count")
        _lookalikes(state)
        return

    if pack == "nix":
        use(path("default.nix"))
        for rel in in_config:
            if rel not in state.used:
                ignore(rel, "the Nix setup (default.nix) ignores this file; Jupyter and packages must come from "
                            "default.nix")
        for name in root_only:
            if not bd:
                ignore(name, "the Nix setup (default.nix) ignores this file")
        _lookalikes(state)
        return

    if pack in ("julia", "julia-require"):
        if pack == "julia":
            if has("JuliaProject.toml"):
                use(path("JuliaProject.toml"))
                if has("Project.toml"):
                    ignore(path("Project.toml"), "JuliaProject.toml wins over Project.toml")
            else:
                use(path("Project.toml"))
            if has("Manifest.toml"):
                use(path("Manifest.toml"))
            if has("REQUIRE"):
                ignore(path("REQUIRE"), "REQUIRE is ignored because Project.toml exists")
        else:
            use(path("REQUIRE"))
            if has("Manifest.toml"):
                ignore(path("Manifest.toml"), "Manifest.toml needs a Project.toml next to it")
    elif pack == "r":
        if runtime.name == "r" and runtime.date:
            use(rt_rel)
        if not bd and files.isfile("DESCRIPTION"):
            use("DESCRIPTION")
        if has("install.R"):
            use(path("install.R"))
    elif pack == "conda":
        if env_rel:  # None when the name is taken by a folder or a pipe (reported as not-a-file)
            use(env_rel)
        if has("environment.yml") and has("environment.yaml"):
            ignore(path("environment.yaml"), "environment.yml wins over environment.yaml")
    elif pack == "pipfile":
        if has("Pipfile.lock"):
            use(path("Pipfile.lock"))
        if has("Pipfile"):
            use(path("Pipfile"))

    if python_family:
        if env_rel:
            use(env_rel)  # R and Julia packs run `env update` with it on top of their base environment
            if has("environment.yml") and has("environment.yaml"):
                ignore(path("environment.yaml"), "environment.yml wins over environment.yaml")
        if has("requirements.txt"):
            use(path("requirements.txt"))
        if not bd:
            if files.isfile("setup.py"):
                use("setup.py")
            if files.isfile("pyproject.toml"):
                if _pyproject_is_package(state):
                    use("pyproject.toml")
                elif versions.get("python_source") == "pyproject.toml requires-python":
                    use("pyproject.toml")
                elif _pyproject_requires_python(state):
                    use("pyproject.toml")
                else:
                    ignore("pyproject.toml", "not installed: pyproject.toml needs both [project] and "
                                             "[build-system] to count as a package")
        if files.isfile(rt_rel) and rt_rel not in state.used:
            if runtime.name == "python" or (pack == "r" and runtime.version):
                use(rt_rel)
            else:
                ignore(rt_rel, _runtime_ignored_reason(runtime))

    if has("requirements3.txt"):
        if legacy_python and pack in ("python", "r", "julia", "julia-require", "pipfile"):
            use(path("requirements3.txt"))
        else:
            ignore(path("requirements3.txt"), "requirements3.txt is only used with Python older than 3.7; "
                                              "put the packages in requirements.txt")

    # Everything else present in the config folder is ignored: say why.
    for rel in in_config:
        if rel in state.used or rel in state.ignored:
            continue
        name = rel.rsplit("/", 1)[-1]
        state.ignored[rel] = _ignored_reason(name, pack, runtime, has, bd)
    for name in root_only:
        if bd or name in state.used or name in state.ignored:
            continue
        state.ignored[name] = _ignored_reason(name, pack, runtime, has, bd)
    _lookalikes(state)


def _pyproject_is_package(state: _State) -> bool:
    data = state._pyproject
    if data is None and not state._pyproject_loaded:
        try:
            data = state.pyproject("render")
        except _Stop:
            return False
    return isinstance(data, dict) and "project" in data and "build-system" in data


def _pyproject_requires_python(state: _State) -> bool:
    data = state._pyproject
    return isinstance(data, dict) and isinstance(data.get("project"), dict) and "requires-python" in data["project"]


def _runtime_ignored_reason(runtime: Runtime) -> str:
    name = runtime.name or ""
    if name.lower() == "python" and name != "python":
        return f"ignored: it says '{name}' with a capital letter; it must be exactly 'python'"
    if "\n" in name or name.startswith("#"):
        return "ignored: runtime.txt must hold only the version line (no comment or extra lines)"
    if name.startswith("\ufeff"):
        return "ignored: the file starts with an invisible byte-order mark; save it as UTF-8 without BOM"
    if name == "r" and not runtime.date:
        return "ignored: an R runtime needs a date (r-X.Y-YYYY-MM-DD) unless there is a DESCRIPTION file"
    if name == "r":
        return "runtime.txt names R, so Python stays at the default version"
    if name == "python":
        return "this setup does not read runtime.txt"
    return f"ignored: '{name}' is not a runtime Binder knows (only python-X.Y or r-X.Y-YYYY-MM-DD)"


def _no_pack_reason(runtime: Runtime) -> str:
    if runtime.name and runtime.name != "python":
        return ("not used: runtime.txt names something other than 'python', which switches the Python setup off, "
                "and mybinder.org has no fallback")
    return "not used: this file alone does not tell Binder how to build the environment"


def _ignored_reason(name: str, pack: str | None, runtime: Runtime, has, bd: str) -> str:
    if name == "install.R":
        return "install.R needs a dated runtime.txt (r-X.Y-YYYY-MM-DD) or a DESCRIPTION file"
    if name == "runtime.txt":
        if pack == "conda":
            return "environment.yml wins: runtime.txt is ignored (pin python=X.Y in environment.yml instead)"
        if pack == "pipfile":
            return "the Pipfile setup does not read runtime.txt (set python_version in Pipfile's [requires])"
        return _runtime_ignored_reason(runtime)
    if name == "requirements.txt":
        if pack == "conda":
            return "environment.yml wins over requirements.txt (move the packages under '- pip:' in environment.yml)"
        if pack == "pipfile":
            return "Pipfile wins over requirements.txt"
    if name in ("Pipfile", "Pipfile.lock"):
        if pack == "conda":
            return "environment.yml wins over the Pipfile"
        if pack == "r":
            return "runtime.txt selects R, so the Pipfile is not used"
        return "the Pipfile is not used by this setup"
    if name in ("setup.py", "pyproject.toml"):
        if pack == "conda":
            return f"environment.yml wins: {name} is not installed (add '-e .' under '- pip:' in environment.yml)"
        if pack == "pipfile":
            return f"the Pipfile setup does not install {name}"
    if name == "DESCRIPTION":
        return "DESCRIPTION is not used by this setup"
    if name == "Manifest.toml":
        return "Manifest.toml is only used with a Project.toml"
    if name == "default.nix":
        return "an earlier setup wins over default.nix"
    if name == "REQUIRE":
        return "REQUIRE is not used by this setup"
    return f"not used by the {PACK_NAMES.get(pack or '', 'chosen')} setup"


def _lookalikes(state: _State) -> None:
    """Files named almost like a config file, and config files one folder too deep."""
    files = state.files
    root_listing = files.listing("") or {}
    folders = [""] + ([state.binder_dir] if state.binder_dir else [])
    for folder in folders:
        names = set(files.listing(folder) or {}) | {k.rsplit("/", 1)[-1] for k in files.overrides
                                                    if (k.rsplit("/", 1)[0] if "/" in k else "") == folder}
        for name in sorted(names):
            rel = f"{folder}/{name}" if folder else name
            if rel in state.ignored or rel in state.used:
                continue
            # .strip(): "requirements.txt " (a space typed before Enter in a Save dialog) looks right but is not
            target = _LOOKALIKES.get(name.strip()) or _LOOKALIKE_LOWER.get(name.lower().strip())
            if target and target != name and not files.isdir(rel):
                state.ignored[rel] = f"ignored: Binder only reads a file named exactly '{target}'"
    # One level down: e.g. notebooks/requirements.txt
    subfolders = sorted(name for name, (_, _, is_dir) in root_listing.items()
                        if is_dir and not name.startswith(".") and name not in _SKIP_SUBFOLDERS)
    for entry in subfolders[:_MAX_SUBFOLDERS]:
        listing = files.listing(entry) or {}
        for name in _SUBFOLDER_HINT_FILES:
            if listing.get(name, (False, False, False))[1]:
                state.ignored[f"{entry}/{name}"] = ("ignored: Binder only looks in the repository root or in "
                                                   "binder/, not in sub-folders")


_SKIP_SUBFOLDERS = {"binder", "node_modules", "venv", "env", "__pycache__"}


def _links(state: _State) -> list[Diagnostic]:
    """Symbolic links: git stores the link, not the file. One that leaves the project works here but
    points nowhere on GitHub, so Binder builds something else; a broken one is silently skipped."""
    files, found = state.files, []
    folder = state.binder_dir
    files.listing(folder)
    names = [folder] if folder else []
    names += [state.path(name) for name in CONFIG_FILES] + ([] if folder else list(ROOT_ONLY_FILES))
    root = None
    for rel in names:
        if rel in files.overrides or rel not in files.symlinks:
            continue
        path = files._path(rel)
        root = root or os.path.realpath(files.root)
        try:
            shown = strip_control(os.readlink(path))
        except OSError:
            continue
        if not os.path.exists(path):
            found.append(Diagnostic(rel, None, None, "warning", "broken-link",
                                    f"{rel} is a link to '{shown}', which does not exist, so Binder skips it.",
                                    f"Replace the link with the real file, or delete {rel}."))
            continue
        target = os.path.realpath(path)
        if os.path.commonpath([root, target]) != root:
            used = rel == folder or rel in state.used
            found.append(Diagnostic(
                rel, None, None, "error" if used else "warning", "link-outside-project",
                f"{rel} is a link to '{shown}', outside the project. Git stores only the link, so on GitHub it "
                f"points nowhere and Binder will not see {'this folder' if rel == folder else 'this file'}: "
                "what this report says is not what Binder will build.",
                f"Replace the link with a copy of the real {'folder' if rel == folder else 'file'}."))
    return found


def _empty_config_folder(state: _State) -> None:
    """Git cannot store an empty folder: here it hides the root files, on GitHub it will not exist."""
    folder = state.binder_dir
    if folder and not state.files.listing(folder) and not any(k.startswith(folder + "/") for k in state.files.overrides):
        state.notes.append(Diagnostic(
            folder, None, None, "warning", "empty-config-folder",
            f"The {folder}/ folder is empty. Locally it makes Binder ignore every environment file at the root, "
            "but git cannot store an empty folder, so on GitHub it will not exist and the root files will count: "
            "what you test here is not what Binder will build.",
            f"Delete the empty {folder}/ folder, or move your environment files into it."))


def _stencila(state: _State) -> None:
    """repo2docker logs an error for any manifest.xml (it walks the whole tree; we look two levels deep)."""
    files = state.files
    root = files.listing("") or {}
    folders = [""] + sorted(name for name, (_, _, is_dir) in root.items() if is_dir)[:_MAX_SUBFOLDERS]
    for folder in folders:
        entry = (files.listing(folder) or {}).get("manifest.xml")
        if entry and entry[1]:
            rel = f"{folder}/manifest.xml" if folder else "manifest.xml"
            state.notes.append(Diagnostic(
                rel, None, None, "warning", "stencila-manifest",
                f"repo2docker logs \"Found a stencila manifest.xml at ./{folder}. Stencila is no longer supported.\" "
                "The build goes on, but nothing Stencila-specific is set up.",
                "Remove manifest.xml, or convert the Stencila documents to notebooks."))


def _notes_for_ignored(state: _State) -> None:
    """Every ignored file becomes a finding too: most are a user's mistake, not a choice."""
    for rel, reason in sorted(state.ignored.items()):
        if reason.startswith("not read: repo2docker stops") or reason.startswith(("not a package", "not installed")):
            continue
        if "sub-folders" in reason:
            state.notes.append(Diagnostic(rel, None, None, "info", "file-in-subfolder",
                                          f"{rel} is not used: Binder only looks in the repository root or binder/.",
                                          "Move it to the repository root (or binder/) if it is meant for Binder."))
        elif "named exactly" in reason:
            target = reason.rsplit("'", 2)[-2]
            state.notes.append(Diagnostic(rel, None, None, "warning", "misnamed-file",
                                          f"{rel} is not used: Binder only reads a file named exactly '{target}'.",
                                          f"Rename it to {target}."))
        elif rel.endswith("runtime.txt") and reason.startswith(("environment.yml wins", "the Pipfile setup")):
            code = "runtime-ignored-by-environment" if reason.startswith("environment") else \
                "runtime-ignored-by-pipfile"
            state.notes.append(Diagnostic(rel, None, None, "warning", code, f"{rel} is not used: {reason}.", None))
        else:
            state.notes.append(Diagnostic(rel, None, None, "warning", "file-ignored",
                                          f"{rel} is not used: "
                                          f"{reason.removeprefix('ignored: ').removeprefix('not used: ')}.", None))


# --------------------------------------------------------------------------------------------------
# Summary


def _summary(state: _State, pack: str | None, versions: dict, errors: list[Diagnostic]) -> str:
    if pack is None:
        if errors and errors[0].code != "no-environment":
            return "Binder will stop with an error before building anything (see below)."
        return "Nothing Binder can build: no environment file it recognises (mybinder.org refuses to build)."
    python = versions.get("python")
    source = versions.get("python_source")
    pre = f"{state.binder_dir}/" if state.binder_dir else ""
    used = [rel for rel in state.used]

    def py() -> str:
        if not python:
            return "Python"
        main_file = pack in ("conda", "pipfile") and source != "default"
        tail = " (the default)" if source == "default" else "" if source == "runtime.txt" or main_file \
            else f" (from {source})"
        return f"Python {python}{tail}"

    if pack == "docker":
        text = f"Your own Dockerfile ({pre}Dockerfile); Binder uses it as it is"
    elif pack == "nix":
        text = f"Nix from {pre}default.nix"
    elif pack == "julia":
        name = next((rel for rel in used if rel.endswith(("Project.toml",))), f"{pre}Project.toml")
        julia = versions.get("julia")
        text = f"Julia {julia or ''} from {name}".replace("  ", " ") + f", plus {py()}"
    elif pack == "julia-require":
        text = "Julia from REQUIRE, which Binder no longer supports"
    elif pack == "r":
        text = f"R {versions.get('r', DEFAULT_R)} with packages from the {versions.get('r_date', '?')} CRAN snapshot"
        extras = [rel for rel in used if rel.endswith(("install.R", "DESCRIPTION"))]
        if extras:
            text += " and " + " and ".join(extras)
        text += f", plus {py()}"
    elif pack == "conda":
        env = next((rel for rel in used if "environment.y" in rel), "environment.yml")
        text = f"{py()} with conda from {env}"
    elif pack == "pipfile":
        pipfiles = [rel for rel in used if "Pipfile" in rel]
        text = f"{py()} with pipenv from {' and '.join(pipfiles)}"
    else:
        sources = [rel for rel in used if rel.endswith(("requirements.txt", "setup.py", "pyproject.toml"))]
        text = f"{py()} with pip" + (f" from {' and '.join(sources)}" if sources else "")
    extras = [rel.rsplit("/", 1)[-1] for rel in used if rel.endswith(("apt.txt", "postBuild", "start"))]
    if extras and pack != "docker":
        text += ", plus " + ", ".join(extras)
    if errors:
        text += " — but the build will fail (see below)"
    return text
