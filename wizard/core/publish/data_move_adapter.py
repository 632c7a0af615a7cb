"""The git half of moving data out of the repository (`data_move`): which files git tracks, and untracking
them with `git rm --cached`, which keeps the file on disk. Through `process_adapter.run_bounded`."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from wizard.core.common.errors import UserError
from wizard.core.common.safe_text import safe_text

GIT_SECONDS = 60


def tracked(root: Path, paths: Iterable[str]) -> set[str]:
    """Those of `paths` git tracks in `root` (none when it is not a repository or git is missing)."""
    from wizard.core.common.process_adapter import run_bounded

    paths = list(paths)
    if not paths:
        return set()
    done = run_bounded(["git", "ls-files", "-z", "--cached", "--", *[f":(literal){p}" for p in paths]],
                       cwd=root, timeout=GIT_SECONDS)
    if not done.ok:
        return set()
    return {p for p in done.stdout.decode("utf-8", "surrogateescape").split("\0") if p} & set(paths)


def stop_tracking(root: Path, paths: Iterable[str]) -> None:
    """`git rm --cached` these files: the next commit leaves them out; the files stay on disk."""
    from wizard.core.common.process_adapter import run_bounded

    paths = list(paths)
    if not paths:
        return
    done = run_bounded(["git", "rm", "--cached", "--quiet", "--", *[f":(literal){p}" for p in paths]],
                       cwd=root, timeout=GIT_SECONDS)
    if not done.ok:
        said = safe_text(done.text("stderr").strip() or done.error or "no message")[-300:]
        raise UserError(f"git could not stop tracking {', '.join(safe_text(p) for p in paths)} ({said}). The "
                        "files are still on your disk.",
                        f"Run `git rm --cached -- {' '.join(paths)}` yourself, then publish again.")
