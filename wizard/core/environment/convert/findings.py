"""What the detector says about the environment descriptions Binder ignores (called from detection.listing).

Every such file joins the ignored files with the reason; then, per file:

* error (`lock-ignored`, `manager-ignored`) when it is the only environment description: Binder finds nothing
  it reads, so mybinder.org refuses to build;
* warning (`lock-ignored`) when Binder builds from other files that do not pin what the lock pins (a
  requirements.txt written by hand beside a uv.lock): the versions on Binder differ from the locked ones;
* warning (`lock-out-of-date`) on a file binder-wizard generated from a lock that has changed since;
* info when Binder builds from other files and the file is a manifest or a table that holds no versions.

A lock whose conversion Binder reads, up to date, or whose pins the used files already hold (`uv export >
requirements.txt`), gets no finding: it is only listed as ignored.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from wizard.core.common.lazy_regex import lazy_compile
from wizard.core.common.diagnostics import Diagnostic
from wizard.core.environment.convert.sources import (DEVCONTAINER, DEVCONTAINER_PATHS, FILE_KINDS, TABLE_KINDS, Kind,
                                                     digest, generated_from, kind_of)

LOCK_IGNORED = "lock-ignored"
MANAGER_IGNORED = "manager-ignored"
OUT_OF_DATE = "lock-out-of-date"
CONVERT_CODES = (LOCK_IGNORED, OUT_OF_DATE)  # findings a conversion fixes
GENERATED_NAMES = ("requirements.txt", "environment.yml", "environment.yaml", "install.R")
_TABLE = lazy_compile(r"^[ \t]*\[\[?[ \t]*tool\.(poetry|pixi|uv)[ \t]*[.\]]", re.MULTILINE)
_digests: dict[tuple, str] = {}


def is_foreign(rel: str) -> bool:
    return kind_of(rel) is not None


def _convert_words(kind: Kind, folder: str) -> str:
    written = " and ".join(f"{folder}/{name}" if folder else name for name in kind.writes)
    return f"Write {written} from it: `binder-wizard convert --write` (or Ctrl+F in step 1)."


def note_foreign_files(state, pack: str | None, python: str | None, stopped: bool) -> None:
    """Add the ignored environment descriptions to `state.ignored`, and their findings to `state.notes`."""
    files, folder = state.files, state.binder_dir
    present: list[tuple[str, Kind]] = []
    for where in ([folder] if folder else []) + [""]:
        for name, kind in FILE_KINDS.items():
            rel = f"{where}/{name}" if where else name
            if files.isfile(rel):
                present.append((rel, kind))
    present += [(rel, DEVCONTAINER) for rel in DEVCONTAINER_PATHS if files.isfile(rel)]
    tables = _tables(files)
    if not present and not tables:
        return
    lock_names = {rel.rsplit("/", 1)[-1] for rel, _ in present}
    fresh, stale = _generated(state, present)
    used = [rel for rel in state.used if rel.rsplit("/", 1)[-1] in GENERATED_NAMES]
    only = pack is None and not stopped
    add = state.notes.append

    for rel, kind in present:
        if kind.lock:  # a manifest: its lock holds the versions
            covered = kind.lock in lock_names
            state.ignored[rel] = (f"Binder does not read {kind.what}" +
                                  (f"; convert {kind.lock} instead" if covered else
                                   f"; make the lock (`{kind.make_lock}`), then convert it"))
            if not covered and not stopped:
                add(_manager(rel, None, kind, only, pack))
            continue
        if kind is DEVCONTAINER:
            state.ignored[rel] = "Binder does not use Dev Containers"
            if not stopped:
                add(Diagnostic(rel, None, None, "error" if only else "info", MANAGER_IGNORED,
                               f"Binder does not use Dev Containers ({rel})"
                               + (", and finds no environment file it reads, so mybinder.org refuses to build."
                                  if only else f"; it builds {_what_binder_builds(pack)} instead."),
                               "List the packages in requirements.txt or environment.yml (step 1 makes them from "
                               "templates); a Dev Container's Dockerfile can become binder/Dockerfile, a last resort."))
            continue
        if rel in fresh:
            state.ignored[rel] = f"Binder does not read {kind.what}; {fresh[rel]} is generated from it"
            problem = None if stopped else _python_unsupported(state, rel, kind, python)
            if problem:
                add(Diagnostic(rel, None, None, "warning", LOCK_IGNORED, problem, _convert_words(kind, folder)))
            continue
        if kind.name == "requirements.in":
            state.ignored[rel] = "pip-tools input: Binder reads only the compiled requirements.txt"
        else:
            state.ignored[rel] = (f"Binder does not read {kind.what}; `binder-wizard convert` writes "
                                  f"{' and '.join(kind.writes)} from it")
        if stopped or any(source == rel for source, _ in stale.values()):
            continue  # the out-of-date generated file says it
        if only:
            add(Diagnostic(rel, None, None, "error", LOCK_IGNORED, _only_message(rel, kind), _convert_words(kind, folder)))
            continue
        problem = _differs(state, rel, kind, pack, python, used)
        if problem:
            add(Diagnostic(rel, None, None, "warning", LOCK_IGNORED, problem, _convert_words(kind, folder)))

    for generated, (source, kind) in stale.items():
        add(Diagnostic(generated, 1, None, "warning", OUT_OF_DATE,
                       f"{generated} was generated from {source}, which has changed since: Binder will build what "
                       f"the lock said before.", _convert_words(kind, folder).replace("Write", "Regenerate", 1)))
    for table, line in tables.items():
        kind = TABLE_KINDS[table]
        if kind.lock in lock_names or stopped:
            continue
        add(_manager("pyproject.toml", line, kind, only, pack))


def _only_message(rel: str, kind: Kind) -> str:
    if kind.name == "requirements.in":
        return (f"{rel} is pip-tools input (the packages you want, unpinned); Binder reads only the compiled "
                "requirements.txt, and there is none, so mybinder.org refuses to build this project.")
    return (f"Binder does not read {rel} ({kind.what}; repo2docker has no support for {kind.tool}), and finds no "
            "environment file it does read, so mybinder.org refuses to build this project.")


def _manager(rel: str, line: int | None, kind: Kind, only: bool, pack: str | None) -> Diagnostic:
    where = f"pyproject.toml's {kind.name} table" if rel == "pyproject.toml" else rel
    if only:
        message = (f"Binder does not read {where} ({kind.what}; repo2docker has no support for {kind.tool}), and "
                   "finds no environment file it does read, so mybinder.org refuses to build this project.")
    else:
        message = (f"Binder does not read {where} ({kind.what}); it builds {_what_binder_builds(pack)} "
                   "without it.")
    return Diagnostic(rel, line, None, "error" if only else "info", MANAGER_IGNORED, message,
                      f"Make {kind.lock} with `{kind.make_lock}`, then convert it: `binder-wizard convert --write` "
                      f"(or Ctrl+F on {kind.lock} in step 1).")


def _what_binder_builds(pack: str | None) -> str:
    from wizard.core.environment.detection.rules import PACK_NAMES

    return PACK_NAMES.get(pack or "", "its default environment")


def _tables(files) -> dict[str, int]:
    """[tool.poetry] / [tool.pixi] / [tool.uv] in the root pyproject.toml -> the line of the first header."""
    if not files.isfile("pyproject.toml"):
        return {}
    try:
        text = files.text("pyproject.toml")
    except Exception:  # unreadable: the detector reports that itself
        return {}
    found: dict[str, int] = {}
    for match in _TABLE.finditer(text):
        found.setdefault(match.group(1), text.count("\n", 0, match.start()) + 1)
    return found


def _source_digest(files, rel: str) -> str | None:
    if rel in files.overrides:
        return digest(files.raw(rel))
    path = files.absolute(rel)
    try:
        info = os.stat(path)
    except OSError:
        return None
    key = (path, info.st_mtime_ns, info.st_size)
    if key not in _digests:
        from wizard.core.common.fileio import read_file_bytes

        try:
            data = read_file_bytes(path, 50_000_000)
        except OSError:
            return None
        if len(_digests) > 64:
            _digests.clear()
        _digests[key] = digest(data)
    return _digests[key]


def _generated(state, present) -> tuple[dict[str, str], dict[str, tuple[str, Kind]]]:
    """({source: generated file} up to date, {generated file: (source, kind)} out of date), over the files Binder
    reads."""
    fresh: dict[str, str] = {}
    stale: dict[str, tuple[str, Kind]] = {}
    sources = {rel: kind for rel, kind in present}
    for rel in state.used:
        if rel.rsplit("/", 1)[-1] not in GENERATED_NAMES:
            continue
        try:
            head = state.files.text(rel)[:400]
        except Exception:
            continue
        made = generated_from(head)
        if made is None or made[0] not in sources:
            continue
        source, recorded = made
        now = _source_digest(state.files, source)
        if now is None:
            continue
        if now == recorded:
            fresh.setdefault(source, rel)
        else:
            stale[rel] = (source, sources[source])
    return fresh, stale


def _python_unsupported(state, rel: str, kind: Kind, python: str | None) -> str | None:
    """For uv.lock and poetry.lock: Binder's Python is one the lock does not support."""
    if not python or "runtime.txt" not in kind.writes or kind.name == "renv.lock":
        return None
    from wizard.core.environment.convert.plan import lock_pins

    locked = lock_pins(Path(state.files.root), rel, state.binder_dir, python)
    made_for = locked[1] if locked is not None else None
    if made_for and made_for != python:
        return (f"Binder will use Python {python}, which {rel} does not support (the lowest it does is {made_for}): "
                "what it installs is not what the lock says.")
    return None


def _differs(state, rel: str, kind: Kind, pack: str | None, python: str | None, used: list[str]) -> str | None:
    """Why what Binder builds is not what `rel` describes; None when the used files pin what it pins."""
    built = _what_binder_builds(pack)
    if kind.name == "requirements.in":
        if any(name.endswith("requirements.txt") for name in used):
            return None  # the usual pip-tools pair: requirements.txt is compiled from it
        return (f"{rel} is pip-tools input; Binder reads only a compiled requirements.txt and builds {built} "
                "without these packages.")
    if kind.name == "renv.lock":
        r_files = [name for name in state.used if name.rsplit("/", 1)[-1] in ("install.R", "DESCRIPTION")]
        return (f"Binder does not read {rel} ({kind.what}): it builds {built}"
                + (f" from {' and '.join(r_files)}" if r_files else "") +
                ", so the R packages on Binder may not be the locked versions.")
    from wizard.core.environment.convert.plan import disagreements, lock_pins, pins_in

    unsupported = _python_unsupported(state, rel, kind, python)
    if unsupported:
        return unsupported
    locked = lock_pins(Path(state.files.root), rel, state.binder_dir, python)
    expected = locked[0] if locked is not None else {}
    actual: dict[str, str] = {}
    for name in used:
        try:
            actual.update(pins_in(state.files.text(name), name.rsplit("/", 1)[-1], python))
        except Exception:
            continue
    if expected and actual:
        differences = disagreements(expected, actual)
        if not differences:
            return None
        shown = "; ".join(differences[:4]) + (f"; and {len(differences) - 4} more" if len(differences) > 4 else "")
        return (f"Binder does not read {rel} ({kind.what}): it builds {built} from {' and '.join(used)}, which "
                f"does not pin what the lock pins ({shown}).")
    reads = f" from {' and '.join(used)}" if used else ""
    return (f"Binder does not read {rel} ({kind.what}): it builds {built}{reads}, so the versions on Binder are not "
            "the locked ones.")
