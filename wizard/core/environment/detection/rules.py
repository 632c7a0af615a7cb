"""repo2docker's rules as data: the version it reproduces, its version tables, the files it reads.

Plain constants only (no I/O, no other module of the package), so the validators, the deps package and
the detector can all import them at the top of the module.
"""

from __future__ import annotations

import datetime

from wizard.core.common.lazy_regex import lazy_compile

REPO2DOCKER_VERSION = "2026.4.0"

# Not repo2docker's: bigger than any sane environment file. Larger files get one clear diagnostic instead
# of a parse (parsing megabytes of YAML or TOML takes seconds; no build needs it).
MAX_BYTES = 2_000_000

MAJOR_PYTHONS = {"2": "2.7", "3": "3.10"}
DEFAULT_PYTHON = MAJOR_PYTHONS["3"]
# Python versions with a bundled conda lock file for linux-64 (repo2docker/buildpacks/conda/*.lock).
LOCKFILE_PYTHONS = ("2.7", "3.5", "3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14")
# Only for the pyproject.toml requires-python fallback (buildpacks/conda/supported_python_version.py).
SUPPORTED_PYTHON_VERSION = ("3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14")
KERNEL_ENV_CUTOFF = (3, 7)  # older Pythons get a separate kernel environment
R_VERSION_MAP = {
    "4.5": "4.5.1", "4.4": "4.4.2", "4.3": "4.3.3", "4.2": "4.2.3", "4.1": "4.1.3",
    "4.0": "4.0.5", "3.6": "3.6.3", "3.5": "3.5.3", "3.4": "3.4.4", "3.3": "3.3.3",
}
DEFAULT_R = R_VERSION_MAP["4.4"]
RSPM_CUTOFF_DATE = datetime.date(2018, 12, 7)
# repo2docker asks julialang.org for the list of stable releases on the build day (versions.json without
# pre-releases); this is that list as known when this version of binder-wizard was made, ascending, written
# as (major, minor) -> last patch release. Only the Julia version shown can differ from the build's.
_JULIA_LAST_PATCH = {
    (0, 1): 2, (0, 2): 1, (0, 3): 12, (0, 4): 7, (0, 5): 2, (0, 6): 4, (0, 7): 0, (1, 0): 5, (1, 1): 1, (1, 2): 0,
    (1, 3): 1, (1, 4): 2, (1, 5): 4, (1, 6): 7, (1, 7): 3, (1, 8): 5, (1, 9): 4, (1, 10): 10, (1, 11): 7, (1, 12): 6,
}
JULIA_RELEASES: tuple[str, ...] = tuple(f"{major}.{minor}.{patch}" for (major, minor), last
                                        in sorted(_JULIA_LAST_PATCH.items()) for patch in range(last + 1))
DEFAULT_JULIA_COMPAT = "1.6"  # repo2docker's default when [compat] has no julia entry

JULIA_REQUIRE_MESSAGE = "Julia REQUIRE no longer supported due to removed infrastructure. Use Project.toml."

NO_ENVIRONMENT_MESSAGE = (
    "No environment specification found. See https://repo2docker.readthedocs.io/en/latest/configuration/ "
    "for supported files."
)

PACK_NAMES = {
    "docker": "your own Dockerfile",
    "julia": "Julia (Project.toml)",
    "julia-require": "Julia REQUIRE (no longer supported)",
    "nix": "Nix (default.nix)",
    "r": "R",
    "conda": "conda (environment.yml)",
    "pipfile": "pipenv (Pipfile)",
    "python": "Python with pip",
    "legacy": "the removed legacy Binder Dockerfile",
}
# The class repo2docker names in its messages, per pack.
PACK_CLASS = {"conda": "CondaBuildPack", "pipfile": "PipfileBuildPack", "python": "PythonBuildPack",
              "r": "RBuildPack", "julia": "JuliaProjectTomlBuildPack", "julia-require": "JuliaRequireBuildPack"}

# Files looked up in the config folder (or the root when there is none).
CONFIG_FILES = (
    "Dockerfile", "Project.toml", "JuliaProject.toml", "Manifest.toml", "REQUIRE", "default.nix", "runtime.txt",
    "environment.yml", "environment.yaml", "Pipfile", "Pipfile.lock", "requirements.txt", "requirements3.txt",
    "install.R", "apt.txt", "postBuild", "start",
)
# Files read only at the repository root, and only when there is no config folder.
ROOT_ONLY_FILES = ("DESCRIPTION", "setup.py", "pyproject.toml")

PYTHON_REGEX = lazy_compile(r"python\s*=+\s*([\d\.]*)")  # conda/__init__.py PYTHON_REGEX, applied with match
R_REGEX = lazy_compile(r"r-base\s*=+\s*([\d\.]*)")
VERSION_PAT = lazy_compile(r"\d+(\.\d+)*")  # pipfile/__init__.py VERSION_PAT
