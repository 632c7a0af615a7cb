"""Asking a data host about a file (common.url_check_adapter), against a real HTTP server on 127.0.0.1: the
same file, another size, 404, a server too slow to answer, redirect loops, HEAD refused, no size, TLS and DNS
failures. Every check ends within its time limit."""

from __future__ import annotations

import hashlib
import shutil
import socket
import ssl
import subprocess
import threading
import time
from http.server import ThreadingHTTPServer

import pytest

from tests.servers.data_server import DataServer, _Handler
from wizard.core.common.url_check_adapter import MAX_PROBE_BYTES, check_url, check_urls, remote_digest

BODY = bytes(range(256)) * 4096  # 1 MB


@pytest.fixture
def data_server():
    server = DataServer({"/data/big.csv": BODY, "/data/other.csv": b"x" * 1000})
    yield server
    server.stop()


def test_the_same_file_answers_head_with_its_size(data_server):
    check = check_url(data_server.url("/data/big.csv"))
    assert (check.ok, check.status, check.size, check.problem) == (True, 200, len(BODY), None)
    assert data_server.requests == [("HEAD", "/data/big.csv", None)]  # nothing downloaded


def test_another_size_is_reported_as_its_size(data_server):
    check = check_url(data_server.url("/data/other.csv"))
    assert check.ok and check.size == 1000


def test_404_is_unreachable_with_the_status_in_words(data_server):
    check = check_url(data_server.url("/missing.csv"))
    assert (check.ok, check.status, check.kind) == (False, 404, "status")
    assert check.problem == "the server answered 404 (Not Found)"
    # HEAD, then a ranged GET in case only HEAD is refused: still never the whole file
    assert data_server.requests == [("HEAD", "/missing.csv", None), ("GET", "/missing.csv", "bytes=0-0")]


def test_a_refused_head_falls_back_to_a_ranged_get_of_one_byte(data_server):
    check = check_url(data_server.url("/nohead/data/big.csv"))
    assert (check.ok, check.status, check.size) == (True, 206, len(BODY))
    assert data_server.requests[-1] == ("GET", "/nohead/data/big.csv", "bytes=0-0")


def test_a_server_that_gives_no_size_answers_ok_without_a_size(data_server):
    check = check_url(data_server.url("/nosize/data/big.csv"))
    assert (check.ok, check.size) == (True, None)
    assert MAX_PROBE_BYTES < len(BODY)  # the GET that ignored the range was cut short


def test_redirects_are_followed_and_loops_named(data_server):
    moved = check_url(data_server.url("/redirect/data/big.csv"))
    assert moved.ok and moved.size == len(BODY) and moved.final_url == data_server.url("/data/big.csv")
    loop = check_url(data_server.url("/loop"))
    assert (loop.ok, loop.kind) == (False, "redirects")
    assert loop.problem == "its redirects go round in a loop"


def test_a_slow_server_is_given_up_on_within_the_time_limit(data_server):
    started = time.monotonic()
    check = check_url(data_server.url("/slow/data.csv"), timeout=0.5)
    assert (check.ok, check.kind) == (False, "timeout")
    assert time.monotonic() - started < 5  # bounded: the server itself never answers until the test ends


def test_a_refused_connection_and_an_unknown_host():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    refused = check_url(f"http://127.0.0.1:{port}/data.csv", timeout=5)
    assert (refused.ok, refused.kind, refused.problem) == (False, "connection", "the server refused the connection")
    unknown = check_url("https://no-such-host.invalid/data.csv", timeout=5)  # .invalid never resolves (RFC 6761)
    assert (unknown.ok, unknown.kind) == (False, "dns")
    assert unknown.problem == "the host name no-such-host.invalid does not exist (DNS)"


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl to make a certificate")
def test_an_untrusted_certificate_is_a_tls_problem(tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.files, server.requests, server.release = {"/x.csv": b"x"}, [], threading.Event()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        check = check_url(f"https://127.0.0.1:{server.server_address[1]}/x.csv", timeout=5)
    finally:
        server.shutdown()
        server.server_close()
    assert (check.ok, check.kind) == (False, "tls")
    assert "certificate" in check.problem


def test_many_urls_at_once_each_within_its_limit(data_server):
    urls = [data_server.url(p) for p in ("/data/big.csv", "/missing.csv", "/slow/a", "/slow/b", "/loop",
                                         "/data/other.csv")]
    started = time.monotonic()
    checks = check_urls(urls + urls[:1], timeout=0.5, parallel=3)
    assert list(checks) == urls  # each once, in order
    assert [checks[u].ok for u in urls] == [True, False, False, False, False, True]
    assert [checks[u].kind for u in urls] == [None, "status", "timeout", "timeout", "redirects", None]
    assert time.monotonic() - started < 10


def test_remote_digest_reads_the_bytes_within_bounds(data_server):
    same = remote_digest(data_server.url("/redirect/data/big.csv"), max_bytes=len(BODY), timeout=10)
    assert (same.digest, same.size, same.problem) == (hashlib.sha256(BODY).hexdigest(), len(BODY), None)
    bigger = remote_digest(data_server.url("/data/big.csv"), max_bytes=1000, timeout=10)
    assert bigger.digest is None and bigger.problem == "it is bigger than 1,000 bytes"
    missing = remote_digest(data_server.url("/missing.csv"), max_bytes=1000, timeout=10)
    assert missing.digest is None and "404" in missing.problem
    slow = remote_digest(data_server.url("/slow/x"), max_bytes=1000, timeout=0.5)
    assert slow.digest is None and "within 0.5 s" in slow.problem


def test_no_password_from_the_environment_reaches_a_data_host(data_server, monkeypatch, tmp_path):
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine 127.0.0.1 login me password hunter2\n")
    monkeypatch.setenv("NETRC", str(netrc))
    seen = []
    original = _Handler._answer

    def spy(self, head):
        seen.append(self.headers.get("Authorization"))
        return original(self, head)

    monkeypatch.setattr(_Handler, "_answer", spy)
    assert check_url(data_server.url("/data/big.csv")).ok
    assert seen == [None]
