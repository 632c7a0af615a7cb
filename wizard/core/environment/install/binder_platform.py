"""Binder's machine as pip sees it: Ubuntu 24.04 (glibc 2.39), x86_64, CPython X.Y.

Which wheel files install there and which one pip picks: the tag order below is pip's own
(packaging.tags for that interpreter), so "the chosen file" and its size are the ones pip downloads.
"""

from __future__ import annotations

import re
from functools import lru_cache

GLIBC_MINOR = 39  # Ubuntu 24.04 "noble", repo2docker 2026.4.0's base image
UV_PLATFORM = f"x86_64-manylinux_2_{GLIBC_MINOR}"  # manylinux_2_5 ... 2_39 wheels all install (not just 2014)
_LEGACY = {17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}  # the old names of the same tags


def linux_platforms() -> list[str]:
    """Platform tags in pip's order of preference on Binder: newest glibc first, then plain linux."""
    platforms: list[str] = []
    for minor in range(GLIBC_MINOR, 4, -1):
        platforms.append(f"manylinux_2_{minor}_x86_64")
        if minor in _LEGACY:
            platforms.append(f"{_LEGACY[minor]}_x86_64")
    return platforms + ["linux_x86_64"]


@lru_cache(maxsize=16)
def tag_rank(python: str) -> dict[str, int]:
    """'cp310-cp310-manylinux_2_17_x86_64' -> its rank (0 is pip's favourite) for CPython `python`."""
    from packaging import tags

    version = tuple(int(part) for part in python.split(".")[:2])
    platforms = linux_platforms()
    ordered = [*tags.cpython_tags(version, platforms=platforms),
               *tags.compatible_tags(version, f"cp{version[0]}{version[1]}", platforms)]
    rank: dict[str, int] = {}
    for position, tag in enumerate(ordered):
        rank.setdefault(str(tag), position)
    return rank


def wheel_rank(filename: str, python: str) -> int | None:
    """pip's preference for a wheel file on Binder (lower is better); None when it does not install."""
    from packaging.utils import InvalidWheelFilename, parse_wheel_filename

    try:
        _, _, _, file_tags = parse_wheel_filename(filename)
    except InvalidWheelFilename:
        return None
    rank = tag_rank(python)
    found = [rank[str(tag)] for tag in file_tags if str(tag) in rank]
    return min(found) if found else None


def best_file(filenames: list[str], python: str) -> str | None:
    """The file pip installs on Binder from one release: the best-ranked wheel, else the sdist."""
    ranked = [(rank, name) for name in filenames if name.endswith(".whl")
              for rank in [wheel_rank(name, python)] if rank is not None]
    if ranked:
        return min(ranked)[1]
    return next((name for name in filenames if is_sdist(name)), None)


def is_sdist(filename: str) -> bool:
    return filename.endswith((".tar.gz", ".zip", ".tar.bz2", ".tgz", ".tar"))


_PLATFORM_WORDS = (("win", "Windows"), ("macosx", "macOS"), ("musllinux", "Alpine (musl) Linux"),
                   ("linux_aarch64", "ARM Linux"), ("aarch64", "ARM Linux"), ("ios", "iOS"),
                   ("android", "Android"), ("pyodide", "the browser (Pyodide)"), ("emscripten", "the browser"))


def platform_words(platform_tags: list[str]) -> str:
    """'win_amd64', 'macosx_11_0_arm64' -> 'Windows and macOS' (for a plain sentence)."""
    words: list[str] = []
    for tag in platform_tags:
        newer = re.match(r"manylinux_2_(\d+)_x86_64$", tag)
        if newer and int(newer.group(1)) > GLIBC_MINOR:
            word = f"Linux with glibc 2.{newer.group(1)} or newer"
        else:
            word = next((name for prefix, name in _PLATFORM_WORDS if tag.startswith(prefix) or prefix in tag), tag)
        if word not in words:
            words.append(word)
    return " and ".join(words) if len(words) <= 2 else ", ".join(words[:-1]) + " and " + words[-1]


def python_tag_version(tag: str) -> str | None:
    """'cp312' -> '3.12'."""
    match = re.fullmatch(r"(?:cp|py)3(\d+)", tag)
    return f"3.{match.group(1)}" if match else None
