"""Packages whose public names load their module on first use.

A slice's `__init__` lists its public API; importing the package costs nothing until a name is used, so
`check` and the app's start-up load only the modules they run. A package using this must have no
submodule named like one of its public names (importing the submodule would rebind the name).
"""

from __future__ import annotations

import importlib
import sys


def lazy_names(package: str, module_of: dict[str, str]):
    """`(__getattr__, __dir__)` for `package`: each name in `module_of` comes from `package.<module>` the
    first time it is asked for, and is then kept on the package."""

    def __getattr__(name: str):
        module = module_of.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(module_of)

    return __getattr__, __dir__
