"""Will the conda part of environment.yml install on Binder? A linux-64 solve with py-rattler.

What Binder does (repo2docker-rules.md §5): it builds a base environment for Binder's Python X.Y, then runs
`mamba env update` with environment.yml. mamba keeps the installed Python minor version, so the solve here is
the file's dependencies plus `python X.Y.*`, for linux-64 with the virtual packages of Binder's machine
(Ubuntu 24.04: glibc 2.39, x86_64), on the channels mamba uses: the file's own, then conda-forge from
repo2docker's .condarc unless the file lists `nodefaults` (conda's rule). Channel priority is not strict
(repo2docker leaves mamba's flexible default), so any listed channel may provide any package.

When the solve fails, a few small solves find the cause and its line: a name the channels do not have (or have
only for macOS or Windows), a version or build that does not exist for Linux, a package that needs another
Python than Binder's, or lines that cannot be installed together.

The solve runs in a child process (this module, started with `-c`), killed at the deadline. Two reasons:
rattler's Rust threads may still hold Python objects for a moment after a solve returns, and an interpreter
that exits in that moment crashed (SIGSEGV/SIGABRT in ~7 % of short runs: a worker thread re-taking the GIL
during finalization); and a channel that never answers must not leave anything of ours running.
Both sides live in this one module (the child imports it to run `worker_main`), hence its length.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from wizard.core.common.diagnostics import Diagnostic
from wizard.core.common.process_adapter import run_bounded
from wizard.core.common.safe_text import safe_text

if TYPE_CHECKING:
    import threading
    from pathlib import Path

CONDA_FORGE = "conda-forge"
# mamba expands `defaults` with its built-in default_channels: repo2docker's .condarc does not set them (its
# PR 1365 only dropped `defaults` from `channels`), so a file that lists `defaults` gets Anaconda's channels.
DEFAULTS_CHANNELS = ("https://repo.anaconda.com/pkgs/main", "https://repo.anaconda.com/pkgs/r")
NOT_CHECKED = "could not reach the conda channel: installability not checked"
OTHER_PLATFORMS = ("osx-64", "osx-arm64", "win-64", "linux-aarch64")
_PLATFORM_WORDS = {"osx-64": "macOS (Intel)", "osx-arm64": "macOS (Apple silicon)", "win-64": "Windows",
                   "linux-aarch64": "ARM Linux", "linux-64": "Linux", "noarch": "all platforms"}
_LINUX_KERNEL = "6.8"  # packages ask __linux only for a minimum; any recent kernel answers the same

Status = Literal["ok", "failed", "skipped"]


@dataclass(frozen=True)
class CondaSpec:
    """One entry of environment.yml as written (`numpy=1.26`, or a channel name), and where it is."""

    text: str
    file: str
    line: int | None = None


@dataclass(frozen=True)
class CondaSolve:
    """The answer. `packages`, `download_bytes` and `versions` are known only when the status is "ok"."""

    status: Status
    python: str                              # the Python X.Y the solve used (Binder's)
    channels: tuple[str, ...]                # the channels tried, in order
    packages: int | None = None
    download_bytes: int | None = None        # sum of the package archive sizes
    versions: tuple[tuple[str, str], ...] = ()  # (name, version) of every package installed, by name
    diagnostics: tuple[Diagnostic, ...] = ()
    message: str | None = None               # why the check was skipped, or a one-line summary
    seconds: float = 0.0


def binder_channels(channels: Sequence[str | CondaSpec], specs: Sequence[CondaSpec] = ()) -> list[str]:
    """The channels mamba uses on Binder for this file, in order (see the module docstring)."""
    listed = [_text(channel) for channel in channels]
    listed += [spec.text.split("::", 1)[0].strip() for spec in specs if "::" in spec.text]  # conda-forge::numpy
    found: list[str] = []
    for channel in listed:
        if not channel or channel == "nodefaults":
            continue
        for name in DEFAULTS_CHANNELS if channel == "defaults" else (channel,):
            if _channel_key(name) not in map(_channel_key, found):
                found.append(name)
    if "nodefaults" not in listed and _channel_key(CONDA_FORGE) not in map(_channel_key, found):
        found.append(CONDA_FORGE)
    return found


def solve_conda(specs: Sequence[CondaSpec], channels: Sequence[str | CondaSpec], python: str | None = None, *,
                platform: str = "linux-64", timeout: float = 60.0, cache_dir: str | Path | None = None,
                cancel: threading.Event | None = None) -> CondaSolve:
    """Solve the conda dependencies `specs` as Binder will, explaining failures line by line.

    `python` is the X.Y Binder uses (None: repo2docker's default, for a file without a `python=X.Y` pin).
    Entries that are not conda specs at all are left out (the environment.yml validator reports them).
    Takes at most `timeout` seconds; setting `cancel` stops it early (status "skipped"). Never raises for
    network or solver trouble: an unreachable channel gives status "skipped" with NOT_CHECKED.
    """
    from wizard.core.environment.detection.rules import DEFAULT_PYTHON, LOCKFILE_PYTHONS, PYTHON_REGEX
    from wizard.core.environment.install.binder_platform import GLIBC_MINOR

    python = python or DEFAULT_PYTHON
    sources = binder_channels(channels, specs)
    shown = tuple(safe_text(channel) for channel in sources)
    pin_index = next((index for index, spec in enumerate(specs) if PYTHON_REGEX.match(spec.text)), None)
    pinned = _pinned(specs[pin_index].text) if pin_index is not None else None
    request = {
        "specs": [{"text": spec.text, "file": spec.file, "line": spec.line} for spec in specs],
        "channels": [{"name": _text(channel), "file": getattr(channel, "file", None),
                      "line": getattr(channel, "line", None)} for channel in channels],
        "sources": sources, "python": python, "pin_index": pin_index, "pinned": pinned,
        "candidates": list(LOCKFILE_PYTHONS), "platform": platform,
        "glibc": f"2.{GLIBC_MINOR}", "cache_dir": str(cache_dir) if cache_dir else None,
        "seconds": max(0.5, timeout - min(1.0, timeout / 5)),  # the child answers before it is killed
    }
    where = next((spec.file for spec in [*specs, *channels] if isinstance(spec, CondaSpec)), "environment.yml")
    started = time.monotonic()
    answer, phases = _run_worker(request, timeout, cancel)
    seconds = time.monotonic() - started
    if answer is None:
        if cancel is not None and cancel.is_set():
            message = "the conda check was cancelled: installability not checked"
        elif "fetched" in phases:
            message = f"the conda solve did not finish within {timeout:g} s: installability not checked"
        else:
            message = f"{NOT_CHECKED} (no answer from {', '.join(shown)} within {timeout:g} s)"
        answer = {"status": "skipped", "message": message}
    diagnostics = tuple(Diagnostic(**found) for found in answer.get("diagnostics", []))
    if answer["status"] == "skipped":
        diagnostics += (Diagnostic(where, None, None, "info", "conda-not-checked", answer["message"],
                                   "Check again when the conda channels can be reached."),)
    return CondaSolve(answer["status"], python, shown, answer.get("packages"), answer.get("download_bytes"),
                      tuple((name, version) for name, version in answer.get("versions", [])), diagnostics,
                      answer.get("message"), seconds)


def _text(channel: str | CondaSpec) -> str:
    return (channel.text if isinstance(channel, CondaSpec) else str(channel)).strip()


def _channel_key(channel: str) -> str:
    return channel.rstrip("/").removeprefix("https://conda.anaconda.org/")


# ---------------------------------------------------------------------------------------------------------
# The parent side: run the child, bounded in time, and read its one-line answer.

_WORKER = ("import sys; sys.path.insert(0, sys.argv[1]); "
           "from wizard.core.environment.install.conda_adapter import worker_main; worker_main()")


def _run_worker(request: dict, timeout: float, cancel: threading.Event | None) -> tuple[dict | None, list[str]]:
    """(the child's answer or None when it was killed or died, the phases it reported)."""
    import wizard

    root = os.path.dirname(os.path.dirname(os.path.abspath(wizard.__file__)))
    deadline = time.monotonic() + timeout
    if cancel is not None and cancel.is_set():
        return None, []
    # -P: no current-folder entry on sys.path, so nothing in the user's project shadows a module
    done = run_bounded([sys.executable, "-P", "-c", _WORKER, root], timeout=max(0.05, deadline - time.monotonic()),
                       input=json.dumps(request).encode(), cancel=cancel)
    if done.error is not None:
        return {"status": "skipped", "message": f"could not start the conda check: {done.error}"}, []
    stdout, stderr = done.stdout, done.stderr
    phases, answer = [], None
    for line in stdout.decode("utf-8", "replace").splitlines():
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if "phase" in message:
            phases.append(message["phase"])
        elif "result" in message and done.returncode == 0:
            answer = message["result"]
    if answer is None and done.returncode not in (0, None):  # None: killed at the deadline or on cancel
        last = (stderr.decode("utf-8", "replace").strip().splitlines() or ["no output"])[-1]
        answer = {"status": "skipped",
                  "message": "the conda check stopped unexpectedly: installability not checked "
                             f"({safe_text(last)[:200]})"}
    return answer, phases


# ---------------------------------------------------------------------------------------------------------
# The child side: fetch, solve and explain, then leave without finalizing the interpreter.

def worker_main() -> None:
    """Entry point of the child: a JSON request on stdin, JSON lines on stdout, the last one the answer."""
    import asyncio

    try:
        request = json.loads(sys.stdin.read())
        answer = asyncio.run(_check(request))
    except BaseException as error:  # noqa: BLE001 - the parent gets it as a "skipped" answer
        answer = {"status": "skipped", "message": f"the conda check failed: {type(error).__name__}: "
                                                  f"{safe_text(str(error))[:300]}: installability not checked"}
    _say({"result": answer})
    os._exit(0)  # skip finalization: rattler's threads may still touch Python objects (module docstring)


def _say(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


async def _check(request: dict) -> dict:
    import asyncio

    try:
        import rattler  # noqa: F401
    except ImportError:
        return {"status": "skipped", "message": "py-rattler is not installed: installability not checked"}
    solver = _Solver(request)
    names = sorted({"python", "pip", *(name for name in (_name(spec["text"]) for spec in request["specs"]) if name)})
    problems = await solver.fetch(names)
    unknown = [(channel, _cause(reason)) for channel, reason in problems if _channel_missing(reason)]
    if unknown:
        return {"status": "failed", "diagnostics": [_unknown_channel(request, channel, reason)
                                                     for channel, reason in unknown],
                "message": "a conda channel in environment.yml does not exist"}
    if problems:
        tried = "; ".join(f"{safe_text(channel)}: {safe_text(_cause(reason))}" for channel, reason in problems)
        return {"status": "skipped", "message": f"{NOT_CHECKED} (tried {tried})"}
    _say({"phase": "fetched"})
    explainer = _Explainer(solver, request)
    try:
        return await explainer.run()
    except asyncio.TimeoutError:  # the deadline: keep what was found, if the first solve finished
        if not explainer.first_error:
            return {"status": "skipped",
                    "message": "the conda solve did not finish in time: installability not checked"}
        return explainer.partial()


def _name(text: str) -> str | None:
    from rattler import MatchSpec

    try:
        return MatchSpec(text).name.normalized
    except Exception:  # noqa: BLE001 - rattler raises several types; not a conda spec either way
        return None


def _cause(error: str) -> str:
    """The innermost cause of a rattler error: 'Connection refused (os error 111)'."""
    lines = [line.strip() for line in error.splitlines() if line.strip()]
    return (lines[-1].removeprefix("Caused by:").strip() if lines else "unknown error")[:300]


def _channel_missing(reason: str) -> bool:
    import re

    return bool(re.search(r"\(404\b", reason)) or "No such file or directory" in reason


def _unknown_channel(request: dict, channel: str, reason: str) -> dict:
    entry = next((entry for entry in request["channels"] if entry["name"] == channel), {})
    first_file = next((spec["file"] for spec in request["specs"]), "environment.yml")
    return _finding(entry.get("file") or first_file, entry.get("line"), "conda-channel-unknown",
                    f"There is no conda channel at {safe_text(channel)} ({safe_text(reason)}); the Binder build "
                    "stops there.",
                    "Check the channel's name in 'channels:' (for example conda-forge or bioconda), or remove it.")


def _finding(file: str, line: int | None, code: str, message: str, fix: str) -> dict:
    return {"file": file, "line": line, "column": None, "severity": "error", "code": code,
            "message": message, "fix": fix}


class _Solver:
    """rattler with Binder's platform, channels and deadline; every call ends by the deadline."""

    def __init__(self, request: dict) -> None:
        from rattler import BuildString, Gateway, GenericVirtualPackage, PackageName, Version

        self.sources = request["sources"]
        self.platform = request["platform"]
        self.deadline = time.monotonic() + request["seconds"]
        self.gateway = Gateway(cache_dir=request["cache_dir"]) if request["cache_dir"] else Gateway()
        arch = "x86_64" if self.platform.endswith("-64") else self.platform.rsplit("-", 1)[-1]
        self.virtual = [GenericVirtualPackage(PackageName(name), Version(version), BuildString(build))
                        for name, version, build in (("__unix", "0", "0"), ("__linux", _LINUX_KERNEL, "0"),
                                                     ("__glibc", request["glibc"], "0"), ("__archspec", "1", arch))]

    def remaining(self) -> float:
        return max(0.01, self.deadline - time.monotonic())

    async def fetch(self, names: list[str]) -> list[tuple[str, str]]:
        """Read each channel's package lists for `names` (and their dependencies): the channels that failed."""
        import asyncio

        async def one(channel: str) -> tuple[str, str] | None:
            try:
                await asyncio.wait_for(self.gateway.query([channel], [self.platform, "noarch"], names),
                                       self.remaining())
            except asyncio.TimeoutError:
                return channel, "no answer in time"
            except Exception as error:  # noqa: BLE001 - rattler's network and file errors
                return channel, str(error)
            return None

        return [failed for failed in await asyncio.gather(*(one(channel) for channel in self.sources)) if failed]

    async def solve(self, specs: list) -> list | str:
        """The records installed, or the solver's explanation when the specs cannot be installed together."""
        import asyncio

        import rattler
        from rattler.exceptions import SolverError

        try:
            return await asyncio.wait_for(rattler.solve(
                self.sources, specs, gateway=self.gateway, platforms=[self.platform, "noarch"],
                virtual_packages=self.virtual, channel_priority=rattler.ChannelPriority.Disabled,
                add_pip_as_python_dependency=True), self.remaining())
        except SolverError as error:
            return str(error)

    async def records(self, name: str, platforms: Sequence[str] | None = None) -> list:
        """Every record called `name` for Binder's platform (or `platforms`); a platform that fails is empty."""
        import asyncio

        async def one(platform: str) -> list:
            try:
                found = await asyncio.wait_for(
                    self.gateway.query(self.sources, [platform], [name], recursive=False), self.remaining())
            except asyncio.TimeoutError:
                raise
            except Exception:  # noqa: BLE001 - e.g. a channel without that platform
                return []
            return [record for records in found for record in records]

        lists = await asyncio.gather(*(one(platform) for platform in (platforms or [self.platform, "noarch"])))
        return [record for records in lists for record in records]

    async def names(self) -> list[str]:
        import asyncio

        try:
            found = await asyncio.wait_for(self.gateway.names(self.sources, [self.platform, "noarch"]),
                                           self.remaining())
        except asyncio.TimeoutError:
            raise
        except Exception:  # noqa: BLE001 - a suggestion is optional
            return []
        return [name.normalized for name in found]


class _Explainer:
    """Solve everything; when that fails, find each failing line and say why in plain words."""

    def __init__(self, solver: _Solver, request: dict) -> None:
        from rattler import MatchSpec

        self.solver, self.python = solver, request["python"]
        self.findings: list[dict] = []
        self.first_error = ""
        self.entries: list[tuple[dict, object]] = []
        for spec in request["specs"]:
            try:
                self.entries.append((spec, MatchSpec(spec["text"])))
            except Exception:  # noqa: BLE001 - not a conda spec: the validator reports it
                continue
        self.pin = MatchSpec(f"python {self.python}.*")
        pin_index = request["pin_index"]
        self.pin_spec = request["specs"][pin_index] if pin_index is not None else None
        self.pinned = request["pinned"]  # the X.Y written in that entry
        self._pythons: list[str] | None = None
        self.candidates = request["candidates"]
        self.channels = ", ".join(safe_text(channel) for channel in solver.sources)
        self.file = next((spec["file"] for spec in request["specs"]), "environment.yml")

    async def run(self) -> dict:
        solution = await self.solver.solve([self.pin, *(match for _, match in self.entries)])
        if isinstance(solution, list):
            versions = sorted((record.name.normalized, str(record.version)) for record in solution)
            return {"status": "ok", "packages": len(solution), "versions": versions,
                    "download_bytes": sum(record.size or 0 for record in solution)}
        self.first_error = solution
        await self.explain()
        return self.partial()

    def partial(self) -> dict:
        """The answer from what was found so far (all of it, unless the deadline cut the search short)."""
        if not self.findings:
            self.add(None, "conda-unsatisfiable",
                     f"The conda packages cannot be installed together on Binder (Linux, Python {self.python}): "
                     + _plain(self.first_error),
                     "Loosen the version pins in environment.yml, or remove packages you do not need.")
        count = len(self.findings)
        return {"status": "failed", "diagnostics": self.findings,
                "message": f"{count} conda problem{'s' if count != 1 else ''}: "
                           "environment.yml will not install on Binder"}

    def add(self, spec: dict | None, code: str, message: str, fix: str) -> None:
        self.findings.append(_finding(spec["file"] if spec else self.file, spec["line"] if spec else None,
                                      code, message, fix))

    async def ok(self, specs: list) -> bool:
        return isinstance(await self.solver.solve(specs), list)

    async def explain(self) -> None:
        if not await self.ok([self.pin]):
            pythons = await self.channel_pythons()
            self.add(self.pin_spec, "conda-python-missing",
                     f"Binder installs Python {self.python} in this environment, but the channels ({self.channels}) "
                     f"have no Python {self.python} for Linux.",
                     f"Pin a Python they have (python={pythons[-1]}), or add conda-forge to 'channels:'." if pythons
                     else "Add conda-forge to 'channels:' (and remove nodefaults).")
            return
        alone_fine = [entry for entry in self.entries if await self.check_alone(*entry)]
        await self.find_conflicts(alone_fine)

    async def check_alone(self, spec: dict, match) -> bool:
        """True when this line installs on Binder by itself; else a finding for it."""
        if await self.ok([self.pin, match]):
            return True
        name, text = match.name.normalized, safe_text(spec["text"])
        records = await self.solver.records(name)
        if not records:
            await self.missing_name(spec, name)
        elif not any(match.matches(record) for record in records):
            await self.missing_version(spec, match, name, records)
        elif name == "python":
            await self.python_line(spec, match, text)
        elif isinstance(alone := await self.solver.solve([match]), list):
            await self.python_conflict(spec, match, name, text)
        else:
            newest = await self.newest(name)
            self.add(spec, "conda-unsatisfiable",
                     f"'{text}' cannot be installed on Linux from {self.channels}: {_plain(alone)}",
                     f"Use {name}={newest}, which installs on Binder." if newest
                     else f"Remove {name}, or ask its maintainers for a Linux build that installs.")
        return False

    async def python_line(self, spec: dict, match, text: str) -> None:
        if spec is self.pin_spec:  # a pin repo2docker read, but Binder's Python came from elsewhere
            self.add(spec, "conda-python-conflict",
                     f"'{text}' asks for Python {self.pinned}, but Binder builds this environment on Python "
                     f"{self.python}.", f"Remove this line, or write python={self.python}.")
            return
        alone = await self.solver.solve([match])
        wanted = _version_of(alone, "python") if isinstance(alone, list) else None
        self.add(spec, "conda-python-conflict",
                 f"'{text}' asks for another Python than the {self.python} Binder builds this environment on: "
                 "repo2docker reads the Python version only from an entry written python=X.Y.",
                 "Write the Python you want as python=X.Y (for example python="
                 f"{'.'.join(wanted.split('.')[:2]) if wanted else '3.12'}).")

    async def missing_name(self, spec: dict, name: str) -> None:
        elsewhere = _platforms_of(await self.solver.records(name, OTHER_PLATFORMS))
        if elsewhere:
            self.add(spec, "conda-package-not-for-linux",
                     f"'{name}' has no Linux package in {self.channels} (only for {elsewhere}), and Binder builds "
                     "on Linux (linux-64).",
                     f"Remove {name} from environment.yml, or use a package that exists for Linux.")
            return
        import difflib

        close = difflib.get_close_matches(name, await self.solver.names(), n=1, cutoff=0.75)
        hint = f"Did you mean {close[0]}? " if close else "Check the spelling. "
        self.add(spec, "conda-package-unknown", f"There is no conda package called '{name}' in {self.channels}.",
                 hint + "If it is a pip package, list it under '- pip:' instead; if it is in another conda channel "
                        "(such as bioconda), add that channel to 'channels:'.")

    async def missing_version(self, spec: dict, match, name: str, records: list) -> None:
        from rattler import MatchSpec

        text = safe_text(spec["text"])
        versions = sorted({record.version for record in records}, reverse=True)
        newest = await self.newest(name)
        if match.build and match.version:
            without_build = MatchSpec(f"{name} {match.version}")
            if any(without_build.matches(record) for record in records):
                self.add(spec, "conda-build-unknown",
                         f"'{text}' names a build ({safe_text(match.build)}) that does not exist for Linux; build "
                         "strings usually come from 'conda env export' on another computer.",
                         f"Remove the build part: {name}={_plain_version(match.version)}.")
                return
        elsewhere = _platforms_of([record for record in await self.solver.records(name, OTHER_PLATFORMS)
                                   if match.matches(record)])
        shown = ", ".join(str(version) for version in versions[:6]) + (", ..." if len(versions) > 6 else "")
        where = f"; it exists only for {elsewhere}" if elsewhere else ""
        self.add(spec, "conda-version-unknown",
                 f"No release of {name} matches '{text}' for Linux in {self.channels}{where}. "
                 f"Releases for Linux: {shown}.",
                 f"Use {name}={newest} (the newest that installs on Binder), or remove the version." if newest
                 else "Use one of those releases, or remove the version.")

    async def python_conflict(self, spec: dict, match, name: str, text: str) -> None:
        from rattler import MatchSpec

        works = [version for version in await self.channel_pythons()
                 if await self.ok([match, MatchSpec(f"python {version}.*")])]
        needs = _python_range(works, await self.channel_pythons())
        pin = self.pin_spec
        source = (f"python={self.python} on line {pin['line']}" if pin and pin["line"] and
                  self.pinned == self.python else
                  "Binder's default: environment.yml does not pin Python as python=X.Y" if pin is None else
                  "Binder's Python for this project")
        newest = await self.newest(name)
        best = works[-1] if works else self.python
        where = f"change line {pin['line']} to python={best}" if pin and pin["line"] else \
            f"add '- python={best}' to the dependencies"
        instead = f", or use {name}={newest} (the newest for Python {self.python})" if newest else \
            f" (no release of {name} installs with Python {self.python})"
        self.add(spec, "conda-python-conflict",
                 f"'{text}' needs {needs}; Binder will use Python {self.python} ({source}).",
                 f"Pin a Python it supports: {where}{instead}.")

    async def find_conflicts(self, entries: list) -> None:
        """Add lines in file order; a line that breaks the solve conflicts with a minimal set of earlier ones."""
        accepted: list[tuple[dict, object]] = []
        for spec, match in entries:
            if await self.ok([self.pin, *(m for _, m in accepted), match]):
                accepted.append((spec, match))
                continue
            core = list(accepted)
            for item in list(core):
                trial = [entry for entry in core if entry is not item]
                if not await self.ok([self.pin, *(m for _, m in trial), match]):
                    core = trial
            await self.conflict(spec, match, core)

    async def conflict(self, spec: dict, match, core: list) -> None:
        from rattler import MatchSpec

        name = match.name.normalized
        others = " and ".join(f"'{safe_text(other['text'])}'" + (f" (line {other['line']})" if other["line"] else "")
                              for other, _ in core)
        fixes = []
        solution = await self.solver.solve([self.pin, *(m for _, m in core), MatchSpec(name)])
        if isinstance(solution, list):
            fixes.append(f"use {name}={_version_of(solution, name)}, which works with {others}")
        if len(core) == 1:
            other_name = core[0][1].name.normalized
            solution = await self.solver.solve([self.pin, match, MatchSpec(other_name)])
            if isinstance(solution, list):
                fixes.append(f"use {other_name}={_version_of(solution, other_name)}, which works with "
                             f"'{safe_text(spec['text'])}'")
        fix = ("Either " + ", or ".join(fixes) if len(fixes) > 1 else fixes[0][0].upper() + fixes[0][1:] if fixes
               else "Loosen or remove the version of one of them")
        self.add(spec, "conda-conflict",
                 f"'{safe_text(spec['text'])}' cannot be installed together with {others} on Binder "
                 f"(Linux, Python {self.python}).", fix + ".")

    async def newest(self, name: str) -> str | None:
        """The version of `name` the solver picks with Binder's Python alone, if any."""
        from rattler import MatchSpec

        solution = await self.solver.solve([self.pin, MatchSpec(name)])
        return _version_of(solution, name) if isinstance(solution, list) else None

    async def channel_pythons(self) -> list[str]:
        """The Python X.Y versions Binder offers that the channels have for Linux, oldest first."""
        if self._pythons is None:
            have = {".".join(str(record.version).split(".")[:2]) for record in await self.solver.records("python")}
            self._pythons = [version for version in self.candidates if version in have]
        return self._pythons


def _version_of(records: list, name: str) -> str | None:
    return next((str(record.version) for record in records if record.name.normalized == name), None)


def _platforms_of(records: list) -> str:
    found = sorted({record.subdir for record in records})
    return " and ".join(_PLATFORM_WORDS.get(subdir, subdir) for subdir in found)


def _python_range(works: list[str], offered: list[str]) -> str:
    """['3.11', '3.12'] of offered ['3.10', '3.11', '3.12'] -> 'Python 3.11 or newer'."""
    if not works:
        return "a Python version Binder does not offer"
    if len(works) == 1:
        return f"Python {works[0]}"
    start = offered.index(works[0])
    if offered[start:start + len(works)] == works:  # contiguous
        if works[-1] == offered[-1]:
            return f"Python {works[0]} or newer"
        if works[0] == offered[0]:
            return f"Python {works[-1]} or older"
        return f"Python {works[0]} to {works[-1]}"
    return "Python " + ", ".join(works)


def _pinned(text: str) -> str:
    from wizard.core.environment.detection.rules import MAJOR_PYTHONS, PYTHON_REGEX

    match = PYTHON_REGEX.match(text)
    parts = (match.group(1) if match else "").split(".")
    return MAJOR_PYTHONS.get(parts[0], "") if len(parts) == 1 else ".".join(parts[:2])


def _plain_version(version: str) -> str:
    """rattler's '==1.26.4' / '1.26.*' as a user writes it after '='."""
    return version.removeprefix("==").removesuffix(".*")


def _plain(solver_text: str) -> str:
    """rattler's explanation tree as one plain sentence."""
    lines = [line.strip(" │├└─") for line in solver_text.splitlines()]
    text = " ".join(line for line in lines if line).removeprefix("Cannot solve the request because of: ")
    return safe_text(text)[:500]
