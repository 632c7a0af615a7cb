"""Every push failure the issue lists, against real remotes. After each: the working tree and commits
are byte-identical to before, and the remote was never force-updated."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.servers.git_server import (TEST_TOKEN, branch_sha, commit_on_remote, force_updates, git,
                                      snapshot)
from wizard.core import publish
from wizard.core.publish import Problem, PublishError


@pytest.fixture
def published(make_project, bare_remote):
    """A project whose first commit is on a bare file:// remote."""
    project = make_project({"analysis.py": "print('hello')\n", "requirements.txt": "numpy\n"})
    publish.init_repo(project)
    publish.set_identity(project, "Ada Lovelace", "ada@example.org")
    publish.commit(project, ["analysis.py", "requirements.txt"], "Initial")
    bare = bare_remote()
    publish.set_origin(project, bare.as_uri())
    publish.push(project)
    return project, bare


def local_change(project: Path, rel: str = "notes.md", text: str = "mine\n") -> str:
    (project / rel).write_text(text)
    return publish.commit(project, [rel], f"Edit {rel}")


def fails(kind: str, call, *args, **kwargs) -> PublishError:
    with pytest.raises(PublishError) as caught:
        call(*args, **kwargs)
    assert caught.value.kind == kind, (caught.value.kind, str(caught.value), caught.value.detail)
    assert caught.value.explanation and caught.value.next_action
    return caught.value


def test_wrong_credentials(make_project, git_http_auth_server):
    project = make_project({"a.py": "1\n"})
    publish.init_repo(project)
    publish.set_identity(project, "Ada", "ada@example.org")
    publish.commit(project, ["a.py"], "Initial")
    bare = git_http_auth_server.create("analysis")
    publish.set_origin(project, git_http_auth_server.url("analysis"))
    before = snapshot(project)
    wrong = "ghp_" + "WrongWrongWrong" * 2 + "0000"
    error = fails(Problem.AUTH_FAILED, publish.push, project, token=wrong)
    assert wrong not in str(error) + error.detail
    assert "GH_TOKEN" in error.next_action
    fails(Problem.AUTH_FAILED, publish.push, project)  # no token at all: never a prompt, a clear failure
    assert snapshot(project) == before
    assert branch_sha(bare) is None
    assert wrong not in (project / ".git" / "config").read_text()


def test_repository_not_found(published, git_http_server, tmp_path):
    project, _ = published
    before = snapshot(project)
    git(project, "remote", "set-url", "origin", git_http_server.url("no-such-repo"))
    fails(Problem.REPO_NOT_FOUND, publish.push, project)
    git(project, "remote", "set-url", "origin", (tmp_path / "missing.git").as_uri())
    fails(Problem.REPO_NOT_FOUND, publish.push, project)
    assert snapshot(project) == before


def test_network_unreachable(published, git_http_server):
    project, _ = published
    git_http_server.create("analysis")
    url = git_http_server.url("analysis")
    git_http_server.kill()  # nothing listens on that port any more
    git(project, "remote", "set-url", "origin", url)
    local_change(project)
    before = snapshot(project)
    error = fails(Problem.NETWORK, publish.push, project)
    assert "127.0.0.1" in error.explanation
    assert snapshot(project) == before


def test_server_down_mid_push(make_project, git_http_server):
    project = make_project({"a.py": "1\n"})
    (project / "data.bin").write_bytes(bytes(range(256)) * 4096)
    publish.init_repo(project)
    publish.set_identity(project, "Ada", "ada@example.org")
    publish.commit(project, ["a.py", "data.bin"], "Initial")
    bare = git_http_server.create("analysis")
    publish.set_origin(project, git_http_server.url("analysis"))
    before = snapshot(project)
    git_http_server.kill_when_push_starts()
    fails(Problem.NETWORK, publish.push, project)
    assert git_http_server.receive_pack_started.is_set() and git_http_server.killed.is_set()
    assert snapshot(project) == before
    assert branch_sha(bare) is None and force_updates(bare) == []


def test_remote_ahead_without_conflict_rebase(published):
    project, bare = published
    theirs = commit_on_remote(bare, {"README.md": "# from GitHub\n"})
    mine = local_change(project)
    before = snapshot(project)
    error = fails(Problem.REJECTED, publish.push, project)
    assert "never force-push" in error.explanation
    assert snapshot(project) == before and branch_sha(bare) == theirs
    (project / "scratch.txt").write_text("unrelated work in progress\n")  # untracked: must survive
    (project / "analysis.py").write_text("print('edited, not committed')\n")  # modified: autostashed
    new_head = publish.integrate_remote(project, "rebase")
    assert git(project, "merge-base", "--is-ancestor", theirs, new_head) == ""
    assert git(project, "log", "-1", "--format=%s") == "Edit notes.md" and new_head != mine
    assert (project / "scratch.txt").read_text() == "unrelated work in progress\n"
    assert (project / "analysis.py").read_text() == "print('edited, not committed')\n"
    assert publish.push(project).sha == branch_sha(bare) == new_head
    assert force_updates(bare) == []


def test_remote_ahead_without_conflict_merge(published):
    project, bare = published
    theirs = commit_on_remote(bare, {"README.md": "# from GitHub\n"})
    mine = local_change(project)
    new_head = publish.integrate_remote(project, "merge")
    parents = git(project, "log", "-1", "--format=%P").split()
    assert parents == [mine, theirs]
    publish.push(project)
    assert branch_sha(bare) == new_head and force_updates(bare) == []


@pytest.mark.parametrize("how", ["rebase", "merge"])
def test_remote_ahead_with_conflict_stops_cleanly(published, how):
    project, bare = published
    theirs = commit_on_remote(bare, {"analysis.py": "print('theirs')\n"})
    local_change(project, "analysis.py", "print('mine')\n")
    (project / "notes.md").write_text("uncommitted notes\n")
    fails(Problem.REJECTED, publish.push, project)
    before = snapshot(project)
    error = fails(Problem.CONFLICT, publish.integrate_remote, project, how)
    assert error.files == ("analysis.py",) and "analysis.py" in error.next_action
    assert snapshot(project) == before
    assert publish.repo_state(project).operation is None
    assert branch_sha(bare) == theirs and force_updates(bare) == []


def test_detached_head(published):
    project, bare = published
    pushed = branch_sha(bare)
    git(project, "switch", "--quiet", "--detach", "HEAD")
    (project / "x.txt").write_text("x\n")
    before = snapshot(project)
    error = fails(Problem.DETACHED_HEAD, publish.push, project)
    assert "git switch" in error.next_action
    fails(Problem.DETACHED_HEAD, publish.commit, project, ["x.txt"], "msg")
    assert snapshot(project) == before and branch_sha(bare) == pushed


def test_protected_branch(published):
    project, bare = published
    hook = bare / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'error: GH006: Protected branch update failed for refs/heads/main.' >&2\n"
                    "echo 'error: Changes must be made through a pull request.' >&2\nexit 1\n")
    hook.chmod(0o755)
    pushed = branch_sha(bare)
    local_change(project)
    before = snapshot(project)
    error = fails(Problem.PROTECTED_BRANCH, publish.push, project)
    assert "--branch" in error.next_action and "GH006" in error.detail
    assert snapshot(project) == before and branch_sha(bare) == pushed


def test_no_identity(make_project):
    project = make_project({"a.py": "1\n"})
    publish.init_repo(project)
    before = snapshot(project)
    fails(Problem.NO_IDENTITY, publish.commit, project, ["a.py"], "msg")
    assert snapshot(project) == before


def test_nothing_to_push_yet(make_project, bare_remote):
    project = make_project({"a.py": "1\n"})
    publish.init_repo(project)
    publish.set_origin(project, bare_remote().as_uri())
    fails(Problem.NOTHING_TO_COMMIT, publish.push, project)


@pytest.mark.slow
def test_file_over_100_mb_is_never_pushed(published):
    project, bare = published
    with open(project / "huge.bin", "wb") as handle:  # sparse, 150 MB
        handle.truncate(150 * 1024 * 1024)
    publish.commit(project, ["huge.bin"], "Add data")  # the user did it by hand; the push must refuse
    pushed = branch_sha(bare)
    before = snapshot(project)
    error = fails(Problem.FILE_TOO_LARGE, publish.push, project)
    assert "huge.bin (157 MB)" in error.files and "100 MB" in error.explanation
    assert snapshot(project) == before and branch_sha(bare) == pushed


def test_token_scrubbed_from_every_message(make_project, git_http_auth_server):
    project = make_project({"a.py": "1\n"})
    publish.init_repo(project)
    publish.set_identity(project, "Ada", "ada@example.org")
    publish.commit(project, ["a.py"], "Initial")
    git_http_auth_server.create("analysis")
    # the user pasted a token into the URL by hand: we keep it out of everything we show
    git(project, "remote", "add", "origin",
        git_http_auth_server.url("nope").replace("http://", f"http://x-access-token:{TEST_TOKEN}@"))
    error = fails(Problem.REPO_NOT_FOUND, publish.push, project)
    assert TEST_TOKEN not in str(error) + error.detail
    assert TEST_TOKEN not in repr(publish.repo_state(project))


def test_broken_repository_is_explained_not_a_traceback(published, capsys):
    project, _ = published
    (project / ".git" / "index").write_bytes(b"not an index at all")
    error = fails(Problem.GIT_FAILED, publish.repo_state, project)
    assert "index" in error.detail
    from wizard.cli import main

    assert main(["publish", str(project), "--yes"]) == 1
    assert "git could not finish" in capsys.readouterr().err


@pytest.mark.parametrize(("stderr", "kind"), [
    ("remote: Invalid username or token. Password authentication is not supported for Git operations.\n"
     "fatal: Authentication failed for 'https://github.com/o/r.git/'", Problem.AUTH_FAILED),
    ("remote: Permission to o/r.git denied to someone.\nfatal: unable to access 'https://github.com/o/r.git/': "
     "The requested URL returned error: 403", Problem.AUTH_FAILED),
    ("git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.",
     Problem.AUTH_FAILED),
    ("ERROR: Repository not found.\nfatal: Could not read from remote repository.", Problem.REPO_NOT_FOUND),
    ("remote: Repository not found.\nfatal: repository 'https://github.com/o/r.git/' not found",
     Problem.REPO_NOT_FOUND),
    ("fatal: unable to access 'https://github.com/o/r.git/': Could not resolve host: github.com", Problem.NETWORK),
    ("remote: error: File big.bin is 150.00 MB; this exceeds GitHub's file size limit of 100.00 MB\n"
     "remote: error: GH001: Large files detected.", Problem.FILE_TOO_LARGE),
    ("remote: error: GH013: Repository rule violations found for refs/heads/main.", Problem.PROTECTED_BRANCH),
    (" ! [rejected]        main -> main (fetch first)\nerror: failed to push some refs", Problem.REJECTED),
])
def test_github_messages_are_classified(stderr, kind):
    """GitHub's own wording (which the local servers cannot produce) maps to the right explanation."""
    error = publish.classify(f"{stderr} https://x-access-token:{TEST_TOKEN}@github.com/o/r.git",
                            secrets=(TEST_TOKEN,))
    assert error.kind == kind and TEST_TOKEN not in error.detail + str(error)
