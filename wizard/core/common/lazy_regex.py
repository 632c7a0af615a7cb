"""Regular expressions compiled on first use.

Compiling costs ~0.1-5 ms a pattern and Python keeps no compiled patterns between runs, so the ~150
module-level patterns of the core cost `check` (a pre-commit hook) and the app's first analysis tens of
milliseconds though most runs use a third of them. `lazy_compile` has `re.compile`'s signature and
returns an object with a compiled pattern's methods; after the first call they are the pattern's own
bound methods, so matching costs the same.
"""

from __future__ import annotations

import re

_METHODS = ("match", "fullmatch", "search", "finditer", "findall", "sub", "subn", "split", "scanner")


class LazyPattern:
    def __init__(self, pattern: str | bytes, flags: int = 0) -> None:
        self._source = (pattern, flags)

    def compiled(self) -> re.Pattern:
        pattern = re.compile(*self._source)
        for name in _METHODS:  # found in the instance dict from now on, before __getattr__ is asked
            setattr(self, name, getattr(pattern, name))
        self.compiled = lambda: pattern  # type: ignore[method-assign]
        return pattern

    def __getattr__(self, name: str):
        if name.startswith("__") or name == "_source":  # copy/pickle probes, and a half-built object
            raise AttributeError(name)
        return getattr(self.compiled(), name)

    def __repr__(self) -> str:
        return f"lazy_compile({self._source[0]!r})"


def lazy_compile(pattern: str | bytes, flags: int = 0) -> LazyPattern:
    return LazyPattern(pattern, flags)
