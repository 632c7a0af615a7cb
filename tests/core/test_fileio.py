"""The one file reader: never hangs on a named pipe, refuses what is too big, and the modules that
read project or user files go through it."""

from __future__ import annotations

import os

import pytest

from tests.waiting import finishes
from wizard.core.common.fileio import FileTooLarge, read_file_bytes, read_text


def test_regular_file_text_and_bom(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"\xef\xbb\xbfnumpy\n\xff")
    assert read_file_bytes(path) == b"\xef\xbb\xbfnumpy\n\xff"
    assert read_text(path) == "numpy\n\ufffd"


def test_named_pipe_raises_at_once(tmp_path):
    os.mkfifo(tmp_path / "requirements.txt")
    with pytest.raises(OSError, match="named pipe"):
        finishes(lambda: read_file_bytes(tmp_path / "requirements.txt"))


def test_limit_refuses_before_reading(tmp_path):
    path = tmp_path / "big.txt"
    with open(path, "wb") as handle:
        handle.truncate(10_000_000)
    with pytest.raises(FileTooLarge):
        read_file_bytes(path, limit=1_000_000)


def test_overview_config_and_readme_do_not_hang_on_pipes(tmp_path):
    from wizard.core.common.config import Config
    from wizard.core.common.git_facts import quick_git_facts
    from wizard.core.launch.readme_badge import plan_badge

    (tmp_path / ".git").mkdir()
    os.mkfifo(tmp_path / ".git" / "HEAD")
    os.mkfifo(tmp_path / ".git" / "config")
    overview = finishes(lambda: quick_git_facts(tmp_path))
    assert overview.is_git_repo and overview.branch is None and overview.origin_url is None

    os.mkfifo(tmp_path / "config.toml")
    assert finishes(lambda: Config.load(tmp_path / "config.toml")) == Config()

    os.mkfifo(tmp_path / "README.md")
    with pytest.raises(OSError):
        finishes(lambda: plan_badge(tmp_path, "[![Binder](b)](u)", ".. image:: b"))


def test_gitignore_helpers_and_triage_do_not_hang_on_pipes(tmp_path):
    from wizard.core.publish import add_to_gitignore, missing_gitignore_lines
    from wizard.core.launch.triage import triage

    os.mkfifo(tmp_path / ".gitignore")
    assert finishes(lambda: missing_gitignore_lines(tmp_path))  # suggests everything, reads nothing
    with pytest.raises(OSError):
        finishes(lambda: add_to_gitignore(tmp_path, ["*.pyc"]))
    os.mkfifo(tmp_path / "environment.yml")
    log = 'Error during build: mapping values are not allowed here\n  in "environment.yml", line 5, column 9\n'
    findings = finishes(lambda: triage([log], tmp_path))
    assert isinstance(findings, list)
