"""From scanned imports to requirements: resolution, versions, pins, and the comparison with the
declared file.

Resolution order for each import (first hit wins), see `resolve_import`:
  1. the project environment's metadata (the distribution that owns the package, or for namespace
     packages the one that ships the dotted path);
  2. the curated table of import/distribution mismatches (`names.MISMATCHES`);
  3. the bundled list of popular PyPI names, when the import name is the distribution name;
  4. otherwise "unresolved": reported, never guessed.
A distribution the project already declares (or `%pip install`s) that provides the same import wins
over the default choice (opencv-python-headless over opencv-python).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from wizard.core.environment.deps.declared import Declared, DeclaredFile, declared_file, read_declared
from wizard.core.environment.package_names import (ALTERNATIVES, NAMESPACE_ROOTS, PLATFORM_IMPORTS, curated, is_stdlib, normalise,
                                    platform_of_distribution, popular)
from wizard.core.environment.deps.python_source import REQUIRED
from wizard.core.environment.deps.scan import ProjectScan, scan_project
from wizard.core.environment.deps.sources import ImportSite, Location

if TYPE_CHECKING:  # the adapter starts processes; inferring from the tables alone never loads it
    from wizard.core.environment.deps.project_python_adapter import PythonEnvironment

Status = Literal["undeclared", "declared", "unused", "unresolved"]
Pin = Literal["exact", "compatible", "none"]
PIN_STYLES: tuple[str, ...] = ("exact", "compatible", "none")


@dataclass(frozen=True)
class Package:
    """One row of the result.

    `name` is the distribution (for unresolved rows: the import as written). `import_name` is the
    import it came from ("" for a declared-but-unused line or a `%pip install` never imported).
    `source` says how the name was found: "environment", "curated", "popular" ("matched by name"),
    "pip-install", "declared" or None (unresolved / unused).
    """

    name: str
    import_name: str
    version: str | None
    status: Status
    source: str | None
    locations: tuple[Location, ...] = ()
    declared_line: int | None = None

    def requirement_line(self, pin: Pin = "exact") -> str:
        return format_requirement(self.name, self.version, pin)


@dataclass(frozen=True)
class PlatformOnly:
    """An import (or declared line) that only works on Windows or macOS: never a Binder requirement."""

    name: str  # distribution
    import_name: str
    platform: str  # "Windows" / "macOS"
    locations: tuple[Location, ...] = ()
    declared: Declared | None = None


@dataclass
class Inference:
    project: Path
    packages: list[Package]  # undeclared + declared + unused + unresolved, sorted by name
    platform_only: list[PlatformOnly]
    skipped_stdlib: list[str]
    skipped_local: list[str]
    r_packages: dict[str, tuple[Location, ...]]
    target: DeclaredFile
    declared: list[Declared]
    environment: PythonEnvironment | None
    scan: ProjectScan = field(repr=False, default_factory=ProjectScan)

    @property
    def required(self) -> list[Package]:
        """What the code needs: declared and undeclared rows."""
        return [p for p in self.packages if p.status in ("declared", "undeclared")]

    def by_status(self, status: Status) -> list[Package]:
        return [p for p in self.packages if p.status == status]


def format_requirement(name: str, version: str | None, pin: Pin) -> str:
    """`numpy==1.26.4` (exact), `numpy~=1.26` (compatible: major.minor), `numpy` (none or no version)."""
    if not version or pin == "none":
        return name
    public = version.split("+", 1)[0]  # a local label (+cu118) is not on PyPI
    if pin == "exact":
        return f"{name}=={public}"
    from packaging.version import InvalidVersion, Version

    try:
        release = Version(public).release
    except InvalidVersion:
        return name
    major, minor = (release + (0, 0))[:2]
    return f"{name}~={major}.{minor}"


def _sort_key(name: str) -> tuple[str, str]:
    return (name.lower(), name)


# ----------------------------------------------------------------------------- resolution


def resolve_import(dotted: str, environment: PythonEnvironment | None,
                   preferred: set[str] = frozenset()) -> tuple[str | None, str | None]:
    """(distribution, source) for one import; (None, None) when unresolved.

    `preferred` holds normalised names the project declares or pip-installs: among several
    distributions that provide an import, one of those wins.
    """
    top = dotted.split(".")[0]

    def choose(candidates: list[str]) -> str:
        for candidate in candidates:
            if normalise(candidate) in preferred:
                return candidate
        default = curated(dotted)
        if default and default[1] and any(normalise(c) == normalise(default[1]) for c in candidates):
            return default[1]
        return sorted(candidates, key=_sort_key)[0]

    match = curated(dotted)
    # An alternative the project itself declares or %pip-installs (opencv-python-headless for cv2)
    # is its choice for Binder, even if the local environment happens to have another one.
    for alternative in ALTERNATIVES.get(match[0] if match else top, ()):
        if normalise(alternative) in preferred:
            return alternative, "curated"
    if environment is not None and not environment.error:
        owners = environment.owners.get(top)
        providers = environment.top_level.get(top, [])
        if owners:
            return choose(owners), "environment"
        if len(providers) == 1:
            return providers[0], "environment"
        if providers:  # a namespace shared by several distributions: the dotted path decides
            parts = dotted.split(".")
            for end in range(len(parts), 1, -1):
                hit = environment.dotted.get(".".join(parts[:end]))
                if hit and len(hit) == 1:
                    return hit[0], "environment"
    if match is not None:
        _, name = match
        if name is None:
            return None, None
        return name, "curated"
    name = popular(dotted)
    if name:
        written = dotted if top in NAMESPACE_ROOTS else top
        # Keep the project's own spelling when it has capitals (PyQt5, Cython); the list is lower-case.
        return (written if written != written.lower() and normalise(written) == normalise(name) else name), "popular"
    if top not in NAMESPACE_ROOTS and normalise(top) in preferred:
        return top, "declared"
    return None, None


def _statement_groups(sites: list[ImportSite]) -> dict[tuple, list[ImportSite]]:
    """Sites from one import statement: `from google.cloud import storage` gives google.cloud and
    google.cloud.storage at the same place; the most specific name that resolves decides."""
    groups: dict[tuple, list[ImportSite]] = defaultdict(list)
    for site in sites:
        groups[(site.location, site.module.split(".")[0], site.context)].append(site)
    return groups


def infer(project: Path, environment: PythonEnvironment | None = None, scan: ProjectScan | None = None,
          target: DeclaredFile | None = None) -> Inference:
    """Everything binder-wizard knows about the project's Python requirements.

    `environment` is the project's Python (see `environment.project_environment`); None means
    none could be asked, so names come from the curated table and popular list only.
    `target` overrides the declared file (e.g. `--write FILE`).
    """
    scan = scan if scan is not None else scan_project(project)
    target = target if target is not None else declared_file(project)
    declared = read_declared(project, target)
    declared_on_linux = {normalise(d.name): d for d in declared if d.on_linux}
    installs = {normalise(i.name): i for i in scan.installs}
    preferred = set(declared_on_linux) | set(installs)

    stdlib: set[str] = set()
    local: set[str] = set()
    resolved: dict[str, dict] = {}  # normalised dist -> {"name", "import", "locations", "required", "source"}
    unresolved: dict[str, list[Location]] = defaultdict(list)
    platform: dict[str, PlatformOnly] = {}

    for (location, top, context), group in _statement_groups(scan.imports).items():
        if is_stdlib(top):
            stdlib.add(top)
            continue
        if top in scan.local_modules:
            local.add(top)
            continue
        if top in PLATFORM_IMPORTS:
            if context == REQUIRED:
                dist, system = PLATFORM_IMPORTS[top]
                entry = platform.get(normalise(dist))
                locations = (entry.locations if entry else ()) + (location,)
                platform[normalise(dist)] = PlatformOnly(dist, top, system, locations)
            continue
        modules = sorted({s.module for s in group}, key=lambda m: -m.count("."))
        dist = source = None
        for module in modules:
            dist, source = resolve_import(module, environment, preferred)
            if dist:
                break
        if dist is None:
            if context == REQUIRED:
                shown = modules[0] if top in NAMESPACE_ROOTS else modules[-1]
                unresolved[shown].append(location)
            continue
        if top in NAMESPACE_ROOTS:  # report the shortest dotted path that names this distribution
            chosen = min((m for m in modules if resolve_import(m, environment, preferred)[0] == dist), key=len)
        else:
            chosen = top
        key = normalise(dist)
        entry = resolved.setdefault(key, {"name": dist, "import": chosen, "locations": [], "required": False,
                                          "source": source})
        entry["locations"].append(location)
        if context == REQUIRED:
            entry["required"] = True

    for key, install in installs.items():
        system = platform_of_distribution(install.name)
        if system:
            platform.setdefault(key, PlatformOnly(install.name, "", system, (install.location,)))
            continue
        entry = resolved.setdefault(key, {"name": install.name, "import": "", "locations": [], "required": True,
                                          "source": "pip-install"})
        entry["required"] = True
        if install.location not in entry["locations"]:
            entry["locations"].append(install.location)

    packages: list[Package] = []
    for key, entry in resolved.items():
        if not entry["required"]:
            continue
        name = entry["name"]
        if environment is not None and environment.name_of(name):
            name = environment.name_of(name)
        version = environment.version_of(name) if environment is not None else None
        if version is None and key in installs:
            version = installs[key].version
        declared_entry = declared_on_linux.get(key)
        if declared_entry is not None:
            name = declared_entry.name  # as the project's file spells it
        packages.append(Package(name, entry["import"], version, "declared" if declared_entry else "undeclared",
                                entry["source"], tuple(entry["locations"]),
                                declared_entry.line if declared_entry else None))
    used = set(resolved)
    for declared_entry in declared:
        key = normalise(declared_entry.name)
        if key in used or not declared_entry.on_linux:
            continue
        system = platform_of_distribution(declared_entry.name)
        if system and not declared_entry.has_marker:
            seen = platform.get(key)  # also imported (unguarded): keep where, add the line to fix
            platform[key] = PlatformOnly(declared_entry.name, seen.import_name if seen else "", system,
                                         seen.locations if seen else (), declared=declared_entry)
            continue
        used.add(key)
        packages.append(Package(declared_entry.name, "", None, "unused", None,
                                (Location(declared_entry.file, declared_entry.line),), declared_entry.line))
    for module, locations in unresolved.items():
        packages.append(Package(module, module, None, "unresolved", None, tuple(locations)))
    packages.sort(key=lambda p: _sort_key(p.name))

    r_packages: dict[str, list[Location]] = defaultdict(list)
    for name, location in scan.r_packages:
        r_packages[name].append(location)
    return Inference(
        project=project, packages=packages,
        platform_only=sorted(platform.values(), key=lambda p: _sort_key(p.name)),
        skipped_stdlib=sorted(stdlib, key=_sort_key), skipped_local=sorted(local, key=_sort_key),
        r_packages={k: tuple(v) for k, v in sorted(r_packages.items(), key=lambda kv: _sort_key(kv[0]))},
        target=target, declared=declared, environment=environment, scan=scan,
    )


def r_install_script(inference: Inference) -> str:
    """An install.R suggestion for the R packages the project's R code loads."""
    if not inference.r_packages:
        return ""
    names = ", ".join(f'"{name}"' for name in inference.r_packages)
    return f"install.packages(c({names}))\n"
