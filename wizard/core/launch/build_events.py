"""One BinderHub build's events, without the network: the event model, phases and their timings, the
outcome, failures in plain words, and message cleaning (control sequences removed, secrets hidden).

`binderhub_adapter` reads the stream and hands each event's text to an `EventReader`; the UI and the
headless command use the values defined here. Protocol facts: shared design/binderhub-api.md (§8 events,
§9 errors, §10 phase order).
"""

from __future__ import annotations

import json
import math
import re
import time
from dataclasses import dataclass, field
from itertools import groupby
from operator import attrgetter, itemgetter

from wizard.core.common.errors import UserError
from wizard.core.common.safe_text import scrub_secrets, strip_control

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


class HubProblem(UserError):
    """Why a build did not reach `ready`, for a beginner: `message`, `next_action`, and the status code
    the hub put in its `failed` event, if any."""

    def __init__(self, message: str, next_action: str = "", status_code: int | None = None) -> None:
        super().__init__(message, next_action)
        self.status_code = status_code

    def __str__(self) -> str:
        # One line: the `launch --format json` "error" field (a contract) is this text.
        return f"{self.message} {self.next_action}".strip()

    def as_dict(self) -> dict:
        """As saved in a build log's summary (its keys predate `next_action`; saved logs keep them)."""
        return {"message": self.message, "action": self.next_action, "status_code": self.status_code}


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
                          _retry_hint(headers, text), 429)
    if status_code >= 500:
        return HubProblem("The hub had an internal error while starting your server.",
                          "This is on the hub's side: try again in a few minutes.", status_code)
    return HubProblem(f"The hub reported an error ({status_code}): {text}", "Try again later.", status_code)


def _retry_hint(headers: dict[str, str], message: str = "") -> str:
    """When to launch again: from the event ("Try again in 3600 seconds."), else X-Ratelimit-Reset."""
    said = re.search(r"try again in (\d{1,9}) seconds?", message, re.IGNORECASE)
    reset = headers.get("x-ratelimit-reset")
    try:
        wait = int(said[1]) if said else max(0, int(float(reset)) - int(time.time())) if reset else None
    except (ValueError, OverflowError):  # not a number, nan, inf
        wait = None
    if wait is None or wait > 86_400:  # a hub's rate limit resets within the hour; more is not believable
        return "Wait an hour before launching again; in a workshop, stagger the launches."
    when = time.strftime("%H:%M", time.localtime(time.time() + wait))
    return f"Try again after {when} (in about {max(1, round(wait / 60))} min). Do not retry sooner: each try counts."


BUILD_FAILED = "The build failed."  # the build itself failed: triage's findings say why


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
    return HubProblem(BUILD_FAILED, "The end of the build log says why.")


# --- what the hub says is untrusted ------------------------------------------------------------------

MAX_PHASE_CHARS = 40  # real phases are one word; a hostile hub's "phase" becomes headings and JSON


def clean_phase(raw: str) -> str:
    """A hub's phase as shown and saved: control sequences removed, lower-case, at most 40 characters."""
    return strip_control(scrub_secrets(raw)).strip().lower()[:MAX_PHASE_CHARS].strip()


def checked_ready(data: dict) -> tuple[dict, HubProblem | None]:
    """The `ready` event's fields made safe to show, save and open: strings without control characters
    (a hub can send anything), other values only when they are plain numbers or booleans. A problem
    when the server address, or a link built from the answer, is not an http(s) link: then the launch
    has failed — nothing is opened, nor shown or put in JSON as the server."""
    from wizard.core.launch.links import not_a_web_link, persistent_url, web_url

    ready: dict = {}
    for key, value in data.items():
        if not isinstance(key, str) or len(key) > 100:
            continue
        key = strip_control(key)
        if isinstance(value, str):
            ready[key] = strip_control(value[:MAX_MESSAGE_CHARS])
        elif value is None or isinstance(value, (bool, int)) or isinstance(value, float) and math.isfinite(value):
            ready[key] = value
    bad = []
    if "url" in data and web_url(data["url"]) is None:
        bad.append(("url", data["url"]))
    if data.get("binder_launch_host") and data.get("binder_persistent_request") and persistent_url(data) is None:
        bad.append(("binder_launch_host", data.get("binder_launch_host")))
    if bad:
        key, value = bad[0]
        what = "the address of your server" if key == "url" else "the link to this exact commit"
        return {}, HubProblem(
            f"The hub said your server is ready, but {what} is {not_a_web_link(value)}, not an http(s) web link, "
            "so binder-wizard neither opens nor shows it.",
            "Check the hub address (for example https://mybinder.org); if it is right, tell the hub's admins.")
    return ready, None


# --- reading events ---------------------------------------------------------------------------------

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


class EventReader:
    """One build's events as they are read: each event's text parsed, its phase tracked (events without
    one belong to the current phase) with timings, messages cleaned in batches, and the outcome at the end.

    `secrets` (the hub token) are hidden wherever they appear in a message."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        self.secrets = secrets
        self.phase = "waiting"
        self.outcome: BuildOutcome | None = None
        self._timings: list[PhaseTiming] = []
        self.started = time.monotonic()
        self._raw_phase: str | None = None

    def start(self) -> None:
        """The request is about to be sent: phase timings count from now."""
        self.started = time.monotonic()

    def clean(self, text: str) -> str:
        if len(text) > MAX_MESSAGE_CHARS:
            text = text[:MAX_MESSAGE_CHARS] + f"… [{len(text) - MAX_MESSAGE_CHARS} more characters not shown]\n"
        return strip_control(scrub_secrets(text, self.secrets))

    def clean_all(self, texts: list[str]) -> list[str]:
        """`clean` for many messages at once; falls back to one by one when a sequence spans messages."""
        if len(texts) < 4 or max(map(len, texts)) > MAX_MESSAGE_CHARS:
            return [self.clean(t) for t in texts]
        # Usually there is nothing to remove: then one check of the messages joined with newlines (often an
        # ASCII string, which the safety checks skip through fast) is enough. A pattern that matches inside
        # one message also matches in the join (same characters; for \b a newline counts like the end of
        # the message), so an unchanged join means every message is clean. Any change: the exact path below.
        plain = "\n".join(texts)
        if strip_control(scrub_secrets(plain, self.secrets)) == plain:
            return texts
        joined = _JOIN.join(texts)
        if joined.count("\ue000") != len(texts) - 1:  # a message holds the separator's character itself
            return [self.clean(t) for t in texts]
        cleaned = strip_control(scrub_secrets(joined, self.secrets)).split(_JOIN)
        if len(cleaned) != len(texts):
            return [self.clean(t) for t in texts]
        return cleaned

    def batch(self, pending: list[tuple[str, str, dict]]) -> list[BuildEvent]:
        """BuildEvents for the parsed events in `pending`, cleaned together; empties `pending`."""
        messages = self.clean_all(list(map(_SECOND, pending)))
        batch = [BuildEvent(phase, message, data) for (phase, _, data), message in zip(pending, messages)]
        pending.clear()
        return batch

    def _enter_phase(self, phase: str) -> None:
        if self._timings and self._timings[-1].phase == phase:
            return
        now = time.monotonic() - self.started
        if self._timings:
            self._timings[-1].ended = now
        self._timings.append(PhaseTiming(phase, now))
        self.phase = phase

    def finish(self, result: str, **kwargs) -> BuildOutcome:
        """End the build with `result` ("ready", "failed" or "cancelled"); BuildOutcome fields as keywords."""
        now = time.monotonic() - self.started
        if self._timings and self._timings[-1].ended is None:
            self._timings[-1].ended = now
        self.outcome = BuildOutcome(result, phases=self._timings, elapsed=now, **kwargs)
        return self.outcome

    def parse(self, raw: str) -> tuple[str, str, dict]:
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
                phase = clean_phase(phase)
                self._enter_phase("failed" if phase == "failure" else phase or self.phase)  # failure: legacy
        message = data.get("message")
        return self.phase, message if isinstance(message, str) else "", data
