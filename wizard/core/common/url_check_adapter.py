"""Asking a web server about a file: does the URL answer, how big is the file, and (only when the user agrees
to a download) what are its bytes.

`check_url` sends HEAD; when the server refuses HEAD or does not say the size, a GET of the first byte
(`Range: bytes=0-0`), whose Content-Range names the whole size. `check_urls` checks many at once (8 at a
time). `remote_digest` downloads the file to hash it, reading no more than the caller allows.

Bounded like every talk with the outside (the project's files name these servers, so they are untrusted):
* time: each check ends within its `timeout` (redirects included) even when a server trickles bytes, because
  it runs in a daemon thread the caller stops waiting for;
* bytes: at most `MAX_PROBE_BYTES` of a GET that ignores the range; `remote_digest` stops past `max_bytes`;
  no compression (`Accept-Encoding: identity`), so what is read is what is counted;
* redirects: at most `MAX_REDIRECTS`, their bodies never read, only to http(s), and a loop is named as such;
* nothing from the environment (`trust_env=False`): no .netrc password goes to a host a notebook names.
Server text is never shown: problems are worded from the status code and the error type. httpx is
imported inside the functions.
"""

from __future__ import annotations

import hashlib
import queue
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

DEFAULT_TIMEOUT = 10.0
MAX_REDIRECTS = 5
MAX_PROBE_BYTES = 64 * 1024
PARALLEL = 8
_HEADERS = {"User-Agent": "binder-wizard (checking a data URL)", "Accept-Encoding": "identity", "Accept": "*/*"}


@dataclass(frozen=True)
class UrlCheck:
    url: str
    ok: bool
    status: int | None = None  # the last HTTP status (after redirects)
    size: int | None = None  # bytes, when the server says
    final_url: str | None = None  # where the redirects ended
    problem: str | None = None  # plain words: "the server answered 404 (Not Found)"
    kind: str | None = None  # "status" | "dns" | "tls" | "timeout" | "redirects" | "connection" | "invalid"
    seconds: float = 0.0


@dataclass(frozen=True)
class RemoteBytes:
    digest: str | None  # sha256 hex of the whole file; None when it could not be read to the end
    size: int | None  # bytes read (None: nothing)
    problem: str | None = None


class _Stop(Exception):
    def __init__(self, problem: str, kind: str, status: int | None = None) -> None:
        super().__init__(problem)
        self.problem, self.kind, self.status = problem, kind, status


def check_url(url: str, *, timeout: float = DEFAULT_TIMEOUT, transport=None) -> UrlCheck:
    """What the server at `url` says about it, within `timeout` seconds."""
    return check_urls([url], timeout=timeout, transport=transport)[url]


def check_urls(urls: Iterable[str], *, timeout: float = DEFAULT_TIMEOUT, parallel: int = PARALLEL,
               transport=None) -> dict[str, UrlCheck]:
    """{url: UrlCheck} for every URL, `parallel` at a time; each one ends within `timeout` seconds of its start."""
    pending = list(dict.fromkeys(urls))
    order = list(pending)
    done: queue.Queue[tuple[str, UrlCheck]] = queue.Queue()
    results: dict[str, UrlCheck] = {}
    running: dict[str, float] = {}  # url -> deadline

    def work(one: str) -> None:
        done.put((one, _check(one, timeout, transport)))

    while pending or running:
        while pending and len(running) < max(1, parallel):
            one = pending.pop(0)
            running[one] = time.monotonic() + timeout + 0.5  # a little slack for the check's own ending
            threading.Thread(target=work, args=(one,), name="url-check", daemon=True).start()
        nearest = min(running, key=running.__getitem__)
        try:
            one, result = done.get(timeout=max(0.0, running[nearest] - time.monotonic()))
        except queue.Empty:  # the thread goes on in the background; its answer is no longer wanted
            running.pop(nearest)
            results[nearest] = UrlCheck(nearest, False, problem=f"no complete answer within {timeout:g} s",
                                        kind="timeout", seconds=timeout)
            continue
        if one in running:
            running.pop(one)
            results[one] = result
    return {url: results[url] for url in order}


def _client(timeout: float, transport):
    import httpx

    return httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=False, trust_env=False,
                        transport=transport, headers=_HEADERS)


def _check(url: str, timeout: float, transport) -> UrlCheck:
    started = time.monotonic()
    deadline = started + timeout
    status = None
    try:
        with _client(timeout, transport) as client:
            status, headers, final = _request(client, "HEAD", url, deadline)
            size = _length(headers) if 200 <= status < 300 else None
            if not 200 <= status < 300 or size is None:  # HEAD refused (405, 403 on S3 links...) or no size
                status, headers, final = _request(client, "GET", url, deadline, {"Range": "bytes=0-0"})
                size = _range_total(headers) if status == 206 else _length(headers) if status == 200 else None
    except _Stop as stop:
        return UrlCheck(url, False, stop.status or status, problem=stop.problem, kind=stop.kind,
                        seconds=time.monotonic() - started)
    except Exception as error:  # noqa: BLE001 - every failure to fetch becomes words, never a traceback
        problem, kind = _explain(error, url, timeout)
        return UrlCheck(url, False, status, problem=problem, kind=kind, seconds=time.monotonic() - started)
    elapsed = time.monotonic() - started
    if 200 <= status < 300:
        return UrlCheck(url, True, status, size, final, seconds=elapsed)
    return UrlCheck(url, False, status, None, final, problem=f"the server answered {_status_words(status)}",
                    kind="status", seconds=elapsed)


def _request(client, method: str, url: str, deadline: float, extra: dict | None = None,
             sink=None) -> tuple[int, dict, str]:
    """(status, headers, final URL) after following redirects by hand: their bodies are never read, a loop
    is recognised, and only http(s) is followed. A GET's body goes to `sink(chunk)` (else at most
    MAX_PROBE_BYTES are read)."""
    from urllib.parse import urljoin, urlsplit

    visited = {url}
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _Stop("no complete answer in time", "timeout")
        with client.stream(method, current, headers=extra or {}, timeout=remaining) as response:
            status = response.status_code
            location = response.headers.get("location")
            if status in (301, 302, 303, 307, 308) and location:
                target = urljoin(str(response.url), location.strip())
                if urlsplit(target).scheme.lower() not in ("http", "https"):
                    raise _Stop("it redirects to an address that is not http(s)", "redirects", status)
                if target in visited:
                    raise _Stop("its redirects go round in a loop", "redirects", status)
                visited.add(target)
                current = target
                continue
            if method == "GET" and 200 <= status < 300:
                read = 0
                for chunk in response.iter_raw():
                    read += len(chunk)
                    if sink is not None:
                        sink(chunk)
                    elif read >= MAX_PROBE_BYTES:
                        break
                    if time.monotonic() > deadline:
                        raise _Stop("the download did not finish in time", "timeout", status)
            return status, dict(response.headers), str(response.url)
    raise _Stop(f"it redirects more than {MAX_REDIRECTS} times", "redirects")


def _length(headers: dict) -> int | None:
    value = headers.get("content-length", "")
    return int(value) if value.isdigit() and len(value) < 19 else None


def _range_total(headers: dict) -> int | None:
    total = headers.get("content-range", "").rpartition("/")[2].strip()  # "bytes 0-0/12345"
    return int(total) if total.isdigit() and len(total) < 19 else None


def _status_words(status: int) -> str:
    from http import HTTPStatus

    try:
        return f"{status} ({HTTPStatus(status).phrase})"
    except ValueError:
        return str(status)


def _explain(error: BaseException, url: str, timeout: float) -> tuple[str, str]:
    """Plain words and a kind for a failure to fetch (the server's own text is never quoted)."""
    import ssl
    import socket

    import httpx

    chain = []
    seen: BaseException | None = error
    while seen is not None and len(chain) < 10:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    text = " ".join(str(e) for e in chain).lower()
    if isinstance(error, httpx.TimeoutException):
        return f"no answer within {timeout:g} s", "timeout"
    if isinstance(error, (httpx.UnsupportedProtocol, httpx.InvalidURL, ValueError)):
        return "it is not a valid http(s) address", "invalid"
    if any(isinstance(e, ssl.SSLError) for e in chain) or "certificate" in text:
        return "its HTTPS certificate cannot be trusted (TLS), so no browser or build would accept it", "tls"
    if any(isinstance(e, socket.gaierror) for e in chain) or "name or service not known" in text \
            or "nodename nor servname" in text or "name resolution" in text or "getaddrinfo" in text:
        from urllib.parse import urlsplit

        host = urlsplit(url).hostname or "its host"
        return f"the host name {host} does not exist (DNS)", "dns"
    if any(isinstance(e, ConnectionRefusedError) for e in chain) or "refused" in text:
        return "the server refused the connection", "connection"
    if isinstance(error, httpx.RemoteProtocolError):
        return "the server's answer is not valid HTTP", "connection"
    if isinstance(error, (httpx.TransportError, OSError)):
        return "the connection failed", "connection"
    return f"it could not be fetched ({type(error).__name__})", "connection"


def remote_digest(url: str, *, max_bytes: int, timeout: float, transport=None) -> RemoteBytes:
    """The sha256 of the file at `url`, reading at most `max_bytes` (more is "bigger than expected") within
    `timeout` seconds."""
    box: queue.Queue[RemoteBytes] = queue.Queue()

    def work() -> None:
        box.put(_digest(url, max_bytes, timeout, transport))

    threading.Thread(target=work, name="url-digest", daemon=True).start()
    try:
        return box.get(timeout=timeout + 0.5)
    except queue.Empty:
        return RemoteBytes(None, None, f"the download did not finish within {timeout:g} s")


def _digest(url: str, max_bytes: int, timeout: float, transport) -> RemoteBytes:
    digest = hashlib.sha256()
    count = [0]

    def sink(chunk: bytes) -> None:
        count[0] += len(chunk)
        if count[0] > max_bytes:
            raise _Stop(f"it is bigger than {max_bytes:,} bytes", "size")
        digest.update(chunk)

    try:
        with _client(timeout, transport) as client:
            status, _, _ = _request(client, "GET", url, time.monotonic() + timeout, sink=sink)
    except _Stop as stop:
        return RemoteBytes(None, count[0] or None, stop.problem)
    except Exception as error:  # noqa: BLE001
        return RemoteBytes(None, count[0] or None, _explain(error, url, timeout)[0])
    if not 200 <= status < 300:
        return RemoteBytes(None, None, f"the server answered {_status_words(status)}")
    return RemoteBytes(digest.hexdigest(), count[0])
