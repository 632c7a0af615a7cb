"""A quick summary of a project folder's Git state for the first screen.

It reads `.git` directly instead of importing GitPython, so the first frame is not delayed
(GitPython costs ~70 ms to import); the Publish step uses GitPython for real work. What Binder
will build comes from `wizard.core.environment.detection`, which the overview asks after its first frame.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from wizard.core.common import fileio


@dataclass(frozen=True)
class ProjectOverview:
    path: Path
    is_git_repo: bool
    branch: str | None  # None when not a repo, or HEAD is detached
    detached_sha: str | None
    origin_url: str | None


def _git_dir(path: Path) -> Path | None:
    dot_git = path / ".git"
    if dot_git.is_dir():
        return dot_git
    if dot_git.is_file():  # worktrees and submodules: "gitdir: <path>"
        try:
            text = dot_git.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
        match = re.match(r"gitdir:\s*(.+)", text.strip())
        if match:
            target = Path(match.group(1))
            return target if target.is_absolute() else (path / target).resolve()
    return None


def read_text(path: Path) -> str:
    """The file's text, or "" when it cannot be read or is not a regular file (also used by `links`)."""
    try:
        return fileio.read_text(path, limit=1_000_000)
    except OSError:
        return ""


def _origin_url(git_dir: Path) -> str | None:
    section = None
    for raw in read_text(git_dir / "config").splitlines():
        line = raw.strip()
        if line.startswith("["):
            section = line
        elif section is not None and re.fullmatch(r'\[remote\s+"origin"\]', section):
            key, _, value = line.partition("=")
            if key.strip().lower() == "url":
                return value.strip() or None
    return None


def summarise(path: Path) -> ProjectOverview:
    git_dir = _git_dir(path)
    branch = detached = origin = None
    if git_dir is not None:
        head = read_text(git_dir / "HEAD").strip()
        if head.startswith("ref:"):
            branch = head.removeprefix("ref:").strip().removeprefix("refs/heads/")
        elif re.fullmatch(r"[0-9a-f]{40,64}", head):
            detached = head
        origin = _origin_url(git_dir)
    return ProjectOverview(path, git_dir is not None, branch, detached, origin)
