"""Members, health and warming against the fake federation on 127.0.0.1 (tests/servers/federation.py):
all warm, one member down, one at quota, rate limited (waits once, or stops with the time), an image
already built; and the answers of hubs that are not a federation, or are hostile."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.servers.federation import Federation, federation  # noqa: F401 - the fixture
from tests.servers.hub_server import HubServer
from wizard.core.launch.links import Target, hub_base
from wizard.core.launch.workshop.federation_adapter import (Member, capacity, discover, health_all, members_from,
                                                            members_given, recommend)
from wizard.core.launch.workshop.warm import reset_in, warm_all

BUILD = "gh/me/demo/HEAD"
TARGET = Target("gh", "me/demo")


def run(coro):
    return asyncio.run(coro)


@pytest.fixture
def fed(federation, shared_dir) -> Federation:
    fed = federation(keepalive=0.05)
    fed.add_capture(BUILD)  # every member builds from the captured stream
    return fed


async def _warm(fed: Federation, **kwargs):
    found = await discover(hub_base(fed.url))
    progress: list[tuple[str, str, str]] = []
    results = await warm_all(found.members, TARGET, on_progress=lambda m, p, text: progress.append((m.name, p, text)),
                             **kwargs)
    return {r.member.name: r for r in results}, progress


def test_the_redirector_lists_its_members_and_routes_each_launch_to_one(fed):
    found = run(discover(hub_base(fed.url)))
    assert found.federated and [m.name for m in found.members] == ["alpha", "beta", "gamma"]
    assert [m.url for m in found.members] == [fed[n].url for n in ("alpha", "beta", "gamma")]
    assert found.members[0].prime and found.members[0].weight == 50.0
    from wizard.core.launch.binderhub_adapter import BuildStream

    async def launch_through_redirector():
        stream = BuildStream(fed.url, "gh", "me/demo/HEAD")
        async for _ in stream.events():
            pass
        return stream.outcome

    assert run(launch_through_redirector()).result == "ready"
    assert len(fed.redirector.routed) == 1  # one launch warmed one member, the others know nothing
    assert sum(m.builds_asked for m in fed.members.values()) == 1


def test_all_members_warm_in_parallel_and_each_server_is_stopped(fed):
    results, progress = run(_warm(fed))
    assert {name: r.result for name, r in results.items()} == {"alpha": "warm", "beta": "warm", "gamma": "warm"}
    assert all(r.already_built is False and r.stopped for r in results.values())
    assert all(len(m.shutdowns) == 1 and m.builds_asked == 1 and m.sessions == 0 for m in fed.members.values())
    assert ("alpha", "built", "Built image, launching...") in progress


def test_a_member_whose_image_is_already_built(fed):
    fed.add_cached(BUILD, "beta")
    results, _ = run(_warm(fed))
    assert results["beta"].warm and results["beta"].already_built is True
    assert results["alpha"].already_built is False


def test_one_member_down_fails_alone(fed):
    fed["gamma"].stop()
    results, _ = run(_warm(fed))
    assert results["alpha"].warm and results["beta"].warm
    down = results["gamma"]
    assert down.result == "failed" and "Could not connect to the hub" in down.problem.message


def test_one_member_at_quota_says_it_is_full(fed):
    fed["beta"].repo_quota, fed["beta"].sessions = 2, 2
    results, _ = run(_warm(fed))
    assert results["beta"].result == "failed"
    assert results["beta"].problem.message == ("The hub is full right now: Too many users running "
                                               "https://github.com/me/demo! Try again soon.")
    assert fed["beta"].shutdowns == [] and results["alpha"].warm


def test_a_long_rate_limit_stops_with_the_time_to_retry_and_never_hammers(fed):
    fed["alpha"].rate_limited_until = time.time() + 1800
    results, _ = run(_warm(fed))
    limited = results["alpha"]
    assert limited.result == "rate-limited" and limited.problem.status_code == 429
    assert 1700 < limited.retry_at - time.time() <= 1801
    assert fed["alpha"].builds_asked == 1  # asked once, not again
    assert limited.as_json()["retry_at"] is not None and results["beta"].warm


def test_a_short_rate_limit_is_waited_out_once(fed):
    fed["beta"].rate_limited_until = float(int(time.time()) + 2)
    results, progress = run(_warm(fed))
    assert results["beta"].warm and fed["beta"].builds_asked == 2
    assert any(name == "beta" and text.startswith("rate limited: waiting") for name, _, text in progress)


def test_health_capacity_and_where_to_send_people(fed):
    fed["alpha"].pods = 95  # 5 free: nearly full (the redirector's headroom is 10)
    fed["beta"].pods = 40
    fed["gamma"].healthy = False
    healths = run(health_all(run(discover(hub_base(fed.url))).members))
    by_name = {h.member.name: h for h in healths}
    assert by_name["alpha"].state == "available" and by_name["alpha"].free == 5 and by_name["alpha"].nearly_full
    assert by_name["beta"].free == 60 and by_name["beta"].binderhub == "1.0.0"
    assert by_name["gamma"].state == "unhealthy" and by_name["gamma"].failing == ["JupyterHub API"]
    assert recommend(healths).member.name == "beta" and capacity(healths) == 65
    fed["beta"].stop()
    healths = run(health_all(run(discover(hub_base(fed.url))).members))
    assert {h.member.name: h.state for h in healths}["beta"] == "unreachable"


def test_a_plain_binderhub_is_its_own_single_member(hub):
    found = run(discover(hub.url))
    assert not found.federated and found.members == [Member("127.0.0.1", hub.url)] and found.note is None


def test_an_unreachable_hub_is_said(tmp_path):
    found = run(discover("http://127.0.0.1:9/"))
    assert found.members == [Member("127.0.0.1", "http://127.0.0.1:9/")]
    assert found.note.startswith("Its member list could not be read: Could not connect")


@pytest.mark.parametrize("answer, names", [
    ({"active_hosts": {}}, []),
    ({"active_hosts": {"a": {"url": "javascript:alert(1)"}, "b": {"url": "https://u:p@x.org"},
                       "c": {"url": "file:///etc"}, "d": {"url": "https://d.example.org/?x=1"}, "e": "no"}}, []),
    ({"active_hosts": {"\x1b[2Jevil\x07": {"url": "https://e.example.org", "weight": float("nan")}}}, ["evil"]),
    ({"active_hosts": {f"m{i}": {"url": f"https://m{i}.example.org"} for i in range(50)}}, [f"m{i}" for i in range(20)]),
    ({"active_hosts": ["https://x.org"]}, None),
    ("<html>", None),
])
def test_hostile_or_odd_member_lists(answer, names):
    found = members_from(answer)
    assert (None if found is None else [m.name for m in found]) == names


def test_given_members_are_checked():
    assert [m.url for m in members_given("https://a.example.org, a.example.org/,https://b.example.org/x")] == \
        ["https://a.example.org/", "https://b.example.org/x/"]
    from wizard.core.launch.links import LinkError

    for bad in ("", " , ", "ftp://x.org", "https://x .org"):
        with pytest.raises(LinkError):
            members_given(bad)


def test_oversized_and_non_json_answers_are_not_read(hub_server):
    class Flood(HubServer):
        async def _route(self, request, reader, writer):
            body = b'{"active_hosts": {"a": {"url": "https://a.org"}}, "pad": "' + b"x" * 200_000 + b'"}'
            writer.write(self._head("200 OK", [("Content-Length", str(len(body)))]) + body)
            await writer.drain()

    flood = Flood().start()
    try:
        found = run(discover(flood.url))
        assert not found.federated and len(found.members) == 1
        health = run(health_all(found.members))[0]
        assert health.ok is None and "longer than 64 KB" in health.problem
    finally:
        flood.stop()


def test_reset_times_that_are_not_believable_are_ignored():
    assert reset_in({"x-ratelimit-reset": "1000"}, now=900) == 100
    assert reset_in({"x-ratelimit-reset": "800"}, now=900) == 0
    for bad in ("nan", "inf", "1e300", "soon", ""):
        assert reset_in({"x-ratelimit-reset": bad}, now=900) is None


def test_the_hub_token_goes_only_to_members_on_the_hubs_own_host():
    from wizard.core.launch.workshop.warm import token_goes_to

    assert token_goes_to("https://mybinder.org/", Member("gesis", "https://gesis.mybinder.org/"))
    assert token_goes_to("https://mybinder.org/", Member("self", "https://mybinder.org/"))
    assert not token_goes_to("https://mybinder.org/", Member("x", "https://evil.example.org/"))
    assert not token_goes_to("https://mybinder.org/", Member("x", "https://notmybinder.org/"))
    assert token_goes_to(None, Member("named by the user", "https://anything.example.org/"))


def test_warming_a_listed_member_elsewhere_sends_no_token(federation, shared_dir, monkeypatch):
    fed = federation(keepalive=0.05, auth_token="s3cret")
    fed.add_capture(BUILD)
    found = run(discover(hub_base(fed.url)))
    # The members are 127.0.0.1 like the hub: the token goes. Named as another host, it would not.
    results = run(warm_all(found.members, TARGET, token="s3cret", hub=hub_base(fed.url)))
    assert all(r.warm for r in results)
    stranger = [Member(m.name, m.url.replace("127.0.0.1", "localhost")) for m in found.members]
    results = run(warm_all(stranger, TARGET, token="s3cret", hub=hub_base(fed.url)))
    assert all(r.result == "failed" and r.problem.status_code == 403 for r in results)
    assert all("authorization" not in r.headers for m in fed.members.values() for r in m.requests[-1:])
