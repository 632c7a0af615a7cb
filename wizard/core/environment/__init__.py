"""Step 1, Environment: what repo2docker will build from a folder, and whether it will work.

The public API other slices and the app may use; everything else in this package is internal.
Import the submodules (`detection`, `engine`, `validators`, `deps`, ...) for the rest.
"""

from wizard.core.environment.catalog import ENVIRONMENT_FILES, config_folder

__all__ = ["ENVIRONMENT_FILES", "config_folder"]
