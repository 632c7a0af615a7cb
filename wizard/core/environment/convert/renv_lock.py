"""renv.lock -> runtime.txt (`r-X.Y-YYYY-MM-DD`) + install.R pinning the locked versions.

R X.Y comes from the lock (repo2docker maps it to its newest patch release; 3.3 to 4.5 in 2026.4.0, so a
newer R becomes 4.5 with a note). The snapshot date (repo2docker-rules.md §3 and §10: a Posit Package
Manager snapshot, on or after 2018-12-07) is chosen so that it holds the locked versions:

1. the date of the snapshot the lock itself installs from, when its repository URL has one
   (`https://packagemanager.posit.co/cran/2024-06-03`): that snapshot has exactly those versions;
2. else the last day R X.Y was the newest R (the day before X.Y+1.0 came out): renv.lock does not record
   when it was made, and packages locked under R X.Y were released while X.Y was in use. For R 4.5, the
   newest R repo2docker 2026.4.0 supports, that is the day 2026.4.0 was released. A note says how to move
   the date when a locked version is newer.

install.R installs each package at its locked version, dependencies first, with `dependencies = FALSE` so
nothing unlocked comes in: CRAN packages with `remotes::install_version` from the snapshot (older
versions come from its archive), GitHub packages at their locked commit, Bioconductor packages from the
lock's Bioconductor release. It skips a package already installed at the locked version (install.R may
run twice in a build).
"""

from __future__ import annotations

import datetime
import json
import re

from wizard.core.common.lazy_regex import lazy_compile
from wizard.core.environment.convert.draft import ConversionFailed, Context, Draft
from wizard.core.environment.detection.rules import R_VERSION_MAP, RSPM_CUTOFF_DATE

# The day each R minor version was released (R X.Y.0); the next one ends X.Y's time as the newest R.
R_RELEASED = {
    "3.3": "2016-05-03", "3.4": "2017-04-21", "3.5": "2018-04-23", "3.6": "2019-04-26", "4.0": "2020-04-24",
    "4.1": "2021-05-18", "4.2": "2022-04-22", "4.3": "2023-04-21", "4.4": "2024-04-24", "4.5": "2025-04-11",
}
RULES_DATE = datetime.date(2026, 4, 22)  # repo2docker 2026.4.0, whose rules binder-wizard reproduces
NEWEST_R = max(R_VERSION_MAP, key=lambda v: tuple(map(int, v.split("."))))
_DATED_REPOSITORY = lazy_compile(r"(?:packagemanager\.(?:posit\.co|rstudio\.com)|rspm|p3m\.dev|/snapshot/)"
                               r"\S*?/(\d{4}-\d{2}-\d{2})(?:/|$)", re.IGNORECASE)
_CRAN_LIKE = lazy_compile(r"cran|packagemanager|rspm|p3m|r-project\.org", re.IGNORECASE)


def _minor(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".")[:2] if part.isdigit())


def snapshot_date(r_minor: str, repositories: list[dict]) -> tuple[datetime.date, str]:
    """(date, why) following the rules in the module's docstring."""
    for repository in repositories:
        match = _DATED_REPOSITORY.search(str(repository.get("URL") or ""))
        if match:
            try:
                day = datetime.date.fromisoformat(match.group(1))
            except ValueError:
                continue
            if day < RSPM_CUTOFF_DATE:
                return RSPM_CUTOFF_DATE, (f"the lock's snapshot ({day}) is older than the oldest one that still "
                                          f"exists, so {RSPM_CUTOFF_DATE} is used")
            return day, "the snapshot the lock installs from"
    later = [v for v in R_RELEASED if _minor(v) > _minor(r_minor)]
    if later:
        nxt = min(later, key=_minor)
        day = datetime.date.fromisoformat(R_RELEASED[nxt]) - datetime.timedelta(days=1)
        why = f"the last day R {r_minor} was the newest R (R {nxt}.0 came out the day after)"
    else:
        day, why = RULES_DATE, f"the day repo2docker 2026.4.0 came out, with R {r_minor} the newest R it supports"
    if day < RSPM_CUTOFF_DATE:
        return RSPM_CUTOFF_DATE, f"the oldest snapshot that still exists (R {r_minor} is older)"
    return day, why


def _order(packages: dict[str, dict]) -> list[str]:
    """Dependencies first (within the lock), otherwise alphabetical."""
    done: list[str] = []
    seen: set[str] = set()

    def visit(name: str, depth: int = 0) -> None:
        if name in seen or name not in packages or depth > 500:
            return
        seen.add(name)
        needs = packages[name].get("Requirements") or []
        for dependency in sorted(str(n) for n in needs if isinstance(n, str)):
            visit(dependency, depth + 1)
        done.append(name)

    for name in sorted(packages, key=str.lower):
        visit(name)
    return done


def _r_string(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def convert_renv(text: str, ctx: Context) -> Draft:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise ConversionFailed(f"{ctx.source} is not valid JSON ({error}); run `renv::snapshot()` again.") from None
    if not isinstance(data, dict) or not isinstance(data.get("Packages"), dict):
        raise ConversionFailed(f"{ctx.source} has no 'Packages'; run `renv::snapshot()` again.")
    draft = Draft()
    r = data.get("R") if isinstance(data.get("R"), dict) else {}
    locked_r = str(r.get("Version") or "")
    if not re.fullmatch(r"\d+\.\d+(\.\d+)?", locked_r):
        raise ConversionFailed(f"{ctx.source} does not say which R it was made with (R.Version); run "
                               "`renv::snapshot()` again.")
    minor = ".".join(locked_r.split(".")[:2])
    if minor not in R_VERSION_MAP:
        if _minor(minor) > _minor(NEWEST_R):
            draft.notes.append(f"The lock was made with R {locked_r}; repo2docker 2026.4.0 (mybinder.org) supports "
                               f"R up to {NEWEST_R}, so Binder will use R {R_VERSION_MAP[NEWEST_R]}.")
            minor = NEWEST_R
        else:
            raise ConversionFailed(f"The lock was made with R {locked_r}; Binder supports R "
                                   f"{min(R_VERSION_MAP, key=_minor)} to {NEWEST_R}.")
    repositories = [repo for repo in r.get("Repositories") or [] if isinstance(repo, dict)]
    day, why = snapshot_date(minor, repositories)
    draft.notes.append(f"CRAN snapshot {day}: {why}. If a locked version is newer than that, the build cannot find "
                       "it: move the date in runtime.txt later.")
    draft.files["runtime.txt"] = f"r-{minor}-{day.isoformat()}\n"

    packages = {name: entry for name, entry in data["Packages"].items() if isinstance(entry, dict)}
    named = {str(repo.get("Name")): str(repo.get("URL") or "") for repo in repositories}
    lines, bioc, skipped = [], [], []
    for name in _order(packages):
        entry = packages[name]
        version, source = str(entry.get("Version") or ""), str(entry.get("Source") or "")
        remote = str(entry.get("RemoteType") or "").lower()
        if source == "Bioconductor" or remote == "bioconductor":
            bioc.append(name)
        elif remote == "github" or source == "GitHub":
            repo = f"{entry.get('RemoteUsername')}/{entry.get('RemoteRepo')}"
            sha = str(entry.get("RemoteSha") or entry.get("RemoteRef") or "")
            subdir = f", subdir = {_r_string(entry['RemoteSubdir'])}" if entry.get("RemoteSubdir") else ""
            lines.append(f"remotes::install_github({_r_string(repo + ('@' + sha if sha else ''))}{subdir}, "
                         "dependencies = FALSE, upgrade = \"never\")")
        elif source == "Repository" and version:
            url = named.get(str(entry.get("Repository") or ""), "")
            if url and not _CRAN_LIKE.search(url):
                lines.append(f"pin({_r_string(name)}, {_r_string(version)}, {_r_string(url)})")
            else:
                lines.append(f"pin({_r_string(name)}, {_r_string(version)})")
        else:
            skipped.append(f"{name} ({source or 'unknown source'})")
    if skipped:
        draft.notes.append(f"Not installed: {', '.join(skipped)} — only CRAN-like repositories, GitHub and "
                           "Bioconductor packages can be installed on Binder from the lock.")
    body = [ctx.header.rstrip("\n"),
            f"# The packages renv.lock pins, dependencies first, at exactly the locked versions (made with R {locked_r}).",
            "pin <- function(package, version, repository = NULL) {",
            "  installed <- tryCatch(as.character(utils::packageVersion(package)), error = function(e) \"\")",
            "  if (installed == version) return(invisible())",
            "  remotes::install_version(package, version = version, dependencies = FALSE, upgrade = \"never\",",
            "                           repos = c(repository, getOption(\"repos\")))",
            "}"]
    body += lines
    if bioc:
        bioc_version = (data.get("Bioconductor") or {}).get("Version") if isinstance(data.get("Bioconductor"),
                                                                                     dict) else None
        version_arg = f", version = {_r_string(bioc_version)}" if bioc_version else ""
        body += ["if (!requireNamespace(\"BiocManager\", quietly = TRUE)) install.packages(\"BiocManager\")",
                 f"BiocManager::install(c({', '.join(_r_string(n) for n in bioc)}){version_arg}, update = FALSE, "
                 "ask = FALSE)"]
        draft.notes.append(f"Bioconductor packages ({', '.join(bioc)}) come from Bioconductor "
                           f"{bioc_version or 'of this R'}, at that release's versions.")
    draft.files["install.R"] = "\n".join(body) + "\n"
    if _activates_renv(ctx):
        draft.notes.append(".Rprofile starts renv (source(\"renv/activate.R\")): on Binder that switches R to an "
                           "empty project library, hiding these packages. Make it skip renv there, or remove it.")
    return draft


def _activates_renv(ctx: Context) -> bool:
    from wizard.core.common.fileio import read_file_bytes

    try:
        return b"renv/activate.R" in read_file_bytes(ctx.project / ".Rprofile", 1_000_000)
    except OSError:
        return False
