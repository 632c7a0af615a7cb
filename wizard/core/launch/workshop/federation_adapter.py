"""A hub's federation members and their health, read the way mybinder.org's redirector publishes them.

* `GET /active_hosts` on the redirector (jupyterhub/mybinder.org-deploy `images/federation-redirect/app.py`,
  `ActiveHostsHandler`) answers `{"active_hosts": {"<name>": {"url", "weight", "prime", "health",
  "versions"}}}`: the members currently in rotation (the redirector drops unhealthy ones). A plain
  BinderHub has no such route (404, or its web app's HTML): it is its own single member.
* `GET <member>/health` (binderhub `health.py`) answers 200 or 503 with `{"ok", "checks": [{"service",
  "ok"}, …]}`; the "Pod quota" check adds `total_pods`, `build_pods`, `user_pods` and `quota` (None: no
  quota). The redirector treats a member with fewer than 10 free pods as full (`pod_headroom`).
* `GET <member>/versions` answers `{"builder_info": {...}, "binderhub": "<version>"}`.

Everything a hub answers is untrusted: bounded reads (a few seconds, 64 KB, no redirects, no compression),
member URLs accepted only as plain http(s) links, names and texts made safe. httpx is imported inside
functions.
"""

from __future__ import annotations

import asyncio
import json
import math
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from wizard.core.common.safe_text import strip_control

TIMEOUT = 5.0
MAX_BYTES = 64 * 1024
MAX_MEMBERS = 20
POD_HEADROOM = 10  # the redirector's `pod_headroom`: this few free pods or fewer and it sends nobody there


@dataclass(frozen=True)
class Member:
    name: str
    url: str  # base URL with one trailing slash
    weight: float | None = None
    prime: bool = False


@dataclass
class Federation:
    hub: str
    members: list[Member]
    federated: bool  # the members come from the hub's /active_hosts
    note: str | None = None  # why the hub is its own single member, or why there are none


@dataclass
class MemberHealth:
    member: Member
    reachable: bool
    ok: bool | None = None  # the hub's own verdict (/health "ok")
    quota: int | None = None  # pod quota (None: none, or not said)
    pods: int | None = None  # pods running now (users and builds)
    failing: list[str] = field(default_factory=list)  # checks that are not ok
    binderhub: str | None = None  # its BinderHub version (/versions)
    problem: str | None = None  # why it could not be read

    @property
    def free(self) -> int | None:
        """Sessions it can still start (never below 0); None when it has no quota or does not say."""
        if self.quota is None or self.pods is None:
            return None
        return max(0, self.quota - self.pods)

    @property
    def takes_people(self) -> bool:
        """Whether it can start sessions now: healthy, and below its pod quota (if it has one)."""
        return bool(self.reachable and self.ok) and (self.free is None or self.free > 0)

    @property
    def nearly_full(self) -> bool:
        """Within the redirector's headroom of its quota: mybinder.org sends nobody new there."""
        return self.free is not None and self.free <= POD_HEADROOM

    @property
    def state(self) -> str:
        if not self.reachable:
            return "unreachable"
        if not self.ok:
            return "unhealthy"
        return "available" if self.takes_people else "full"


def _client(transport=None, timeout: float = TIMEOUT):
    import httpx

    return httpx.AsyncClient(timeout=timeout, follow_redirects=False, transport=transport, trust_env=False)


async def _get_json(client, url: str) -> tuple[int | None, object | None, str | None]:
    """(HTTP status, the JSON answer or None, why it could not be read or None). Never raises for the hub's doing."""
    import httpx

    from wizard.core.launch.binderhub_adapter import problem_for_exception

    body = bytearray()
    try:
        async with client.stream("GET", url, headers={"Accept": "application/json",
                                                      "Accept-Encoding": "identity"}) as response:
            status = response.status_code
            encoding = response.headers.get("content-encoding", "identity").strip().lower()
            if encoding not in ("", "identity"):
                return status, None, "it answered in a compressed form binder-wizard does not read"
            async for chunk in response.aiter_raw():
                body += chunk
                if len(body) > MAX_BYTES:
                    return status, None, f"its answer was longer than {MAX_BYTES // 1024} KB"
    except httpx.HTTPError as error:
        try:
            return None, None, problem_for_exception(error, url).message
        except Exception:  # noqa: BLE001 - anything httpx raises is a hub we cannot read
            return None, None, f"it could not be reached ({type(error).__name__})"
    try:
        return status, json.loads(bytes(body).decode("utf-8")), None
    except ValueError:
        return status, None, "its answer was not JSON"


def _member_url(value: object) -> str | None:
    from wizard.core.launch.links import LinkError, hub_base, web_url

    url = web_url(value)
    if url is None or urlsplit(url).query or urlsplit(url).fragment:
        return None
    try:
        return hub_base(url)
    except LinkError:
        return None


def _name(value: object, fallback: str) -> str:
    text = strip_control(value).strip()[:40] if isinstance(value, str) else ""
    return text or fallback


def members_from(answer: object) -> list[Member] | None:
    """The members in an /active_hosts answer, or None when it is not one."""
    hosts = answer.get("active_hosts") if isinstance(answer, dict) else None
    if not isinstance(hosts, dict):
        return None
    members: list[Member] = []
    for key, info in list(hosts.items())[:MAX_MEMBERS]:
        if not isinstance(info, dict):
            continue
        url = _member_url(info.get("url"))
        if url is None:
            continue
        weight = info.get("weight")
        weight = float(weight) if isinstance(weight, (int, float)) and not isinstance(weight, bool) and \
            math.isfinite(weight) else None
        members.append(Member(_name(key, urlsplit(url).hostname or url), url, weight, info.get("prime") is True))
    return members


def members_given(urls: str) -> list[Member]:
    """`--members URL,URL,...`: each one a hub base URL (LinkError for one that is not)."""
    from wizard.core.launch.links import LinkError, hub_base

    members = []
    for text in (part.strip() for part in urls.split(",")):
        if not text:
            continue
        url = hub_base(text)  # raises LinkError with the reason
        if any(m.url == url for m in members):
            continue
        members.append(Member(urlsplit(url).hostname or url, url))
    if not members:
        raise LinkError("--members names no hub", "Give auto, or hub URLs separated by commas.")
    return members


async def discover(hub: str, *, transport=None, timeout: float = TIMEOUT) -> Federation:
    """The members of `hub` (a base URL from `links.hub_base`): its /active_hosts, else the hub itself."""
    async with _client(transport, timeout) as client:
        status, answer, problem = await _get_json(client, f"{hub}active_hosts")
    members = members_from(answer) if status == 200 else None
    if members is None:
        why = None if status is not None else f"Its member list could not be read: {problem}"
        return Federation(hub, [Member(urlsplit(hub).hostname or hub, hub)], False, why)
    if not members:
        return Federation(hub, [], True, "The hub lists no member in rotation right now (all unhealthy or full).")
    return Federation(hub, members, True)


async def health(member: Member, *, transport=None, timeout: float = TIMEOUT) -> MemberHealth:
    """`member`'s /health and /versions, read at the same time."""
    async with _client(transport, timeout) as client:
        (status, answer, problem), (v_status, versions, _) = await asyncio.gather(
            _get_json(client, f"{member.url}health"), _get_json(client, f"{member.url}versions"))
    if status is None:
        return MemberHealth(member, False, problem=problem)
    if not isinstance(answer, dict) or status not in (200, 503):
        return MemberHealth(member, True, None, problem=problem or f"/health answered HTTP {status}, not a "
                                                                  "BinderHub's health report")
    result = MemberHealth(member, True, answer.get("ok") is True and status == 200)
    checks = answer.get("checks")
    for check in checks[:20] if isinstance(checks, list) else ():
        if not isinstance(check, dict):
            continue
        service = _name(check.get("service"), "a check")
        if check.get("ok") is not True and service != "Pod quota":  # the pod quota is soft, as in health.py
            result.failing.append(service)
        if service == "Pod quota":
            result.quota, result.pods = _count(check.get("quota")), _count(check.get("total_pods"))
    if result.ok is False and not result.failing:
        result.failing.append("health")
    if v_status == 200 and isinstance(versions, dict) and isinstance(versions.get("binderhub"), str):
        result.binderhub = strip_control(versions["binderhub"])[:60] or None
    return result


def _count(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**7 else None


async def health_all(members: list[Member], *, transport=None, timeout: float = TIMEOUT) -> list[MemberHealth]:
    return list(await asyncio.gather(*(health(m, transport=transport, timeout=timeout) for m in members)))


def recommend(healths: list[MemberHealth]) -> MemberHealth | None:
    """The member to send people to: one that takes people, with the most free places (then weight)."""
    usable = [h for h in healths if h.takes_people]
    if not usable:
        return None
    return max(usable, key=lambda h: (h.free if h.free is not None else -1, h.member.weight or 0.0))


def capacity(healths: list[MemberHealth]) -> int | None:
    """Free places across the members that take people; None when none of them says."""
    counted = [h.free for h in healths if h.takes_people and h.free is not None]
    return sum(counted) if counted else None
