"""Will it install on Binder? Resolving what repo2docker installs, for Binder's Linux and Python, before the push.

The public API of this package:

    check_install(project, detection, *, index_url=None, refresh=False, cache_dir=None, timeout=60.0, cancel=None)
        -> InstallCheck: status "ok" | "failed" | "skipped", python, packages, download_bytes, index,
           message (`.resolution()` is the JSON object of `check --resolve`), and `.diagnostics`: each
           problem on the file and line that causes it, with a fix that names real versions.
    newest_release_for(name, python, *, index_url=None, timeout=10.0) -> str | None
        The newest release of a package that installs on Binder with that Python: the pin to propose.
"""

from __future__ import annotations

from wizard.core.environment.install.check import (
    CANCELLED, UNREACHABLE, InstallCheck, check_install, default_index,
)


def newest_release_for(name: str, python: str, *, index_url: str | None = None, timeout: float = 10.0,
                       wheels_only: bool = False) -> str | None:
    """The newest release of `name` whose files install on Binder's Linux with Python `python` (Requires-Python
    satisfied, a Linux wheel or a source release, not withdrawn); None when there is none or the index cannot be
    reached. Its own dependencies are not resolved."""
    from wizard.core.environment.install.index_adapter import newest_release_for as ask

    return ask(name, python, index_url=default_index(index_url), timeout=timeout, wheels_only=wheels_only)


__all__ = ["CANCELLED", "UNREACHABLE", "InstallCheck", "check_install", "default_index", "newest_release_for"]
