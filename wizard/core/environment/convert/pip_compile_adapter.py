"""requirements.in (pip-tools input) -> requirements.txt, compiled by `uv pip compile` for Binder.

The uv that binder-wizard installs, run like the install check's (wizard.core.environment.install.uv_adapter):
no user configuration, no Python downloads, Binder's Linux and Python, a bounded time, its process group
killed at the limit. Offline it fails quickly and says so; nothing is written.
"""

from __future__ import annotations

import sys
from pathlib import Path

from wizard.core.common.process_adapter import run_bounded
from wizard.core.environment.convert.draft import ConversionFailed, Context, Draft
from wizard.core.environment.install.binder_platform import UV_PLATFORM

COMPILE_SECONDS = 120.0


def compile_requirements_in(ctx: Context, python: str, index_url: str, timeout: float = COMPILE_SECONDS) -> Draft:
    from wizard.core.environment.install.uv_adapter import UvNotFound, clean_environment, find_uv

    try:
        uv = find_uv()
    except UvNotFound as error:
        raise ConversionFailed(str(error)) from None
    folder = ctx.project / ctx.lock_folder if ctx.lock_folder else ctx.project
    name = ctx.source.rsplit("/", 1)[-1]
    command = [uv, "pip", "compile", name, "--no-config", "--no-python-downloads", "--python", sys.executable,
               "--python-version", python, "--python-platform", UV_PLATFORM, "--no-header", "--color", "never",
               "--no-progress", "--default-index", index_url, "--index-strategy", "unsafe-best-match"]
    done = run_bounded(command, timeout=timeout, cwd=Path(folder), env=clean_environment(min(15.0, timeout / 3)))
    if done.timed_out:
        raise ConversionFailed(f"uv did not finish compiling {ctx.source} within {timeout:g} s; nothing was written.")
    if not done.ok:
        error = done.text("stderr").strip() or done.error or "no message"
        if any(word in error for word in ("Failed to fetch", "Could not connect", "error sending request",
                                          "dns error", "Connection refused", "timed out")):
            raise ConversionFailed(f"Could not reach the package index ({index_url}) to compile {ctx.source}; "
                                   "nothing was written. Try again when online.")
        last = [line for line in error.splitlines() if line.strip()][-6:]
        raise ConversionFailed(f"uv could not compile {ctx.source}: " + " ".join(line.strip() for line in last))
    draft = Draft(python=python)
    draft.files["requirements.txt"] = (ctx.header + f"# Compiled by uv {_uv_version()} for Binder: Linux x86_64, "
                                       f"Python {python}.\n" + done.text())
    return draft


def _uv_version() -> str:
    from wizard.core.environment.install.uv_adapter import uv_version

    return uv_version()
