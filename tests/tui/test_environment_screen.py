"""Step 1 (Environment): the live "What Binder will build" panel, file list, editor with live validation,
one-key fixes, safe saving, conflicts, and asking before unsaved edits are left behind."""

from __future__ import annotations

import os
import stat

import pytest
from textual.notifications import Notify

from tests.tui.step1 import open_step1, until_analysed
from tests.waiting import settle
from wizard.tui.common.choice_dialog import ChoiceDialog, ConfirmDialog
from wizard.tui.environment.dependencies_dialog import DependenciesDialog
from wizard.tui.environment.screen import EnvironmentScreen
from wizard.tui.environment.build_panel import BuildPanel
from wizard.tui.common.diff_view import DiffView
from wizard.tui.environment.editor import EnvEditor
from wizard.tui.environment.file_list import FileList
from wizard.tui.environment.problems import ProblemList

SIZE = (110, 34)


def panel_text(screen) -> str:
    return str(screen.query_one(BuildPanel).render())


def editor(screen) -> EnvEditor:
    return screen.buffers[screen.current].editor


async def test_panel_shows_conda_and_requirements_ignored(make_app, make_project):
    project = make_project({"requirements.txt": "numpy==2.1.0\n",
                            "environment.yml": "dependencies:\n  - python=3.11\n  - numpy\n"})
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        text = panel_text(screen)
        assert "conda" in text and "3.11" in text
        assert "requirements.txt" in text and "environment.yml wins over requirements.txt" in text
        entries = screen.query_one(FileList).entries
        assert entries["environment.yml"].status == "used"
        assert entries["requirements.txt"].status == "ignored"
        assert "environment.yml wins" in entries["requirements.txt"].reason
        assert screen.current == "environment.yml"  # the file Binder uses is opened


async def test_typing_an_invalid_line_shows_a_diagnostic_on_that_line(make_app, make_project):
    project = make_project({"requirements.txt": "numpy==2.1.0\n", "apt.txt": "curl\n"})
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        await screen.open_file("apt.txt")
        area = editor(screen)
        area.move_cursor((1, 0))
        await pilot.press(*"Git")  # apt names must start lower-case: repo2docker refuses the build
        await until_analysed(pilot, screen)
        problems = screen.query_one(ProblemList).diagnostics
        assert [(d.line, d.code) for d in problems if d.severity == "error"] == [(2, "apt-invalid-name")]
        assert area.problem_lines == {2: "error"}
        assert screen.query_one(FileList).entries["apt.txt"].errors == 1
        assert "apt.txt" in app.state.unsaved_files  # Quit will ask
        assert (project / "apt.txt").read_text() == "curl\n"  # nothing saved behind the user's back


async def test_panel_follows_unsaved_edits(make_app, make_project):
    project = make_project({"environment.yml": "dependencies:\n  - python=3.11\n"})
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        area = editor(screen)
        area.replace("3.12", (1, 11), (1, 15))
        await until_analysed(pilot, screen)
        assert "Python 3.12" in panel_text(screen)
        assert "not saved" in panel_text(screen)


async def test_enter_on_a_problem_jumps_to_its_line_and_column(make_app, make_project):
    project = make_project({"requirements.txt": "numpy\n", "apt.txt": "curl\nvim\nGit\n"})
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        await screen.open_file("apt.txt")
        problems = screen.query_one(ProblemList)
        target = next(d for d in problems.diagnostics if d.code == "apt-invalid-name")
        problems.focus()
        problems.highlighted = problems.diagnostics.index(target)
        await pilot.press("enter")
        assert editor(screen).cursor_location == (target.line - 1, (target.column or 1) - 1)
        assert screen.focused is editor(screen)


async def test_fix_preview_then_apply_changes_the_text_as_previewed_and_undo_restores(make_app, make_project):
    original = "pip install --user numpy\n"
    project = make_project({"requirements.txt": "numpy\n", "postBuild": original})
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        await screen.open_file("postBuild")
        problems = screen.query_one(ProblemList)
        problems.highlighted = next(i for i, d in enumerate(problems.diagnostics) if d.code == "script-no-shebang")
        await pilot.press("ctrl+f")
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog) and dialog.question == "Fix: Add `#!/bin/bash` as the first line."
        previewed = dialog.query_one(DiffView).lines
        assert "+#!/bin/bash" in previewed
        await pilot.click("#yes")
        await pilot.pause()
        assert app.screen is screen
        assert editor(screen).text == "#!/bin/bash\n" + original
        assert "postBuild" in app.state.unsaved_files
        editor(screen).undo()
        assert editor(screen).text == original


async def test_cancelled_fix_changes_nothing(make_app, make_project):
    project = make_project({"requirements.txt": "numpy\n", "postBuild": "pip install numpy\n"})
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        await screen.open_file("postBuild")
        await pilot.press("ctrl+f")
        assert isinstance(app.screen, ConfirmDialog) and app.screen.question.startswith("Fix: ")
        await pilot.press("escape")
        assert editor(screen).text == "pip install numpy\n"
        assert not app.state.unsaved_files


async def test_crlf_fix_changes_the_line_endings_that_are_saved(make_app, make_project):
    project = make_project({"requirements.txt": "numpy\n", "postBuild": b"#!/bin/bash\r\nset -e\r\necho hi\r\n"})
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        await screen.open_file("postBuild")
        problems = screen.query_one(ProblemList)
        problems.highlighted = next(i for i, d in enumerate(problems.diagnostics) if d.code == "script-crlf")
        await pilot.press("ctrl+f")
        assert "Line endings: Windows (CRLF) → Unix (LF)" in app.screen.query_one(DiffView).lines
        await pilot.click("#yes")
        await pilot.press("ctrl+s")
        assert (project / "postBuild").read_bytes() == b"#!/bin/bash\nset -e\necho hi\n"


async def test_create_runtime_txt_from_template_changes_the_python_version(make_app, make_project):
    project = make_project({"requirements.txt": "numpy==2.1.0\n"})
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        assert "3.10" in panel_text(screen)
        suggested = screen.query_one(FileList).entries["runtime.txt"]
        assert suggested.status == "missing" and suggested.warnings  # "pin your Python version"
        await screen.open_file("runtime.txt")
        assert any(d.code == "python-unpinned" for d in screen.query_one(ProblemList).diagnostics)
        assert screen.query_one("#editor-area").current == "missing"
        await pilot.pause()
        await pilot.click("#create")
        await settle(pilot)
        written = (project / "runtime.txt").read_text()
        version = written.strip().removeprefix("python-")
        assert version != "3.10" and f"Python {version}" in panel_text(screen)
        assert screen.current == "runtime.txt" and editor(screen).text == written
        assert screen.query_one(FileList).entries["runtime.txt"].status == "used"


async def test_runtime_txt_can_be_created_for_r(make_app, make_project):
    project = make_project({"install.R": 'install.packages("ggplot2")\n'})
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        await screen.open_file("runtime.txt")
        await pilot.pause()
        await pilot.click("#create-variant")
        await settle(pilot)
        assert (project / "runtime.txt").read_text().startswith("r-")
        detection = screen.analysis.detection
        assert detection.buildpack == "r" and detection.r_version and "R " in panel_text(screen)


async def test_save_writes_exact_bytes_and_makes_postbuild_executable(make_app, make_project):
    project = make_project({"requirements.txt": "numpy\n", "postBuild": b"#!/bin/bash\r\nset -e\r\n"})
    os.chmod(project / "postBuild", 0o644)
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        await screen.open_file("postBuild")
        area = editor(screen)
        area.move_cursor(area.document.end)
        area.insert("wget -q -O data.csv https://example.org/data.csv")
        await pilot.press("enter")
        assert "postBuild" in app.state.unsaved_files
        await pilot.press("ctrl+s")
        assert (project / "postBuild").read_bytes() == (
            b"#!/bin/bash\r\nset -e\r\nwget -q -O data.csv https://example.org/data.csv\r\n")
        assert stat.S_IMODE((project / "postBuild").stat().st_mode) == 0o755
        assert not app.state.unsaved_files


async def test_external_change_gives_a_conflict_prompt_with_the_difference(make_app, make_project):
    project = make_project({"requirements.txt": "numpy\n"})
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        area = editor(screen)
        area.insert("pandas\n", area.document.end)
        (project / "requirements.txt").write_text("numpy\nscipy\n")  # another program saves meanwhile
        await pilot.press("ctrl+s")
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog) and "changed on disk" in dialog.question
        diff = dialog.query_one(DiffView).lines
        assert "-scipy" in diff and "+pandas" in diff
        await pilot.press("escape")  # cancel: nothing written
        assert (project / "requirements.txt").read_text() == "numpy\nscipy\n"
        await pilot.press("ctrl+s")
        await pilot.click("#overwrite")
        assert (project / "requirements.txt").read_text() == "numpy\npandas\n"


async def test_conflict_can_take_the_version_on_disk_and_undo_brings_mine_back(make_app, make_project):
    project = make_project({"requirements.txt": "numpy\n"})
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        area = editor(screen)
        area.insert("pandas\n", area.document.end)
        (project / "requirements.txt").write_text("numpy\nscipy\n")
        await pilot.press("ctrl+s")
        await pilot.click("#reload")
        assert area.text == "numpy\nscipy\n" and not app.state.unsaved_files
        area.undo()
        assert area.text == "numpy\npandas\n"


async def test_quit_with_unsaved_edits_asks_first(make_app, make_project):
    project = make_project({"requirements.txt": "numpy\n"})
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        await pilot.press(*"pandas", "enter")
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, ConfirmDialog) and app.screen.question == "Quit without saving?"
        assert "requirements.txt" in app.screen.detail
        await pilot.press("escape")
        assert app.is_running and app.screen is screen


async def test_leaving_the_step_with_unsaved_edits_asks_and_can_save(make_app, make_project):
    project = make_project({"requirements.txt": "numpy\n"})
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        editor(screen).insert("pandas\n", (1, 0))
        await pilot.press("ctrl+n")
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("escape")  # stay
        assert app.screen is screen
        await pilot.press("ctrl+n")
        await pilot.click("#save")
        await pilot.pause()
        assert type(app.screen).__name__ == "PublishScreen"
        assert (project / "requirements.txt").read_text() == "numpy\npandas\n"


async def test_going_on_with_errors_warns_without_stopping(make_app, make_project):
    project = make_project({"requirements.txt": "numpy\n", "apt.txt": "Git\n"})
    app = make_app(project)
    seen = []
    async with app.run_test(size=SIZE, notifications=True, message_hook=seen.append) as pilot:
        await open_step1(pilot)
        await pilot.press("ctrl+n")
        assert type(app.screen).__name__ == "PublishScreen"
        warnings = [m.notification for m in seen if isinstance(m, Notify)]
        assert any(n.severity == "warning" and "apt.txt" in n.message for n in warnings)


async def test_step3_can_send_the_user_to_a_line(make_app, make_project):
    project = make_project({"requirements.txt": "numpy\n", "apt.txt": "curl\nvim\nlibgl1-mesa-glx\n"})
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        await pilot.press("ctrl+n")  # to step 2, despite the error in apt.txt
        assert type(app.screen).__name__ == "PublishScreen"
        app.state.goto_file = ("apt.txt", 3)
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert app.screen is screen and screen.current == "apt.txt"
        assert editor(screen).cursor_location == (2, 0)
        assert app.state.goto_file is None


async def test_a_line_asked_for_before_the_first_visit_is_opened(make_app, make_project):
    project = make_project({"requirements.txt": "numpy\n", "apt.txt": "curl\nvim\n"})
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        app.state.goto_file = ("apt.txt", 2)
        screen = await open_step1(pilot)
        assert screen.current == "apt.txt" and editor(screen).cursor_location == (1, 0)


async def test_paths_outside_the_project_are_not_opened(make_app, make_project, tmp_path):
    (tmp_path / "secret.txt").write_text("token")
    project = make_project({"requirements.txt": "numpy\n"})
    app = make_app(project)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_step1(pilot)
        await screen.open_file("../secret.txt")
        assert screen.current == "requirements.txt" and "../secret.txt" not in screen.buffers


async def test_files_changed_elsewhere_are_followed_when_coming_back(make_app, make_project):
    project = make_project({"requirements.txt": "numpy\n", "apt.txt": "curl\n"})
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        await screen.open_file("requirements.txt")
        await screen.open_file("apt.txt")
        await pilot.press("ctrl+n")
        (project / "requirements.txt").write_text("numpy\npandas\n")  # e.g. a git pull in step 2
        (project / "apt.txt").unlink()
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert screen.buffers["requirements.txt"].editor.text == "numpy\npandas\n"
        assert "apt.txt" not in screen.buffers and screen.query_one("#editor-area").current == "missing"
        assert screen.query_one(FileList).entries["apt.txt"].status == "missing"
        assert not app.state.unsaved_files


async def test_new_binder_folder_warns_and_moves_root_files(make_app, make_project):
    project = make_project({"requirements.txt": "numpy\n", "apt.txt": "curl\n"})
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        await screen.open_file("postBuild")
        await pilot.pause()
        await pilot.click("#create-in-binder")
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog)
        assert "requirements.txt" in dialog.detail and "apt.txt" in dialog.detail
        await pilot.click("#move")
        await settle(pilot)
        assert sorted(p.name for p in (project / "binder").iterdir()) == ["apt.txt", "postBuild", "requirements.txt"]
        assert not (project / "requirements.txt").exists()
        detection = screen.analysis.detection
        assert detection.binder_dir == "binder" and "binder/requirements.txt" in detection.files_used
        assert screen.current == "binder/postBuild"


async def test_file_contents_and_names_are_never_markup(make_app, make_project):
    project = make_project({"requirements.txt": "[/oops]\n[@click=app.quit]x[/]\n",
                            "[b][@click=app.quit]x/environment.yml": "dependencies: [x]\n"})
    app = make_app(project)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_step1(pilot)
        await until_analysed(pilot, screen)
        assert editor(screen).text.startswith("[/oops]")
        assert any("[/oops]" in d.message for d in screen.query_one(ProblemList).diagnostics)
        assert "[b][@click=app.quit]x/environment.yml" in screen.query_one(FileList).entries  # a stray file, shown as is
        await screen.open_file("[b][@click=app.quit]x/environment.yml")
        await pilot.pause()
        assert "[b][@click=app.quit]x/environment.yml" in str(screen.query_one("#editor-title").render())
        assert app.is_running


async def test_binary_file_is_explained_not_opened(make_app, make_project):
    project = make_project({"environment.yml": b"\x00\x01\x02binary"})
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        await screen.open_file("environment.yml")
        assert screen.query_one("#editor-area").current == "unreadable"
        assert "binary" in str(screen.query_one("#unreadable").render())


def test_snapshot_empty_project_call_to_action(snap_compare, make_app, make_project):
    project = make_project({"analysis.ipynb": "{}"})
    assert snap_compare(make_app(project), press=["ctrl+n"], terminal_size=SIZE)


def test_snapshot_project_with_errors(snap_compare, make_app, make_project):
    project = make_project({"requirements.txt": "numpy==2.1.0\n", "runtime.txt": "python-3.9.1\n",
                            "apt.txt": "curl\nGit\nlibgl1-mesa-glx\n"})

    async def run_before(pilot):
        screen = await open_step1(pilot)
        await screen.open_file("apt.txt")
        screen.query_one(FileList).highlight("apt.txt")
        await settle(pilot)

    assert snap_compare(make_app(project), run_before=run_before, terminal_size=SIZE)


def test_snapshot_fix_preview(snap_compare, make_app, make_project):
    project = make_project({"requirements.txt": "numpy\n", "apt.txt": "curl\nlibgl1-mesa-glx\n"})

    async def run_before(pilot):
        screen = await open_step1(pilot)
        await screen.open_file("apt.txt")
        await pilot.press("ctrl+f")
        await settle(pilot)

    assert snap_compare(make_app(project), run_before=run_before, terminal_size=SIZE)


@pytest.mark.parametrize("name, language", [("environment.yml", "yaml"), ("postBuild", "bash"),
                                            ("Project.toml", "toml"), ("requirements.txt", None)])
def test_editor_language_follows_the_file(name, language):
    assert EnvEditor.for_file(name, "").language == language


async def test_dependencies_view_adds_missing_imports_to_the_editor(make_app, make_project):
    project = make_project({"requirements.txt": "pandas\n",
                            "analysis.py": "import numpy as np\nimport requests\nimport os\n"})
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        await pilot.press("ctrl+r")
        dialog = app.screen
        assert isinstance(dialog, DependenciesDialog)
        await settle(pilot)
        kinds = {row.name: row.kind for row in dialog.rows}
        assert kinds["numpy"] == "undeclared" and kinds["requests"] == "undeclared"
        assert kinds["pandas"] == "unused" and "os" not in kinds
        preview = dialog.query_one("#deps-diff", DiffView).lines
        assert any(line.startswith("+numpy") for line in preview)
        assert "-pandas" not in preview  # removing an unused line is never done unasked
        await pilot.click("#apply")
        await pilot.pause()
        text = editor(screen).text
        assert text.startswith("pandas\n") and "\nnumpy" in text and "\nrequests" in text
        assert "requirements.txt" in app.state.unsaved_files  # the user saves it
        editor(screen).undo()
        assert editor(screen).text == "pandas\n"


async def test_empty_project_can_start_from_the_code_imports(make_app, make_project):
    project = make_project({"analysis.py": "import numpy\n"})
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        await pilot.click("#start-imports")
        await settle(pilot)
        assert isinstance(app.screen, DependenciesDialog)
        await pilot.click("#apply")
        await settle(pilot)
        assert (project / "requirements.txt").read_text().startswith("numpy")
        assert screen.analysis.detection.buildpack == "python"
        assert screen.current == "requirements.txt"
