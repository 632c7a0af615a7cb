"""Which Notebook and JupyterLab a Binder build ends up with, for the postBuild and start checks.

repo2docker installs Jupyter into the server environment from its own lock file (one per Python version);
the project's files then change it only where they pin `notebook` or `jupyterlab` themselves, and only when
they install into that same environment (Python 3.7 and newer; older Pythons get a separate kernel environment
and the server keeps its own Jupyter, except for requirements3.txt). Unpinned means what Binder installs today.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from wizard.core.common.fileio import read_file_bytes

# repo2docker 2026.4.0, buildpacks/conda/environment.py-X.Y-linux-64.lock: (notebook, jupyterlab) of the server
# environment. Python < 3.7 runs the server on 3.10 (rules §4), 2.7 too.
SERVER_JUPYTER = {
    "3.7": ("6.5.6", "3.6.6"), "3.8": ("7.2.2", "4.2.5"), "3.9": ("7.4.5", "4.4.6"), "3.10": ("7.4.7", "4.4.9"),
    "3.11": ("7.4.7", "4.4.9"), "3.12": ("7.4.7", "4.4.9"), "3.13": ("7.4.7", "4.4.9"), "3.14": ("7.4.7", "4.4.9"),
}
DEFAULT_SERVER_PYTHON = "3.10"
# Releases tried, newest first, when a pin rules out the base version (pip/conda then pick the newest allowed).
RELEASES = {
    "notebook": ("7.4.7", "7.3.3", "7.2.2", "7.1.3", "7.0.8", "6.5.7", "6.5.4", "6.4.13", "6.1.6", "6.0.3",
                 "5.7.16"),
    "jupyterlab": ("4.4.9", "4.3.8", "4.2.5", "4.1.8", "4.0.13", "3.6.8", "3.5.3", "3.4.8", "3.2.9", "3.0.18",
                   "2.3.2", "2.2.10", "1.2.21"),
}


@dataclass(frozen=True)
class Version:
    version: str  # the release the build gets
    why: str  # "Binder's default for Python 3.10" or "requirements.txt pins notebook==6.5.7"
    pin_file: str  # where a pin belongs: requirements.txt, environment.yml ...

    @property
    def major(self) -> int:
        return int(self.version.split(".", 1)[0])


def server_versions(ctx, earlier_lines: list[str] = ()) -> dict[str, Version]:
    """{'notebook': Version, 'jupyterlab': Version} for the build `ctx` belongs to; `earlier_lines` are the
    script's own commands before the one being checked (a `pip install notebook==6.5.7` there counts too)."""
    detection = ctx.detection
    python = getattr(detection, "python_version", None) or DEFAULT_SERVER_PYTHON
    legacy = _older_than_37(python)
    server_python = DEFAULT_SERVER_PYTHON if legacy or python not in SERVER_JUPYTER else python
    pins: dict[str, list[tuple[str, str]]] = {"notebook": [], "jupyterlab": []}
    pin_file = "requirements.txt"
    for rel in getattr(detection, "files_used", ()) or ():
        name = rel.rsplit("/", 1)[-1]
        if name in ("environment.yml", "environment.yaml"):
            pin_file = rel
        elif name == "requirements.txt" and pin_file == "requirements.txt":
            pin_file = rel
        into_server = name == "requirements3.txt" if legacy else name in (
            "requirements.txt", "environment.yml", "environment.yaml", "Pipfile")
        if into_server and ctx.project is not None:
            _read_pins(ctx.project / rel, name, rel, pins)
    for line in earlier_lines:
        for match in re.finditer(r"\b(?:pip3?|conda|mamba|micromamba)\s+install\b(.*)", line):
            for word in re.findall(r"""["']?([A-Za-z][\w.-]*\s*[=<>!~][^\s"';&|]*)["']?""", match.group(1)):
                _add_pin(word, "this script", pins)
    out = {}
    for package, base in zip(("notebook", "jupyterlab"), SERVER_JUPYTER[server_python]):
        out[package] = _resolve(package, base, pins[package], server_python, pin_file)
    return out


def _older_than_37(python: str) -> bool:
    parts = re.findall(r"\d+", python)
    return len(parts) >= 2 and (int(parts[0]), int(parts[1])) < (3, 7)


def _read_pins(path, name: str, rel: str, pins) -> None:
    try:
        text = read_file_bytes(path, 2_000_000).decode("utf-8-sig", errors="replace")
    except OSError:
        return
    if name == "Pipfile":
        for match in re.finditer(r'(?m)^\s*(notebook|jupyterlab)\s*=\s*"([^"]*)"', text):
            if match.group(2).strip() not in ("", "*"):
                _add_pin(match.group(1) + match.group(2), rel, pins)
        return
    for line in text.splitlines():
        item = line.split(" #", 1)[0].strip()
        if name.startswith("environment"):
            if not item.startswith("-"):
                continue
            item = item.lstrip("- ").strip().strip("'\"")
            item = item.split("::", 1)[-1]
        _add_pin(item, rel, pins)


def _add_pin(item: str, where: str, pins) -> None:
    match = re.match(r"^(notebook|jupyterlab)\s*(?:\[[^\]]*\])?\s*([=<>!~\d].*)?$", item.strip(), re.IGNORECASE)
    if match and match.group(2) and match.group(2).strip():
        pins[match.group(1).lower()].append((match.group(2).strip(), where))


def _specifier(spec: str):
    """A packaging SpecifierSet from a pip or conda spec ('==6.5.7', '<7', '=6.5', '6.5.*', '=6.5.4=pyh_0')."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    spec = spec.split(";", 1)[0].strip()
    conda = re.fullmatch(r"=?\s*([0-9][\w.]*?)(\.\*)?(?:=\S+)?", spec)
    if conda and not spec.startswith("=="):  # conda's `=6.5` and `6.5.*` mean 6.5.*
        spec = f"=={conda.group(1)}.*"
    try:
        return SpecifierSet(spec.replace(" ", ""))
    except InvalidSpecifier:
        return None


def _resolve(package: str, base: str, found, server_python: str, pin_file: str) -> Version:
    default = Version(base, f"Binder's default {package} for Python {server_python}", pin_file)
    if not found:
        return default
    spec_text, where = found[-1]
    spec = _specifier(spec_text)
    if spec is None or spec.contains(base, prereleases=True):
        return Version(base, f"{where} allows {package}{spec_text}, so Binder keeps its {base}", pin_file)
    chosen = next((release for release in RELEASES[package] if spec.contains(release, prereleases=True)), None)
    if chosen is None:
        return default
    return Version(chosen, f"{where} pins {package}{spec_text}", pin_file)
