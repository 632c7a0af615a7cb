"""A BinderHub federation on 127.0.0.1, shaped like mybinder.org's (jupyterhub/mybinder.org-deploy
`images/federation-redirect/app.py`, binderhub `health.py`).

* `Redirector`: `GET /active_hosts` → `{"active_hosts": {name: {"url", "weight", "prime", "health",
  "versions"}}}` (the members in rotation), and `/build/...` answered with a 307 to a member picked at random
  (seeded), with the `host` cookie — so one launch warms one member.
* `Member` (a `HubServer`: the captured streams, Accept check, keepalives, shutdown): `GET /health` (200 or
  503, with the "Pod quota" check: `total_pods`, `quota`), `GET /versions`, a per-repository quota (the
  build fails "Too many users running …", as `fail()` sends it) and a rate limit window (429 with
  `X-Ratelimit-*` until `rate_limited_until`, then builds again).
* `Federation`: a redirector and its members started together; with `public=True` every server has a stable
  name (`https://alpha.example.org/`) that `transport()` sends to its local port, for screens and snapshots.

Builds are scripted on every member at once with `add_capture` / `add_cached` / `add_build`.
"""

from __future__ import annotations

import json
import math
import random
import time

import httpx
import pytest

from tests.servers.hub_server import HubServer, Sleep, captured_events, sse

__all__ = ["Federation", "Member", "Redirector", "cached_events", "Sleep"]

REPO_URL = "https://github.com/me/demo"


def cached_events(capture: str = "ready-gh-fake-build.txt") -> list[bytes]:
    """A cached image's stream (binderhub-api.md §10: `built` "Found built image" → launching → ready): the
    captured stream from its `built` event on, with the cached build's message."""
    events = captured_events(capture)
    start = next(i for i, event in enumerate(events) if b'"phase": "built"' in event)
    built = events[start].replace(b"Built image, launching...", b"Found built image, launching...")
    return [built] + events[start + 1:]


class _Named(HubServer):
    """A HubServer that may answer to a public name instead of 127.0.0.1:port."""

    public_url: str | None = None

    @property
    def url(self) -> str:
        return self.public_url or f"http://127.0.0.1:{self.port}/"

    @property
    def local_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def stop(self) -> None:
        """Stop once (a test may take a member down before the federation stops)."""
        if not getattr(self, "_stopped", False):
            self._stopped = True
            super().stop()

    async def _json(self, writer, status: str, data: object) -> None:
        body = json.dumps(data).encode()
        writer.write(self._head(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
                     + body)
        await writer.drain()


class Member(_Named):
    def __init__(self, name: str, *, pod_quota: int | None = 100, pods: int = 0, repo_quota: int | None = None,
                 healthy: bool = True, binderhub: str = "1.0.0", **kwargs) -> None:
        kwargs.setdefault("hold_after_ready", 0.5)
        super().__init__(**kwargs)
        self.name = name
        self.pod_quota, self.pods, self.repo_quota, self.healthy = pod_quota, pods, repo_quota, healthy
        self.binderhub = binderhub
        self.sessions = 0  # sessions of the repository now running (ready, not shut down)
        self.rate_limited_until: float | None = None
        self.builds_asked = 0

    async def _route(self, request, reader, writer) -> None:
        path = request.path.split("?", 1)[0]
        if request.method == "GET" and path == "/health":
            quota_ok = self.pod_quota is None or self.pods <= self.pod_quota
            await self._json(writer, "200 OK" if self.healthy else "503 Service Unavailable", {
                "ok": self.healthy, "checks": [
                    {"service": "Docker registry", "ok": True},
                    {"service": "JupyterHub API", "ok": self.healthy},
                    {"service": "Pod quota", "total_pods": self.pods, "build_pods": 0, "user_pods": self.pods,
                     "quota": self.pod_quota, "ok": quota_ok}]})
            return
        if request.method == "GET" and path == "/versions":
            await self._json(writer, "200 OK", {"builder_info": {"build_image": "quay.io/jupyterhub/repo2docker:"
                                                                                "2026.4.0"},
                                                "binderhub": self.binderhub})
            return
        if request.method == "POST" and path.endswith("/api/shutdown"):
            await super()._route(request, reader, writer)
            self.sessions = max(0, self.sessions - 1)
            return
        if path.startswith("/build/"):
            self.builds_asked += 1
            now = time.time()
            if self.rate_limited_until is not None and now < self.rate_limited_until:
                reset = str(math.ceil(self.rate_limited_until))
                headers = [("X-Ratelimit-Remaining", "0"), ("X-Ratelimit-Reset", reset), ("X-Ratelimit-Limit", "10")]
                await self._send_error(writer, 429, f"Rate limit exceeded. Try again in "
                                                    f"{math.ceil(self.rate_limited_until - now)} seconds.\n", headers)
                return
            if self.repo_quota is not None and self.sessions >= self.repo_quota:
                await self._send_error(writer, None, f"Too many users running {REPO_URL}! Try again soon.\n")
                return
            build = self.builds.get(path.removeprefix("/build/"))
            if build is not None and build.events and b'"phase": "ready"' in _last_bytes(build.events):
                self.sessions += 1
        await super()._route(request, reader, writer)


def _last_bytes(events: list) -> bytes:
    for item in reversed(events):
        if isinstance(item, bytes):
            return item
        if isinstance(item, dict):
            return sse(item)
    return b""


class Redirector(_Named):
    def __init__(self, members: list[Member], seed: int = 0) -> None:
        super().__init__()
        self.members = members
        self.active = [m.name for m in members]  # in rotation
        self.random = random.Random(seed)
        self.routed: list[str] = []  # the member each /build went to

    async def _route(self, request, reader, writer) -> None:
        path = request.path.split("?", 1)[0]
        members = [m for m in self.members if m.name in self.active]
        if request.method == "GET" and path == "/active_hosts":
            await self._json(writer, "200 OK", {"active_hosts": {
                m.name: {"url": m.url.rstrip("/"), "weight": 50, "prime": i == 0, "health": m.url + "health",
                         "versions": m.url + "versions"} for i, m in enumerate(members)}})
            return
        if path.startswith("/build/") and members:
            member = self.random.choice(members)
            self.routed.append(member.name)
            writer.write(self._head("307 Temporary Redirect", [
                ("Location", member.url.rstrip("/") + request.path),
                ("Set-Cookie", f"host={member.url.rstrip('/')}; Path={path}"), ("Content-Length", "0")]))
            await writer.drain()
            return
        body = b"<html><body><div id=\"root\"></div></body></html>"  # the hub's web app, as mybinder.org proxies it
        writer.write(self._head("200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(body)))]) + body)
        await writer.drain()


class Federation:
    """A redirector and members; `public=True` gives every server a stable https name (use `transport()`)."""

    def __init__(self, names: tuple[str, ...] = ("alpha", "beta", "gamma"), *, public: bool = False, seed: int = 0,
                 **member_kwargs) -> None:
        self.members = {name: Member(name, **member_kwargs) for name in names}
        self.redirector = Redirector(list(self.members.values()), seed)
        self.public = public

    def start(self) -> "Federation":
        for member in self.members.values():
            member.start()
        self.redirector.start()
        if self.public:
            self.redirector.public_url = "https://hub.example.org/"
            for name, member in self.members.items():
                member.public_url = f"https://{name}.example.org/"
        return self

    def stop(self) -> None:
        for server in [self.redirector, *self.members.values()]:
            server.stop()

    @property
    def url(self) -> str:
        return self.redirector.url

    def __getitem__(self, name: str) -> Member:
        return self.members[name]

    def add_capture(self, path: str, name: str = "ready-gh-fake-build.txt") -> None:
        for member in self.members.values():
            member.add_capture(path, name)

    def add_cached(self, path: str, *names: str) -> None:
        """The image is already built on these members (all of them when none is named)."""
        for member in (self.members[n] for n in names) if names else self.members.values():
            member.add_build(path, cached_events())

    def transport(self) -> httpx.AsyncBaseTransport:
        return ByName({server.url: server.port for server in [self.redirector, *self.members.values()]})


class ByName(httpx.AsyncBaseTransport):
    """Sends each public name to its local server (an /etc/hosts for the test), through a real socket."""

    def __init__(self, ports: dict[str, int]) -> None:
        self.ports = {httpx.URL(url).host: port for url, port in ports.items()}
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        port = self.ports.get(request.url.host)
        if port is not None:
            request.url = request.url.copy_with(scheme="http", host="127.0.0.1", port=port)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        pass  # every client of the test shares this transport: it lives as long as the test


@pytest.fixture
def federation():
    """A factory: federation(**options) → a started Federation, stopped after the test."""
    started: list[Federation] = []

    def factory(*args, **kwargs) -> Federation:
        fed = Federation(*args, **kwargs).start()
        started.append(fed)
        return fed

    yield factory
    for fed in started:
        fed.stop()
