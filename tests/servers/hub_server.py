"""A BinderHub build API on 127.0.0.1 that behaves like the real one (shared/binderhub-streams/, api.md).

It speaks raw HTTP/1.1 with chunked bodies the way Tornado does and replays captured event bytes
exactly. What it reproduces:

* the Accept check (`text/event-stream` after splitting on ";") → a 400 `failed` event with Content-Length;
* `data:`-only events, forwarded repo2docker lines with their extra blank line, `:keepalive` comments every
  `keepalive` seconds counted from the start of the request;
* holding the stream `hold_after_ready` seconds (60 by default) after `ready`, and forever after a build
  failure (`after="forever"`); closing at once after early failures;
* a 307 federation redirect, the per-IP rate limit with `X-Ratelimit-*` headers, auth (403 "Forbidden"),
  `POST <server>/api/shutdown`;
* faults: dying mid-stream, only keepalives, huge events, escape-sequence injection.

Tests script a build with `hub.add_build(path, events=[...], after=...)`. Events are bytes (sent as is),
dicts (sent as `data: json\\n\\n`), `Sleep(seconds)` or `DIE`.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from pathlib import Path

import pytest

from tests.servers.loop_server import LoopServer

STREAMS = Path(__file__).resolve().parents[2].parent / "shared" / "binderhub-streams"
CAPTURED_HUB = "http://127.0.0.1:8000/"  # the JupyterHub address inside the captured ready events


@dataclass(frozen=True)
class Sleep:
    seconds: float


DIE = object()  # close the socket in the middle of a chunk
# mybinder.org's GET /versions answer: a newer repo2docker build than the 2026.4.0 release (api.md §11).
MYBINDER_VERSIONS = {"builder_info": {"build_image": "quay.io/jupyterhub/repo2docker:2026.4.1.dev44-g97bb4e45a"},
                     "builder": "quay.io/jupyterhub/repo2docker:2026.4.1.dev44-g97bb4e45a", "binderhub": "1.0.0"}


def sse(event: dict, forwarded: bool = False) -> bytes:
    """One event as BinderHub frames it; forwarded repo2docker lines carry an extra blank line."""
    return b"data: " + json.dumps(event).encode() + (b"\n\n\n" if forwarded else b"\n\n")


def captured_events(name: str) -> list[bytes]:
    """The events of a captured stream, byte for byte (each with its own trailing blank lines).

    Header lines, `:keepalive` comments (the server makes its own) and the capturing client's
    trailer (`curl: …`, `real …`) are left out."""
    raw = (STREAMS / name).read_bytes()
    if raw.startswith(b"HTTP/1.1"):
        raw = raw.split(b"\r\n\r\n", 1)[1]
    events: list[bytes] = []
    for piece in re.split(rb"(?m)^(?=data: |:keepalive|curl: |\nreal\t|real\t)", raw):
        if piece.startswith(b"data: "):
            events.append(piece)
    # The trailer's leading blank line belongs to the capture, not the last event ("\n\n" or "\n\n\n").
    if events and events[-1].endswith(b"\n\n\n\n"):
        events[-1] = events[-1][:-1]
    return events


@dataclass
class Build:
    events: list = field(default_factory=list)
    after: str = "hold"  # "hold" (60 s then close, like after ready), "forever", "close"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]


class HubServer(LoopServer):
    THREAD_NAME = "hub-server"
    READ_LIMIT = 2**20

    def __init__(self, *, keepalive: float = 25.0, hold_after_ready: float = 60.0, auth_token: str | None = None,
                 rate_limit: int | None = None, redirect_to: "HubServer | None" = None,
                 rewrite_hub: bool = True, coalesce: bool = False, versions: dict | None = None) -> None:
        self.keepalive = keepalive
        self.hold_after_ready = hold_after_ready
        self.auth_token = auth_token
        self.rate_limit = rate_limit
        self.rate_reset = int(time.time()) + 3600
        self.redirect_to = redirect_to
        self.rewrite_hub = rewrite_hub
        self.coalesce = coalesce  # send runs of events in big writes (benchmarks); Tornado flushes each one
        self.versions = versions  # the GET /versions answer (e.g. MYBINDER_VERSIONS); None: 404 as before
        self.builds: dict[str, Build] = {}
        self.requests: list[Request] = []
        self.shutdowns: list[Request] = []
        self.disconnects: list[float] = []  # monotonic times a client went away mid-stream
        self.disconnected = threading.Event()
        super().__init__()

    # --- scripting ---------------------------------------------------------------------------

    def add_build(self, path: str, events: list, after: str = "hold", headers: dict | None = None) -> str:
        """Script `GET /build/<path>`; returns the full build URL's path part."""
        self.builds[path.lstrip("/")] = Build(list(events), after, dict(headers or {}))
        return path

    def add_capture(self, path: str, name: str, after: str | None = None) -> str:
        events = captured_events(name)
        if after is None:
            last = json.loads(events[-1][6:].split(b"\n", 1)[0]) if events else {}
            after = {"ready": "hold", "failed": "forever"}.get(str(last.get("phase", "")).lower(), "hold")
            if b'"status_code"' in events[-1]:
                after = "close"
        return self.add_build(path, events, after)

    # --- HTTP (start/stop: LoopServer) --------------------------------------------------------- ---------------------------------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        self._tasks.add(task)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                if ":" in line:
                    key, value = line.split(":", 1)
                    headers[key.strip().lower()] = value.strip()
            if int(headers.get("content-length", "0") or 0):
                await reader.readexactly(int(headers["content-length"]))
            request = Request(method, target, headers)
            self.requests.append(request)
            await self._route(request, reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            self._tasks.discard(task)
            writer.close()

    @staticmethod
    def _head(status: str, headers: list[tuple[str, str]]) -> bytes:
        lines = [f"HTTP/1.1 {status}"] + [f"{k}: {v}" for k, v in headers]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _base_headers(self, content_type: str = "text/event-stream") -> list[tuple[str, str]]:
        return [("Server", "TornadoServer/6.6.1"), ("Content-Type", content_type),
                ("Date", formatdate(usegmt=True)), ("Access-Control-Allow-Headers", "cache-control"),
                ("Cache-Control", "no-cache")]

    async def _route(self, request: Request, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        path = request.path.split("?", 1)[0]
        if request.method == "POST" and path.endswith("/api/shutdown"):
            auth = request.headers.get("authorization", "")
            ok = auth.lower().startswith("token ") and len(auth) > 6
            if ok:
                self.shutdowns.append(request)
            body = b"" if ok else b'{"message": "Forbidden"}'
            writer.write(self._head("200 OK" if ok else "403 Forbidden",
                                    [("Content-Length", str(len(body)))]) + body)
            await writer.drain()
            return
        if path == "/versions" and self.versions is not None:  # VersionHandler (api.md §11)
            body = json.dumps(self.versions).encode()
            writer.write(self._head("200 OK", [("Content-Type", "application/json"),
                                               ("Content-Length", str(len(body)))]) + body)
            await writer.drain()
            return
        if not path.startswith("/build/"):
            body = b"<html><title>404: Not Found</title><body>404: Not Found</body></html>"
            writer.write(self._head("404 Not Found", [("Content-Type", "text/html; charset=UTF-8"),
                                                       ("Content-Length", str(len(body)))]) + body)
            await writer.drain()
            return
        if self.redirect_to is not None:  # mybinder.org's federation redirect
            writer.write(self._head("307 Temporary Redirect", [
                ("Location", self.redirect_to.url.rstrip("/") + request.path),
                ("Set-Cookie", "host=member; Path=/"), ("Content-Length", "0")]))
            await writer.drain()
            return
        accept = request.headers.get("accept", "")
        if accept.lower().split(";")[0].strip() != "text/event-stream":
            await self._send_error(writer, 400, "Missing Accept header: text/event-stream\n")
            return
        if self.auth_token is not None:
            auth = request.headers.get("authorization", "")
            scheme, _, value = auth.partition(" ")
            if scheme.lower() not in ("token", "bearer") or value != self.auth_token:
                await self._send_error(writer, 403, "Forbidden\n")
                return
        extra: list[tuple[str, str]] = []
        if self.rate_limit is not None:
            used = sum(1 for r in self.requests if r.path.startswith("/build/"))
            remaining = self.rate_limit - used
            extra = [("X-Ratelimit-Remaining", str(max(0, remaining))), ("X-Ratelimit-Reset", str(self.rate_reset)),
                     ("X-Ratelimit-Limit", str(self.rate_limit))]
            if remaining < 0:
                wait = self.rate_reset - int(time.time())
                await self._send_error(writer, 429, f"Rate limit exceeded. Try again in {wait} seconds.\n", extra)
                return
        build = self.builds.get(path.removeprefix("/build/"))
        if build is None:
            provider = path.split("/")[2]
            await self._send_error(writer, None, f"No provider found for prefix {provider}\n", extra)
            return
        await self._stream(build, reader, writer, extra + [(k, v) for k, v in build.headers.items()])

    async def _send_error(self, writer, status_code: int | None, message: str, extra=()) -> None:
        """`send_error`/`fail`: one failed event, then the server closes (a 400 Accept reply has a length)."""
        event = {"phase": "failed", "status_code": status_code, "message": message} if status_code else \
            {"phase": "failed", "message": message}
        body = sse(event)
        if status_code == 400:
            writer.write(self._head("200 OK", self._base_headers() + [("Content-Length", str(len(body)))]) + body)
        else:
            writer.write(self._head("200 OK", self._base_headers() + list(extra) +
                                    [("Transfer-Encoding", "chunked")]) + _chunk(body) + b"0\r\n\r\n")
        await writer.drain()

    async def _stream(self, build: Build, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                      extra: list[tuple[str, str]]) -> None:
        writer.write(self._head("200 OK", self._base_headers() + extra + [("Transfer-Encoding", "chunked")]))
        started = asyncio.get_running_loop().time()
        keepalive = asyncio.create_task(self._keepalives(writer, started))
        client_closed = asyncio.create_task(reader.read(1))  # b"" when the client hangs up
        try:
            batch: list[bytes] = []
            batched = 0
            for item in build.events:
                if isinstance(item, dict):
                    item = sse(item)
                if isinstance(item, bytes):
                    if self.rewrite_hub:
                        item = item.replace(CAPTURED_HUB.encode(), self.url.encode())
                    if self.coalesce:
                        batch.append(item)
                        batched += len(item)
                        if batched < 65536:
                            continue
                        item = b"".join(batch)
                        batch.clear()
                        batched = 0
                    writer.write(_chunk(item))
                    await writer.drain()
                elif isinstance(item, Sleep):
                    await asyncio.sleep(item.seconds)
                elif item is DIE:
                    writer.write(b"%x\r\n" % 1000 + b'data: {"phase": "buil')
                    await writer.drain()
                    writer.transport.abort()
                    return
            if batch:
                writer.write(_chunk(b"".join(batch)))
                await writer.drain()
            if build.after != "close":
                # "hold": builder.py sleeps 60 s after ready; "forever": after a build failure it never closes.
                hold = self.hold_after_ready if build.after == "hold" else None
                done, _ = await asyncio.wait([client_closed], timeout=hold)
                if done:
                    self._client_gone()
                    return
            writer.write(b"0\r\n\r\n")
            await writer.drain()
        except (ConnectionError, OSError):
            self._client_gone()
        finally:
            keepalive.cancel()
            client_closed.cancel()

    async def _keepalives(self, writer: asyncio.StreamWriter, started: float) -> None:
        loop = asyncio.get_running_loop()
        n = 1
        try:
            while True:
                await asyncio.sleep(max(0.0, started + n * self.keepalive - loop.time()))
                n += 1
                if writer.is_closing():
                    self._client_gone()
                    return
                writer.write(_chunk(b":keepalive\n\n"))
                await writer.drain()
        except (ConnectionError, OSError):
            self._client_gone()

    def _client_gone(self) -> None:
        if not self.disconnected.is_set():
            self.disconnects.append(time.monotonic())
        self.disconnected.set()


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n" % len(data) + data + b"\r\n"


@pytest.fixture
def hub_server():
    """A started HubServer (keepalive 25 s, hold 60 s after ready: the real values). Configure, then use."""
    servers: list[HubServer] = []

    def factory(**kwargs) -> HubServer:
        server = HubServer(**kwargs).start()
        servers.append(server)
        return server

    yield factory
    for server in servers:
        server.stop()


@pytest.fixture
def hub(hub_server) -> HubServer:
    return hub_server()
