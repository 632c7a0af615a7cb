"""What only the git program can say about a project: its branches, whether a remote has HEAD, the
files at a commit. Short read-only git commands with a time limit; a failure reads as "nothing known".

The cheap facts come from `git_facts.quick_git_facts` (`.git`'s files); `read_git_facts` adds the rest.
Not for the overview's first frame: each git command costs a few milliseconds.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from wizard.core.common.git_facts import GitFacts, quick_git_facts
from wizard.core.common.process_adapter import run_bounded

GIT_TIMEOUT = 20  # seconds for one read-only git command (a hook or a stuck file system cannot hold us longer)


def _git(project: Path, *args: str) -> str | None:
    done = run_bounded(["git", "-C", str(project), *args], timeout=GIT_TIMEOUT)
    return done.text() if done.ok else None


def read_git_facts(project: Path) -> GitFacts:
    """All of the project's git facts, read once (three git commands in a repository, none outside one)."""
    facts = quick_git_facts(project)
    if not facts.is_git_repo:
        return facts
    head = (_git(project, "rev-parse", "--verify", "-q", "HEAD^{commit}") or "").strip() or None
    names = set()
    for ref in (_git(project, "for-each-ref", "--format=%(refname)", "refs/heads", "refs/remotes/origin") or
                "").splitlines():
        names.add(ref.removeprefix("refs/heads/").removeprefix("refs/remotes/origin/"))
    names.discard("HEAD")
    pushed = None
    if head is not None and (_git(project, "for-each-ref", "--format=x", f"--contains={head}", "refs/remotes")
                             or "").strip():
        pushed = head
    return dataclasses.replace(facts, head_sha=head, pushed_head_sha=pushed, local_branches=tuple(sorted(names)))


def files_at(facts: GitFacts, ref: str = "HEAD") -> list[str]:
    """Files tracked at `ref` (what a hub will have); the folder's files (hidden ones left out) when it is
    not a git repository or `ref` has no commit."""
    out = _git(facts.path, "ls-tree", "-r", "-z", "--name-only", ref) if facts.is_git_repo else None
    if out is not None:
        return sorted(name for name in out.split("\0") if name)
    found = []
    for folder, dirs, files in os.walk(facts.path):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        base = Path(folder).relative_to(facts.path)
        found += [(base / name).as_posix() for name in files if not name.startswith(".")]
    return sorted(found)


def valid_branch_name(name: str) -> bool:
    """True when git accepts `name` as a new branch's name."""
    return run_bounded(["git", "check-ref-format", "--branch", name], timeout=GIT_TIMEOUT).ok \
        and not name.startswith("-")


REMOTE_REFS_TIMEOUT = 10  # seconds: asking the remote is a courtesy for the list; never a long wait


def remote_refs(facts: GitFacts, remote: str = "origin", ask: bool = True) -> tuple[list[str], list[str]]:
    """(branches, tags) the remote has, asked with `git ls-remote` (never prompting for a password); what git
    already knows of it (remote-tracking branches, local tags) when it cannot be asked, or not `ask`."""
    if not facts.is_git_repo or not facts.origin_url:
        return [], []
    branches, tags = [], []
    done = _ls_remote(facts, remote) if ask else None
    if done is not None and done.ok:
        for line in done.text().splitlines():
            ref = line.partition("\t")[2]
            if ref.startswith("refs/heads/"):
                branches.append(ref.removeprefix("refs/heads/"))
            elif ref.startswith("refs/tags/") and not ref.endswith("^{}"):
                tags.append(ref.removeprefix("refs/tags/"))
        return sorted(branches), sorted(tags)
    for ref in (_git(facts.path, "for-each-ref", "--format=%(refname)", f"refs/remotes/{remote}", "refs/tags")
                or "").splitlines():
        if ref.startswith("refs/tags/"):
            tags.append(ref.removeprefix("refs/tags/"))
        elif not ref.endswith("/HEAD"):
            branches.append(ref.removeprefix(f"refs/remotes/{remote}/"))
    return sorted(branches), sorted(tags)


def _ls_remote(facts: GitFacts, remote: str):
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "", "SSH_ASKPASS": "",
           "GIT_SSH_COMMAND": os.environ.get("GIT_SSH_COMMAND", "ssh") + " -o BatchMode=yes"}
    return run_bounded(["git", "-C", str(facts.path), "ls-remote", "--heads", "--tags", remote],
                       timeout=REMOTE_REFS_TIMEOUT, env=env)
