"""The Workshop view (step 3, `W`) against the fake federation under stable names: the link, the plan,
warming with live per-member progress, the handout (the QR code on screen and in handout-qr.png decode to
the link; replacing asks with a diff), the status; snapshots at 80x24 and larger."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from tests.trees import lesson_repository
from tests.core.test_workshop_handout import decode_png, decode_rows
from tests.servers.federation import Federation
from tests.waiting import until, until_while_working
from wizard.core.common.config import Config
from wizard.core.launch.links import open_target_for
from wizard.core.launch.workshop.links import content_repo, env_target, nbgitpuller_url
from wizard.tui.launch.workshop_view import WorkshopView

CONFIG = Config(hub_url="https://hub.example.org/")
LINK = nbgitpuller_url("https://hub.example.org/", env_target("teach-org/lesson-env"),
                       content_repo("https://github.com/teach-org/lesson", "main"),
                       open_target_for("notebooks/intro.ipynb"))


@pytest.fixture
def project(tmp_path):
    return lesson_repository(tmp_path / "lesson", "https://github.com/teach-org/lesson.git")


@pytest.fixture
def fed(monkeypatch, shared_dir):
    fed = Federation(public=True, keepalive=0.05).start()
    fed.add_capture("gh/teach-org/lesson-env/HEAD")
    fed["alpha"].pods, fed["beta"].pods, fed["gamma"].pods = 20, 95, 60
    monkeypatch.setattr(WorkshopView, "hub_transport", fed.transport())
    monkeypatch.setattr("wizard.tui.launch.workshop_view.today", lambda: dt.date(2026, 9, 1))
    monkeypatch.setattr("wizard.tui.launch.workshop_view.shown_seconds", lambda seconds: "1.2 s")
    yield fed
    fed.stop()


async def open_view(pilot, env: str = "teach-org/lesson-env", opening: str = "notebooks/intro.ipynb") -> WorkshopView:
    view = WorkshopView(pilot.app.state)
    await pilot.app.push_screen(view)
    await until(pilot, lambda: view.choice is not None and view.federation is not None)
    view.query_one("#env").value, view.query_one("#open").value = env, opening
    await until(pilot, lambda: view.choice.url == (LINK if env == "teach-org/lesson-env" and
                                                   opening == "notebooks/intro.ipynb" else view.choice.url)
                and view.choice.link is not None if env else True, "the link for the inputs")
    return view


async def test_w_in_step_3_opens_the_view_and_escape_goes_back(make_app, project, fed, monkeypatch):
    from wizard.tui.common.step_screen import StepScreen
    from wizard.tui.launch.screen import LaunchScreen

    monkeypatch.setattr(LaunchScreen, "load_choices", lambda self: None)  # step 3's own look-ups are not tested here
    app = make_app(project, config=CONFIG)
    async with app.run_test(size=(100, 30)) as pilot:
        app.screen.post_message(StepScreen.Navigate(3))
        await until(pilot, lambda: isinstance(app.screen, LaunchScreen))
        await pilot.press("W")
        await until(pilot, lambda: isinstance(app.screen, WorkshopView))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, LaunchScreen))


async def test_the_link_and_copying_it(make_app, project, fed):
    app = make_app(project, config=CONFIG)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        view = await open_view(pilot)
        assert view.choice.url == LINK and view.choice.warnings == []
        await pilot.press("c")
        assert app.clipboard == LINK
        view.query_one("#open").value = "missing.ipynb"
        await until(pilot, lambda: view.choice.warnings, "a warning about the missing file")
        assert view.choice.warnings[0].startswith("missing.ipynb is not in main")
        view.query_one("#env").value = "a:b:c"
        await until(pilot, lambda: view.choice.url is None)
        assert "a GitHub repository is written owner/name" in view.choice.error
        view.query_one("#env").value = ""  # the project's own launch link
        await until(pilot, lambda: view.choice.url is not None and view.choice.link is None)
        assert view.choice.url == "https://hub.example.org/v2/gh/teach-org/lesson/HEAD?urlpath=%2Fdoc%2Ftree%2F" \
                                  "missing.ipynb"


async def test_warming_shows_each_member_live_and_stops_every_server(make_app, project, fed):
    fed["gamma"].repo_quota = 0
    app = make_app(project, config=CONFIG)
    messages: list = []
    async with app.run_test(size=(100, 30), notifications=True, message_hook=messages.append) as pilot:
        view = await open_view(pilot)
        await pilot.press("ctrl+l")
        await until(pilot, lambda: not view.warming and len(view.warm_results) == 3, "every member finished")
        assert {name: r.result for name, r in view.warm_results.items()} == {"alpha": "warm", "beta": "warm",
                                                                              "gamma": "failed"}
        assert len(fed["alpha"].shutdowns) == len(fed["beta"].shutdowns) == 1
        seen = [f"{m.member}:{m.text}" for m in messages if isinstance(m, WorkshopView.WarmNews)]
        assert "alpha:building" in seen and "alpha:built" in seen  # progress arrived while it built
        assert str(view.warm_rows["alpha"]) == "✓ warm in 1.2 s (built now)"
        assert str(view.warm_rows["gamma"]).startswith("✗ failed: The hub is full right now")


async def test_ctrl_x_cancels_warming_and_closes_the_builds(make_app, project, fed):
    from tests.servers.hub_server import Sleep, captured_events

    for member in fed.members.values():  # builds that take a long time
        member.add_build("gh/teach-org/lesson-env/HEAD", captured_events("ready-gh-fake-build.txt")[:1] + [Sleep(60)])
    app = make_app(project, config=CONFIG)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        view = await open_view(pilot)
        await pilot.press("ctrl+l")
        give_up = time.monotonic() + 30  # not `until`: it waits for workers, and these builds go on for a minute
        while not all(m.builds_asked == 1 for m in fed.members.values()) and time.monotonic() < give_up:
            await pilot.pause()
        assert view.warming and all(m.builds_asked == 1 for m in fed.members.values())
        await pilot.press("ctrl+x")
        assert not view.warming and set(map(str, view.warm_rows.values())) == {"cancelled"}
        for member in fed.members.values():
            await until_while_working(pilot, member.disconnected.is_set, f"{member.name}'s build stream was closed")


async def test_plan_and_status(make_app, project, fed):
    app = make_app(project, config=CONFIG)
    async with app.run_test(size=(100, 30)) as pilot:
        view = await open_view(pilot)
        status = str(view.query_one("#status-text").render())
        assert "Send people to alpha (https://alpha.example.org/)" in status and "beta" in status
        view.query_one("#attendees").value, view.query_one("#date").value = "150", "2026-09-30"
        await pilot.pause()
        plan = str(view.query_one("#plan-text").render())
        assert "150 attendees on 2026-09-30 (29 days left)" in plan
        assert "Free places on the hub right now: 125." in plan  # alpha 80, beta 5, gamma 40
        assert "fewer than your 150 attendees" in plan and "Repository link:" not in plan  # not mybinder.org


async def test_handout_qr_on_screen_and_in_the_file_decode_to_the_link(make_app, project, fed):
    from wizard.tui.common.choice_dialog import ConfirmDialog

    app = make_app(project, config=CONFIG)
    async with app.run_test(size=(100, 50), notifications=True) as pilot:
        view = await open_view(pilot)
        rows = str(view.query_one("#qr").render()).splitlines()
        assert decode_rows(rows) == LINK
        await pilot.press("ctrl+s")
        await until(pilot, lambda: (project / "handout-qr.png").exists())
        assert decode_png((project / "handout-qr.png").read_bytes()) == LINK
        page = (project / "handout.md").read_text()
        assert f"**Start here:** <{LINK}>" in page
        assert f"* alpha: <{LINK.replace('hub.example.org', 'alpha.example.org')}>" in page
        before = (project / "handout.md").read_bytes()
        view.query_one("#open").value = "lab"
        await until(pilot, lambda: view.choice.url != LINK)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert app.screen.diff and "-**Start here:** <" + LINK + ">" in app.screen.diff
        await pilot.press("escape")  # no: nothing is replaced
        await until(pilot, lambda: isinstance(app.screen, WorkshopView))
        assert (project / "handout.md").read_bytes() == before


def _snapshot(tab: str, *, warm: bool = False, size=(80, 24)):
    async def run_before(pilot):
        view = await open_view(pilot)
        if warm:
            await pilot.press("ctrl+l")
            await until(pilot, lambda: not view.warming and len(view.warm_results) == 3)
        view.query_one("#workshop-tabs").active = tab
        view.query_one("#env").blur() if view.query_one("#env").has_focus else None
        await pilot.pause()
        app = pilot.app
        app.clear_notifications()
        await pilot.pause()

    return run_before


def test_snapshot_link_80x24(snap_compare, make_app, project, fed):
    assert snap_compare(make_app(project, config=CONFIG), run_before=_snapshot("tab-link"), terminal_size=(80, 24))


def test_snapshot_warm_done_80x24(snap_compare, make_app, project, fed):
    assert snap_compare(make_app(project, config=CONFIG), run_before=_snapshot("tab-warm", warm=True),
                        terminal_size=(80, 24))


def test_snapshot_status_80x24(snap_compare, make_app, project, fed):
    assert snap_compare(make_app(project, config=CONFIG), run_before=_snapshot("tab-status"), terminal_size=(80, 24))


def test_snapshot_handout_qr(snap_compare, make_app, project, fed):
    assert snap_compare(make_app(project, config=CONFIG), run_before=_snapshot("tab-handout"),
                        terminal_size=(100, 48))
