"""Unsaved editor text (overrides) gets exactly the findings the same text gets once saved."""

from __future__ import annotations

import pytest

from wizard.core.environment.engine import analyse

BOM = "\ufeff"


def codes(report, file):
    return sorted(d.code for d in report.diagnostics if d.file == file)


@pytest.mark.parametrize("name, text", [
    ("requirements.txt", BOM + "numpy==2.1.0\n"),
    ("environment.yml", BOM + "dependencies:\n  - python=3.12\n"),
    ("postBuild", BOM + "#!/bin/bash\nset -e\necho hi\n"),
])
def test_unsaved_text_with_a_bom_is_checked_like_the_saved_file(make_project, name, text):
    saved = make_project({name: text.encode("utf-8")}, name="saved")
    unsaved = make_project({name: b"placeholder\n"}, name="unsaved")
    assert codes(analyse(unsaved, overrides={name: text}), name) == codes(analyse(saved), name)


def test_removing_the_bom_in_the_editor_clears_the_finding_before_saving(make_project):
    project = make_project({"postBuild": (BOM + "#!/bin/bash\nset -e\n").encode("utf-8")})
    assert "script-bom" in codes(analyse(project), "postBuild")
    assert "script-bom" not in codes(analyse(project, overrides={"postBuild": "#!/bin/bash\nset -e\n"}), "postBuild")
