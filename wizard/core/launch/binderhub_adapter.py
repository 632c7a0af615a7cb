"""Async client for BinderHub's build API: one build, streamed as plain-text events with phases.

Only the network lives here; the events, phases, outcome and plain-language problems are
`build_events`. Protocol facts: shared design/binderhub-api.md (§4 headers, §6 framing, §7 who closes,
§9 errors, §15 shutdown). httpx and httpx-sse are imported inside functions so importing this module
stays cheap.

`BuildStream.events()` yields `BuildEvent`s — the hub's events with the phase lower-cased (events
without a phase belong to the current phase) and text made safe — plus a `stall` event when nothing
new has arrived for `stall_warning_seconds`. It returns after `ready`, after the first `failed` (the
hub keeps that stream open forever), on a fault, or on the overall timeout; `outcome` then says which.

The hub is untrusted (README, "launch"): its body is inflated here in bounded steps and cut at
MAX_EVENT_BYTES per event and MAX_STREAM_BYTES in all, redirect bodies are never read, and a `ready`
whose links are not http(s) is a failed launch (`build_events.checked_ready`).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

from wizard.core.common.safe_text import safe_text, scrub_secrets, strip_control
from wizard.core.launch.build_events import (BuildEvent, BuildOutcome, EventReader, HubProblem, checked_ready,
                                             problem_for_failed_event, problem_for_status)

KEEPALIVE_SECONDS = 25.0
CONNECT_TIMEOUT = 15.0
# Bounds against any server (README, "launch"): what a hub sends is counted after decompression, so a
# compressed "bomb" is cut like any other flood. Bigger ends the build with a message; memory stays bounded.
# The largest single event (a whole Dockerfile or a long traceback fits easily; a 300,000-line log is ~50 MB):
MAX_EVENT_BYTES = 32 * 2**20
MAX_STREAM_BYTES = 256 * 2**20  # the whole stream
INFLATE_STEP = 64 * 1024  # a compressed body is inflated at most this much at a time
MAX_REDIRECTS = 5
# Response headers: httpcore refuses more than 100 KB (h11's max_incomplete_event_size); we say so plainly.
MAX_HEADER_BYTES = 100 * 1024


def problem_for_exception(error: BaseException, hub_url: str) -> HubProblem:
    """Connection, DNS, TLS and HTTP faults in words a beginner can act on."""
    import httpx

    host = urlsplit(hub_url).hostname or hub_url
    text = str(error)
    if isinstance(error, httpx.ConnectTimeout):
        return HubProblem(f"The hub at {host} did not answer within {CONNECT_TIMEOUT:.0f} s.",
                          "Check your internet connection and the hub address, then try again.")
    if isinstance(error, httpx.ConnectError):
        if re.search(r"Name or service not known|nodename nor servname|getaddrinfo|name resolution|No address "
                     r"associated|Errno -[235]\b|Errno 11001", text):
            return HubProblem(f"Could not find the hub {host}: the name does not exist or there is no internet.",
                              "Check the spelling of the hub address and your internet connection.")
        if "CERTIFICATE" in text.upper() or "SSL" in text.upper():
            return HubProblem(f"The secure connection to {host} failed: its certificate was not accepted.",
                              "Check the hub address; on a company network, ask IT about HTTPS inspection.")
        return HubProblem(f"Could not connect to the hub at {host} port {_port(hub_url)} (the connection was "
                          "refused: nothing answers there).", "Check the hub address and its port, and whether "
                          "the hub is up.")
    if isinstance(error, httpx.RemoteProtocolError) and "Receive buffer too long" in text:
        return HubProblem(f"{host} sent more than {MAX_HEADER_BYTES // 1024} KB of headers: that is not a BinderHub.",
                          "Check the hub address (for example https://mybinder.org).")
    if isinstance(error, (httpx.RemoteProtocolError, httpx.LocalProtocolError)) and "header" in text.lower():
        return HubProblem(f"{host} answered with malformed headers: that is not a BinderHub.",
                          "Check the hub address (for example https://mybinder.org).")
    if isinstance(error, httpx.TooManyRedirects):
        return HubProblem(f"{host} redirected more than {MAX_REDIRECTS} times.",
                          "Check the hub address (for example https://mybinder.org).")
    if isinstance(error, (httpx.RemoteProtocolError, httpx.ReadError)):
        return HubProblem("The connection to the hub broke in the middle of the build.",
                          "Launch again: the hub picks up the same build where it is.")
    if isinstance(error, httpx.TimeoutException):
        return HubProblem("The hub stopped answering.", "Launch again; the build continues on the hub.")
    if isinstance(error, httpx.HTTPStatusError):
        return HubProblem(f"{host} answered HTTP {error.response.status_code}: it does not look like a BinderHub.",
                          "Check the hub address (for example https://mybinder.org).")
    if isinstance(error, httpx.HTTPError):
        return HubProblem(f"Talking to the hub failed: {strip_control(scrub_secrets(text))}",
                          "Check the hub address and your connection, then try again.")
    raise error


def _port(url: str) -> int | str:
    """The port a connection to `url` goes to: the one written, else the scheme's."""
    try:
        parts = urlsplit(url)
        return parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return "?"


# --- the stream -----------------------------------------------------------------------------------


class _Refused(Exception):
    """The hub's answer broke a bound or cannot be read: ends the build with `problem`."""

    def __init__(self, problem: HubProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _too_much(what: str, limit: int) -> _Refused:
    return _Refused(HubProblem(f"The hub sent {what} of more than {limit // 2**20} MB, so binder-wizard stopped "
                               "reading.", "That is not a normal build log; check the hub address."))


class _Inflater:
    """gzip/deflate decoded at most INFLATE_STEP bytes at a time, whatever the compression ratio (httpx's own
    decoder inflates a whole network read at once: 64 KB of a gzip bomb become 64 MB)."""

    def __init__(self, encoding: str) -> None:
        import zlib

        self._zlib = zlib
        self._wbits = 16 + zlib.MAX_WBITS if encoding in ("gzip", "x-gzip") else 32 + zlib.MAX_WBITS
        self._inflate = zlib.decompressobj(self._wbits)

    def feed(self, data: bytes):
        try:
            while data:
                piece = self._inflate.decompress(data, INFLATE_STEP)
                rest = self._inflate.unconsumed_tail
                if self._inflate.eof:  # the next gzip member, if any
                    rest = self._inflate.unused_data + rest
                    self._inflate = self._zlib.decompressobj(self._wbits)
                if piece:
                    yield piece
                elif rest == data:
                    return
                data = rest
        except self._zlib.error:
            raise _Refused(HubProblem("The hub's answer was compressed, but not readably.",
                                      "Check the hub address (for example https://mybinder.org).")) from None


def _decoding(response) -> _Inflater | None:
    """Take over the response's Content-Encoding: httpx would inflate it without a bound."""
    encodings = [e.strip().lower() for e in response.headers.get_list("content-encoding", split_commas=True)]
    encodings = [e for e in encodings if e and e != "identity"]
    if "content-encoding" in response.headers:
        del response.headers["content-encoding"]  # httpx passes the bytes through; we decode them
    if not encodings:
        return None
    if len(encodings) > 1 or encodings[0] not in ("gzip", "x-gzip", "deflate"):
        raise _Refused(HubProblem(f"The hub compressed its answer in a way binder-wizard does not read "
                                  f"({safe_text(', '.join(encodings))[:60]}).",
                                  "Check the hub address (for example https://mybinder.org)."))
    return _Inflater(encodings[0])


def _watch(stream, limit: int, total_limit: int, before_read, inflater: _Inflater | None = None):
    """Wrap the response body: inflate it in bounded steps, record when bytes last arrived, bound the size of
    a single event and of the whole stream, and call `before_read()` each time the SSE parser asks for more
    bytes — everything parsed so far is then a batch."""
    import httpx

    class WatchedStream(httpx.AsyncByteStream):
        last_byte = 0.0  # body bytes only: keepalive comments count, headers do not

        async def __aiter__(self):
            pending = 0  # bytes since the last blank line (an event boundary), roughly
            total = 0
            chunks = stream.__aiter__()
            while True:
                await before_read()
                try:
                    raw = await chunks.__anext__()
                except StopAsyncIteration:
                    return
                self.last_byte = time.monotonic()
                for chunk in (raw,) if inflater is None else inflater.feed(raw):
                    total += len(chunk)
                    if total > total_limit:
                        raise _too_much("a build log", total_limit)
                    boundary = max(chunk.rfind(b"\n\n"), chunk.rfind(b"\r\n\r\n"))
                    pending = len(chunk) - boundary if boundary >= 0 else pending + len(chunk)
                    if pending > limit:
                        raise _too_much("a single message", limit)
                    yield chunk
                    await before_read()  # a compressed read can hold many events: hand them on first

        async def aclose(self) -> None:
            await stream.aclose()

    return WatchedStream()


async def _no_redirect_body(response) -> None:
    """httpx reads (and inflates, unbounded) a redirect's whole body before following it: give it none."""
    import httpx

    if response.has_redirect_location:
        original, response.stream = response.stream, httpx.ByteStream(b"")
        if "content-encoding" in response.headers:
            del response.headers["content-encoding"]
        await original.aclose()


def hub_token_from_env() -> str | None:
    import os

    return os.environ.get("BINDER_WIZARD_HUB_TOKEN") or None


class BuildStream:
    """One build request. Iterate `events()` once; read `outcome` afterwards."""

    def __init__(
        self,
        hub_url: str,
        provider: str,
        spec: str,
        *,
        token: str | None = None,
        stall_warning_seconds: float = 60.0,
        timeout: float | None = None,
        connect_timeout: float = CONNECT_TIMEOUT,
        max_event_bytes: int = MAX_EVENT_BYTES,
        max_stream_bytes: int = MAX_STREAM_BYTES,
        transport=None,
    ) -> None:
        from wizard.core.launch.links import hub_base

        self.hub_url = hub_base(hub_url)
        self.url = f"{self.hub_url}build/{provider}/{spec}"
        self.token = token
        self.stall_warning_seconds = stall_warning_seconds
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.max_event_bytes = max_event_bytes
        self.max_stream_bytes = max_stream_bytes
        self.transport = transport
        self.reader = EventReader((token,) if token else ())
        self._watched = None

    @property
    def outcome(self) -> BuildOutcome | None:
        return self.reader.outcome

    @property
    def phase(self) -> str:
        return self.reader.phase

    async def events(self) -> AsyncIterator[BuildEvent]:
        """Yield events until the build is ready, failed, broke, timed out or the caller stops iterating."""
        batches = self.batches()
        try:
            async for batch in batches:
                for event in batch:
                    yield event
        finally:
            await batches.aclose()  # closes the connection now, not whenever the generator is collected

    async def batches(self) -> AsyncIterator[list[BuildEvent]]:
        """Like `events()`, in batches (everything that arrived together): for UIs that draw per batch.
        A stall warning comes in a batch of its own."""
        self.reader.start()
        queue: asyncio.Queue = asyncio.Queue(maxsize=4)  # batches; the hub waits (TCP) when we are behind
        reading = asyncio.create_task(self._read(queue))
        deadline = None if self.timeout is None else self.reader.started + self.timeout
        last_news = time.monotonic()
        warned_at = None
        try:
            while True:
                now = time.monotonic()
                waits = [last_news + self.stall_warning_seconds - now if warned_at is None
                         else warned_at + self.stall_warning_seconds - now]
                if deadline is not None:
                    waits.append(deadline - now)
                try:
                    # Fast path without a timer task per event: most events are already queued.
                    item = queue.get_nowait() if not queue.empty() else \
                        await asyncio.wait_for(queue.get(), timeout=max(0.0, min(waits)))
                except TimeoutError:
                    now = time.monotonic()
                    if deadline is not None and now >= deadline:
                        self.reader.finish("failed", problem=HubProblem(
                            f"Gave up after {self.timeout:g} s without the build finishing.",
                            "The build may still be running on the hub: launch again to follow it, "
                            "or allow more time with --timeout."))
                        return
                    warned_at = now
                    yield [BuildEvent(self.phase, self._stall_message(last_news), {}, kind="stall")]
                    continue
                if isinstance(item, BuildOutcome):
                    return
                last_news, warned_at = time.monotonic(), None
                yield item
        finally:
            reading.cancel()
            try:
                await reading
            except (asyncio.CancelledError, Exception):
                pass
            if self.outcome is None:
                self.reader.finish("cancelled")

    def _stall_message(self, last_news: float) -> str:
        silent = time.monotonic() - last_news
        took = f"{silent:.0f} s" if silent >= 10 else f"{silent:.1f} s"
        if self._watched is not None and self._watched.last_byte > last_news:  # keepalives still arrive
            return (f"No build output for {took}, but the hub is still connected: big installs "
                    "can be quiet for minutes. Keep waiting, or cancel.")
        return (f"Nothing received from the hub for {took}. The hub may be busy or the connection "
                "lost; keep waiting, or cancel and launch again.")

    async def _read(self, queue: asyncio.Queue) -> None:
        """The reader task: puts BuildEvents on the queue, then a BuildOutcome (always, even on errors)."""
        import httpx
        from httpx_sse import SSEError, aconnect_sse

        reader = self.reader
        headers_seen: dict[str, str] = {}
        count = 0
        ended: BuildOutcome | None = None
        pending: list[tuple[str, str, dict]] = []

        async def flush() -> None:
            if pending:
                await queue.put(reader.batch(pending))

        try:
            timeout = httpx.Timeout(self.connect_timeout, read=None)
            # identity: a well-behaved hub sends the log as is; one that compresses anyway is inflated in bounds.
            headers = {"Accept-Encoding": "identity"}
            if self.token:
                headers["Authorization"] = f"token {self.token}"
            async with httpx.AsyncClient(timeout=timeout, follow_redirects=True, transport=self.transport,
                                         trust_env=False, max_redirects=MAX_REDIRECTS,
                                         event_hooks={"response": [_no_redirect_body]}) as client:
                # aconnect_sse sends exactly "Accept: text/event-stream"; httpx keeps it across redirects.
                async with aconnect_sse(client, "GET", self.url, headers=headers) as source:
                    response = source.response
                    headers_seen = _rate_limit_headers(response.headers)
                    if response.status_code != 200:
                        response.raise_for_status()
                    self._watched = _watch(response.stream, self.max_event_bytes, self.max_stream_bytes, flush,
                                           _decoding(response))
                    response.stream = self._watched
                    parse, add = reader.parse, pending.append
                    async for sse in source.aiter_sse():
                        data = sse.data
                        if not data or data.isspace():
                            continue
                        add(parse(data))
                        count += 1
                        if reader.phase != "ready" and reader.phase != "failed" or not pending[-1][2].get("phase"):
                            continue
                        batch = reader.batch(pending)
                        await queue.put(batch)
                        ended = _final_outcome(reader, batch[-1], headers_seen, count)
                        break
            problem = HubProblem("The hub closed the connection before the build finished.",
                                 "Launch again: the hub picks up the same build.")
        except _Refused as error:
            problem = error.problem
        except SSEError:
            problem = HubProblem("That address answered, but not with a BinderHub build stream.",
                                 "Check the hub address (for example https://mybinder.org).")
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - every fault becomes a message; unknown ones re-raise
            try:
                problem = problem_for_exception(error, self.url)
            except Exception:
                problem = HubProblem(f"Unexpected error: {reader.clean(f'{type(error).__name__}: {error}')}",
                                     "Please report this to binder-wizard's authors.")
        # Only now, with the connection closed, may the consumer hear the end: it cancels this task then,
        # and a cancel landing in httpx's close would leave the socket open (the hub holds a failed build's
        # stream forever) until the garbage collector happens to close it. A fault while closing changes
        # nothing: the build had already ended.
        if ended is None:
            await flush()
            ended = reader.finish("failed", problem=problem, rate_limit=headers_seen, events=count)
        await queue.put(ended)


def _final_outcome(reader: EventReader, last: BuildEvent, headers_seen: dict[str, str], count: int) -> BuildOutcome:
    """The outcome a `ready` or `failed` event ends the build with."""
    if reader.phase == "ready":
        ready, problem = checked_ready(last.data)
        return reader.finish("failed", problem=problem, rate_limit=headers_seen, events=count) if problem else \
            reader.finish("ready", ready=ready, rate_limit=headers_seen, events=count)
    code = last.data.get("status_code")
    problem = (problem_for_status(code, last.message, headers_seen)
               if isinstance(code, int) and not isinstance(code, bool) and 100 <= code <= 999
               else problem_for_failed_event(last.message, headers_seen))
    return reader.finish("failed", problem=problem, rate_limit=headers_seen, events=count)


def _rate_limit_headers(headers) -> dict[str, str]:
    """The three X-Ratelimit-* headers BinderHub sends (api.md §4), values made safe and short."""
    return {name: strip_control(headers[name])[:64] for name in ("x-ratelimit-remaining", "x-ratelimit-reset",
                                                                  "x-ratelimit-limit") if name in headers}


async def shutdown_server(ready: dict, token: str | None = None, transport=None) -> HubProblem | None:
    """End a launched session at once (`POST {url}api/shutdown`) so it holds no slot. None when it worked."""
    import httpx

    from wizard.core.launch.links import web_url

    url, server_token = web_url(ready.get("url")), token or ready.get("token")
    if url is None:
        return HubProblem("The hub did not say where the server is, so it cannot be stopped.", "")
    endpoint = url.rstrip("/") + "/api/shutdown"
    try:
        async with httpx.AsyncClient(timeout=httpx.Timeout(15.0), transport=transport, trust_env=False) as client:
            # Only the status matters: the body is never read (a hostile server could send anything).
            async with client.stream("POST", endpoint, headers={"Authorization": f"token {server_token}",
                                                                "Accept-Encoding": "identity"}) as response:
                status = response.status_code
    except httpx.HTTPError as error:
        return problem_for_exception(error, url)
    if status >= 400:
        return HubProblem(f"Stopping the server failed (HTTP {status}).",
                          "It stops by itself after 10 idle minutes.", status)
    return None
