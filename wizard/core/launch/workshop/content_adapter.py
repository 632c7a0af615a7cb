"""The content repository as attendees get it: the files of a branch (origin's copy when there is one),
and whether the local branch has commits that are not pushed. Short read-only git commands through
`run_bounded`; a failure reads as "not found"."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from wizard.core.common.process_adapter import run_bounded

GIT_TIMEOUT = 20


@dataclass(frozen=True)
class ContentAt:
    ref: str  # the ref that was read (refs/remotes/origin/main, refs/heads/main or refs/tags/v1)
    files: frozenset[str]
    on_origin: bool  # origin has this branch (or it is a tag)
    ahead: bool  # the local branch has commits origin's does not


def _git(project: Path, *args: str):
    return run_bounded(["git", "-C", str(project), *args], timeout=GIT_TIMEOUT)


def _exists(project: Path, ref: str) -> bool:
    return _git(project, "rev-parse", "--verify", "-q", f"{ref}^{{commit}}").ok


def content_at(project: Path, branch: str) -> ContentAt | None:
    """The files nbgitpuller will pull for `branch`, or None when there is no such branch or tag here."""
    remote, local, tag = f"refs/remotes/origin/{branch}", f"refs/heads/{branch}", f"refs/tags/{branch}"
    has_remote, has_local = _exists(project, remote), _exists(project, local)
    ref = remote if has_remote else local if has_local else tag if _exists(project, tag) else None
    if ref is None:
        return None
    listed = _git(project, "ls-tree", "-r", "-z", "--name-only", ref)
    files = frozenset(name for name in listed.text().split("\0") if name) if listed.ok else frozenset()
    ahead = has_remote and has_local and not _git(project, "merge-base", "--is-ancestor", local, remote).ok
    return ContentAt(ref, files, has_remote or ref == tag, ahead)
