"""Plain words and fixes for each way an install fails on Binder, pinned to the line that causes it.

Pure: the index lookups a fix needs ("the newest release for 3.10") come in through `Context.newest`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

from wizard.core.common.diagnostics import Diagnostic
from wizard.core.environment.package_names import normalise
from wizard.core.environment.install.binder_platform import platform_words, python_tag_version
from wizard.core.environment.install.sources import PipRequirement
from wizard.core.environment.install.uv_output import Failure, plain_reason

# Pythons worth suggesting, oldest first (repo2docker 2026.4.0 also builds 2.7 and 3.5-3.7: end of life).
SUPPORTED_PYTHONS = ("3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14")
# Source releases known not to build on a Python: (name, below this version, from this Python, why).
WILL_NOT_BUILD = (
    ("numpy", "1.26", "3.12", "its build needs distutils, which Python 3.12 removed"),
    ("numba", "0.59", "3.12", "its setup.py refuses Python versions newer than the release supports"),
    ("llvmlite", "0.42", "3.12", "its setup.py refuses Python versions newer than the release supports"),
)


@dataclass(frozen=True)
class Context:
    python: str
    python_why: str  # "no runtime.txt", "from environment.yml", ...
    pin_python: Callable[[str], str | None]  # "3.12" -> "add runtime.txt with python-3.12" (None: cannot)
    newest: Callable[..., str | None]  # (name, wheels_only=False) -> newest release that installs, or None
    index: str
    main_file: str | None


def index_name(url: str) -> str:
    host = urlsplit(url).hostname or url
    return "PyPI" if host in ("pypi.org", "pypi.python.org") else host


_PYTHONS = ("2.7", "3.5", "3.6", "3.7", *SUPPORTED_PYTHONS)  # every Python repo2docker can build


def _fits(spec: str) -> list[str]:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        wanted = SpecifierSet(spec)
    except InvalidSpecifier:
        return []
    return [v for v in _PYTHONS if wanted.contains(v + ".0", prereleases=True)]


def python_words(spec: str) -> str:
    """'>=3.11' -> 'Python 3.11 or newer'; '>=3.8,<3.12' -> 'Python 3.8 to 3.11'; '<3.10' -> 'Python 3.9 or older'."""
    fits = _fits(spec)
    if not fits or _PYTHONS[_PYTHONS.index(fits[0]):_PYTHONS.index(fits[-1]) + 1] != tuple(fits):
        return f"Python {spec.strip()}"
    if fits[-1] == _PYTHONS[-1]:
        return f"Python {fits[0]} or newer"
    if fits[0] == _PYTHONS[0]:
        return f"Python {fits[-1]} or older"
    return f"Python {fits[0]}" if len(fits) == 1 else f"Python {fits[0]} to {fits[-1]}"


def python_for(spec: str, current: str) -> str | None:
    """The Python to suggest for a release that needs `spec`: the oldest newer one that fits, else the
    newest older one (repo2docker-supported versions only)."""
    from packaging.version import Version

    fits = [v for v in _fits(spec) if v in SUPPORTED_PYTHONS]
    newer = [v for v in fits if Version(v) > Version(current)]
    older = [v for v in fits if Version(v) < Version(current)]
    return newer[0] if newer else older[-1] if older else None


def will_not_build(name: str, version: str | None, python: str) -> str | None:
    from packaging.version import InvalidVersion, Version

    for known, below, from_python, why in WILL_NOT_BUILD:
        if normalise(name) != known or version is None:
            continue
        try:
            if Version(version) < Version(below) and Version(python) >= Version(from_python):
                return why
        except InvalidVersion:
            continue
    return None


def _where(requirement: PipRequirement) -> str:
    return f"{requirement.file} line {requirement.line}"


def _diagnostic(at: PipRequirement | None, context: Context, severity: str, code: str, message: str,
                fix: str | None) -> Diagnostic:
    file = at.file if at else (context.main_file or "requirements.txt")
    return Diagnostic(file, at.line if at else None, None, severity, code, message, fix)


def _or(*fixes: str | None) -> str | None:
    fixes = [fix for fix in fixes if fix]
    if not fixes:
        return None
    return "Fix: " + ", or ".join(fixes) + "."


def _pin(name: str, version: str | None, why: str) -> str | None:
    return f"pin {name}=={version} ({why})" if version else None


def explain(failure: Failure, culprits: list[PipRequirement], context: Context) -> Diagnostic:
    """One diagnostic for a failed resolution, on the first line that leads to it."""
    root = culprits[0] if culprits else None
    package = failure.package or (root.name if root else "a package")
    direct = root is None or normalise(package) == root.name
    version = failure.version
    release = f"{package} {version}" if version else package
    lead = "" if direct else f"{root.text} needs {package}, and "
    py = context.python

    if failure.kind == "python":
        needed = python_for(failure.detail or "", py)
        subject = release if version else f"every release of {package} that matches"
        message = (f"{lead}{subject} needs {python_words(failure.detail or '')}; Binder will use {py} "
                   f"({context.python_why}).")
        from packaging.version import Version

        wants_older = needed is not None and Version(needed) < Version(py)
        pin = _pin(package, context.newest(package), f"the newest release for {py}") if direct else None
        other = None if direct else f"pin {'a newer' if wants_older else 'an older'} {root.name}"
        code = "install-needs-older-python" if wants_older else "install-needs-newer-python"
        return _diagnostic(root, context, "error", code, message,
                           _or(context.pin_python(needed) if needed else None, pin, other))

    if failure.kind == "platform":
        words = platform_words(list(failure.hint_tags)) or "other systems"
        tags = ", ".join(failure.hint_tags)
        message = (f"{lead}{release} has wheels only for {words}" + (f" ({tags})" if tags else "")
                   + ": none of them installs on Binder (Linux x86_64, glibc 2.39).")
        marker = {"Windows": 'sys_platform == "win32"', "macOS": 'sys_platform == "darwin"'}.get(words)
        keep = f"keep it for {words} only: `{root.name}; {marker}`" if marker and direct and root else None
        return _diagnostic(root, context, "error", "install-no-linux-wheel", message,
                           _or(_pin(package, context.newest(package), "the newest release that installs on Linux")
                               if direct else None, keep, f"remove the line for {root.name}" if root else None))

    if failure.kind == "abi":
        pythons = [v for v in (python_tag_version(tag) for tag in failure.hint_tags) if v]
        message = (f"{lead}{release} has no wheel for Python {py}"
                   + (f" (only for Python {', '.join(pythons)})" if pythons else "") + ".")
        target = next((v for v in pythons if v in SUPPORTED_PYTHONS), None)
        return _diagnostic(root, context, "error", "install-no-wheel-for-python", message,
                           _or(context.pin_python(target) if target else None,
                               _pin(package, context.newest(package), f"the newest release for {py}")
                               if direct else None))

    if failure.kind == "missing-name":
        from wizard.core.environment.install.names import close_name

        close = close_name(package)
        message = f"There is no package called {package} on {index_name(context.index)}."
        fix = f"Fix: did you mean {close}? Write {close} instead." if close else \
            "Fix: check the spelling on https://pypi.org (the name pip installs can differ from the import name)."
        return _diagnostic(root, context, "error", "install-name-not-found", message, fix)

    if failure.kind == "missing-version" and version and "+" in version:
        public, _, label = version.partition("+")
        message = (f"{package}=={version} is a local build (+{label}): package indexes do not have versions "
                   f"with a '+' label, and Binder has no GPU.")
        return _diagnostic(root, context, "error", "install-local-version", message,
                           _or(f"pin {package}=={public}"))

    if failure.kind == "missing-version":
        message = (f"{lead}{package} {version} does not exist on {index_name(context.index)}." if version
                   else f"{lead}no release of {package} matches." if not direct
                   else f"No release of {package} matches {root.text if root else package}.")
        return _diagnostic(root, context, "error", "install-version-not-found", message,
                           _or(_pin(package, context.newest(package), f"the newest release for Python {py}")
                               if direct else f"pin another version of {root.name}"))

    if failure.kind == "yanked":
        reason = f" ({failure.detail.strip()})" if failure.detail else ""
        asked = (root.text if root else package) if direct else f"what {root.name} asks for"
        message = f"{lead}{release} was withdrawn (yanked) by its authors{reason}, and no other release matches {asked}."
        return _diagnostic(root, context, "error", "install-yanked", message,
                           _or(_pin(package, context.newest(package), "the newest release that is not withdrawn")
                               if direct else f"pin another version of {root.name}"))

    if failure.kind == "conflict" and len(culprits) >= 2:
        first, second = culprits[0], culprits[1]
        same = first.name == second.name
        reason = plain_reason(failure.text)
        message = (f"{first.name} is required twice with different versions: {first.text} ({_where(first)}) and "
                   f"{second.text} ({_where(second)})." if same else
                   f"{first.text} ({_where(first)}) and {second.text} ({_where(second)}) cannot be installed "
                   f"together" + (f": {reason}." if reason else "."))
        fix = ("Fix: keep only one of the two lines (pip installs one version of each package)." if same else
               "Fix: change or loosen one of the two pins so that they agree.")
        return _diagnostic(first, context, "error", "install-conflict", message, fix)

    message = (f"pip cannot install these requirements on Binder (Python {py}): "
               f"{plain_reason(failure.text) or 'uv gave no reason'}.")
    return _diagnostic(root, context, "error", "install-unresolvable", message, None)


def source_only(name: str, version: str, at: PipRequirement | None, context: Context) -> Diagnostic:
    """A release with no wheel for Binder: pip compiles it there (warning), or it is known not to build (error)."""
    py = context.python
    why = will_not_build(name, version, py)
    wheel = context.newest(name, wheels_only=True)
    if why:
        message = (f"{name} {version} has no wheel for Python {py}, and its source does not build on "
                   f"Python {py}: {why}.")
        from packaging.version import Version

        older = next((v for v in reversed(SUPPORTED_PYTHONS)
                      if Version(v) < Version(py) and not will_not_build(name, version, v)), None)
        return _diagnostic(at, context, "error", "install-source-will-not-build", message,
                           _or(_pin(name, wheel, f"the newest release with a wheel for {py}"),
                               context.pin_python(older) if older else None))
    message = (f"{name} {version} has no wheel for Binder's Linux and Python {py}: pip will compile it from "
               f"source during the build (slow, needs compilers, and often fails for packages with C code).")
    fix = _or(_pin(name, wheel, f"the newest release with a wheel for {py}")) if wheel and wheel != version else None
    return _diagnostic(at, context, "warning", "install-source-only", message, fix)
