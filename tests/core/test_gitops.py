"""The publish API on real repositories: state at a glance, commit of selected files, identity, origin, push."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.servers.git_server import TEST_TOKEN, branch_sha, commit_on_remote, git
from wizard.core import publish
from wizard.core.publish import Problem, PublishError


def new_repo(make_project, files=None, identity=True) -> Path:
    project = make_project(files or {"analysis.ipynb": "{}\n", "requirements.txt": "numpy\n"})
    publish.init_repo(project)
    if identity:
        publish.set_identity(project, "Ada Lovelace", "ada@example.org")
    return project


def commit_all(project: Path, message: str = "Initial") -> str:
    state = publish.repo_state(project)
    return publish.commit(project, [c.path for c in state.changes], message)


def test_not_a_repo_then_init_on_main(make_project):
    project = make_project({"a.py": "print(1)\n"})
    state = publish.repo_state(project)
    assert not state.is_repo
    state = publish.init_repo(project)
    assert state.is_repo and state.branch == "main" and state.head_sha is None
    assert state.untracked == ("a.py",)


def test_project_inside_another_repo_is_not_that_repo(make_project, tmp_path):
    git(tmp_path, "init", "--quiet")
    project = make_project({"a.py": "x\n"})
    assert not publish.repo_state(project).is_repo


def test_state_lists_changes_and_respects_gitignore(make_project):
    project = new_repo(make_project, {"keep.py": "1\n", "gone.py": "2\n", "edit.py": "3\n",
                                      ".gitignore": "data/\n*.log\n"})
    commit_all(project)
    (project / "gone.py").unlink()
    (project / "edit.py").write_text("changed\n")
    (project / "new dir").mkdir()
    (project / "new dir" / "new file.py").write_text("4\n")
    (project / "data").mkdir()
    (project / "data" / "big.csv").write_text("ignored\n")
    (project / "run.log").write_text("ignored\n")
    (project / "staged.py").write_text("5\n")
    git(project, "add", "staged.py")
    state = publish.repo_state(project)
    by_path = {c.path: c for c in state.changes}
    assert set(by_path) == {"gone.py", "edit.py", "new dir/new file.py", "staged.py"}
    assert by_path["gone.py"].status == "deleted" and by_path["gone.py"].size is None
    assert by_path["edit.py"].status == "modified" and by_path["edit.py"].size == 8
    assert by_path["new dir/new file.py"].status == "new"
    assert state.staged == ("staged.py",)
    assert set(state.modified) == {"gone.py", "edit.py"}
    assert state.untracked == ("new dir/new file.py",)
    assert state.branch == "main" and not state.detached and state.operation is None


def test_state_ahead_behind_and_origin(make_project, bare_remote):
    project = new_repo(make_project)
    commit_all(project)
    bare = bare_remote()
    publish.set_origin(project, bare.as_uri())
    publish.push(project)
    commit_on_remote(bare, {"theirs.txt": "x\n"})
    (project / "mine.txt").write_text("y\n")
    publish.commit(project, ["mine.txt"], "Mine")
    git(project, "fetch", "--quiet", "origin")
    state = publish.repo_state(project)
    assert state.upstream == "origin/main"
    assert (state.ahead, state.behind) == (1, 1)
    assert state.origin_url == bare.as_uri() and state.origin.scheme == "file"


def test_state_detached_and_merge_in_progress(make_project):
    project = new_repo(make_project, {"f.txt": "base\n"})
    first = commit_all(project)
    git(project, "switch", "--quiet", "-c", "other")
    (project / "f.txt").write_text("other\n")
    git(project, "commit", "--quiet", "-am", "other")
    git(project, "switch", "--quiet", "main")
    (project / "f.txt").write_text("main\n")
    git(project, "commit", "--quiet", "-am", "main")
    git(project, "merge", "other", check=False)
    state = publish.repo_state(project)
    assert state.operation == "merge" and state.conflicted == ("f.txt",)
    git(project, "merge", "--abort")
    git(project, "switch", "--quiet", "--detach", first)
    state = publish.repo_state(project)
    assert state.detached and state.branch is None and state.head_sha == first


def test_commit_only_the_selected_files(make_project):
    project = new_repo(make_project, {"a.txt": "a\n", "b.txt": "b\n"})
    commit_all(project)
    (project / "a.txt").write_text("a2\n")
    (project / "b.txt").write_text("b2\n")
    (project / "c.txt").write_text("c\n")
    (project / "[weird]*name?.txt").write_text("glob characters are literal\n")
    git(project, "add", "c.txt")  # staged but not selected: stays staged, not committed
    sha = publish.commit(project, ["a.txt", "[weird]*name?.txt"], "Two files")
    assert git(project, "show", "--name-only", "--format=", sha).splitlines() == ["[weird]*name?.txt", "a.txt"]
    state = publish.repo_state(project)
    assert state.staged == ("c.txt",) and state.modified == ("b.txt",)


def test_commit_deletion_and_first_commit(make_project):
    project = new_repo(make_project, {"a.txt": "a\n", "b.txt": "b\n"})
    commit_all(project)
    (project / "b.txt").unlink()
    sha = publish.commit(project, ["b.txt"], "Remove b")
    assert git(project, "ls-tree", "--name-only", sha) == "a.txt"


def test_nothing_to_commit(make_project):
    project = new_repo(make_project, {"a.txt": "a\n"})
    commit_all(project)
    with pytest.raises(PublishError) as error:
        publish.commit(project, [], "msg")
    assert error.value.kind == Problem.NOTHING_TO_COMMIT
    (project / "a.txt").write_text("a\n")  # touched, same content
    with pytest.raises(PublishError) as error:
        publish.commit(project, ["a.txt"], "msg")
    assert error.value.kind == Problem.NOTHING_TO_COMMIT


def test_identity_is_checked_and_set_locally(make_project):
    project = new_repo(make_project, identity=False)
    assert publish.identity(project) == ("", "")
    with pytest.raises(PublishError) as error:
        commit_all(project)
    assert error.value.kind == Problem.NO_IDENTITY and "user.email" in error.value.next_action
    assert publish.repo_state(project).head_sha is None
    with pytest.raises(ValueError):
        publish.set_identity(project, "Ada", "not an email")
    publish.set_identity(project, "Ada Lovelace", "ada@example.org")
    assert "ada@example.org" in (project / ".git" / "config").read_text()
    assert not (Path(os.environ["HOME"]) / ".gitconfig").exists()
    commit_all(project)
    assert git(project, "log", "-1", "--format=%an <%ae>") == "Ada Lovelace <ada@example.org>"


def test_set_origin_strips_credentials_and_guards_existing(make_project):
    project = new_repo(make_project)
    stored = publish.set_origin(project, f"https://me:{TEST_TOKEN}@github.com/octo/analysis.git")
    assert stored == "https://github.com/octo/analysis.git"
    assert TEST_TOKEN not in (project / ".git" / "config").read_text()
    # the same repository over ssh: keep what the user has
    assert publish.set_origin(project, "git@github.com:octo/analysis.git") == stored
    with pytest.raises(PublishError) as error:
        publish.set_origin(project, "https://github.com/octo/other.git")
    assert error.value.kind == Problem.ORIGIN_EXISTS
    assert git(project, "remote", "get-url", "origin") == stored
    assert publish.set_origin(project, "https://github.com/octo/other.git", replace=True).endswith("other.git")
    with pytest.raises(PublishError) as error:
        publish.set_origin(project, "not a url")
    assert error.value.kind == Problem.BAD_URL


def test_push_file_remote_sets_upstream_and_reports_progress(make_project, bare_remote):
    project = new_repo(make_project)
    sha = commit_all(project)
    bare = bare_remote()
    publish.set_origin(project, bare.as_uri())
    seen = []
    result = publish.push(project, progress=seen.append)
    assert result.sha == sha == branch_sha(bare)
    assert result.branch == "main"
    assert git(project, "rev-parse", "--abbrev-ref", "main@{upstream}") == "origin/main"
    assert any(p.stage == "writing" and p.done for p in seen)
    writing = [p for p in seen if p.stage == "writing" and p.done][-1]
    assert writing.total == writing.current and writing.transferred


def test_push_to_another_branch_name(make_project, bare_remote):
    project = new_repo(make_project)
    sha = commit_all(project)
    bare = bare_remote()
    publish.set_origin(project, bare.as_uri())
    assert publish.push(project, branch="binder").branch == "binder"
    assert branch_sha(bare, "binder") == sha and branch_sha(bare, "main") is None


def test_push_over_http_with_token_from_environment(make_project, git_http_auth_server, tmp_path):
    project = new_repo(make_project)
    sha = commit_all(project)
    git_http_auth_server.create("analysis")
    publish.set_origin(project, git_http_auth_server.url("analysis"))
    before = set(Path(os.environ.get("TMPDIR", "/tmp")).glob("binder-wizard-askpass-*"))
    result = publish.push(project, token=TEST_TOKEN)
    assert result.sha == sha == branch_sha(git_http_auth_server.root / "analysis.git")
    assert TEST_TOKEN not in (project / ".git" / "config").read_text()
    assert not any(TEST_TOKEN in p for p in git_http_auth_server.seen_paths)
    assert "x-access-token" in git_http_auth_server.seen_users
    after = set(Path(os.environ.get("TMPDIR", "/tmp")).glob("binder-wizard-askpass-*"))
    assert after == before  # the throwaway askpass script is gone
    assert not (Path(os.environ["HOME"]) / ".git-credentials").exists()


def test_gitignore_suggestion(make_project):
    project = make_project({".gitignore": "__pycache__\n.env\n"})
    lines = publish.missing_gitignore_lines(project)
    assert "__pycache__/" not in lines and ".env" not in lines
    assert ".ipynb_checkpoints/" in lines and ".Rhistory" in lines
    publish.add_to_gitignore(project, lines)
    text = (project / ".gitignore").read_text()
    assert text.startswith("__pycache__\n.env\n") and ".ipynb_checkpoints/\n" in text
    assert publish.missing_gitignore_lines(project) == []
    assert publish.missing_gitignore_lines(project, ["data/huge.h5", ".env"]) == [
        "# Kept out by the safety check", "data/huge.h5"]


def test_gitignore_keeps_crlf_and_existing_rules(make_project):
    project = make_project({".gitignore": b"*.log\r\n/.env"})
    publish.add_to_gitignore(project, [".env", "__pycache__/"])
    assert (project / ".gitignore").read_bytes() == b"*.log\r\n/.env\r\n__pycache__/\r\n"


def test_keep_out_and_suggested_message(make_project):
    project = new_repo(make_project, {"requirements.txt": "numpy\n"})
    with open(project / "huge.bin", "wb") as handle:  # sparse: no real disk use
        handle.truncate(150 * 1024 * 1024)
    state = publish.repo_state(project)
    reasons = publish.keep_out_reasons(project, state.changes)
    assert list(reasons) == ["huge.bin"] and "100 MB" in reasons["huge.bin"]
    assert publish.suggested_message(state, ["requirements.txt"]) == "Add the project, ready for Binder"
    commit_all_but = publish.commit(project, ["requirements.txt"], "first")
    assert commit_all_but
    (project / "requirements.txt").write_text("numpy\npandas\n")
    state = publish.repo_state(project)
    assert publish.suggested_message(state, ["requirements.txt"]) == "Update the Binder environment: requirements.txt"


def test_virtual_environments_in_the_project_are_kept_out(make_project):
    project = new_repo(make_project, {"analysis.py": "import numpy\n", "requirements.txt": "numpy\n",
                                      "venv/pyvenv.cfg": "home = /usr/bin\n",
                                      "venv/lib/python3.11/site-packages/numpy/__init__.py": "x = 1\n",
                                      "envs/conda/conda-meta/history": "==> 2024 <==\n",
                                      "envs/conda/bin/python": "binary\n"})
    state = publish.repo_state(project)
    kept = publish.keep_out(project, state.changes)
    assert set(kept) == {"venv/pyvenv.cfg", "venv/lib/python3.11/site-packages/numpy/__init__.py",
                         "envs/conda/conda-meta/history", "envs/conda/bin/python"}
    assert kept["venv/pyvenv.cfg"].gitignore == "venv/" and "Python environment" in kept["venv/pyvenv.cfg"].reason
    assert kept["envs/conda/bin/python"].gitignore == "envs/conda/"


def test_a_rejected_push_to_another_project_is_unrelated_not_new_commits(make_project, bare_remote):
    project = new_repo(make_project)
    commit_all(project)
    other = bare_remote()
    theirs = commit_on_remote(other, {"README.md": "# Someone else's\n"})
    publish.set_origin(project, other.as_uri())
    with pytest.raises(PublishError) as raised:
        publish.push(project)
    assert raised.value.kind == Problem.UNRELATED
    assert "holds a different project" in raised.value.message and "another remote" in raised.value.next_action
    assert branch_sha(other) == theirs
    shared = bare_remote("shared")
    publish.set_origin(project, shared.as_uri(), replace=True)
    publish.push(project)
    commit_on_remote(shared, {"README.md": "# Added on GitHub\n"})
    (project / "requirements.txt").write_text("numpy\npandas\n")
    publish.commit(project, ["requirements.txt"], "more")
    with pytest.raises(PublishError) as raised:
        publish.push(project)
    assert raised.value.kind == Problem.REJECTED  # shared history: someone added commits, as before
