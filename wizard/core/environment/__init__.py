"""Step 1, Environment: what repo2docker will build from a folder, and whether it will work.

The public API other slices and the app may use; everything else in this package is internal.
Import the submodules (`detection`, `engine`, `validators`, `deps`, ...) for the rest.

This file runs on every import of any module in the package, so it imports nothing: the names below
load the catalog (every template) the first time one is asked for.
"""

from __future__ import annotations

__all__ = ["ENVIRONMENT_FILES", "config_folder"]

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~9 ms); type checkers see True
if TYPE_CHECKING:
    from wizard.core.environment.catalog import ENVIRONMENT_FILES, config_folder


def __getattr__(name: str):
    if name in __all__:
        from wizard.core.environment import catalog

        return getattr(catalog, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
