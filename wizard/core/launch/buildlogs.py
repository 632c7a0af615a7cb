"""Build logs saved in the project under `.binder-wizard/logs/` (kept out of git via .git/info/exclude).

Each build writes `<timestamp>-<provider>.log` (the text with a `── phase` heading at each phase change,
streamed to disk as it arrives, so memory stays bounded) and a `.json` summary beside it: hub, spec, commit, result, phase timings, problem.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from itertools import groupby, repeat
from operator import itemgetter
from pathlib import Path
from typing import TextIO

from wizard.core.common.git_facts import GitFacts

LOG_DIR = Path(".binder-wizard") / "logs"
EXCLUDE_LINE = "/.binder-wizard/"


def exclude_from_git(git: GitFacts) -> None:
    """Add .binder-wizard/ to .git/info/exclude (once) so logs are never committed."""
    if git.common_dir is None:
        return
    exclude = git.common_dir / "info" / "exclude"
    try:
        current = exclude.read_text(encoding="utf-8", errors="replace") if exclude.exists() else ""
        if any(line.strip() in (EXCLUDE_LINE, ".binder-wizard/", ".binder-wizard") for line in current.splitlines()):
            return
        exclude.parent.mkdir(parents=True, exist_ok=True)
        prefix = "" if not current or current.endswith("\n") else "\n"
        with exclude.open("a", encoding="utf-8") as handle:
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
    """Writes one build's log as it streams. Text given here must already be safe (no escapes, no secrets)."""

    def __init__(self, git: GitFacts, *, hub: str, provider: str, spec: str, sha: str | None = None) -> None:
        exclude_from_git(git)
        folder = git.path / LOG_DIR
        folder.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        base = folder / f"{stamp}-{provider}"
        n = 1
        while base.with_suffix(".log").exists():
            n += 1
            base = folder / f"{stamp}-{provider}-{n}"
        self.path = base.with_suffix(".log")
        self.summary_path = base.with_suffix(".json")
        self.meta = {"hub": hub, "provider": provider, "spec": spec, "sha": sha,
                     "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        self._handle: TextIO | None = self.path.open("w", encoding="utf-8", newline="\n")
        self._phase: str | None = None
        self._handle.write(f"# binder-wizard build log: {provider}/{spec} on {hub}\n")

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
            self._handle.write(text)

    def close(self, outcome=None, findings=()) -> None:
        if self._handle is None:
            return
        self._handle.close()
        self._handle = None
        summary = dict(self.meta)
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
        self.summary_path.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")

    def __enter__(self) -> "BuildLog":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def last_log(project: Path) -> tuple[Path, dict] | None:
    """The newest saved log and its summary ({} if the summary is missing or broken)."""
    folder = project / LOG_DIR
    logs = sorted(folder.glob("*.log"), key=lambda p: (p.stat().st_mtime, p.name)) if folder.is_dir() else []
    if not logs:
        return None
    path = logs[-1]
    try:
        summary = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        summary = {}
    return path, summary if isinstance(summary, dict) else {}
