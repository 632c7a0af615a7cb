"""Binder's machine for environment markers (Linux, x86_64, CPython X.Y) and the Python versions it offers."""

from __future__ import annotations

from functools import lru_cache
from typing import Callable

from wizard.core.environment.detection.rules import KERNEL_ENV_CUTOFF, LOCKFILE_PYTHONS

# Binder's conda Python X.Y is the newest patch release of X.Y, unknown here: a high patch number makes
# `python_full_version >= 'X.Y.n'` true, as it is on Binder.
_PATCH = "99"


def marker_environment(python: str, extra: str = "") -> dict[str, str]:
    """PEP 508 marker values on Binder (mybinder.org builds for linux/amd64, CPython from conda)."""
    return {
        "implementation_name": "cpython",
        "implementation_version": f"{python}.{_PATCH}",
        "os_name": "posix",
        "platform_machine": "x86_64",
        "platform_python_implementation": "CPython",
        "platform_release": "",
        "platform_system": "Linux",
        "platform_version": "",
        "python_full_version": f"{python}.{_PATCH}",
        "python_version": python,
        "sys_platform": "linux",
        "extra": extra,
    }


@lru_cache(maxsize=4096)
def marker_applies(marker: str, python: str, extra: str = "") -> bool:
    """Whether a PEP 508 marker is true on Binder (`extra`: the extra being installed, if any); an unreadable
    marker counts as true (keep the package, the engine then checks the result)."""
    from packaging.markers import InvalidMarker, Marker, UndefinedComparison, UndefinedEnvironmentName

    if not marker.strip():
        return True
    try:
        return Marker(marker).evaluate(marker_environment(python, extra))
    except (InvalidMarker, UndefinedComparison, UndefinedEnvironmentName):
        return True


def both_apply_on_binder(first: str, second: str) -> bool:
    """Whether two markers can be true together on Binder's Linux for some Python X.Y it offers (two lines
    for one package with markers that exclude each other, as `uv export` writes them, are not a clash)."""
    if not first.strip() and not second.strip():
        return True
    return any(marker_applies(first, python) and marker_applies(second, python) for python in LOCKFILE_PYTHONS)


def python_in(python: str, accepts: Callable[[str], bool]) -> bool:
    """Whether some release of X.Y is accepted (`>=3.12.1` accepts 3.12: Binder has the newest patch)."""
    return accepts(f"{python}.0") or accepts(f"{python}.{_PATCH}")


def lowest_binder_python(accepts: Callable[[str], bool]) -> str | None:
    """The lowest X.Y that Binder offers and `accepts` takes; versions old enough to need repo2docker's
    separate kernel environment only when nothing newer fits."""
    def modern(version: str) -> bool:
        return tuple(int(part) for part in version.split(".")) >= KERNEL_ENV_CUTOFF

    ordered = [v for v in LOCKFILE_PYTHONS if modern(v)] + [v for v in LOCKFILE_PYTHONS if not modern(v)]
    return next((version for version in ordered if python_in(version, accepts)), None)


def specifier_accepts(text: str | None) -> Callable[[str], bool]:
    """A PEP 440 specifier (`>=3.12`) as a test on version strings; an unreadable or empty one accepts all."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        spec = SpecifierSet(text or "")
    except InvalidSpecifier:
        return lambda version: True
    return lambda version: spec.contains(version, prereleases=True)
