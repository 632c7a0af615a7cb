"""Step 1: "Will it install on Binder?" (issue 12). After each save the panel's "Installs" row is checked in a
worker against a package index on 127.0.0.1 (the config's package_index); its findings join the problem list
with their line markers, one key fixes them, a newer save cancels a running check, and offline says so.
The Dependencies dialog proposes only pins that install on Binder's Python, or pinning the project's Python.
"""

from __future__ import annotations

import sys

import pytest

from tests.tui.step1 import open_step1, until_analysed
from tests.waiting import settle, until
from wizard.core.common.config import Config
from wizard.tui.common.choice_dialog import ChoiceDialog
from wizard.tui.common.diff_view import DiffView
from wizard.tui.environment.build_panel import BuildPanel
from wizard.tui.environment.dependencies_dialog import DependenciesDialog
from wizard.tui.environment.fixes import WhichFix
from wizard.tui.environment.problems import ProblemList

SIZE = (110, 34)
LOCAL = f"{sys.version_info.major}.{sys.version_info.minor}"


@pytest.fixture(autouse=True)
def offline(no_internet):
    """Every test here is offline: only the channel or index the test serves can answer."""


@pytest.fixture
def index(package_index):
    index = package_index()
    index.wheel("alpha", "1.0", padding=20_000)
    index.wheel("alpha", "2.0", requires_python=">=3.11", padding=20_000)
    index.wheel("beta", "1.0")
    return index


def panel_text(screen) -> str:
    return str(screen.query_one(BuildPanel).render())


def editor(screen):
    return screen.buffers[screen.current].editor


async def checked(pilot, screen) -> None:
    """Until the install check that the last save started has answered."""
    await until(pilot, lambda: screen.installer.settled and screen.installer.line.status != "waiting",
                "the install check")


async def test_a_save_checks_the_install_and_its_problems_join_the_list_with_line_markers(make_app, make_project,
                                                                                          index):
    project = make_project({"requirements.txt": "beta\nalpha==2.0\n"})
    app = make_app(project, Config(package_index=index.url))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        assert "Installs on Binder: checked when you save (Ctrl+S)" in panel_text(screen)
        assert index.pages_requested() == []  # nothing is asked before a save
        await pilot.press("ctrl+s")
        await checked(pilot, screen)
        assert "Installs on Binder: ✗ 1 problem" in panel_text(screen)
        assert "✗ 1 error" in panel_text(screen)
        problem = next(d for d in screen.query_one(ProblemList).diagnostics
                       if d.code == "install-needs-newer-python")
        assert (problem.file, problem.line, problem.severity) == ("requirements.txt", 2, "error")
        assert editor(screen).problem_lines == {2: "error"}  # the line marker
        await pilot.press("x")  # an unsaved edit: the findings' line numbers may be wrong now
        await until_analysed(pilot, screen)
        assert not any(d.code.startswith("install-") for d in screen.query_one(ProblemList).diagnostics)
        assert "Installs on Binder: ✗ 1 problem" in panel_text(screen)


async def test_one_key_fix_offers_both_ways_out_and_the_pin_makes_it_install(make_app, make_project, index):
    project = make_project({"requirements.txt": "alpha==2.0\n"})
    app = make_app(project, Config(package_index=index.url))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        await pilot.press("ctrl+s")
        await checked(pilot, screen)
        await pilot.press("ctrl+f")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog)
        diff = dialog.query_one(DiffView).lines
        assert "+python-3.11" in diff and "+alpha==1.0" in diff  # both files' changes are shown
        await pilot.click(f"#{WhichFix.SECOND.value}")  # the fix text names runtime.txt first, then the pin
        await settle(pilot)
        assert editor(screen).text == "alpha==1.0\n"
        assert not (project / "runtime.txt").exists()
        await pilot.press("ctrl+s")
        await checked(pilot, screen)
        assert "Installs on Binder: ✓ 1 package, 21 KB" in panel_text(screen)
        assert "✓ no problems found" in panel_text(screen) or "error" not in panel_text(screen)


async def test_the_other_way_out_creates_runtime_txt(make_app, make_project, index):
    project = make_project({"requirements.txt": "alpha==2.0\n"})
    app = make_app(project, Config(package_index=index.url))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        await pilot.press("ctrl+s")
        await checked(pilot, screen)
        await pilot.press("ctrl+f")
        await settle(pilot)
        await pilot.click(f"#{WhichFix.FIRST.value}")
        await settle(pilot)
        assert (project / "runtime.txt").read_text() == "python-3.11\n"
        assert screen.current == "runtime.txt"
        await checked(pilot, screen)  # creating a file is a change on disk: checked again
        assert "Installs on Binder: ✓ 1 package" in panel_text(screen)
        assert screen.analysis.detection.python_version == "3.11"


async def test_a_newer_save_cancels_the_running_check(make_app, make_project, hanging_index, index):
    project = make_project({"requirements.txt": "beta\n", "runtime.txt": "python-3.12\n"})
    app = make_app(project, Config(package_index=hanging_index))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: screen.installer.running, "a running check")
        first = screen.installer._cancel
        assert "checking…" in panel_text(screen)
        app.state.config = Config(package_index=index.url)
        await pilot.press("ctrl+s")
        assert first.is_set()  # uv of the first check is killed
        await checked(pilot, screen)
        assert "Installs on Binder: ✓ 1 package" in panel_text(screen)


async def test_typing_goes_on_while_a_check_runs(make_app, make_project, hanging_index):
    project = make_project({"requirements.txt": "beta\n"})
    app = make_app(project, Config(package_index=hanging_index))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: screen.installer.running, "a running check")
        await pilot.press("end", "x", "y", "z")
        await pilot.pause()
        assert editor(screen).text == "betaxyz\n" and screen.installer.running
        cancel = screen.installer._cancel
    assert cancel.is_set()  # leaving the app stops the check


async def test_offline_says_not_checked_and_changes_no_verdict(make_app, make_project, unreachable_url):
    project = make_project({"requirements.txt": "beta\n", "runtime.txt": "python-3.12\n"})
    app = make_app(project, Config(package_index=unreachable_url))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        await pilot.press("ctrl+s")
        await checked(pilot, screen)
        assert "Installs on Binder: not checked (offline)" in panel_text(screen)
        assert "error" not in panel_text(screen)


@pytest.fixture(scope="module")
def new_alpha_env(tmp_path_factory):
    from tests.core.test_deps import make_env

    return make_env(tmp_path_factory.mktemp("envs") / "new-alpha", {"alpha": ("2.0", ["alpha/__init__.py"])})


@pytest.mark.skipif(sys.version_info < (3, 11), reason="the project's Python must be newer than Binder's 3.10")
async def test_dependencies_propose_the_pin_for_binders_python_or_pinning_the_local_python(
        make_app, make_project, index, new_alpha_env, monkeypatch):
    monkeypatch.setenv("VIRTUAL_ENV", str(new_alpha_env))  # the project's Python has alpha 2.0 (needs 3.11)
    project = make_project({"requirements.txt": "beta\n", "analysis.py": "import alpha\nimport beta\n"})
    app = make_app(project, Config(package_index=index.url))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, DependenciesDialog)
        rows = {row.kind: row for row in dialog.rows}
        assert rows["undeclared"].new_line == "alpha==1.0"
        assert "alpha 2.0 (your version) needs Python >=3.11" in rows["undeclared"].message
        assert rows["pin-python"].new_line == f"python-{LOCAL}" and rows["pin-python"].file == "runtime.txt"
        assert "+alpha==1.0" in dialog.query_one(DiffView).lines  # the compatible pin is the default
        selection = dialog.query_one("#deps-rows")
        selection.select(list(dialog.rows).index(rows["pin-python"]))
        await pilot.pause()
        lines = dialog.query_one(DiffView).lines
        assert "+alpha==2.0" in lines and f"+python-{LOCAL}" in lines  # both files in the preview
        await pilot.click("#apply")
        await settle(pilot)
        assert (project / "runtime.txt").read_text() == f"python-{LOCAL}\n"
        assert screen.buffers["requirements.txt"].editor.text == "beta\nalpha==2.0\n"


async def test_dependencies_offline_keep_the_local_pins_and_say_so(make_app, make_project, unreachable_url,
                                                                   new_alpha_env, monkeypatch):
    monkeypatch.setenv("VIRTUAL_ENV", str(new_alpha_env))
    project = make_project({"requirements.txt": "beta\n", "analysis.py": "import alpha\n"})
    app = make_app(project, Config(package_index=unreachable_url))
    async with app.run_test(size=SIZE) as pilot:
        await open_step1(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        dialog = app.screen
        assert [row.new_line for row in dialog.rows if row.kind == "undeclared"] == ["alpha==2.0"]
        status = str(dialog.query_one("#deps-status").render())
        assert "not checked" in status and unreachable_url in status


def _failing_project(make_project):
    return make_project({"requirements.txt": "beta\nalpha==2.0\n"})


async def _saved_and_checked(pilot):
    screen = await open_step1(pilot)
    await pilot.press("ctrl+s")
    await checked(pilot, screen)
    pilot.app.clear_notifications()  # "Saved requirements.txt" would hide the problem and stay for seconds
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_snapshot_install_problems(snap_compare, make_app, make_project, index, size):
    app = make_app(_failing_project(make_project), Config(package_index=index.url))
    assert snap_compare(app, run_before=_saved_and_checked, terminal_size=size)
