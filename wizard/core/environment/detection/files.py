"""Reading a project's files the way repo2docker does, or from the editor's unsaved text."""

from __future__ import annotations

import os
from pathlib import Path

from wizard.core.common.fileio import FileTooLarge, read_file_bytes
from wizard.core.environment.detection.rules import MAX_BYTES


class Unreadable(Exception):
    """A file repo2docker could not read: `kind` is the exception it would raise, `message` its text."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind, self.message = kind, message


class ProjectFiles:
    """File lookups relative to the project, answered from one directory listing per folder."""

    def __init__(self, root: Path, overrides: dict[str, str] | None) -> None:
        self.root = str(root)
        self.overrides = {normalise(k): v for k, v in (overrides or {}).items()}
        self._texts: dict[str, str] = {}
        self._listings: dict[str, dict[str, tuple[bool, bool, bool]] | None] = {}
        self.symlinks: set[str] = set()  # relative paths of the links seen in the listings
        self._found: dict[str, tuple[bool, bool, bool]] = {}

    def absolute(self, rel: str) -> str:
        return os.path.join(self.root, rel)

    def listing(self, folder: str) -> dict[str, tuple[bool, bool, bool]] | None:
        """name -> (exists, is_file, is_dir), following symlinks like os.path; None when unreadable."""
        if folder not in self._listings:
            entries: dict[str, tuple[bool, bool, bool]] | None = {}
            try:
                with os.scandir(self.absolute(folder) if folder else self.root) as scan:
                    for entry in scan:
                        is_file, is_dir = entry.is_file(), entry.is_dir()
                        exists = is_file or is_dir or os.path.exists(entry.path)
                        entries[entry.name] = (exists, is_file, is_dir)
                        if entry.is_symlink():  # free: scandir's d_type
                            self.symlinks.add(f"{folder}/{entry.name}" if folder else entry.name)
            except OSError:
                entries = None
            self._listings[folder] = entries
        return self._listings[folder]

    def _lookup(self, rel: str) -> tuple[bool, bool, bool]:
        found = self._found.get(rel)
        if found is None:  # the build packs ask about the same few names ~60 times an analysis
            found = self._found[rel] = self._look_up(rel)
        return found

    def _look_up(self, rel: str) -> tuple[bool, bool, bool]:
        folder, _, name = rel.rpartition("/")
        if folder.count("/") == 0:
            listing = self.listing(folder)
            if listing is not None:
                return listing.get(name, (False, False, False))
        path = self.absolute(rel)
        return os.path.exists(path), os.path.isfile(path), os.path.isdir(path)

    def exists(self, rel: str) -> bool:  # os.path.exists: a folder with the name counts too
        return rel in self.overrides or self._lookup(rel)[0]

    def isdir(self, rel: str) -> bool:
        if any(key.startswith(rel + "/") for key in self.overrides):
            return True  # saving the edited file will create the folder
        return self._lookup(rel)[2]

    def isfile(self, rel: str) -> bool:
        return rel in self.overrides or self._lookup(rel)[1]

    def raw(self, rel: str) -> bytes:
        if rel in self.overrides:
            data = self.overrides[rel].encode("utf-8", "surrogatepass")
            if len(data) > MAX_BYTES:
                raise Unreadable("FileTooLarge", str(len(data)))
            return data
        try:
            return read_file_bytes(self.absolute(rel), MAX_BYTES)
        except FileTooLarge as error:  # parsing megabytes of YAML or TOML takes seconds; no build needs it
            raise Unreadable("FileTooLarge", str(error.size)) from None
        except IsADirectoryError:
            raise Unreadable("IsADirectoryError", f"[Errno 21] Is a directory: '{rel}'") from None
        except OSError as error:
            raise Unreadable(type(error).__name__, f"{error.strerror or error}: '{rel}'") from None

    def text(self, rel: str) -> str:
        """`open(rel).read()`: UTF-8 (the build image's locale), universal newlines, BOM kept."""
        if rel in self._texts:
            return self._texts[rel]
        if rel in self.overrides:
            self.raw(rel)  # the size check
            text = self.overrides[rel]
        else:
            data = self.raw(rel)
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as error:
                raise Unreadable("UnicodeDecodeError", f"'utf-8' codec can't decode byte "
                                 f"0x{data[error.start]:02x} in position {error.start}: {error.reason}") from None
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        self._texts[rel] = text
        return text


def normalise(rel: str) -> str:
    """A relative path as the detector keys it: forward slashes, no leading './' or trailing '/'."""
    rel = rel.replace("\\", "/")
    while rel.startswith("./"):
        rel = rel[2:]
    return rel.strip("/")
