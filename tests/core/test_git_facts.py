"""The project's git facts, read once: from .git's files (quick) and from git itself (the adapter)."""

from __future__ import annotations

import subprocess

from wizard.core.common.git_facts import GitFacts, quick_git_facts
from wizard.core.common.git_facts_adapter import files_at, read_git_facts, valid_branch_name
from wizard.core.launch.buildlogs import exclude_from_git


def git(path, *args) -> str:
    return subprocess.run(["git", "-C", str(path), *args], check=True, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(path), "GIT_CONFIG_NOSYSTEM": "1",
                               "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}).stdout.strip()


def committed(make_project, files=None, name="project"):
    project = make_project(files or {"index.ipynb": "{}", "README.md": "# x\n"}, name=name)
    git(project, "init", "-q", "-b", "main")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "init")
    return project


def test_a_plain_folder_has_no_git_facts(make_project):
    project = make_project({"a.py": ""})
    assert quick_git_facts(project) == GitFacts(project)
    assert read_git_facts(project) == GitFacts(project) and not GitFacts(project).is_git_repo


def test_quick_facts_read_branch_head_and_origin_from_files(make_project):
    project = committed(make_project)
    git(project, "remote", "add", "origin", "https://github.com/me/demo.git")
    head = git(project, "rev-parse", "HEAD")
    facts = quick_git_facts(project)
    assert (facts.branch, facts.head_sha, facts.detached_sha) == ("main", head, None)
    assert facts.origin_url == "https://github.com/me/demo.git" and facts.git_dir == project / ".git"
    git(project, "pack-refs", "--all")  # the branch now lives only in packed-refs
    assert not (project / ".git" / "refs" / "heads" / "main").exists()
    assert quick_git_facts(project).head_sha == head
    git(project, "checkout", "-q", "--detach")
    assert (quick_git_facts(project).branch, quick_git_facts(project).detached_sha) == (None, head)


def test_a_new_repository_has_a_branch_but_no_head(make_project):
    project = make_project({"a.py": ""})
    git(project, "init", "-q", "-b", "main")
    assert (quick_git_facts(project).branch, quick_git_facts(project).head_sha) == ("main", None)
    assert read_git_facts(project).head_sha is None and read_git_facts(project).pushed_head_sha is None


def test_a_worktree_reads_origin_and_refs_from_the_main_repository(make_project, tmp_path):
    project = committed(make_project)
    git(project, "remote", "add", "origin", "git@github.com:me/demo.git")
    worktree = tmp_path / "feature"
    git(project, "worktree", "add", "-q", "-b", "feature", str(worktree))
    facts = quick_git_facts(worktree)
    assert facts.branch == "feature" and facts.origin_url == "git@github.com:me/demo.git"
    assert facts.head_sha == git(project, "rev-parse", "HEAD") and facts.common_dir == (project / ".git").resolve()
    exclude_from_git(facts)  # git reads info/exclude from the shared folder, not the worktree's own
    assert "/.binder-wizard/" in (project / ".git" / "info" / "exclude").read_text()


def test_adapter_adds_branches_and_whether_the_remote_has_head(make_project, bare_remote):
    project = committed(make_project)
    remote = bare_remote()
    git(project, "remote", "add", "origin", str(remote))
    facts = read_git_facts(project)
    assert facts.head_sha == git(project, "rev-parse", "HEAD") and facts.pushed_head_sha is None
    assert facts.local_branches == ("main",)
    git(project, "push", "-q", "origin", "main:trunk")
    git(project, "fetch", "-q", "origin")
    facts = read_git_facts(project)
    assert facts.pushed_head_sha == facts.head_sha and facts.local_branches == ("main", "trunk")
    (project / "new.py").write_text("")
    git(project, "add", "new.py")
    git(project, "commit", "-q", "-m", "not pushed")
    assert read_git_facts(project).pushed_head_sha is None  # a hub could not fetch this commit


def test_files_at_a_commit_and_in_a_plain_folder(make_project):
    project = committed(make_project)
    (project / "later.ipynb").write_text("{}")
    assert files_at(read_git_facts(project)) == ["README.md", "index.ipynb"]  # the commit, not the folder
    plain = make_project({"a.ipynb": "{}", "sub/b.py": "", ".hidden/c.py": "", ".env": ""}, name="plain")
    assert files_at(read_git_facts(plain)) == ["a.ipynb", "sub/b.py"]


def test_branch_names_git_would_refuse():
    assert valid_branch_name("feature/x")
    for bad in ("-x", "a..b", "has space", "end.lock", ""):
        assert not valid_branch_name(bad), bad
