"""A named pipe called .gitattributes or .gitignore must not hang the pre-publish audit."""

from __future__ import annotations

import os

from tests.waiting import finishes
from wizard.core.publish.audit import audit_files
from wizard.core.publish.file_listing_adapter import committable_files


def test_a_gitattributes_pipe_does_not_hang_the_audit(make_project):
    project = make_project({".env": "X=1\n"})
    os.mkfifo(project / ".gitattributes")
    result = finishes(lambda: audit_files(project, [".env", ".gitattributes"]), project / ".gitattributes")
    assert [f.code for f in result.findings] == ["secret-env-file"]


def test_a_gitignore_pipe_does_not_hang_the_file_list_without_git(make_project):
    project = make_project({"a.py": ""})  # not a git repository: committable_files reads .gitignore itself
    os.mkfifo(project / ".gitignore")
    assert "a.py" in finishes(lambda: committable_files(project), project / ".gitignore")
