"""Asking a package index (PEP 691 JSON, or PEP 503 HTML) which releases of a project install on Binder.

Used for the fixes ("pin pandas==2.3.3, the newest release for 3.10") and for proposing pins that install
(`newest_release_for`). Every call is bounded in time and answers None when the index cannot tell.
"""

from __future__ import annotations

import html
import re
import time
from dataclasses import dataclass

from wizard.core.common.lazy_regex import lazy_compile
from wizard.core.environment.install.binder_platform import is_sdist, wheel_rank

_ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.1"
_ANCHOR = lazy_compile(r"<a\s([^>]*)>([^<]*)</a>", re.IGNORECASE)
_ATTRIBUTE = lazy_compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


@dataclass(frozen=True)
class IndexFile:
    filename: str
    version: str | None
    requires_python: str | None
    yanked: bool
    size: int | None


def _version_of(filename: str) -> str | None:
    from packaging.utils import InvalidSdistFilename, InvalidWheelFilename, parse_sdist_filename, parse_wheel_filename

    try:
        if filename.endswith(".whl"):
            return str(parse_wheel_filename(filename)[1])
        if filename.endswith((".tar.gz", ".zip")):
            return str(parse_sdist_filename(filename)[1])
    except (InvalidWheelFilename, InvalidSdistFilename, ValueError):
        pass
    return None


def project_files(name: str, index_url: str, *, timeout: float = 10.0) -> list[IndexFile] | None:
    """The files an index lists for a project; None when it cannot be reached or does not know the name."""
    import httpx

    url = f"{index_url.rstrip('/')}/{re.sub(r'[-_.]+', '-', name).lower()}/"
    try:
        response = httpx.get(url, headers={"Accept": _ACCEPT}, timeout=timeout, follow_redirects=True)
    except (httpx.HTTPError, OSError, ValueError):
        return None
    if response.status_code != 200:
        return None
    if "json" in response.headers.get("content-type", ""):
        try:
            files = response.json().get("files", [])
        except ValueError:
            return None
        return [IndexFile(entry["filename"], _version_of(entry["filename"]), entry.get("requires-python"),
                          bool(entry.get("yanked")), entry.get("size"))
                for entry in files if isinstance(entry, dict) and isinstance(entry.get("filename"), str)]
    out = []
    for attributes, label in _ANCHOR.findall(response.text):
        values = {key.lower(): html.unescape(a or b) for key, a, b in _ATTRIBUTE.findall(attributes)}
        filename = html.unescape(label).strip() or values.get("href", "").split("#")[0].rsplit("/", 1)[-1]
        out.append(IndexFile(filename, _version_of(filename), values.get("data-requires-python") or None,
                             "data-yanked" in values, None))
    return out


def supports_python(requires_python: str | None, python: str) -> bool:
    """Whether Requires-Python admits Python X.Y (all of it, upper bounds too, as pip checks it)."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    if not requires_python:
        return True
    try:
        return SpecifierSet(requires_python).contains(python + ".0", prereleases=True)
    except InvalidSpecifier:
        return True  # pip ignores a broken Requires-Python too


def installable_versions(files: list[IndexFile], python: str, *, wheels_only: bool = False) -> list[str]:
    """Versions, newest first, with a file pip would install on Binder's Linux and `python`
    (not yanked, Requires-Python satisfied; a wheel, or also an sdist unless `wheels_only`).
    Pre-releases only when there is no final release, as pip does."""
    from packaging.version import InvalidVersion, Version

    good: set[Version] = set()
    for file in files:
        if file.version is None or file.yanked or not supports_python(file.requires_python, python):
            continue
        if file.filename.endswith(".whl"):
            if wheel_rank(file.filename, python) is None:
                continue
        elif wheels_only or not is_sdist(file.filename):
            continue
        try:
            good.add(Version(file.version))
        except InvalidVersion:
            continue
    finals = [v for v in good if not v.is_prerelease]
    return [str(v) for v in sorted(finals or good, reverse=True)]


def newest_release_for(name: str, python: str, *, index_url: str, timeout: float = 10.0,
                       wheels_only: bool = False) -> str | None:
    """The newest release of `name` that installs on Binder with Python `python` (ignoring its own
    dependencies), or None when there is none or the index cannot be asked."""
    files = project_files(name, index_url, timeout=timeout)
    if not files:
        return None
    versions = installable_versions(files, python, wheels_only=wheels_only)
    return versions[0] if versions else None


def requires_python_of(urls: list[str], *, timeout: float = 10.0) -> dict[str, str | None]:
    """Requires-Python of wheel files, read from the small METADATA file an index serves beside each one
    (PEP 658: the file's URL + ".metadata"). A URL whose metadata cannot be read is left out."""
    import httpx
    from concurrent.futures import ThreadPoolExecutor

    deadline = time.monotonic() + timeout

    def one(client: httpx.Client, url: str) -> tuple[str, str | None] | None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        try:
            response = client.get(url + ".metadata", timeout=remaining)
        except (httpx.HTTPError, OSError, ValueError):
            return None
        if response.status_code != 200:
            return None
        headers = response.text.split("\n\n", 1)[0]
        match = re.search(r"(?im)^Requires-Python:[ \t]*(.*?)\s*$", headers)
        return url, (match.group(1) or None) if match else None

    if not urls:
        return {}
    with httpx.Client(follow_redirects=True, limits=httpx.Limits(max_connections=16)) as client, \
            ThreadPoolExecutor(max_workers=min(16, len(urls)), thread_name_prefix="metadata") as pool:
        found = list(pool.map(lambda url: one(client, url), urls))
    return dict(item for item in found if item is not None)
