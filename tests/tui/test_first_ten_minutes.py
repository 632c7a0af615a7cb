"""Issue 13's small things a beginner trips over: the key bar at 80 columns, ticked boxes that say so, the phase strip,
notifications out of the way, focus and Enter, wording, Ctrl+R on unsaved text, and an 80x24 snapshot of every screen
and dialog not covered elsewhere."""

from __future__ import annotations

import pytest
from textual.app import App
from textual.widgets import Input

from tests.tui.step1 import open_step1, until_analysed
from tests.waiting import settle, until
from wizard.tui.common.check_list import CheckList
from wizard.tui.common.key_bar import KeyBar
from wizard.tui.environment.dependencies_dialog import DependenciesDialog
from wizard.tui.launch.phases import LaunchPhases


@pytest.fixture
def project(make_project):
    return make_project({"requirements.txt": "numpy\n", "analysis.py": "import numpy\nimport pandas\n"})


async def test_the_key_bar_never_cuts_a_key_off_at_80_columns(make_app, project):
    app = make_app(project)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for _ in range(4):
            bar = app.screen.query_one(KeyBar)
            text = str(bar.render())
            assert all(len(line) <= 80 for line in text.split("\n"))
            assert "^q Quit" in text and "f2 Settings" in text
            assert bar.size.height == len(text.split("\n"))
            await pilot.press("ctrl+n")
            await settle(pilot)


async def test_ticked_and_unticked_boxes_differ_by_more_than_colour():
    class Boxes(App):
        def compose(self):
            yield CheckList(("ticked", 1, True), ("unticked", 2, False))

    app = Boxes()
    async with app.run_test() as pilot:
        await pilot.pause()
        boxes = app.query_one(CheckList)
        assert boxes.render_line(0).text.startswith("▐✓▌ ticked")
        assert boxes.render_line(1).text.startswith("▐ ▌ unticked")


async def test_a_phase_no_event_came_for_is_not_ticked():
    class Strip(App):
        def compose(self):
            yield LaunchPhases()

    app = Strip()
    async with app.run_test() as pilot:
        phases = app.query_one(LaunchPhases)
        for phase in ("waiting", "launching", "ready"):
            phases.enter(phase)
        await pilot.pause()
        line = str(phases.line())
        assert "– fetching" in line and "– building" in line and "✓ launching" in line
        assert "✓ building" not in line


async def test_notifications_stay_clear_of_the_problems_and_the_badge(make_app, project):
    from textual.widgets._toast import ToastRack

    app = make_app(project)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        app.notify("Something happened.")
        await pilot.pause()
        toast = app.screen.query_one(ToastRack).query_one("Toast")
        assert toast.region.y <= 3  # at the top right, under the step bar


async def test_the_overview_names_the_project_not_a_dot(make_app, make_project):
    app = make_app(make_project({"notes.txt": "hello\n"}))
    async with app.run_test() as pilot:
        await settle(pilot)
        build = str(app.screen.query_one("#build-summary").render())
        assert "1 error in the project as a whole" in build and " in . " not in build


async def test_the_file_list_says_enter_opens_and_enter_does(make_app, make_project):
    app = make_app(make_project({"requirements.txt": "numpy\n", "apt.txt": "curl\n"}))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step1(pilot)
        files = screen.query_one("#file-list")
        assert files.border_subtitle == "↑↓ · Enter opens"
        files.focus()
        files.highlight("apt.txt")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.current == "apt.txt"


async def test_ctrl_r_compares_the_unsaved_text_in_the_editor(make_app, project):
    app = make_app(project)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_step1(pilot)
        await screen.open_file("requirements.txt")
        buffer = screen.files.get("requirements.txt")
        buffer.replace_text("numpy\nscipy\n")  # not saved
        await until_analysed(pilot, screen)
        await pilot.press("ctrl+r")
        dialog = app.screen
        assert isinstance(dialog, DependenciesDialog)
        await until(pilot, lambda: dialog.rows, "the comparison")
        assert {(row.kind, row.name) for row in dialog.rows} >= {("undeclared", "pandas"), ("unused", "scipy")}
        await pilot.click("#apply")
        await settle(pilot)
        assert buffer.editor.text.startswith("numpy\nscipy\n") and "pandas" in buffer.editor.text
        assert (screen.state.project / "requirements.txt").read_text() == "numpy\n"  # still the user's to save


async def test_inputs_are_not_selected_when_focused(make_app, project):
    """Tabbing into a field must not select its text: the next key would replace it all."""
    from tests.servers.git_server import git  # noqa: F401 - the git binary is there
    from wizard.core import publish

    publish.init_repo(project)
    app = make_app(project)
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n", "ctrl+n")
        await until(pilot, lambda: getattr(app.screen, "view", None) is not None, "step 2 read the repository")
        message = app.screen.query_one("#message", Input)
        message.focus()
        await pilot.pause()
        assert message.value and message.selected_text == ""


@pytest.mark.parametrize("keys", [[], ["ctrl+n"], ["ctrl+n", "ctrl+n"], ["f1"], ["ctrl+n", "ctrl+r"]],
                         ids=["overview", "step1", "step2", "help", "dependencies"])
def test_snapshot_80x24(snap_compare, make_app, project, keys):
    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        if isinstance(pilot.app.screen, DependenciesDialog):
            await until(pilot, lambda: pilot.app.screen.rows, "the comparison")
        await settle(pilot)

    assert snap_compare(make_app(project), run_before=run_before, terminal_size=(80, 24))
