"""Choosing the build pack (repo2docker's detect() order) and the checks its render() runs.

`pick_pack` follows app.py's list: the first pack whose detect() says yes wins. `render_checks` runs, for
that pack, what `repo2docker --no-build` would run into, collecting every Stop instead of the first only.
"""

from __future__ import annotations

import re

from wizard.core.common.diagnostics import Diagnostic
from wizard.core.environment.detection.files import ProjectFiles, Unreadable
from wizard.core.environment.detection.parsers import environment_dependencies, load_environment, ruamel_class_name
from wizard.core.environment.detection.rules import JULIA_REQUIRE_MESSAGE, PYTHON_REGEX, R_REGEX
from wizard.core.environment.detection.state import DetectionState
from wizard.core.environment.detection.stops import Stop, brief, quoted_stop, unreadable_stop
from wizard.core.environment.detection.versions import (check_python_supported, conda_python, julia_checks,
                                                        pipfile_python, python_pack_python, r_checks)


def check_legacy(files: ProjectFiles) -> None:
    """LegacyBinderDockerBuildPack.detect(): always the ROOT Dockerfile, first line starting with FROM."""
    if not files.exists("Dockerfile"):
        return
    try:
        text = files.text("Dockerfile")
    except Unreadable as error:
        raise unreadable_stop("Dockerfile", error, "detect") from None
    for number, line in enumerate(text.split("\n"), 1):
        if line.startswith("FROM"):
            if "andrewosh/binder-base" in line.split("#")[0].lower():
                raise quoted_stop("Dockerfile", "legacy-dockerfile", "RuntimeError",
                                  "The legacy buildpack has been removed.",
                                  "This Dockerfile starts FROM andrewosh/binder-base, the Binder base image that was "
                                  "removed in January 2020. repo2docker checks the root Dockerfile for it even when "
                                  "a binder/ folder exists.",
                                  "Replace the Dockerfile with environment files (requirements.txt or "
                                  "environment.yml), or use a current base image such as "
                                  "quay.io/jupyter/base-notebook with a fixed tag.",
                                  "detect", number, 1)
            return


def pick_pack(state: DetectionState) -> str | None:
    """repo2docker's pack order; the first match wins (app.py:761-776)."""
    files, path = state.files, state.path
    if files.exists(path("Dockerfile")):
        return "docker"
    if files.exists(path("Project.toml")) or files.exists(path("JuliaProject.toml")):
        return "julia"
    if files.exists(path("REQUIRE")):
        return "julia-require"
    if files.exists(path("default.nix")):
        return "nix"
    runtime = state.runtime("detect")  # parsed inside RBuildPack.detect(): errors abort here
    if runtime.name == "r" and runtime.date:
        return "r"
    if not state.binder_dir and files.exists("DESCRIPTION"):
        return "r"
    if files.exists(path("environment.yml")) or files.exists(path("environment.yaml")):
        return "conda"
    if runtime.name and runtime.name != "python":
        return None  # Pipfile and Python packs both say no; only the default pack is left
    if files.exists(path("Pipfile")) or files.exists(path("Pipfile.lock")):
        return "pipfile"
    if runtime.name:
        return "python"
    if state.is_python_package("detect"):
        return "python"
    if files.exists(path("requirements.txt")):
        return "python"
    return None


# --------------------------------------------------------------------------------------------------
# Render-time checks (what `repo2docker --no-build` would run into)


def render_checks(state: DetectionState, pack: str, versions: dict) -> list[Stop]:
    """Every Stop render() would raise, in the order repo2docker meets them: the first is the one it reports.

    That order is render()'s: the R pack's build scripts need the R version and the Pipfile pack's the
    Python version first; then the assemble scripts read environment.yml (and check its pip entries), ask
    whether the root is a Python package (pyproject.toml) and peek into requirements.txt; the preassemble
    scripts read apt.txt; only then come the other packs' Python version (runtime.txt, requires-python),
    its lock file, and the Julia version.
    """
    stops: list[Stop] = []
    versions["pack"] = pack

    def attempt(check, *args) -> None:
        try:
            check(*args)
        except Stop as stop:
            if stop not in stops:  # a pyproject.toml that does not parse fails again at each use
                stops.append(stop)

    if pack == "docker":
        rel = state.path("Dockerfile")
        try:
            state.files.text(rel)
        except Unreadable as error:
            stops.append(unreadable_stop(rel, error, "render"))
        return stops
    if pack == "legacy":  # never reached: the legacy pack only raises
        return stops
    if pack == "r":
        attempt(r_checks, state, versions)
    elif pack == "pipfile":
        attempt(pipfile_python, state, versions)
    env = None
    if pack in ("conda", "python", "r", "julia", "julia-require"):
        try:
            env = _environment(state)
        except Stop as stop:
            stops.append(stop)
    if env is not None:
        attempt(_check_env_pip, state, env)
    if pack in ("python", "r", "julia", "julia-require"):
        attempt(_check_requirements_readable, state)
    attempt(_check_apt, state)
    if pack == "nix":
        return stops
    if pack == "conda":
        attempt(conda_python, state, env, versions)
    elif pack != "pipfile":
        attempt(python_pack_python, state, versions)
    if "python" in versions:
        attempt(check_python_supported, state, versions)
    if env is not None:
        if pack == "conda":
            r = _conda_r_version(env)
            if r:
                versions["r"] = r
        elif env and "python" in versions:
            _note_env_pin_not_used(state, env, pack, versions["python"])
    if pack == "julia":
        attempt(julia_checks, state, versions)
    if pack == "julia-require":
        rel = state.path("REQUIRE")
        stops.append(quoted_stop(rel, "julia-require-removed", "ValueError",
                                 JULIA_REQUIRE_MESSAGE,
                                 "Julia's old REQUIRE file is no longer supported; the build fails (a dry run with "
                                 "--no-build does not show this).",
                                 "Replace REQUIRE with a Project.toml: run `julia --project=. -e 'using Pkg; "
                                 "Pkg.add([...])'` locally and commit Project.toml and Manifest.toml.", "build"))
    return stops


def _check_requirements_readable(state: DetectionState) -> None:
    """PythonBuildPack._should_preassemble_pip: opens requirements(3).txt with an encoding guess."""
    if state.is_python_package("render"):
        return  # repo2docker skips the peek for a Python package
    for name in ("requirements.txt", "requirements3.txt"):
        rel = state.path(name)
        if not state.files.exists(rel):
            continue
        try:
            data = state.files.raw(rel)
        except Unreadable as error:
            raise unreadable_stop(rel, error, "render") from None
        if _undecodable(data):
            raise quoted_stop(rel, "binary-file", "AttributeError", "'NoneType' object has no attribute 'encoding'",
                              f"{name} is not a text file (repo2docker cannot even guess its encoding).",
                              "Replace it with a plain-text list of packages, one per line.")


def _undecodable(data: bytes) -> bool:
    """Close to charset_normalizer giving up: not UTF-8/UTF-16 text and many control bytes."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")) or not data:
        return False
    try:
        data.decode("utf-8")
        return False
    except UnicodeDecodeError:
        pass
    controls = sum(1 for byte in data if byte < 32 and byte not in (9, 10, 12, 13) or byte == 127)
    return controls / len(data) > 0.1


def _check_apt(state: DetectionState) -> None:
    rel = state.path("apt.txt")
    if not state.files.exists(rel):
        return
    try:
        text = state.files.text(rel)
    except Unreadable as error:
        raise unreadable_stop(rel, error, "render") from None
    for number, line in enumerate(text.split("\n"), 1):
        package = line.partition("#")[0].strip()
        if package and not re.match(r"^[a-z0-9.+-]+", package):
            raise quoted_stop(rel, "apt-invalid-name", "ValueError", f"Found invalid package name {package} in apt.txt",
                              "apt.txt lines must start with a lower-case Ubuntu package name (one per line).",
                              "Write the package name in lower case, one per line (e.g. 'vim').", "render", number,
                              len(line) - len(line.lstrip()) + 1)


def _environment(state: DetectionState):
    """CondaBuildPack.environment_yaml: ruamel-exact loading of environment.yml (or .yaml)."""
    for name in ("environment.yml", "environment.yaml"):
        rel = state.path(name)
        if state.files.exists(rel):
            break
    else:
        return {}
    try:
        text = state.files.text(rel)
    except Unreadable as error:
        raise unreadable_stop(rel, error, "render") from None
    env, stop = load_environment(text, rel)
    if stop is not None:
        raise stop
    return env


def _note_env_pin_not_used(state: DetectionState, env, pack: str, python: str) -> None:
    """R and Julia packs build on their own Python and then `env update` with environment.yml on top."""
    try:
        deps = list(env.get("dependencies", []))
    except TypeError:
        return
    marks = getattr(env.get("dependencies"), "marks", [])
    for index, dep in enumerate(deps):
        match = PYTHON_REGEX.match(dep) if isinstance(dep, str) else None
        if match and match.group(1):
            pinned = ".".join(match.group(1).split(".")[:2])
            if pinned != python:
                line, column = marks[index] if index < len(marks) else (None, None)
                setup = "R" if pack == "r" else "Julia"
                state.notes.append(Diagnostic(
                    state.environment_path(), line, column, "warning", "environment-python-pin-not-used",
                    f"The {setup} setup builds on Python {python} and then updates it with this file, so "
                    f"python={match.group(1)} does not choose the Python version; conda has to swap Python "
                    "afterwards, which is slow and often fails.",
                    "Remove the python pin from environment.yml"
                    + (", or pin it in runtime.txt (python-X.Y)." if pack == "julia" else ".")))
            return


def _conda_r_version(env) -> str | None:
    try:
        deps = list(env.get("dependencies", []))
    except TypeError:
        return None
    for dep in deps:
        if isinstance(dep, str):
            match = R_REGEX.match(dep)
            if match:
                return match.group(1) or None
    return None


def _check_env_pip(state: DetectionState, env) -> None:
    """CondaBuildPack._should_preassemble_env runs is_local_pip_requirement on each pip entry."""
    rel = state.environment_path()
    deps = environment_dependencies(rel, env)
    pip_requirements = None
    for dep in deps:
        if isinstance(dep, dict) and dep.get("pip"):
            pip_requirements = dep["pip"]
    if isinstance(pip_requirements, list):
        marks = getattr(pip_requirements, "marks", [(None, None)] * len(pip_requirements))
        for index, line in enumerate(pip_requirements):
            if not isinstance(line, str):
                where = marks[index] if index < len(marks) else (None, None)
                raise quoted_stop(rel, "environment-pip-not-text", "AttributeError",
                                  f"'{ruamel_class_name(line, short=True)}' object has no attribute 'split'",
                                  f"The pip entry {brief(line)} is not text; repo2docker expects each pip entry to "
                                  "be a requirement like 'package==1.0'.",
                                  "Put the entry in quotes or write 'name==version'.",
                                  "render", *where)
