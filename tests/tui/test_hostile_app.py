"""The app gets the core's rules: step 3 against a hostile hub (no non-web link shown or opened, no control
characters on screen, bounds; the settings' hub with a password or that cannot work), and step 1 never loads
a file linked from outside the project."""

from __future__ import annotations

import subprocess

import httpx
import pytest

from tests.servers.hostile_hub import gzip_bomb, sse, stream
from tests.servers.hostile_hub import hostile_hub  # noqa: F401 - the fixture
from tests.waiting import until
from wizard.core.common.config import Config
from wizard.tui.common.step_screen import StepScreen
from wizard.tui.launch.links_panel import LinksPanel
from wizard.tui.launch.log_view import BuildLogView
from wizard.tui.launch.screen import LaunchScreen
from wizard.tui.launch.triage_panel import TriagePanel

BUILD = "/build/gh/me/demo/HEAD"


class ToLocal(httpx.AsyncBaseTransport):
    """Requests for any hub name go to the local hostile hub (the bytes still cross a real socket)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(scheme="http", host="127.0.0.1", port=self.port)
        return await self.inner.handle_async_request(request)


@pytest.fixture
def project(make_project):
    root = make_project({"requirements.txt": "numpy\n", "index.ipynb": "{}"})
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "remote", "add", "origin", "https://github.com/me/demo.git"], check=True)
    return root


@pytest.fixture
def hub(hostile_hub, monkeypatch):
    server = hostile_hub()
    monkeypatch.setattr(LaunchScreen, "hub_transport", ToLocal(server.port))
    return server


async def open_launch(pilot) -> LaunchScreen:
    pilot.app.screen.post_message(StepScreen.Navigate(3))
    await until(pilot, lambda: isinstance(pilot.app.screen, LaunchScreen))
    screen = pilot.app.screen
    await until(pilot, lambda: screen.git is not None)
    return screen


async def test_a_javascript_server_address_is_a_failed_launch_on_screen(make_app, project, hub, monkeypatch):
    opened = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: opened.append(url))
    evil = "\x1b[2J\x1b]52;c;cm0gLXJmIH4=\x07\x9b31m\udc80"
    hub.route(BUILD, stream([sse({"phase": f"building{evil}", "message": f"step {evil} done\n"}),
                             sse({"phase": "ready", "url": "javascript:alert(document.cookie)", "token": "t"})]))
    app = make_app(project, config=Config(hub_url="https://hub.example.org/"))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await open_launch(pilot)
        await pilot.press("ctrl+l")
        await until(pilot, lambda: screen.outcome is not None)
        assert screen.outcome.result == "failed"
        links = screen.query_one(LinksPanel)
        assert links.server_url is None
        text = str(screen.query_one(TriagePanel).query_one(".panel-text").render())
        assert "not an http(s) web link" in text and "alert" not in text and "cookie" not in text
        await pilot.press("o")
        assert opened == []
        lines = list(screen.query_one(BuildLogView).lines)
        assert any(line.startswith("step ") for line in lines)
        assert not any(ch in "".join(lines) for ch in "\x1b\x07\x9b\udc80")


async def test_a_gzip_bomb_ends_the_build_on_screen(make_app, project, hub):
    hub.route(BUILD, stream(lambda: gzip_bomb(64 * 2**30), headers=[("Content-Encoding", "gzip")]))
    app = make_app(project, config=Config(hub_url="https://hub.example.org/"))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_launch(pilot)
        await pilot.press("ctrl+l")
        await until(pilot, lambda: screen.outcome is not None)
        assert screen.outcome.result == "failed"
        assert "single message of more than 32 MB" in screen.outcome.problem.message


async def test_settings_hub_with_a_password_or_that_cannot_work(make_app, project, hub):
    app = make_app(project, config=Config(hub_url="https://alice:hunter22@hub.example.org/"))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_launch(pilot)
        await until(pilot, lambda: screen.target is not None)
        shown = str(screen.query_one("#launch-target").render())
        assert "hunter22" not in shown and "password: it was removed" in shown
        assert "hunter22" not in screen.query_one(LinksPanel).launch_url + screen.query_one(LinksPanel).badge
    app = make_app(project, config=Config(hub_url="http://[::1"))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_launch(pilot)
        await until(pilot, lambda: "Cannot launch yet" in str(screen.query_one("#launch-target").render()))
        assert "not a valid URL" in str(screen.query_one("#launch-target").render())


async def test_step_1_shows_a_file_linked_from_outside_unread(make_app, project, tmp_path):
    """The editor gets the core's rule too: the link's target is never loaded or shown."""
    import os

    from tests.waiting import settle

    secret = tmp_path / "credentials"
    secret.write_text("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG\n")
    (project / "requirements.txt").unlink()
    os.symlink(secret, project / "requirements.txt")
    app = make_app(project, config=Config())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+n")
        await until(pilot, lambda: type(app.screen).__name__ == "EnvironmentScreen")
        await app.screen.open_file("requirements.txt")
        await settle(pilot)
        shown = str(app.screen.query_one("#unreadable").render())
        assert "outside the project" in shown and "wJalrXUtnFEMI" not in shown
        assert app.screen.files.get("requirements.txt").editor is None
