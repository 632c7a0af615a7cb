"""Remote URL parsing shared by the Publish and Launch steps."""

import pytest

from wizard.core.common.remotes import github_url, parse_remote, strip_credentials


@pytest.mark.parametrize(
    ("url", "scheme", "host", "owner", "name"),
    [
        ("https://github.com/octo/analysis.git", "https", "github.com", "octo", "analysis"),
        ("https://github.com/octo/analysis", "https", "github.com", "octo", "analysis"),
        ("https://github.com/octo/analysis/", "https", "github.com", "octo", "analysis"),
        ("HTTPS://GitHub.com/Octo/Analysis.git", "https", "github.com", "Octo", "Analysis"),
        ("git@github.com:octo/analysis.git", "ssh", "github.com", "octo", "analysis"),
        ("git@github.com:octo/analysis", "ssh", "github.com", "octo", "analysis"),
        ("github.com:octo/analysis.git", "ssh", "github.com", "octo", "analysis"),
        ("ssh://git@github.com/octo/analysis.git", "ssh", "github.com", "octo", "analysis"),
        ("ssh://git@github.com:22/octo/analysis.git", "ssh", "github.com", "octo", "analysis"),
        ("git+ssh://git@github.com/octo/analysis.git", "ssh", "github.com", "octo", "analysis"),
        ("https://gitlab.com/group/sub/project.git", "https", "gitlab.com", "group/sub", "project"),
        ("http://127.0.0.1:8080/octo/analysis.git", "http", "127.0.0.1", "octo", "analysis"),
        ("git://github.com/octo/analysis.git", "git", "github.com", "octo", "analysis"),
        ("file:///srv/git/analysis.git", "file", "", "srv/git", "analysis"),
    ],
)
def test_parse_remote_forms(url, scheme, host, owner, name):
    remote = parse_remote(url)
    assert remote is not None
    assert (remote.scheme, remote.host, remote.owner, remote.name) == (scheme, host, owner, name)


def test_credentials_never_survive_parsing():
    remote = parse_remote("https://someone:ghp_secretsecretsecretsecret1234@github.com/octo/analysis.git")
    assert remote.url == "https://github.com/octo/analysis.git"
    assert "secret" not in repr(remote)
    assert strip_credentials("https://x-access-token:tok@github.com/o/n") == "https://github.com/o/n"
    assert strip_credentials("ssh://git@github.com/o/n.git") == "ssh://git@github.com/o/n.git"
    assert strip_credentials("git@github.com:o/n.git") == "git@github.com:o/n.git"


def test_github_helpers():
    remote = parse_remote("git@github.com:octo/analysis.git")
    assert remote.is_github and remote.slug == "octo/analysis"
    assert remote.https_url == "https://github.com/octo/analysis"
    assert not parse_remote("https://gitlab.com/a/b").is_github
    assert github_url("octo", "analysis") == "https://github.com/octo/analysis.git"


@pytest.mark.parametrize("url", ["", "   ", "not a url", "ftp://example.org/x.git", "https://", "C:", "a b:c/d"])
def test_rejects_what_git_would_not_accept(url):
    assert parse_remote(url) is None


from hypothesis import given, strategies as st  # noqa: E402


@given(st.text(max_size=80))
def test_parse_remote_never_crashes_and_never_keeps_a_password(text):
    remote = parse_remote(text)
    if remote is not None and "://" in remote.url:
        assert ":" not in remote.url.split("://", 1)[1].split("/", 1)[0].split("@", 1)[0] or "@" not in remote.url


@given(st.from_regex(r"[a-z][a-z0-9-]{0,15}", fullmatch=True), st.from_regex(r"[A-Za-z0-9_.-]{1,20}", fullmatch=True))
def test_all_forms_agree_on_owner_and_name(owner, name):
    name = name.strip(".") or "x"
    forms = [f"https://github.com/{owner}/{name}.git", f"git@github.com:{owner}/{name}.git",
             f"ssh://git@github.com/{owner}/{name}"]
    parsed = {(r.host, r.owner, r.name) for r in map(parse_remote, forms)}
    assert parsed == {("github.com", owner, name.removesuffix(".git"))}
