"""The overview's first look: the same words as the engine's report, computed in a forked copy."""

from __future__ import annotations

import os
import threading

import pytest

from wizard.core.common.bounded_call_adapter import BoundedCall
from wizard.core.environment.engine import analyse
from wizard.core.environment.first_look import FirstLook, first_look, first_look_of


def test_first_look_says_what_the_report_says(make_project):
    project = make_project({"binder/requirements.txt": "numpy==2.1.0\npywin32==306\n", "requirements.txt": "x\n",
                            "runtime.txt": "python-3.12\n"})
    report = analyse(project)
    look = first_look_of(report)
    assert look.summary == report.detection.summary and look.binder_dir == "binder"
    assert look.files_used == tuple(report.detection.files_used)
    assert ("requirements.txt", dict(report.detection.files_ignored)["requirements.txt"]) in look.files_ignored
    assert look.error_count == sum(1 for d in report.diagnostics if d.is_error) >= 1
    assert look.error_files == ("binder/requirements.txt",)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX-only")
def test_first_look_from_a_forked_copy_equals_one_made_here(make_project):
    if threading.active_count() != 1:
        pytest.skip("another thread runs in this test process: the call would use a thread")
    project = make_project({"environment.yml": "dependencies:\n  - python=3.11\n  - numpy\n"})
    call = BoundedCall(30, first_look, project, fork=True).wait()
    assert call.error is None and isinstance(call.result, FirstLook)
    assert call.result == first_look(project)
