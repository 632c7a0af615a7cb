"""Project.toml / JuliaProject.toml and the retired REQUIRE file (rules §11).

repo2docker reads Project.toml with the old `toml` 0.10 package (TOML 0.5): it rejects arrays that mix value
types, which Python's `tomllib` (TOML 1.0) and Julia accept. We parse with `tomllib` for positions and add that
rule. The Julia version is the newest release matching `[compat] julia` under repo2docker's own semver rules
(repo2docker/semver.py), which the detector reproduces (detection.versions.find_julia_version), including
the inputs that make it crash.
"""

from __future__ import annotations

import datetime
import os
import re

from wizard.core.common.lazy_regex import lazy_compile
from wizard.core.common.diagnostics import Diagnostic
from wizard.core.environment.detection.parsers import load_toml
from wizard.core.environment.detection.rules import DEFAULT_JULIA_COMPAT, JULIA_RELEASES, JULIA_REQUIRE_MESSAGE
from wizard.core.environment.detection.versions import JuliaCompatError, find_julia_version

UUID = lazy_compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _parts(release: str) -> tuple[int, ...]:
    return tuple(int(n) for n in release.split("."))


def _parse_error_position(message: str) -> tuple[int | None, int | None]:
    match = re.search(r"\(at line (\d+), column (\d+)\)", message)
    if match:
        return int(match.group(1)), int(match.group(2))
    return None, None


def _key_line(text: str, key: str, table: str | None = None) -> int | None:
    """Best-effort 1-based line of `key = ...` (inside `[table]` when given)."""
    current = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.match(r"^\[+\s*([^\]]+?)\s*\]+", stripped)
        if header:
            current = header.group(1).strip().strip('"')
            continue
        if (table is None or current == table) and re.match(rf'^"?{re.escape(key)}"?\s*=', stripped):
            return number
    return None


def _value_kind(value) -> str:
    """The type names toml 0.10 compares when it checks that an array is homogeneous."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, dict):
        return "table"
    if isinstance(value, list):
        return "array"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return "datetime"  # toml 0.10 lets dates and date-times share an array
    return type(value).__name__


def _mixed_arrays(data, trail=()):
    """(key path, key) for every array whose items are not all one kind, as toml 0.10 rejects."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _mixed_arrays(value, trail + (key,))
    elif isinstance(data, list):
        kinds = {_value_kind(item) for item in data}
        # toml 0.10 checks every array except one that starts with an inline table (it drops the rest).
        if len(kinds) > 1 and not isinstance(data[0], dict):
            yield trail
        for item in data:
            yield from _mixed_arrays(item, trail)


def validate(text: str, ctx) -> list[Diagnostic]:
    if ctx.name == "REQUIRE":
        return _validate_require(text, ctx)
    path = ctx.path
    out: list[Diagnostic] = []

    def add(line, column, severity, code, message, fix=None):
        out.append(Diagnostic(path, line, column, severity, code, message, fix))

    if ctx.reported_by_detector("julia-invalid-toml"):
        return out  # the detector quotes repo2docker's own parse error; nothing else is reliable then
    try:
        data = load_toml(text)
    except (ValueError, RecursionError) as error:  # tomllib.TOMLDecodeError; RecursionError: 1,000 nested '['
        line, column = _parse_error_position(str(error))
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        add(line, column, "error", "julia-invalid-toml",
            f"{ctx.name} is not valid TOML ({reason}), so the build stops with a TomlDecodeError.",
            "Fix the line shown; Julia writes this file for you when you run `] add PackageName`.")
        return out
    for trail in _mixed_arrays(data):
        key = trail[-1] if trail else ""
        table = ".".join(str(t) for t in trail[:-1]) or None
        add(_key_line(text, str(key), table), 1, "error", "julia-invalid-toml",
            f"`{'.'.join(map(str, trail))}` mixes value types in one list. repo2docker reads {ctx.name} with an "
            "older TOML reader that stops with \"Not a homogeneous array\".",
            "Make every item in the list the same type (for example, all strings).")

    _check_project_body(text, data, ctx, add)
    _check_neighbours(ctx, add)
    return out


def _check_project_body(text: str, data: dict, ctx, add) -> None:
    deps = data.get("deps", {})
    if not isinstance(deps, dict):
        add(_key_line(text, "deps"), 1, "error", "julia-deps-not-table",
            "`deps` must be a table (`[deps]`) of package names and UUIDs.",
            "Let Julia write it: run `] add PackageName` in the project.")
        deps = {}
    for name, uuid in deps.items():
        if not isinstance(uuid, str) or not UUID.match(uuid):
            add(_key_line(text, name, "deps"), 1, "error", "julia-bad-uuid",
                f"`{name}` in [deps] needs the package's UUID (like \"a93c6f00-e57d-5684-b7b6-d8193f3e46c0\"), "
                "otherwise Julia cannot install the project.", "Run `] add " + name + "` to write the right entry.")
    if not deps:
        add(None, None, "info", "julia-no-deps",
            f"{ctx.name} lists no packages, so Binder installs only Julia and IJulia.",
            "Add packages with `] add PackageName` in the project folder, then commit Project.toml.")
    compat = data.get("compat")
    compat_table = compat if isinstance(compat, dict) else {}
    if "julia" not in compat_table:
        picked = find_julia_version(DEFAULT_JULIA_COMPAT)
        major_minor = ".".join(picked.split(".")[:2])
        add(None, None, "info", "julia-compat-missing",
            f"No Julia version is set, so Binder installs the newest Julia 1.x on the day of the build "
            f"(today {picked} or newer). A later build may get a different Julia.",
            f"Add `julia = \"{major_minor}\"` under [compat].")
    elif not ctx.reported_by_detector("julia-no-matching-version"):
        _check_julia_compat(text, compat_table["julia"], add)
    known = set(deps)
    for table in ("extras", "weakdeps"):
        if isinstance(data.get(table), dict):
            known |= set(data[table])
    for name in compat_table:
        if name != "julia" and name not in known:
            add(_key_line(text, name, "compat"), 1, "warning", "julia-compat-unknown",
                f"[compat] has an entry for `{name}`, which is not in [deps]; Julia refuses such a project.",
                f"Add `{name}` to [deps] with `] add {name}`, or delete the compat entry.")


def _check_julia_compat(text: str, compat, add) -> None:
    line = _key_line(text, "julia", "compat")
    try:
        picked = find_julia_version(compat)
    except JuliaCompatError as error:
        add(line, 1, "error", "julia-no-matching-version",
            f"repo2docker cannot read the Julia version `{compat}` and the build stops with \"{error}\". "
            "It understands one version or range, not a list (\"1.6, 1.10\") or a hyphen range.",
            "Write one version, for example `julia = \"1.11\"` (1.11 or newer 1.x) or `\"~1.11\"` (1.11.x).")
        return
    if picked is None:
        newest = _parts(JULIA_RELEASES[-1])
        if find_julia_version(compat, JULIA_RELEASES + (f"{newest[0]}.{newest[1] + 1}.0", f"{newest[0] + 1}.0.0")):
            add(line, 1, "warning", "julia-compat-too-new",
                f"No Julia release binder-wizard knows (newest {JULIA_RELEASES[-1]}) matches `{compat}`. If that "
                "release exists now the build works; otherwise it stops with "
                "\"Failed to find a matching Julia version: {compat}\".",
                f"Check the version, or use `julia = \"{newest[0]}.{newest[1]}\"`.")
        else:
            add(line, 1, "error", "julia-no-matching-version",
                f"No Julia release matches `{compat}`, so the build stops with "
                "\"Failed to find a matching Julia version: {compat}\" (repo2docker prints the braces literally).",
                f"Use a released version, for example `julia = \"{newest[0]}.{newest[1]}\"`.")
        return
    if _parts(picked) < (1, 0, 0):
        add(line, 1, "warning", "julia-too-old",
            f"`{compat}` selects Julia {picked}; current IJulia (needed for notebooks) does not install "
            "on Julia 0.x, so the build will most likely fail.", "Move the project to Julia 1.x.")


def _check_neighbours(ctx, add) -> None:
    if ctx.project is None:
        return
    folder = os.path.dirname(os.path.join(ctx.project, ctx.path))
    if ctx.name == "Project.toml" and os.path.exists(os.path.join(folder, "JuliaProject.toml")):
        add(None, None, "warning", "julia-project-shadowed",
            "JuliaProject.toml sits beside this file and wins, so Binder ignores Project.toml.",
            "Keep only one of the two files.")
    elif not os.path.exists(os.path.join(folder, "Manifest.toml")) \
            and not os.path.exists(os.path.join(folder, "JuliaManifest.toml")):
        add(None, None, "info", "julia-no-manifest",
            "There is no Manifest.toml, so Julia picks the newest package versions on the day of the build.",
            "Commit the Manifest.toml that Julia writes beside Project.toml to freeze the exact versions.")


def _validate_require(text: str, ctx) -> list[Diagnostic]:
    if ctx.project is not None:
        folder = os.path.dirname(os.path.join(ctx.project, ctx.path))
        if any(os.path.exists(os.path.join(folder, name)) for name in ("Project.toml", "JuliaProject.toml")):
            return [Diagnostic(ctx.path, None, None, "info", "julia-require-ignored",
                               "REQUIRE is ignored because a Project.toml sits beside it.",
                               "Delete REQUIRE: Project.toml replaced it.")]
    if ctx.reported_by_detector("julia-require-removed"):
        return []
    packages = [line.split()[0] for line in text.splitlines()
                if line.split() and not line.lstrip().startswith("#") and line.split()[0] != "julia"]
    add_command = f"`] add {' '.join(packages)}`" if packages else "`] add PackageName` for each package"
    return [Diagnostic(
        ctx.path, None, None, "error", "julia-require-removed",
        f"Binder no longer supports REQUIRE files. The build stops with \"{JULIA_REQUIRE_MESSAGE}\" — only when it "
        "really builds, so `repo2docker --no-build` does not show it.",
        f"In Julia, activate this folder and run {add_command}; commit the Project.toml and Manifest.toml it "
        "writes, and delete REQUIRE.")]


FIXES: dict = {}
