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
    """Written atomically (a half-written file would be read back as garbage); failures are ignored."""
    target = folder / "results"
    try:
        target.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump({"schema": SCHEMA, **data}, out)
        os.replace(temporary, target / f"{digest}.json")
    except OSError:
        pass
