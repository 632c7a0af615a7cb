"""Medium data, one action (issue 17): a file over 10 MB leaves the repository and is downloaded at build time.

The user puts the file on a public host and gives its URL. `plan_move` works out every change, for a diff
the user sees first: postBuild written or extended (`#!/bin/bash`, `set -e`, `mkdir -p` for the folders,
one `wget -q -O <path> <url>` line per file: the seed's recipe) and the file added to .gitignore.
`apply_move` writes exactly that (through `fileio.write_file`: atomic, never through a link out of the
project), after checking that neither file changed since the preview. The data file itself is never
deleted or changed; a file git already tracks is only untracked (`data_move_adapter.stop_tracking`:
`git rm --cached`, the file stays on disk).

Checking the URL (it answers, the same size, the same bytes when the user agrees to a download) is the
caller's part, with `common.url_check_adapter`; `compare` turns its answers into a verdict and
`local_digest` hashes the local file. `build_time_words` says what the download adds to every build.

Extending an existing postBuild keeps every byte of it: lines are only added at the end (a `#!/bin/bash`
line at the top when it has none, so bash runs it). A postBuild written in another language (a Python
shebang) is not extended: the download is then the user's to add, and the error says how.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import shlex
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from wizard.core.common.lazy_regex import lazy_compile
from wizard.core.common.errors import UserError
from wizard.core.common.fileio import check_inside, read_file_bytes, write_file
from wizard.core.common.safe_text import has_control, safe_text

MB = 1_000_000
MARKER = "# Data kept out of the repository: downloaded into the image while Binder builds it (binder-wizard)."
SLOW_HOST, FAST_HOST = 5 * MB, 50 * MB  # bytes per second a build downloads at, from a slow or a fast host
MAX_SCRIPT = 1_000_000
_SHELLS = {"bash", "sh", "dash"}
_SET_E = lazy_compile(r"^\s*set\s+(?:[^#]*\s)?(?P<sign>[-+])[a-zA-Z]*e[a-zA-Z]*\b|^\s*set\s+(?P<o>[-+])o\s+errexit\b")


class DataMoveError(UserError):
    """A move that cannot be done as asked; the message says why and what to do. Nothing was written."""


@dataclass(frozen=True)
class DataFile:
    path: str  # relative to the project, forward slashes
    url: str
    size: int  # bytes on this computer


@dataclass(frozen=True)
class MovePlan:
    project: Path
    files: tuple[DataFile, ...]
    postbuild: str  # where postBuild is (or will be), relative to the project
    postbuild_old: bytes | None  # None: it does not exist yet
    postbuild_new: bytes
    gitignore_old: bytes | None
    gitignore_new: bytes
    untrack: tuple[str, ...] = ()  # files git tracks now: untracked (kept on disk) when the plan is applied
    notes: tuple[str, ...] = field(default=())

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)

    @property
    def changed(self) -> bool:
        return self.postbuild_new != (self.postbuild_old or b"") or self.gitignore_new != (self.gitignore_old or b"") \
            or bool(self.untrack)

    def diff(self) -> list[str]:
        """Every change, as unified diff lines (no line ends), then a line per file git stops tracking."""
        lines = _diff(self.postbuild_old, self.postbuild_new, self.postbuild)
        lines += _diff(self.gitignore_old, self.gitignore_new, ".gitignore")
        lines += [f"git stops tracking {safe_text(path)} (git rm --cached): the file stays on your disk"
                  for path in self.untrack]
        return lines

    def summary(self) -> str:
        names = ", ".join(f.path for f in self.files)
        return (f"{names} will be downloaded by {self.postbuild} while Binder builds the image, and left out of "
                f"git by .gitignore. {build_time_words(self.total_bytes)} Your copy stays where it is.")


def _diff(old: bytes | None, new: bytes, name: str) -> list[str]:
    if old == new:
        return []
    before = (old or b"").decode("utf-8", "replace").splitlines()
    after = new.decode("utf-8", "replace").splitlines()
    return list(difflib.unified_diff(before, after, "/dev/null" if old is None else f"a/{name}", f"b/{name}",
                                     lineterm="", n=2))


def build_time_words(total_bytes: int) -> str:
    """What the downloads add to every build, as a range from a fast to a slow host."""
    fast, slow = total_bytes / FAST_HOST, total_bytes / SLOW_HOST
    return (f"The download adds about {_duration(fast)}–{_duration(slow)} to every build (at 5–50 MB/s, depending "
            f"on the host), and the image grows by {total_bytes / MB:,.0f} MB.")


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    return f"{seconds / 60:,.0f} min"


def big_files(project: Path, files: Iterable[str], over: int = 10 * MB) -> list[tuple[str, int]]:
    """(path, size) of the files over `over` bytes (the medium tier starts at 10 MB), biggest first; links,
    folders and files that vanished are left out. `files`: what git would commit
    (file_listing_adapter.committable_files)."""
    found = []
    for path in files:
        try:
            info = os.lstat(Path(project) / path)
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode) and info.st_size > over:
            found.append((path.replace(os.sep, "/"), info.st_size))
    return sorted(found, key=lambda item: (-item[1], item[0]))


# ----------------------------------------------------------------------------- checking what the user typed


def check_url_form(url: str) -> str:
    """The URL as given (stripped), or a DataMoveError saying why a build could not download from it."""
    url = url.strip()
    shown = safe_text(url)[:200]
    if not url:
        raise DataMoveError("No URL given.", "Paste the public https:// address where the file now lives.")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise DataMoveError(f"{shown} is not a valid URL.", "Copy the address from your browser.") from None
    scheme = parts.scheme.lower()
    if scheme in ("ftp", "ftps", "sftp", "scp", "ssh"):
        raise DataMoveError(f"{shown} is a {scheme.upper()} address; mybinder.org blocks {scheme.upper()}, so the "
                            "build could not download it.",
                            "Put the file where it is served over https:// (Zenodo, figshare, OSF, a GitHub "
                            "release) and use that address.")
    if scheme not in ("http", "https") or not parts.hostname:
        raise DataMoveError(f"{shown} is not a web address (http:// or https://).",
                            "Paste the public https:// address where the file now lives.")
    if "@" in parts.netloc:
        raise DataMoveError("The URL holds a user name or password; postBuild is public, so everyone would see it.",
                            "Publish the file where anyone can download it without a password.")
    if has_control(url) or any(c.isspace() for c in url):
        raise DataMoveError(f"The URL contains spaces or control characters: {shown!r}.",
                            "Copy the address from your browser's address bar (spaces are written %20).")
    return url


def _data_file(project: Path, path: str, url: str) -> DataFile:
    rel = path.replace(os.sep, "/").strip()
    full = project / rel
    if not rel or rel.startswith("/") or ".." in rel.split("/"):
        raise DataMoveError(f"{safe_text(rel)!r} is not a file inside the project.")
    try:
        check_inside(full, project)
        info = full.lstat()
    except OSError as error:
        raise DataMoveError(f"{safe_text(rel)} cannot be read: {getattr(error, 'strerror', None) or error}.",
                            getattr(error, "next_action", "") or "Check that the file is still there.") from None
    if not stat.S_ISREG(info.st_mode):
        raise DataMoveError(f"{safe_text(rel)} is not a regular file (a link, folder or device).",
                            "Move the real file; binder-wizard does not follow links.")
    return DataFile(rel, check_url_form(url), info.st_size)


# ----------------------------------------------------------------------------- the plan


def plan_move(project: Path, moves: Sequence[tuple[str, str]], tracked: Iterable[str] = ()) -> MovePlan:
    """Every change that moving these (path, url) files out of the repository makes; nothing is written.
    `tracked`: the files git tracks now (they are untracked, and kept on disk, when the plan is applied)."""
    from wizard.core.environment import config_folder
    from wizard.core.publish.audit import LARGE_DATA, gitignore_text, large_data_advice

    project = Path(project)
    files = tuple(_data_file(project, path, url) for path, url in moves)
    if not files:
        raise DataMoveError("No file to move.")
    folder = config_folder(project)
    prefix = f"{folder}/" if folder else ""
    if (project / prefix / "Dockerfile").is_file():
        raise DataMoveError(
            f"This project builds from {prefix}Dockerfile, and Binder then ignores postBuild.",
            "Add the download to the Dockerfile instead, after the COPY line: "
            f"`RUN wget -q -O {shlex.quote(files[0].path)} {shlex.quote(files[0].url)}`.")
    postbuild = f"{prefix}postBuild"
    old = _read(project / postbuild, project)
    new, notes = _postbuild_text(old, files, postbuild)
    gitignore_old = _read(project / ".gitignore", project)
    existing = (gitignore_old or b"").decode("utf-8", "replace")
    present = {line.strip() for line in existing.splitlines()}
    patterns = [p for p in (_gitignore_pattern(f.path) for f in files)
                if p not in present and p.lstrip("/") not in present]
    gitignore_new = gitignore_text(existing, patterns).encode("utf-8") if patterns else (gitignore_old or b"")
    if gitignore_old is None and not patterns:
        gitignore_new = b""
    tracked = set(tracked)
    untrack = tuple(f.path for f in files if f.path in tracked)
    notes = list(notes)
    for data in files:
        if data.size > LARGE_DATA:
            notes.append(f"{data.path} is {data.size / MB:,.0f} MB, more than a Binder image should carry. Better: "
                         f"{large_data_advice(data.path)}.")
    return MovePlan(project, files, postbuild, old, new, gitignore_old, gitignore_new, untrack, tuple(notes))


def _read(path: Path, project: Path) -> bytes | None:
    try:
        return read_file_bytes(path, MAX_SCRIPT, root=project)
    except FileNotFoundError:
        return None
    except UserError:  # a link out of the project: OutsideProject says what to do
        raise
    except OSError as error:
        raise DataMoveError(f"{path.relative_to(project)} cannot be read: {error.strerror or error}.",
                            "Check the file, then try again.") from None


def _gitignore_pattern(path: str) -> str:
    """A .gitignore line matching exactly this file: anchored, with git's special characters escaped."""
    escaped = re.sub(r"([*?\[\\])", r"\\\1", path)
    if escaped.endswith(" "):
        escaped = escaped[:-1] + "\\ "
    return "/" + escaped


def _postbuild_text(old: bytes | None, files: Sequence[DataFile], name: str) -> tuple[bytes, list[str]]:
    """The new postBuild (bytes), and notes about files it already downloads."""
    notes: list[str] = []
    if old is None:
        text, newline = "#!/bin/bash\nset -e\n", "\n"
    else:
        try:
            text = old.decode("utf-8")
        except UnicodeDecodeError:
            raise DataMoveError(f"{name} is not UTF-8 text, so binder-wizard cannot add lines to it.",
                                "Save it as UTF-8, then try again.") from None
        newline = "\r\n" if "\r\n" in text else "\n"
        first = text.split("\n", 1)[0].rstrip("\r").lstrip("\ufeff")
        if first.startswith("#!"):
            words = first[2:].split()
            interpreter = words[0].rsplit("/", 1)[-1] if words else ""
            if interpreter == "env":
                interpreter = next((w for w in words[1:] if not w.startswith("-") and "=" not in w), "")
            if interpreter not in _SHELLS:
                raise DataMoveError(
                    f"{name} is a {interpreter or 'non-shell'} script, so a shell `wget` line cannot be added to it.",
                    "Add the download to it in its own language, for example in Python: "
                    f"urllib.request.urlretrieve({files[0].url!r}, {files[0].path!r}).")
        else:
            text = "#!/bin/bash" + newline + text  # without it /bin/sh runs the script
        if text and not text.endswith("\n"):
            text += newline
    lines = text.splitlines()
    block: list[str] = []
    downloaded = {path: number for number, line in enumerate(lines, 1) for path in _downloaded_paths(line)}
    wanted = []
    for data in files:
        if data.path in downloaded:
            notes.append(f"{name} already downloads {data.path} (line {downloaded[data.path]}); no line was added "
                         "for it.")
        else:
            wanted.append(data)
    if not wanted:
        return (old if old is not None else text.encode("utf-8")), notes
    if old is not None and not _errexit_on(lines):
        block.append("set -e")
    if MARKER not in (line.strip() for line in lines):
        block.append(MARKER)
    present = {line.strip() for line in lines}
    for folder in dict.fromkeys(d.path.rpartition("/")[0] for d in wanted):
        if folder and f"mkdir -p {shlex.quote(folder)}" not in present:
            block.append(f"mkdir -p {shlex.quote(folder)}")
    block += [f"wget -q -O {shlex.quote(d.path)} {shlex.quote(d.url)}" for d in wanted]
    if lines and lines[-1].strip():
        block.insert(0, "")  # a blank line between the user's commands and the downloads
    return (text + newline.join(block) + newline).encode("utf-8"), notes


def _errexit_on(lines: list[str]) -> bool:
    """Whether `set -e` holds at the end of the script (the shebang's -e, or the last `set -e`/`set +e`)."""
    on = bool(lines) and lines[0].startswith("#!") and re.search(r"\s-[a-zA-Z]*e", lines[0]) is not None
    for line in lines[1:]:
        match = _SET_E.match(line)
        if match:
            on = (match.group("sign") or match.group("o")) == "-"
    return on


def _downloaded_paths(line: str) -> list[str]:
    """The output paths of a `wget -O path` or `curl -o path` line."""
    try:
        words = shlex.split(line, comments=True)
    except ValueError:
        return []
    if not words or words[0] not in ("wget", "curl"):
        return []
    out = []
    for flag, value in zip(words, words[1:]):
        if flag in ("-O", "-o", "--output-document", "--output"):
            out.append(value.removeprefix("./"))
    out += [w.split("=", 1)[1].removeprefix("./") for w in words if w.startswith(("--output-document=", "--output="))]
    return out


# ----------------------------------------------------------------------------- applying it


def apply_move(plan: MovePlan) -> list[str]:
    """Write the plan's postBuild and .gitignore (the files' own paths returned). Raises DataMoveError when
    either changed since the plan was made (nothing written then), CannotWrite/OutsideProject from the
    writer. Untracking (git) is the caller's: `data_move_adapter.stop_tracking(plan.project, plan.untrack)`."""
    project = plan.project
    for rel, old in ((plan.postbuild, plan.postbuild_old), (".gitignore", plan.gitignore_old)):
        if _read(project / rel, project) != old:
            raise DataMoveError(f"{rel} changed since the preview, so nothing was written.",
                                "Look at the new preview, then confirm again.")
    written = []
    if plan.postbuild_new != (plan.postbuild_old or b""):
        mode = None if plan.postbuild_old is not None else 0o777 & ~_umask()  # a new script is executable
        write_file(project / plan.postbuild, plan.postbuild_new, root=project, mode=mode)
        written.append(plan.postbuild)
    if plan.gitignore_new != (plan.gitignore_old or b""):
        write_file(project / ".gitignore", plan.gitignore_new, root=project)
        written.append(".gitignore")
    return written


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


# ----------------------------------------------------------------------------- the same file?


@dataclass(frozen=True)
class Verdict:
    ok: bool  # the URL serves this file (as far as was checked)
    message: str  # what was found, in plain words
    checked_bytes: bool = False  # the bytes were compared, not only the size


def compare(data: DataFile, check, remote=None, local_sha256: str | None = None) -> Verdict:
    """The verdict on `data.url` from a url_check_adapter.UrlCheck (`check`) and, when the user agreed to a
    download, its RemoteBytes (`remote`) and the local file's sha256."""
    if not check.ok:
        return Verdict(False, f"{data.url} cannot be fetched: {check.problem}.")
    if check.size is not None and check.size != data.size:
        return Verdict(False, f"The file at {data.url} is {check.size:,} bytes, yours is {data.size:,}: it is not "
                              "the same file (or not the whole of it).")
    if remote is not None:
        if remote.digest is None:
            return Verdict(False, f"Downloading {data.url} to compare failed: {remote.problem}.")
        if remote.digest != local_sha256:
            return Verdict(False, f"The file at {data.url} has other bytes than yours ({remote.size:,} bytes "
                                  "downloaded): it is not the same file.", True)
        return Verdict(True, f"{data.url} serves exactly your file ({data.size:,} bytes, same contents).", True)
    if check.size is None:
        return Verdict(True, f"{data.url} answers, but does not say how big the file is; download it to compare "
                             "if you are not sure it is the same file.")
    return Verdict(True, f"{data.url} answers with a file of the same size ({data.size:,} bytes).")


def local_digest(project: Path, path: str, limit: int | None = None) -> str:
    """The sha256 of a project file, read in chunks (data files are big), never through a link out of it."""
    full = Path(project) / path
    check_inside(full, project)
    digest = hashlib.sha256()
    fd = os.open(full, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise DataMoveError(f"{safe_text(path)} is not a regular file.")
        read = 0
        while chunk := handle.read(1 << 20):
            read += len(chunk)
            if limit is not None and read > limit:
                break
            digest.update(chunk)
    return digest.hexdigest()
