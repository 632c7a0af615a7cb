"""User settings: a dataclass read from a TOML file in the platform's config folder (README, "Settings").

The app and the commands receive a Config; tests build one directly so the developer's own
settings never leak into a run. The app's Settings screen changes the keys in `SETTINGS` with `save`,
which rewrites only those lines: the user's comments and other keys stay as they are.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, fields, replace
from pathlib import Path

from wizard.core.common.errors import UserError
from wizard.core.common.fileio import read_file_bytes

DEFAULT_HUB = "https://mybinder.org"
DEFAULT_GITHUB_API = "https://api.github.com"


# What the launch link opens when nothing else is chosen: the hub's default, or one of these.
INTERFACES = ("", "lab", "classic", "rstudio")


@dataclass(frozen=True)
class Config:
    hub_url: str = DEFAULT_HUB
    github_api: str = DEFAULT_GITHUB_API
    # Where a repository named without a provider lives (`--repo owner/name`, the launch step's "another
    # repository"); the origin remote always says its own. One of links.PROVIDERS' prefixes.
    default_provider: str = "gh"
    # What launch links open when nothing else is chosen: one of INTERFACES ("": the hub's default).
    default_interface: str = ""
    # The user name offered when a push to an HTTPS remote (not github.com) asks for credentials.
    git_username: str = ""
    # Seconds without any byte from the hub before the build log warns that it looks stalled.
    stall_warning_seconds: float = 60.0
    # Where the install check reaches PyPI (a mirror); None: $PIP_INDEX_URL, else https://pypi.org/simple.
    package_index: str | None = None

    @classmethod
    def load(cls, path: Path | None = None) -> "Config":
        """Read the user's config file if there is one; unknown keys and bad values are ignored."""
        path = path or config_path()
        try:
            text = read_file_bytes(path, limit=100_000, root=None).decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return cls()
        import tomllib  # here: most people never write a config file, and the app's start-up is measured

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
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
        if values.get("default_interface", "") not in INTERFACES:
            del values["default_interface"]
        return replace(cls(), **values)

    def save(self, path: Path | None = None) -> Path:
        """Write the keys in SETTINGS to the config file (created when missing) and return its path. A
        key already in the file is rewritten on its line; the rest of the file is kept as it is. Raises
        SettingsNotSaved or CannotWrite (both UserErrors) when it cannot be written; the file is then unchanged."""
        from wizard.core.common.fileio import write_file

        path = path or config_path()
        try:
            text = read_file_bytes(path, limit=100_000, root=None).decode("utf-8")
        except FileNotFoundError:
            text = ""
        except UnicodeDecodeError:
            raise SettingsNotSaved(f"{path} is not UTF-8 text, so binder-wizard does not change it.",
                                   "Fix or remove the file, then save again.") from None
        except OSError as error:
            raise SettingsNotSaved(f"{path} cannot be read ({error.strerror or error}), so binder-wizard does not "
                                   "change it.", "Check the file, then save again.") from None
        lines = text.splitlines()
        top = next((i for i, line in enumerate(lines) if line.lstrip().startswith("[")), len(lines))
        for key in SETTINGS:
            value = getattr(self, key)
            line = f"{key} = {_toml_string(value)}"
            at = next((i for i in range(top) if re.match(rf"\s*{key}\s*=", lines[i])), None)
            if at is not None:
                lines[at] = line
            elif value != getattr(Config(), key):
                lines.insert(top, line)
                top += 1
        new_text = "\n".join(lines) + "\n"
        import tomllib

        try:  # e.g. a key written "quoted" or over several lines: never leave a file that reads differently
            saved = tomllib.loads(new_text)
        except tomllib.TOMLDecodeError:
            saved = {}
        if any(saved.get(key, getattr(Config(), key)) != getattr(self, key) for key in SETTINGS):
            raise SettingsNotSaved(f"{path} is written in a way binder-wizard cannot change safely.",
                                   "Edit it with a text editor instead (the README's \"Settings\" lists the keys).")
        return write_file(path, new_text.encode("utf-8"), root=None)


class SettingsNotSaved(UserError, OSError):
    """The config file could not be changed safely; it is as it was."""


# The keys the Settings screen shows and saves, in its order.
SETTINGS = ("hub_url", "default_provider", "default_interface", "github_api", "git_username")


def _toml_string(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's; non-ASCII stays as it is: TOML has no surrogates)."""
    import json

    return json.dumps(value, ensure_ascii=False)


def config_path() -> Path:
    override = os.environ.get("BINDER_WIZARD_CONFIG")
    if override:
        return Path(override)
    from platformdirs import user_config_dir

    return Path(user_config_dir("binder-wizard")) / "config.toml"
