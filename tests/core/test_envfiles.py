"""Step 1's file list and templates, computed without any UI (wizard.core.environment.envfiles)."""

from __future__ import annotations

from wizard.core.environment.engine import analyse
from wizard.core.environment.envfiles import file_entries, file_info, hidden_root_files, offered_names


def test_file_entries_follow_the_config_folder(make_project):
    project = make_project({"requirements.txt": "numpy==2.1.0\n", "setup.py": "",
                            "binder/environment.yml": "dependencies:\n  - python=3.12\n"})
    entries = {e.relpath: e for e in file_entries(project, analyse(project), unsaved=set())}
    assert entries["binder/environment.yml"].status == "used"
    assert entries["requirements.txt"].status == "ignored" and "binder" in entries["requirements.txt"].reason
    assert entries["binder/runtime.txt"].status == "missing"  # new files go where Binder looks
    assert "runtime.txt" not in entries and "pyproject.toml" not in entries  # root-only files are not offered


def test_file_entries_count_problems_and_mark_unsaved(make_project):
    project = make_project({"requirements.txt": "numpy\n", "apt.txt": "Git\n"})
    entries = {e.relpath: e for e in file_entries(project, analyse(project), unsaved={"apt.txt"})}
    assert entries["apt.txt"].status == "used" and entries["apt.txt"].unsaved and entries["apt.txt"].errors
    assert not entries["requirements.txt"].unsaved


def test_new_templates_pin_the_python_already_chosen(make_project):
    project = make_project({"environment.yml": "dependencies:\n  - python=3.11\n"})
    assert file_info("runtime.txt", analyse(project).detection).template == "python-3.11\n"
    assert file_info("REQUIRE", analyse(project).detection).template is None  # retired: explained, not created


def test_common_files_are_offered_first_and_binder_folder_hides_top_level_files(make_project):
    assert offered_names()[:3] == ["requirements.txt", "runtime.txt", "environment.yml"]
    project = make_project({"requirements.txt": "numpy\n", "README.md": "# x\n", "postBuild": "echo\n"})
    assert sorted(hidden_root_files(project)) == ["postBuild", "requirements.txt"]
