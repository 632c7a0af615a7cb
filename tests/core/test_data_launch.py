"""Issue 17 in step 3: opening a terminal (links carry urlpath=terminals/1), and private GitHub repositories
explained before a launch on mybinder.org (GitHub's API asked without a token: the local stand-in)."""

from __future__ import annotations

import subprocess

import pytest

from tests.servers.git_server import TEST_TOKEN
from wizard.cli import main
from wizard.core.launch.access_adapter import github_public, is_mybinder, private_repository_note
from wizard.core.launch.links import OpenTarget, Target, launch_url, open_target_for, server_url


def test_open_terminal_gives_the_terminal_urlpath_in_link_badge_and_redirect():
    assert open_target_for("terminal") == OpenTarget("terminal")
    assert OpenTarget("terminal").label == "a terminal"
    url = launch_url("https://mybinder.org", Target("gh", "me/demo"), open_target_for("terminal"))
    assert url == "https://mybinder.org/v2/gh/me/demo/HEAD?urlpath=terminals%2F1"
    assert server_url({"url": "https://hub.example.org/user/me-demo-x/", "token": "t"}, OpenTarget("terminal")) == \
        "https://hub.example.org/user/me-demo-x/terminals/1?token=t"


def test_badge_open_terminal(make_project, capsys):
    project = make_project({"requirements.txt": "numpy==2.1.0\n"})
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=project, check=True)
    subprocess.run(["git", "remote", "add", "origin", "https://github.com/me/demo.git"], cwd=project, check=True)
    assert main(["badge", str(project), "--open", "terminal", "--format", "url"]) == 0
    assert capsys.readouterr().out == "https://mybinder.org/v2/gh/me/demo/HEAD?urlpath=terminals%2F1\n"


def test_which_hubs_are_mybinder():
    assert is_mybinder("https://mybinder.org/") and is_mybinder("https://gke.mybinder.org/")
    assert not is_mybinder("https://hub.example.org/") and not is_mybinder("https://notmybinder.org/")


@pytest.fixture
def github(github_api):
    github_api.add_repo("me", "open-data")
    github_api.add_repo("me", "secret-data", private=True)
    return github_api


def test_github_visibility_is_asked_without_a_token(github, monkeypatch):
    monkeypatch.setenv("GH_TOKEN", TEST_TOKEN)  # the owner's token would show the private one: it is not sent
    assert github_public("me/open-data", github.url) is True
    assert github_public("me/secret-data", github.url) is False
    assert github_public("me/no-such-repo", github.url) is False
    assert {auth for _, _, auth in github.requests} == {""}
    assert github_public("me/open-data", "http://127.0.0.1:9") is None  # nothing listening: cannot tell


def test_a_private_repository_on_mybinder_is_explained(github):
    note = private_repository_note("gh", "me/secret-data", "https://mybinder.org/", github.url, where_hub="--hub URL")
    assert note is not None
    assert "mybinder.org cannot build a private repository" in note
    assert "BinderHub with authentication" in note and "--hub URL" in note and "BINDER_WIZARD_HUB_TOKEN" in note
    assert private_repository_note("gh", "me/open-data", "https://mybinder.org/", github.url, where_hub="") is None


def test_other_hubs_and_providers_are_not_asked(github):
    asked = len(github.requests)
    assert private_repository_note("gh", "me/secret-data", "https://hub.example.org/", github.url, where_hub="") is None
    assert private_repository_note("gl", "me/secret-data", "https://mybinder.org/", github.url, where_hub="") is None
    assert len(github.requests) == asked
