"""Drift (issue 15): a hub whose /versions names another repo2docker than the one binder-wizard's rules follow
is said once, by `launch` and by step 3; a hub that says nothing, or says something odd, is said nothing."""

from __future__ import annotations

import asyncio
import gzip
import json

import pytest

from tests.servers.hub_server import MYBINDER_VERSIONS
from wizard.cli import main
from wizard.core.environment.detection import REPO2DOCKER_VERSION
from wizard.core.launch import versions_adapter
from wizard.core.launch.versions_adapter import drift_note, hub_repo2docker_version, same_version


@pytest.fixture(autouse=True)
def fresh_process():
    versions_adapter._checked.clear()  # "once" is per process; each test is a new one
    yield
    versions_adapter._checked.clear()


def test_the_test_hub_answers_mybinder_orgs_versions(hub_server):
    hub = hub_server(versions=MYBINDER_VERSIONS)
    assert asyncio.run(hub_repo2docker_version(hub.url)) == "2026.4.1.dev44-g97bb4e45a"
    assert [r.path for r in hub.requests] == ["/versions"]


def test_a_different_version_is_said_once(hub_server):
    hub = hub_server(versions=MYBINDER_VERSIONS)
    first = asyncio.run(drift_note(hub.url, REPO2DOCKER_VERSION))
    assert "repo2docker 2026.4.1.dev44-g97bb4e45a" in first and f"repo2docker {REPO2DOCKER_VERSION}" in first
    assert "may differ" in first
    assert asyncio.run(drift_note(hub.url, REPO2DOCKER_VERSION)) is None
    assert len(hub.requests) == 1  # not asked again


def test_the_same_version_says_nothing(hub_server):
    hub = hub_server(versions={"builder_info": {"repo2docker-version": "2026.04.0"}, "binderhub": "1.0"})
    assert asyncio.run(drift_note(hub.url, REPO2DOCKER_VERSION)) is None
    assert same_version("v2026.4.0", "2026.04.0") and not same_version("2026.4.1.dev44-g97bb4e45a", "2026.4.0")


@pytest.mark.parametrize("answer", [
    None,  # no /versions: 404
    {"builder_info": {}},
    {"builder_info": {"repo2docker-version": "2026.4.0\x1b[2J"}},  # escapes never reach a screen
    ["not", "a", "mapping"],
    {"builder_info": {"build_image": "docker.io/library/ubuntu:24.04"}},  # not repo2docker
])
def test_a_hub_that_does_not_say_is_said_nothing(hub_server, answer):
    hub = hub_server(versions=answer)
    assert asyncio.run(drift_note(hub.url, REPO2DOCKER_VERSION)) is None


def test_huge_compressed_or_slow_answers_are_not_read():
    """A raw server: 10 MB of JSON, a gzip body, and one that never answers, each within the time bound."""
    import socket
    import threading
    import time

    replies = {
        "huge": b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n" + b"[" + b"1," * 5_000_000 + b"1]",
        "gzip": b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n"
                % len(gzip.compress(json.dumps(MYBINDER_VERSIONS).encode())) + gzip.compress(
                    json.dumps(MYBINDER_VERSIONS).encode()),
        "silent": None,
    }
    for name, reply in replies.items():
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        held = []

        def serve() -> None:
            connection, _ = listener.accept()
            connection.recv(65536)
            held.append(connection)
            if reply is not None:
                try:
                    connection.sendall(reply)
                except OSError:
                    pass  # the client stopped reading, as it should

        threading.Thread(target=serve, daemon=True).start()
        started = time.monotonic()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
        assert asyncio.run(hub_repo2docker_version(url, timeout=1.0)) is None, name
        assert time.monotonic() - started < 5, name
        for connection in held:
            connection.close()
        listener.close()


def test_launch_says_it_once_on_stderr_and_keeps_the_json_contract(hub_server, make_project, capsys, shared_dir):
    hub = hub_server(versions=MYBINDER_VERSIONS)
    hub.add_capture("gh/me/demo/main", "ready-gh-fake-build.txt")
    project = make_project({"requirements.txt": "numpy\n", "index.ipynb": "{}"})
    argv = ["launch", str(project), "--hub", hub.url, "--repo", "me/demo", "--ref", "main", "--format", "json",
            "--no-browser"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert captured.err.count("repo2docker 2026.4.1.dev44-g97bb4e45a") == 1
    assert "2026.4.1.dev44" not in captured.out  # stdout stays the JSON lines of the contract
    assert json.loads(captured.out.splitlines()[-1])["result"] == "ready"
    assert hub.requests[0].path == "/build/gh/me/demo/main"  # the build is asked first
    assert main(argv) == 0
    assert "2026.4.1.dev44" not in capsys.readouterr().err  # said once
    assert [r.path for r in hub.requests].count("/versions") == 1
