"""Step 1 with hostile projects: terminal escapes in file contents and file names never reach the terminal."""

from __future__ import annotations

import os
import re

from tests.tui.step1 import open_step1
from tests.waiting import settle
from wizard.tui.common.choice_dialog import ConfirmDialog
from wizard.tui.common.diff_view import DiffView
from wizard.tui.environment.file_list import FileList
from wizard.tui.environment.problems import ProblemList

SIZE = (80, 24)
_RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def drawn_text(screen) -> str:
    """Every character the screen would send to the terminal (all its widgets, composed)."""
    update = screen._compositor.render_full_update()
    return "\n".join("".join(segment.text for segment in strip) for strip in update.strips)


def assert_no_raw_controls(screen) -> None:
    found = _RAW_CONTROL.findall(drawn_text(screen))
    assert not found, f"raw control characters drawn: {found!r}"


async def test_escape_in_requirements_is_not_opened_and_shown_visibly(make_app, make_project):
    project = make_project({"requirements.txt": "x\n\x1b[2Jpandas\n\x1b]52;c;aGk=\x07numpy\n"})
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        assert screen.current == "requirements.txt"
        assert screen.buffers["requirements.txt"].editor is None  # never in a TextArea
        assert_no_raw_controls(screen)
        text = drawn_text(screen)
        assert "\\x1b[2Jpandas" in text  # the codes written visibly
        assert "line 2" in text.lower()
        problems = screen.query_one(ProblemList)
        first = problems.diagnostics[0]
        assert (first.code, first.line) == ("control-characters", 2)
        assert "Lines 2, 3" in first.message  # both lines named


async def test_control_codes_fix_is_previewed_then_opens_the_clean_text(make_app, make_project):
    original = "x\n\x1b[2Jpandas\n"
    project = make_project({"requirements.txt": original})
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert_no_raw_controls(dialog)
        assert "Remove them" in drawn_text(dialog)  # the answers stay on screen at 80x24
        diff = dialog.query_one(DiffView).lines
        assert "+pandas" in diff and any(line.startswith("-") and "pandas" in line for line in diff)
        assert (project / "requirements.txt").read_text() == original  # nothing changed before Apply
        await pilot.click("#yes")
        await settle(pilot)
        buffer = screen.buffers["requirements.txt"]
        assert buffer.editor is not None and buffer.editor.text == "x\npandas\n"
        assert buffer.dirty  # in the editor, saved with Ctrl+S like every fix
        assert (project / "requirements.txt").read_text() == original
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert (project / "requirements.txt").read_text() == "x\npandas\n"
        assert_no_raw_controls(screen)


async def test_escape_in_folder_name_is_written_visibly(make_app, make_project):
    project = make_project({"sub\x1b[31m/requirements.txt": "pandas\n", "requirements.txt": "numpy\n"})
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        assert_no_raw_controls(screen)
        await screen.open_file("sub\x1b[31m/requirements.txt")
        await settle(pilot)
        assert_no_raw_controls(screen)
        file_list = screen.query_one(FileList)
        assert all(not _RAW_CONTROL.search(str(file_list.get_option_at_index(i).prompt))
                   for i in range(file_list.option_count))


async def test_file_that_gains_control_codes_on_disk_leaves_the_editor(make_app, make_project):
    project = make_project({"requirements.txt": "pandas\n"})
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        assert screen.buffers["requirements.txt"].editor is not None
        (project / "requirements.txt").write_text("pandas\n\x1b[2Jnumpy\n")  # e.g. a git pull in step 2
        await screen.saver.follow_disk()
        await settle(pilot)
        assert screen.buffers["requirements.txt"].editor is None
        assert "\\x1b[2Jnumpy" in drawn_text(screen)
        assert_no_raw_controls(screen)


async def test_file_replaced_by_a_named_pipe_is_followed_without_blocking(make_app, make_project):
    project = make_project({"requirements.txt": "pandas\n"})
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        (project / "requirements.txt").unlink()
        os.mkfifo(project / "requirements.txt")  # e.g. by a git checkout in step 2; nothing ever writes to it
        await screen.saver.follow_disk()
        await settle(pilot)
        assert "requirements.txt" not in screen.buffers and app.is_running
        assert "is not a file" in drawn_text(screen)


async def test_ignored_reason_is_said_once(make_app, make_project):
    project = make_project({"requirements.txt": "numpy\n", "binder/requirements.txt": "numpy\n"})
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        file_list = screen.query_one(FileList)
        prompt = str(file_list.get_option("requirements.txt").prompt)
        assert "ignored because a binder/ folder exists" in prompt
        assert prompt.lower().count("ignored") == 1, prompt


async def test_panel_does_not_repeat_ignores_in_the_reason(make_app, make_project):
    project = make_project({"requirements.txt": "numpy\n", "sub/requirements.txt": "numpy\n"})
    app = make_app(project)
    async with app.run_test(size=(110, 34)) as pilot:
        screen = await open_step1(pilot)
        panel = str(screen.query_one("#build-panel").render())
        assert "Ignores  sub/requirements.txt — Binder only looks" in panel, panel


async def test_fixed_notification_has_one_full_stop(make_app, make_project):
    project = make_project({"requirements.txt": "numpy\n", "postBuild": "pip install numpy\n"})
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        await screen.open_file("postBuild")
        problems = screen.query_one(ProblemList)
        problems.highlighted = next(i for i, d in enumerate(problems.diagnostics) if d.code == "script-no-shebang")
        await pilot.press("ctrl+f")
        assert app.screen.question.endswith(".")  # the fix title ends with a full stop
        await pilot.click("#yes")
        await pilot.pause()
        fixed = [n.message for n in app._notifications if n.message.startswith("Fixed:")]
        assert fixed and ".." not in fixed[0], fixed


async def test_folder_named_like_an_environment_file_shows_its_error_everywhere(make_app, make_project):
    project = make_project({})
    (project / "environment.yml").mkdir()
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        text = drawn_text(screen)
        assert "✗ 1 error" in text
        problems = screen.query_one(ProblemList)
        assert [d.code for d in problems.diagnostics] == ["not-a-file"]
        assert "No problems" not in text and "Binder needs an environment file" not in text
        assert "Binder cannot build this project yet" in text
        await screen.open_file("environment.yml")
        await settle(pilot)
        text = drawn_text(screen)
        assert "does not exist yet" not in text and "is not a file" in text
        assert [d.code for d in problems.diagnostics] == ["not-a-file"]


async def test_dependencies_of_a_huge_requirements_file_open_at_once_and_explain(make_app, make_project):
    line = "package==1.0.0\n"
    project = make_project({"requirements.txt": line * (12_000_000 // len(line)), "analysis.py": "import numpy\n"})
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        await pilot.press("ctrl+r")
        from wizard.tui.environment.dependencies_dialog import DependenciesDialog

        dialog = app.screen
        assert isinstance(dialog, DependenciesDialog)  # at once, before anything is read
        await settle(pilot)
        status = str(dialog.query_one("#deps-status").render())
        assert "cannot be compared" in status and "MB" in status
        assert dialog.query_one("#apply").disabled
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_pasted_terminal_output_keeps_its_text_not_its_escapes(make_app, make_project):
    from textual import events

    project = make_project({"requirements.txt": ""})
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        editor = screen.buffers["requirements.txt"].editor
        app.post_message(events.Paste("\x1b[32mpandas==2.2.3\x1b[0m\n"))  # as the driver does
        await settle(pilot)
        assert editor.text == "pandas==2.2.3\n"
        assert_no_raw_controls(screen)


async def test_a_path_from_a_build_log_with_escapes_is_shown_visibly(make_app, make_project):
    project = make_project({"requirements.txt": "numpy\n"})
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        await screen.open_file("apt\x1b[2J.txt")  # e.g. step 3 asks for a file named in a build log
        await settle(pilot)
        assert_no_raw_controls(screen)
        assert "apt\\x1b[2J.txt" in drawn_text(screen)
