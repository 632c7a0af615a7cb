"""Pins that install on Binder's Python: what `binder-wizard requirements` and the Dependencies dialog propose.

The project's own Python is often newer than the one Binder will use (3.10 when nothing pins it), and the
newest releases of many packages no longer support old Pythons: scipy 1.17.1 from a local 3.11 does not
install on Binder's 3.10. For each (name, local version) `review_pins` asks the package index whether that
version installs on Binder's Linux with Binder's Python; when it does not, it proposes the newest release
that does, and, when the local version installs with the project's own Python, pinning that Python instead.

Also here: which versions pip would pick differently if Binder used the newest Python it offers (the
advice that comes with a missing Python pin).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wizard.core.environment.package_names import normalise
from wizard.core.environment.install.explain import SUPPORTED_PYTHONS

NEWEST_BINDER_PYTHON = SUPPORTED_PYTHONS[-1]  # the newest Python repo2docker can build
_LOOKUP_WORKERS = 8


@dataclass(frozen=True)
class PinAdvice:
    """A local version that does not install on Binder's Python, and the two ways out."""

    name: str
    local: str  # the version in the project's Python
    binder: str | None  # the newest release that installs on Binder with Binder's Python; None: there is none
    python: str  # Binder's Python
    local_python: str | None  # the project's Python X.Y, when `local` installs there and Binder can use it
    needs: str | None  # the Requires-Python of the local version's files, when that is what stops it

    def sentence(self, python_why: str) -> str:
        """'scipy 1.17.1 (your version) needs Python >=3.11; Binder will use 3.10 (no runtime.txt).'"""
        if self.needs:
            why = f"needs Python {self.needs.replace(',', ', ')}"
        elif self.local_python:
            why = f"has no file that installs with Python {self.python}"
        else:
            why = "has no file that installs on Binder's Linux"
        return f"{self.name} {self.local} (your version) {why}; Binder will use Python {self.python} ({python_why})."


@dataclass(frozen=True)
class PinReview:
    """The answer for a set of pins. `checked` is False when the index could not be reached: then nothing
    is known and every pin stays as it is."""

    python: str
    index: str
    checked: bool
    advice: dict[str, PinAdvice] = field(default_factory=dict)  # normalised name -> advice (only the bad ones)

    def for_name(self, name: str) -> PinAdvice | None:
        return self.advice.get(normalise(name))

    def versions(self) -> dict[str, str]:
        """Normalised name -> the version to pin instead, for each local version that does not install."""
        return {key: advice.binder for key, advice in self.advice.items() if advice.binder}

    @property
    def local_python(self) -> str | None:
        """The project's Python, when pinning it would let Binder install local versions advised on."""
        pythons = {advice.local_python for advice in self.advice.values() if advice.local_python}
        return pythons.pop() if len(pythons) == 1 else None


def _public(version: str) -> str:
    return version.split("+", 1)[0]


def _same_version(a: str | None, b: str) -> bool:
    from packaging.version import InvalidVersion, Version

    if a is None:
        return False
    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return a == b


def _installs(files, version: str, python: str) -> bool:
    """Whether some file of `version` installs on Binder's Linux with `python` (a pinned, withdrawn release
    still installs: pip takes it with a warning)."""
    from wizard.core.environment.install.binder_platform import is_sdist, wheel_rank
    from wizard.core.environment.install.index_adapter import supports_python

    for file in files:
        if not _same_version(file.version, version) or not supports_python(file.requires_python, python):
            continue
        if file.filename.endswith(".whl") and wheel_rank(file.filename, python) is not None:
            return True
        if not file.filename.endswith(".whl") and is_sdist(file.filename):
            return True
    return False


def _needs(files, version: str) -> str | None:
    found = {file.requires_python for file in files if _same_version(file.version, version) and file.requires_python}
    return found.pop() if len(found) == 1 else None


def _usable_python(local_python: str | None, python: str) -> str | None:
    """The project's Python as X.Y when Binder can build it and it is newer than Binder's."""
    from packaging.version import InvalidVersion, Version

    if not local_python:
        return None
    short = ".".join(local_python.split(".")[:2])
    try:
        return short if short in SUPPORTED_PYTHONS and Version(short) > Version(python) else None
    except InvalidVersion:
        return None


def advise(name: str, local: str, files, python: str, local_python: str | None) -> PinAdvice | None:
    """Advice for one pin from the index's files for that project (pure); None when `local` installs."""
    from wizard.core.environment.install.index_adapter import installable_versions

    local = _public(local)
    if _installs(files, local, python):
        return None
    newer = _usable_python(local_python, python)
    keep_python = newer if newer and _installs(files, local, newer) else None
    candidates = installable_versions(files, python)
    return PinAdvice(name, local, candidates[0] if candidates else None, python, keep_python,
                     _needs(files, local) if keep_python else None)


def review_pins(pins: list[tuple[str, str]], python: str, *, local_python: str | None = None,
                index_url: str | None = None, timeout: float = 10.0) -> PinReview:
    """Which of `pins` ((name, version) from the project's Python) do not install on Binder's `python`, and
    what to pin instead. One index page per package, asked in parallel; bounded by about `timeout` seconds."""
    from concurrent.futures import ThreadPoolExecutor

    from wizard.core.environment.install import default_index
    from wizard.core.environment.install.index_adapter import project_files

    index = default_index(index_url)
    if not pins:
        return PinReview(python, index, True)
    with ThreadPoolExecutor(max_workers=min(_LOOKUP_WORKERS, len(pins)), thread_name_prefix="pin-check") as pool:
        pages = list(pool.map(lambda pin: project_files(pin[0], index, timeout=timeout), pins))
    if all(page is None for page in pages):
        from wizard.core.environment.install.reach_adapter import index_answers

        if not index_answers(index, timeout=min(timeout, 5.0)):
            return PinReview(python, index, False)
    advice = {}
    for (name, version), files in zip(pins, pages):
        found = advise(name, version, files, python, local_python) if files else None
        if found is not None:
            advice[normalise(name)] = found
    return PinReview(python, index, True, advice)


def runtime_file(detection) -> str | None:
    """runtime.txt (in the config folder) when a pip project's Python is set there or can be: where the
    Dependencies dialog may pin the project's own Python instead of older packages."""
    if detection.buildpack != "python" or detection.python_version_source not in ("default", "runtime.txt"):
        return None
    return f"{detection.binder_dir}/runtime.txt" if detection.binder_dir else "runtime.txt"


def runtime_text(existing: str, python: str) -> str:
    """runtime.txt naming `python`, in the file's own line ending."""
    return f"python-{python}" + ("\r\n" if "\r\n" in existing else "\n")


# ---- a missing Python pin: what changes with another Python ----------------------------------------------


def version_changes(base, other) -> list[tuple[str, str, str]]:
    """(name, version with base's Python, version with other's) for every package both resolved differently."""
    theirs = {normalise(name): version for name, version in other.chosen}
    changes = []
    for name, version in base.chosen:
        new = theirs.get(normalise(name))
        if new is not None and new != version:
            changes.append((name, version, new))
    return sorted(changes, key=lambda change: change[0].lower())


def unpinned_python_words(base, other) -> str | None:
    """What a missing Python pin changes, in one or two sentences, from the check for Binder's default
    Python (`base`) and for the newest one (`other`); None when there is nothing to say."""
    if base is None or base.status != "ok" or other is None or not base.chosen:
        return None
    newest = other.python
    if other.status == "skipped":
        return None
    if other.status == "failed":
        problems = sum(d.is_error for d in other.diagnostics)
        return (f"With Python {newest} (the newest Binder offers) these packages would not install "
                f"({problems} problem{'s' * (problems != 1)}): pin the Python you use.")
    changes = version_changes(base, other)
    if not changes:
        return f"Today pip picks the same versions for Python {base.python} and {newest}; that can change any day."
    shown = ", ".join(f"{name} {old} → {new}" for name, old, new in changes[:8])
    more = f" and {len(changes) - 8} more" if len(changes) > 8 else ""
    return f"With Python {newest} (the newest Binder offers) pip would install other versions: {shown}{more}."
