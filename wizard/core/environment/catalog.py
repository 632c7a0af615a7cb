"""Every file repo2docker 2026.4.0 reads (design/repo2docker-rules.md §2.2), in plain words, with a template.

`ENVIRONMENT_FILES` (the overview's list) is the detection files and extras in repo2docker's order;
`CATALOG` adds the companions repo2docker also reads (Manifest.toml, .dockerignore, .containerignore).
Templates pin versions and, where it matters, the Python version; `render_template` fills that in.
Every template validates clean with binder-wizard's own validators (tests/core/test_catalog.py).
`example` links a public repository that uses the file (binder-examples on GitHub, the seed's sample repositories),
wherever the app explains the file.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from dataclasses import dataclass, replace
from typing import Literal

Role = Literal["detection", "extra", "companion"]

DEFAULT_PYTHON = "3.12"
DEFAULT_R = "4.5"  # the newest R repo2docker 2026.4.0 maps (4.5 -> 4.5.1)
# The CRAN snapshot of a new R runtime.txt: two days before today, as repo2docker itself picks for a
# DESCRIPTION without a date (rules §2); Posit's package manager has it, and it looks up to 7 days back.
SNAPSHOT_DAYS_BACK = 2
# Python versions the templates' pinned packages support (repo2docker itself accepts 2.7 and 3.5-3.14).
TEMPLATE_PYTHONS = ("3.9", "3.10", "3.11", "3.12", "3.13", "3.14")
DOCS = "https://repo2docker.readthedocs.io/en/latest/configuration/index.html"


@dataclass(frozen=True)
class CatalogEntry:
    name: str
    title: str  # a few words for lists
    purpose: str  # one plain-language paragraph: what the file is and what Binder does with it
    when_to_use: str
    selects: tuple[str, ...]  # repo2docker packs (ids) this file can select; () when it only adds to one
    used_by: tuple[str, ...]  # pack ids that apply it (rules §2.1)
    role: Role
    where: str  # where repo2docker looks for it
    executable: bool = False
    template: str | None = None  # None when a tool writes the file (see how_to_create)
    how_to_create: str = ""
    alternatives: tuple[tuple[str, str], ...] = ()  # (variant name, template) pairs
    docs: str = DOCS
    example: str | None = None  # a public repository that uses this file (see EXAMPLES)


ANYWHERE = "the top of the repository, or binder/ (or .binder/) when that folder exists"
ROOT_ONLY = "the top of the repository only, and only when there is no binder/ or .binder/ folder"
PYTHON_PACKS = ("python", "r", "julia")
ALL_BUT_DOCKER = ("julia", "julia-require", "nix", "r", "conda", "pipfile", "python")

_PINS = {  # package versions known to install on each Python
    "new": {"numpy": "2.3.5", "pandas": "2.3.3", "matplotlib": "3.10.8"},
    "old": {"numpy": "2.0.2", "pandas": "2.2.3", "matplotlib": "3.9.4"},
}

ENVIRONMENT_YML = """\
# Binder (repo2docker) builds a conda environment from this file.
# Pin Python and your main packages so every build gives the same environment.
channels:
  - conda-forge
dependencies:
  - python={{python}}
  - numpy={{numpy}}
  - pandas={{pandas}}
  - matplotlib={{matplotlib}}
  - pip
  - pip:
      # Packages that are only on PyPI go here.
      - requests==2.32.3
"""

REQUIREMENTS_TXT = """\
# Binder installs these with pip. Pin the versions you tested with (`pip freeze` shows them),
# and set the Python version in runtime.txt.
numpy=={{numpy}}
pandas=={{pandas}}
matplotlib=={{matplotlib}}
"""

POSTBUILD = """\
#!/bin/bash
# Binder runs this once, at the end of the build, as the normal user, from the top of the repository.
# Python and system packages belong in requirements.txt / environment.yml and apt.txt, not here.
set -euo pipefail

# Example: download a data file into the image (use https://; FTP is blocked on mybinder.org).
# wget -q -O data/example.csv https://example.org/example.csv
"""

START = """\
#!/bin/bash
# Binder runs this every time a session starts, just before Jupyter. Keep it to a few seconds.
set -euo pipefail

# Example: a setting every notebook can read with os.environ["DATA_DIR"].
export DATA_DIR="${HOME}/data"

# Hand over to Jupyter. This must stay the last line.
exec "$@"
"""

APT_TXT = """\
# Ubuntu packages, one per line. Binder builds on Ubuntu 24.04 ("noble"):
# look names up at https://packages.ubuntu.com/noble/
graphviz
"""

DOCKERFILE = """\
# Binder builds this file as it is, and then ignores every other Binder file.
# It must install Jupyter, run as a user with UID 1000 and copy the repository into $HOME.
FROM python:{{python}}-slim-bookworm

RUN python3 -m pip install --no-cache-dir notebook==7.5.8 jupyterlab==4.5.11

ARG NB_USER=jovyan
ARG NB_UID=1000
ENV USER=${NB_USER} \\
    NB_UID=${NB_UID} \\
    HOME=/home/${NB_USER}

RUN adduser --disabled-password --gecos "Default user" --uid ${NB_UID} ${NB_USER}

COPY --chown=${NB_UID} . ${HOME}
WORKDIR ${HOME}
USER ${NB_USER}
"""

PROJECT_TOML = """\
[deps]
CSV = "336ed68f-0bac-5ca0-87d4-7b16caf5d00b"
DataFrames = "a93c6f00-e57d-5684-b7b6-d8193f3e46c0"

[compat]
CSV = "0.10"
DataFrames = "1.7"
julia = "~1.11"
"""

INSTALL_R = """\
# Binder runs this with Rscript to install R packages. It is used only together with a dated
# runtime.txt (like r-4.4-2025-06-02), whose date picks the CRAN snapshot and so the versions.
install.packages(c("dplyr", "ggplot2", "rmarkdown"))
"""

DESCRIPTION = """\
Package: myanalysis
Title: My Analysis
Version: 0.1.0
Authors@R: person("First", "Last", email = "first.last@example.org", role = c("aut", "cre"))
Description: Notebooks and code for my analysis. Binder installs the packages
    listed under Imports from a CRAN snapshot.
License: MIT
Encoding: UTF-8
Imports:
    dplyr,
    ggplot2
"""

DEFAULT_NIX = """\
# Binder runs `nix-shell default.nix`; the shell must provide Jupyter.
let
  # A fixed nixpkgs release, so every build gets the same packages.
  pkgs = import (fetchTarball "https://github.com/NixOS/nixpkgs/archive/refs/tags/24.11.tar.gz") {};
  python = pkgs.python{{python_nodot}}.withPackages (ps: [
    ps.notebook
    ps.jupyterlab
    ps.numpy
  ]);
in
pkgs.mkShell {
  buildInputs = [ python ];
}
"""

PIPFILE = """\
[[source]]
url = "https://pypi.org/simple"
verify_ssl = true
name = "pypi"

[packages]
numpy = "=={{numpy}}"
pandas = "=={{pandas}}"
matplotlib = "=={{matplotlib}}"

[dev-packages]

[requires]
python_version = "{{python}}"
"""

SETUP_PY = """\
# Binder runs `pip install .` for this package (only when there is no binder/ folder).
from setuptools import find_packages, setup

setup(
    name="my-analysis",
    version="0.1.0",
    package_dir={"": "src"},
    packages=find_packages(where="src"),
    python_requires=">={{python}}",
    install_requires=["numpy=={{numpy}}", "pandas=={{pandas}}"],
)
"""

PYPROJECT_TOML = """\
# Binder runs `pip install .` for this package (only when there is no binder/ folder).
# requires-python also picks Binder's Python version: keep it to one minor version.
[build-system]
requires = ["setuptools>=69"]
build-backend = "setuptools.build_meta"

[project]
name = "my-analysis"
version = "0.1.0"
requires-python = ">={{python}},<{{python_next}}"
dependencies = [
    "numpy=={{numpy}}",
    "pandas=={{pandas}}",
]

[tool.setuptools.packages.find]
where = ["src"]
"""

REQUIREMENTS3_TXT = """\
# Only for a Python 2.7-3.6 kernel (runtime.txt python-2.7): packages for the Jupyter server's
# own Python 3 environment, which Binder keeps separate. Ignored for Python 3.7 and newer.
ipywidgets==8.1.5
"""

DOCKERIGNORE = """\
# Files and folders Binder leaves out of the image (one pattern per line).
.git
**/__pycache__
**/.ipynb_checkpoints
"""


def _entries() -> tuple[CatalogEntry, ...]:
    return (
        CatalogEntry(
            "Dockerfile", "Docker recipe (advanced)",
            "A Dockerfile describes the whole image step by step. Binder builds it exactly as written and then "
            "ignores every other Binder file (apt.txt, postBuild, requirements.txt...). It must install Jupyter, "
            "create a user with UID 1000 and copy your repository into the home folder.",
            "Only as a last resort, when no combination of the simpler files can express what you need.",
            ("docker",), ("docker",), "detection", ANYWHERE, template=DOCKERFILE),
        CatalogEntry(
            "Project.toml", "Julia project",
            "Julia's list of packages (with their IDs) and version limits. Binder installs the Julia version "
            "allowed by `[compat] julia`, adds IJulia and instantiates the project; it also still installs "
            "requirements.txt or environment.yml for Python.",
            "For Julia notebooks. Let Julia write it (`] activate .` then `] add Package`) and commit the "
            "Manifest.toml beside it to freeze exact versions.",
            ("julia",), ("julia",), "detection", ANYWHERE, template=PROJECT_TOML),
        CatalogEntry(
            "JuliaProject.toml", "Julia project (alternative name)",
            "The same as Project.toml under another name; when both exist, Binder uses JuliaProject.toml.",
            "Only if your project already uses this name; otherwise prefer Project.toml.",
            ("julia",), ("julia",), "detection", ANYWHERE, template=PROJECT_TOML),
        CatalogEntry(
            "REQUIRE", "Old Julia package list (retired)",
            "The package list of Julia 0.6 and older. Binder still notices it but the build fails: \"Julia "
            "REQUIRE no longer supported due to removed infrastructure. Use Project.toml.\"",
            "Never: replace it with Project.toml.",
            ("julia-require",), ("julia-require",), "detection", ANYWHERE,
            how_to_create="Do not create it. In Julia run `] activate .` and `] add` each package, then commit "
                          "Project.toml and Manifest.toml and delete REQUIRE."),
        CatalogEntry(
            "default.nix", "Nix environment",
            "A Nix expression; Binder runs `nix-shell default.nix` and starts Jupyter inside that shell. "
            "requirements.txt and environment.yml are then ignored, so the shell must provide Jupyter itself; "
            "apt.txt, postBuild and start still apply.",
            "If you already use Nix and want a fully reproducible environment.",
            ("nix",), ("nix",), "detection", ANYWHERE, template=DEFAULT_NIX),
        CatalogEntry(
            "runtime.txt", "Python or R version",
            "One line that picks the language version: `python-3.12` for the Python version, or "
            "`r-4.4-2025-06-02` for R plus the date of the CRAN package snapshot. The format is strict: a "
            "capital letter or a comment line makes Binder silently ignore it. It is ignored next to "
            "environment.yml or a Pipfile (put the Python version there).",
            "With requirements.txt to pin the Python version, or to use R (with install.R).",
            ("python", "r"), ("python", "r", "julia"), "detection", ANYWHERE, template="python-{{python}}\n",
            alternatives=(("r", "r-{{r}}-{{date}}\n"),)),
        CatalogEntry(
            "DESCRIPTION", "R package description",
            "The description file of an R package. At the top of the repository (with no binder/ folder) it "
            "turns on R and Binder installs the packages it lists with `remotes::install_local()`, from the "
            "CRAN snapshot of two days before the build unless runtime.txt gives a date.",
            "When your repository is an R package, or you prefer listing R packages over an install.R script.",
            ("r",), ("r",), "detection", ROOT_ONLY, template=DESCRIPTION),
        CatalogEntry(
            "environment.yml", "Conda environment",
            "The conda environment: Python itself (`python=3.12`), conda packages, and a `pip:` section for "
            "packages only on PyPI. Binder creates the environment from it. It wins over requirements.txt, "
            "runtime.txt and a Pipfile, which are then ignored.",
            "When you need conda packages (geospatial and compiled libraries, R through conda) or already "
            "work with conda. Write it by hand or with `conda env export --from-history`, not a full export.",
            ("conda",), ("conda", "python", "r", "julia"), "detection", ANYWHERE, template=ENVIRONMENT_YML),
        CatalogEntry(
            "environment.yaml", "Conda environment (.yaml)",
            "The same as environment.yml with the longer extension; if both exist, environment.yml is used.",
            "Only if you prefer this spelling; do not keep both.",
            ("conda",), ("conda", "python", "r", "julia"), "detection", ANYWHERE, template=ENVIRONMENT_YML),
        CatalogEntry(
            "Pipfile", "Pipenv package list",
            "Pipenv's list of packages and the Python version (`[requires] python_version`). Binder installs it "
            "with pipenv, including dev packages. requirements.txt and runtime.txt are then ignored.",
            "If your project already uses pipenv; otherwise requirements.txt is simpler.",
            ("pipfile",), ("pipfile",), "detection", ANYWHERE, template=PIPFILE),
        CatalogEntry(
            "Pipfile.lock", "Pipenv lock file",
            "Exact versions written by `pipenv lock`. When present Binder installs from it (not from the "
            "Pipfile), so builds are repeatable. Its Python version wins over the Pipfile's.",
            "Whenever you use a Pipfile: commit the lock file too.",
            ("pipfile",), ("pipfile",), "detection", ANYWHERE,
            how_to_create="Run `pipenv lock` beside the Pipfile and commit the file it writes."),
        CatalogEntry(
            "requirements.txt", "pip package list",
            "The list of Python packages pip installs, one per line, ideally with exact versions "
            "(`numpy==2.3.5`). It is the simplest way to set up Binder; add runtime.txt to pick the Python "
            "version (Binder's default is 3.10).",
            "For most Python projects. Generate it from your imports with `binder-wizard requirements`.",
            ("python",), ("python", "r", "julia"), "detection", ANYWHERE, template=REQUIREMENTS_TXT),
        CatalogEntry(
            "setup.py", "Python package (setuptools)",
            "Marks the repository as an installable Python package: Binder runs `pip install .` after "
            "requirements.txt. It is used only at the top of the repository and only when there is no binder/ "
            "folder.",
            "When your repository is a Python package whose code the notebooks import.",
            ("python",), PYTHON_PACKS, "detection", ROOT_ONLY, template=SETUP_PY),
        CatalogEntry(
            "pyproject.toml", "Python project",
            "Modern Python project settings. With both [project] and [build-system] Binder installs the project "
            "with `pip install .`; its `requires-python` also picks Binder's Python version (the newest that "
            "fits), even without [build-system]. Used only when there is no binder/ folder.",
            "When your repository is a Python package. Keep requires-python to one minor version.",
            ("python",), PYTHON_PACKS, "detection", ROOT_ONLY, template=PYPROJECT_TOML),
        CatalogEntry(
            "requirements3.txt", "Python 3 packages beside a Python 2 kernel",
            "Only for projects whose notebooks run Python 2.7-3.6: Binder then keeps the Jupyter server in a "
            "separate Python 3 environment and installs this file there. Ignored otherwise.",
            "Almost never; only for legacy Python 2.7-3.6 projects.",
            (), ("python", "conda", "pipfile"), "extra", ANYWHERE, template=REQUIREMENTS3_TXT),
        CatalogEntry(
            "install.R", "R install script",
            "An R script Binder runs to install R packages. It is used only together with a dated runtime.txt "
            "(`r-4.4-2025-06-02`) or a DESCRIPTION file; alone it is silently ignored.",
            "For R notebooks: list `install.packages(...)` calls here and pin R and the date in runtime.txt.",
            (), ("r",), "extra", ANYWHERE, template=INSTALL_R),
        CatalogEntry(
            "apt.txt", "Ubuntu packages",
            "Ubuntu system packages (Binder builds on Ubuntu 24.04), one name per line, installed as root before "
            "anything else. Use it for programs and C libraries, not for Python packages.",
            "When a package needs a system library or program, e.g. graphviz, ffmpeg, texlive or libgl1.",
            (), ALL_BUT_DOCKER, "extra", ANYWHERE, template=APT_TXT),
        CatalogEntry(
            "postBuild", "Script run after the build",
            "A script Binder runs once, at the end of the build, as the normal user (not root), from the top of "
            "the repository. Use it to download data, enable extensions or run setup commands; a failing "
            "command only stops the build if the script has `set -e`.",
            "For setup steps no other file can express. Keep package installs in the environment files.",
            (), ALL_BUT_DOCKER, "extra", ANYWHERE, executable=True, template=POSTBUILD),
        CatalogEntry(
            "start", "Script run at every launch",
            "A script Binder runs every time a session starts, just before Jupyter. It must begin with `#!` and "
            "end with `exec \"$@\"`, which hands over to Jupyter; it should finish within seconds.",
            "To set environment variables or start a small helper service for every session.",
            (), ALL_BUT_DOCKER, "extra", ANYWHERE, executable=True, template=START),
        CatalogEntry(
            "Manifest.toml", "Julia lock file",
            "The exact package versions Julia resolved for Project.toml. Binder's `Pkg.instantiate()` installs "
            "exactly these, so builds are repeatable.",
            "Whenever you use Project.toml: commit the Manifest.toml Julia writes beside it.",
            (), ("julia",), "companion", ANYWHERE,
            how_to_create="Julia writes it when you `] add` or `] resolve` in the project; commit it."),
        CatalogEntry(
            ".dockerignore", "Files left out of the image",
            "Patterns of files Binder leaves out of the image (read from binder/ when that folder exists; for a "
            "Dockerfile build Docker reads the one at the top). Lines starting with # are comments.",
            "When the repository holds large files the image does not need.",
            (), ("docker",) + ALL_BUT_DOCKER, "companion", ANYWHERE, template=DOCKERIGNORE),
        CatalogEntry(
            ".containerignore", "Files left out of the image (alternative name)",
            "The same as .dockerignore under the name other container tools use.",
            "Only if you already use this name; otherwise prefer .dockerignore.",
            (), ALL_BUT_DOCKER, "companion", ANYWHERE, template=DOCKERIGNORE),
    )


# Public example repositories by file: binder-examples on GitHub, which the seed's sample repositories page lists.
_EXAMPLES = "https://github.com/binder-examples/"
EXAMPLES = {
    "requirements.txt": _EXAMPLES + "requirements", "environment.yml": _EXAMPLES + "conda",
    "environment.yaml": _EXAMPLES + "conda", "install.R": _EXAMPLES + "r", "runtime.txt": _EXAMPLES + "r",
    "DESCRIPTION": _EXAMPLES + "binder-r-description", "apt.txt": _EXAMPLES + "apt_install",
    "postBuild": _EXAMPLES + "getting-data", "Dockerfile": _EXAMPLES + "minimal-dockerfile",
    "Project.toml": _EXAMPLES + "julia-python", "JuliaProject.toml": _EXAMPLES + "julia-python",
    "Manifest.toml": _EXAMPLES + "julia-python", "Pipfile": _EXAMPLES + "pipfile",
    "Pipfile.lock": _EXAMPLES + "pipfile", "default.nix": _EXAMPLES + "nix", "setup.py": _EXAMPLES + "setup.py",
    "requirements3.txt": _EXAMPLES + "python2_with_3",
}

CATALOG: dict[str, CatalogEntry] = {entry.name: replace(entry, example=EXAMPLES.get(entry.name)) for entry in _entries()}

# In the order repo2docker's detection looks at them, then the extras (the overview's list).
ENVIRONMENT_FILES: tuple[str, ...] = tuple(name for name, entry in CATALOG.items() if entry.role != "companion")


def entry(name: str) -> CatalogEntry | None:
    return CATALOG.get(name)


def must_be_executable(name: str) -> bool:
    """Whether the wizard should write the file with the executable bit (postBuild and start)."""
    found = CATALOG.get(name)
    return bool(found and found.executable)


def r_snapshot_date(today: datetime.date | None = None) -> str:
    """The CRAN snapshot date for a new R runtime.txt: today minus SNAPSHOT_DAYS_BACK days (never a fixed date)."""
    return ((today or datetime.date.today()) - datetime.timedelta(days=SNAPSHOT_DAYS_BACK)).isoformat()


def r_runtime_line(today: datetime.date | None = None, r_version: str = DEFAULT_R) -> str:
    """runtime.txt for R: `r-X.Y-YYYY-MM-DD` with today's snapshot date."""
    return render_template("runtime.txt", variant="r", r_version=r_version, snapshot_date=r_snapshot_date(today))


def render_template(name: str, *, python_version: str = DEFAULT_PYTHON, variant: str | None = None,
                    r_version: str = DEFAULT_R, snapshot_date: str | None = None) -> str:
    """The template text for `name`, with the Python (or R) version filled in (the snapshot date: from today).

    Raises KeyError for a file not in the catalog, ValueError when the file has no template (a tool writes it)
    or a version is out of range.
    """
    found = CATALOG[name]
    template = dict(found.alternatives)[variant] if variant else found.template
    if template is None:
        raise ValueError(f"{name} has no template: {found.how_to_create}")
    if python_version not in TEMPLATE_PYTHONS:
        raise ValueError(f"Templates support Python {', '.join(TEMPLATE_PYTHONS)}; got {python_version!r}")
    if not re.fullmatch(r"(3\.[3-9]|4\.[0-5])", r_version):
        raise ValueError(f"R {r_version!r} is not one repo2docker 2026.4.0 supports (3.3-4.5)")
    snapshot_date = snapshot_date or r_snapshot_date()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", snapshot_date) or snapshot_date < "2018-12-07":
        raise ValueError(f"The snapshot date must be YYYY-MM-DD, on or after 2018-12-07; got {snapshot_date!r}")
    major, minor = python_version.split(".")
    pins = _PINS["new" if int(minor) >= 11 else "old"]
    values = {"python": python_version, "python_nodot": major + minor, "python_next": f"{major}.{int(minor) + 1}",
              "r": r_version, "date": snapshot_date, **pins}
    return re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], template)


def config_folder(project: Path | str) -> str:
    """The folder repo2docker reads from: ".binder", else "binder", else "" (the top folder).

    Only the choice of folder; `wizard.core.environment.detection` also reports the error when both exist.
    """
    project = Path(project)
    return ".binder" if (project / ".binder").is_dir() else "binder" if (project / "binder").is_dir() else ""
