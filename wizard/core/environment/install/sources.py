"""What Binder installs with pip (and conda), read from the project's files the way repo2docker 2026.4.0
and pip read them, each requirement remembered with the file and line it came from.

Which files count follows the pack repo2docker picks (rules document §2.1):
* conda: the `pip:` list of environment.yml (its conda part goes to the conda solver);
* pipfile: Pipfile.lock when there is one (`pipenv install --ignore-pipfile`), else Pipfile, both with dev packages;
* python, r, julia: requirements.txt in the config folder, then the root package (`pip install .`) when there
  is no config folder and it is a package (setup.py, or pyproject.toml with [project] and [build-system]);
  r and julia also apply environment.yml.
The Python version is never decided here: it is Detection.python_version.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from wizard.core.common.lazy_regex import lazy_compile
from wizard.core.common.diagnostics import Diagnostic
from wizard.core.common.fileio import read_text
from wizard.core.environment.deps.declared import logical_lines
from wizard.core.environment.package_names import normalise
from wizard.core.environment.install.conda_adapter import CondaSpec
from wizard.core.environment.validators import MAX_BYTES

PYPI = "https://pypi.org/simple"
_NAME = lazy_compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)")
_PER_REQUIREMENT_OPTION = lazy_compile(r"\s--(?:hash|config-settings|global-option|install-option)[= ]\S+")


@dataclass(frozen=True)
class PipRequirement:
    text: str  # one requirement as pip reads it (per-line options such as --hash removed)
    name: str  # normalised distribution name
    file: str  # project-relative path
    line: int  # 1-based


@dataclass
class Sources:
    requirements: list[PipRequirement] = field(default_factory=list)
    constraints: list[PipRequirement] = field(default_factory=list)
    index_url: str | None = None  # `--index-url` written in a file: replaces PyPI, as it does on Binder
    extra_index_urls: list[str] = field(default_factory=list)
    find_links: list[str] = field(default_factory=list)
    prerelease: bool = False  # `--pre` written in a file
    no_index: bool = False  # `--no-index` written in a file: only --find-links locations
    notes: list[Diagnostic] = field(default_factory=list)  # lines that are not checked, and why
    contents: dict[str, str] = field(default_factory=dict)  # every file read -> its text (the cache key)
    main_file: str | None = None  # where findings about the whole set go
    conda_specs: list[CondaSpec] = field(default_factory=list)
    conda_channels: list[CondaSpec] = field(default_factory=list)  # the `channels:` entries, with their lines
    conda_file: str | None = None
    skip_reason: str | None = None  # nothing is installed with pip or conda by repo2docker: why


def gather(project: Path, detection) -> Sources:
    sources = Sources()
    pack, folder = detection.buildpack, detection.binder_dir or ""
    base = project / folder if folder else project
    if pack is None:
        sources.skip_reason = "repo2docker finds no environment to build here, so nothing is installed yet"
    elif pack in ("docker", "nix", "legacy", "julia-require"):
        what = {"docker": "the Dockerfile", "nix": "default.nix"}.get(pack, "this configuration")
        sources.skip_reason = f"{what} decides what is installed; binder-wizard checks pip and conda files only"
    elif pack == "pipfile":
        _pipfile(project, base, sources)
    else:
        if pack in ("conda", "r", "julia"):
            _environment_yml(project, base, sources)
        if pack in ("python", "r", "julia"):
            requirements = base / "requirements.txt"
            if requirements.is_file():
                _requirements_file(project, requirements, sources, seen=frozenset())
            if not folder and _is_package(project, sources):
                _project_dependencies(project, sources)
    return sources


# ---- requirements.txt ----------------------------------------------------------------------------------


def _relative(project: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(project.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _read(project: Path, path: Path, sources: Sources) -> str | None:
    try:
        text = read_text(path, MAX_BYTES)
    except OSError:
        return None
    sources.contents[_relative(project, path)] = text
    return text


def _requirements_file(project: Path, path: Path, sources: Sources, seen: frozenset[Path],
                       constraint: bool = False) -> None:
    text = _read(project, path, sources)
    if text is None:
        return
    rel = _relative(project, path)
    sources.main_file = sources.main_file or rel
    _requirement_lines(project, [(line, content) for line, content in logical_lines(text)], rel, path.parent,
                       sources, seen | {path.resolve()}, constraint)


def _requirement_lines(project: Path, lines: list[tuple[int, str]], rel: str, folder: Path, sources: Sources,
                       seen: frozenset[Path], constraint: bool = False) -> None:
    """pip's requirements-file syntax; `-r`/`-c` paths are relative to the file that names them."""
    for number, line in lines:
        if not line:
            continue
        if line.startswith("-"):
            _option(project, line, number, rel, folder, sources, seen)
            continue
        _requirement(project, line, number, rel, sources, constraint)


def _option(project: Path, line: str, number: int, rel: str, folder: Path, sources: Sources,
            seen: frozenset[Path]) -> None:
    try:
        words = shlex.split(line)
    except ValueError:
        return
    if not words:
        return
    option, value = words[0], " ".join(words[1:])
    if "=" in option and option.startswith("--"):
        option, _, value = option.partition("=")
    elif len(option) > 2 and option[1] != "-" and not value:  # -rother.txt
        option, value = option[:2], option[2:]
    if option in ("-r", "--requirement", "-c", "--constraint"):
        target = (folder / value).resolve()
        if target in seen or not target.is_file() or not target.is_relative_to(project.resolve()):
            return  # a missing include, or one outside the repository (not there on Binder): the validator's
        _requirements_file(project, target, sources, seen, constraint=option in ("-c", "--constraint"))
    elif option in ("-i", "--index-url"):
        sources.index_url = value.rstrip("/")
    elif option == "--extra-index-url":
        sources.extra_index_urls.append(value.rstrip("/"))
    elif option in ("-f", "--find-links"):
        local = (folder / value) if "://" not in value else None
        sources.find_links.append(str(local.resolve()) if local is not None else value)
    elif option == "--pre":
        sources.prerelease = True
    elif option == "--no-index":
        sources.no_index = True
    elif option in ("-e", "--editable"):
        _local_or_url(project, value, number, rel, sources)


def _requirement(project: Path, line: str, number: int, rel: str, sources: Sources, constraint: bool) -> None:
    from packaging.requirements import InvalidRequirement, Requirement

    text = _PER_REQUIREMENT_OPTION.sub("", " " + line).strip()
    if text.startswith((".", "/")) or re.match(r"^[a-z][a-z0-9+.-]*://", text) or text.startswith("file:"):
        _local_or_url(project, text, number, rel, sources)
        return
    try:
        requirement = Requirement(text)
    except InvalidRequirement:
        return  # the validator explains invalid lines
    if requirement.url:
        _local_or_url(project, requirement.url, number, rel, sources, requirement.name)
        return
    item = PipRequirement(text, normalise(requirement.name), rel, number)
    (sources.constraints if constraint else sources.requirements).append(item)


def _local_or_url(project: Path, value: str, number: int, rel: str, sources: Sources,
                  name: str | None = None) -> None:
    """`-e .` / `.` install the project itself: its dependencies are checked. Other paths and URLs are not."""
    # pip runs from the repository root on Binder, so a relative path is relative to the project
    target = re.sub(r"^file:(//)?", "", value.split("#", 1)[0].split("[", 1)[0])
    if "://" not in target and not target.startswith("/") and (project / target).resolve() == project.resolve():
        if any((project / name).is_file() for name in ("pyproject.toml", "setup.py", "setup.cfg")):
            _project_dependencies(project, sources)
        return
    what = name or value
    sources.notes.append(Diagnostic(
        rel, number, None, "info", "install-url-not-checked",
        f"{what} is installed from a URL or a folder, not from a package index: binder-wizard does not "
        f"check whether it installs on Binder.", None))


# ---- the project's own package (pip install .) --------------------------------------------------------------


def _is_package(project: Path, sources: Sources) -> bool:
    import tomllib

    if (project / "setup.py").is_file():
        return True
    text = _read(project, project / "pyproject.toml", sources) if (project / "pyproject.toml").is_file() else None
    try:
        data = tomllib.loads(text or "")
    except (ValueError, RecursionError):
        return False
    return "project" in data and "build-system" in data


def _project_dependencies(project: Path, sources: Sources) -> None:
    if any(item.file in ("pyproject.toml", "setup.cfg", "setup.py") for item in sources.requirements):
        return  # already added (`-e .` and repo2docker's own `pip install .`)
    import tomllib

    if (project / "pyproject.toml").is_file():
        text = _read(project, project / "pyproject.toml", sources) or ""
        try:
            table = tomllib.loads(text).get("project")
        except (ValueError, RecursionError):
            table = None
        if isinstance(table, dict) and ("dependencies" in table or "dependencies" not in table.get("dynamic", [])):
            dependencies = table.get("dependencies") or []
            if isinstance(dependencies, list):
                _listed(project, [d for d in dependencies if isinstance(d, str)], text, "pyproject.toml", sources)
            return
    if (project / "setup.cfg").is_file():
        text = _read(project, project / "setup.cfg", sources) or ""
        listed = _setup_cfg_requires(text)
        if listed is not None:
            _listed(project, listed, text, "setup.cfg", sources)
            return
    if (project / "setup.py").is_file():
        _setup_py(project, sources)


def _setup_cfg_requires(text: str) -> list[str] | None:
    """setup.cfg `[options] install_requires`: one per line (or `;`-separated on one line), as setuptools reads it."""
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
        value = parser.get("options", "install_requires", fallback=None)
    except configparser.Error:
        return None
    if value is None:
        return None
    parts = value.splitlines() if "\n" in value.strip() else value.split(";")
    return [part.strip() for part in parts if part.strip() and not part.strip().startswith("#")]


def _listed(project: Path, dependencies: list[str], text: str, rel: str, sources: Sources) -> None:
    lines = text.splitlines()
    for dependency in dependencies:
        number = next((i for i, line in enumerate(lines, 1) if dependency in line), 1)
        _requirement(project, dependency, number, rel, sources, constraint=False)


def _setup_py(project: Path, sources: Sources) -> None:
    import ast

    text = _read(project, project / "setup.py", sources)
    try:
        tree = ast.parse(text or "")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "install_requires":
            try:
                values = ast.literal_eval(node.value)
            except ValueError:
                sources.notes.append(Diagnostic(
                    "setup.py", node.value.lineno, None, "info", "install-dynamic-not-checked",
                    "setup.py computes install_requires when it runs: binder-wizard cannot check it without "
                    "running it.", None))
                return
            if isinstance(values, (list, tuple)):
                for value in values:
                    if isinstance(value, str):
                        number = next((element.lineno for element in getattr(node.value, "elts", [])
                                       if isinstance(element, ast.Constant) and element.value == value),
                                      node.value.lineno)
                        _requirement(project, value, number, "setup.py", sources, constraint=False)
            return


# ---- environment.yml ---------------------------------------------------------------------------------


def _environment_yml(project: Path, base: Path, sources: Sources) -> None:
    from wizard.core.environment import yaml12

    path = next((base / name for name in ("environment.yml", "environment.yaml") if (base / name).is_file()), None)
    if path is None:
        return
    text = _read(project, path, sources)
    if text is None:
        return
    rel = _relative(project, path)
    sources.main_file = sources.main_file or rel
    sources.conda_file = rel
    data = yaml12.load(text).data
    if not isinstance(data, dict):
        return  # detection reports a broken environment.yml
    channels = data.get("channels")
    if isinstance(channels, list):
        channel_marks = getattr(channels, "marks", None) or [(None, None)] * len(channels)
        sources.conda_channels = [CondaSpec(channel, rel, line) for channel, (line, _) in zip(channels, channel_marks)
                                  if isinstance(channel, str)]
    dependencies = data.get("dependencies")
    if not isinstance(dependencies, list):
        return
    marks = getattr(dependencies, "marks", None) or [(1, 1)] * len(dependencies)
    pip_list = None
    for item, (line, _) in zip(dependencies, marks):
        if isinstance(item, str):
            sources.conda_specs.append(CondaSpec(item, rel, line or 1))
        elif isinstance(item, dict) and isinstance(item.get("pip"), list):
            pip_list = item["pip"]  # repo2docker (and conda) use the last pip: list
    if pip_list is not None:
        pip_marks = getattr(pip_list, "marks", None) or [(1, 1)] * len(pip_list)
        lines = [(line or 1, entry.strip()) for entry, (line, _) in zip(pip_list, pip_marks) if isinstance(entry, str)]
        # conda writes the list to a requirements file beside environment.yml and runs pip there
        _requirement_lines(project, lines, rel, path.parent, sources, frozenset({path.resolve()}))


# ---- Pipfile / Pipfile.lock ------------------------------------------------------------------------------


def _key_line(text: str, name: str, start: int = 0) -> int:
    pattern = re.compile(rf'^\s*["\']?{re.escape(name)}["\']?\s*[=:]', re.MULTILINE | re.IGNORECASE)
    match = pattern.search(text, start)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _pipfile(project: Path, base: Path, sources: Sources) -> None:
    lock = base / "Pipfile.lock"
    if lock.is_file():
        _pipfile_lock(project, lock, sources)
    elif (base / "Pipfile").is_file():
        _pipfile_toml(project, base / "Pipfile", sources)


def _pipfile_lock(project: Path, path: Path, sources: Sources) -> None:
    text = _read(project, path, sources)
    try:
        data = json.loads(text or "")
    except (ValueError, RecursionError):
        return
    if not isinstance(data, dict):
        return
    rel = _relative(project, path)
    sources.main_file = rel
    _pipenv_sources(((data.get("_meta") or {}).get("sources")), sources)
    for section in ("default", "develop"):
        packages = data.get(section)
        if not isinstance(packages, dict):
            continue
        start = text.find(f'"{section}"')
        for name, entry in packages.items():
            _pipenv_entry(project, name, entry, rel, _key_line(text, name, max(start, 0)), sources)


def _pipfile_toml(project: Path, path: Path, sources: Sources) -> None:
    import tomllib

    text = _read(project, path, sources)
    try:
        data = tomllib.loads(text or "")
    except (ValueError, RecursionError):
        return
    rel = _relative(project, path)
    sources.main_file = rel
    _pipenv_sources(data.get("source"), sources)
    for section in ("packages", "dev-packages"):
        packages = data.get(section)
        if not isinstance(packages, dict):
            continue
        start = max(text.find(f"[{section}]"), 0)
        for name, entry in packages.items():
            _pipenv_entry(project, name, entry, rel, _key_line(text, name, start), sources)


def _pipenv_sources(entries, sources: Sources) -> None:
    urls = [entry["url"].rstrip("/") for entry in entries or [] if isinstance(entry, dict)
            and isinstance(entry.get("url"), str)]
    if urls:
        sources.index_url = urls[0]
        sources.extra_index_urls += urls[1:]


def _pipenv_entry(project: Path, name: str, entry, rel: str, line: int, sources: Sources) -> None:
    version, extras, markers = "", "", ""
    if isinstance(entry, str):
        version = "" if entry.strip() == "*" else entry.strip()
    elif isinstance(entry, dict):
        if any(key in entry for key in ("git", "path", "file", "hg", "svn", "bzr")):
            _local_or_url(project, str(entry.get("path") or entry.get("git") or entry.get("file") or name),
                          line, rel, sources, name)
            return
        version = str(entry.get("version") or "").strip()
        version = "" if version == "*" else version
        if isinstance(entry.get("extras"), list):
            extras = "[" + ",".join(str(extra) for extra in entry["extras"]) + "]"
        if isinstance(entry.get("markers"), str):
            markers = "; " + entry["markers"]
    else:
        return
    if version and version[0].isdigit():
        version = "==" + version
    _requirement(project, f"{name}{extras}{version}{markers}", line, rel, sources, constraint=False)
