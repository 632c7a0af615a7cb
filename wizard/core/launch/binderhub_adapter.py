"""Async client for BinderHub's build API: one build, streamed as plain-text events with phases.

Protocol facts: shared design/binderhub-api.md (§4 headers, §6 framing, §7 who closes, §9 errors,
§15 shutdown). httpx and httpx-sse are imported inside functions so importing this module stays cheap.

`BuildStream.events()` yields `BuildEvent`s — the hub's events with the phase lower-cased (events
without a phase belong to the current phase) and text made safe — plus a `stall` event when nothing
new has arrived for `stall_warning_seconds`. It returns after `ready`, after the first `failed` (the
hub keeps that stream open forever), on a fault, or on the overall timeout; `outcome` then says which.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from itertools import groupby
from operator import attrgetter, itemgetter
from urllib.parse import urlsplit

from wizard.core.common.safe_text import scrub_secrets, strip_control

KEEPALIVE_SECONDS = 25.0
CONNECT_TIMEOUT = 15.0
# The largest single event kept (a whole Dockerfile or a long traceback fits easily); bigger ones end the build
# with a message instead of growing memory without bound.
MAX_EVENT_BYTES = 64 * 1024 * 1024
# Longest message text passed on: enough for any real log line; the rest is cut with a note.
MAX_MESSAGE_CHARS = 64 * 1024

PHASES = ("waiting", "fetching", "building", "pushing", "built", "launching", "ready", "failed", "unknown")


@dataclass(slots=True)  # not frozen: a frozen dataclass costs twice as much to create, 100,000 times a build
class BuildEvent:
    phase: str  # lower-cased; the current phase for events that carry none
    message: str  # control sequences removed, secrets hidden; may be ""
    data: dict = field(default_factory=dict, repr=False)  # the event as sent (ready fields, status_code…)
    kind: str = "event"  # "event" from the hub, or "stall" (our warning that nothing arrived)


_PHASE, _MESSAGE = attrgetter("phase"), attrgetter("message")
_SECOND = itemgetter(1)
_raw_decode = json.JSONDecoder().raw_decode


@dataclass(frozen=True)
class HubProblem:
    """A failure explained for a beginner: what happened and what to do."""

    message: str
    action: str
    status_code: int | None = None

    def __str__(self) -> str:
        return f"{self.message} {self.action}".strip()


@dataclass
class PhaseTiming:
    phase: str
    started: float  # seconds since the request started
    ended: float | None = None

    @property
    def seconds(self) -> float | None:
        return None if self.ended is None else self.ended - self.started


@dataclass
class BuildOutcome:
    result: str  # "ready", "failed" or "cancelled"
    ready: dict | None = None
    problem: HubProblem | None = None
    phases: list[PhaseTiming] = field(default_factory=list)
    rate_limit: dict[str, str] = field(default_factory=dict)
    events: int = 0
    elapsed: float = 0.0


# --- plain-language errors ------------------------------------------------------------------------


def problem_for_status(status_code: int, message: str, headers: dict[str, str] | None = None) -> HubProblem:
    """`status_code` inside a `failed` event (the HTTP status itself is always 200)."""
    text = message.strip()
    headers = headers or {}
    if status_code == 400 and "accept" in text.lower():
        return HubProblem("The hub refused the request: it must ask for an event stream.",
                          "This is a bug in binder-wizard; please report it.", 400)
    if status_code == 400:
        return HubProblem(f"The hub refused the request: {text}", "Check the hub address and the repository.", 400)
    if status_code == 403:
        if "aws" in text.lower() or "google cloud" in text.lower():
            return HubProblem(f"The hub does not accept launches from cloud computers: {text}",
                              "Run binder-wizard from your own computer or network, or use another hub.", 403)
        if "build token" in text.lower():
            return HubProblem("The hub rejected the build token.", "Launch again without a build token.", 403)
        return HubProblem("The hub needs you to log in (it answered Forbidden).",
                          "Create a token on the hub and set it in BINDER_WIZARD_HUB_TOKEN, then try again.", 403)
    if status_code == 409:
        return HubProblem(f"You already have a server running on this hub: {text}",
                          "Stop it from the hub's control panel (or wait for it to stop), then launch again.", 409)
    if status_code == 429:
        return HubProblem("Too many launches from your network in the last hour (the hub's rate limit).",
                          _retry_hint(headers), 429)
    if status_code >= 500:
        return HubProblem("The hub had an internal error while starting your server.",
                          "This is on the hub's side: try again in a few minutes.", status_code)
    return HubProblem(f"The hub reported an error ({status_code}): {text}", "Try again later.", status_code)


def _retry_hint(headers: dict[str, str]) -> str:
    reset = headers.get("x-ratelimit-reset")
    try:
        wait = max(0, int(float(reset)) - int(time.time())) if reset else None
    except ValueError:
        wait = None
    if wait is None:
        return "Wait an hour before launching again; in a workshop, stagger the launches."
    when = time.strftime("%H:%M", time.localtime(time.time() + wait))
    return f"Try again after {when} (in about {max(1, round(wait / 60))} min). Do not retry sooner: each try counts."


def problem_for_failed_event(message: str, headers: dict[str, str] | None = None) -> HubProblem:
    """A `failed` event without status_code: the build itself (or the spec) failed."""
    text = message.strip()
    if text.startswith("No provider found for prefix"):
        return HubProblem(f"This hub does not support that kind of repository: {text}",
                          "Choose another provider, or another hub.")
    if text.startswith("Could not resolve ref"):
        return HubProblem("The hub could not find that branch, tag or commit, or the repository is private.",
                          "Push your commits, check the ref, and make sure the repository is public.")
    if "Too many users" in text:
        return HubProblem(f"The hub is full right now: {text}", "Try again in a few minutes.")
    if text.startswith("Sorry,") and "not allowed to launch" in text:
        return HubProblem(f"This hub does not allow this repository: {text}", "Contact the hub's admins.")
    if text.startswith("Spec is not of the form") or text.startswith("Unsupported git url"):
        return HubProblem(f"The hub did not understand the repository address: {text}",
                          "Check the repository and provider.")
    return HubProblem("The build failed.", "Read the explanation below and the end of the build log.")


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
        return HubProblem(f"Could not connect to the hub at {host} (the connection was refused).",
                          "Check the hub address, and whether the hub is up.")
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


# --- the stream -----------------------------------------------------------------------------------


class _EventTooLarge(Exception):
    pass


def _watch(stream, limit: int, before_read):
    """Wrap the response body: record when bytes last arrived, bound the size of a single event, and call
    `before_read()` each time the SSE parser asks for more bytes — everything parsed so far is then a batch."""
    import httpx

    class WatchedStream(httpx.AsyncByteStream):
        last_byte = 0.0  # body bytes only: keepalive comments count, headers do not

        async def __aiter__(self):
            pending = 0  # bytes since the last blank line (an event boundary), roughly
            chunks = stream.__aiter__()
            while True:
                await before_read()
                try:
                    chunk = await chunks.__anext__()
                except StopAsyncIteration:
                    return
                self.last_byte = time.monotonic()
                boundary = max(chunk.rfind(b"\n\n"), chunk.rfind(b"\r\n\r\n"))
                pending = len(chunk) - boundary if boundary >= 0 else pending + len(chunk)
                if pending > limit:
                    raise _EventTooLarge(pending)
                yield chunk

        async def aclose(self) -> None:
            await stream.aclose()

    return WatchedStream()


# Joins a batch of messages so they are cleaned with one pass of the safety regexes instead of one per
# message. U+E000 (private use) is never stripped; a batch whose messages contain it is cleaned one by one.
_JOIN = "\n\ue000\n"


def messages_by_phase(batch: list[BuildEvent]) -> list[tuple[str, list[str]]]:
    """A batch's hub events as (phase, messages) runs, in order: one run unless the phase changed within
    the batch. Stall warnings are left out. Spares a UI a Python step per event (map/set run at C speed)."""
    events = batch if batch[-1].kind == "event" and batch[0].kind == "event" else \
        [event for event in batch if event.kind == "event"]
    if not events:
        return []
    if len(set(map(_PHASE, events))) == 1:
        return [(events[0].phase, list(map(_MESSAGE, events)))]
    return [(phase, list(map(_MESSAGE, run))) for phase, run in groupby(events, _PHASE)]


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
        self.transport = transport
        self.outcome: BuildOutcome | None = None
        self.phase = "waiting"
        self._timings: list[PhaseTiming] = []
        self._started = 0.0
        self._watched = None
        self._raw_phase: str | None = None

    def _secrets(self) -> tuple[str, ...]:
        return (self.token,) if self.token else ()

    def _clean(self, text: str) -> str:
        if len(text) > MAX_MESSAGE_CHARS:
            text = text[:MAX_MESSAGE_CHARS] + f"… [{len(text) - MAX_MESSAGE_CHARS} more characters not shown]\n"
        return strip_control(scrub_secrets(text, self._secrets()))

    def _clean_all(self, texts: list[str]) -> list[str]:
        """`_clean` for many messages at once; falls back to one by one when a sequence spans messages."""
        if len(texts) < 4 or max(map(len, texts)) > MAX_MESSAGE_CHARS:
            return [self._clean(t) for t in texts]
        # Usually there is nothing to remove: then one check of the messages joined with newlines (often an
        # ASCII string, which the safety checks skip through fast) is enough. A pattern that matches inside
        # one message also matches in the join (same characters; for \b a newline counts like the end of
        # the message), so an unchanged join means every message is clean. Any change: the exact path below.
        plain = "\n".join(texts)
        if strip_control(scrub_secrets(plain, self._secrets())) == plain:
            return texts
        joined = _JOIN.join(texts)
        if joined.count("\ue000") != len(texts) - 1:  # a message holds the separator's character itself
            return [self._clean(t) for t in texts]
        cleaned = strip_control(scrub_secrets(joined, self._secrets())).split(_JOIN)
        if len(cleaned) != len(texts):
            return [self._clean(t) for t in texts]
        return cleaned

    def _batch(self, pending: list[tuple[str, str, dict]]) -> list[BuildEvent]:
        messages = self._clean_all(list(map(_SECOND, pending)))
        batch = [BuildEvent(phase, message, data) for (phase, _, data), message in zip(pending, messages)]
        pending.clear()
        return batch

    def _enter_phase(self, phase: str) -> None:
        if self._timings and self._timings[-1].phase == phase:
            return
        now = time.monotonic() - self._started
        if self._timings:
            self._timings[-1].ended = now
        self._timings.append(PhaseTiming(phase, now))
        self.phase = phase

    def _finish(self, result: str, **kwargs) -> BuildOutcome:
        now = time.monotonic() - self._started
        if self._timings and self._timings[-1].ended is None:
            self._timings[-1].ended = now
        self.outcome = BuildOutcome(result, phases=self._timings, elapsed=now, **kwargs)
        return self.outcome

    def _parse(self, raw: str) -> tuple[str, str, dict]:
        """(phase, raw message, data) of one event; the phase is the current one when the event has none."""
        try:
            data, end = _raw_decode(raw)  # json.loads minus its two whitespace regexes: hubs send none
        except ValueError:
            end = -1
        if end != len(raw):  # whitespace around the JSON, or not JSON: json.loads decides
            try:
                data = json.loads(raw)
            except ValueError:
                data = None
        if not isinstance(data, dict):
            # Not the JSON object the protocol promises: show the text, as BinderHub does with "unknown".
            return self.phase, raw + "\n", {}
        phase = data.get("phase")
        if phase and isinstance(phase, str):
            if phase != self._raw_phase:  # most events repeat the previous phase: skip the normalising
                self._raw_phase = phase
                phase = phase.strip().lower()
                self._enter_phase("failed" if phase == "failure" else phase or self.phase)  # failure: legacy
        message = data.get("message")
        return self.phase, message if isinstance(message, str) else "", data

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
        self._started = time.monotonic()
        queue: asyncio.Queue = asyncio.Queue(maxsize=4)  # batches; the hub waits (TCP) when we are behind
        reader = asyncio.create_task(self._read(queue))
        deadline = None if self.timeout is None else self._started + self.timeout
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
                        self._finish("failed", problem=HubProblem(
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
            reader.cancel()
            try:
                await reader
            except (asyncio.CancelledError, Exception):
                pass
            if self.outcome is None:
                self._finish("cancelled")

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

        headers_seen: dict[str, str] = {}
        count = 0
        pending: list[tuple[str, str, dict]] = []

        async def flush() -> None:
            if pending:
                await queue.put(self._batch(pending))

        try:
            timeout = httpx.Timeout(self.connect_timeout, read=None)
            headers = {"Authorization": f"token {self.token}"} if self.token else {}
            async with httpx.AsyncClient(timeout=timeout, follow_redirects=True, transport=self.transport,
                                         trust_env=False) as client:
                # aconnect_sse sends exactly "Accept: text/event-stream"; httpx keeps it across redirects.
                async with aconnect_sse(client, "GET", self.url, headers=headers) as source:
                    response = source.response
                    headers_seen = {k.lower(): v for k, v in response.headers.items()
                                    if k.lower().startswith("x-ratelimit")}
                    if response.status_code != 200:
                        response.raise_for_status()
                    self._watched = _watch(response.stream, self.max_event_bytes, flush)
                    response.stream = self._watched
                    parse, add = self._parse, pending.append
                    async for sse in source.aiter_sse():
                        data = sse.data
                        if not data or data.isspace():
                            continue
                        add(parse(data))
                        count += 1
                        if self.phase != "ready" and self.phase != "failed" or not pending[-1][2].get("phase"):
                            continue
                        batch = self._batch(pending)
                        await queue.put(batch)
                        last = batch[-1]
                        if self.phase == "ready":
                            await queue.put(self._finish("ready", ready=last.data, rate_limit=headers_seen,
                                                         events=count))
                            return
                        code = last.data.get("status_code")
                        problem = (problem_for_status(code, last.message, headers_seen) if isinstance(code, int)
                                   else problem_for_failed_event(last.message, headers_seen))
                        await queue.put(self._finish("failed", problem=problem, rate_limit=headers_seen,
                                                     events=count))
                        return
            problem = HubProblem("The hub closed the connection before the build finished.",
                                 "Launch again: the hub picks up the same build.")
        except _EventTooLarge as error:
            problem = HubProblem(f"The hub sent a single message of more than {error.args[0] // 2**20} MB.",
                                 "That is not a normal build log; check the hub address.")
        except SSEError:
            problem = HubProblem("That address answered, but not with a BinderHub build stream.",
                                 "Check the hub address (for example https://mybinder.org).")
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - every fault becomes a message; unknown ones re-raise
            try:
                problem = problem_for_exception(error, self.url)
            except Exception:
                problem = HubProblem(f"Unexpected error: {self._clean(f'{type(error).__name__}: {error}')}",
                                     "Please report this to binder-wizard's authors.")
        await flush()
        await queue.put(self._finish("failed", problem=problem, rate_limit=headers_seen, events=count))


async def shutdown_server(ready: dict, token: str | None = None, transport=None) -> HubProblem | None:
    """End a launched session at once (`POST {url}api/shutdown`) so it holds no slot. None when it worked."""
    import httpx

    url, server_token = ready.get("url"), token or ready.get("token")
    if not isinstance(url, str) or not url:
        return HubProblem("The hub did not say where the server is, so it cannot be stopped.", "")
    endpoint = url.rstrip("/") + "/api/shutdown"
    try:
        async with httpx.AsyncClient(timeout=httpx.Timeout(15.0), transport=transport, trust_env=False) as client:
            response = await client.post(endpoint, headers={"Authorization": f"token {server_token}"})
    except httpx.HTTPError as error:
        return problem_for_exception(error, url)
    if response.status_code >= 400:
        return HubProblem(f"Stopping the server failed (HTTP {response.status_code}).",
                          "It stops by itself after 10 idle minutes.", response.status_code)
    return None
