"""`binder-wizard publish`: the headless contract (options, stdout = pushed SHA, exit codes 0/1/2)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from tests.servers.git_server import TEST_TOKEN, branch_sha, commit_on_remote, force_updates, git, snapshot
from wizard.cli import main
from wizard.core import publish as publish_api

FILES = {"analysis.ipynb": '{"cells": []}\n', "requirements.txt": "numpy\n", "data/small.csv": "a,b\n1,2\n"}


def publish(capsys, *args, answers: str | None = None, monkeypatch=None):
    if answers is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(answers))
    try:
        code = main(["publish", *map(str, args)])
    except SystemExit as exit_:  # argparse's own usage errors
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def with_identity(project: Path) -> Path:
    publish_api.init_repo(project)
    publish_api.set_identity(project, "Ada Lovelace", "ada@example.org")
    return project


def working_tree(project: Path) -> dict:
    return snapshot(project)["files"]


def test_fresh_folder_to_verified_push_with_token(make_project, git_http_auth_server, monkeypatch, capsys):
    project = with_identity(make_project(FILES))
    bare = git_http_auth_server.create("analysis")
    monkeypatch.setenv("GH_TOKEN", TEST_TOKEN)
    # the token is offered to the host of the configured GitHub API only: here the local servers' host
    Path(os.environ["BINDER_WIZARD_CONFIG"]).write_text('github_api = "http://127.0.0.1:1"\n')
    code, out, err = publish(capsys, project, "--remote", git_http_auth_server.url("analysis"), "--yes",
                             "-m", "First version")
    assert code == 0, err
    sha = out.strip()
    assert sha == branch_sha(bare) == git(project, "rev-parse", "HEAD")
    assert git(project, "log", "-1", "--format=%s") == "First version"
    assert git(project, "ls-tree", "-r", "--name-only", sha).splitlines() == sorted(FILES)
    assert git(project, "rev-parse", "--abbrev-ref", "main@{upstream}") == "origin/main"
    for text in (out, err, (project / ".git" / "config").read_text()):
        assert TEST_TOKEN not in text
    assert not any(TEST_TOKEN in p for p in git_http_auth_server.seen_paths)


def test_token_never_sent_to_other_hosts(make_project, git_http_auth_server, monkeypatch, capsys):
    project = with_identity(make_project(FILES))
    git_http_auth_server.create("analysis")
    monkeypatch.setenv("GH_TOKEN", TEST_TOKEN)  # default config: the token belongs to github.com only
    code, out, err = publish(capsys, project, "--remote", git_http_auth_server.url("analysis"), "--yes")
    assert code == 1 and out == ""
    assert "The server 127.0.0.1 asked who you are" in err and "BINDER_WIZARD_GIT_TOKEN" in err
    assert git_http_auth_server.seen_users == []
    assert git(project, "rev-parse", "--verify", "-q", "HEAD", check=False) == ""  # checked before committing


@pytest.fixture
def gitea_like_server(tmp_path):
    """An HTTPS-style remote that is not GitHub: basic auth as ada / s3cret-pass."""
    from tests.servers.git_server import GitHTTPServer

    root = tmp_path / "other-host"
    root.mkdir()
    server = GitHTTPServer(root, credentials=("ada", "s3cret-pass"))
    yield server
    server.kill()


def test_yes_without_a_terminal_names_the_variable_and_the_variable_works(make_project, gitea_like_server,
                                                                          monkeypatch, capsys):
    project = with_identity(make_project(FILES))
    bare = gitea_like_server.create("analysis")
    code, out, err = publish(capsys, project, "--remote", gitea_like_server.url("analysis"), "--yes")
    assert code == 1 and "set BINDER_WIZARD_GIT_TOKEN (and BINDER_WIZARD_GIT_USERNAME" in err
    monkeypatch.setenv("BINDER_WIZARD_GIT_TOKEN", "s3cret-pass")
    monkeypatch.setenv("BINDER_WIZARD_GIT_USERNAME", "ada")
    code, out, err = publish(capsys, project, "--yes")
    assert code == 0, err
    assert out.strip() == branch_sha(bare) and gitea_like_server.seen_users[-1] == "ada"
    assert "s3cret-pass" not in err + (project / ".git" / "config").read_text()


def test_on_a_terminal_it_asks_for_a_user_name_and_a_masked_token(make_project, gitea_like_server, monkeypatch,
                                                                  capsys):
    project = with_identity(make_project(FILES))
    bare = gitea_like_server.create("analysis")
    Path(os.environ["BINDER_WIZARD_CONFIG"]).write_text('git_username = "ada"\n')
    monkeypatch.setattr("wizard.commands.publish._terminal", lambda: True)
    asked = []
    monkeypatch.setattr("getpass.getpass", lambda prompt, stream=None: asked.append(prompt) or "s3cret-pass")
    code, out, err = publish(capsys, project, "--remote", gitea_like_server.url("analysis"), "--yes",
                             answers="\n", monkeypatch=monkeypatch)  # Enter: the user name from the settings
    assert code == 0, err
    assert out.strip() == branch_sha(bare) and set(gitea_like_server.seen_users) == {"ada"}
    assert asked == ["Token or password for 127.0.0.1 (not shown, not saved): "]
    assert "User name for 127.0.0.1 [ada]: " in err
    assert "Sending the user name ada and the token you typed to 127.0.0.1 only." in err
    assert "s3cret-pass" not in err + out + (project / ".git" / "config").read_text()
    assert not (Path(os.environ["HOME"]) / ".git-credentials").exists()


def test_a_wrong_typed_token_is_asked_again_and_says_what_was_sent(make_project, gitea_like_server, monkeypatch,
                                                                    capsys):
    project = with_identity(make_project(FILES))
    bare = gitea_like_server.create("analysis")
    monkeypatch.setattr("wizard.commands.publish._terminal", lambda: True)
    tokens = iter(["wrong", "s3cret-pass"])
    monkeypatch.setattr("getpass.getpass", lambda prompt, stream=None: next(tokens))
    code, out, err = publish(capsys, project, "--remote", gitea_like_server.url("analysis"), "--yes",
                             answers="ada\nada\n", monkeypatch=monkeypatch)
    assert code == 0, err
    assert "did not accept the user name ada and the token or password you typed (sent only to 127.0.0.1)" in err
    assert out.strip() == branch_sha(bare)


def test_large_file_kept_out_and_listed(make_project, bare_remote, capsys):
    project = with_identity(make_project(FILES))
    with open(project / "data" / "huge.h5", "wb") as handle:
        handle.truncate(150 * 1024 * 1024)  # sparse
    bare = bare_remote()
    before = working_tree(project)
    code, out, err = publish(capsys, project, "--remote", bare.as_uri(), "--yes")
    assert code == 0, err
    assert "data/huge.h5" in err and "100 MB" in err
    assert "data/huge.h5" not in git(project, "ls-tree", "-r", "--name-only", out.strip())
    assert working_tree(project) == before
    assert "data/huge.h5" in publish_api.repo_state(project).untracked


def test_asks_first_and_no_means_nothing_changes(make_project, bare_remote, capsys, monkeypatch):
    project = make_project(FILES)
    bare = bare_remote()
    code, out, err = publish(capsys, project, "--remote", bare.as_uri(), answers="n\n", monkeypatch=monkeypatch)
    assert code == 1 and out == ""
    assert "create a git repository" in err and "Nothing was changed" in err
    assert not (project / ".git").exists() and branch_sha(bare) is None


def test_asks_first_and_yes_publishes(make_project, bare_remote, capsys, monkeypatch):
    project = with_identity(make_project(FILES))
    bare = bare_remote()
    code, out, err = publish(capsys, project, "--remote", bare.as_uri(), answers="y\n", monkeypatch=monkeypatch)
    assert code == 0, err
    assert "commit 3 files" in err and "requirements.txt" in err
    assert out.strip() == branch_sha(bare)


def test_existing_origin_is_kept_unless_replaced(make_project, bare_remote, capsys):
    project = with_identity(make_project(FILES))
    first, second = bare_remote("first"), bare_remote("second")
    assert publish(capsys, project, "--remote", first.as_uri(), "--yes")[0] == 0
    code, out, err = publish(capsys, project, "--remote", second.as_uri(), "--yes")
    assert code == 1 and "--replace-origin" in err
    assert git(project, "remote", "get-url", "origin") == first.as_uri() and branch_sha(second) is None
    code, out, err = publish(capsys, project, "--remote", second.as_uri(), "--replace-origin", "--yes")
    assert code == 0 and out.strip() == branch_sha(second)
    # no --remote: the existing origin is used
    (project / "more.py").write_text("x = 1\n")
    code, out, err = publish(capsys, project, "--yes")
    assert code == 0 and out.strip() == branch_sha(second) != branch_sha(first)


@pytest.mark.parametrize("args", [
    ["--remote", "not a url", "--yes"],
    ["--branch", "bad..name", "--yes"],
    ["--message", "  ", "--yes"],
    ["--replace-origin", "--yes"],
    ["--no-such-option"],
])
def test_usage_errors_exit_2(make_project, capsys, args):
    project = make_project(FILES)
    code, out, err = publish(capsys, project, *args)
    assert code == 2 and out == "" and err
    assert not (project / ".git").exists()


def test_missing_folder_exit_2(tmp_path, capsys):
    assert publish(capsys, tmp_path / "nope", "--yes")[0] == 2


def test_no_remote_explained(make_project, capsys):
    project = with_identity(make_project(FILES))
    code, out, err = publish(capsys, project, "--yes")
    assert code == 1 and "--remote" in err


def test_remote_ahead_fails_with_yes_and_rebases_when_asked(make_project, bare_remote, capsys, monkeypatch):
    project = with_identity(make_project(FILES))
    bare = bare_remote()
    assert publish(capsys, project, "--remote", bare.as_uri(), "--yes")[0] == 0
    theirs = commit_on_remote(bare, {"README.md": "# Analysis\n"})
    (project / "analysis.py").write_text("print(42)\n")
    code, out, err = publish(capsys, project, "--yes")
    assert code == 1 and out == "" and "never force-push" in err
    assert branch_sha(bare) == theirs
    code, out, err = publish(capsys, project, answers="y\nr\n", monkeypatch=monkeypatch)
    assert code == 0, err
    assert out.strip() == branch_sha(bare)
    assert git(project, "merge-base", "--is-ancestor", theirs, "HEAD") == ""
    assert force_updates(bare) == []


def test_conflict_when_asked_to_merge(make_project, bare_remote, capsys, monkeypatch):
    project = with_identity(make_project(FILES))
    bare = bare_remote()
    assert publish(capsys, project, "--remote", bare.as_uri(), "--yes")[0] == 0
    theirs = commit_on_remote(bare, {"requirements.txt": "pandas\n"})
    (project / "requirements.txt").write_text("scipy\n")
    code, out, err = publish(capsys, project, answers="y\nm\n", monkeypatch=monkeypatch)
    assert code == 1 and "requirements.txt" in err and "back as it was" in err
    assert (project / "requirements.txt").read_text() == "scipy\n"
    assert branch_sha(bare) == theirs and force_updates(bare) == []


def test_no_identity_fails_before_anything_changes(make_project, bare_remote, capsys):
    project = make_project(FILES)
    publish_api.init_repo(project)
    bare = bare_remote()
    before = snapshot(project)
    code, out, err = publish(capsys, project, "--remote", bare.as_uri(), "--yes")
    assert code == 1 and "user.email" in err
    assert snapshot(project)["files"] == before["files"] and branch_sha(bare) is None
    assert git(project, "rev-parse", "--verify", "-q", "HEAD", check=False) == ""


def test_detached_head_fails(make_project, bare_remote, capsys):
    project = with_identity(make_project(FILES))
    bare = bare_remote()
    assert publish(capsys, project, "--remote", bare.as_uri(), "--yes")[0] == 0
    git(project, "switch", "--quiet", "--detach")
    (project / "new.py").write_text("1\n")
    before = snapshot(project)
    code, out, err = publish(capsys, project, "--yes")
    assert code == 1 and "detached" in err.lower()
    assert snapshot(project) == before


def test_server_down_mid_push(make_project, git_http_server, capsys):
    project = with_identity(make_project(FILES))
    bare = git_http_server.create("analysis")
    git_http_server.kill_when_push_starts()
    before = working_tree(project)
    code, out, err = publish(capsys, project, "--remote", git_http_server.url("analysis"), "--yes")
    assert code == 1 and out == "" and "connection" in err
    assert working_tree(project) == before and branch_sha(bare) is None


def test_private_repository_warned(make_project, github_api_with_git, git_http_auth_server, monkeypatch, capsys):
    project = with_identity(make_project(FILES))
    repo = github_api_with_git.add_repo("octo-user", "secret", private=True)
    monkeypatch.setenv("GH_TOKEN", TEST_TOKEN)
    Path(os.environ["BINDER_WIZARD_CONFIG"]).write_text(f'github_api = "{github_api_with_git.url}"\n')
    code, out, err = publish(capsys, project, "--remote", repo["clone_url"], "--yes")
    assert code == 0, err
    assert "private or does not exist" in err and "Binder" in err
    assert TEST_TOKEN not in out + err


def test_branch_option_pushes_to_that_branch(make_project, bare_remote, capsys):
    project = with_identity(make_project(FILES))
    bare = bare_remote()
    code, out, err = publish(capsys, project, "--remote", bare.as_uri(), "--branch", "binder", "--yes")
    assert code == 0, err
    assert out.strip() == branch_sha(bare, "binder") and branch_sha(bare, "main") is None
    assert git(project, "rev-parse", "--abbrev-ref", "main@{upstream}") == "origin/binder"


def test_fresh_folder_gets_the_named_first_branch(make_project, bare_remote, capsys):
    project = make_project(FILES)
    code, out, err = publish(capsys, project, "--remote", bare_remote().as_uri(), "--branch", "trunk", "--yes")
    assert code == 1 and "user.email" in err  # no identity in the hermetic HOME; the repository exists now
    assert git(project, "branch", "--show-current") == "trunk"


def test_wrong_token_fails_before_committing_and_is_never_printed(make_project, git_http_auth_server,
                                                                   monkeypatch, capsys):
    wrong = "ghp_" + "WrongWrongWrong" * 2 + "0000"
    project = with_identity(make_project(FILES))
    bare = git_http_auth_server.create("analysis")
    monkeypatch.setenv("GITHUB_TOKEN", wrong)
    Path(os.environ["BINDER_WIZARD_CONFIG"]).write_text('github_api = "http://127.0.0.1:1"\n')
    before = snapshot(project)["files"]
    url = git_http_auth_server.url("analysis").replace("http://", f"http://x-access-token:{wrong}@")
    code, out, err = publish(capsys, project, "--remote", url, "--yes")
    assert code == 1 and out == "" and "did not accept the token from GITHUB_TOKEN" in err and "GH_TOKEN" in err
    for text in (out, err, (project / ".git" / "config").read_text()):
        assert wrong not in text
    assert snapshot(project)["files"] == before and branch_sha(bare) is None
    assert git(project, "rev-parse", "--verify", "-q", "HEAD", check=False) == ""
