"""`binder-wizard publish` with a stuck git hook (issue 14): exit 1 with the plain message within the hook
limit, nothing committed or pushed, and the hook's processes gone."""

from __future__ import annotations

import time

from tests.servers.git_server import branch_sha, git, snapshot
from tests.waiting import finishes, process_ended
from wizard.cli import main
from wizard.core import publish
from wizard.core.publish import git_adapter, git_process_adapter

LIMIT = 2.0
SLACK = 5.0  # a loaded machine's margin; without the limit the hook would hold publish for 300 s


def ended(pid: int) -> bool:
    return process_ended(pid, SLACK)


def test_publish_yes_with_a_stuck_pre_commit_hook_exits_1_with_the_plain_message(make_project, bare_remote,
                                                                                tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(git_adapter, "HOOK_LIMIT", LIMIT)
    project = make_project({"analysis.py": "print('hello')\n", "requirements.txt": "numpy\n"})
    publish.init_repo(project)
    publish.set_identity(project, "Ada Lovelace", "ada@example.org")
    bare = bare_remote()
    hook = project / ".git" / "hooks" / "pre-commit"
    hook.write_text(f"#!/bin/sh\necho $$ > {tmp_path}/hook.pid\nsleep 300 &\necho $! > {tmp_path}/child.pid\nwait\n")
    hook.chmod(0o755)
    before = snapshot(project)

    started = time.monotonic()
    code = finishes(lambda: main(["publish", str(project), "--remote", bare.as_uri(), "--yes"]),
                    timeout=LIMIT + git_process_adapter.GRACE_SECONDS + SLACK)
    elapsed = time.monotonic() - started
    out, err = capsys.readouterr()

    assert code == 1 and out == ""
    assert elapsed < LIMIT + git_process_adapter.GRACE_SECONDS + SLACK
    assert ("binder-wizard publish: The pre-commit hook did not finish within 2 seconds, so binder-wizard stopped "
            "it. Nothing was committed; your files and staged changes are as they were.") in err
    assert "What to do: Run the pre-commit hook yourself to see where it waits" in err
    for name in ("hook", "child"):
        assert ended(int((tmp_path / f"{name}.pid").read_text()))
    assert branch_sha(bare) is None
    assert snapshot(project)["files"] == before["files"] and snapshot(project)["refs"] == before["refs"]
    assert git(project, "diff", "--cached", "--name-only") == ""
    assert not (project / ".git" / "index.lock").exists()
