"""The environment repository of a workshop: does it install nbgitpuller (and the one line that makes it),
and `workshop split`'s plan of a new environment-only folder.

Binder reads the environment files of one folder (`config_folder`: .binder/, binder/ or the top); the
names are the environment slice's public `ENVIRONMENT_FILES`. Reads go through `fileio` (never a named
pipe, never a link out of the project); nothing here writes.
"""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from wizard.core.common.lazy_regex import lazy_compile
from wizard.core.common.fileio import read_file_bytes

MAX_BYTES = 1_000_000
_NBGITPULLER = lazy_compile(r"(?<![\w.-])nbgitpuller(?![\w-])", re.IGNORECASE)
# Files that install the project itself: its code stays with the content, so they are not copied.
_PROJECT_INSTALLERS = ("setup.py", "pyproject.toml")


def _env_files(folder: Path) -> tuple[str, list[str]]:
    """(the config folder's name, "" for the top; the environment files in it, in repo2docker's order)."""
    from wizard.core.environment import ENVIRONMENT_FILES, config_folder

    base = config_folder(folder)
    where = folder / base if base else folder
    return base, [name for name in ENVIRONMENT_FILES if (where / name).is_file()]


def _read(path: Path) -> str:
    try:
        return read_file_bytes(path, MAX_BYTES).decode("utf-8-sig", errors="replace")
    except OSError:
        return ""


def _without_comments(text: str) -> str:
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())


def _installed_from(folder: Path, base: str, names: list[str]) -> list[str]:
    """Of the environment files, those Binder installs from: a Dockerfile and the files it names; else all but
    what the conda or Pipenv pack shadows (requirements.txt next to environment.yml or a Pipfile)."""
    if "Dockerfile" in names:
        dockerfile = _without_comments(_read(folder / base / "Dockerfile"))
        return ["Dockerfile"] + [n for n in names if n != "Dockerfile" and n in dockerfile]
    shadowed: set[str] = set()
    if "environment.yml" in names or "environment.yaml" in names:
        shadowed = {"requirements.txt", "Pipfile", "Pipfile.lock"}
    elif "Pipfile" in names or "Pipfile.lock" in names:
        shadowed = {"requirements.txt"}
    return [n for n in names if n not in shadowed]


def installs_nbgitpuller(folder: Path) -> bool:
    """True when a file Binder installs from in `folder` names nbgitpuller (comments left out)."""
    base, names = _env_files(folder)
    return any(_NBGITPULLER.search(_without_comments(_read(folder / base / name)))
               for name in _installed_from(folder, base, names))


@dataclass(frozen=True)
class Fix:
    file: str  # relative to the folder
    line: str
    where: str  # "under dependencies:", "under [packages]", "" (a new line at the end)

    @property
    def sentence(self) -> str:
        place = f" {self.where}" if self.where else ""
        return f"add the line `{self.line.strip()}`{place} {'in' if self.where else 'to'} {self.file}"


def nbgitpuller_fix(folder: Path) -> Fix | None:
    """The one line that makes `folder`'s environment install nbgitpuller; None when it already does."""
    if installs_nbgitpuller(folder):
        return None
    base, names = _env_files(folder)
    prefix = f"{base}/" if base else ""
    if "Dockerfile" in names:
        return Fix(f"{prefix}Dockerfile", "RUN python -m pip install --no-cache-dir nbgitpuller", "")
    for name in ("environment.yml", "environment.yaml"):
        if name in names:
            return Fix(f"{prefix}{name}", "  - nbgitpuller", "under dependencies:")
    if "Pipfile" in names:
        return Fix(f"{prefix}Pipfile", 'nbgitpuller = "*"', "under [packages]")
    # The Python, R and Julia packs all install requirements.txt (a new one is fine).
    return Fix(f"{prefix}requirements.txt", "nbgitpuller", "")


def add_nbgitpuller(name: str, text: str) -> str | None:
    """`text` of environment file `name` with nbgitpuller added; None when that cannot be done safely
    (a Dockerfile, an environment.yml whose dependencies are not a block list)."""
    if _NBGITPULLER.search(_without_comments(text)):
        return text
    if name in ("requirements.txt", "requirements3.txt"):
        return (text if not text or text.endswith("\n") else text + "\n") + "nbgitpuller\n"
    if name in ("environment.yml", "environment.yaml"):
        return _add_to_conda(text)
    if name == "Pipfile":
        return _add_to_section(text, "[packages]", 'nbgitpuller = "*"')
    return None


def _add_to_conda(text: str) -> str | None:
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if re.fullmatch(r"dependencies:\s*(#.*)?", line)), None)
    if start is None:
        if re.search(r"(?m)^dependencies\s*:", text):  # a flow list or another form: not edited blindly
            return None
        return (text if not text or text.endswith("\n") else text + "\n") + "dependencies:\n  - nbgitpuller\n"
    indent, last = None, start
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        item = re.match(r"( *)- ", line)
        if item and (indent is None or len(item.group(1)) == indent):
            indent = len(item.group(1)) if indent is None else indent
            last = i
        elif line.startswith(" ") and indent is not None and len(line) - len(line.lstrip(" ")) > indent:
            last = i  # the inside of an item (e.g. the packages of "- pip:")
        else:
            break
    if indent is None:
        return None
    lines.insert(last + 1, " " * indent + "- nbgitpuller")
    return "\n".join(lines) + "\n"


def _add_to_section(text: str, header: str, line: str) -> str:
    lines = text.splitlines()
    start = next((i for i, current in enumerate(lines) if current.strip() == header), None)
    if start is None:
        return (text if not text or text.endswith("\n") else text + "\n") + f"\n{header}\n{line}\n"
    last = start
    for i in range(start + 1, len(lines)):
        if lines[i].strip().startswith("["):
            break
        if lines[i].strip():
            last = i
    lines.insert(last + 1, line)
    return "\n".join(lines) + "\n"


# --- workshop split ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedFile:
    path: str  # relative to the new folder
    content: bytes
    source: str  # where it comes from, as shown in the plan
    executable: bool = False


@dataclass
class SplitPlan:
    env_dir: Path
    files: list[PlannedFile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was left out or needs a hand, and why
    conflicts: list[str] = field(default_factory=list)  # files of the plan that exist already: nothing is written


def plan_split(project: Path, env_dir: Path, readme: str) -> SplitPlan:
    """The new environment-only folder: the environment files Binder uses from the project's config
    folder (at the new folder's top), nbgitpuller added, and `readme` as README.md."""
    plan = SplitPlan(env_dir)
    base, names = _env_files(project)
    # nbgitpuller goes into the one file Binder installs from (repo2docker's order); a Dockerfile wins over all.
    installer = "Dockerfile" if "Dockerfile" in names else next(
        (n for n in ("environment.yml", "environment.yaml", "Pipfile", "requirements.txt") if n in names), None)
    for name in names:
        source = f"{base}/{name}" if base else name
        path = project / source
        if name in _PROJECT_INSTALLERS:
            plan.notes.append(f"{source} installs the project itself, whose code stays with the content: it is "
                              "not copied. List the packages it needs in the new requirements.txt.")
            continue
        try:
            data = read_file_bytes(path, MAX_BYTES)
        except OSError as error:
            reason = getattr(error, "message", None) or error.strerror or str(error)
            plan.notes.append(f"{source} cannot be read ({reason}): it is not copied.")
            continue
        text = data.decode("utf-8-sig", errors="replace")
        if name == installer and name != "Dockerfile":
            new = add_nbgitpuller(name, text)
            if new is None:
                plan.notes.append(f"nbgitpuller could not be added to {name} safely: add `- nbgitpuller` to its "
                                  "dependencies in the new folder, or the link opens without your content.")
            elif new != text:
                data, source = new.encode("utf-8"), f"{source}, nbgitpuller added"
        if name == "Pipfile.lock":
            plan.notes.append("Pipfile.lock is copied, and Binder installs from it: run `pipenv lock` in the new "
                              "folder so it has nbgitpuller.")
        if name.startswith("requirements") and re.search(r"(?m)^\s*(-e\s+)?\.(/|\s|$)|^\s*-[rc]\s", text):
            plan.notes.append(f"{source} installs files of the project (-e ., -r, -c or a local path): the new "
                              "folder does not have them; remove those lines there.")
        executable = name in ("postBuild", "start") and bool(path.stat().st_mode & stat.S_IXUSR)
        plan.files.append(PlannedFile(name, data, source, executable))
    if installer == "Dockerfile":
        plan.notes.append("The Dockerfile is copied as it is: add `RUN python -m pip install --no-cache-dir "
                          "nbgitpuller` to it, or the link opens without your content.")
    elif installer is None:
        plan.files.append(PlannedFile("requirements.txt", b"nbgitpuller\n", "new: nbgitpuller"))
        if not names:
            plan.notes.append("The project has no environment files: the new folder gets a requirements.txt with "
                              "only nbgitpuller. Add the packages the notebooks need to it.")
    plan.files.append(PlannedFile("README.md", readme.encode("utf-8"), "new: what this repository is, and the badge"))
    plan.conflicts = [f.path for f in plan.files if (env_dir / f.path).exists() or (env_dir / f.path).is_symlink()]
    return plan


def env_readme(title: str, link_url: str, badge_markdown: str, content_url: str) -> str:
    """README.md of the environment repository: what it is, the workshop badge, how the pieces fit."""
    return (f"# {title}\n\n"
            f"{badge_markdown}\n\n"
            "This repository is the **environment** of a workshop: Binder builds it once, and at every launch\n"
            f"[nbgitpuller](https://nbgitpuller.readthedocs.io) pulls the lesson from <{content_url}> into the\n"
            "session. Editing the lesson needs no rebuild; changing a file here rebuilds the image (warm it\n"
            "again: `binder-wizard workshop warm`).\n\n"
            f"Workshop link: <{link_url}>\n")
