"""The Detection result, and `detect()`, which assembles it from the other modules of the package."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from wizard.core.common.diagnostics import Diagnostic
from wizard.core.environment.detection.buildpacks import check_legacy, pick_pack, render_checks
from wizard.core.environment.detection.files import ProjectFiles
from wizard.core.environment.detection.listing import (classify_after_detect_error, classify_files,
                                                       empty_config_folder_note, link_findings, main_files_first,
                                                       notes_for_ignored, stencila_notes)
from wizard.core.environment.detection.rules import (DEFAULT_PYTHON, DEFAULT_R, NO_ENVIRONMENT_MESSAGE,
                                                     REPO2DOCKER_VERSION)
from wizard.core.environment.detection.state import DetectionState
from wizard.core.environment.detection.stops import Stop, brief, quoted_stop


@dataclass(frozen=True)
class Detection:
    """repo2docker's verdict for one folder, and the reasons behind it."""

    project: Path
    binder_dir: str  # "", "binder" or ".binder"
    buildpack: str | None  # docker, julia, julia-require, nix, r, conda, pipfile, python, legacy; None: no match
    python_version: str | None
    python_version_source: str | None  # runtime.txt, environment.yml, Pipfile, pyproject.toml requires-python, default
    r_version: str | None
    r_snapshot_date: str | None  # ISO date of the CRAN snapshot
    julia_version: str | None
    files_used: tuple[str, ...]
    files_ignored: tuple[tuple[str, str], ...]  # (path, reason)
    errors: tuple[Diagnostic, ...]  # everything repo2docker itself would stop on
    notes: tuple[Diagnostic, ...]  # repo2docker's warnings, in plain words
    summary: str
    r2d_error: tuple[str, str, str] | None = None  # (stage, exception type, message) of the first error
    fallback_python: str | None = None  # what plain repo2docker (default pack) would use when nothing matched

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def config_path(self) -> str:
        return self.binder_dir + "/" if self.binder_dir else ""


def detect(project: Path, overrides: dict[str, str] | None = None) -> Detection:
    """repo2docker's verdict for `project`; `overrides` maps relative paths to unsaved editor text."""
    project = Path(project)
    state = DetectionState(ProjectFiles(project, overrides))
    files = state.files
    errors: list[Diagnostic] = []
    first: tuple[str, str, str] | None = None
    pack: str | None = None
    versions: dict[str, str | None] = {}
    fallback: str | None = None

    try:
        check_legacy(files)
        has_binder, has_dotbinder = files.isdir("binder"), files.isdir(".binder")
        if has_binder and has_dotbinder:
            raise quoted_stop(".binder", "both-binder-dirs", "RuntimeError",
                              "The repository contains both a 'binder' and a '.binder' directory. "
                              "However they are exclusive.",
                              "There is a binder/ folder and a .binder/ folder; Binder accepts only one.",
                              "Merge the two folders into one (binder/ is the usual name) and delete the other.",
                              "detect")
        state.binder_dir = ".binder" if has_dotbinder else "binder" if has_binder else ""
        state.runtime_path = state.path("runtime.txt")
        pack = pick_pack(state)
    except Stop as stop:
        errors.append(stop.diagnostic)
        first = (stop.stage, stop.kind, stop.message)

    if first is None and pack is None:
        fallback = DEFAULT_PYTHON
        message = (
            "Binder found no environment file it can use, so mybinder.org will refuse to build this project. "
            f"(Plain repo2docker and some other BinderHubs would fall back to Python {DEFAULT_PYTHON} "
            f"with nothing installed.) repo2docker {REPO2DOCKER_VERSION} on mybinder.org stops with: "
            f"{NO_ENVIRONMENT_MESSAGE}"
        )
        errors.append(Diagnostic(state.binder_dir or ".", None, None, "error", "no-environment", message,
                                 _no_environment_fix(state)))
        first = ("detect", "SystemExit", NO_ENVIRONMENT_MESSAGE)  # it logs the message, then self.exit(1)
    elif first is None:
        render_errors = render_checks(state, pack, versions)
        if render_errors:
            errors.extend(stop.diagnostic for stop in render_errors)
            first = (render_errors[0].stage, render_errors[0].kind, render_errors[0].message)

    if first is not None and first[0] == "detect" and pack is None and fallback is None:
        classify_after_detect_error(state)  # repo2docker stopped before it chose the files to read
    else:
        classify_files(state, pack, versions)

    notes_for_ignored(state)
    stencila_notes(state)
    empty_config_folder_note(state)
    for finding in link_findings(state):  # not repo2docker's own error (r2d_error): it would build the local copy
        (errors if finding.is_error else state.notes).append(finding)
    summary = _summary(state, pack, versions, errors)
    return Detection(
        project=project,
        binder_dir=state.binder_dir,
        buildpack=pack,
        python_version=versions.get("python"),
        python_version_source=versions.get("python_source"),
        r_version=versions.get("r"),
        r_snapshot_date=versions.get("r_date"),
        julia_version=versions.get("julia"),
        files_used=main_files_first(state.used),
        files_ignored=tuple(sorted(state.ignored.items())),
        errors=tuple(errors),
        notes=tuple(state.notes),
        summary=summary,
        r2d_error=first,
        fallback_python=fallback,
    )


def _no_environment_fix(state: DetectionState) -> str:
    """The packages may be listed already: then runtime.txt is what switched them off."""
    runtime = state.runtime_if_read
    listed = [name for name in ("requirements.txt", "Pipfile", "Pipfile.lock")
              if state.files.exists(state.path(name))]
    if runtime.name and runtime.name != "python" and listed:
        first_line = (runtime.name or "").lstrip("\ufeff")
        if runtime.name.startswith("\ufeff") and first_line == "python":
            problem = "starts with an invisible byte-order mark"
        else:
            problem = f"says '{brief(first_line, 40)[1:-1]}' where Binder needs exactly 'python'"
        return (f"{state.runtime_path} {problem}, which switches off {listed[0]}: write one line like "
                "python-3.12 in it (saved as UTF-8 without BOM), or delete it.")
    if state.files.exists(state.path("install.R")):  # an R project: a Python start would be the wrong advice
        from wizard.core.environment.catalog import r_runtime_line

        return (f"Your install.R is used only with a dated runtime.txt: add one with the line {r_runtime_line().strip()} "
                "(R and the date of the CRAN snapshot your packages come from).")
    return ("Add a requirements.txt (or environment.yml) listing the packages your notebooks import, and a "
            "runtime.txt with your Python version.")


# --------------------------------------------------------------------------------------------------
# Summary


def _summary(state: DetectionState, pack: str | None, versions: dict, errors: list[Diagnostic]) -> str:
    if pack is None:
        if errors and errors[0].code != "no-environment":
            return "Binder will stop with an error before building anything (see below)."
        return "Nothing Binder can build: no environment file it recognises (mybinder.org refuses to build)."
    python = versions.get("python")
    source = versions.get("python_source")
    pre = f"{state.binder_dir}/" if state.binder_dir else ""
    used = [rel for rel in state.used]

    def py() -> str:
        if not python:
            return "Python"
        main_file = pack in ("conda", "pipfile") and source != "default"
        tail = " (the default)" if source == "default" else "" if source == "runtime.txt" or main_file \
            else f" (from {source})"
        return f"Python {python}{tail}"

    if pack == "docker":
        text = f"Your own Dockerfile ({pre}Dockerfile); Binder uses it as it is"
    elif pack == "nix":
        text = f"Nix from {pre}default.nix"
    elif pack == "julia":
        name = next((rel for rel in used if rel.endswith(("Project.toml",))), f"{pre}Project.toml")
        julia = versions.get("julia")
        text = f"Julia {julia or ''} from {name}".replace("  ", " ") + f", plus {py()}"
    elif pack == "julia-require":
        text = "Julia from REQUIRE, which Binder no longer supports"
    elif pack == "r":
        text = f"R {versions.get('r', DEFAULT_R)} with packages from the {versions.get('r_date', '?')} CRAN snapshot"
        extras = [rel for rel in used if rel.endswith(("install.R", "DESCRIPTION"))]
        if extras:
            text += " and " + " and ".join(extras)
        text += f", plus {py()}"
    elif pack == "conda":
        env = next((rel for rel in used if "environment.y" in rel), "environment.yml")
        text = f"{py()} with conda from {env}"
    elif pack == "pipfile":
        pipfiles = [rel for rel in used if "Pipfile" in rel]
        text = f"{py()} with pipenv from {' and '.join(pipfiles)}"
    else:
        sources = [rel for rel in used if rel.endswith(("requirements.txt", "setup.py", "pyproject.toml"))]
        text = f"{py()} with pip" + (f" from {' and '.join(sources)}" if sources else "")
    extras = [rel.rsplit("/", 1)[-1] for rel in used if rel.endswith(("apt.txt", "postBuild", "start"))]
    if extras and pack != "docker":
        text += ", plus " + ", ".join(extras)
    if errors:
        text += " — but the build will fail (see below)"
    return text
