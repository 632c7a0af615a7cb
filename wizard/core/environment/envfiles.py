"""The environment files of a project as step 1 lists them: every file Binder reads (used, ignored and
why, or missing and offered from a template), and what the catalog says about each one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from wizard.core.environment import catalog
from wizard.core.environment.detection import CONFIG_FILES, ROOT_ONLY_FILES, Detection
from wizard.core.environment.engine import Report

Status = Literal["used", "ignored", "missing"]


@dataclass(frozen=True)
class FileEntry:
    relpath: str
    status: Status
    reason: str = ""  # why it is ignored
    errors: int = 0
    warnings: int = 0
    unsaved: bool = False
    notes: int = 0  # for a missing file: advice that involves creating it (e.g. "pin Python")


@dataclass(frozen=True)
class FileInfo:
    """What the catalog says about one file name."""

    name: str
    title: str
    purpose: str
    when: str
    template: str | None  # None: a tool writes this file (see how_to_create)
    how_to_create: str = ""
    variants: tuple[tuple[str, str], ...] = ()  # (label, template), e.g. ("R", "r-4.4-2025-06-02\n")
    example: str | None = None  # a public repository that uses this file (binder-examples)

# The order files are offered in "Add a file": the common ones first.
_OFFER_ORDER = ("requirements.txt", "runtime.txt", "environment.yml", "apt.txt", "postBuild", "start",
                "install.R", "DESCRIPTION", "Project.toml", "Pipfile", "pyproject.toml", "setup.py", "default.nix",
                "Dockerfile")


_VARIANT_LABELS = {"r": "R"}


def offered_names() -> list[str]:
    names = list(catalog.ENVIRONMENT_FILES)
    rank = {name: i for i, name in enumerate(_OFFER_ORDER)}
    return sorted(names, key=lambda n: (rank.get(n, len(rank)), names.index(n)))


def file_entries(project: Path, analysis: Report, unsaved: set[str]) -> list[FileEntry]:
    """Every file Binder reads: used, ignored (with why), or missing from the folder in use."""
    detection = analysis.detection
    counts: dict[str, list[int]] = {}
    for d in analysis.diagnostics:
        tally = counts.setdefault(d.file, [0, 0, 0])
        tally[{"error": 0, "warning": 1}.get(d.severity, 2)] += 1

    def entry(relpath: str, status, reason: str = "") -> FileEntry:
        errors, warnings, notes = counts.get(relpath, (0, 0, 0))
        return FileEntry(relpath, status, reason, errors, warnings, relpath in unsaved, notes)

    entries = [entry(path, "used") for path in detection.files_used]
    entries += [entry(path, "ignored", reason) for path, reason in detection.files_ignored]
    listed = {e.relpath for e in entries}
    for name in offered_names():
        relpath = name if name in ROOT_ONLY_FILES else detection.config_path + name
        if name in ROOT_ONLY_FILES and detection.binder_dir:
            continue  # read only when there is no config folder
        if relpath in listed:
            continue
        if (project / relpath).is_file():  # present, but the detector has nothing to say about it
            entries.insert(len(detection.files_used), entry(relpath, "used"))
        else:
            entries.append(entry(relpath, "missing"))
    return entries


def hidden_root_files(project: Path) -> list[str]:
    """Top-level environment files that a new binder/ folder would hide."""
    return [name for name in CONFIG_FILES if (project / name).is_file()]


def template_python(detection: Detection) -> str:
    """The Python version a new template pins: the one already chosen elsewhere, else the catalog's."""
    chosen = detection.python_version
    if detection.python_version_source not in (None, "default") and chosen in catalog.TEMPLATE_PYTHONS:
        return chosen
    return catalog.DEFAULT_PYTHON


def file_info(name: str, detection: Detection) -> FileInfo:
    """Purpose, when to use it, and the template (None when a tool must write the file instead)."""
    found = catalog.entry(name)
    if found is None:
        return FileInfo(name, name, f"{name} is one of the files Binder reads.", "", None, "")
    template = None
    python = template_python(detection)
    if found.template is not None:
        template = catalog.render_template(name, python_version=python)
    variants = tuple((_VARIANT_LABELS.get(variant, variant), catalog.render_template(name, python_version=python,
                                                                                     variant=variant))
                     for variant, _ in found.alternatives)
    return FileInfo(name, found.title, found.purpose, found.when_to_use, template, found.how_to_create, variants,
                    found.example)
