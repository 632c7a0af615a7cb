"""pixi.lock and conda-lock.yml -> environment.yml: the linux-64 packages pinned, with their channels.

Pins are `name=version` without build strings: repo2docker applies the file with `mamba env update` on top
of its own base environment, and a build string of a low-level library both share (openssl, libgcc...)
would over-constrain that update; versions keep the lock's choice. Python is written first and without a
channel prefix, because repo2docker only sees a `python=X.Y` entry at the start of a line as the Python
pin. Packages from a channel other than the first are written `channel::name=version`. PyPI packages go
under `pip:` as `name==version`; the project itself (a local editable package) as `-e .`.

pixi.lock: formats 4 to 6. The `default` environment's `linux-64` list names each package by URL (`conda:`
or `pypi:`), and the top-level `packages` list describes it; conda names and versions are read from the
file name when the entry does not carry them. conda-lock.yml: format 1, `package` entries for `platform:
linux-64`, leaving out the optional (dev and extra) categories.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from wizard.core.common.lazy_regex import lazy_compile
from wizard.core.environment.convert.draft import ConversionFailed, Context, Draft
from wizard.core.environment.convert.graph import local_path

PLATFORM = "linux-64"
_ANACONDA = lazy_compile(r"^https?://conda\.anaconda\.org/([^/]+)/?$")


@dataclass(frozen=True)
class CondaPin:
    name: str
    version: str
    channel: str  # "conda-forge", or a full channel URL


def load_yaml(text: str, name: str):
    """A lock is machine-written YAML, often megabytes: the C loader when there is one."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except (yaml.YAMLError, RecursionError) as error:
        first = (str(error).splitlines() or [type(error).__name__])[0]
        raise ConversionFailed(f"{name} is not valid YAML ({first}); run its tool again to rewrite it.") from None


def channel_name(url: str) -> str:
    """'https://conda.anaconda.org/conda-forge/' -> 'conda-forge'; other channel URLs stay whole."""
    url = url.strip()
    match = _ANACONDA.match(url)
    return match.group(1) if match else url.rstrip("/")


def from_file_url(url: str) -> CondaPin | None:
    """'https://conda.anaconda.org/conda-forge/linux-64/numpy-2.1.0-py312h_0.conda' -> numpy 2.1.0."""
    folder, _, filename = url.rpartition("/")
    stem = re.sub(r"\.(conda|tar\.bz2)$", "", filename)
    parts = stem.rsplit("-", 2)
    if len(parts) != 3 or not folder:
        return None
    channel = folder.rpartition("/")[0]  # drop the subdir (linux-64, noarch)
    return CondaPin(parts[0], parts[1], channel_name(channel))


def environment_text(ctx: Context, channels: list[str], conda: list[CondaPin], pip: list[str],
                     draft: Draft) -> str:
    if not any(pin.name == "python" for pin in conda) and pip:
        raise ConversionFailed("The lock has PyPI packages but no Python for linux-64.")
    first = channels[0] if channels else "conda-forge"
    python = [pin for pin in conda if pin.name == "python"]
    rest = sorted((pin for pin in conda if pin.name != "python"), key=lambda pin: pin.name)

    def spec(pin: CondaPin) -> str:
        prefix = f"{pin.channel}::" if pin.channel != first and pin.name != "python" and pin.channel else ""
        return f"{prefix}{pin.name}={pin.version}"

    lines = [ctx.header.rstrip("\n"), "channels:"] + [f"  - {channel}" for channel in channels or [first]]
    lines.append("dependencies:")
    lines += [f"  - {spec(pin)}" for pin in python + rest]
    if pip:
        if not any(pin.name == "pip" for pin in conda):
            lines.append("  - pip")
        lines.append("  - pip:")
        lines += [f"    - {line}" for line in pip]
    if python:
        draft.python = ".".join(python[0].version.split(".")[:2])
    return "\n".join(lines) + "\n"


def _pip_line(name: str, version: str, url: str, editable: bool, ctx: Context) -> str | None:
    if "://" not in url:  # a local package: a path relative to the lock's folder
        path = local_path(url, ctx.lock_folder)
        return None if path is None else (f"-e {path}" if editable else path)
    if url.startswith("git+") or "git+" in url[:8]:
        return f"{name} @ {url}"
    return f"{name}=={version}"


# --------------------------------------------------------------------------------------------------
# pixi.lock


def convert_pixi(text: str, ctx: Context) -> Draft:
    data = load_yaml(text, ctx.source)
    if not isinstance(data, dict) or not isinstance(data.get("environments"), dict):
        raise ConversionFailed(f"{ctx.source} has no environments; run `pixi lock` to write it again.")
    draft = Draft()
    environments = data["environments"]
    name = "default" if "default" in environments else next(iter(environments), None)
    environment = environments.get(name) if name is not None else None
    if not isinstance(environment, dict):
        raise ConversionFailed(f"{ctx.source} has no environments; run `pixi lock` to write it again.")
    if len(environments) > 1:
        draft.notes.append(f"Converted pixi's '{name}' environment; the others "
                           f"({', '.join(str(e) for e in environments if e != name)}) are not.")
    listed = (environment.get("packages") or {}).get(PLATFORM) if isinstance(environment.get("packages"), dict) \
        else None
    if not isinstance(listed, list) or not listed:
        raise ConversionFailed(f"{ctx.source} has no packages for {PLATFORM} (Binder's Linux): add the platform "
                               "(`pixi workspace platform add linux-64`), then run `pixi lock`.")
    described: dict[str, dict] = {}
    for entry in data.get("packages") or []:
        if isinstance(entry, dict):
            key = entry.get("conda") or entry.get("pypi") or entry.get("url")
            if isinstance(key, str):
                described.setdefault(key, entry)
    channels = [channel_name(str(c.get("url") if isinstance(c, dict) else c))
                for c in environment.get("channels") or []]
    conda, pip = [], []
    for ref in listed:
        if not isinstance(ref, dict):
            continue
        url = ref.get("conda") or ref.get("pypi") or ref.get("url")
        if not isinstance(url, str):
            continue
        entry = described.get(url, {})
        is_pypi = "pypi" in ref or entry.get("kind") == "pypi"
        if is_pypi:
            name, version = str(entry.get("name") or ""), str(entry.get("version") or "")
            if not (name and version) and "://" in url:  # older locks: read the wheel's file name
                parts = url.rsplit("/", 1)[-1].split("-")
                name, version = (parts[0], parts[1]) if len(parts) >= 2 else (name, version)
            line = _pip_line(name, version, url, bool(entry.get("editable") or ref.get("editable")
                                                      or "://" not in url), ctx)
            if line is None:
                draft.notes.append(f"Left out {name or url}: a path outside the repository.")
            else:
                pip.append(line)
            continue
        pin = from_file_url(url)
        if entry.get("name") and entry.get("version"):
            pin = CondaPin(str(entry["name"]), str(entry["version"]), pin.channel if pin else channels[0])
        if pin is not None:
            conda.append(pin)
    draft.files["environment.yml"] = environment_text(ctx, channels, conda, _sorted_pip(pip), draft)
    return draft


def _sorted_pip(lines: list[str]) -> list[str]:
    local = [line for line in lines if line.startswith(("-e ", "."))]
    return list(dict.fromkeys(local)) + sorted((line for line in lines if line not in local), key=str.lower)


# --------------------------------------------------------------------------------------------------
# conda-lock.yml


def convert_conda_lock(text: str, ctx: Context) -> Draft:
    data = load_yaml(text, ctx.source)
    if not isinstance(data, dict) or not isinstance(data.get("package"), list):
        raise ConversionFailed(f"{ctx.source} is not a conda-lock file (no 'package' list); run conda-lock again.")
    draft = Draft()
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    platforms = metadata.get("platforms") or []
    entries = [p for p in data["package"] if isinstance(p, dict) and p.get("platform") == PLATFORM]
    if not entries or (platforms and PLATFORM not in platforms):
        raise ConversionFailed(f"{ctx.source} has no packages for {PLATFORM} (Binder's Linux): run "
                               "`conda-lock -p linux-64` (with your other platforms).")
    channels = [channel_name(str(c.get("url") if isinstance(c, dict) else c)) for c in metadata.get("channels") or []]
    conda, pip, optional = [], [], set()
    for entry in entries:
        name, version, url = str(entry.get("name") or ""), str(entry.get("version") or ""), str(entry.get("url") or "")
        if entry.get("optional") or entry.get("category", "main") != "main":
            optional.add(str(entry.get("category")))
            continue
        if entry.get("manager") == "pip":
            line = _pip_line(name, version, url, False, ctx)
            if line is not None:
                pip.append(line)
            continue
        found = from_file_url(url)
        conda.append(CondaPin(name or (found.name if found else ""), version or (found.version if found else ""),
                              found.channel if found else (channels[0] if channels else "")))
    if optional:
        draft.notes.append(f"Optional categories are left out ({', '.join(sorted(optional))}), as with "
                           "`conda-lock install` without --dev/--extras.")
    sources = metadata.get("sources") or []
    draft.files["environment.yml"] = environment_text(ctx, channels, conda, _sorted_pip(pip), draft)
    target = f"{ctx.folder}/environment.yml" if ctx.folder else "environment.yml"
    if any(str(s).replace("\\", "/").lstrip("./") == target for s in sources):
        draft.notes.append(f"{target} is the file conda-lock reads to make the lock: keep your original under "
                           "another name (e.g. environment.in.yml) and lock from that from now on.")
    return draft
