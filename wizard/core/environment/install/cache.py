"""Results of the install check, kept per (file contents, Python, platform, indexes) in the user cache folder.

Re-checking unchanged files costs a hash and a small JSON read. Only finished answers are kept: a
"skipped" (offline, timed out) result is never stored, so coming back online checks again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

SCHEMA = 1  # bump when the stored shape or the meaning of a result changes


def default_folder() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("binder-wizard", appauthor=False)) / "install"


def key(parts: dict) -> str:
    blob = json.dumps({"schema": SCHEMA, **parts}, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def load(folder: Path, digest: str) -> dict | None:
    try:
        data = json.loads((folder / "results" / f"{digest}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("schema") == SCHEMA else None


def store(folder: Path, digest: str, data: dict) -> None:
    _write(folder / "results" / f"{digest}.json", {"schema": SCHEMA, **data})


def load_map(folder: Path, name: str) -> dict[str, str]:
    """A small string -> string table kept beside the results (facts that never change, e.g. per file URL)."""
    try:
        data = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    table = data.get("map") if isinstance(data, dict) and data.get("schema") == SCHEMA else None
    return {k: v for k, v in table.items() if isinstance(k, str) and isinstance(v, str)} if isinstance(table, dict) \
        else {}


def store_map(folder: Path, name: str, table: dict[str, str], limit: int = 50_000) -> None:
    items = list(table.items())[-limit:]  # the newest entries when it grows too big
    _write(folder / f"{name}.json", {"schema": SCHEMA, "map": dict(items)})


def _write(path: Path, data: dict) -> None:
    """Written atomically (a half-written file would be read back as garbage); failures are ignored."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out)
        os.replace(temporary, path)
    except OSError:
        pass
