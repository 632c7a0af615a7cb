"""The app shell: overview, moving through the three steps and back, help, quit confirmation."""

from __future__ import annotations

import pytest

from tests.waiting import settle, until
from wizard.tui.common.choice_dialog import ConfirmDialog
from wizard.tui.common.help_dialog import HelpDialog

STEP_SCREENS = ["OverviewScreen", "EnvironmentScreen", "PublishScreen", "LaunchScreen"]


@pytest.fixture
def project(make_project):
    return make_project({"requirements.txt": "numpy==2.1.0\n", "analysis.ipynb": "{}"})


async def test_walks_all_steps_forward_and_back(make_app, project):
    app = make_app(project)
    async with app.run_test() as pilot:
        seen = [type(app.screen).__name__]
        for _ in range(3):
            await pilot.press("ctrl+n")
            seen.append(type(app.screen).__name__)
        await pilot.press("ctrl+n")  # already on the last step: stays
        assert type(app.screen).__name__ == "LaunchScreen"
        for _ in range(3):
            await pilot.press("ctrl+b")
            seen.append(type(app.screen).__name__)
        assert seen == STEP_SCREENS + STEP_SCREENS[-2::-1]


async def test_step_screens_keep_their_state_between_visits(make_app, project):
    app = make_app(project)
    async with app.run_test() as pilot:
        await pilot.press("ctrl+n")
        first_visit = app.screen
        await pilot.press("ctrl+b", "ctrl+n")
        assert app.screen is first_visit


async def test_step_indicator_says_where_we_are(make_app, project):
    from wizard.tui.common.step_indicator import StepIndicator

    app = make_app(project)
    async with app.run_test() as pilot:
        await pilot.press("ctrl+n", "ctrl+n")
        text = str(app.screen.query_one(StepIndicator).render())
        assert "Step 2 of 3" in text


async def test_overview_summarises_the_folder(make_app, make_project):
    project = make_project({"requirements.txt": "numpy\n", "binder/environment.yml": "dependencies: []\n",
                            ".git/HEAD": "ref: refs/heads/main\n",
                            ".git/config": '[remote "origin"]\n\turl = https://github.com/me/demo.git\n'})
    app = make_app(project)
    async with app.run_test() as pilot:
        await settle(pilot)
        git = str(app.screen.query_one("#git-summary").render())
        assert "yes, on branch main" in git
        assert "https://github.com/me/demo.git" in git
        build = str(app.screen.query_one("#build-summary").render())
        assert "conda" in build and "binder/environment.yml" in build
        assert "Ignored" in build and "requirements.txt" in build


async def test_overview_shows_file_names_without_parsing_markup(make_app, make_project):
    project = make_project({".git/HEAD": "ref: refs/heads/[/oops]\n"})
    app = make_app(project)
    async with app.run_test(notifications=True):
        assert "[/oops]" in str(app.screen.query_one("#git-summary").render())


async def test_help_opens_with_f1_and_closes_with_escape(make_app, project):
    app = make_app(project)
    async with app.run_test() as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpDialog)
        await pilot.press("escape")
        assert type(app.screen).__name__ == "OverviewScreen"


async def test_help_is_titled_after_the_screen(make_app, project):
    app = make_app(project)
    async with app.run_test() as pilot:
        titles = []
        for step in range(4):
            if step:
                app.post_message(app.screen.Navigate(step))
                await pilot.pause()
            await pilot.press("f1")
            titles.append(app.screen.help_title)
            await pilot.press("escape")
    assert titles == ["Overview", "Step 1: Environment", "Step 2: Publish", "Step 3: Launch"]


async def test_quit_asks_first_when_edits_are_unsaved(make_app, project):
    app = make_app(project)
    async with app.run_test() as pilot:
        app.state.unsaved_files.add("requirements.txt")
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, ConfirmDialog) and app.screen.question == "Quit without saving?"
        await pilot.press("escape")  # keep editing
        assert app.is_running and type(app.screen).__name__ == "OverviewScreen"
        await pilot.press("ctrl+q")
        await pilot.click("#yes")
    assert app.return_code == 0 and not app.is_running


async def test_quit_without_unsaved_work_exits_at_once(make_app, project):
    app = make_app(project)
    async with app.run_test() as pilot:
        await pilot.press("ctrl+q")
    assert not app.is_running


def test_snapshot_overview(snap_compare, make_app, project):
    assert snap_compare(make_app(project), run_before=settle, terminal_size=(100, 30))


def test_snapshot_help(snap_compare, make_app, project):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("f1")

    assert snap_compare(make_app(project), run_before=run_before, terminal_size=(100, 30))


def test_snapshot_quit_confirmation(snap_compare, make_app, project):
    async def run_before(pilot):
        await settle(pilot)
        pilot.app.state.unsaved_files.add("environment.yml")
        await pilot.press("ctrl+q")

    assert snap_compare(make_app(project), run_before=run_before, terminal_size=(100, 30))


async def test_overview_counts_errors_inside_files_not_only_the_detectors(make_app, make_project):
    project = make_project({"requirements.txt": "numpy==2.1.0\npywin32==306\n"})
    app = make_app(project)
    async with app.run_test() as pilot:
        await settle(pilot)
        build = str(app.screen.query_one("#build-summary").render())
        assert "1 error in requirements.txt" in build


async def test_overview_hides_a_token_in_the_remote_url_and_escape_codes(make_app, make_project):
    token = "ghp_" + "A1b2C3d4" * 5
    project = make_project({".git/HEAD": "ref: refs/heads/ma\x1b[2Jin\n",
                            ".git/config": f'[remote "origin"]\n\turl = https://me:{token}@github.com/me/demo.git\n'})
    app = make_app(project)
    async with app.run_test():
        git = str(app.screen.query_one("#git-summary").render())
        assert token not in git and "github.com/me/demo.git" in git
        assert "\x1b" not in git and "main" in git


def test_step_bar_claims_nothing_about_earlier_steps():
    from wizard.tui.common.step_indicator import step_line

    line = step_line(3).plain
    assert "Step 3 of 3" in line and "✓" not in line
    assert line.count("●") == 1


async def test_overview_composes_its_first_frame_with_a_first_look_already_made(make_project, monkeypatch):
    """Started before Textual (as the cli does), the first look is in the first frame: no second analysis."""
    from wizard.core.common.bounded_call_adapter import BoundedCall
    from wizard.core.environment import first_look as first_look_module
    from wizard.tui import overview
    from wizard.tui.app import WizardApp

    project = make_project({"requirements.txt": "numpy==2.1.0\n", "runtime.txt": "python-3.12\n"})
    first = BoundedCall(30, first_look_module.first_look, project).wait()
    assert first.error is None
    analysed_again = []
    monkeypatch.setattr(overview, "first_look", lambda path: analysed_again.append(path))
    app = WizardApp(project, first_look=first)
    async with app.run_test() as pilot:
        await settle(pilot)
        build = str(app.screen.query_one("#build-summary").render())
        assert "Binder will build" in build and "requirements.txt" in build
    assert analysed_again == []


async def test_overview_analyses_again_when_the_first_look_failed(make_project):
    from wizard.core.common.bounded_call_adapter import BoundedCall
    from wizard.tui.app import WizardApp

    def broken(path):
        raise MemoryError

    project = make_project({"requirements.txt": "numpy==2.1.0\n", "runtime.txt": "python-3.12\n"})
    first = BoundedCall(30, broken, project).wait()
    assert first.error == "MemoryError"
    app = WizardApp(project, first_look=first)
    async with app.run_test() as pilot:
        await until(pilot, lambda: "requirements.txt" in str(app.screen.query_one("#build-summary").render()),
                    "the summary from a second analysis")


@pytest.mark.parametrize("how", ["click", "enter", "space"])
async def test_the_overview_start_link_opens_step_1_like_a_button(make_app, make_project, how):
    app = make_app(make_project({"requirements.txt": "numpy\n"}))
    async with app.run_test() as pilot:
        await settle(pilot)
        if how == "click":
            await pilot.click("#start")
        else:
            app.screen.query_one("#start").focus()
            await pilot.press(how)
        await until(pilot, lambda: type(app.screen).__name__ == "EnvironmentScreen", "step 1")
