"""`binder-wizard launch` against the local BinderHub: JSON-lines contract, text output, exit codes."""

from __future__ import annotations

import json
import subprocess
import time

import pytest

from tests.servers.hub_server import sse
from wizard.cli import main

FINAL_KEYS = ["result", "launch_url", "url", "token", "persistent_url", "error", "problems"]


def launch(*args: str) -> int:
    """The exit code, whether main returns it or argparse exits with it."""
    try:
        return main(["launch", *args])
    except SystemExit as exit_:
        return exit_.code


def json_lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


@pytest.fixture
def project(make_project):
    return make_project({"requirements.txt": "numpy\n", "index.ipynb": "{}"})


def test_json_ready(hub, project, capsys, shared_dir):
    hub.add_capture("gh/me/demo/main", "ready-gh-fake-build.txt")
    started = time.monotonic()
    code = launch(str(project), "--hub", hub.url, "--repo", "me/demo", "--ref", "main", "--format", "json",
                  "--no-browser")
    assert code == 0 and time.monotonic() - started < 5
    lines = json_lines(capsys.readouterr().out)
    *events, final = lines
    assert all(list(e) == ["phase", "message"] for e in events)
    assert events[0] == {"phase": "waiting", "message": "Waiting for build to start...\n"}
    assert events[1]["phase"] == "pending"  # lower-cased
    assert list(final) == FINAL_KEYS
    assert final == {
        "result": "ready",
        "launch_url": f"{hub.url}v2/gh/me/demo/main",
        "url": f"{hub.url}user/me-demo-9yvtq7ou/",
        "token": "s3Ya8IeaQHaVpVwCFWKC2Q",
        "persistent_url": "http://127.0.0.1:8585/v2/gh/me/demo/fad5ba17bd2522372db81bdc38753c4fc21cdd8d",
        "error": None,
        "problems": [],
    }
    logs = list((project / ".binder-wizard" / "logs").glob("*.log"))
    assert len(logs) == 1 and "Waiting for build to start" in logs[0].read_text()


def test_json_failed_build_exits_1_promptly(hub, project, capsys, shared_dir):
    hub.add_capture("git/git%3A%2F%2F127.0.0.1%3A9418%2Fdemo.git/broken", "failed-broken-environment-yml.txt")
    started = time.monotonic()
    code = launch(str(project), "--hub", hub.url, "--provider", "git", "--repo", "git://127.0.0.1:9418/demo.git", "--ref", "broken",
                  "--format", "json")
    assert code == 1 and time.monotonic() - started < 5
    *events, final = json_lines(capsys.readouterr().out)
    assert events[-1]["phase"] == "failed"
    assert final["result"] == "failed" and final["url"] is None and final["token"] is None
    assert final["error"].startswith("The build failed")


def test_json_failed_build_explains_itself_in_the_final_object(hub, make_project, capsys, shared_dir):
    """What the text output says below "Failed:" is in the JSON too: a JSON user learns the file and line."""
    project = make_project({"environment.yml": "name: x\ndependencies:\n  - python=3.11\n  - pip\n   - bad: [indent\n"})
    hub.add_capture("git/git%3A%2F%2F127.0.0.1%3A9418%2Fdemo.git/broken", "failed-broken-environment-yml.txt")
    assert launch(str(project), "--hub", hub.url, "--provider", "git", "--repo", "git://127.0.0.1:9418/demo.git",
                  "--ref", "broken", "--format", "json") == 1
    final = json_lines(capsys.readouterr().out)[-1]
    assert final["error"] == "The build failed: environment.yml is not valid YAML (line 5)."
    [problem] = final["problems"]
    assert list(problem) == ["title", "explanation", "fix", "file", "line"]
    assert (problem["title"], problem["file"], problem["line"]) == ("environment.yml is not valid YAML",
                                                                    "environment.yml", 5)
    assert "mapping values are not allowed here" in problem["explanation"]
    assert problem["fix"] == "Fix the indentation at line 5 of environment.yml in step 1."


def test_json_events_are_printed_as_the_hub_sent_them(hub, project, capsys):
    """An event without a phase is not filed under the previous one; a bare failed stays bare."""
    no_env = "No environment specification found. See https://repo2docker.readthedocs.io/ for supported files.\n"
    hub.add_build("gh/me/demo/HEAD", [sse({"phase": "fetching", "message": "Picked Git content provider.\n"}),
                                      sse({"message": no_env}), sse({"phase": "failed"})], after="forever")
    assert launch(str(project), "--hub", hub.url, "--repo", "me/demo", "--format", "json") == 1
    *events, final = json_lines(capsys.readouterr().out)
    assert events == [{"phase": "fetching", "message": "Picked Git content provider.\n"},
                      {"phase": None, "message": no_env}, {"phase": "failed"}]
    assert [p["title"] for p in final["problems"]] == ["Binder found no environment file"]
    assert final["error"] == "The build failed: Binder found no environment file (requirements.txt)."


def test_json_events_keep_their_status_code_and_a_429_says_when_to_retry(hub_server, project, capsys):
    hub = hub_server(rate_limit=0)
    hub.add_build("gh/me/demo/HEAD", [sse({"phase": "ready", "url": hub.url + "user/x/", "token": "t"})])
    assert launch(str(project), "--hub", hub.url, "--repo", "me/demo", "--format", "json") == 1
    *events, final = json_lines(capsys.readouterr().out)
    assert events[-1]["phase"] == "failed" and events[-1]["status_code"] == 429
    assert "Try again after" in final["error"] and "min)" in final["error"]


def test_connection_refused_names_the_port(project, capsys):
    import socket

    with socket.socket() as probe:  # a port nothing listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code = launch(str(project), "--hub", f"http://127.0.0.1:{port}", "--repo", "me/demo", "--format", "json")
    final = json_lines(capsys.readouterr().out)[-1]
    assert code == 1 and f"127.0.0.1 port {port}" in final["error"] and "refused" in final["error"]


def test_persistent_url_keeps_what_open_chose(hub, project, capsys, shared_dir):
    hub.add_capture("gh/me/demo/main", "ready-gh-fake-build.txt")
    assert launch(str(project), "--hub", hub.url, "--repo", "me/demo", "--ref", "main", "--open", "index.ipynb",
                  "--format", "json", "--no-browser") == 0
    final = json_lines(capsys.readouterr().out)[-1]
    assert final["persistent_url"] == ("http://127.0.0.1:8585/v2/gh/me/demo/fad5ba17bd2522372db81bdc38753c4fc21cdd8d"
                                       "?urlpath=%2Fdoc%2Ftree%2Findex.ipynb")
    assert final["launch_url"].endswith("?urlpath=%2Fdoc%2Ftree%2Findex.ipynb")


def test_timeout_exits_1(hub_server, project, capsys):
    hub = hub_server(keepalive=0.05)
    hub.add_build("gh/me/demo/HEAD", [sse({"phase": "waiting", "message": "w\n"})], after="forever")
    code = launch(str(project), "--hub", hub.url, "--repo", "me/demo", "--format", "json", "--timeout", "0.5")
    assert code == 1
    final = json_lines(capsys.readouterr().out)[-1]
    assert final["result"] == "failed" and "Gave up after 0.5 s" in final["error"]


def test_escape_sequences_do_not_reach_json_or_text(hub, project, capsys):
    hub.add_build("gh/me/demo/HEAD", [sse({"phase": "building", "message": "a\x1b]52;c;eA==\x07b\x1b[2Jc\n"}),
                                      sse({"phase": "ready", "url": hub.url + "user/x/", "token": "t"})])
    assert launch(str(project), "--hub", hub.url, "--repo", "me/demo", "--format", "json", "--no-browser") == 0
    assert json_lines(capsys.readouterr().out)[0]["message"] == "abc\n"
    assert launch(str(project), "--hub", hub.url, "--repo", "me/demo", "--no-browser") == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "abc" in out


def test_text_mode_plain_lines_and_triage(hub, make_project, capsys, shared_dir):
    project = make_project({"environment.yml": "name: x\ndependencies:\n  - python=3.11\n  - pip\n   - bad: [indent\n"})
    hub.add_capture("git/git%3A%2F%2F127.0.0.1%3A9418%2Fdemo.git/broken", "failed-broken-environment-yml.txt")
    code = launch(str(project), "--hub", hub.url, "--provider", "git", "--repo", "git://127.0.0.1:9418/demo.git", "--ref", "broken")
    captured = capsys.readouterr()
    assert code == 1
    assert "── fetching" in captured.out and "HEAD is now at 7173c0f broken env" in captured.out
    assert "Failed: The build failed: environment.yml is not valid YAML (line 5)." in captured.err
    assert "What to do: Fix the indentation at line 5 of environment.yml in step 1.\n" in captured.err
    assert "Build log saved in .binder-wizard/logs/" in captured.out


def test_text_mode_ready_opens_the_browser(hub, project, capsys, monkeypatch, shared_dir):
    opened = []
    monkeypatch.setattr("webbrowser.open", opened.append)
    hub.add_capture("gh/me/demo/main", "ready-gh-fake-build.txt")
    assert launch(str(project), "--hub", hub.url, "--repo", "me/demo", "--ref", "main", "--open", "index.ipynb") == 0
    out = capsys.readouterr().out
    server = f"{hub.url}user/me-demo-9yvtq7ou/doc/tree/index.ipynb?token=s3Ya8IeaQHaVpVwCFWKC2Q"
    assert opened == [server]
    assert "Ready!" in out and server in out
    assert f"{hub.url}v2/gh/me/demo/main?urlpath=%2Fdoc%2Ftree%2Findex.ipynb" in out


def test_warm_cache_stops_the_server(hub, project, capsys, monkeypatch, shared_dir):
    monkeypatch.setattr("webbrowser.open", lambda url: pytest.fail("warm-cache must not open a browser"))
    hub.add_capture("gh/me/demo/main", "ready-gh-fake-build.txt")
    assert launch(str(project), "--hub", hub.url, "--repo", "me/demo", "--ref", "main", "--warm-cache") == 0
    assert len(hub.shutdowns) == 1
    assert "server was stopped" in capsys.readouterr().err


def test_hub_fault_exit_1_with_plain_message(project, capsys):
    code = launch(str(project), "--hub", "http://no-such-hub.invalid", "--repo", "me/demo", "--format", "json")
    final = json_lines(capsys.readouterr().out)[-1]
    assert code == 1 and final["error"].startswith("Could not find the hub no-such-hub.invalid")


def test_default_target_and_ref_from_origin(hub, make_project, capsys):
    project = make_project({"requirements.txt": "numpy\n"})
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    subprocess.run(["git", "-C", str(project), "remote", "add", "origin", "https://github.com/me/demo.git"], check=True)
    hub.add_build("gh/me/demo/HEAD", [sse({"phase": "ready", "url": hub.url + "user/x/", "token": "t"})])
    assert launch(str(project), "--hub", hub.url, "--format", "json", "--no-browser") == 0
    assert hub.requests[0].path == "/build/gh/me/demo/HEAD"


@pytest.mark.parametrize("args", [
    ["--provider", "nope", "--repo", "a/b"],
    ["--timeout", "-1", "--repo", "a/b"],
    ["--timeout", "soon", "--repo", "a/b"],
    ["--format", "xml", "--repo", "a/b"],
    ["--hub", "ftp://hub.example.org", "--repo", "a/b"],
    ["--repo", "not-a-slug"],
    [],  # no origin remote and no --repo
])
def test_usage_errors_exit_2(project, args, capsys):
    assert launch(str(project), *args) == 2
    assert capsys.readouterr().err


def test_missing_folder_exits_2(tmp_path, capsys):
    assert launch(str(tmp_path / "nope"), "--repo", "a/b") == 2
    assert "no such folder" in capsys.readouterr().err


def test_launch_goes_on_when_the_log_cannot_be_saved(hub, project, capsys):
    hub.add_build("gh/me/demo/HEAD", [sse({"phase": "ready", "url": hub.url + "user/x/", "token": "t"})])
    (project / ".binder-wizard").write_text("a file where the logs folder should be\n")
    assert launch(str(project), "--hub", hub.url, "--repo", "me/demo", "--format", "json", "--no-browser") == 0
    captured = capsys.readouterr()
    assert "cannot be saved" in captured.err and json_lines(captured.out)[-1]["result"] == "ready"
    assert (project / ".binder-wizard").read_text() == "a file where the logs folder should be\n"


def test_the_project_git_facts_are_read_once(hub, make_project, capsys, monkeypatch):
    """One look at .git and one git command per fact, however many parts of the launch use them."""
    import wizard.core.common.git_facts as git_facts
    import wizard.core.common.git_facts_adapter as adapter

    project = make_project({"requirements.txt": "numpy\n", "index.ipynb": "{}"})
    subprocess.run(["git", "init", "-q", "-b", "main", str(project)], check=True)
    subprocess.run(["git", "-C", str(project), "remote", "add", "origin", "https://github.com/me/demo.git"], check=True)
    subprocess.run(["git", "-C", str(project), "add", "."], check=True)
    subprocess.run(["git", "-C", str(project), "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q",
                    "-m", "init"], check=True)
    looked, asked = [], []
    real_git_dir, real_git = git_facts._git_dir, adapter._git
    monkeypatch.setattr(git_facts, "_git_dir", lambda path: looked.append(path) or real_git_dir(path))
    monkeypatch.setattr(adapter, "_git", lambda path, *args: asked.append(args[0]) or real_git(path, *args))
    hub.add_build("gh/me/demo/HEAD", [sse({"phase": "ready", "url": hub.url + "user/x/", "token": "t"})])
    assert launch(str(project), "--hub", hub.url, "--open", "index.ipynb", "--format", "json", "--no-browser") == 0
    assert looked == [project]
    assert sorted(asked) == ["for-each-ref", "for-each-ref", "ls-tree", "rev-parse"]  # facts; files for --open
    assert "/.binder-wizard/" in (project / ".git" / "info" / "exclude").read_text()  # the build log used them too


def test_the_settings_default_provider_and_interface_apply(hub, project, capsys, monkeypatch, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('default_provider = "gl"\ndefault_interface = "lab"\n')
    monkeypatch.setenv("BINDER_WIZARD_CONFIG", str(config))
    hub.add_build("gl/group%2Fproj/HEAD", [sse({"phase": "ready", "url": hub.url + "user/x/", "token": "t"})])
    assert launch(str(project), "--hub", hub.url, "--repo", "group/proj", "--format", "json", "--no-browser") == 0
    assert hub.requests[0].path == "/build/gl/group%2Fproj/HEAD"
    assert json_lines(capsys.readouterr().out)[-1]["launch_url"] == f"{hub.url}v2/gl/group%2Fproj/HEAD?urlpath=lab"
    assert launch(str(project), "--hub", hub.url, "--repo", "group/proj", "--open", "classic:", "--format", "json",
                  "--no-browser") == 0  # --open wins
    assert json_lines(capsys.readouterr().out)[-1]["launch_url"].endswith("?urlpath=%2Ftree")
