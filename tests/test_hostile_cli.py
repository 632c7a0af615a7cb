"""Every headless command against what it does not control: hostile hubs (launch), links out of the project
(check, requirements, badge), files that cannot be written (badge --write, requirements --write), a stuck
project Python (requirements), credentials in URLs and arguments that cannot work (all of them)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.core.test_hostile_processes import gone, marker, stuck
from tests.servers.hostile_hub import gzip_bomb, sse, stream
from tests.servers.hostile_hub import hostile_hub  # noqa: F401 - the fixture
from wizard.cli import main

BUILD = "/build/gh/me/demo/HEAD"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def run(*argv: str) -> int:
    """The exit code, whether main returns it or argparse exits with it."""
    try:
        return main(list(argv))
    except SystemExit as exit_:
        return exit_.code


def no_control(text: str) -> bool:
    return not any(ord(c) < 32 and c not in "\n\t" or 0x7f <= ord(c) < 0xa0 or 0xd800 <= ord(c) < 0xe000
                   for c in text)


def saved_logs(project: Path) -> str:
    """Every saved build log and summary, as text (they must be valid UTF-8)."""
    folder = project / ".binder-wizard" / "logs"
    return "".join(p.read_bytes().decode("utf-8") for p in sorted(folder.iterdir())) if folder.is_dir() else ""


@pytest.fixture
def project(make_project):
    return make_project({"requirements.txt": "numpy\n", "index.ipynb": "{}", "README.md": "# Demo\n\nText.\n"})


@pytest.fixture
def browser(monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: opened.append(url))
    return opened


# --- launch against hostile hubs ------------------------------------------------------------------


@pytest.mark.parametrize("url", ["javascript:alert(document.cookie)", "file:///etc/passwd", "data:text/html,x",
                                 "//evil.example/", "https://mybinder.org@evil.example/"])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_launch_never_shows_saves_or_opens_a_link_that_is_not_a_web_link(hostile_hub, project, browser, capsys,
                                                                          url, fmt):
    hub = hostile_hub()
    hub.route(BUILD, stream([sse({"phase": "ready", "url": url, "token": "tok"})]))
    code = run("launch", str(project), "--hub", hub.url, "--repo", "me/demo", "--format", fmt)
    out, err = capsys.readouterr()
    assert code == 1 and browser == []
    assert "Your server" not in out and url not in out + err and "not an http(s) web link" in out + err
    if fmt == "json":
        final = json.loads(out.splitlines()[-1])
        assert final["result"] == "failed" and final["url"] is None and final["token"] is None
    summary = json.loads(next((project / ".binder-wizard" / "logs").glob("*.json")).read_text())
    assert summary["result"] == "failed" and summary["ready"] is None and url not in json.dumps(summary)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_launch_output_and_saved_log_never_hold_control_characters_or_crash(hostile_hub, project, browser, capsys,
                                                                            fmt):
    hub = hostile_hub()
    evil = "\x1b[2J\x1b]52;c;cm0gLXJmIH4=\x07\x9b31m\u202e\r\x00"
    hub.route(BUILD, stream([
        sse({"phase": f"Building{evil}", "message": f"lone \udc80 surrogate {evil} end\n"}),
        b'data: {"message": "bad utf-8 \xff\xfe\\n"}\n\n',
        sse({"phase": "ready", "url": f"{hub.url}user/me/", "token": f"t{evil}", "message": f"ok{evil}\n",
             "binder_launch_host": hub.url, "binder_persistent_request": "v2/gh/me/demo/abc"}),
    ]))
    code = run("launch", str(project), "--hub", hub.url, "--repo", "me/demo", "--format", fmt, "--no-browser")
    out, err = capsys.readouterr()
    assert code == 0
    assert "\x1b" not in out + err and "\x9b" not in out + err and "\udc80" not in out + err
    if fmt == "text":
        assert no_control(out + err) and "Your server" in out
    else:
        for line in out.splitlines():
            assert no_control(json.dumps(json.loads(line), ensure_ascii=False))
    log = saved_logs(project)
    assert "lone \ufffd surrogate" in log and no_control(log)


def test_launch_cuts_a_gzip_bomb_with_a_plain_error(hostile_hub, project, capsys):
    hub = hostile_hub()
    hub.route(BUILD, stream(lambda: gzip_bomb(64 * 2**30), headers=[("Content-Encoding", "gzip")]))
    started = time.monotonic()
    code = run("launch", str(project), "--hub", hub.url, "--repo", "me/demo", "--format", "json")
    final = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert code == 1 and time.monotonic() - started < 30
    assert final["error"].startswith("The hub sent a single message of more than 32 MB")


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_credentials_in_the_hub_address_never_leak(hostile_hub, project, browser, capsys, fmt):
    hub = hostile_hub()
    hub.route(BUILD, stream([sse({"message": "building\n"}), sse({"phase": "ready", "url": f"{hub.url}user/me/"})]))
    secret_hub = hub.url.replace("http://", "http://alice:hunter22@")
    code = run("launch", str(project), "--hub", secret_hub, "--repo", "me/demo", "--format", fmt, "--no-browser")
    out, err = capsys.readouterr()
    assert code == 0 and "hunter22" not in out + err + saved_logs(project)
    assert "the hub address holds a user name or password: it was removed" in err
    assert "alice" not in json.dumps(hub.requests)


def test_credentials_in_origin_and_repo_never_reach_links_or_badges(make_project, capsys):
    project = make_project({"README.md": "# Demo\n"})
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    subprocess.run(["git", "-C", str(project), "remote", "add", "origin",
                    "https://alice:ghp_abcdefghijklmnopqrstuvwxyz0123456789@gitlab.example.org/team/demo.git"], check=True)
    for fmt in ("url", "markdown", "html", "rst"):
        assert run("badge", str(project), "--format", fmt) == 0
        out, err = capsys.readouterr()
        assert "ghp_" not in out + err and "alice" not in out and "gitlab.example.org" in out
        assert "the origin remote holds a user name or password: it was removed" in err
    assert run("badge", str(project), "--provider", "git", "--repo", "https://bob:pw123456@git.example/x.git",
               "--write") == 0
    out, err = capsys.readouterr()
    assert "pw123456" not in out + err + (project / "README.md").read_text() and "--repo holds a user name" in err


# --- arguments that cannot work are usage errors -------------------------------------------------

BAD_HUBS = ["http://[::1", "https://[::1/x", "http://host:99999/", "javascript:alert(1)", "ftp://hub.example/",
            "http://hub example.org/", "http://\x1b[2Jhub/", "https://", "http://:80/", "file:///etc/passwd"]


@pytest.mark.parametrize("command", ["launch", "badge"])
@pytest.mark.parametrize("hub", BAD_HUBS)
def test_a_hub_that_cannot_work_is_one_line_and_exit_2(project, capsys, command, hub):
    assert run(command, str(project), "--repo", "me/demo", "--hub", hub) == 2
    out, err = capsys.readouterr()
    assert err.startswith("binder-wizard: ") and err.count("\n") == 1 and "Traceback" not in err
    assert no_control(err) and out == ""


@pytest.mark.parametrize("command", ["launch", "badge"])
@pytest.mark.parametrize("option", [
    ("--ref", "../../../../evil"), ("--ref", "main\nHEAD"), ("--ref", "a b"), ("--ref", "x\x1b[2J"),
    ("--ref=-x",), ("--ref", "main@{1}"), ("--repo", "me/.."), ("--repo", "../me"), ("--repo", "me/demo?x=1"),
    ("--repo", "me/demo\x1b]52;c;x\x07"), ("--open", "x\x1b[2J.ipynb"), ("--open", "a\nb")])
def test_refs_repositories_and_what_to_open_that_cannot_work(project, capsys, command, option):
    assert run(command, str(project), "--hub", "https://hub.example/", "--repo", "me/demo", *option) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and no_control(err)


@pytest.mark.parametrize("timeout", ["nan", "inf", "-1", "0", "abc", "1e999"])
def test_a_timeout_that_cannot_work(project, capsys, timeout):
    assert run("launch", str(project), "--repo", "me/demo", "--timeout", timeout) == 2
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("command", [["check"], ["requirements"], ["publish", "-y"], ["launch"], ["badge"]])
@pytest.mark.parametrize("path", ["/no/such/folder", "/tmp/" + "x" * 5000, "a\x1b[2Jb"])
def test_a_project_folder_that_cannot_be_used(capsys, command, path):
    assert run(command[0], path, *command[1:]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and len(err) < 400 and no_control(err) and "Traceback" not in err


@pytest.mark.parametrize("command", ["check", "requirements"])
@pytest.mark.parametrize("url", ["http://[::1", "javascript:x", "https://", "http://a b/"])
def test_an_index_url_that_cannot_work(project, capsys, command, url):
    extra = ["--resolve"] if command == "check" else []
    assert run(command, str(project), *extra, "--index-url", url) == 2
    assert "Traceback" not in capsys.readouterr().err


# --- links out of the project ----------------------------------------------------------------------


@pytest.fixture
def credentials(tmp_path) -> Path:
    path = tmp_path / "home" / ".aws" / "credentials"
    path.parent.mkdir(parents=True)
    path.write_text(f"[default]\naws_secret_access_key = {SECRET}\n")
    return path


@pytest.mark.parametrize("shape", ["absolute", "relative", "chain", "binder folder", "environment.yml"])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_check_never_quotes_a_file_linked_from_outside(make_project, credentials, capsys, shape, fmt):
    project = make_project({"analysis.py": "import numpy\n"})
    if shape == "absolute":
        os.symlink(credentials, project / "requirements.txt")
    elif shape == "relative":
        os.symlink(os.path.relpath(credentials, project), project / "requirements.txt")
    elif shape == "chain":
        os.symlink(credentials, project / "secret.txt")
        os.symlink("secret.txt", project / "requirements.txt")
    elif shape == "binder folder":
        os.symlink(credentials.parent, project / "binder")
        (credentials.parent / "requirements.txt").write_text(f"{SECRET}==1\n")
    else:
        os.symlink(credentials, project / "environment.yml")
    run("check", str(project), "--format", fmt)
    out, err = capsys.readouterr()
    assert SECRET not in out + err and "aws_secret" not in out + err
    assert "outside the project" in out


def test_requirements_never_reads_or_writes_a_file_linked_from_outside(make_project, credentials, capsys):
    project = make_project({"analysis.py": "import numpy\n"})
    os.symlink(credentials, project / "requirements.txt")
    before = credentials.read_text()
    run("requirements", str(project))
    out, err = capsys.readouterr()
    assert SECRET not in out + err
    code = run("requirements", str(project), "--write", "--yes")
    out, err = capsys.readouterr()
    assert code != 0 and SECRET not in out + err and "outside the project" in err
    assert credentials.read_text() == before


def test_badge_write_never_writes_through_a_readme_linked_from_outside(make_project, credentials, capsys):
    project = make_project({})
    os.symlink(credentials, project / "README.md")
    before = credentials.read_text()
    assert run("badge", str(project), "--repo", "me/demo", "--write") == 2
    out, err = capsys.readouterr()
    assert SECRET not in out + err and "outside the project" in err and "does not write through it" in err
    assert credentials.read_text() == before


# --- files that cannot be written ------------------------------------------------------------------


@pytest.fixture
def immutable_readme(project):
    path = project / "README.md"
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
        pytest.skip("cannot mark a file immutable here")
    yield path
    subprocess.run(["chattr", "-i", str(path)], check=False)


def test_badge_write_to_an_immutable_readme(project, immutable_readme, capsys):
    assert run("badge", str(project), "--repo", "me/demo", "--write") == 1
    err = capsys.readouterr().err
    assert "Could not write README.md" in err and "chattr -i" in err and err.count("\n") == 1
    assert immutable_readme.read_text() == "# Demo\n\nText.\n"


def test_requirements_write_to_an_immutable_file(make_project, capsys):
    project = make_project({"analysis.py": "import numpy\n", "requirements.txt": "pandas\n"})
    path = project / "requirements.txt"
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
        pytest.skip("cannot mark a file immutable here")
    try:
        code = run("requirements", str(project), "--write", "--yes", "--pin", "none")
        err = capsys.readouterr().err
        assert code == 1 and "Could not write requirements.txt" in err and "Traceback" not in err
        assert path.read_text() == "pandas\n"
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=False)


def test_badge_write_where_readme_is_a_folder(project, capsys):
    (project / "README.md").unlink()
    (project / "README.md").mkdir()
    assert run("badge", str(project), "--repo", "me/demo", "--write") == 2
    err = capsys.readouterr().err
    assert "README.md is a folder" in err and err.count("\n") == 1


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("unshare") is None, reason="needs root and unshare")
@pytest.mark.parametrize("case", ["full", "read-only"])
def test_write_commands_on_a_full_or_read_only_disk(tmp_path, case):
    """In a private mount namespace (nothing leaks to the machine): a real 64 KB tmpfs, full or read-only."""
    import sys

    disk = tmp_path / "disk"
    disk.mkdir()
    fill = f"dd if=/dev/zero of={disk}/filler bs=4k 2>/dev/null; " if case == "full" else ""
    lock = f"mount -o remount,ro {disk}; " if case == "read-only" else ""
    wizard = f"{sys.executable} -m wizard"
    script = (
        f"mount -t tmpfs -o size=64k tmpfs {disk} || exit 99; cd {disk}; mkdir p; cd p; "
        "printf '# Demo\\n' > README.md; printf 'import numpy\\n' > a.py; printf 'pandas\\n' > requirements.txt; "
        f"{fill}{lock}"
        f"{wizard} badge --repo me/demo --write; echo badge=$?; {wizard} requirements --write --yes --pin none; echo req=$?; "
        "cat README.md requirements.txt; ls -a")
    done = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).parents[1], env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    if done.returncode == 99 or "badge=" not in done.stdout:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr[-300:]}")
    reason = "the disk is full" if case == "full" else "the file system is read-only"
    assert "badge=1" in done.stdout and "req=1" in done.stdout, done.stdout + done.stderr
    assert f"Could not write README.md: {reason}. It is unchanged." in done.stderr
    assert f"Could not write requirements.txt: {reason}. It is unchanged." in done.stderr
    assert "Traceback" not in done.stderr and "# Demo\npandas\n" in done.stdout and ".tmp" not in done.stdout


# --- a stuck project Python ---------------------------------------------------------------------------


def test_requirements_is_not_held_by_a_stuck_project_python(make_project, monkeypatch, capsys):
    from wizard.core.environment.deps import project_python_adapter

    project = make_project({"analysis.py": "import numpy\n"})
    seconds = marker()
    stuck(project / ".venv" / "bin", seconds, "python")
    monkeypatch.setattr(project_python_adapter, "QUERY_TIMEOUT", 1)
    started = time.monotonic()
    run("requirements", str(project))
    out, err = capsys.readouterr()
    assert time.monotonic() - started < 10 and "did not answer in 1 s" in err and "numpy" in out
    assert gone(seconds)


@pytest.mark.parametrize("include", ["-r ../home/.aws/credentials", "--requirement=../home/.aws/credentials",
                                     "-r sub/../../home/.aws/credentials", "-c ../home/.aws/credentials"])
def test_an_include_that_climbs_out_of_the_project_is_never_read(make_project, credentials, capsys, include):
    credentials.write_text("super-secret-token-1234\n")  # a line that would parse as a package name
    project = make_project({"analysis.py": "import numpy\n", "requirements.txt": f"numpy\n{include}\n"})
    for command in (["requirements", "--format", "json"], ["requirements"], ["check", "--format", "json"]):
        run(command[0], str(project), *command[1:])
        out, err = capsys.readouterr()
        assert "super-secret" not in out + err, command


@pytest.mark.parametrize("write", [None, "requirements.txt", "{project}/requirements.txt", "{project}/sub/../requirements.txt"])
def test_requirements_write_never_follows_a_link_out_whatever_the_file_is_called(make_project, credentials, capsys,
                                                                                 monkeypatch, write):
    project = make_project({"analysis.py": "import numpy\n"})
    (project / "sub").mkdir()
    os.symlink(credentials, project / "requirements.txt")
    monkeypatch.chdir(project)
    before = credentials.read_text()
    option = ["--write"] if write is None else ["--write", write.format(project=project)]
    code = run("requirements", str(project), *option, "--yes")
    out, err = capsys.readouterr()
    assert code != 0 and SECRET not in out + err and "outside the project" in err
    assert credentials.read_text() == before and (project / "requirements.txt").is_symlink()
