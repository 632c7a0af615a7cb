"""What the project already declares: the file repo2docker would install Python packages from, parsed.

`declared_file(project)` picks the file the way repo2docker does (config folder `.binder/` or
`binder/` else the root; a Dockerfile or default.nix means no Python file is used; environment.yml
beats Pipfile beats requirements.txt). `parse_requirements` reads requirements.txt syntax (comments,
options, `-r` includes, `-e .`, URLs with `#egg=`, `name @ url`, environment markers evaluated for
Linux), `parse_environment_yml` the conda and pip names of an environment.yml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from wizard.core.common.lazy_regex import lazy_compile
from wizard.core.environment.catalog import config_folder
from wizard.core.environment.package_names import normalise
from wizard.core.environment.requirement_syntax import simple_requirement
from wizard.core.common.fileio import read_file_bytes
from wizard.core.environment.validators import MAX_BYTES

LINUX = {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix", "platform_machine": "x86_64"}


@dataclass(frozen=True)
class Declared:
    name: str
    file: str  # relative to the project
    line: int  # 1-based
    text: str  # the requirement as written (without comment)
    on_linux: bool = True  # False when its marker excludes Linux: not installed on Binder
    has_marker: bool = False
    local_path: bool = False  # `name @ file:///...` or an absolute path: cannot install on Binder
    local_version: str | None = None  # `torch==2.1.0+cu118`: the +label is not on PyPI


@dataclass(frozen=True)
class DeclaredFile:
    """The file repo2docker would take Python packages from, and where `--write` should add lines."""

    config_dir: str  # "", "binder" or ".binder"
    path: Path | None  # the file in use (may not exist yet for requirements.txt); None: none is used
    kind: str | None  # "requirements", "environment", "pipfile" or None
    write_target: Path | None  # requirements.txt in the config folder, or None when it would be ignored
    note: str | None = None  # why another file wins, in plain words
    text: str | None = None  # the file's text when it differs from the disk (an unsaved edit); None: read it

    @property
    def exists(self) -> bool:
        return self.path is not None and self.path.is_file()


def config_dir(project: Path) -> str:
    return config_folder(project)


def declared_file(project: Path) -> DeclaredFile:
    folder = config_dir(project)
    base = project / folder
    shown = f"{folder}/" if folder else ""
    requirements = base / "requirements.txt"
    for name in ("Dockerfile", "default.nix"):
        if (base / name).is_file():
            return DeclaredFile(folder, None, None, None,
                                f"{shown}{name} decides the whole environment; repo2docker ignores requirements.txt")
    for name in ("environment.yml", "environment.yaml"):
        if (base / name).is_file():
            return DeclaredFile(folder, base / name, "environment", None,
                                f"repo2docker uses {shown}{name} here and ignores requirements.txt; "
                                f"add packages to its `pip:` section")
    for name in ("Pipfile.lock", "Pipfile"):
        if (base / name).is_file():
            return DeclaredFile(folder, base / "Pipfile" if (base / "Pipfile").is_file() else base / name, "pipfile",
                                None, f"repo2docker uses {shown}{name} here and ignores requirements.txt")
    return DeclaredFile(folder, requirements, "requirements", requirements)


def read_text(path: Path, encoding: str = "utf-8", errors: str = "strict", limit: int = MAX_BYTES) -> str | None:
    """A project file's text, or None when it cannot be used: missing, not a regular file (a named pipe
    would block forever), bigger than `limit` (megabytes of requirements take half a minute to parse,
    and repo2docker's detection refuses them anyway), or not decodable with `errors="strict"`."""
    try:
        return read_file_bytes(path, limit).decode(encoding, errors)
    except (OSError, UnicodeDecodeError):
        return None


_EGG = lazy_compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")


def logical_lines(text: str) -> list[tuple[int, str]]:
    """(first line number, text without comment) with backslash continuations joined."""
    out: list[tuple[int, str]] = []
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = re.sub(r"(^|\s)#.*$", "", raw)
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        out.append((start, (pending + line).strip()))
        pending = ""
    if pending:
        out.append((start, pending.strip()))
    return out


def _on_linux(marker) -> bool:
    if marker is None:
        return True
    try:
        return marker.evaluate(LINUX)
    except Exception:  # undefined names in odd markers: assume it applies
        return True


def parse_requirements(text: str, file: str = "requirements.txt", base: Path | None = None,
                       _seen: frozenset[Path] = frozenset()) -> list[Declared]:
    """Every requirement a pip requirements file declares, following `-r` includes under `base`."""
    found: list[Declared] = []
    for number, line in logical_lines(text):
        if not line:
            continue
        if line.startswith("-"):
            option, _, value = line.partition(" ") if " " in line else line.partition("=")
            value = value.strip().lstrip("=").strip()
            if option in {"-r", "--requirement", "-c", "--constraint"} and base is not None and value:
                target = (base / value).resolve()
                if target not in _seen and target.is_file():
                    included = read_text(base / value, errors="replace")  # as written: fileio sees it leave
                    if included is not None and option in {"-r", "--requirement"}:
                        found += parse_requirements(included, value, target.parent, _seen | {target})
            elif option in {"-e", "--editable"}:
                egg = _EGG.search(value)
                if egg:
                    found.append(Declared(egg.group(1), file, number, line))
            continue
        egg = _EGG.search(line)
        if "://" in line.split(";")[0] and " @ " not in line and egg:
            found.append(Declared(egg.group(1), file, number, line))
            continue
        line_without_hashes = re.sub(r"\s--hash[= ]\S+", "", line)
        simple = simple_requirement(line_without_hashes)
        if simple is not None and not simple.marker:  # most lines: no need to load packaging
            local_version = next((version for version in simple.pins() if "+" in version), None)
            found.append(Declared(simple.name, file, number, line, local_version=local_version))
            continue
        from packaging.requirements import InvalidRequirement, Requirement  # ~25 ms to import: only for the rest

        try:
            req = Requirement(line_without_hashes)
        except InvalidRequirement:
            continue
        local_version = next((s.version for s in req.specifier if s.operator == "==" and "+" in s.version), None)
        found.append(Declared(
            req.name, file, number, line, _on_linux(req.marker), req.marker is not None,
            local_path=bool(req.url and (req.url.startswith("file:") or req.url.startswith("/"))),
            local_version=local_version,
        ))
    return found


_CONDA_TO_PYPI = {"pytorch": "torch", "py-opencv": "opencv-python", "opencv": "opencv-python",
                  "matplotlib-base": "matplotlib", "python-graphviz": "graphviz", "pytables": "tables",
                  "msgpack-python": "msgpack", "libgdal": "GDAL"}


def parse_environment_yml(text: str, file: str = "environment.yml", base: Path | None = None) -> list[Declared]:
    """Conda and pip package names from an environment.yml (conda names mapped to PyPI names)."""
    from wizard.core.environment import yaml12  # only for an environment.yml: `requirements` starts leaner

    # yaml12 reads it as repo2docker does and never raises: 1,200 nested '[' are a RecursionError
    # for yaml.safe_load, an unreadable file here (detection reports it).
    data = yaml12.load(text).data
    deps = data.get("dependencies") if isinstance(data, dict) else None
    if not isinstance(deps, list):
        return []
    lines = text.splitlines()

    def line_of(name: str) -> int:
        for number, line in enumerate(lines, 1):
            if re.search(rf"-\s*['\"]?(?:[\w-]+::)?{re.escape(name)}\b", line):
                return number
        return 1

    found = []
    for item in deps:
        if isinstance(item, str):
            spec = item.split("::")[-1].strip()
            name = re.split(r"[\s=<>!~\[]", spec, maxsplit=1)[0]
            if name and name.lower() not in {"python", "pip"}:
                found.append(Declared(_CONDA_TO_PYPI.get(name.lower(), name), file, line_of(name), item))
        elif isinstance(item, dict) and isinstance(item.get("pip"), list):
            for pip_line in item["pip"]:
                if isinstance(pip_line, str):
                    for declared in parse_requirements(pip_line, file, base):
                        found.append(Declared(declared.name, file, line_of(declared.name), declared.text,
                                              declared.on_linux, declared.has_marker))
    return found


def parse_pipfile(text: str, file: str = "Pipfile") -> list[Declared]:
    import tomllib

    try:
        data = tomllib.loads(text)
    except (ValueError, RecursionError):  # RecursionError: 1,000 nested '['
        return []
    found = []
    for section in ("packages", "dev-packages"):
        for name in (data.get(section) or {}):
            found.append(Declared(name, file, 1, name))
    return found


def package_declared(project: Path) -> list[Declared]:
    """Dependencies of the project's own package: pyproject.toml [project] dependencies, or a
    literal `install_requires=[...]` in setup.py. pip installs them with the package."""
    import ast
    import tomllib

    found: list[Declared] = []
    try:
        data = tomllib.loads(read_text(project / "pyproject.toml") or "")
        dependencies = data.get("project", {}).get("dependencies", [])
        if isinstance(dependencies, list):
            text = "\n".join(d for d in dependencies if isinstance(d, str))
            found += [Declared(d.name, "pyproject.toml", d.line, d.text, d.on_linux, d.has_marker)
                      for d in parse_requirements(text, "pyproject.toml")]
    except (ValueError, RecursionError, AttributeError):
        pass
    try:
        tree = ast.parse(read_file_bytes(project / "setup.py", MAX_BYTES))
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):  # deep nesting: RecursionError
        return found
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "install_requires":
            try:
                values = ast.literal_eval(node.value)
            except ValueError:
                continue
            if isinstance(values, (list, tuple)):
                text = "\n".join(v for v in values if isinstance(v, str))
                found += [Declared(d.name, "setup.py", node.value.lineno, d.text, d.on_linux, d.has_marker)
                          for d in parse_requirements(text, "setup.py")]
    return found


def is_python_package(project: Path) -> bool:
    """repo2docker's test: a setup.py, or a pyproject.toml with both [project] and [build-system]."""
    import tomllib

    if (project / "setup.py").is_file():
        return True
    try:
        data = tomllib.loads(read_text(project / "pyproject.toml") or "")
    except (ValueError, RecursionError):
        return False
    return "project" in data and "build-system" in data


def _installs_the_project(declared_lines: list[str]) -> bool:
    return any(re.fullmatch(r"(?:(?:-e|--editable)\s+)?\.(?:/)?(?:\[[^\]]*\])?", line) for line in declared_lines)


def read_declared(project: Path, target: DeclaredFile) -> list[Declared]:
    """The requirements `target` declares; [] when it does not exist or cannot be read.

    When the project's own package is installed too (`-e .` / `.` in requirements.txt, or a root
    setup.py / pyproject.toml package with no config folder), its dependencies count as declared.
    """
    # repo2docker runs `pip install .` for a root package when there is no config folder.
    installs_package = target.kind == "requirements" and not target.config_dir and is_python_package(project)
    if target.path is None or target.text is None and not target.path.is_file():
        return package_declared(project) if installs_package else []
    text = target.text.removeprefix("\ufeff") if target.text is not None else \
        read_text(target.path, "utf-8-sig", "replace")
    if text is None:
        return []
    try:
        shown = target.path.relative_to(project).as_posix()
    except ValueError:
        shown = str(target.path)
    if target.kind == "environment":
        return parse_environment_yml(text, shown, target.path.parent)
    if target.kind == "pipfile" and target.path.name == "Pipfile":
        return parse_pipfile(text, shown)
    if target.kind == "pipfile":
        return []
    declared = parse_requirements(text, shown, target.path.parent)
    if installs_package or _installs_the_project([line for _, line in logical_lines(text)]):
        declared += package_declared(project)
    return declared


def declared_names(declared: list[Declared]) -> set[str]:
    return {normalise(d.name) for d in declared if d.on_linux}
