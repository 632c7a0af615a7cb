"""The versions each build pack really uses: Python, R and Julia, and the errors repo2docker raises over them.

Each function mirrors one of repo2docker's `python_version` / `r_version` / `julia_version` properties and
the checks render() runs on the result; it records what it found in `versions` and raises a Stop where
repo2docker would raise.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence

from wizard.core.common.lazy_regex import lazy_compile
from wizard.core.environment.detection.files import Unreadable
from wizard.core.environment.detection.parsers import environment_dependencies, load_toml05
from wizard.core.environment.detection.rules import (DEFAULT_JULIA_COMPAT, DEFAULT_PYTHON, DEFAULT_R, JULIA_RELEASES,
                                                     KERNEL_ENV_CUTOFF, LOCKFILE_PYTHONS, MAJOR_PYTHONS, PACK_CLASS,
                                                     PYTHON_REGEX, R_VERSION_MAP, RSPM_CUTOFF_DATE,
                                                     SUPPORTED_PYTHON_VERSION, VERSION_PAT)
from wizard.core.environment.detection.state import DetectionState
from wizard.core.environment.detection.stops import file_note, quoted_stop, unreadable_stop

# semver's VersionInfo grammar: ASCII digits without leading zeros, optional pre-release and build parts.
_SEMVER = lazy_compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
                     r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
                     r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?\Z", re.ASCII)

# --------------------------------------------------------------------------------------------------
# Python


def conda_python(state: DetectionState, env, versions: dict) -> None:
    """CondaBuildPack.python_version: first string dependency matching `python\\s*=+\\s*([\\d.]*)`."""
    rel = state.environment_path()
    deps = environment_dependencies(rel, env) if env is not None else []
    if env is None:
        return
    py_version = None
    marks = getattr(deps, "marks", [])
    # Any mention of python (even in a form repo2docker misses) is the validator's to explain.
    versions["python_listed"] = any(isinstance(dep, str) and dep.lstrip().lower().split("::")[-1]
                                    .startswith("python") for dep in deps)
    versions["installs"] = bool(deps)  # a missing Python pin then decides which releases are installed
    for index, dep in enumerate(deps):
        if not isinstance(dep, str):
            continue
        match = PYTHON_REGEX.match(dep)
        if not match:
            continue
        py_version = match.group(1)
        versions["python_mark"] = marks[index] if index < len(marks) else (None, None)
        break
    if py_version:
        info = py_version.split(".")
        if len(info) == 1:
            if info[0] not in MAJOR_PYTHONS:
                raise quoted_stop(rel, "python-major-unknown", "KeyError", repr(info[0]),
                                  f"python={py_version} is not a Python version Binder knows.",
                                  "Pin Python as python=3.12.", "render", *versions["python_mark"])
            versions["python"] = MAJOR_PYTHONS[info[0]]
        else:
            versions["python"] = ".".join(info[:2])
        versions["python_source"] = rel.rsplit("/", 1)[-1]
    else:
        versions["python"] = DEFAULT_PYTHON
        versions["python_source"] = "default"


def pipfile_python(state: DetectionState, versions: dict) -> None:
    """PipfileBuildPack.python_version: Pipfile.lock _meta.requires, then Pipfile [requires]."""
    import json

    files = state.files
    sources = []
    lock_rel, pipfile_rel = state.path("Pipfile.lock"), state.path("Pipfile")
    if files.exists(lock_rel):
        try:
            text = files.text(lock_rel)
        except Unreadable as error:
            raise unreadable_stop(lock_rel, error, "render") from None
        try:
            lock_info = json.loads(text)
        except (ValueError, RecursionError) as error:  # also a 5,000-digit number or 1,000 nested '['
            raise quoted_stop(lock_rel, "pipfile-lock-invalid-json", type(error).__name__, str(error),
                              "Pipfile.lock is not valid JSON.",
                              "Regenerate it with `pipenv lock` (never edit it by hand).", "render",
                              getattr(error, "lineno", None), getattr(error, "colno", None)) from None
        try:
            sources.append(("Pipfile.lock", lock_info.get("_meta", {}).get("requires", {})))
        except AttributeError as error:
            raise quoted_stop(lock_rel, "pipfile-lock-shape", "AttributeError", str(error),
                              "Pipfile.lock does not have the layout pipenv writes.",
                              "Regenerate it with `pipenv lock`.") from None
    if files.exists(pipfile_rel):
        try:
            text = files.text(pipfile_rel)
        except Unreadable as error:
            raise unreadable_stop(pipfile_rel, error, "render") from None
        data, problem = load_toml05(text)
        if problem is not None:
            raise quoted_stop(pipfile_rel, "pipfile-invalid-toml", "TomlDecodeError", problem[0],
                              "Pipfile is not valid TOML (repo2docker reads it with the older 'toml' library).",
                              "Fix the TOML syntax at the line shown.", "render", problem[1], problem[2])
        sources.append(("Pipfile", data.get("requires", {})))
    py_version = source = None
    for name, requires in sources:
        for key in ("python_full_version", "python_version"):
            try:
                version_str = requires.get(key, None)
            except AttributeError as error:
                raise quoted_stop(state.path(name), "pipfile-requires-shape", "AttributeError", str(error),
                                  f"The [requires] section of {name} is not a table.",
                                  'Write it as [requires] followed by python_version = "3.12".') from None
            if version_str:
                try:
                    match = VERSION_PAT.match(version_str)
                except TypeError as error:  # a number or a table: the words differ between Python versions
                    raise quoted_stop(state.path(name), "pipfile-python-not-text", "TypeError", str(error),
                                      f"python_version in {name} must be text in quotes.",
                                      'Write python_version = "3.12" (with quotes).') from None
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
                raise quoted_stop(state.path(source), "python-major-unknown", "KeyError", repr(info[0]),
                                  f"Python {py_version} is not a version Binder knows.",
                                  'Write python_version = "3.12" (major.minor).')
            versions["python"] = MAJOR_PYTHONS[info[0]]
        else:
            versions["python"] = ".".join(info[:2])
        versions["python_source"] = source
    else:
        versions["python"] = DEFAULT_PYTHON
        versions["python_source"] = "default"


def python_pack_python(state: DetectionState, versions: dict) -> None:
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
            raise quoted_stop(rel, "runtime-python-invalid", "InvalidVersion", str(error),
                              f"'{version}' in runtime.txt is not a version number.",
                              "Write the Python version as python-X.Y, e.g. python-3.12.", "render", 1, 1) from None
        if len(release) <= 1:
            if version not in MAJOR_PYTHONS:
                raise quoted_stop(rel, "python-major-unknown", "KeyError", repr(version),
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
            raise quoted_stop("pyproject.toml", "pyproject-project-shape", "TypeError", str(error),
                              "[project] in pyproject.toml is not a table.", "Write [project] as a table header.") \
                from None
        if has_requires:
            try:
                spec = SpecifierSet(spec_text)
            except (InvalidSpecifier, TypeError, AttributeError) as error:
                raise quoted_stop("pyproject.toml", "pyproject-invalid-requires-python", type(error).__name__,
                                  str(error),
                                  f"requires-python = {spec_text!r} in pyproject.toml is not a valid version range.",
                                  'Write it like requires-python = ">=3.10".') from None
            try:
                fits = Version(python) in spec
            except InvalidVersion as error:  # pragma: no cover - python came from Version() already
                raise quoted_stop(rel, "runtime-python-invalid", "InvalidVersion", str(error), "Bad version.", None) \
                    from None
            if not fits:
                if source == "runtime.txt":
                    raise quoted_stop("pyproject.toml", "pyproject-runtime-conflict", "RuntimeError",
                                      "runtime.txt version not supported by pyproject.toml.",
                                      f"runtime.txt asks for Python {python}, but requires-python = {spec_text!r} in "
                                      "pyproject.toml excludes it.",
                                      "Make the two agree: change runtime.txt or requires-python.")
                possible = list(spec.filter(SUPPORTED_PYTHON_VERSION))
                if not possible:
                    raise quoted_stop("pyproject.toml", "pyproject-no-python", "RuntimeError",
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


def check_python_supported(state: DetectionState, versions: dict) -> None:
    """CondaBuildPack.get_build_script_files: 'x.y' form and a bundled lock file for linux-64."""
    python = versions["python"]
    source = versions.get("python_source")
    pack = versions.get("pack")
    if source == "pyproject.toml requires-python":
        rel = "pyproject.toml"
    elif source in ("runtime.txt", "default") and pack in ("python", "r", "julia", "julia-require"):
        rel = state.runtime_path
    elif source == "default":
        rel = state.environment_path() if pack == "conda" else state.path(
            "Pipfile.lock" if state.files.exists(state.path("Pipfile.lock")) else "Pipfile")
    else:
        rel = state.path(source)
    where = rel.rsplit("/", 1)[-1]
    at = (1, 1) if rel.endswith("runtime.txt") else versions.get("python_mark", (None, None)) \
        if pack == "conda" else (None, None)
    if not python or len(python.split(".")) != 2:
        raise quoted_stop(rel, "python-version-form", "ValueError",
                          f"{PACK_CLASS.get(pack, 'PythonBuildPack')}.python_version must always be "
                          f"specified as 'x.y', e.g. '3.10', got {python}.",
                          f"The Python version in {where} must be major.minor only ({python} has too many parts).",
                          f"Write python-{'.'.join(python.split('.')[:2])} instead." if python else None,
                          "render", *at)
    try:  # separate_kernel_env: V(python_version) < V("3.7"), before any lock file is looked for
        separate = semver_version(python)[:2] < KERNEL_ENV_CUTOFF
        if python not in LOCKFILE_PYTHONS:
            raise ValueError(f"Python version {python} on linux-64 is not supported!")
    except ValueError as error:
        raise quoted_stop(rel, "python-unsupported", "ValueError", str(error),
                          f"Binder cannot install Python {python}. It offers {', '.join(LOCKFILE_PYTHONS)}.",
                          "Pick one of those versions.", "render", *at) from None
    if separate:
        state.notes.append(file_note(
            rel, "python-legacy-kernel",
            f"Python {python} is old: repo2docker installs your packages in a separate kernel environment, "
            f"while Jupyter itself runs on Python {DEFAULT_PYTHON}. requirements3.txt (if any) goes into Jupyter's "
            "environment.", "Move to Python 3.10 or newer if you can."))
    elif source == "default" and pack in ("python", "conda", "pipfile") and not versions.get("python_listed"):
        fix = {"conda": "Add '- python=X.Y' (the version you use) to the dependencies.",
               "pipfile": 'Add python_version = "X.Y" (the version you use) under [requires].'}.get(
            pack, "Create runtime.txt with python-X.Y (the version you use), e.g. python-3.12.")
        installs = _installs_packages(state, pack, versions)
        state.notes.append(file_note(
            rel, "python-unpinned",
            f"No Python version is set, so Binder uses its current default, Python {DEFAULT_PYTHON}, which "
            "will change in the future." + (" It is old: the newest releases of numpy, pandas and scipy no longer "
                                            "support it, so what gets installed depends on this pin." if installs
                                            else ""), fix, "warning" if installs else "info"))


def _installs_packages(state: DetectionState, pack: str, versions: dict) -> bool:
    """Whether the build installs any package (a requirement line, a conda dependency, a Pipfile, the project
    itself), so that Binder's old default Python decides which releases it gets."""
    if pack == "conda":
        return bool(versions.get("installs"))
    if pack != "python":
        return True
    rel = state.path("requirements.txt")
    try:
        text = state.files.text(rel) if state.files.exists(rel) else ""
    except Unreadable:
        return True
    if any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines()):
        return True
    return not state.binder_dir and (state.files.exists("setup.py") or state.pyproject_is_package())


def semver_version(version: str) -> tuple[int, int, int]:
    """repo2docker's semver.parse_version, which it compares Python versions with: semver's parse, with
    "x" and "x.y" padded to three parts. Raises ValueError with semver's words ("3.012.0 is not valid
    SemVer string")."""
    padded = version
    if not _SEMVER.match(version) and version.count(".") < 2:
        padded = version + ".0" * (2 - version.count("."))
    parsed = _SEMVER.match(padded)
    if not parsed:
        raise ValueError(f"{padded} is not valid SemVer string")
    return int(parsed.group(1)), int(parsed.group(2)), int(parsed.group(3))


def python_release(version: str) -> tuple[int, int] | None:
    """(major, minor) of an 'x.y' Python version as repo2docker compares it; None for any other form."""
    if version.count(".") != 1:
        return None
    try:
        return semver_version(version)[:2]
    except ValueError:
        return None


# --------------------------------------------------------------------------------------------------
# R


def r_checks(state: DetectionState, versions: dict) -> None:
    """RBuildPack.r_version and its build scripts, which check the snapshot date before the R version."""
    runtime = state.runtime("render")
    rel = state.runtime_path
    if runtime.name == "r" and runtime.date:
        date = runtime.date
    else:
        date = datetime.date.today() - datetime.timedelta(days=2)
    versions["r_date"] = date.isoformat()
    version = runtime.version
    version_stop = None
    if version:
        if version in R_VERSION_MAP:
            versions["r"] = R_VERSION_MAP[version]
        elif len(version.split(".")) == 3:
            versions["r"] = version
        else:
            supported = ", ".join(sorted(R_VERSION_MAP, key=lambda v: tuple(map(int, v.split(".")))))
            version_stop = quoted_stop(
                rel, "r-version-unsupported", "RuntimeError",
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
        state.notes.append(file_note(rel if state.files.exists(rel) else "DESCRIPTION", "r-unpinned",
                                     f"No R version is set, so Binder uses its default, R {DEFAULT_R}.",
                                     "Pin it in runtime.txt: r-X.Y-YYYY-MM-DD.", "info"))
    if date < RSPM_CUTOFF_DATE:
        raise quoted_stop(rel, "r-snapshot-too-old", "RuntimeError",
                          "Microsoft killed MRAN, the source of R package snapshots before 2018-12-07. This repo has "
                          f"a snapshot date of {date.isoformat()} specified in runtime.txt. Please use a newer "
                          "snapshot date",
                          "R package snapshots before 2018-12-07 no longer exist; runtime.txt asks for "
                          f"{date.isoformat()}.",
                          "Use a date on or after 2018-12-07 in runtime.txt (a recent date is best).", "render", 1, 1)
    if version_stop is not None:
        raise version_stop


# --------------------------------------------------------------------------------------------------
# Julia


def julia_checks(state: DetectionState, versions: dict) -> None:
    files = state.files
    rel = state.path("JuliaProject.toml")
    if not files.exists(rel):
        rel = state.path("Project.toml")
    try:
        text = files.text(rel)
    except Unreadable as error:
        raise unreadable_stop(rel, error, "render") from None
    data, problem = load_toml05(text)
    if problem is not None:
        name = rel.rsplit("/", 1)[-1]
        raise quoted_stop(rel, "julia-invalid-toml", "TomlDecodeError", problem[0],
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
    except JuliaCompatError as error:
        match = None
        kind, message = error.kind, error.message
    else:
        kind, message = "RuntimeError", "Failed to find a matching Julia version: {compat}"
    if match is None and not isinstance(compat, str):
        raise quoted_stop(rel, "julia-compat-not-text", kind, message,
                          f"[compat] julia = {compat!r} must be text in quotes.", 'Write julia = "1.10" (with quotes).')
    if match is None:
        raise quoted_stop(rel, "julia-no-matching-version", kind, message,
                          f"No Julia release matches [compat] julia = {compat!r} (repo2docker understands one range "
                          "like \"1.10\", \"^1.9\", \"~1.10.2\" or \">= 1.6.0\", not comma lists).",
                          'Write a single range such as julia = "1.10".')
    versions["julia"] = match


def find_julia_version(compat, releases: Sequence[str] = JULIA_RELEASES) -> str | None:
    """repo2docker's semver.find_semver_match: the newest release matching a [compat] julia entry.

    Raises JuliaCompatError where repo2docker's own code raises, with the same exception type and words.
    """
    matches = julia_compat_matcher(compat)
    for release in reversed(releases):
        if matches(tuple(int(n) for n in release.split("."))):
            return release
    return None


class JuliaCompatError(Exception):
    """repo2docker cannot read this [compat] julia value: matching it raises `kind: message`."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind, self.message = kind, message


def julia_compat_matcher(compat) -> Callable[[tuple[int, ...]], bool]:
    """repo2docker.semver.create_semver_matcher(compat).match, raising JuliaCompatError where that raises.

    Errors repo2docker hits while building its matcher are raised here; the ones it hits only when
    matching the first release (no digit at all, an expression semver cannot read) on the first call.
    """
    try:
        hash(compat)  # create_semver_matcher is lru_cached: a list or a table fails before it starts
        constraint = compat.strip()
    except (TypeError, AttributeError) as error:
        raise JuliaCompatError(type(error).__name__, str(error)) from None
    first_digit = re.search(r"\d", constraint)
    if not first_digit:
        return _fails("AttributeError", "'str' object has no attribute 'match'")  # its matcher is "" here
    try:
        bound = tuple(int(part) for part in constraint[first_digit.start():].split("."))
    except ValueError as error:
        raise JuliaCompatError("ValueError", str(error)) from None
    symbol = constraint[: first_digit.start()].strip()
    if first_digit.start() == 0 or symbol == "^":  # up to the next major version
        if bound[0] == 0:  # Julia treats the first non-zero part of a 0.x version as the major one
            for index, number in enumerate(bound):
                if number != 0 or index == len(bound) - 1:
                    upper = bound[:index] + (number + 1,)
                    break
        else:
            upper = (bound[0] + 1,)
        return lambda version: bound <= version < upper
    if symbol == "~":  # up to the next minor version, unless only a major is given or it starts 0.0
        if len(bound) == 1:
            upper = (bound[0] + 1,)
        elif len(bound) == 2:
            upper = (bound[0], bound[1] + 1)
        elif bound[0] == 0 and bound[1] == 0:
            upper = (0, 0, bound[2] + 1)
        else:
            upper = (bound[0], bound[1] + 1)
        return lambda version: bound <= version < upper
    # Everything else goes to the semver package, which wants three numbers.
    expression = constraint
    if len(bound) < 3:
        expression = constraint[: first_digit.start()] + ".".join(map(str, bound + (0,) * (3 - len(bound))))
    expression = expression.replace("≥", ">=").replace("≤", "<=")
    expression = re.sub(r"(^|\b)=\b", "==", expression)
    return lambda version: _semver_matches(version, expression)


def _fails(kind: str, message: str) -> Callable[[tuple[int, ...]], bool]:
    def matches(version: tuple[int, ...]) -> bool:
        raise JuliaCompatError(kind, message)
    return matches


_OUTCOMES = {">": (1,), "<": (-1,), "==": (0,), "!=": (-1, 1), ">=": (0, 1), "<=": (-1, 0)}


def _semver_matches(version: tuple[int, ...], expression: str) -> bool:
    """semver.VersionInfo.match(version, expression), with semver's errors."""
    operator = expression[:2]
    if operator in (">=", "<=", "==", "!="):
        target = expression[2:]
    elif operator and operator[0] in "<>":
        operator, target = operator[0], expression[1:]
    elif expression and expression[0] in "0123456789":
        operator, target = "==", expression
    else:
        raise JuliaCompatError("ValueError", "match_expr parameter should be in format <op><ver>, where <op> is one "
                               f"of ['<', '>', '==', '<=', '>=', '!=']. You provided: {expression!r}")
    parsed = _SEMVER.match(target)
    if not parsed:
        raise JuliaCompatError("ValueError", f"{target} is not valid SemVer string")
    wanted = tuple(int(parsed.group(i)) for i in (1, 2, 3))
    version = version + (0,) * (3 - len(version))
    # A release sorts after its own pre-releases (1.12.0 > 1.12.0-rc1); the build part never counts.
    order = (version > wanted) - (version < wanted) or (1 if parsed.group(4) else 0)
    return order in _OUTCOMES[operator]
