"""Warm a federated hub: build the image on every member at the same time and stop each server at once.

On mybinder.org a build lands on one member, so one launch warms one member; here each member's
`/build` is asked directly, in parallel, with the launch client (`binderhub_adapter.BuildStream`, all its
bounds) and `--warm-cache`'s `shutdown_server` (a warm-up must not hold a quota slot).

Rate limits (binderhub-api.md §9, §17): a 429 is never retried at once. When the hub's
`X-Ratelimit-Reset` is within `rate_limit_wait` seconds the member waits for it and tries once more;
otherwise it stops and says when to try again.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from wizard.core.launch.build_events import HubProblem
from wizard.core.launch.links import Target
from wizard.core.launch.workshop.federation_adapter import Member

RATE_LIMIT_WAIT = 90.0  # seconds worth waiting for a member's rate limit to reset before giving up on it
MAX_BELIEVABLE_RESET = 86_400.0

# on_progress(member, phase, message): phase changes, and notes such as "rate limited: waiting 40 s".
Progress = Callable[[Member, str, str], None]


@dataclass
class WarmResult:
    member: Member
    result: str  # "warm", "failed", "rate-limited" or "cancelled"
    seconds: float
    already_built: bool | None = None  # True: "Found built image"; False: built now; None: not seen
    stopped: bool | None = None  # the warm-up server was stopped (None: none was started)
    problem: HubProblem | None = None
    retry_at: float | None = None  # epoch seconds: when a rate-limited member may be asked again

    @property
    def warm(self) -> bool:
        return self.result == "warm"

    def as_json(self) -> dict:
        return {"name": self.member.name, "url": self.member.url, "result": self.result,
                "seconds": round(self.seconds, 1), "already_built": self.already_built, "stopped": self.stopped,
                "error": str(self.problem) if self.problem else None,
                "retry_at": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(self.retry_at))
                if self.retry_at is not None else None}


def reset_in(rate_limit: dict[str, str], now: float | None = None) -> float | None:
    """Seconds until the hub's rate limit resets (X-Ratelimit-Reset, epoch seconds); None when not believable."""
    raw = rate_limit.get("x-ratelimit-reset")
    try:
        reset = float(raw) if raw else None
    except ValueError:
        return None
    if reset is None or not math.isfinite(reset):
        return None
    wait = reset - (time.time() if now is None else now)
    return max(0.0, wait) if wait <= MAX_BELIEVABLE_RESET else None


def _built_state(message: str) -> bool | None:
    text = message.strip()
    if text.startswith(("Found built image", "Done! Found built image")):
        return True
    if text.startswith(("Built image", "Done! Image built")):
        return False
    return None


async def _build_once(member: Member, target: Target, token: str | None, on_progress: Progress | None,
                      transport, stall_warning_seconds: float):
    from wizard.core.launch.binderhub_adapter import BuildStream

    stream = BuildStream(member.url, target.provider, target.spec, token=token, transport=transport,
                         stall_warning_seconds=stall_warning_seconds)
    already, phase = None, None
    async for event in stream.events():
        if event.kind == "stall":
            if on_progress:
                on_progress(member, phase or "waiting", event.message)
            continue
        state = _built_state(event.message) if event.phase in ("built", "ready") else None
        already = state if state is not None and already is None else already
        if event.phase != phase:
            phase = event.phase
            if on_progress:
                on_progress(member, phase, event.message.strip())
    return stream.outcome, already


async def warm_member(member: Member, target: Target, *, token: str | None = None,
                      on_progress: Progress | None = None, transport=None,
                      rate_limit_wait: float = RATE_LIMIT_WAIT, stall_warning_seconds: float = 60.0) -> WarmResult:
    """Build `target` on `member` and stop the server it starts. Waits out one short rate limit."""
    from wizard.core.launch.binderhub_adapter import shutdown_server

    started = time.monotonic()
    waited = False
    while True:
        outcome, already = await _build_once(member, target, token, on_progress, transport, stall_warning_seconds)
        problem = outcome.problem if outcome is not None else None
        if outcome is not None and outcome.result == "ready":
            stop = await shutdown_server(outcome.ready or {}, token, transport=transport)
            if stop is not None and on_progress:
                on_progress(member, "ready", f"the warm-up server was not stopped ({stop.message}); it stops "
                                             "by itself after 10 idle minutes")
            return WarmResult(member, "warm", time.monotonic() - started, already, stop is None)
        if problem is not None and problem.status_code == 429:
            wait = reset_in(outcome.rate_limit)
            if wait is not None and wait <= rate_limit_wait and not waited:
                waited = True
                if on_progress:
                    on_progress(member, "waiting", f"rate limited: waiting {math.ceil(wait)} s for the hub's "
                                                   "limit to reset, then one more try")
                await asyncio.sleep(wait + 0.2)
                continue
            retry_at = time.time() + wait if wait is not None else None
            return WarmResult(member, "rate-limited", time.monotonic() - started, problem=problem, retry_at=retry_at)
        result = "cancelled" if outcome is None or outcome.result == "cancelled" else "failed"
        return WarmResult(member, result, time.monotonic() - started, already, problem=problem)


def token_goes_to(hub: str | None, member: Member) -> bool:
    """Whether the user's hub token may be sent to `member`: always for members the user named (`hub` None);
    for members a hub listed, only on the hub's own host or below it (gesis.mybinder.org for mybinder.org).
    A member list is the hub's answer, and it could name any host."""
    if hub is None:
        return True
    from urllib.parse import urlsplit

    hub_host, host = urlsplit(hub).hostname or "", urlsplit(member.url).hostname or ""
    return bool(hub_host) and (host == hub_host or host.endswith("." + hub_host))


async def warm_all(members: list[Member], target: Target, *, token: str | None = None, hub: str | None = None,
                   on_progress: Progress | None = None, on_done: Callable[[WarmResult], None] | None = None,
                   transport=None, rate_limit_wait: float = RATE_LIMIT_WAIT) -> list[WarmResult]:
    """Warm every member at the same time; results in the members' order (`on_done` as each finishes).
    `hub`: the hub that listed the members (the token goes only where `token_goes_to` says)."""

    async def one(member: Member) -> WarmResult:
        result = await warm_member(member, target, token=token if token_goes_to(hub, member) else None,
                                   on_progress=on_progress, transport=transport, rate_limit_wait=rate_limit_wait)
        if on_done:
            on_done(result)
        return result

    return list(await asyncio.gather(*(one(member) for member in members)))
