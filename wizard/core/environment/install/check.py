"""Will it install on Binder? Resolve everything repo2docker installs with pip for Binder's Linux and Python.

How a check runs:
1. `sources.gather` reads the files repo2docker uses, each requirement with its file and line.
2. uv resolves them with wheels only (`--only-binary :all:`, as fast as resolving gets, and no code of any
   package runs). When it fails, the failure is explained on the line that leads to it, that line is set
   aside and uv runs again, so one check reports every problem, not just the first.
3. Releases that have no wheel for Binder are resolved once more with source builds allowed: pip compiles
   them on Binder (a warning), unless they are known not to build (an error).
4. Where uv and pip differ, pip wins (Binder runs pip): a release whose Requires-Python excludes Binder's
   Python by an upper bound (uv reads only the lower bound) is left out and uv resolves again.
5. The packages pip would install, and the size of the files it would download, come from uv's pylock.toml
   output (file sizes from the index).
Results are cached per (file contents, Python, platform, indexes); an index that cannot be reached gives
"skipped", never a verdict.
"""

from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from wizard.core.common.diagnostics import Diagnostic
from wizard.core.common.safe_text import safe_text
from wizard.core.environment.package_names import normalise
from wizard.core.environment.install import cache
from wizard.core.environment.install.binder_platform import UV_PLATFORM, best_file
from wizard.core.environment.install.explain import Context, explain, source_only, will_not_build
from wizard.core.environment.install.names import sklearn_verdict
from wizard.core.environment.install.report import size_words
from wizard.core.environment.install.index_adapter import supports_python
from wizard.core.environment.install.sources import PYPI, PipRequirement, Sources, gather
from wizard.core.environment.install.uv_output import Chosen, Failure, parse_failure, parse_lock, yanked_warnings

UNREACHABLE = "could not reach the package index: installability not checked"
CANCELLED = "the check was cancelled: installability not checked"
LARGE_BYTES = 2_000_000_000  # image builds slow down badly above ~2 GB of packages
_MAX_ROUNDS = 10  # problems reported in one check (each costs one more uv run)
# With wheels only, these failures may still install on Binder: pip builds a source release when no wheel fits.
_MAYBE_FROM_SOURCE = ("sdist", "abi", "platform")


@dataclass(frozen=True)
class InstallCheck:
    """The answer: `resolution()` is the JSON object of `check --resolve`; diagnostics go with the others."""

    status: str  # "ok" | "failed" | "skipped"
    python: str | None
    packages: int | None
    download_bytes: int | None
    index: str | None
    message: str | None
    diagnostics: tuple[Diagnostic, ...] = ()
    chosen: tuple[tuple[str, str], ...] = ()  # (name, version) pip would install, when resolved
    from_cache: bool = False

    def resolution(self) -> dict:
        return {"status": self.status, "python": self.python, "packages": self.packages,
                "download_bytes": self.download_bytes, "index": self.index, "message": self.message}

    def to_json(self) -> dict:
        data = asdict(self)
        data.pop("from_cache")
        return data

    @classmethod
    def from_json(cls, data: dict) -> InstallCheck:
        return cls(data["status"], data["python"], data["packages"], data["download_bytes"], data["index"],
                   data["message"], tuple(Diagnostic(**d) for d in data["diagnostics"]),
                   tuple(tuple(pair) for pair in data["chosen"]))


def default_index(index_url: str | None = None) -> str:
    """Where PyPI is reached: an explicit URL, else the user's PIP_INDEX_URL (a mirror or proxy), else PyPI.
    Nothing else of the user's pip setup applies: the Binder build does not have it."""
    return (index_url or os.environ.get("PIP_INDEX_URL") or PYPI).rstrip("/")


def check_install(project: Path, detection, *, index_url: str | None = None, refresh: bool = False,
                  cache_dir: Path | None = None, timeout: float = 60.0, cancel: threading.Event | None = None,
                  python: str | None = None) -> InstallCheck:
    """Whether everything repo2docker installs for `project` resolves on Binder's Linux and Python.

    Takes at most about `timeout` seconds; setting `cancel` (from another thread) stops it within ~0.1 s
    with status "skipped". Never raises for network trouble. `python` resolves for another X.Y than the
    one Binder will use (to compare the versions pip would pick, e.g. with the local Python)."""
    project = Path(project)
    if python is not None:
        detection = replace(detection, python_version=python, python_version_source="the Python asked for")
    python = detection.python_version
    if detection.buildpack is None:
        reason = ("repo2docker stops before installing anything: fix the problems above first" if detection.errors
                  else "repo2docker finds no environment to build here, so nothing is installed yet")
        return InstallCheck("skipped", python, None, None, None, reason)
    sources = gather(project, detection)
    if sources.skip_reason:
        return _finish(InstallCheck("skipped", python, None, None, None, sources.skip_reason), sources)
    if python is None:
        return InstallCheck("skipped", None, None, None, None,
                            "repo2docker cannot tell which Python to use: fix the problems above first")
    index = (sources.index_url or default_index(index_url)).rstrip("/")
    folder = Path(cache_dir) if cache_dir is not None else cache.default_folder()
    from wizard.core.environment.install.uv_adapter import uv_version

    digest = cache.key({"files": sources.contents, "python": python, "platform": UV_PLATFORM, "index": index,
                        "extra": sources.extra_index_urls, "find_links": sources.find_links, "uv": uv_version(),
                        "pre": sources.prerelease, "no_index": sources.no_index, "pack": detection.buildpack,
                        # the words of the fixes: where the Python comes from and how it is changed
                        "python_source": detection.python_version_source, "folder": detection.binder_dir,
                        "runtime": _runtime_text(project, detection)})
    if not refresh:
        stored = cache.load(folder, digest)
        if stored is not None:
            return replace(InstallCheck.from_json(stored["result"]), from_cache=True)
    conda = _start_conda(sources, python, timeout, folder, cancel)
    result = _PipCheck(project, detection, sources, index, folder, timeout, cancel).run()
    result = _finish(_with_conda(result, conda), sources)
    if result.status != "skipped":
        cache.store(folder, digest, {"result": result.to_json()})
    return result


def _finish(result: InstallCheck, sources: Sources) -> InstallCheck:
    diagnostics = list(sources.notes) + list(result.diagnostics)
    if result.download_bytes is not None and result.download_bytes > LARGE_BYTES:
        diagnostics.append(Diagnostic(
            sources.main_file or "requirements.txt", None, None, "warning", "install-large",
            f"Binder would download {size_words(result.download_bytes)} of packages ({result.packages} "
            f"package{'s' if result.packages != 1 else ''}): "
            f"image builds slow down badly above about 2 GB, and launches wait for them.",
            "Fix: remove packages the notebooks do not use, or use CPU-only builds (e.g. PyTorch from "
            "https://download.pytorch.org/whl/cpu)."))
    diagnostics.sort(key=lambda d: (d.file, d.line or 0))
    clean = tuple(replace(d, message=safe_text(d.message), fix=safe_text(d.fix) if d.fix else None)
                  for d in diagnostics)
    return replace(result, diagnostics=clean, index=safe_text(result.index) if result.index else None,
                   message=safe_text(result.message) if result.message else None)


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text.split(";")[0]).lower()


class _PipCheck:
    def __init__(self, project: Path, detection, sources: Sources, index: str, folder: Path,
                 timeout: float, cancel: threading.Event | None) -> None:
        self.project, self.detection, self.sources = project, detection, sources
        self.index, self.folder, self.timeout, self.cancel = index, folder, timeout, cancel
        self.deadline = time.monotonic() + timeout
        self.python: str = detection.python_version
        self.diagnostics: list[Diagnostic] = []
        self.incomplete = False  # a source release whose requirements could not be read
        self.constraints = list(sources.constraints)  # `-c` lines; set aside like requirements when they fail
        # Releases pip refuses for their Requires-Python upper bound (uv reads only the lower bound):
        # name -> (the release uv picked, its Requires-Python, every version with the same problem)
        self.refused: dict[str, tuple[str, str, list[str]]] = {}
        self.requires_python: dict[str, str] = cache.load_map(folder, "requires-python")  # file URL -> its own
        self._pages: dict[str, list] = {}  # index pages read for this check
        self._yanked_seen: set[str] = set()
        self._newest: dict[tuple[str, bool], str | None] = {}
        self.context = Context(self.python, python_why(detection, project), self._pin_python, self._newest_release,
                               index, sources.main_file)

    # ---- running uv ----------------------------------------------------------------------------------

    def _remaining(self) -> float:
        return self.deadline - time.monotonic()

    def _compile(self, requirements: list[PipRequirement], only_binary: bool):
        from wizard.core.environment.install import uv_adapter

        return uv_adapter.compile_requirements(
            "".join(f"{r.text}\n" for r in requirements), python=self.python, index_url=self.index,
            extra_index_urls=self.sources.extra_index_urls, find_links=self.sources.find_links,
            constraints="".join(f"{c.text}\n" for c in self.constraints) + "".join(
                f"{name}{','.join('!=' + v for v in versions)}\n" for name, (_, _, versions) in self.refused.items()),
            only_binary=only_binary,
            prerelease=self.sources.prerelease, no_index=self.sources.no_index, cache_dir=self.folder / "uv",
            timeout=self._remaining(), cancel=self.cancel)

    def _skipped(self, why: str) -> InstallCheck:
        tried = ", ".join([self.index, *self.sources.extra_index_urls])
        note = Diagnostic(self.sources.main_file or "requirements.txt", None, None, "info", "install-not-checked",
                          f"Could not reach the package index ({tried}): {why}. Whether these packages install "
                          f"on Binder was not checked.", "Check again when you are online.")
        return InstallCheck("skipped", self.python, None, None, self.index, UNREACHABLE, (note,))

    def _stopped(self, run) -> InstallCheck | None:
        """The answer when this uv run says nothing about the packages (time up, network down)."""
        if self.cancel is not None and self.cancel.is_set():
            return InstallCheck("skipped", self.python, None, None, self.index, CANCELLED)
        if run.timed_out:
            return self._skipped(f"no answer within {self.timeout:g} s")
        if run.returncode != 0:
            failure = parse_failure(run.stderr)
            if failure.kind == "network":
                return self._skipped(_network_words(run.stderr) + (f" at {failure.detail}" if failure.detail else ""))
        return None

    # ---- the check -----------------------------------------------------------------------------------

    def run(self) -> InstallCheck:
        from wizard.core.environment.install.uv_adapter import UvNotFound

        active = self._without_sklearn(list(self.sources.requirements))
        known = len(self.requires_python)
        try:
            result = self._resolve(active) if active else InstallCheck(
                "ok", self.python, 0, 0, self.index, None, tuple(self.diagnostics))
        except UvNotFound as error:
            return InstallCheck("skipped", self.python, None, None, self.index, str(error), tuple(self.diagnostics))
        if len(self.requires_python) > known:
            cache.store_map(self.folder, "requires-python", self.requires_python)
        if result.status == "ok" and any(d.is_error for d in result.diagnostics):  # e.g. `sklearn`, set aside early
            return replace(result, status="failed", packages=None, download_bytes=None, chosen=())
        return result

    def _resolve(self, active: list[PipRequirement]) -> InstallCheck:
        sdists: dict[str, list[PipRequirement]] = {}  # releases with no wheel for Binder -> the lines needing them
        outcome = self._rounds(active, sdists, only_binary=True)
        if isinstance(outcome, InstallCheck):
            return outcome
        lock, failed, remaining = outcome
        if sdists:  # again with source releases allowed: pip builds them on Binder
            set_aside = [r for lines in sdists.values() for r in lines]
            outcome = self._rounds(remaining + set_aside, sdists, only_binary=False)
            if isinstance(outcome, InstallCheck):
                return outcome
            lock, failed_with_sources, _ = outcome
            failed = failed or failed_with_sources
            for chosen in lock or []:
                picked = best_file([file[0] for file in chosen.files], self.python)
                if picked is not None and not picked.endswith(".whl"):
                    lines = sdists.get(normalise(chosen.name), [])
                    self.diagnostics.append(source_only(chosen.name, chosen.version, lines[0] if lines else None,
                                                        self.context))
        if failed:
            return InstallCheck("failed", self.python, None, None, self.index, None, tuple(self.diagnostics))
        if lock is None or self.incomplete:  # what pip compiles could not be read: the rest is checked
            return InstallCheck("ok", self.python, None, None, self.index, None, tuple(self.diagnostics))
        return self._resolved(lock)

    def _rounds(self, active: list[PipRequirement], sdists: dict[str, list[PipRequirement]], only_binary: bool):
        """Resolve; on failure explain it, set its lines aside and resolve the rest again, so that one check
        finds every problem. (lock or None, whether anything failed, the lines left) or a "skipped" answer."""
        failed = False
        for _ in range(_MAX_ROUNDS):
            if not active:
                return [], failed, active
            run = self._compile(active, only_binary=only_binary)
            stopped = self._stopped(run)
            if stopped:
                return stopped
            if run.returncode == 0:
                try:
                    lock = parse_lock(run.stdout)
                except ValueError:  # tomllib's error too: a uv whose output format changed
                    return InstallCheck("skipped", self.python, None, None, self.index,
                                        "binder-wizard could not read uv's answer: installability not checked")
                if self._pip_would_refuse(lock):
                    continue  # resolve again without those releases, as pip would
                self._yanked_pins(run.stderr, active)
                return lock, failed, active
            failure = parse_failure(run.stderr)
            culprits = self._culprits(failure, active + self.constraints)
            mentioned = [name for name in self.refused if re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w-])",
                                                                      failure.text.lower())]
            refused = next((name for name in [normalise(failure.package or ""), *(c.name for c in culprits),
                                              *mentioned] if name in self.refused), None)
            if refused is not None:  # uv fails only because the releases pip refuses are left out: say why
                version, requires_python, _ = self.refused[refused]
                failure = Failure("python", refused, version, requires_python, failure.roots, failure.text)
            if failure.kind in _MAYBE_FROM_SOURCE and only_binary and culprits and not will_not_build(
                    failure.package, failure.version, self.python):
                sdists[normalise(failure.package)] = culprits  # not a failure yet: pip may build it from source
            elif failure.kind == "build":
                lines = culprits or sdists.get(normalise(failure.package or ""), [])
                self.diagnostics.append(_unreadable_source(failure, lines[0] if lines else None, self.context))
                self.incomplete = True
            elif failure.kind == "sdist":
                failed = True
                self.diagnostics.append(source_only(failure.package, failure.version or "?",
                                                    culprits[0] if culprits else None, self.context))
            else:
                failed = True
                self.diagnostics.append(explain(failure, culprits, self.context))
            if not culprits:
                return None, failed, active  # nothing of the user's to set aside: cannot go on
            active = [r for r in active if r not in culprits]
            self.constraints = [c for c in self.constraints if c not in culprits]
        return None, failed, active

    def _pip_would_refuse(self, lock: list[Chosen]) -> bool:
        """Whether a release uv picked has a Requires-Python that excludes Binder's Python (uv checks only its
        lower bound; pip checks all of it, e.g. numba 0.58 `<3.12` on 3.12). Those releases are remembered,
        with every other version of the package that has the same problem, so that uv leaves them out.

        Requires-Python is read from the METADATA file beside each wheel (PEP 658), else from the index page;
        a file never changes, so what was read is kept in the cache folder by the file's URL."""
        from wizard.core.environment.install.index_adapter import requires_python_of

        picked: dict[str, tuple[Chosen, str]] = {}  # file URL -> (release, filename pip installs)
        for chosen in lock:
            name = best_file([file[0] for file in chosen.files], self.python)
            url = next((file[2] for file in chosen.files if file[0] == name), "")
            if name and url:
                picked[url] = (chosen, name)
        unknown = [url for url in picked if url not in self.requires_python]
        wheels = [url for url in unknown if picked[url][1].endswith(".whl") and url.startswith("http")]
        budget = min(5.0, self._remaining())
        read = requires_python_of(wheels, timeout=budget) if wheels and budget > 0.2 else {}
        unread = [url for url in unknown if url not in read]
        self._read_pages([picked[url][0].name for url in unread])
        for url in unread:
            chosen, name = picked[url]
            entry = next((file for file in self._pages.get(normalise(chosen.name), []) if file.filename == name), None)
            if entry is not None:
                read[url] = entry.requires_python
        self.requires_python.update({url: requires_python or "" for url, requires_python in read.items()})
        refused = False
        for url, (chosen, _) in picked.items():
            requires_python = self.requires_python.get(url)
            if requires_python and not supports_python(requires_python, self.python):
                self._read_pages([chosen.name])
                versions = self._versions_refused(chosen.name)
                if chosen.version not in versions:
                    versions.append(chosen.version)
                self.refused[normalise(chosen.name)] = (chosen.version, requires_python, versions)
                refused = True
        return refused

    def _read_pages(self, names: list[str]) -> None:
        """The index pages of these projects, read at the same time (kept for this check)."""
        from concurrent.futures import ThreadPoolExecutor

        from wizard.core.environment.install.index_adapter import project_files

        wanted = sorted({normalise(name) for name in names} - set(self._pages))
        budget = min(5.0, self._remaining())
        if not wanted or budget <= 0.2:
            return
        with ThreadPoolExecutor(max_workers=min(16, len(wanted)), thread_name_prefix="index-page") as pool:
            pages = list(pool.map(lambda name: project_files(name, self.index, timeout=budget), wanted))
        self._pages.update({name: page or [] for name, page in zip(wanted, pages)})

    def _versions_refused(self, name: str) -> list[str]:
        """Every version of `name` none of whose files accepts Binder's Python, from the index page."""
        accepted: dict[str, bool] = {}
        for file in self._pages.get(normalise(name), []):
            if file.version is not None:
                fits = supports_python(file.requires_python, self.python)
                accepted[file.version] = accepted.get(file.version, False) or fits
        return [version for version, fits in accepted.items() if not fits]

    def _resolved(self, lock: list[Chosen]) -> InstallCheck:
        total: int | None = 0
        for chosen in lock:
            sizes = {name: size for name, size, _ in chosen.files}
            picked = best_file(list(sizes), self.python)
            size = sizes.get(picked) if picked else None
            total = None if total is None or size is None else total + size
        chosen = tuple((c.name, c.version) for c in lock)
        return InstallCheck("ok", self.python, len(lock), total, self.index, None, tuple(self.diagnostics), chosen)

    # ---- mapping back to lines -----------------------------------------------------------------------

    @staticmethod
    def _culprits(failure: Failure, active: list[PipRequirement]) -> list[PipRequirement]:
        """The user's lines uv's explanation starts from ("you require ..."), in file order."""
        found: list[PipRequirement] = []
        for root in failure.roots:
            name = normalise(re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", root).group(0))
            same = [r for r in active if r.name == name]
            exact = [r for r in same if _compact(r.text) == _compact(root)]
            for r in exact or same:
                if r not in found:
                    found.append(r)
        if not found and failure.package:
            found = [r for r in active if r.name == normalise(failure.package)]
        return sorted(found, key=lambda r: (r.file, r.line))

    def _without_sklearn(self, requirements: list[PipRequirement]) -> list[PipRequirement]:
        kept = []
        for r in requirements:
            if r.name != "sklearn":
                kept.append(r)
            elif sklearn_verdict(r.text) == "alias":  # sklearn 0.0 installs scikit-learn, nothing else
                kept.append(replace(r, text="scikit-learn", name="scikit-learn"))
                self.diagnostics.append(Diagnostic(
                    r.file, r.line, None, "info", "install-sklearn-alias",
                    "sklearn==0.0 is an old placeholder that installs scikit-learn.",
                    "Fix: write scikit-learn instead (the name of the real package)."))
            else:
                self.diagnostics.append(Diagnostic(
                    r.file, r.line, None, "error", "install-sklearn",
                    "The sklearn package refuses to install on purpose: it is a deprecated name for scikit-learn.",
                    "Fix: write scikit-learn instead."))
        return kept

    def _yanked_pins(self, stderr: str, active: list[PipRequirement]) -> None:
        for name, version, reason in yanked_warnings(stderr):
            if normalise(name) in self._yanked_seen:
                continue
            self._yanked_seen.add(normalise(name))
            line = next((r for r in active if r.name == normalise(name)), None)
            newer = self._newest_release(name)
            self.diagnostics.append(Diagnostic(
                line.file if line else (self.sources.main_file or "requirements.txt"), line.line if line else None,
                None, "warning", "install-yanked-pinned",
                f"{name} {version} was withdrawn (yanked) by its authors" + (f" ({reason})" if reason else "")
                + ": pip installs it because it is pinned exactly, with a warning.",
                f"Fix: pin {name}=={newer} (the newest release that is not withdrawn)." if newer and newer != version
                else None))

    # ---- fixes ---------------------------------------------------------------------------------------

    def _newest_release(self, name: str, wheels_only: bool = False) -> str | None:
        key = (normalise(name), wheels_only)
        if key not in self._newest:
            from wizard.core.environment.install.index_adapter import newest_release_for

            cancelled = self.cancel is not None and self.cancel.is_set()
            budget = 0.0 if cancelled else min(10.0, self._remaining())
            self._newest[key] = (newest_release_for(name, self.python, index_url=self.index, timeout=budget,
                                                    wheels_only=wheels_only) if budget > 0.2 else None)
        return self._newest[key]

    def _pin_python(self, version: str) -> str | None:
        return pin_python_advice(self.detection, self.project, version)


def _unreadable_source(failure: Failure, at: PipRequirement | None, context: Context) -> Diagnostic:
    return Diagnostic(
        at.file if at else (context.main_file or "requirements.txt"), at.line if at else None, None, "warning",
        "install-source-unreadable",
        f"{failure.package} {failure.version} exists only as source code, and binder-wizard could not read what "
        f"it needs without building it: pip will compile it on Binder, and what it pulls in was not checked.",
        None)


def _network_words(stderr: str) -> str:
    lowered = stderr.lower()
    if "connection refused" in lowered:
        return "the connection was refused"
    if "timed out" in lowered:
        return "no answer in time"
    if "dns error" in lowered or "failed to lookup address" in lowered:
        return "the name of the host could not be looked up"
    return "the request failed"


# ---- where Binder's Python comes from, and how to change it --------------------------------------------


def _runtime_text(project: Path, detection) -> str | None:
    from wizard.core.common.fileio import read_text

    try:
        return read_text(project / (detection.binder_dir or "") / "runtime.txt", 4096)
    except OSError:
        return None


def python_why(detection, project: Path) -> str:
    source, pack = detection.python_version_source, detection.buildpack
    if source == "the Python asked for":
        return source
    if source in (None, "default"):
        return {"conda": "environment.yml pins no Python", "pipfile": "the Pipfile names no Python version"}.get(
            pack, "no runtime.txt")
    return f"set by {source}"


def pin_python_advice(detection, project: Path, version: str) -> str | None:
    """How to make Binder use Python `version` for this project, in one phrase; None when it cannot be chosen."""
    folder = detection.binder_dir or ""
    shown = f"{folder}/" if folder else ""
    pack = detection.buildpack
    if pack == "conda":
        name = "environment.yaml" if not (project / folder / "environment.yml").is_file() else "environment.yml"
        return f"pin python={version} in the dependencies of {shown}{name}"
    if pack == "pipfile":
        relock = " and lock it again (pipenv lock)" if (project / folder / "Pipfile.lock").is_file() else ""
        return f'set python_version = "{version}" under [requires] in {shown}Pipfile{relock}'
    current = _runtime_text(project, detection)
    if current is not None:
        if current.strip().startswith("r-"):
            return None  # an R snapshot in runtime.txt fixes Python at 3.10
        return f"change {shown}runtime.txt to python-{version}"
    return f"add {shown}runtime.txt with python-{version}"


# ---- the conda part (install/conda_adapter.py) ---------------------------------------------------------


def _start_conda(sources: Sources, python: str, timeout: float, folder: Path, cancel: threading.Event | None):
    """The conda solve of environment.yml's conda dependencies, started beside the pip check (a Future)."""
    if not sources.conda_specs:
        return None
    from concurrent.futures import ThreadPoolExecutor

    from wizard.core.environment.install.conda_adapter import solve_conda

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="conda-check")
    future = pool.submit(solve_conda, sources.conda_specs, sources.conda_channels, python, timeout=timeout,
                         cache_dir=folder / "conda", cancel=cancel)
    pool.shutdown(wait=False)
    return future


def _with_conda(result: InstallCheck, conda) -> InstallCheck:
    """pip's answer and conda's, as one: failed beats skipped beats ok; counts add up when both are known."""
    if conda is None:
        return result
    solve = conda.result()
    statuses = {result.status, solve.status}
    status = "failed" if "failed" in statuses else "skipped" if "skipped" in statuses else "ok"

    def total(a: int | None, b: int | None) -> int | None:
        return None if a is None or b is None or status != "ok" else a + b

    message = result.message  # pip's words first: the index it could not reach, the problem it found
    if result.status == "ok" and solve.status != "ok" or solve.status == "skipped" and result.status == "failed":
        message = solve.message
    return replace(result, status=status, packages=total(result.packages, solve.packages),
                   download_bytes=total(result.download_bytes, solve.download_bytes), message=message,
                   diagnostics=result.diagnostics + solve.diagnostics, chosen=result.chosen + solve.versions)
