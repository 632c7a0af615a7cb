"""Step 1 for an R project (issue 13): the start is R's, the ignored install.R has a one-key fix, and nothing
claims a requirements.txt that does not exist."""

from __future__ import annotations

import datetime

from textual.widgets import Button

from tests.tui.step1 import open_step1, until_analysed
from tests.waiting import settle, until
from wizard.tui.common.choice_dialog import ConfirmDialog
from wizard.tui.environment.dependencies_dialog import DependenciesDialog

R_PROJECT = {"analysis.R": "library(dplyr)\nrequire(ggplot2)\nx <- readr::read_csv('a.csv')\n"}
SNAPSHOT = (datetime.date.today() - datetime.timedelta(days=2)).isoformat()


async def test_r_code_gets_an_r_start_that_writes_a_dated_runtime_and_install_r(make_app, make_project):
    project = make_project(R_PROJECT)
    app = make_app(project)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step1(pilot)
        start_r = screen.query_one("#start-r", Button)
        await until(pilot, lambda: start_r.parent.display, "the R start is offered")
        assert start_r.variant == "primary"
        assert not screen.query_one("#start-imports", Button).parent.display  # no Python code: no Python start
        start_r.press()
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the preview")
        diff = "\n".join(app.screen.diff)
        assert f"+r-4.5-{SNAPSHOT}" in diff and '+install.packages(c("dplyr", "ggplot2", "readr"))' in diff
        await pilot.click("#yes")
        await until(pilot, lambda: (project / "runtime.txt").is_file() and (project / "install.R").is_file(),
                    "both files written")
        assert (project / "runtime.txt").read_text() == f"r-4.5-{SNAPSHOT}\n"
        await until_analysed(pilot, screen)
        assert screen.analysis.detection.buildpack == "r"


async def test_an_ignored_install_r_is_fixed_with_ctrl_f(make_app, make_project):
    project = make_project({**R_PROJECT, "install.R": 'install.packages(c("dplyr", "ggplot2", "readr"))\n'})
    app = make_app(project)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_step1(pilot)
        await screen.open_file("install.R")
        await settle(pilot)
        await pilot.press("ctrl+f")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the fix preview")
        assert f"+r-4.5-{SNAPSHOT}" in "\n".join(app.screen.diff)
        await pilot.click("#yes")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: (project / "runtime.txt").is_file(), "runtime.txt written")
        assert (project / "runtime.txt").read_text() == f"r-4.5-{SNAPSHOT}\n"


async def test_no_requirements_file_is_claimed_to_list_anything(make_app, make_project):
    app = make_app(make_project(R_PROJECT))
    async with app.run_test(size=(100, 30)) as pilot:
        await open_step1(pilot)
        await pilot.press("ctrl+r")
        dialog = app.screen
        assert isinstance(dialog, DependenciesDialog)
        await until(pilot, lambda: not dialog.query_one("#deps-loading").display, "the comparison")
        status = str(dialog.query_one("#deps-status").render())
        assert "already lists" not in status
        assert "nothing to put in requirements.txt" in status and "3 R packages" in status


def test_snapshot_r_start_80x24(snap_compare, make_app, make_project):
    async def run_before(pilot) -> None:
        await open_step1(pilot)
        await until(pilot, lambda: pilot.app.screen.query_one("#start-r").parent.display, "the R start")

    assert snap_compare(make_app(make_project(R_PROJECT)), run_before=run_before, terminal_size=(80, 24))
