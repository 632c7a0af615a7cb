"""What repo2docker will build from a folder: the same verdict, in plain words.

This reproduces the detection of repo2docker REPO2DOCKER_VERSION (see shared design/repo2docker-rules.md):
the config folder, the build pack picked (first match in repo2docker's order), the Python and R versions
each pack really uses, every file used or ignored (with the reason), and every error repo2docker itself
would raise during detection, rendering (`--no-build`) or, for REQUIRE, the build. mybinder.org runs
with `default_buildpack=None`, so "nothing matched" is an error here, not a silent Python 3.10.

`detect(project, overrides)` is pure and cheap: a handful of stat calls and small reads, so the editor
can call it on every pause in typing with the unsaved text of the file being edited.

Modules: `rules` (repo2docker's constants and version tables), `files` (reading the project's files),
`stops` (the errors repo2docker raises, quoted), `parsers` (runtime.txt, TOML, environment.yml),
`state` (what is known about the folder so far), `buildpacks` (choosing the pack, render-time checks),
`versions` (Python, R and Julia versions), `listing` (files used and ignored, and why), `summary`
(the Detection result and `detect`).

This file runs first on every import of those modules (the validators and the deps package import
`rules` for its constants), so the public names below are loaded when first asked for.
"""

from __future__ import annotations

from wizard.core.common.lazy_package import lazy_names

__all__ = [
    "CONFIG_FILES", "JULIA_RELEASES", "REPO2DOCKER_VERSION", "ROOT_ONLY_FILES", "Detection", "Runtime",
    "RuntimeTxtError", "detect", "find_julia_version", "parse_runtime",
]
_MODULE_OF = {
    "CONFIG_FILES": "rules", "JULIA_RELEASES": "rules", "REPO2DOCKER_VERSION": "rules", "ROOT_ONLY_FILES": "rules",
    "Detection": "summary", "detect": "summary", "Runtime": "parsers", "RuntimeTxtError": "parsers",
    "parse_runtime": "parsers", "find_julia_version": "versions",
}

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing; type checkers see True
if TYPE_CHECKING:
    from wizard.core.environment.detection.parsers import Runtime, RuntimeTxtError, parse_runtime
    from wizard.core.environment.detection.rules import (CONFIG_FILES, JULIA_RELEASES, REPO2DOCKER_VERSION,
                                                         ROOT_ONLY_FILES)
    from wizard.core.environment.detection.summary import Detection, detect
    from wizard.core.environment.detection.versions import find_julia_version


__getattr__, __dir__ = lazy_names(__name__, _MODULE_OF)
