"""R projects: which R packages the code loads against those install.R and DESCRIPTION install, and the files
that start an R project on Binder (a dated runtime.txt and an install.R written from the code).

The code's packages come from the scanner (`sources.r_packages`: library(), require(), requireNamespace(),
pacman::p_load() and pkg::fun, in .R/.Rmd/.qmd files and R notebooks). Declared ones are read from install.R
(install.packages, remotes/devtools/pak/BiocManager installs, p_load) and DESCRIPTION (Depends, Imports,
LinkingTo, Suggests). Pure apart from reading the project's files.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

from wizard.core.common.lazy_regex import lazy_compile
from wizard.core.common.diagnostics import Diagnostic
from wizard.core.environment.deps.declared import read_text
from wizard.core.environment.deps.sources import Location

# What repo2docker's R image has before install.R runs (rules §2: remotes, devtools, IRkernel, shiny).
PREINSTALLED = frozenset({"remotes", "devtools", "IRkernel", "shiny"})
_INSTALL_CALL = lazy_compile(r"\b(install\.packages|install_version|install_github|install_gitlab|install_bitbucket|"
                           r"install_cran|install_url|pkg_install|pak|p_load|p_install|install)\s*\(")
_STRING = lazy_compile(r"\"((?:[^\"\\]|\\.)*)\"|'((?:[^'\\]|\\.)*)'")
_NAMED = lazy_compile(r"^\s*([A-Za-z_.][A-Za-z0-9_.]*)\s*=(?!=)")
_PACKAGE = lazy_compile(r"[A-Za-z][A-Za-z0-9.]*[A-Za-z0-9]")
_DESCRIPTION_FIELDS = ("Depends", "Imports", "LinkingTo", "Suggests")


def _call_arguments(text: str, start: int) -> tuple[list[tuple[str, int]], int]:
    """The top-level arguments of the call whose "(" is at `start`, as (text, offset), and the end offset."""
    depth, quote, args, begin = 0, None, [], start + 1
    for index in range(start, len(text)):
        char = text[index]
        if quote:
            if char == "\\":
                continue
            if char == quote and text[index - 1] != "\\":
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "#":
            newline = text.find("\n", index)
            if newline < 0:
                break
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                args.append((text[begin:index], begin))
                return args, index
        elif char == "," and depth == 1:
            args.append((text[begin:index], begin))
            begin = index + 1
    return args, len(text)


def install_r_packages(text: str) -> dict[str, int]:
    """Packages an install.R installs, with the line of each (a GitHub install counts as its repository's
    name): strings in the package arguments of install calls, not `repos = "..."` and other options."""
    found: dict[str, int] = {}
    code = "\n".join(line if "#" not in line else re.sub(r"#[^\"']*$", "", line) for line in text.split("\n"))
    for call in _INSTALL_CALL.finditer(code):
        args, _ = _call_arguments(code, call.end() - 1)
        for arg, offset in args:
            named = _NAMED.match(arg)
            if named and named.group(1) not in ("pkgs", "pkg", "package", "packages", "repo"):
                continue
            for string in _STRING.finditer(arg):
                value = string.group(1) if string.group(1) is not None else string.group(2)
                if "://" in value:
                    continue
                name = value.split("@")[0].split("#")[0].rstrip("/").rsplit("/", 1)[-1]
                if _PACKAGE.fullmatch(name):
                    found.setdefault(name, code.count("\n", 0, offset + string.start()) + 1)
    return found


def description_packages(text: str) -> dict[str, int]:
    """Packages a DESCRIPTION asks for (Depends, Imports, LinkingTo, Suggests), with their line; R itself left out."""
    found: dict[str, int] = {}
    field, number = None, 0
    for number, line in enumerate(text.split("\n"), 1):
        match = re.match(r"^([A-Za-z][A-Za-z0-9@/.-]*):(.*)$", line)
        if match:
            field, rest = match.group(1), match.group(2)
        elif line[:1].isspace() and field:
            rest = line
        else:
            field, rest = None, ""
        if field not in _DESCRIPTION_FIELDS:
            continue
        for item in rest.split(","):
            name = re.sub(r"\(.*?\)", "", item).strip()
            if name and name != "R" and _PACKAGE.fullmatch(name):
                found.setdefault(name, number)
    return found


@dataclass(frozen=True)
class RPackages:
    """The R packages the code loads (name -> where) and those the project's files install (name -> file, line)."""

    loaded: dict[str, tuple[Location, ...]]
    declared: dict[str, tuple[str, int]]
    install_r: str | None  # the install.R Binder would read (relative path), when it exists
    description: str | None  # the DESCRIPTION it would read

    @property
    def missing(self) -> list[str]:
        return [name for name in self.loaded if name not in self.declared and name not in PREINSTALLED]


def r_packages(project: Path, scan=None) -> RPackages:
    """What the R code loads and what install.R / DESCRIPTION install (`scan`: a ProjectScan, if made already)."""
    from wizard.core.environment.catalog import config_folder
    from wizard.core.environment.deps.scan import scan_project

    scan = scan if scan is not None else scan_project(project)
    folder = config_folder(project)
    install_r = f"{folder}/install.R" if folder else "install.R"
    description = "DESCRIPTION"  # repo2docker reads only the top one (and only without a config folder)
    declared: dict[str, tuple[str, int]] = {}
    found_install = (project / install_r).is_file()
    found_description = not folder and (project / description).is_file()
    if found_install:
        for name, line in install_r_packages(read_text(project / install_r) or "").items():
            declared.setdefault(name, (install_r, line))
    if found_description:
        for name, line in description_packages(read_text(project / description) or "").items():
            declared.setdefault(name, (description, line))
    loaded: dict[str, list[Location]] = {}
    for name, location in scan.r_packages:
        if location.file.rsplit("/", 1)[-1] in ("install.R", ".Rprofile", "DESCRIPTION"):
            continue  # what installs packages is not what uses them
        loaded.setdefault(name, []).append(location)
    return RPackages({name: tuple(where) for name, where in loaded.items()}, declared,
                     install_r if found_install else None, description if found_description else None)


def r_undeclared_diagnostics(project: Path, scan=None) -> list[Diagnostic]:
    """`r-package-not-declared` warnings: one per package the R code loads that neither install.R nor DESCRIPTION
    installs, at its first use. Nothing for a project without R code."""
    found = r_packages(project, scan)
    if not found.loaded:
        return []
    target = found.install_r or found.description
    diagnostics = []
    for name in found.missing:
        first = found.loaded[name][0]
        where = ", ".join(location.describe() for location in found.loaded[name][:3])
        if len(found.loaded[name]) > 3:
            where += f" and {len(found.loaded[name]) - 3} more"
        if target is None:
            what = "there is no install.R (or DESCRIPTION) to install it"
            fix = (f'Create install.R with install.packages("{name}") and a dated runtime.txt '
                   "(step 1's R start writes both from your code).")
        else:
            what = f"{name} is not in {target}"
            fix = (f'Add install.packages("{name}") to {target}.' if target.endswith("install.R")
                   else f"Add {name} to Imports in {target}.")
        diagnostics.append(Diagnostic(
            first.file, first.line if first.cell is None else None, None, "warning", "r-package-not-declared",
            f"The R package {name} is loaded ({where}) but {what}: Binder will not install it.", fix))
    return diagnostics


def project_languages(scan) -> set[str]:
    """The languages a ProjectScan's code is written in: "python" (Python imports), "r" (R packages or R files)."""
    languages = set()
    if scan.imports:
        languages.add("python")
    if scan.r_packages:
        languages.add("r")
    return languages


def r_start_files(project: Path, today: datetime.date | None = None, scan=None) -> dict[str, str]:
    """The files that start an R project on Binder, by path: a dated runtime.txt (`r-X.Y-YYYY-MM-DD`, the
    snapshot from today) and, unless one exists, an install.R installing what the code loads. An existing
    runtime.txt is replaced (the preview shows it)."""
    from wizard.core.environment.catalog import config_folder, r_runtime_line

    found = r_packages(project, scan)
    folder = config_folder(project)
    prefix = f"{folder}/" if folder else ""
    files = {f"{prefix}runtime.txt": r_runtime_line(today)}
    if found.install_r is None:
        names = [name for name in found.loaded if name not in PREINSTALLED]
        lines = ["# Binder runs this with Rscript; the date in runtime.txt picks the CRAN snapshot (the versions).",
                 f"install.packages(c({', '.join(repr(name).replace(chr(39), chr(34)) for name in names)}))"
                 if names else "# install.packages(c(\"dplyr\", \"ggplot2\"))"]
        files[f"{prefix}install.R"] = "\n".join(lines) + "\n"
    return files
