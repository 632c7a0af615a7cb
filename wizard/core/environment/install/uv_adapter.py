"""Running `uv pip compile` for Binder's Linux and Python, in bounded time, with nothing of the user's setup.

* Never downloads a Python build (`--no-python-downloads`; the resolver only needs `--python-version`).
* Never reads uv or pip configuration (`--no-config`, and every UV_* / PIP_* variable removed): the
  indexes, constraints and find-links are exactly the ones the caller passes, as on Binder.
* Runs in a fresh temporary folder (no `.python-version` or `pyproject.toml` of the user is seen) in its
  own process group, killed with the whole group when the time is up: a stuck child cannot hang us.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from wizard.core.common.process_adapter import run_bounded
from wizard.core.environment.install.binder_platform import UV_PLATFORM

# Variables that only say how the network is reached (a proxy, a company CA): kept. Everything else
# named UV_* or PIP_* is the user's own resolver setup, which a Binder build does not have.
_NETWORK_ONLY = ("UV_NATIVE_TLS", "UV_INSECURE_HOST")


class UvNotFound(RuntimeError):
    pass


@dataclass(frozen=True)
class UvRun:
    returncode: int | None  # None: killed at the deadline
    stdout: str
    stderr: str
    seconds: float

    @property
    def timed_out(self) -> bool:
        return self.returncode is None


@lru_cache(maxsize=1)
def find_uv() -> str:
    """The uv binary installed with binder-wizard (the `uv` package), else one on PATH."""
    try:
        from uv import find_uv_bin

        return find_uv_bin()
    except (ImportError, FileNotFoundError):
        pass
    found = shutil.which("uv")
    if not found:
        raise UvNotFound("uv is not installed: reinstall binder-wizard (it depends on uv)")
    return found


def uv_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("uv")
    except PackageNotFoundError:
        return "unknown"


def clean_environment(http_timeout: float) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("UV_", "PIP_")) or key in _NETWORK_ONLY}
    if "PIP_CERT" in os.environ and "SSL_CERT_FILE" not in env:  # pip's own CA bundle: how PyPI is reached
        env["SSL_CERT_FILE"] = os.environ["PIP_CERT"]
    env.update({
        "UV_HTTP_TIMEOUT": str(max(1, round(http_timeout))),
        "UV_HTTP_RETRIES": "1",  # one retry for a flaky network; uv's default 3 take 12 s on a refused port
        "UV_PYTHON_DOWNLOADS": "never",
        "NO_COLOR": "1",
    })
    return env


def compile_requirements(requirements: str, *, python: str, index_url: str, extra_index_urls: list[str],
                         find_links: list[str], constraints: str = "", only_binary: bool, prerelease: bool,
                         no_index: bool = False, cache_dir: Path, timeout: float,
                         cancel: threading.Event | None = None) -> UvRun:
    """`uv pip compile` of `requirements` (requirements.txt syntax) for Binder; output in pylock.toml format."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="binder-wizard-uv-") as folder:
        work = Path(folder)
        (work / "requirements.in").write_text(requirements, encoding="utf-8")
        command = [
            find_uv(), "pip", "compile", "requirements.in",
            "--no-config", "--no-python-downloads", "--python", sys.executable,
            "--python-version", python, "--python-platform", UV_PLATFORM,
            "--format", "pylock.toml", "--no-header", "--no-annotate", "--color", "never", "--no-progress",
            "--default-index", index_url, "--index-strategy", "unsafe-best-match",  # pip merges all indexes
            "--cache-dir", str(cache_dir),
        ]
        for url in extra_index_urls:
            command += ["--index", url]
        for location in find_links:
            command += ["--find-links", location]
        if constraints:
            (work / "constraints.txt").write_text(constraints, encoding="utf-8")
            command += ["--constraints", "constraints.txt"]
        if only_binary:
            command += ["--only-binary", ":all:"]
        if prerelease:  # `--pre` written in a requirements file
            command += ["--prerelease", "allow"]
        if no_index:
            command += ["--no-index"]
        return _run(command, work, clean_environment(min(15.0, max(1.0, timeout / 3))), timeout, started, cancel)


def _run(command: list[str], cwd: Path, env: dict[str, str], timeout: float, started: float,
         cancel: threading.Event | None) -> UvRun:
    """Run to the end, or kill the process group at the deadline or when `cancel` is set (returncode None)."""
    done = run_bounded(command, timeout=max(0.1, started + timeout - time.monotonic()), cwd=cwd, env=env,
                       cancel=cancel)
    return UvRun(done.returncode, done.text("stdout"), done.text("stderr"), time.monotonic() - started)
