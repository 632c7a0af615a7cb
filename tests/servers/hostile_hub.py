"""A hostile "BinderHub" on 127.0.0.1: each path answers with exactly the bytes a test scripts, however wrong.

`HubServer` (hub_server.py) behaves like the real hub; this one is for what a misconfigured, compromised
or simply strange server might send: gzip and deflate bombs (inflating to gigabytes from a few KB, streamed
so the server itself stays small), events without newlines, megabytes of headers, control characters in
the status text and header values, redirects with bomb bodies, links that are not web links.

    hub = hostile_hub()                       # the fixture: started, stopped after the test
    hub.route("/build/gh/me/demo/HEAD", stream(body=[sse({...})], headers=[("Content-Encoding", "gzip")]))
    hub.sent["/build/gh/me/demo/HEAD"]        # body bytes the server wrote before the client went away
"""

from __future__ import annotations

import asyncio
import json
import zlib
from collections.abc import Callable, Iterable

import pytest

from tests.servers.loop_server import LoopServer

EVENT_STREAM = [("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache")]


def sse(event: dict | str) -> bytes:
    """One event as BinderHub frames it (a str is sent as the data line as is)."""
    data = event if isinstance(event, str) else json.dumps(event)
    return b"data: " + data.encode("utf-8", "surrogatepass") + b"\n\n"


def gzip_bomb(inflated: int, pattern: bytes = b"\0", member: int = 2**20) -> Iterable[bytes]:
    """About `inflated` bytes of `pattern`, gzip-compressed (~1000:1), as concatenated gzip members: one
    member is compressed once and sent again and again, so neither side of the test pays for the size."""
    block = (pattern * (member // len(pattern) + 1))[:member]
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    compressed = packer.compress(block) + packer.flush()
    for _ in range(max(1, inflated // member)):
        yield compressed


def deflate_bomb(inflated: int, member: int = 2**20) -> Iterable[bytes]:
    """Like `gzip_bomb`, one zlib stream (Content-Encoding: deflate) inflating to `inflated` zero bytes."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 15)
    piece = packer.compress(b"\0" * member) + packer.flush(zlib.Z_FULL_FLUSH)  # a full flush: no back-references
    yield piece
    for _ in range(max(1, inflated // member) - 1):
        yield piece[2:]  # the same block again, without the zlib header
    # (no end: the checksum would be wrong, and no client should read this far)


class Reply:
    """An answer: a status line, headers and a body (chunked unless a Content-Length is among the headers)."""

    def __init__(self, status: str = "200 OK", headers: list[tuple[str, str]] | None = None,
                 body: Iterable[bytes] | Callable[[], Iterable[bytes]] = (), hold: bool = False,
                 raw_head: bytes | None = None) -> None:
        self.status, self.headers, self.body, self.hold, self.raw_head = status, headers or [], body, hold, raw_head


def stream(body: Iterable[bytes] | Callable[[], Iterable[bytes]] = (), headers: list[tuple[str, str]] | None = None,
           status: str = "200 OK", hold: bool = True) -> Reply:
    """An event stream (status 200, text/event-stream, chunked) that stays open after `body` when `hold`."""
    return Reply(status, EVENT_STREAM + list(headers or []), body, hold)


class HostileHub(LoopServer):
    THREAD_NAME = "hostile-hub"

    def __init__(self) -> None:
        self.routes: dict[str, Reply] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []  # (method, path, headers)
        self.sent: dict[str, int] = {}
        super().__init__()

    def route(self, path: str, reply: Reply) -> str:
        self.routes[path] = reply
        return path

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        self._tasks.add(task)
        path = ""
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            method, target, _ = head[0].split(" ", 2)
            headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in head[1:] if line)}
            if int(headers.get("content-length", "0") or 0):
                await reader.readexactly(int(headers["content-length"]))
            path = target.split("?", 1)[0]
            self.requests.append((method, target, headers))
            reply = self.routes.get(path) or Reply("404 Not Found", [("Content-Length", "0")])
            await self._send(reply, path, reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            self._tasks.discard(task)
            writer.close()

    async def _send(self, reply: Reply, path: str, reader, writer) -> None:
        headers = list(reply.headers)
        chunked = not any(k.lower() == "content-length" for k, _ in headers)
        if chunked:
            headers.append(("Transfer-Encoding", "chunked"))
        head = reply.raw_head if reply.raw_head is not None else \
            ("\r\n".join([f"HTTP/1.1 {reply.status}"] + [f"{k}: {v}" for k, v in headers]) + "\r\n\r\n").encode("latin-1")
        writer.write(head)
        await writer.drain()
        body = reply.body() if callable(reply.body) else reply.body
        self.sent[path] = 0
        for piece in body:
            if not piece:
                continue
            writer.write(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            await writer.drain()  # waits while the client does not read: the server never runs ahead
            self.sent[path] += len(piece)
        if reply.hold:
            await reader.read(1)  # until the client hangs up
            return
        if chunked:
            writer.write(b"0\r\n\r\n")
            await writer.drain()


@pytest.fixture
def hostile_hub():
    """A started HostileHub; script it with `route()`. Stopped after the test."""
    servers: list[HostileHub] = []

    def factory() -> HostileHub:
        server = HostileHub().start()
        servers.append(server)
        return server

    yield factory
    for server in servers:
        server.stop()
