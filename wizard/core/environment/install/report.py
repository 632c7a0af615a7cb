"""The install check as users meet it (`check --resolve` and step 1's panel): one call that also says what a
missing Python pin changes, the one-line summary both show, and the check's findings joined to the others.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from pathlib import Path

from wizard.core.common.diagnostics import Diagnostic

UNPINNED = "python-unpinned"  # the detector's note for a project that does not pin Python


@dataclass(frozen=True)
class Resolved:
    result: object  # InstallCheck
    unpinned_words: str | None = None  # what a missing Python pin changes (appended to its note)

    def diagnostics(self, findings: tuple[Diagnostic, ...]) -> tuple[Diagnostic, ...]:
        """`findings` (the rest of the check) with the install findings added and the missing-pin note told
        which versions depend on the pin."""
        joined = []
        for finding in findings:
            if finding.code == UNPINNED and self.unpinned_words:
                finding = replace(finding, message=f"{finding.message} {self.unpinned_words}")
            joined.append(finding)
        seen = set(joined)
        joined += [_plain_fix(d) for d in self.result.diagnostics if d not in seen]
        return tuple(joined)


def _plain_fix(finding: Diagnostic) -> Diagnostic:
    """"Fix: add runtime.txt ..." -> "Add runtime.txt ...": every other finding's fix is shown after "fix:"."""
    if not finding.fix or not finding.fix.startswith("Fix: "):
        return finding
    rest = finding.fix.removeprefix("Fix: ")
    return replace(finding, fix=rest[:1].upper() + rest[1:])


def resolve(project: Path, detection, findings: tuple[Diagnostic, ...] = (), *, index_url: str | None = None,
            refresh: bool = False, cache_dir: Path | None = None, timeout: float = 60.0,
            cancel: threading.Event | None = None) -> Resolved:
    """check_install for Binder's Python; when `findings` hold the missing-pin note, also for the newest Python
    Binder offers (at the same time, cached like any check), to name the versions that depend on the pin."""
    from wizard.core.environment.install import check_install
    from wizard.core.environment.install.pins import NEWEST_BINDER_PYTHON, unpinned_python_words

    options = dict(index_url=index_url, refresh=refresh, cache_dir=cache_dir, timeout=timeout, cancel=cancel)
    compare = (any(f.code == UNPINNED for f in findings) and detection.python_version is not None
               and detection.python_version != NEWEST_BINDER_PYTHON)
    if not compare:
        return Resolved(check_install(project, detection, **options))
    from concurrent.futures import ThreadPoolExecutor

    from wizard.core.environment.install.uv_adapter import UvNotFound, find_uv

    try:  # found once, here: sysconfig's first use is not thread-safe (two threads may see a half-made table)
        find_uv()
    except UvNotFound:
        pass  # each check says so
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="install-newest-python") as pool:
        newest = pool.submit(check_install, project, detection, python=NEWEST_BINDER_PYTHON, **options)
        result = check_install(project, detection, **options)
        other = newest.result()
    return Resolved(result, unpinned_python_words(result, other))


def size_words(count: int) -> str:
    if count >= 1e9:
        return f"{count / 1e9:.1f} GB"
    return f"{count / 1e6:.0f} MB" if count >= 1e6 else f"{max(1, round(count / 1e3))} KB"


def summary(result, *, short: bool = False) -> tuple[str, str]:
    """(status, words) for "Installs on Binder: <words>": ("ok", "✓ 57 packages, 310 MB"), ("failed",
    "✗ 2 problems") or ("skipped", "not checked (could not reach the package index https://...)");
    `short` says "not checked (offline)" instead (the panel has one line)."""
    if result.status == "ok":
        count = result.packages or 0
        size = f", {size_words(result.download_bytes)}" if result.download_bytes else ""
        return "ok", f"✓ {count} package{'s' * (count != 1)}{size}"
    if result.status == "failed":
        problems = sum(d.is_error for d in result.diagnostics) or 1
        return "failed", f"✗ {problems} problem{'s' * (problems != 1)}"
    from wizard.core.environment.install import CANCELLED, UNREACHABLE

    if result.message == UNREACHABLE:
        why = "offline" if short else f"could not reach the package index {result.index}"
    elif result.message == CANCELLED:
        why = "cancelled"
    else:
        why = result.message or "no reason given"
    return "skipped", f"not checked ({why})"
