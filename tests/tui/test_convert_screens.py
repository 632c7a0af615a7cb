"""Issue 15 in the app: step 1 shows a lock Binder ignores and converts it with one key (the diff of every file
first), including a lock changed after its conversion; step 3 says once when the hub runs another repo2docker."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.servers.hub_server import MYBINDER_VERSIONS, sse
from tests.tui.step1 import open_step1
from tests.waiting import settle, until
from wizard.core.common.config import Config
from wizard.core.environment.engine import analyse
from wizard.core.launch import versions_adapter
from wizard.tui.common.choice_dialog import ConfirmDialog
from wizard.tui.common.diff_view import DiffView
from wizard.tui.environment.file_list import FileList
from wizard.tui.environment.problems import ProblemList

SIZE = (110, 34)
LOCKS = Path(__file__).resolve().parents[1] / "fixtures" / "locks"


@pytest.fixture
def uv_project(tmp_path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(LOCKS / "uv", project, ignore=shutil.ignore_patterns("expected"))
    return project


async def convert_dialog(pilot, screen) -> ConfirmDialog:
    await pilot.press("ctrl+f")
    await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmDialog), "the conversion preview")
    return pilot.app.screen


async def test_a_lock_alone_is_opened_and_ctrl_f_writes_what_the_preview_showed(make_app, uv_project):
    app = make_app(uv_project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        await until(pilot, lambda: screen.current == "uv.lock", "the lock opened: it is all there is")
        assert screen.query_one(FileList).entries["uv.lock"].status == "ignored"
        problems = screen.query_one(ProblemList).diagnostics
        assert [(d.code, d.severity) for d in problems if d.code == "lock-ignored"] == [("lock-ignored", "error")]
        dialog = await convert_dialog(pilot, screen)
        assert dialog.question == "Convert uv.lock"
        diff = dialog.query_one(DiffView).lines
        assert "+numpy==1.26.4" in diff and "+python-3.11" in diff
        assert not (uv_project / "requirements.txt").exists()  # nothing before the answer
        await pilot.click("#yes")
        await until(pilot, lambda: (uv_project / "runtime.txt").exists(), "the files written")
        await until(pilot, lambda: screen.current == "requirements.txt", "the written file opened")
        await settle(pilot)
    expected = LOCKS / "uv" / "expected"
    assert (uv_project / "requirements.txt").read_text() == (expected / "requirements.txt").read_text()
    assert (uv_project / "runtime.txt").read_text() == "python-3.11\n"
    assert analyse(uv_project).ok


async def test_cancelling_the_preview_writes_nothing(make_app, uv_project):
    app = make_app(uv_project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        await until(pilot, lambda: screen.current == "uv.lock")
        await convert_dialog(pilot, screen)
        await pilot.press("escape")
        await settle(pilot)
    assert sorted(p.name for p in uv_project.iterdir()) == ["packages", "pyproject.toml", "uv.lock"]


async def test_a_changed_lock_is_regenerated_from_the_generated_file(make_app, uv_project):
    shutil.copy(LOCKS / "uv" / "expected" / "requirements.txt", uv_project / "requirements.txt")
    (uv_project / "runtime.txt").write_text("python-3.11\n")
    lock = uv_project / "uv.lock"
    lock.write_text(lock.read_text().replace('version = "0.20.0"', 'version = "0.21.0"'))
    app = make_app(uv_project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step1(pilot)
        await until(pilot, lambda: screen.current == "requirements.txt")
        problems = screen.query_one(ProblemList)
        stale = next(i for i, d in enumerate(problems.diagnostics) if d.code == "lock-out-of-date")
        problems.highlighted = stale
        dialog = await convert_dialog(pilot, screen)
        assert "-uvloop==0.20.0" in dialog.query_one(DiffView).lines
        assert "+uvloop==0.21.0" in dialog.query_one(DiffView).lines
        await pilot.click("#yes")
        await until(pilot, lambda: "uvloop==0.21.0" in (uv_project / "requirements.txt").read_text())
        await until(pilot, lambda: screen.analysis is not None and not any(
            d.code == "lock-out-of-date" for d in screen.analysis.diagnostics), "the warning gone")


def test_snapshot_step1_with_only_a_lock(snap_compare, make_app, uv_project):
    async def run_before(pilot):
        screen = await open_step1(pilot)
        await until(pilot, lambda: screen.current == "uv.lock")
        await settle(pilot)

    assert snap_compare(make_app(uv_project), run_before=run_before, terminal_size=SIZE)


def test_snapshot_conversion_preview(snap_compare, make_app, uv_project):
    async def run_before(pilot):
        screen = await open_step1(pilot)
        await until(pilot, lambda: screen.current == "uv.lock")
        await convert_dialog(pilot, screen)
        await settle(pilot)

    assert snap_compare(make_app(uv_project), run_before=run_before, terminal_size=SIZE)


# --------------------------------------------------------------------------------------------------
# Step 3: drift


async def test_step3_says_once_that_the_hub_runs_another_repo2docker(make_app, make_project, hub_server, monkeypatch):
    import subprocess

    from tests.tui.test_launch_screen import HubByName, open_launch
    from wizard.tui.launch.screen import LaunchScreen

    versions_adapter._checked.clear()
    hub = hub_server(rewrite_hub=False, keepalive=0.05, versions=MYBINDER_VERSIONS)
    monkeypatch.setattr(LaunchScreen, "hub_transport", HubByName(hub))
    hub.add_build("gh/me/demo/HEAD", [sse({"phase": "ready", "url": "http://127.0.0.1:8000/user/x/", "token": "t"})])
    project = make_project({"requirements.txt": "numpy==2.1.0\n", "index.ipynb": "{}"})
    subprocess.run(["git", "-C", str(project), "init", "-q", "-b", "main"], check=True)
    subprocess.run(["git", "-C", str(project), "remote", "add", "origin", "https://github.com/me/demo.git"], check=True)
    notes = []
    app = make_app(project, config=Config(hub_url="https://hub.example.org/"))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        monkeypatch.setattr(app, "notify", lambda message, **kw: notes.append((message, kw.get("severity"))))
        screen = await open_launch(pilot)
        for _ in range(2):
            screen.outcome = None
            await pilot.press("ctrl+l")
            await until(pilot, lambda: screen.outcome is not None and not screen.building, "the build done")
            await settle(pilot)
    drift = [(m, s) for m, s in notes if "2026.4.1.dev44-g97bb4e45a" in m]
    assert drift == [(versions_adapter.drift_words("2026.4.1.dev44-g97bb4e45a", "2026.4.0"), "warning")]
    versions_adapter._checked.clear()
