"""uv.lock and poetry.lock -> requirements.txt (exact pins for Binder's Linux and Python) + runtime.txt.

The Python is the lowest X.Y the lock supports that Binder offers (`requires-python = ">=3.12"` gives
python-3.12), unless runtime.txt already names one the lock supports: that one is kept. Markers are
evaluated for that Python on Linux x86_64 and dropped; no hashes; no dependency groups (dev, test...).
The project itself is written as `-e .` only when it is a package repo2docker would not install anyway
(with no binder/ folder it runs `pip install .` itself for a root package).

uv.lock is read as uv writes it (format version 1): `[[package]]` tables with `source`, `dependencies`
(name, optional exact version, marker, extras) and `optional-dependencies`. poetry.lock has no entry for
the project: its dependencies come from pyproject.toml ([project] and [tool.poetry.dependencies]), and
each edge's constraint (Poetry's ^ and ~ included) picks among the locked versions.
"""

from __future__ import annotations

import re
import tomllib
from typing import Callable
from urllib.parse import parse_qs, urlsplit

from wizard.core.environment.convert.binder_python import lowest_binder_python, python_in, specifier_accepts
from wizard.core.environment.convert.draft import ConversionFailed, Context, Draft
from wizard.core.environment.convert.graph import (Edge, Locked, Walked, extra_indexes, index_of, normalise,
                                                   requirement_line, walk)
from wizard.core.environment.detection.rules import LOCKFILE_PYTHONS


def _toml(text: str, name: str) -> dict:
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as error:
        raise ConversionFailed(f"{name} is not valid TOML ({error}); run its tool again to rewrite it.") from None


# --------------------------------------------------------------------------------------------------
# Which Python


def choose_python(ctx: Context, accepts: Callable[[str], bool], spec_words: str, draft: Draft) -> str:
    kept = ctx.runtime_python
    if kept and kept in LOCKFILE_PYTHONS and python_in(kept, accepts):
        draft.notes.append(f"Kept Python {kept} from runtime.txt (the lock supports {spec_words}).")
        return kept
    python = lowest_binder_python(accepts)
    if python is None:
        raise ConversionFailed(f"The lock needs Python {spec_words}, and Binder offers none of those "
                               f"({', '.join(LOCKFILE_PYTHONS)}).")
    if kept:
        draft.notes.append(f"runtime.txt says python-{kept}, which the lock does not support ({spec_words}): "
                           f"it becomes python-{python}.")
    return python


# --------------------------------------------------------------------------------------------------
# The files


def requirements_files(ctx: Context, draft: Draft, walked: Walked, project_lines: list[str], python: str,
                       lock_name: str) -> None:
    lines, outside = [], []
    for package in walked.packages:
        if package.kind == "virtual":
            continue
        line = requirement_line(package, ctx.lock_folder)
        if line is None:
            outside.append(package.name)
        elif line not in lines:
            lines.append(line)
    local = [line for line in project_lines + lines if line.startswith(("-e ", "."))]
    pinned = sorted((line for line in lines if line not in local), key=lambda line: normalise(re.split(r"[ =@]", line)[0]))
    body = [f"--extra-index-url {url}" for url in extra_indexes(walked.packages)] + list(dict.fromkeys(local)) + pinned
    draft.files["requirements.txt"] = (ctx.header + f"# For Binder: Linux x86_64, Python {python}; no dev dependencies, "
                                       "no hashes.\n" + "".join(line + "\n" for line in body))
    draft.files["runtime.txt"] = f"python-{python}\n"
    draft.python = python
    if outside:
        draft.notes.append(f"Left out {', '.join(outside)}: installed from a path outside the repository, which "
                           "Binder's copy does not have.")
    if walked.missing:
        draft.notes.append(f"{lock_name} has no entry for {', '.join(walked.missing)}: it may be older than the "
                           f"project's dependencies; lock again, then convert again.")


def project_line(ctx: Context, installable: bool, draft: Draft) -> list[str]:
    """`-e .` for the project itself, when it is a package and repo2docker would not install it anyway."""
    if not installable:
        draft.notes.append("The project itself is not a package (no [build-system]), so it is not installed; its "
                           "code is in the repository Binder copies.")
        return []
    if ctx.installs_project:
        draft.notes.append("The project itself is not listed: repo2docker installs it (`pip install .`) because "
                           "pyproject.toml has [project] and [build-system].")
        return []
    return ["-e ."]


# --------------------------------------------------------------------------------------------------
# uv.lock


def _uv_source(source: dict, package: Locked) -> None:
    if not isinstance(source, dict):
        return
    for kind in ("registry", "git", "url", "path", "directory", "editable", "virtual"):
        value = source.get(kind)
        if isinstance(value, str):
            package.kind, package.location = kind, value
            break
    if package.kind == "git":  # "https://github.com/o/r?rev=main#<commit>" -> "https://github.com/o/r@<commit>"
        parts = urlsplit(package.location)
        query = parse_qs(parts.query)
        package.subdirectory = (query.get("subdirectory") or [""])[0]
        commit = parts.fragment or (query.get("rev") or query.get("tag") or query.get("branch") or [""])[0]
        base = parts._replace(query="", fragment="").geturl()
        package.location = f"{base}@{commit}" if commit else base
    package.editable = package.kind == "editable"


def _uv_edges(entries) -> list[Edge]:
    edges = []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            extras = entry.get("extra") or []
            edges.append(Edge(entry["name"], str(entry.get("marker") or ""),
                              tuple(e for e in extras if isinstance(e, str)),
                              version=entry["version"] if isinstance(entry.get("version"), str) else None))
    return edges


def convert_uv(text: str, ctx: Context) -> Draft:
    data = _toml(text, ctx.source)
    draft = Draft()
    by_name: dict[str, list[Locked]] = {}
    roots: list[Locked] = []
    for entry in data.get("package") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        package = Locked(entry["name"], str(entry.get("version") or ""))
        _uv_source(entry.get("source"), package)
        package.dependencies = _uv_edges(entry.get("dependencies"))
        optional = entry.get("optional-dependencies")
        package.optional = {extra: _uv_edges(deps) for extra, deps in optional.items()} \
            if isinstance(optional, dict) else {}
        by_name.setdefault(normalise(package.name), []).append(package)
        if package.kind in ("editable", "virtual") and package.location in (".", "./"):
            roots.append(package)
    members = (data.get("manifest") or {}).get("members") if isinstance(data.get("manifest"), dict) else None
    if isinstance(members, list) and members:
        roots = [package for name in members if isinstance(name, str) for package in by_name.get(normalise(name), [])]
    if not roots:
        raise ConversionFailed(f"{ctx.source} names no project (no package with source '.'); run `uv lock` in "
                               "the project folder.")
    requires = data.get("requires-python") if isinstance(data.get("requires-python"), str) else ""
    python = choose_python(ctx, specifier_accepts(requires), requires or "any version", draft)
    walked = walk([Edge(root.name, version=root.version) for root in roots],
                  lambda edge: index_of(edge, by_name.get(normalise(edge.name), [])), python)
    project = [package for package in walked.packages if package.location in (".", "./")
               and package.kind in ("editable", "virtual")]
    lines = []
    for package in project:
        walked.packages.remove(package)
        lines += project_line(ctx, package.kind == "editable", draft)
    _note_left_out(data, roots, draft)
    requirements_files(ctx, draft, walked, lines, python, ctx.source)
    return draft


def _note_left_out(data: dict, roots: list[Locked], draft: Draft) -> None:
    extras = sorted({extra for root in roots for extra in root.optional})
    groups: list[str] = []
    for entry in data.get("package") or []:
        if isinstance(entry, dict) and any(entry.get("name") == root.name for root in roots):
            found = entry.get("dev-dependencies")
            groups += [name for name in found if name not in groups] if isinstance(found, dict) else []
    if extras:
        draft.notes.append(f"Optional extras are not installed ({', '.join(extras)}), as with `uv export`.")
    if groups:
        draft.notes.append(f"Dependency groups are left out ({', '.join(groups)}).")


# --------------------------------------------------------------------------------------------------
# poetry.lock


def poetry_accepts(text: str | None) -> Callable[[str], bool]:
    """A Poetry version constraint (`^1.2`, `~1.2.3`, `>=1,<2`, `1.2.*`, `*`, `a || b`) as a test on versions."""
    text = (text or "").strip()
    if text in ("", "*"):
        return lambda version: True
    tests = [_all_of(part) for part in re.split(r"\s*\|\|?\s*", text) if part.strip()]
    return lambda version: any(test(version) for test in tests)


def _all_of(text: str) -> Callable[[str], bool]:
    text = re.sub(r"(?<=[<>=!~^])\s+", "", text)  # ">= 2.0" -> ">=2.0"
    parts = [p for p in re.split(r"\s*,\s*|\s+(?=[<>=!~^\d])", text.strip()) if p.strip()]
    tests = [_one(part.replace(" ", "")) for part in parts]
    return lambda version: all(test(version) for test in tests)


def _one(part: str) -> Callable[[str], bool]:
    from packaging.version import InvalidVersion, Version

    def bounded(low: str, high: tuple[int, ...]) -> Callable[[str], bool]:
        upper = ".".join(map(str, high))
        return specifier_accepts(f">={low},<{upper}")

    if part in ("", "*"):
        return lambda version: True
    if part[0] in "^~" and not part.startswith("~="):
        low = part[1:]
        try:
            numbers = [int(x) for x in Version(low).release]
        except InvalidVersion:
            return lambda version: True
        if part[0] == "^":
            first = next((i for i, n in enumerate(numbers) if n), len(numbers) - 1)
            high = tuple(numbers[:first]) + (numbers[first] + 1,)
        else:
            keep = 1 if len(numbers) == 1 else 2
            high = tuple(numbers[:keep - 1]) + (numbers[keep - 1] + 1,)
        return bounded(low, high)
    if part[0].isdigit():
        return specifier_accepts(f"=={part}")
    return specifier_accepts(part)


def _poetry_edges(name: str, spec) -> list[tuple[Edge, bool]]:
    """(edge, optional) for one entry of a `dependencies` table: a constraint, a table, or a list of tables."""
    if isinstance(spec, list):
        return [pair for item in spec for pair in _poetry_edges(name, item)]
    if isinstance(spec, str):
        return [(Edge(name, accepts=poetry_accepts(spec)), False)]
    if not isinstance(spec, dict):
        return []
    markers = [str(spec["markers"])] if isinstance(spec.get("markers"), str) and spec["markers"].strip() else []
    if isinstance(spec.get("platform"), str):
        markers.append(f'sys_platform == "{spec["platform"]}"')
    marker = " and ".join(f"({m})" for m in markers)
    extras = tuple(e for e in spec.get("extras") or [] if isinstance(e, str))
    python = poetry_accepts(spec["python"]) if isinstance(spec.get("python"), str) else None
    accepts = poetry_accepts(spec["version"]) if isinstance(spec.get("version"), str) else None
    return [(Edge(name, marker, extras, accepts, python), bool(spec.get("optional")))]


def _poetry_package(entry: dict) -> Locked:
    package = Locked(entry["name"], str(entry.get("version") or ""))
    source = entry.get("source") if isinstance(entry.get("source"), dict) else {}
    kind, url = source.get("type"), str(source.get("url") or "")
    if kind == "git":
        commit = source.get("resolved_reference") or source.get("reference") or ""
        package.kind, package.location = "git", f"{url}@{commit}" if commit else url
        package.subdirectory = str(source.get("subdirectory") or "")
    elif kind == "url":
        package.kind, package.location = "url", url
    elif kind in ("file", "directory"):
        package.kind, package.location = ("path" if kind == "file" else "directory"), url
        package.editable = bool(entry.get("develop"))
    elif kind == "legacy":
        package.location = url
    dependencies = entry.get("dependencies") if isinstance(entry.get("dependencies"), dict) else {}
    optional: dict[str, Edge] = {}
    for name, spec in dependencies.items():
        for edge, is_optional in _poetry_edges(name, spec):
            if is_optional:
                optional.setdefault(normalise(name), edge)
            else:
                package.dependencies.append(edge)
    extras = entry.get("extras") if isinstance(entry.get("extras"), dict) else {}
    for extra, wanted in extras.items():
        names = [normalise(re.split(r"[\s(\[<>=!~;]", str(item), 1)[0]) for item in wanted or []]
        package.optional[extra] = [optional[name] for name in names if name in optional]
    return package


def _poetry_roots(pyproject: dict | None, draft: Draft) -> list[Edge] | None:
    """The project's own dependencies (main group only), or None when there is no pyproject.toml to read."""
    if not isinstance(pyproject, dict):
        return None
    from packaging.requirements import InvalidRequirement, Requirement

    roots: list[Edge] = []
    project = pyproject.get("project") if isinstance(pyproject.get("project"), dict) else {}
    for text in project.get("dependencies") or []:
        try:
            req = Requirement(str(text))
        except InvalidRequirement:
            continue
        roots.append(Edge(req.name, str(req.marker or ""), tuple(sorted(req.extras)),
                          specifier_accepts(str(req.specifier)) if req.specifier else None))
    poetry = (pyproject.get("tool") or {}).get("poetry") if isinstance(pyproject.get("tool"), dict) else None
    dependencies = poetry.get("dependencies") if isinstance(poetry, dict) else None
    skipped = []
    for name, spec in (dependencies or {}).items() if isinstance(dependencies, dict) else ():
        if normalise(name) == "python":
            continue
        for edge, optional in _poetry_edges(name, spec):
            (skipped.append(name) if optional else roots.append(edge))
    if skipped:
        draft.notes.append(f"Optional dependencies are not installed ({', '.join(dict.fromkeys(skipped))}), as "
                           "with `poetry install` without --extras.")
    groups = poetry.get("group") if isinstance(poetry, dict) and isinstance(poetry.get("group"), dict) else {}
    left_out = list(groups) + (["dev"] if isinstance(poetry, dict) and "dev-dependencies" in poetry else [])
    if left_out:
        draft.notes.append(f"Dependency groups are left out ({', '.join(dict.fromkeys(left_out))}).")
    return roots


def _main_roots(entries: list[dict], by_name: dict[str, list[Locked]]) -> list[Edge]:
    """Without pyproject.toml: the main group's packages that no locked package depends on (Poetry 2.1 `groups`
    and `markers`, older `category`); the walk reaches the rest with each edge's marker."""
    needed = {normalise(edge.name) for packages in by_name.values() for package in packages
              for edge in package.dependencies + [e for edges in package.optional.values() for e in edges]}
    roots = []
    for entry in entries:
        groups = entry.get("groups")
        main = "main" in groups if isinstance(groups, list) else entry.get("category", "main") == "main"
        if entry.get("optional") or not main or normalise(entry["name"]) in needed:
            continue
        markers = entry.get("markers")
        marker = markers.get("main", "") if isinstance(markers, dict) else markers if isinstance(markers, str) else ""
        roots.append(Edge(entry["name"], str(marker), version=str(entry.get("version") or "")))
    return roots


def convert_poetry(text: str, ctx: Context) -> Draft:
    data = _toml(text, ctx.source)
    draft = Draft()
    entries = [entry for entry in data.get("package") or [] if isinstance(entry, dict)
               and isinstance(entry.get("name"), str)]
    by_name: dict[str, list[Locked]] = {}
    for entry in entries:
        package = _poetry_package(entry)
        by_name.setdefault(normalise(package.name), []).append(package)
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    lock_python = str(metadata.get("python-versions") or "*")
    project = (ctx.pyproject or {}).get("project") if isinstance((ctx.pyproject or {}).get("project"), dict) else {}
    requires = str(project.get("requires-python") or "")
    lock_accepts, project_accepts = poetry_accepts(lock_python), specifier_accepts(requires)
    words = " and ".join(w for w in (lock_python if lock_python != "*" else "", requires) if w) or "any version"
    python = choose_python(ctx, lambda v: lock_accepts(v) and project_accepts(v), words, draft)
    roots = _poetry_roots(ctx.pyproject, draft)
    if roots is None:
        draft.notes.append("No pyproject.toml beside the lock: the main group's packages are taken from the lock.")
        roots = _main_roots(entries, by_name)
    walked = walk(roots, lambda edge: index_of(edge, by_name.get(normalise(edge.name), [])), python)
    lines = project_line(ctx, _poetry_installable(ctx.pyproject), draft) if ctx.pyproject is not None else []
    requirements_files(ctx, draft, walked, lines, python, ctx.source)
    return draft


def _poetry_installable(pyproject: dict | None) -> bool:
    if not isinstance(pyproject, dict) or "build-system" not in pyproject:
        return False
    poetry = (pyproject.get("tool") or {}).get("poetry") if isinstance(pyproject.get("tool"), dict) else None
    return not (isinstance(poetry, dict) and poetry.get("package-mode") is False)
