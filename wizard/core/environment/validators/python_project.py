"""Pipfile, Pipfile.lock, pyproject.toml and setup.py: parsed with the same parsers repo2docker uses.

Pipfile with the old `toml` 0.10 library, Pipfile.lock as JSON, pyproject.toml with `tomllib`, setup.py as
Python source. Beyond parse errors: the Python version each declares against Binder's versions and
against runtime.txt, and whether the project really counts as a package Binder will `pip install .`.
"""

from __future__ import annotations

import re

from wizard.core.common.diagnostics import Diagnostic
from wizard.core.environment.detection.parsers import load_toml, load_toml05
from wizard.core.environment.detection.rules import LOCKFILE_PYTHONS, MAJOR_PYTHONS, SUPPORTED_PYTHON_VERSION
from wizard.core.environment.validators import FileContext


def validate(text: str, ctx: FileContext) -> list[Diagnostic]:
    out: list[Diagnostic] = []

    def add(line, column, severity, code, message, fix=None) -> None:
        out.append(Diagnostic(ctx.path, line, column, severity, code, message, fix))

    if ctx.name == "Pipfile":
        _pipfile(text, ctx, add)
    elif ctx.name == "Pipfile.lock":
        _pipfile_lock(text, ctx, add)
    elif ctx.name == "pyproject.toml":
        _pyproject(text, ctx, add)
    elif ctx.name == "setup.py":
        _setup_py(text, ctx, add)
    if "\r\n" in text:
        add(None, None, "info", "crlf", "This file has Windows (CRLF) line endings.", "Convert to LF line endings.")
    return out


def _python_version_check(version_text, source: str, line, add) -> None:
    if not isinstance(version_text, str):
        add(line, 1, "error", "pipfile-python-not-text", f"The Python version in {source} must be text in quotes.",
            'Write python_version = "3.12".')
        return
    match = re.match(r"\d+(\.\d+)*", version_text)
    if not match:
        add(line, 1, "warning", "pipfile-python-unreadable",
            f"repo2docker cannot read a version from {version_text!r}, so it uses its default Python 3.10.",
            'Write python_version = "3.12".')
        return
    parts = match.group().split(".")
    version = MAJOR_PYTHONS.get(parts[0]) if len(parts) == 1 else ".".join(parts[:2])
    if version is None:
        add(line, 1, "error", "python-major-unknown", f"Python {version_text} is not a version Binder knows.",
            'Write python_version = "3.12".')
    elif version not in LOCKFILE_PYTHONS:
        add(line, 1, "error", "python-unsupported",
            f"Binder cannot install Python {version}; it offers {', '.join(LOCKFILE_PYTHONS)}.",
            "Pick one of those versions.")


def _line_of(text: str, pattern: str) -> int | None:
    for number, line in enumerate(text.split("\n"), 1):
        if re.search(pattern, line):
            return number
    return None


def _pipfile(text: str, ctx: FileContext, add) -> None:
    data, problem = load_toml05(text.replace("\r\n", "\n"))
    if problem is not None:
        add(problem[1], problem[2], "error", "pipfile-invalid-toml",
            "Pipfile is not valid TOML (repo2docker reads it with the older 'toml' library); the build stops with: "
            f"{problem[0]}", "Fix the TOML syntax at the line shown.")
        return
    if not isinstance(data.get("packages", {}), dict) or not isinstance(data.get("dev-packages", {}), dict):
        add(None, None, "error", "pipfile-packages-shape", "[packages] must be a table of name = \"version\" lines.",
            'Write [packages] then lines like numpy = "*".')
    if "packages" not in data and "dev-packages" not in data:
        add(None, None, "warning", "pipfile-no-packages", "The Pipfile lists no [packages], so nothing is installed.",
            'Add a [packages] section with lines like numpy = "==2.1.0".')
    requires = data.get("requires", {})
    if not isinstance(requires, dict):
        add(_line_of(text, r"^\s*requires\s*="), 1, "error", "pipfile-requires-shape",
            "[requires] in the Pipfile must be a table.", 'Write [requires] then python_version = "3.12".')
        return
    version = requires.get("python_full_version") or requires.get("python_version")
    line = _line_of(text, r"^\s*python_(full_)?version\s*=")
    if version:
        _python_version_check(version, "the Pipfile", line, add)
    elif not _lock_beside(ctx):
        add(None, None, "info", "pipfile-python-unpinned",
            "The Pipfile does not name a Python version, so Binder uses its default, 3.10 (runtime.txt is not read "
            "for Pipfile projects).", 'Add [requires] with python_version = "3.12" (your version).')
    packages = data.get("packages", {}) if isinstance(data.get("packages", {}), dict) else {}
    if packages and all(value == "*" for value in packages.values()) and not _lock_beside(ctx):
        add(None, None, "info", "pipfile-unpinned",
            "Every package is '*' and there is no Pipfile.lock, so the newest releases are installed on each build.",
            "Commit a Pipfile.lock (run `pipenv lock`).")


def _lock_beside(ctx: FileContext) -> bool:
    if ctx.project is None:
        return False
    folder = ctx.path.rsplit("/", 1)[0] if "/" in ctx.path else ""
    return (ctx.project / folder / "Pipfile.lock").exists()


def _pipfile_lock(text: str, ctx: FileContext, add) -> None:
    import json

    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:  # JSONDecodeError, a 5,000-digit number, 1,000 nested '['
        add(getattr(error, "lineno", None), getattr(error, "colno", None), "error", "pipfile-lock-invalid-json",
            f"Pipfile.lock is not valid JSON, so the build stops ({getattr(error, 'msg', None) or error}).",
            "Regenerate it with `pipenv lock` (never edit it by hand).")
        return
    if not isinstance(data, dict):
        add(1, 1, "error", "pipfile-lock-shape", "Pipfile.lock does not have the layout pipenv writes.",
            "Regenerate it with `pipenv lock`.")
        return
    meta = data.get("_meta", {})
    requires = meta.get("requires", {}) if isinstance(meta, dict) else None
    if not isinstance(requires, dict):
        add(None, None, "error", "pipfile-lock-shape", "Pipfile.lock's _meta.requires is not an object.",
            "Regenerate it with `pipenv lock`.")
        return
    version = requires.get("python_full_version") or requires.get("python_version")
    if version:
        _python_version_check(version, "Pipfile.lock", _line_of(text, r'"python_(full_)?version"'), add)
    if "default" not in data:
        add(None, None, "warning", "pipfile-lock-no-default", "Pipfile.lock has no 'default' packages section.",
            "Regenerate it with `pipenv lock`.")


def _pyproject(text: str, ctx: FileContext, add) -> None:
    try:
        data = load_toml(text)
    except (ValueError, RecursionError) as error:  # tomllib.TOMLDecodeError; RecursionError: 1,000 nested '['
        line = re.search(r"line (\d+)", str(error))
        column = re.search(r"column (\d+)", str(error))
        add(int(line.group(1)) if line else None, int(column.group(1)) if column else None, "error",
            "pyproject-invalid-toml",
            f"pyproject.toml is not valid TOML ({error}); repo2docker reads it for every Python build without a "
            "binder/ folder, so the build stops.", "Fix the TOML syntax at the line shown.")
        return
    project = data.get("project")
    in_config_folder = "/" in ctx.path
    if in_config_folder:
        add(None, None, "warning", "pyproject-in-binder",
            "repo2docker never reads pyproject.toml inside binder/; only the one at the repository root counts, "
            "and only when there is no binder/ folder.", "Move it to the repository root, or add '-e .' style lines "
            "to binder/requirements.txt.")
        return
    if project is not None and not isinstance(project, dict):
        add(_line_of(text, r"^\s*project\s*="), 1, "error", "pyproject-project-shape",
            "'project' must be a table ([project]).", "Write [project] as a table header.")
        return
    requires = project.get("requires-python") if project else None
    if requires is not None:
        _requires_python(requires, text, ctx, add)
    detection = ctx.detection
    binder_dir = getattr(detection, "binder_dir", "")
    pack = getattr(detection, "buildpack", None)
    if project is not None and "build-system" not in data:
        deps = project.get("dependencies")
        if deps and pack in ("python", "r", "julia", None) and not _declared_elsewhere(deps, ctx):
            add(_line_of(text, r"^\s*dependencies\s*="), 1, "warning", "pyproject-dependencies-not-installed",
                "pyproject.toml lists dependencies but has no [build-system], so Binder does not install it as a "
                "package and these dependencies are not installed.",
                "Add a [build-system] table (e.g. requires = [\"hatchling\"], build-backend = \"hatchling.build\"), "
                "or list the packages in requirements.txt.")
    elif project is not None and "build-system" in data and not binder_dir and pack in ("python", "r", "julia"):
        add(None, None, "info", "pyproject-installed",
            "Binder will run `pip install .` for this package after copying the repository (not an editable "
            "install).", None)
    elif project is None and "build-system" in data and pack is None:
        add(None, None, "info", "pyproject-no-project",
            "pyproject.toml has no [project] table, so Binder does not treat the repository as a package.",
            "Add a [project] table with name, version and dependencies, or use requirements.txt.")


def _declared_elsewhere(dependencies, ctx: FileContext) -> bool:
    """Whether the requirements.txt Binder uses names every one of these dependencies (e.g. one that
    `binder-wizard convert` or `uv export` wrote from the lock): then nothing is missing."""
    if ctx.project is None or not isinstance(dependencies, list) or "requirements.txt" not in getattr(
            ctx.detection, "files_used", ()):
        return False
    from wizard.core.environment.deps.declared import declared_file, read_declared
    from wizard.core.environment.package_names import normalise

    names = {normalise(item.name) for item in read_declared(ctx.project, declared_file(ctx.project))}
    wanted = {normalise(re.split(r"[\s\[<>=!~;@(]", str(entry).strip(), maxsplit=1)[0]) for entry in dependencies}
    return bool(names) and wanted <= names


def _requires_python(requires, text: str, ctx: FileContext, add) -> None:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet  # only here; it takes longer to import

    line = _line_of(text, r"^\s*requires-python\s*=")
    try:
        spec = SpecifierSet(requires)
    except (InvalidSpecifier, TypeError, AttributeError):
        add(line, 1, "error", "pyproject-invalid-requires-python",
            f"requires-python = {requires!r} is not a valid version range; the build stops.",
            'Write it like requires-python = ">=3.10".')
        return
    fitting = list(spec.filter(SUPPORTED_PYTHON_VERSION))
    if not fitting:
        add(line, 1, "error", "pyproject-no-python",
            f"No Python version Binder offers ({', '.join(SUPPORTED_PYTHON_VERSION)}) fits requires-python = "
            f"{requires!r}; the build stops.", 'Widen requires-python (e.g. ">=3.10").')
        return
    detection = ctx.detection
    if detection is not None and getattr(detection, "python_version_source", None) == \
            "pyproject.toml requires-python" and "3.10" not in fitting:
        add(line, 1, "info", "pyproject-python-fallback",
            f"Binder's default Python 3.10 does not fit requires-python = {requires!r}, so it picks the newest "
            f"that does, Python {fitting[-1]}.", "Pin the version you use in runtime.txt (python-X.Y).")


def _setup_py(text: str, ctx: FileContext, add) -> None:
    import ast

    try:
        tree = ast.parse(text)
    except SyntaxError as error:
        add(error.lineno, error.offset, "error", "setup-py-syntax",
            f"setup.py is not valid Python ({error.msg}), so `pip install .` fails during the build.",
            "Fix the syntax at the line shown.")
        return
    except (ValueError, RecursionError, MemoryError) as error:
        add(None, None, "error", "setup-py-syntax", f"setup.py cannot be read as Python ({type(error).__name__}).",
            "Replace it with a valid setup.py or a pyproject.toml.")
        return
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)
             and getattr(node.func, "id", getattr(node.func, "attr", None)) == "setup"]
    if not calls:
        add(None, None, "warning", "setup-py-no-setup",
            "setup.py does not call setup(), so `pip install .` will not install anything useful.",
            "Call setuptools.setup(...) or replace setup.py with a pyproject.toml.")
    if "/" in ctx.path:
        add(None, None, "warning", "setup-py-in-binder",
            "repo2docker never reads setup.py inside binder/; only the root one counts, and only with no binder/ "
            "folder.", "Add '-e .' to binder/requirements.txt to install the repository as a package.")
