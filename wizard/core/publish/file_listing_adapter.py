"""The files git would commit (tracked, plus untracked ones not ignored), as the audit needs them.

`git ls-files` runs in a child process started as soon as the listing is asked for and read when the files
are needed, so git works on another core while `check` analyses the environment files. Outside a
repository, or when git is missing or fails, the audit's own walk (with a basic .gitignore reading) lists
the files instead. Kept apart from git_adapter so `check` does not load the commit and push machinery.
"""

from __future__ import annotations

from pathlib import Path

from wizard.core.common.process_adapter import BoundedProcess, start_bounded

GIT_SECONDS = 60.0  # a local listing; only a hung disk or a huge repository comes near it
_COMMAND = ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"]


def in_repository(root: Path) -> bool:
    return any((folder / ".git").exists() for folder in (root, *root.parents))


class FileListing:
    """Start with `FileListing(root)`; `files()` waits for git (within GIT_SECONDS) and returns relative paths."""

    def __init__(self, root: Path) -> None:
        self.root = root
        # In no repository git cannot list it: do not start git only to hear that.
        self._git: BoundedProcess | None = start_bounded(_COMMAND, cwd=root, timeout=GIT_SECONDS) \
            if in_repository(root) else None

    def files(self) -> list[str]:
        if self._git is not None:
            done = self._git.finish()
            if done.ok:
                return sorted({p for p in done.stdout.decode("utf-8", "surrogateescape").split("\0") if p})
        from wizard.core.publish.audit import files_without_git

        return sorted(files_without_git(self.root))  # in git's order too: paths sorted as strings


def committable_files(root: Path) -> list[str]:
    return FileListing(root).files()
