"""The project's Git facts as one value, `GitFacts`, read once and passed to whatever needs them.

`quick_git_facts` reads `.git`'s files directly, without running git or importing GitPython (~70 ms),
so the overview's first frame is not delayed. What only git itself can answer (which branches exist,
whether a remote has HEAD) is added by `git_facts_adapter.read_git_facts`. What Binder will build
comes from `wizard.core.environment`, not from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from wizard.core.common.lazy_regex import lazy_compile
from wizard.core.common import fileio

_SHA = lazy_compile(r"[0-9a-f]{40,64}")


@dataclass(frozen=True)
class GitFacts:
    path: Path  # the project folder
    git_dir: Path | None = None  # None: not a git repository
    common_dir: Path | None = None  # config, refs and info/ (a worktree's git_dir holds only its HEAD)
    branch: str | None = None  # None when not a repo, or HEAD is detached
    detached_sha: str | None = None
    origin_url: str | None = None
    head_sha: str | None = None  # None: no commit yet
    # Only git can answer these: git_facts_adapter.read_git_facts fills them in, quick_git_facts leaves them.
    pushed_head_sha: str | None = None  # HEAD, when a remote branch contains it (so a hub can fetch it)
    local_branches: tuple[str, ...] = ()  # local branches and origin's, without "origin/"

    @property
    def is_git_repo(self) -> bool:
        return self.git_dir is not None


def _read_text(path: Path) -> str:
    """The file's text, or "" when it cannot be read or is not a regular file (a named pipe never blocks)."""
    try:
        return fileio.read_text(path, limit=1_000_000, root=None)  # git metadata: parsed, never quoted
    except OSError:
        return ""


def _git_dir(path: Path) -> Path | None:
    dot_git = path / ".git"
    if dot_git.is_dir():
        return dot_git
    if dot_git.is_file():  # worktrees and submodules: "gitdir: <path>"
        match = re.match(r"gitdir:\s*(.+)", _read_text(dot_git).strip())
        if match:
            target = Path(match.group(1))
            return target if target.is_absolute() else (path / target).resolve()
    return None


def _common_dir(git_dir: Path) -> Path:
    shared = _read_text(git_dir / "commondir").strip()
    return (git_dir / shared).resolve() if shared else git_dir


def _origin_url(common_dir: Path) -> str | None:
    section = None
    for raw in _read_text(common_dir / "config").splitlines():
        line = raw.strip()
        if line.startswith("["):
            section = line
        elif section is not None and re.fullmatch(r'\[remote\s+"origin"\]', section):
            key, _, value = line.partition("=")
            if key.strip().lower() == "url":
                return value.strip() or None
    return None


def _ref_sha(common_dir: Path, ref: str) -> str | None:
    """The commit a branch ref points at: its loose file, else its line in packed-refs."""
    loose = _read_text(common_dir / ref).strip()
    if _SHA.fullmatch(loose):
        return loose
    for line in _read_text(common_dir / "packed-refs").splitlines():
        sha, _, name = line.partition(" ")
        if name == ref and _SHA.fullmatch(sha):
            return sha
    return None


def quick_git_facts(path: Path) -> GitFacts:
    """The facts `.git`'s files give: no git process, no network; `pushed_head_sha`/`local_branches` empty."""
    git_dir = _git_dir(path)
    if git_dir is None:
        return GitFacts(path)
    common = _common_dir(git_dir)
    head = _read_text(git_dir / "HEAD").strip()
    branch = detached = head_sha = None
    if head.startswith("ref:"):
        ref = head.removeprefix("ref:").strip()
        branch = ref.removeprefix("refs/heads/")
        head_sha = _ref_sha(common, ref) if ref.startswith("refs/") and ".." not in ref else None
    elif _SHA.fullmatch(head):
        detached = head_sha = head
    return GitFacts(path, git_dir, common, branch, detached, _origin_url(common), head_sha)
