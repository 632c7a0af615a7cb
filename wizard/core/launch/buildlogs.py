"""Build logs saved in the project under `.binder-wizard/logs/` (kept out of git via .git/info/exclude).

Each build writes `<timestamp>-<provider>.log` (the text with a `── phase` heading at each phase change,
streamed to disk as it arrives, so memory stays bounded) and a `.json` summary beside it: hub, spec, commit, result, phase timings, problem.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict
from itertools import groupby, repeat
from operator import itemgetter
from pathlib import Path
from typing import TextIO

from wizard.core.common.fileio import check_inside, read_text
from wizard.core.common.git_facts import GitFacts
from wizard.core.common.safe_text import safe_text

LOG_DIR = Path(".binder-wizard") / "logs"
EXCLUDE_LINE = "/.binder-wizard/"


def exclude_from_git(git: GitFacts) -> None:
    """Add .binder-wizard/ to .git/info/exclude (once) so logs are never committed."""
    if git.common_dir is None:
        return
    exclude = git.common_dir / "info" / "exclude"
    try:
        # The git folder may be elsewhere (a worktree's shared folder): no project check, but never a link.
        current = read_text(exclude, 1_000_000, root=None) if exclude.exists() else ""
        if any(line.strip() in (EXCLUDE_LINE, ".binder-wizard/", ".binder-wizard") for line in current.splitlines()):
            return
        exclude.parent.mkdir(parents=True, exist_ok=True)
        prefix = "" if not current or current.endswith("\n") else "\n"
        fd = os.open(exclude, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK, 0o644)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.write(f"{prefix}# binder-wizard build logs\n{EXCLUDE_LINE}\n")
    except OSError:
        pass  # a read-only .git must not stop a launch; the logs folder is still outside any commit we make


def lines_text(messages, keep_empty: bool = True) -> str:
    """The messages as text, each ending its line. Empty messages are an empty line, or nothing with
    keep_empty=False. Build logs are 100,000s of messages, nearly all already ending in a newline:
    that case is a single join."""
    if not isinstance(messages, list):
        messages = list(messages)
    if all(map(str.endswith, messages, repeat("\n"))):
        return "".join(messages)
    return "".join(m if m.endswith("\n") else m + "\n" for m in messages if keep_empty or m)


class BuildLog:
    """Writes one build's log as it streams. Text given here should already be safe (no escapes, no
    secrets); anything else is made writable (lone surrogates replaced).

    Raises OSError when the log cannot be started (a read-only folder, `.binder-wizard` a link out of the
    project: OutsideProject). A write that fails later (the disk full) stops the log, never the build:
    `error` then says why, for the caller to report."""

    def __init__(self, git: GitFacts, *, hub: str, provider: str, spec: str, sha: str | None = None) -> None:
        exclude_from_git(git)
        folder = git.path / LOG_DIR
        check_inside(folder, git.path, writing=True)  # a planted .binder-wizard link must not lead out
        folder.mkdir(parents=True, exist_ok=True)
        check_inside(folder, git.path, writing=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        base = folder / f"{stamp}-{provider}"
        n = 1
        while True:  # O_EXCL | O_NOFOLLOW: a file or link already there is never written through
            try:
                fd = os.open(base.with_suffix(".log"), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
                break
            except FileExistsError:
                n += 1
                base = folder / f"{stamp}-{provider}-{n}"
        self.path = base.with_suffix(".log")
        self.summary_path = base.with_suffix(".json")
        self.meta = {"hub": hub, "provider": provider, "spec": spec, "sha": sha,
                     "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        self.error: OSError | None = None
        self._handle: TextIO | None = os.fdopen(fd, "w", encoding="utf-8", errors="replace", newline="\n")
        self._phase: str | None = None
        # The hub and spec may come from a hand-edited config or origin: no control codes or passwords in the log.
        self._write(safe_text(f"# binder-wizard build log: {provider}/{spec} on {hub}") + "\n")

    def _write(self, text: str) -> None:
        try:
            self._handle.write(text)
        except OSError as error:  # the disk is full: the build goes on, the log stops here
            self._stop(error)

    def _stop(self, error: OSError) -> None:
        self.error = self.error or error
        handle, self._handle = self._handle, None
        try:
            handle.close()
        except OSError:
            pass

    def write(self, phase: str, message: str) -> None:
        self.write_many([(phase, message)])

    def write_many(self, entries) -> None:
        """Append (phase, message) pairs: a "── phase" heading where the phase changes, then the messages."""
        for phase, group in groupby(entries, key=itemgetter(0)):
            self.write_messages(phase, list(map(itemgetter(1), group)))

    def write_messages(self, phase: str, messages: list[str]) -> None:
        """Append messages of one phase (a heading first if the phase changed); empty messages add nothing."""
        if self._handle is None:
            return
        text = lines_text(messages, keep_empty=False)
        if phase != self._phase:
            self._phase = phase
            text = f"── {phase}\n{text}"
        if text:
            self._write(text)

    def close(self, outcome=None, findings=()) -> None:
        """Finish the log and write its summary (once; nothing more after a failed write)."""
        if self.meta is None:
            return
        if self._handle is not None:
            try:
                self._handle.close()
            except OSError as error:
                self.error = self.error or error
            self._handle = None
        if self.error is not None:
            self.meta = None
            return
        summary, self.meta = dict(self.meta), None  # closed: once
        if outcome is not None:
            summary.update(
                result=outcome.result,
                elapsed_seconds=round(outcome.elapsed, 3),
                phases=[{"phase": t.phase, "started": round(t.started, 3),
                         "seconds": None if t.seconds is None else round(t.seconds, 3)} for t in outcome.phases],
                problem=None if outcome.problem is None else outcome.problem.as_dict(),
                # The server token is a credential: never saved.
                ready={k: v for k, v in (outcome.ready or {}).items() if k not in ("token",)} or None,
            )
        summary["findings"] = [asdict(f) for f in findings]
        try:
            fd = os.open(self.summary_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(json.dumps(summary, indent=2) + "\n")  # ASCII: json escapes everything else
        except OSError as error:
            self.error = error

    def __enter__(self) -> "BuildLog":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def last_log(project: Path) -> tuple[Path, dict] | None:
    """The newest saved log and its summary ({} if the summary is missing or broken). Only regular files
    inside the project count: a planted link or named pipe in the logs folder is never read."""
    folder = project / LOG_DIR
    try:
        check_inside(folder, project)
        logs = [p for p in folder.glob("*.log") if p.is_file() and not p.is_symlink()] if folder.is_dir() else []
        logs.sort(key=lambda p: (p.stat().st_mtime, p.name))
    except OSError:
        return None
    if not logs:
        return None
    path = logs[-1]
    try:
        summary = json.loads(read_text(path.with_suffix(".json"), 1_000_000, root=project))
    except (OSError, ValueError):
        summary = {}
    return path, summary if isinstance(summary, dict) else {}
