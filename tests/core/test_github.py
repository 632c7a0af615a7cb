"""GitHub REST calls against the local stand-in that answers as GitHub documents."""

from __future__ import annotations

import socket

import pytest

from tests.servers.git_server import TEST_TOKEN
from wizard.core.publish import github_adapter
from wizard.core.publish import PublishError
from wizard.core.common.remotes import parse_remote


def test_create_public_repository(github_api):
    created = github_adapter.create_repository("analysis", TEST_TOKEN, github_api.url, description="My analysis")
    assert (created.owner, created.name, created.private) == ("octo-user", "analysis", False)
    assert created.html_url == "https://github.com/octo-user/analysis"
    method, path, auth = github_api.requests[-1]
    assert (method, path, auth) == ("POST", "/user/repos", f"Bearer {TEST_TOKEN}")
    assert github_api.repos[("octo-user", "analysis")]["private"] is False


def test_name_already_exists(github_api):
    github_api.add_repo("octo-user", "analysis")
    with pytest.raises(PublishError) as error:
        github_adapter.create_repository("analysis", TEST_TOKEN, github_api.url)
    assert error.value.kind == github_adapter.GitHubProblem.NAME_TAKEN
    assert "name already exists on this account" in error.value.detail


def test_bad_token_is_explained_and_never_shown(github_api):
    bad = "ghp_" + "BadBadBadBad" * 3
    with pytest.raises(PublishError) as error:
        github_adapter.create_repository("analysis", bad, github_api.url)
    assert error.value.kind == github_adapter.GitHubProblem.BAD_TOKEN
    assert "Bad credentials" in error.value.detail
    assert bad not in str(error.value) + error.value.detail


def test_no_token(github_api):
    with pytest.raises(PublishError) as error:
        github_adapter.create_repository("analysis", None, github_api.url)
    assert error.value.kind == github_adapter.GitHubProblem.NO_TOKEN and "gh auth login" in error.value.next_action
    assert github_api.requests == []


def test_github_unreachable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(PublishError) as error:
        github_adapter.create_repository("analysis", TEST_TOKEN, f"http://127.0.0.1:{port}")
    assert error.value.kind == github_adapter.GitHubProblem.NETWORK
    assert github_adapter.check_visibility("o", "n", f"http://127.0.0.1:{port}").public is None


def test_visibility_is_checked_without_a_token(github_api, monkeypatch):
    monkeypatch.setenv("GH_TOKEN", TEST_TOKEN)
    github_api.add_repo("octo-user", "public-one")
    github_api.add_repo("octo-user", "secret-one", private=True)
    public = github_adapter.check_visibility("octo-user", "public-one", github_api.url)
    assert public.public is True
    private = github_adapter.check_visibility("octo-user", "secret-one", github_api.url)
    assert private.public is False and "private" in private.explanation and "Binder" in private.explanation
    missing = github_adapter.check_visibility("octo-user", "nothing", github_api.url)
    assert missing.public is False
    assert all(auth == "" for method, path, auth in github_api.requests if method == "GET")


def test_token_sources(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no gh on PATH
    assert github_adapter.token_from_environment() is None
    monkeypatch.setenv("GITHUB_TOKEN", "from-github-token")
    assert github_adapter.token_from_environment() == github_adapter.Token("from-github-token", "GITHUB_TOKEN")
    monkeypatch.setenv("GH_TOKEN", "from-gh-token")
    assert github_adapter.token_from_environment().source == "GH_TOKEN"
    monkeypatch.delenv("GH_TOKEN")
    monkeypatch.delenv("GITHUB_TOKEN")
    gh = tmp_path / "gh"  # a stand-in gh CLI that prints a token like `gh auth token` does
    gh.write_text("#!/bin/sh\n[ \"$1 $2\" = 'auth token' ] && echo gho_fromghcli && exit 0\nexit 1\n")
    gh.chmod(0o755)
    assert github_adapter.token_from_environment() == github_adapter.Token("gho_fromghcli", "gh auth token")


def test_token_only_offered_to_github_hosts(monkeypatch):
    monkeypatch.setenv("GH_TOKEN", TEST_TOKEN)
    api = "https://api.github.com"
    assert github_adapter.git_token(parse_remote("https://github.com/o/n.git"), api) == TEST_TOKEN
    assert github_adapter.git_token(parse_remote("https://gitlab.com/o/n.git"), api) is None
    assert github_adapter.git_token(parse_remote("git@github.com:o/n.git"), api) is None  # ssh uses keys
    assert github_adapter.git_token(parse_remote("http://127.0.0.1:9/o/n.git"), "http://127.0.0.1:8") == TEST_TOKEN
    assert github_adapter.git_token(parse_remote("https://ghe.example.org/o/n.git"), "https://api.ghe.example.org") \
        == TEST_TOKEN
