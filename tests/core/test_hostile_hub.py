"""The build client against hostile servers on 127.0.0.1: untrusted strings in every field, links that are
not web links, compression bombs, endless events and headers, credentials in the hub address."""

from __future__ import annotations

import json
import time
import tracemalloc

import pytest

from tests.servers.hostile_hub import Reply, deflate_bomb, gzip_bomb, sse, stream
from tests.servers.hostile_hub import hostile_hub  # noqa: F401 - the fixture
from wizard.core.common.safe_text import has_control
from wizard.core.launch.binderhub_adapter import MAX_EVENT_BYTES, BuildStream, shutdown_server
from wizard.core.launch.build_events import checked_ready
from wizard.core.launch.links import OpenTarget, hub_base, server_url, web_url

BUILD = "/build/gh/me/demo/HEAD"
PROMPT = 10.0  # seconds; every hostile stream here must end well before

ESCAPES = [
    "\x1b[2J\x1b[1;1H",  # CSI: clear the screen
    "\x1b]52;c;cm0gLXJmIH4=\x07",  # OSC 52: write the clipboard
    "\x1b]8;;file:///etc/passwd\x1b\\link\x1b]8;;\x1b\\",  # OSC 8 hyperlink
    "\x9b31m",  # C1 CSI
    "\x1bP1$qm\x1b\\",  # DCS
    "\x00\x07\x08\r\x7f",  # C0 and DEL
    "\u202eevil\u202c",  # bidi override
    "\udc80\ud800",  # lone surrogates (JSON can carry them)
]


async def run(url: str, path: str = BUILD, **kwargs):
    provider, spec = path.removeprefix("/build/").split("/", 1)
    stream_ = BuildStream(url, provider, spec, **kwargs)
    started = time.monotonic()
    events = [event async for event in stream_.events()]
    return stream_.outcome, events, time.monotonic() - started


def clean(value) -> bool:
    """No control character, escape, bidi override or lone surrogate anywhere in `value`."""
    if isinstance(value, str):
        return not has_control(value.replace("\n", "").replace("\t", ""))
    if isinstance(value, dict):
        return all(clean(k) and clean(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return all(map(clean, value))
    return True


def header_value(text: str) -> str:
    """`text` as raw header bytes (UTF-8), without CR, LF and NUL, which no HTTP parser lets through."""
    raw = text.encode("utf-8", "surrogatepass").decode("latin-1")
    return raw.replace("\r", "").replace("\n", "").replace("\x00", "")


def ready_event(hub, **fields) -> bytes:
    return sse({"phase": "ready", "url": f"{hub.url}user/me/", "token": "tok", **fields})


# --- every string from the hub is untrusted ---------------------------------------------------------


@pytest.mark.parametrize("evil", ESCAPES)
async def test_control_characters_in_every_field_never_get_through(hostile_hub, evil):
    hub = hostile_hub()
    hub.route(BUILD, stream([
        sse({"phase": f"Build{evil}ing", "message": f"line {evil} end\n"}),
        sse({"phase": "building", "message": evil, "extra": evil}),
        ready_event(hub, token=f"t{evil}k", message=f"ready{evil}\n", binder_ref_url=f"https://x/{evil}",
                    binder_launch_host=f"{hub.url}", binder_persistent_request=f"v2/gh/me/demo/abc{evil}"),
    ], headers=[("X-Ratelimit-Remaining", header_value(f"9{evil}")),
                ("X-Ratelimit-Reset", "\x1b[2J1700000000")]))
    outcome, events, elapsed = await run(hub.url)
    assert elapsed < PROMPT
    assert all(clean(e.phase) and clean(e.message) for e in events)
    assert events[0].phase.startswith("build") and len(events[0].phase) <= 40
    assert clean(outcome.rate_limit) and clean(outcome.ready or {}) and clean(str(outcome.problem or ""))
    # Links with an escape in them are not links: the launch fails, plainly.
    if outcome.result == "ready":
        assert web_url(outcome.ready["url"]) == outcome.ready["url"]


async def test_phase_is_short_and_lower_case_whatever_the_hub_sends(hostile_hub):
    hub = hostile_hub()
    hub.route(BUILD, stream([sse({"phase": "B" * 10_000, "message": "m\n"}), ready_event(hub)]))
    outcome, events, _ = await run(hub.url)
    assert outcome.result == "ready" and events[0].phase == "b" * 40


async def test_invalid_utf8_and_non_json_events_are_shown_as_safe_text(hostile_hub):
    hub = hostile_hub()
    hub.route(BUILD, stream([b'data: {"phase": "building", "message": "bad \xff\xfe\xc3 bytes\\n"}\n\n',
                             b"data: \xff\x1b[2Jnot json\n\n", b"data: {\"message\": \"\\udc80\\u0000\"}\n\n",
                             ready_event(hub)]))
    outcome, events, _ = await run(hub.url)
    assert outcome.result == "ready"
    assert [clean(e.message) for e in events] == [True] * 4
    assert "\ufffd" in events[0].message and "not json" in events[1].message
    for event in events:
        event.message.encode("utf-8")  # every writer can write it


async def test_status_text_and_headers_of_an_error_answer_never_get_through(hostile_hub):
    hub = hostile_hub()
    hub.route(BUILD, Reply("404 \x1b[2J\x9bNot \x1b]52;c;eA==\x07Found", [("Content-Length", "0"),
                                                                       ("X-Evil", "\x1b[31m")]))
    outcome, _, _ = await run(hub.url)
    assert outcome.result == "failed" and "HTTP 404" in outcome.problem.message
    assert clean(str(outcome.problem)) and clean(outcome.rate_limit)


# --- only web links are links ---------------------------------------------------------------------

NOT_WEB_LINKS = ["javascript:alert(document.cookie)", " JavaScript:alert(1)", "file:///etc/passwd",
                 "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "//evil.example/user/x/",
                 "/user/me/", "user/me/", "https://mybinder.org@evil.example/", "https://u:p@hub.example/",
                 "http:///no-host", "https://hub.example/\x1b[2J", "https://hub example/", "http://[::1/",
                 "https://hub.example:99999/", "https:\\\\evil.example\\", "", 42, None, ["https://x/"]]


@pytest.mark.parametrize("url", NOT_WEB_LINKS)
async def test_a_ready_url_that_is_not_a_web_link_is_a_failed_launch(hostile_hub, url):
    hub = hostile_hub()
    hub.route(BUILD, stream([sse({"phase": "ready", "url": url, "token": "tok"})]))
    outcome, _, elapsed = await run(hub.url)
    assert elapsed < PROMPT
    assert outcome.result == "failed" and not outcome.ready
    assert "not an http(s) web link" in outcome.problem.message and clean(outcome.problem.message)
    assert "alert" not in outcome.problem.message and "passwd" not in outcome.problem.message
    assert server_url(outcome.ready or {}) is None


@pytest.mark.parametrize("host", ["javascript:alert(1)//", "file:///", "data:,", "//evil.example", "ftp://x/"])
async def test_a_persistent_link_that_is_not_a_web_link_fails_the_launch_too(hostile_hub, host):
    hub = hostile_hub()
    hub.route(BUILD, stream([ready_event(hub, binder_launch_host=host, binder_persistent_request="v2/gh/me/d/a")]))
    outcome, _, _ = await run(hub.url)
    assert outcome.result == "failed" and "link to this exact commit" in outcome.problem.message


def test_web_links_that_are_fine():
    for url in ("https://hub.gke2.mybinder.org/user/me-demo-x/", "http://127.0.0.1:8000/user/x/?a=b#c",
                "https://[::1]:8443/user/x/", "HTTPS://Hub.Example/"):
        assert web_url(url) == url
    ready, problem = checked_ready({"url": "https://hub.example/user/x/", "token": "t", "n": float("nan"),
                                    "nested": {"a": 1}, "\x1bkey": "v\x1b[2J"})
    assert problem is None and ready == {"url": "https://hub.example/user/x/", "token": "t", "key": "v"}


@pytest.mark.parametrize("what", ["/javascript:alert(1)", "javascript:alert(1)", "//evil.example/x",
                                  "/../../../../evil", "/https://evil.example/"])
def test_what_to_open_never_leaves_the_server(what):
    opened = server_url({"url": "https://hub.example/user/me/", "token": "t"}, OpenTarget("custom", what))
    assert opened is None or opened.startswith("https://hub.example/")


# --- bounded resources ------------------------------------------------------------------------------


async def drain(url: str, path: str = BUILD, **kwargs):
    """Like `run`, counting the events instead of keeping them (so memory measured is the client's)."""
    provider, spec = path.removeprefix("/build/").split("/", 1)
    stream_ = BuildStream(url, provider, spec, **kwargs)
    count = 0
    async for _ in stream_.events():
        count += 1
    return stream_.outcome, count


async def measured(coroutine):
    """(result, peak bytes of Python memory while it ran)."""
    tracemalloc.start()
    try:
        result = await coroutine
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


async def test_gzip_bomb_is_cut_at_the_event_bound_with_memory_bounded(hostile_hub):
    """64 GB of zeros, gzip-compressed to ~64 MB: the old client inflated whole reads and reached 1.3 GB."""
    hub = hostile_hub()
    hub.route(BUILD, stream(lambda: gzip_bomb(64 * 2**30), headers=[("Content-Encoding", "gzip")]))
    started = time.monotonic()
    (outcome, _), peak = await measured(drain(hub.url))
    elapsed = time.monotonic() - started
    assert outcome.result == "failed" and "single message of more than 32 MB" in outcome.problem.message
    assert elapsed < 30 and peak < 4 * MAX_EVENT_BYTES  # the one event held, and what parsing it costs
    assert hub.sent[BUILD] < 16 * 2**20  # of the 64 MB on offer: what socket buffers took, then it stopped


async def test_gzip_bomb_of_small_events_is_cut_at_the_total_bound(hostile_hub):
    hub = hostile_hub()
    events = b"".join(sse({"phase": "building", "message": f"line {i}\n"}) for i in range(2000))
    hub.route(BUILD, stream(lambda: gzip_bomb(2**30, pattern=events, member=2**20),
                            headers=[("Content-Encoding", "gzip")]))
    (outcome, count), peak = await measured(drain(hub.url, max_stream_bytes=2 * 2**20))
    assert outcome.result == "failed" and "build log of more than 2 MB" in outcome.problem.message
    assert 0 < count < 100_000 and peak < 16 * 2**20


async def test_deflate_bomb_and_nested_or_unknown_encodings(hostile_hub):
    hub = hostile_hub()
    hub.route(BUILD, stream(lambda: deflate_bomb(2**30), headers=[("Content-Encoding", "deflate")]))
    (outcome, _), peak = await measured(drain(hub.url, max_event_bytes=4 * 2**20))
    assert "single message of more than 4 MB" in outcome.problem.message and peak < 32 * 2**20
    for encoding in ("br", "gzip, gzip", "zstd", "x-evil\x1b[2J"):
        hub.route(BUILD, stream([b"whatever"], headers=[("Content-Encoding", encoding)]))
        outcome, _, _ = await run(hub.url)
        assert outcome.result == "failed" and "compressed its answer in a way" in outcome.problem.message
        assert clean(outcome.problem.message)
    hub.route(BUILD, stream([b"\x1f\x8b not really gzip"], headers=[("Content-Encoding", "gzip")]))
    outcome, _, _ = await run(hub.url)
    assert outcome.result == "failed" and "compressed, but not readably" in outcome.problem.message


@pytest.mark.parametrize("body", [b"data: " + b"x" * 65536, b"x" * 65536, b"data: {\"message\": \"" + b"y" * 65536,
                                  b": keepalive comment without end " * 2048, b"data: a\n" * 8192],
                         ids=["data-line", "no-field", "open-json-string", "endless-comment", "data-lines-no-blank"])
async def test_an_event_that_never_ends_is_cut_at_the_event_bound(hostile_hub, body):
    hub = hostile_hub()
    hub.route(BUILD, stream(lambda: iter(lambda: body, None)))  # the same piece, forever
    started = time.monotonic()
    (outcome, _), peak = await measured(drain(hub.url, max_event_bytes=2 * 2**20))
    elapsed = time.monotonic() - started
    assert outcome.result == "failed" and "single message of more than 2 MB" in outcome.problem.message
    assert elapsed < PROMPT and peak < 16 * 2**20


async def test_an_endless_stream_of_small_events_is_cut_at_the_total_bound(hostile_hub):
    hub = hostile_hub()
    piece = b"".join(sse({"message": f"{i}\n"}) for i in range(1000))
    hub.route(BUILD, stream(lambda: iter(lambda: piece, None)))
    outcome, _, elapsed = await run(hub.url, max_stream_bytes=4 * 2**20)
    assert outcome.result == "failed" and "build log of more than 4 MB" in outcome.problem.message
    assert elapsed < PROMPT


@pytest.mark.parametrize("headers", [[("X-Big", "a" * 200_000)], [(f"X-H{i}", "v" * 50) for i in range(5000)]],
                         ids=["one-200-KB-header", "5000-headers"])
async def test_headers_past_the_bound_end_with_a_plain_error(hostile_hub, headers):
    hub = hostile_hub()
    hub.route(BUILD, stream([sse({"message": "never read\n"})], headers=headers))
    outcome, _, elapsed = await run(hub.url)
    assert outcome.result == "failed" and "100 KB of headers" in outcome.problem.message and elapsed < PROMPT


async def test_endless_header_line_ends_with_a_plain_error(hostile_hub):
    hub = hostile_hub()
    hub.route(BUILD, Reply(raw_head=b"HTTP/1.1 200 OK\r\nX-Endless: " + b"z" * 300_000, hold=True))
    outcome, _, elapsed = await run(hub.url)
    assert outcome.result == "failed" and "headers" in outcome.problem.message and elapsed < PROMPT


async def test_a_redirect_with_a_bomb_body_is_followed_without_reading_it(hostile_hub):
    hub = hostile_hub()
    hub.route(BUILD, Reply("307 Temporary Redirect", [("Location", "/member" + BUILD), ("Content-Encoding", "gzip")],
                           body=lambda: gzip_bomb(64 * 2**30), hold=True))
    hub.route("/member" + BUILD, stream([sse({"phase": "ready", "url": f"{hub.url}user/me/"})]))
    started = time.monotonic()
    (outcome, _), peak = await measured(drain(hub.url))
    elapsed = time.monotonic() - started
    assert outcome.result == "ready" and elapsed < PROMPT and peak < 16 * 2**20


async def test_redirect_loops_and_non_web_redirects_end_plainly(hostile_hub):
    hub = hostile_hub()
    hub.route(BUILD, Reply("302 Found", [("Location", BUILD), ("Content-Length", "0")]))
    outcome, _, _ = await run(hub.url)
    assert outcome.result == "failed" and "redirected more than 5 times" in outcome.problem.message
    hub.route(BUILD, Reply("302 Found", [("Location", "file:///etc/passwd"), ("Content-Length", "0")]))
    outcome, _, _ = await run(hub.url)
    assert outcome.result == "failed" and clean(outcome.problem.message)


async def test_shutdown_never_reads_the_answer_and_only_posts_to_a_web_link(hostile_hub):
    hub = hostile_hub()
    hub.route("/user/me/api/shutdown", Reply("200 OK", [("Content-Encoding", "gzip")],
                                              body=lambda: gzip_bomb(64 * 2**30), hold=True))
    problem, peak = await measured(shutdown_server({"url": f"{hub.url}user/me/", "token": "t"}))
    assert problem is None and peak < 16 * 2**20
    assert await shutdown_server({"url": "javascript:alert(1)", "token": "t"}) is not None
    assert len(hub.requests) == 1


# --- credentials in the hub address -----------------------------------------------------------------


async def test_credentials_in_the_hub_address_are_never_sent_shown_or_saved(hostile_hub):
    hub = hostile_hub()
    hub.route(BUILD, stream([sse({"message": "hello\n"}), ready_event(hub)]))
    with_password = hub.url.replace("http://", "http://alice:hunter22@")
    base = hub_base(with_password)
    assert base == hub.url and "hunter22" not in base
    outcome, _, _ = await run(with_password)
    assert outcome.result == "ready"
    [(_, _, headers)] = hub.requests
    assert "authorization" not in headers and "hunter22" not in json.dumps(headers)


@pytest.mark.parametrize("reset", ["inf", "nan", "1e300", "-1e300", "soon\x1b[2J", "9" * 400])
async def test_a_rate_limit_reset_that_is_not_a_time(hostile_hub, reset):
    hub = hostile_hub()
    hub.route(BUILD, stream([sse({"phase": "failed", "status_code": 429, "message": "Rate limit exceeded\n"})],
                            headers=[("X-Ratelimit-Reset", reset)]))
    outcome, _, _ = await run(hub.url)
    assert outcome.problem.status_code == 429 and "rate limit" in outcome.problem.message
    assert "Unexpected" not in outcome.problem.message and clean(str(outcome.problem))
