"""User settings: a dataclass read from a TOML file in the platform's config folder.

The app and the commands receive a Config; tests build one directly so the developer's own
settings never leak into a run.
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from wizard.core.common.fileio import read_file_bytes

DEFAULT_HUB = "https://mybinder.org"
DEFAULT_GITHUB_API = "https://api.github.com"


@dataclass(frozen=True)
class Config:
    hub_url: str = DEFAULT_HUB
    github_api: str = DEFAULT_GITHUB_API
    # Seconds without any byte from the hub before the build log warns that it looks stalled.
    stall_warning_seconds: float = 60.0
    # Where the install check reaches PyPI (a mirror); None: $PIP_INDEX_URL, else https://pypi.org/simple.
    package_index: str | None = None

    @classmethod
    def load(cls, path: Path | None = None) -> "Config":
        """Read the user's config file if there is one; unknown keys and bad values are ignored."""
        path = path or config_path()
        try:
            data = tomllib.loads(read_file_bytes(path, limit=100_000, root=None).decode("utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return cls()
        known = {f.name: f.type for f in fields(cls)}
        values = {}
        for key, value in data.items():
            if key not in known or not isinstance(value, (str, int, float)) or isinstance(value, bool):
                continue
            if key.endswith("_seconds"):  # "abc", nan, -1 or 1e999 would break every wait that uses it
                try:
                    seconds = float(value)
                except (ValueError, OverflowError):
                    continue
                if math.isfinite(seconds) and seconds > 0:
                    values[key] = seconds
            else:
                values[key] = str(value)
        return replace(cls(), **values)


def config_path() -> Path:
    override = os.environ.get("BINDER_WIZARD_CONFIG")
    if override:
        return Path(override)
    from platformdirs import user_config_dir

    return Path(user_config_dir("binder-wizard")) / "config.toml"
