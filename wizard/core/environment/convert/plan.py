"""`convert()`: one lock (or requirements.in) -> the files Binder reads, each checked by the engine before it
is offered; and `lock_pins()`, what a lock pins, for the detector's "does Binder build what the lock says?".

Nothing here writes: the command and step 1 show the result (and a diff) and write it themselves.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from wizard.core.common.lazy_regex import lazy_compile
from wizard.core.environment.convert.draft import ConversionFailed, Context, Draft
from wizard.core.environment.convert.sources import CONVERTIBLE, digest, header, kind_of

MAX_LOCK_BYTES = 50_000_000  # a big pixi.lock is a few MB


class UnknownSource(ValueError):
    """--from names a file that is not a lock binder-wizard converts."""


@dataclass(frozen=True)
class OutputFile:
    path: str  # relative to the project
    content: str
    action: str  # "create", "replace" or "unchanged"
    before: str | None = None  # what the file holds now (None: it does not exist)


@dataclass(frozen=True)
class Conversion:
    source: str  # "" when the project has nothing to convert
    files: tuple[OutputFile, ...] = ()
    notes: tuple[str, ...] = ()
    failed: bool = False

    @property
    def changes(self) -> tuple[OutputFile, ...]:
        return tuple(f for f in self.files if f.action != "unchanged")

    def to_json(self) -> dict:
        """The `binder-wizard convert --format json` object (a contract: keep the keys exactly)."""
        return {"source": self.source,
                "files": [{"path": f.path, "content": f.content, "action": f.action} for f in self.files],
                "notes": list(self.notes)}


def find_sources(project: Path, folder: str) -> list[str]:
    """The convertible files present, in the order they are converted (config folder before root)."""
    found = []
    for name in CONVERTIBLE:
        for rel in ([f"{folder}/{name}"] if folder else []) + [name]:
            if os.path.isfile(project / rel) and rel not in found:
                found.append(rel)
    return found


def convert(project: Path, source: str | None = None, *, index_url: str | None = None) -> Conversion:
    """Convert `source` (relative to `project`; default: the first lock found). Raises UnknownSource for a
    file that is not a convertible lock; any other problem is a failed Conversion whose notes say why."""
    from wizard.core.environment.detection import detect

    project = Path(project)
    found = detect(project)
    folder = found.binder_dir
    present = find_sources(project, folder)
    notes: list[str] = []
    if source is None:
        if not present:
            return Conversion("", notes=("Nothing to convert: no uv.lock, poetry.lock, pixi.lock, conda-lock.yml, "
                                         "renv.lock or requirements.in here.",))
        source = present[0]
        if len(present) > 1:
            notes.append(f"Also found {', '.join(present[1:])}: convert it with --from.")
    kind = kind_of(source)
    if kind is None or not kind.writes:
        raise UnknownSource(f"{source} is not a file binder-wizard converts (it converts "
                            f"{', '.join(CONVERTIBLE)})")
    try:
        draft = _draft(project, source, folder, found, index_url)
    except ConversionFailed as error:
        return Conversion(source, notes=tuple(notes + [str(error)]), failed=True)
    except OSError as error:  # a link out of the project, a pipe, too large, unreadable
        return Conversion(source, notes=tuple(notes + [getattr(error, "message", None) or
                                                      f"Cannot read {source}: {error.strerror or error}."]),
                          failed=True)
    files = tuple(_output(project, f"{folder}/{name}" if folder else name, content)
                  for name, content in draft.files.items())
    notes += draft.notes
    problems = _engine_check(project, files)
    if problems:
        return Conversion(source, notes=tuple(notes + problems), failed=True)
    return Conversion(source, files, tuple(notes))


def _draft(project: Path, source: str, folder: str, found, index_url: str | None) -> Draft:
    from wizard.core.common.fileio import read_file_bytes

    data = read_file_bytes(project / source, MAX_LOCK_BYTES)
    text = data.decode("utf-8-sig", errors="replace")
    ctx = context(project, source, folder, data)
    name = source.rsplit("/", 1)[-1]
    if name == "uv.lock":
        from wizard.core.environment.convert.python_locks import convert_uv

        return convert_uv(text, ctx)
    if name == "poetry.lock":
        from wizard.core.environment.convert.python_locks import convert_poetry

        return convert_poetry(text, ctx)
    if name == "pixi.lock":
        from wizard.core.environment.convert.conda_locks import convert_pixi

        return convert_pixi(text, ctx)
    if name == "conda-lock.yml":
        from wizard.core.environment.convert.conda_locks import convert_conda_lock

        return convert_conda_lock(text, ctx)
    if name == "renv.lock":
        from wizard.core.environment.convert.renv_lock import convert_renv

        return convert_renv(text, ctx)
    from wizard.core.environment.convert.pip_compile_adapter import compile_requirements_in
    from wizard.core.environment.detection.rules import DEFAULT_PYTHON
    from wizard.core.environment.install.check import default_index

    python = ctx.runtime_python or found.python_version or DEFAULT_PYTHON
    draft = compile_requirements_in(ctx, python, default_index(index_url))
    draft.notes.insert(0, f"{source} is pip-tools input (the packages you want); Binder reads only the compiled "
                          f"requirements.txt, so it was compiled with uv for Python {python}.")
    return draft


def context(project: Path, source: str, folder: str, data: bytes) -> Context:
    """What a converter needs to know about the project around `source`."""
    import tomllib

    from wizard.core.common.fileio import read_file_bytes

    def read(rel: str) -> str | None:
        try:
            return read_file_bytes(project / rel, 2_000_000).decode("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return None

    runtime = read(f"{folder}/runtime.txt" if folder else "runtime.txt")
    match = re.fullmatch(r"python-(\d+\.\d+)", (runtime or "").strip())
    pyproject = None
    text = read("pyproject.toml")
    if text is not None:
        try:
            pyproject = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, RecursionError):
            pyproject = None
    package = isinstance(pyproject, dict) and "project" in pyproject and "build-system" in pyproject
    installs = not folder and (package or os.path.isfile(project / "setup.py"))
    return Context(project, source, folder, header(source, digest(data)), match.group(1) if match else None,
                   installs, pyproject)


def _output(project: Path, rel: str, content: str) -> OutputFile:
    from wizard.core.common.fileio import read_file_bytes

    try:
        before = read_file_bytes(project / rel).decode("utf-8-sig", errors="replace")
    except FileNotFoundError:
        return OutputFile(rel, content, "create")
    except OSError:
        before = None  # a folder, a pipe, a link out: writing will say so
        return OutputFile(rel, content, "replace", before)
    same = before.replace("\r\n", "\n") == content
    return OutputFile(rel, content, "unchanged" if same else "replace", before)


def _engine_check(project: Path, files: tuple[OutputFile, ...]) -> list[str]:
    """What is wrong with the files as Binder would read them; [] when they can be offered."""
    from wizard.core.environment.engine import analyse

    changed = {f.path: f.content for f in files if f.action != "unchanged"}
    if not changed:
        return []
    report = analyse(project, changed)
    found = report.detection
    problems = []
    ignored = dict(found.files_ignored)
    for output in files:
        if output.path not in found.files_used:
            why = ignored.get(output.path, "it is not one of the files the chosen setup reads")
            problems.append(f"Binder would not read {output.path}: {why}. Nothing was written.")
    for finding in report.diagnostics:
        if finding.file in changed and finding.is_error:
            where = f"{finding.file}:{finding.line}" if finding.line else finding.file
            problems.append(f"check finds an error in the result ({where}): {finding.message}")
    if not problems and found.r2d_error is not None and found.r2d_error[0] != "build":
        problems.append(f"Binder's build would still stop: {found.errors[0].message if found.errors else ''}")
    return problems


# --------------------------------------------------------------------------------------------------
# What a lock pins (for the detector)

_pin_cache: dict[tuple, dict[str, str] | None] = {}
_REQ_PIN = lazy_compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*===?\s*([^\s;#,]+)\s*(?:[;#].*)?$")
_CONDA_PIN = lazy_compile(r"^\s*-\s*(?:[^\s:]+::)?([A-Za-z0-9][A-Za-z0-9._-]*)\s*={1,2}\s*([^\s=#,]+)")


def pins_in(text: str, name: str, python: str | None = None) -> dict[str, str]:
    """name -> exact version for every exactly pinned line of a requirements.txt or environment.yml (a line
    whose marker is false for Binder's `python` left out, as pip leaves it out)."""
    from wizard.core.environment.convert.binder_python import marker_applies
    from wizard.core.environment.convert.graph import normalise

    pattern = _CONDA_PIN if name.startswith("environment.") else _REQ_PIN
    pins = {}
    for line in text.splitlines():
        line = line.split(" #", 1)[0]
        match = pattern.match(line)
        if not match:
            continue
        marker = line.split(";", 1)[1] if ";" in line and pattern is _REQ_PIN else ""
        if python and marker and not marker_applies(marker.strip(), python):
            continue
        pins[normalise(match.group(1))] = _version_key(match.group(2))
    return pins


def _version_key(version: str) -> str:
    from packaging.version import InvalidVersion, Version

    try:
        return str(Version(version))
    except InvalidVersion:
        return version


def lock_pins(project: Path, source: str, folder: str, python: str | None) -> tuple[dict[str, str], str | None] | None:
    """(what `source` pins for Binder, the Python X.Y they are for): for `python` when the lock supports it,
    else for the lowest Python it does. From the converter's own result; None when it cannot be read.
    Cached per file state: the detector asks on every analysis."""
    path = project / source
    try:
        info = os.stat(path)
    except OSError:
        return None
    key = (str(path), info.st_mtime_ns, info.st_size, folder, python)
    if key not in _pin_cache:
        if len(_pin_cache) > 64:
            _pin_cache.clear()
        _pin_cache[key] = _lock_pins(project, source, folder, python)
    return _pin_cache[key]


def _lock_pins(project: Path, source: str, folder: str, python: str | None):
    from wizard.core.common.fileio import read_file_bytes

    name = source.rsplit("/", 1)[-1]
    if name in ("renv.lock", "requirements.in"):
        return None
    try:
        data = read_file_bytes(project / source, MAX_LOCK_BYTES)
        ctx = context(project, source, folder, data)
        if python:
            ctx = Context(ctx.project, ctx.source, ctx.folder, ctx.header, python, ctx.installs_project,
                          ctx.pyproject)
        draft = _draft_offline(name, data.decode("utf-8-sig", errors="replace"), ctx)
    except (ConversionFailed, OSError):
        return None
    pins: dict[str, str] = {}
    for file_name, content in draft.files.items():
        if file_name != "runtime.txt":
            pins.update(pins_in(content, file_name))
    return pins, draft.python


def _draft_offline(name: str, text: str, ctx: Context) -> Draft:
    from wizard.core.environment.convert import conda_locks, python_locks

    converters = {"uv.lock": python_locks.convert_uv, "poetry.lock": python_locks.convert_poetry,
                  "pixi.lock": conda_locks.convert_pixi, "conda-lock.yml": conda_locks.convert_conda_lock}
    return converters[name](text, ctx)


def disagreements(expected: dict[str, str], actual: dict[str, str]) -> list[str]:
    """'numpy 2.1.0 in the lock, 2.0.0 here' for each locked pin the files have otherwise, then each they lack."""
    other = [f"{name} {version} in the lock, {actual[name]} here" for name, version in sorted(expected.items())
             if name in actual and actual[name] != version]
    return other + [f"{name} {version} in the lock, not pinned here" for name, version in sorted(expected.items())
                    if name not in actual]
