"""`binder-wizard workshop` end to end: link (JSON contract), split (plan, ask, never overwrite), warm on the
fake federation (one line per member, exit codes), plan, handout (the QR code beside the page decodes to
the link; never overwrites without a diff and a yes) and status."""

from __future__ import annotations

import io
import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.trees import git, lesson_repository
from tests.core.test_workshop_handout import decode_png
from tests.servers.federation import federation  # noqa: F401 - the fixture
from wizard.cli import main

LINK_KEYS = ["url", "badge_markdown", "env", "content", "branch", "target", "warnings"]


def workshop(*args: str) -> int:
    try:
        return main(["workshop", *args])
    except SystemExit as exit_:
        return exit_.code


@pytest.fixture
def project(tmp_path):
    return lesson_repository(tmp_path / "lesson", "git@github.com:teach-org/lesson.git")


@pytest.fixture
def fed(federation, shared_dir):
    fed = federation(keepalive=0.05)
    fed.add_capture("gh/teach-org/lesson/HEAD")
    return fed


def answer(monkeypatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


# --- link -----------------------------------------------------------------------------------------------------


def test_link_json_contract(project, capsys):
    assert workshop("link", str(project), "--env", "gh:teach-org/lesson-env", "--open", "notebooks/intro.ipynb",
                    "--format", "json") == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == LINK_KEYS
    assert out["env"] == "gh/teach-org/lesson-env/HEAD" and out["content"] == "https://github.com/teach-org/lesson"
    assert out["branch"] == "main" and out["target"] == "lab/tree/lesson/notebooks/intro.ipynb"
    assert out["warnings"] == [] and out["badge_markdown"] == f"[![Binder](https://mybinder.org/badge_logo.svg)]({out['url']})"
    inner = parse_qs(parse_qs(urlsplit(out["url"]).query)["urlpath"][0].split("?", 1)[1])
    assert inner == {"repo": [out["content"]], "urlpath": [out["target"]], "branch": ["main"]}


def test_link_warns_about_a_missing_file_and_an_environment_without_nbgitpuller(project, make_project, capsys):
    env = make_project({"environment.yml": "dependencies:\n  - numpy\n"}, name="lesson-env")
    git(env, "init", "-q", "-b", "main")
    git(env, "remote", "add", "origin", "https://github.com/teach-org/lesson-env.git")
    assert workshop("link", str(project), "--env", str(env), "--open", "day2.ipynb", "--format", "json") == 0
    captured = capsys.readouterr()
    warnings = json.loads(captured.out)["warnings"]
    assert warnings == [
        "teach-org/lesson-env does not install nbgitpuller, so the link opens without your content. The one-line "
        "fix: add the line `- nbgitpuller` under dependencies: in environment.yml.",
        "day2.ipynb is not in main of the content repository, so it will not open after the pull: commit and push "
        "it, or fix the name."]
    assert captured.err.count("warning: ") == 2


def test_link_text(project, capsys):
    assert workshop("link", str(project), "--env", "teach-org/lesson-env", "--content",
                    "https://github.com/teach-org/other", "--hub", "https://binder.example.org") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == ("Binder builds gh/teach-org/lesson-env/HEAD; nbgitpuller pulls https://github.com/teach-org/"
                        "other (its default branch).")
    assert lines[1].startswith("https://binder.example.org/v2/gh/teach-org/lesson-env/HEAD?urlpath=git-pull%3F")
    assert lines[3].startswith("[![Binder](https://binder.example.org/badge_logo.svg)](")


@pytest.mark.parametrize("args, words", [
    ((), "the following arguments are required: --env"),
    (("--env", "a:b:c"), "a GitHub repository is written owner/name"),
    (("--env", "me/env", "--branch", "HEAD"), "nbgitpuller pulls a branch or a tag"),
    (("--env", "me/env", "--content", "file:///srv/x"), "nbgitpuller cannot pull"),
    (("--env", "./nowhere"), "no such folder"),
])
def test_link_usage_errors_exit_2(project, capsys, args, words):
    assert workshop("link", str(project), *args) == 2
    assert words in capsys.readouterr().err


def test_link_without_origin_asks_for_content(make_project, capsys):
    bare = make_project({"a.ipynb": "{}"}, name="bare")
    assert workshop("link", str(bare), "--env", "me/env") == 2
    assert "no origin remote" in capsys.readouterr().err


# --- split ----------------------------------------------------------------------------------------------------


def test_split_shows_the_plan_asks_and_never_overwrites(project, tmp_path, capsys, monkeypatch):
    env_dir = tmp_path / "lesson-env"
    answer(monkeypatch, "n\n")
    assert workshop("split", str(project), "--env-dir", str(env_dir)) == 1
    err = capsys.readouterr().err
    assert "+ requirements.txt     requirements.txt, nbgitpuller added" in err and "Nothing written." in err
    assert not env_dir.exists()
    answer(monkeypatch, "y\n")
    assert workshop("split", str(project), "--env-dir", str(env_dir)) == 0
    out = capsys.readouterr().out
    assert (env_dir / "requirements.txt").read_text() == "numpy\nnbgitpuller\n"
    readme = (env_dir / "README.md").read_text()
    assert "[![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/teach-org/lesson-env/HEAD" \
           "?urlpath=git-pull%3Frepo%3Dhttps%253A%252F%252Fgithub.com%252Fteach-org%252Flesson%26branch%3Dmain)" in readme
    assert f"binder-wizard publish {env_dir} --remote https://github.com/teach-org/lesson-env" in out
    assert f"binder-wizard workshop link {project} --env gh:teach-org/lesson-env" in out
    (env_dir / "README.md").write_text("mine\n")
    assert workshop("split", str(project), "--env-dir", str(env_dir), "--yes") == 1
    assert "already has requirements.txt, README.md (split never overwrites)" in capsys.readouterr().err
    assert (env_dir / "README.md").read_text() == "mine\n"
    assert (project / "requirements.txt").read_text() == "numpy\n"  # the project keeps its files


def test_split_refuses_the_project_itself(project, capsys):
    assert workshop("split", str(project), "--env-dir", str(project), "--yes") == 2
    assert workshop("split", str(project), "--env-dir", str(project.parent), "--yes") == 2


def test_split_never_writes_through_a_link_out_of_the_new_folder(project, tmp_path, capsys):
    env_dir = tmp_path / "env"
    env_dir.mkdir()
    outside = tmp_path / "outside.txt"
    (env_dir / "requirements.txt").symlink_to(outside)  # dangling: writing it would create outside.txt
    assert workshop("split", str(project), "--env-dir", str(env_dir), "--env", "teach-org/lesson-env", "--yes") == 1
    assert "already has requirements.txt" in capsys.readouterr().err
    assert not outside.exists() and not (env_dir / "README.md").exists()


# --- warm -----------------------------------------------------------------------------------------------------


def test_warm_json_every_member_warm(project, fed, capsys):
    fed.add_cached("gh/teach-org/lesson/HEAD", "gamma")
    assert workshop("warm", str(project), "--hub", fed.url, "--format", "json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["warm"] is True and out["target"] == "gh/teach-org/lesson/HEAD"
    assert [(m["name"], m["result"], m["already_built"], m["stopped"]) for m in out["members"]] == [
        ("alpha", "warm", False, True), ("beta", "warm", False, True), ("gamma", "warm", True, True)]
    assert all(isinstance(m["seconds"], float) and m["error"] is None for m in out["members"])
    assert all(len(m.shutdowns) == 1 for m in fed.members.values())


def test_warm_text_one_line_per_member_and_exit_1_when_one_is_not_warm(project, fed, capsys):
    fed["beta"].repo_quota = 0
    assert workshop("warm", str(project), "--hub", fed.url) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"Warming gh/teach-org/lesson/HEAD on 3 members of {fed.url} at once…"
    members = sorted(lines[1:4])
    assert members[0].startswith(f"  ✓ alpha  {fed['alpha'].url}  warm in ") and members[0].endswith(" s (built now)")
    assert members[2].startswith(f"  ✗ beta   {fed['beta'].url}  failed after ")
    assert "Too many users running" in members[2]
    assert lines[4] == "2 of 3 members are warm."


def test_warm_given_members_and_a_plain_hub(project, fed, hub_server, capsys):
    assert workshop("warm", str(project), "--members", f"{fed['beta'].url},{fed['gamma'].url}", "--format",
                    "json") == 0
    assert [m["name"] for m in json.loads(capsys.readouterr().out)["members"]] == ["127.0.0.1", "127.0.0.1"]
    assert fed["alpha"].builds_asked == 0
    plain = hub_server(keepalive=0.05, hold_after_ready=0.5)
    plain.add_capture("gh/teach-org/lesson/HEAD", "ready-gh-fake-build.txt")
    assert workshop("warm", str(project), "--hub", plain.url) == 0
    assert "on 1 member of" in capsys.readouterr().out


def test_warm_rate_limited_member_says_when_to_retry(project, fed, capsys):
    import time

    fed["gamma"].rate_limited_until = time.time() + 3000
    assert workshop("warm", str(project), "--hub", fed.url) == 1
    gamma = next(line for line in capsys.readouterr().out.splitlines() if "gamma" in line)
    assert "rate limited after " in gamma and ": try again after " in gamma
    assert fed["gamma"].builds_asked == 1


def test_warm_usage_errors(project, capsys):
    assert workshop("warm", str(project), "--members", "ftp://x", "--hub", "http://127.0.0.1:9") == 2
    assert workshop("warm", str(project), "--ref", "bad..ref") == 2


# --- plan -----------------------------------------------------------------------------------------------------


@pytest.fixture
def today(monkeypatch):
    import datetime as dt

    monkeypatch.setattr("wizard.commands.workshop.today", lambda: dt.date(2026, 9, 1))


def test_plan_json_and_exit_codes(project, fed, today, capsys):
    fed["alpha"].pods = 60
    assert workshop("plan", str(project), "--attendees", "30", "--date", "2026-09-30", "--hub", fed.url,
                    "--format", "json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["capacity"] == 240 and out["days_left"] == 29 and out["per_repo_quota"] is None
    assert out["quota_request_needed"] is False and out["warm_from"] == "2026-09-23" and out["todo"] == []
    assert [m["free"] for m in out["members"]] == [40, 100, 100]
    assert workshop("plan", str(project), "--attendees", "300", "--date", "2026-09-30", "--hub", fed.url) == 1
    assert "fewer than your 300 attendees" in capsys.readouterr().out


def test_plan_text_with_the_quota_request(project, today, capsys, monkeypatch):
    async def no_members(hub, members="auto"):
        from wizard.core.launch.workshop.federation_adapter import Federation

        return Federation(hub, [], True)

    monkeypatch.setattr("wizard.commands.workshop._federation", no_members)
    assert workshop("plan", str(project), "--attendees", "150", "--date", "2026-09-10", "--hours", "3") == 1
    out = capsys.readouterr().out
    assert out.startswith("Workshop on 2026-09-10 (9 days left) for 150 attendees, on https://mybinder.org/\n")
    assert "Quota: 100 people may use one repository at once." in out
    assert "issues/new?template=request_resources.yml" in out
    assert "Repository link: https://github.com/teach-org/lesson" in out and "Dates and times: 2026-09-10, 3 hours" in out


@pytest.mark.parametrize("args", [("--attendees", "0", "--date", "2026-09-30"), ("--attendees", "5", "--date", "30/09"),
                                  ("--attendees", "5", "--date", "2026-02-30"), ("--attendees", "5", "--date",
                                                                                  "2026-08-31")])
def test_plan_usage_errors(project, today, args, capsys):
    assert workshop("plan", str(project), *args, "--hub", "http://127.0.0.1:9") == 2


# --- handout --------------------------------------------------------------------------------------------------


def test_handout_writes_the_page_and_a_qr_code_that_decodes_to_the_link(project, fed, tmp_path, capsys, monkeypatch):
    out = tmp_path / "slides" / "handout.md"
    args = ["handout", str(project), "--env", "teach-org/lesson-env", "--open", "notebooks/intro.ipynb", "--hub",
            fed.url, "--out", str(out)]
    assert workshop(*args) == 0
    assert "Wrote handout.md, handout-qr.png." in capsys.readouterr().out
    link = json.loads(_link_json(project, fed.url))["url"]
    page = out.read_text()
    assert f"**Start here:** <{link}>" in page and "![QR code of the link](handout-qr.png)" in page
    assert decode_png((out.parent / "handout-qr.png").read_bytes()) == link
    for name in ("alpha", "beta", "gamma"):  # the same link on every member
        assert f"* {name}: <{link.replace(fed.url, fed[name].url)}>" in page
    assert workshop(*args) == 0
    assert "up to date; nothing written" in capsys.readouterr().out
    # Another link: the diff is shown and a "no" keeps both files.
    before = (out.read_bytes(), (out.parent / "handout-qr.png").read_bytes())
    answer(monkeypatch, "n\n")
    changed = [a if a != "notebooks/intro.ipynb" else "lab" for a in args]
    assert workshop(*changed) == 1
    err = capsys.readouterr().err
    assert "--- a/handout.md" in err and "handout-qr.png (the QR code) is replaced" in err and "Nothing written." in err
    assert (out.read_bytes(), (out.parent / "handout-qr.png").read_bytes()) == before
    assert workshop(*changed, "--yes") == 0
    assert decode_png((out.parent / "handout-qr.png").read_bytes()) != link


def _link_json(project, hub) -> str:
    import contextlib

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        main(["workshop", "link", str(project), "--env", "teach-org/lesson-env", "--open", "notebooks/intro.ipynb",
              "--hub", hub, "--format", "json"])
    return buffer.getvalue()


def test_handout_without_link_options_uses_the_projects_own_launch_link(project, hub, capsys):
    assert workshop("handout", str(project), "--hub", hub.url, "--format", "html") == 0
    captured = capsys.readouterr()
    assert f'<a href="{hub.url}v2/gh/teach-org/lesson/HEAD">' in captured.out
    assert "<li>" in captured.out and "--out FILE" in captured.err
    assert workshop("handout", str(project), "--content", "https://github.com/x/y") == 2


def test_handout_never_writes_through_a_link_out_of_the_project(project, fed, tmp_path, capsys):
    target = tmp_path / "elsewhere.md"
    target.write_text("keep\n")
    (project / "handout.md").symlink_to(target)
    assert workshop("handout", str(project), "--hub", fed.url, "--out", str(project / "handout.md"), "--yes") == 2
    assert "handout.md is a link to a file outside the project: binder-wizard never writes through it" in \
        capsys.readouterr().err
    assert target.read_text() == "keep\n" and not (project / "handout-qr.png").exists()


# --- status ---------------------------------------------------------------------------------------------------


def test_status_json_and_text(fed, capsys):
    fed["alpha"].pods, fed["beta"].pods = 99, 20
    fed["gamma"].stop()
    assert workshop("status", "--hub", fed.url, "--format", "json") == 0
    out = json.loads(capsys.readouterr().out)
    assert [(m["name"], m["state"], m["free"]) for m in out["members"]] == [
        ("alpha", "available", 1), ("beta", "available", 80), ("gamma", "unreachable", None)]
    assert out["recommended"] == {"name": "beta", "url": fed["beta"].url} and out["federated"] is True
    assert workshop("status", "--hub", fed.url) == 0
    text = capsys.readouterr().out
    assert f"Send people to beta ({fed['beta'].url}): 80 free places." in text
    assert "nearly full: mybinder.org's redirector sends nobody new there" in text
    assert "gamma" in text and "unreachable: Could not connect" in text


def test_status_exit_1_when_no_member_takes_people(fed, capsys):
    for member in fed.members.values():
        member.healthy = False
    assert workshop("status", "--hub", fed.url) == 1
    assert "No member takes people right now." in capsys.readouterr().out
