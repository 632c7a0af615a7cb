"""Which repo2docker a BinderHub builds with (`GET /versions`), and the one-time note when it is not the
version whose rules binder-wizard reproduces (issue 15: hubs move on; mybinder.org already runs a newer
build than the release, and repo2docker main gained R 4.6).

`/versions` answers `{"builder_info": {...}, "binderhub": "..."}` (shared design/binderhub-api.md §11): a
Kubernetes hub names its build image (`"build_image": "quay.io/jupyterhub/repo2docker:2026.4.1.dev44-g97bb4e45a"`),
a local build back end its version (`"repo2docker-version": "2026.4.0"`). The read is bounded like every talk
with a hub: a few seconds, 64 KB, no redirects, no compression; any other answer means "unknown", and
nothing is said. httpx is imported inside the function.
"""

from __future__ import annotations


from wizard.core.common.lazy_regex import lazy_compile

VERSIONS_TIMEOUT = 3.0
MAX_VERSIONS_BYTES = 64 * 1024
_VERSION = lazy_compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,79}$")
_checked: set[str] = set()  # hubs already asked in this process: the note is said once


async def hub_repo2docker_version(hub_url: str, *, transport=None, timeout: float = VERSIONS_TIMEOUT) -> str | None:
    """The repo2docker version `hub_url` builds with, or None when it does not say (or cannot be asked)."""
    import json

    import httpx

    from wizard.core.launch.links import hub_base

    try:
        url = hub_base(hub_url) + "versions"
        async with httpx.AsyncClient(timeout=timeout, follow_redirects=False, transport=transport,
                                     trust_env=False) as client:
            async with client.stream("GET", url, headers={"Accept": "application/json",
                                                          "Accept-Encoding": "identity"}) as response:
                encoding = response.headers.get("content-encoding", "identity").strip().lower()
                if response.status_code != 200 or encoding not in ("", "identity"):
                    return None
                body = bytearray()
                async for chunk in response.aiter_raw():
                    body += chunk
                    if len(body) > MAX_VERSIONS_BYTES:
                        return None
        data = json.loads(bytes(body).decode("utf-8"))
    except Exception:  # noqa: BLE001 - a hub that cannot say is a hub we say nothing about
        return None
    return _version_in(data)


def _version_in(data) -> str | None:
    info = data.get("builder_info") if isinstance(data, dict) else None
    found = None
    if isinstance(info, dict):
        found = info.get("repo2docker-version") or _image_tag(info.get("build_image"))
    if found is None and isinstance(data, dict):
        found = _image_tag(data.get("builder"))
    return found if isinstance(found, str) and _VERSION.match(found) else None


def _image_tag(image) -> str | None:
    """'quay.io/jupyterhub/repo2docker:2026.4.1.dev44-g97bb4e45a' -> '2026.4.1.dev44-g97bb4e45a'."""
    if not isinstance(image, str) or "repo2docker" not in image:
        return None
    name, _, tag = image.rpartition("/")[2].partition(":")
    return tag.split("@", 1)[0] or None


def same_version(theirs: str, ours: str) -> bool:
    from packaging.version import InvalidVersion, Version

    a, b = theirs.strip().lower().lstrip("v"), ours.strip().lower().lstrip("v")
    try:
        return Version(a) == Version(b)  # 2026.04.0 is 2026.4.0
    except InvalidVersion:
        return a == b


def drift_words(theirs: str, ours: str) -> str:
    return (f"This hub builds with repo2docker {theirs}, and binder-wizard's checks follow repo2docker {ours}: some "
            "predictions (which files are read, the Python and R versions offered) may differ on this hub.")


async def drift_note(hub_url: str, ours: str, *, transport=None, timeout: float = VERSIONS_TIMEOUT) -> str | None:
    """The note for a hub whose repo2docker is not `ours`, the first time it is asked about in this process;
    None otherwise (the same version, a hub that does not say, or already asked)."""
    key = hub_url.rstrip("/")
    if key in _checked:
        return None
    theirs = await hub_repo2docker_version(hub_url, transport=transport, timeout=timeout)
    if theirs is None:
        return None
    _checked.add(key)
    return None if same_version(theirs, ours) else drift_words(theirs, ours)


class DriftCheck:
    """`drift_note` beside a build: `start()` once the hub answers the build request (so the build goes first),
    `note()` at the end waits at most `wait` seconds more for the answer, then gives up."""

    def __init__(self, hub_url: str, ours: str, *, transport=None) -> None:
        self.hub_url, self.ours, self.transport = hub_url, ours, transport
        self.task = None

    def start(self) -> None:
        if self.task is None:
            import asyncio

            self.task = asyncio.ensure_future(drift_note(self.hub_url, self.ours, transport=self.transport))

    async def note(self, wait: float = 1.0) -> str | None:
        if self.task is None:
            return None
        import asyncio

        try:
            return await asyncio.wait_for(self.task, wait)
        except Exception:  # noqa: BLE001 - only a note (TimeoutError: the hub is slow; it is not waited for)
            return None
