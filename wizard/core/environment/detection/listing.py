"""Which files repo2docker uses, which it ignores and why, and the findings about the folder around them.

Besides repo2docker's own choice: files named almost right (`requirement.txt`), environment files one
folder too deep, symbolic links git cannot carry, an empty config folder, a Stencila manifest, and the
environment managers Binder ignores (uv.lock, poetry.lock, pixi, conda-lock, renv, requirements.in, Dev
Containers: wizard.core.environment.convert.findings).
"""

from __future__ import annotations

import os

from wizard.core.common.diagnostics import Diagnostic
from wizard.core.common.safe_text import strip_control
from wizard.core.environment.detection.parsers import Runtime
from wizard.core.environment.detection.rules import CONFIG_FILES, KERNEL_ENV_CUTOFF, PACK_NAMES, ROOT_ONLY_FILES
from wizard.core.environment.detection.state import DetectionState
from wizard.core.environment.detection.versions import python_release

# Names people use by mistake -> the name repo2docker reads.
_LOOKALIKES = {
    "requirement.txt": "requirements.txt",
    "requirements.text": "requirements.txt",
    "requirements.txt.txt": "requirements.txt",
    "enviroment.yml": "environment.yml",
    "environment.yml.txt": "environment.yml",
    "environments.yml": "environment.yml",
    "env.yml": "environment.yml",
    "environment.yaml.txt": "environment.yml",
    "runtime.txt.txt": "runtime.txt",
    "runtime": "runtime.txt",
    "postbuild.sh": "postBuild",
    "postBuild.sh": "postBuild",
    "post_build": "postBuild",
    "start.sh": "start",
    "apt-packages.txt": "apt.txt",
    "apt.txt.txt": "apt.txt",
    "install.r": "install.R",
    "Dockerfile.txt": "Dockerfile",
}
_LOOKALIKE_LOWER = {name.lower(): name for name in (*CONFIG_FILES, *ROOT_ONLY_FILES)}
_SUBFOLDER_HINT_FILES = ("requirements.txt", "environment.yml", "environment.yaml", "Pipfile", "Dockerfile",
                         "runtime.txt", "apt.txt", "postBuild", "install.R", "Project.toml")
_MAX_SUBFOLDERS = 60

_EXTRAS = ("apt.txt", "postBuild", "start", ".dockerignore", ".containerignore")


def main_files_first(used: list[str]) -> tuple[str, ...]:
    """The files that choose the setup first, then the extras every setup applies (apt.txt, postBuild...)."""
    unique = list(dict.fromkeys(used))
    return tuple(sorted(unique, key=lambda rel: rel.rsplit("/", 1)[-1] in _EXTRAS))


# --------------------------------------------------------------------------------------------------
# Which files are used, which are ignored and why


def _present(state: DetectionState) -> tuple[list[str], list[str], list[str]]:
    """(config-folder files, root files, root-only files) that exist."""
    files, bd = state.files, state.binder_dir
    in_config = [state.path(name) for name in CONFIG_FILES if files.isfile(state.path(name))]
    at_root = [name for name in CONFIG_FILES if bd and files.isfile(name)]
    root_only = [name for name in ROOT_ONLY_FILES if files.isfile(name)]
    return in_config, at_root, root_only


def classify_after_detect_error(state: DetectionState) -> None:
    in_config, at_root, root_only = _present(state)
    for rel in in_config + at_root + root_only:
        state.ignored[rel] = "not read: repo2docker stops before it gets to this file (see the error)"
    _lookalikes(state)
    _foreign_files(state, None, None, stopped=True)


def classify_files(state: DetectionState, pack: str | None, versions: dict) -> None:
    _classify_files(state, pack, versions)
    _foreign_files(state, pack, versions.get("python"), stopped=False)


def _foreign_files(state: DetectionState, pack: str | None, python: str | None, stopped: bool) -> None:
    """Lock files and manifests of tools Binder does not run (imported only when a project has one)."""
    from wizard.core.environment.convert.findings import note_foreign_files

    note_foreign_files(state, pack, python, stopped)


def _classify_files(state: DetectionState, pack: str | None, versions: dict) -> None:
    files, bd, path = state.files, state.binder_dir, state.path
    shown = f"{bd}/" if bd else ""
    use, ignore = state.used.append, state.ignored.__setitem__
    in_config, at_root, root_only = _present(state)

    for name in at_root:
        if name == "Dockerfile" and bd:
            ignore(name, f"ignored because a {shown} folder exists (only checked for the removed "
                         "andrewosh/binder-base image)")
        else:
            ignore(name, f"ignored because a {shown} folder exists")
    for name in root_only:
        if bd:
            ignore(name, f"ignored because a {shown} folder exists ({name} is only read at the root when there "
                         "is no binder/ folder)")
    for name in ROOT_ONLY_FILES:
        if bd and files.isfile(path(name)):
            ignore(path(name), f"ignored: {name} is only read at the repository root, never in {shown}")

    runtime = state.runtime_if_read
    rt_rel = state.runtime_path
    has = lambda name: files.isfile(path(name))  # noqa: E731
    python = versions.get("python")
    legacy_python = bool(python and python_release(python) and python_release(python) < KERNEL_ENV_CUTOFF)
    env_rel = path("environment.yml") if has("environment.yml") else path("environment.yaml") \
        if has("environment.yaml") else None
    python_family = pack in ("python", "r", "julia", "julia-require")

    for name in (".dockerignore", ".containerignore"):  # build-context filters
        if pack == "docker" and name == ".dockerignore":
            if files.isfile(name):
                use(name)  # the Docker engine reads the root one itself
        elif pack is not None and files.isfile(path(name)):
            use(path(name))
        if bd and pack not in (None, "docker") and files.isfile(name):
            ignore(name, f"ignored because a {shown} folder exists (repo2docker reads {shown}{name})")

    if pack == "docker":
        use(path("Dockerfile"))
        for rel in in_config:
            if rel != path("Dockerfile"):
                ignore(rel, "Dockerfile overrides everything else")
        for name in root_only:
            if not bd:
                ignore(name, "Dockerfile overrides everything else")
        _lookalikes(state)
        return

    # Files every non-Docker pack applies.
    for name in ("apt.txt", "postBuild", "start"):
        if has(name):
            use(path(name))

    if pack is None:
        reason = _no_pack_reason(runtime)
        for rel in in_config:
            if rel.endswith(("apt.txt", "postBuild", "start")):
                state.used.remove(rel)
            name = rel.rsplit("/", 1)[-1]
            if rel == rt_rel:
                ignore(rel, _runtime_ignored_reason(runtime))
            elif name in ("install.R", "requirements3.txt", "Manifest.toml"):
                ignore(rel, _ignored_reason(name, pack, runtime, has, bd))
            else:
                ignore(rel, reason)
        for name in root_only:
            if not bd:
                ignore(name, reason if name != "pyproject.toml" else
                       "not a package: pyproject.toml needs both [project] and [build-system] to count")
        _lookalikes(state)
        return

    if pack == "nix":
        use(path("default.nix"))
        for rel in in_config:
            if rel not in state.used:
                ignore(rel, "the Nix setup (default.nix) ignores this file; Jupyter and packages must come from "
                            "default.nix")
        for name in root_only:
            if not bd:
                ignore(name, "the Nix setup (default.nix) ignores this file")
        _lookalikes(state)
        return

    if pack in ("julia", "julia-require"):
        if pack == "julia":
            if has("JuliaProject.toml"):
                use(path("JuliaProject.toml"))
                if has("Project.toml"):
                    ignore(path("Project.toml"), "JuliaProject.toml wins over Project.toml")
            else:
                use(path("Project.toml"))
            if has("Manifest.toml"):
                use(path("Manifest.toml"))
            if has("REQUIRE"):
                ignore(path("REQUIRE"), "REQUIRE is ignored because Project.toml exists")
        else:
            use(path("REQUIRE"))
            if has("Manifest.toml"):
                ignore(path("Manifest.toml"), "Manifest.toml needs a Project.toml next to it")
    elif pack == "r":
        if runtime.name == "r" and runtime.date:
            use(rt_rel)
        if not bd and files.isfile("DESCRIPTION"):
            use("DESCRIPTION")
        if has("install.R"):
            use(path("install.R"))
    elif pack == "conda":
        if env_rel:  # None when the name is taken by a folder or a pipe (reported as not-a-file)
            use(env_rel)
        if has("environment.yml") and has("environment.yaml"):
            ignore(path("environment.yaml"), "environment.yml wins over environment.yaml")
    elif pack == "pipfile":
        if has("Pipfile.lock"):
            use(path("Pipfile.lock"))
        if has("Pipfile"):
            use(path("Pipfile"))

    if python_family:
        if env_rel:
            use(env_rel)  # R and Julia packs run `env update` with it on top of their base environment
            if has("environment.yml") and has("environment.yaml"):
                ignore(path("environment.yaml"), "environment.yml wins over environment.yaml")
        if has("requirements.txt"):
            use(path("requirements.txt"))
        if not bd:
            if files.isfile("setup.py"):
                use("setup.py")
            if files.isfile("pyproject.toml"):
                if state.pyproject_is_package():
                    use("pyproject.toml")
                elif versions.get("python_source") == "pyproject.toml requires-python":
                    use("pyproject.toml")
                elif state.pyproject_has_requires_python():
                    use("pyproject.toml")
                else:
                    ignore("pyproject.toml", "not installed: pyproject.toml needs both [project] and "
                                             "[build-system] to count as a package")
        if files.isfile(rt_rel) and rt_rel not in state.used:
            if runtime.name == "python" or (pack == "r" and runtime.version):
                use(rt_rel)
            else:
                ignore(rt_rel, _runtime_ignored_reason(runtime))

    if has("requirements3.txt"):
        if legacy_python and pack in ("python", "r", "julia", "julia-require", "pipfile"):
            use(path("requirements3.txt"))
        else:
            ignore(path("requirements3.txt"), "requirements3.txt is only used with Python older than 3.7; "
                                              "put the packages in requirements.txt")

    # Everything else present in the config folder is ignored: say why.
    for rel in in_config:
        if rel in state.used or rel in state.ignored:
            continue
        name = rel.rsplit("/", 1)[-1]
        state.ignored[rel] = _ignored_reason(name, pack, runtime, has, bd)
    for name in root_only:
        if bd or name in state.used or name in state.ignored:
            continue
        state.ignored[name] = _ignored_reason(name, pack, runtime, has, bd)
    _lookalikes(state)


def _runtime_ignored_reason(runtime: Runtime) -> str:
    name = runtime.name or ""
    if name.lower() == "python" and name != "python":
        return f"ignored: it says '{name}' with a capital letter; it must be exactly 'python'"
    if "\n" in name or name.startswith("#"):
        return "ignored: runtime.txt must hold only the version line (no comment or extra lines)"
    if name.startswith("\ufeff"):
        return "ignored: the file starts with an invisible byte-order mark; save it as UTF-8 without BOM"
    if name == "r" and not runtime.date:
        return "ignored: an R runtime needs a date (r-X.Y-YYYY-MM-DD) unless there is a DESCRIPTION file"
    if name == "r":
        return "runtime.txt names R, so Python stays at the default version"
    if name == "python":
        return "this setup does not read runtime.txt"
    return f"ignored: '{name}' is not a runtime Binder knows (only python-X.Y or r-X.Y-YYYY-MM-DD)"


def _no_pack_reason(runtime: Runtime) -> str:
    if runtime.name and runtime.name != "python":
        return ("not used: runtime.txt names something other than 'python', which switches the Python setup off, "
                "and mybinder.org has no fallback")
    return "not used: this file alone does not tell Binder how to build the environment"


def _ignored_reason(name: str, pack: str | None, runtime: Runtime, has, bd: str) -> str:
    if name == "install.R":
        return "install.R needs a dated runtime.txt (r-X.Y-YYYY-MM-DD) or a DESCRIPTION file"
    if name == "runtime.txt":
        if pack == "conda":
            return "environment.yml wins: runtime.txt is ignored (pin python=X.Y in environment.yml instead)"
        if pack == "pipfile":
            return "the Pipfile setup does not read runtime.txt (set python_version in Pipfile's [requires])"
        return _runtime_ignored_reason(runtime)
    if name == "requirements.txt":
        if pack == "conda":
            return "environment.yml wins over requirements.txt (move the packages under '- pip:' in environment.yml)"
        if pack == "pipfile":
            return "Pipfile wins over requirements.txt"
    if name in ("Pipfile", "Pipfile.lock"):
        if pack == "conda":
            return "environment.yml wins over the Pipfile"
        if pack == "r":
            return "runtime.txt selects R, so the Pipfile is not used"
        return "the Pipfile is not used by this setup"
    if name in ("setup.py", "pyproject.toml"):
        if pack == "conda":
            return f"environment.yml wins: {name} is not installed (add '-e .' under '- pip:' in environment.yml)"
        if pack == "pipfile":
            return f"the Pipfile setup does not install {name}"
    if name == "DESCRIPTION":
        return "DESCRIPTION is not used by this setup"
    if name == "Manifest.toml":
        return "Manifest.toml is only used with a Project.toml"
    if name == "default.nix":
        return "an earlier setup wins over default.nix"
    if name == "REQUIRE":
        return "REQUIRE is not used by this setup"
    return f"not used by the {PACK_NAMES.get(pack or '', 'chosen')} setup"


def _lookalikes(state: DetectionState) -> None:
    """Files named almost like a config file, and config files one folder too deep."""
    files = state.files
    root_listing = files.listing("") or {}
    folders = [""] + ([state.binder_dir] if state.binder_dir else [])
    for folder in folders:
        names = set(files.listing(folder) or {}) | {k.rsplit("/", 1)[-1] for k in files.overrides
                                                    if (k.rsplit("/", 1)[0] if "/" in k else "") == folder}
        for name in sorted(names):
            rel = f"{folder}/{name}" if folder else name
            if rel in state.ignored or rel in state.used:
                continue
            # .strip(): "requirements.txt " (a space typed before Enter in a Save dialog) looks right but is not
            target = _LOOKALIKES.get(name.strip()) or _LOOKALIKE_LOWER.get(name.lower().strip())
            if target and target != name and not files.isdir(rel):
                state.ignored[rel] = f"ignored: Binder only reads a file named exactly '{target}'"
    # One level down: e.g. notebooks/requirements.txt
    subfolders = sorted(name for name, (_, _, is_dir) in root_listing.items()
                        if is_dir and not name.startswith(".") and name not in _SKIP_SUBFOLDERS)
    for entry in subfolders[:_MAX_SUBFOLDERS]:
        listing = files.listing(entry) or {}
        for name in _SUBFOLDER_HINT_FILES:
            if listing.get(name, (False, False, False))[1]:
                state.ignored[f"{entry}/{name}"] = ("ignored: Binder only looks in the repository root or in "
                                                   "binder/, not in sub-folders")


_SKIP_SUBFOLDERS = {"binder", "node_modules", "venv", "env", "__pycache__"}


def link_findings(state: DetectionState) -> list[Diagnostic]:
    """Symbolic links: git stores the link, not the file. One that leaves the project works here but
    points nowhere on GitHub, so Binder builds something else; a broken one is silently skipped."""
    files, found = state.files, []
    folder = state.binder_dir
    files.listing(folder)
    names = [folder] if folder else []
    names += [state.path(name) for name in CONFIG_FILES] + ([] if folder else list(ROOT_ONLY_FILES))
    root = None
    for rel in names:
        if rel in files.overrides or rel not in files.symlinks:
            continue
        path = files.absolute(rel)
        root = root or os.path.realpath(files.root)
        try:
            shown = strip_control(os.readlink(path))
        except OSError:
            continue
        if not os.path.exists(path):
            found.append(Diagnostic(rel, None, None, "warning", "broken-link",
                                    f"{rel} is a link to '{shown}', which does not exist, so Binder skips it.",
                                    f"Replace the link with the real file, or delete {rel}."))
            continue
        target = os.path.realpath(path)
        if os.path.commonpath([root, target]) != root:
            used = rel == folder or rel in state.used
            found.append(Diagnostic(
                rel, None, None, "error" if used else "warning", "link-outside-project",
                f"{rel} is a link to '{shown}', outside the project. Git stores only the link, so on GitHub it "
                f"points nowhere and Binder will not see {'this folder' if rel == folder else 'this file'}: "
                "what this report says is not what Binder will build.",
                f"Replace the link with a copy of the real {'folder' if rel == folder else 'file'}."))
    return found


def empty_config_folder_note(state: DetectionState) -> None:
    """Git cannot store an empty folder: here it hides the root files, on GitHub it will not exist."""
    folder = state.binder_dir
    if folder and not state.files.listing(folder) \
            and not any(k.startswith(folder + "/") for k in state.files.overrides):
        state.notes.append(Diagnostic(
            folder, None, None, "warning", "empty-config-folder",
            f"The {folder}/ folder is empty. Locally it makes Binder ignore every environment file at the root, "
            "but git cannot store an empty folder, so on GitHub it will not exist and the root files will count: "
            "what you test here is not what Binder will build.",
            f"Delete the empty {folder}/ folder, or move your environment files into it."))


def stencila_notes(state: DetectionState) -> None:
    """repo2docker logs an error for any manifest.xml (it walks the whole tree; we look two levels deep)."""
    files = state.files
    root = files.listing("") or {}
    folders = [""] + sorted(name for name, (_, _, is_dir) in root.items() if is_dir)[:_MAX_SUBFOLDERS]
    for folder in folders:
        entry = (files.listing(folder) or {}).get("manifest.xml")
        if entry and entry[1]:
            rel = f"{folder}/manifest.xml" if folder else "manifest.xml"
            state.notes.append(Diagnostic(
                rel, None, None, "warning", "stencila-manifest",
                f"repo2docker logs \"Found a stencila manifest.xml at ./{folder}. Stencila is no longer supported.\" "
                "The build goes on, but nothing Stencila-specific is set up.",
                "Remove manifest.xml, or convert the Stencila documents to notebooks."))


def notes_for_ignored(state: DetectionState) -> None:
    """Every ignored file becomes a finding too: most are a user's mistake, not a choice."""
    from wizard.core.environment.convert.findings import is_foreign

    for rel, reason in sorted(state.ignored.items()):
        if reason.startswith("not read: repo2docker stops") or reason.startswith(("not a package", "not installed")):
            continue
        if is_foreign(rel):  # explained with its own finding (or none, when Binder builds what it says)
            continue
        if "sub-folders" in reason:
            state.notes.append(Diagnostic(rel, None, None, "info", "file-in-subfolder",
                                          f"{rel} is not used: Binder only looks in the repository root or binder/.",
                                          "Move it to the repository root (or binder/) if it is meant for Binder."))
        elif "named exactly" in reason:
            target = reason.rsplit("'", 2)[-2]
            state.notes.append(Diagnostic(rel, None, None, "warning", "misnamed-file",
                                          f"{rel} is not used: Binder only reads a file named exactly '{target}'.",
                                          f"Rename it to {target}."))
        elif rel.endswith("runtime.txt") and reason.startswith(("environment.yml wins", "the Pipfile setup")):
            code = "runtime-ignored-by-environment" if reason.startswith("environment") else \
                "runtime-ignored-by-pipfile"
            state.notes.append(Diagnostic(rel, None, None, "warning", code, f"{rel} is not used: {reason}.", None))
        else:
            state.notes.append(Diagnostic(rel, None, None, "warning", "file-ignored",
                                          f"{rel} is not used: "
                                          f"{reason.removeprefix('ignored: ').removeprefix('not used: ')}.", None))
