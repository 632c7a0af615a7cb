"""The files git would commit, as `check`'s audit lists them: git's answer in a repository, the audit's own walk
outside one or without git, and a git that never answers cut at the limit."""

from __future__ import annotations

import os
import subprocess
import time

from wizard.core.publish import file_listing_adapter
from wizard.core.publish.file_listing_adapter import FileListing, committable_files


def _repository(make_project):
    project = make_project({".gitignore": "*.log\n", "tracked.py": "", "new.py": "", "run.log": "",
                            "sub/data.csv": ""})
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    subprocess.run(["git", "-C", str(project), "add", "tracked.py"], check=True)
    return project


def test_in_a_repository_git_lists_tracked_and_untracked_files_but_not_ignored_ones(make_project):
    project = _repository(make_project)
    listing = FileListing(project)
    assert listing._git is not None  # git was started when the listing was made, not when files were asked
    assert listing.files() == [".gitignore", "new.py", "sub/data.csv", "tracked.py"]


def test_in_a_subfolder_of_a_repository_git_still_answers(make_project):
    project = _repository(make_project)
    assert committable_files(project / "sub") == ["data.csv"]


def test_outside_a_repository_git_is_not_started_and_the_walk_answers(make_project):
    project = make_project({".gitignore": "*.log\n", "a.py": "", "run.log": ""})
    listing = FileListing(project)
    assert listing._git is None
    assert listing.files() == [".gitignore", "a.py"]


def test_without_git_on_the_path_the_walk_answers(make_project, monkeypatch):
    project = _repository(make_project)
    monkeypatch.setenv("PATH", os.devnull)  # no git anywhere
    assert committable_files(project) == [".gitignore", "new.py", "sub/data.csv", "tracked.py"]


def test_a_git_that_never_answers_is_cut_at_the_limit_and_the_walk_answers(make_project, tmp_path, monkeypatch):
    project = _repository(make_project)
    stuck = tmp_path / "bin" / "git"
    stuck.parent.mkdir()
    stuck.write_text("#!/bin/sh\nsleep 300\n")
    stuck.chmod(0o755)
    monkeypatch.setenv("PATH", str(stuck.parent))
    monkeypatch.setattr(file_listing_adapter, "GIT_SECONDS", 1.0)
    started = time.monotonic()
    assert committable_files(project) == [".gitignore", "new.py", "sub/data.csv", "tracked.py"]
    assert time.monotonic() - started < 10
