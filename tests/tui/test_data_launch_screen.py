"""Step 3 and issue 17: "Terminal" among what opens (the link carries urlpath=terminals/1), and a private GitHub
repository explained before a launch on mybinder.org (GitHub asked without a token: the local stand-in)."""

from __future__ import annotations

import subprocess

import pytest

from tests.waiting import until
from wizard.core.common.config import Config
from wizard.tui.common.step_screen import StepScreen
from wizard.tui.launch.links_panel import LinksPanel
from wizard.tui.launch.screen import LaunchScreen


def project_with_origin(make_project, origin: str):
    root = make_project({"requirements.txt": "numpy==2.1.0\n", "index.ipynb": "{}"})
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    subprocess.run(["git", "remote", "add", "origin", origin], cwd=root, check=True)
    # Step 3 asks the remote too (ask_remote): git's own rewrite sends that to a local path, never to github.com.
    subprocess.run(["git", "config", "url.file:///nonexistent/.insteadOf", "https://github.com/"], cwd=root, check=True)
    return root


async def open_launch(pilot) -> LaunchScreen:
    pilot.app.screen.post_message(StepScreen.Navigate(3))
    await until(pilot, lambda: isinstance(pilot.app.screen, LaunchScreen))
    screen = pilot.app.screen
    await until(pilot, lambda: screen.target is not None)
    return screen


@pytest.fixture
def github(github_api, monkeypatch):
    """GitHub's stand-in, asked as step 3 asks the real one (the app's tests otherwise never ask remotes)."""
    monkeypatch.setattr(LaunchScreen, "ask_remote", True)
    github_api.add_repo("me", "demo")
    github_api.add_repo("me", "secret", private=True)
    return github_api


async def test_terminal_is_offered_and_shapes_the_link(make_app, make_project, github):
    project = project_with_origin(make_project, "https://github.com/me/demo.git")
    app = make_app(project, config=Config(hub_url="https://hub.example.org/", github_api=github.url))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_launch(pilot)
        screen.query_one("#open-choice").value = "terminal"
        await until(pilot, lambda: screen.query_one(LinksPanel).launch_url.endswith("?urlpath=terminals%2F1"))
        assert screen.query_one(LinksPanel).launch_url == "https://hub.example.org/v2/gh/me/demo/HEAD?urlpath=terminals%2F1"
        assert "opens a terminal" in str(screen.query_one("#launch-target").render())
        assert github.requests == [], "only launches on mybinder.org ask GitHub"


async def test_a_private_repository_is_explained_before_launching_on_mybinder(make_app, make_project, github):
    project = project_with_origin(make_project, "https://github.com/me/secret.git")
    app = make_app(project, config=Config(github_api=github.url))  # the default hub: mybinder.org
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_launch(pilot)
        text = str(screen.query_one("#launch-target").render())
        assert "mybinder.org cannot build a private repository" in text
        assert "Settings (F2)" in text and "BINDER_WIZARD_HUB_TOKEN" in text
        assert set(github.requests) == {("GET", "/repos/me/secret", "")}  # asked again each time step 3 shows


async def test_a_public_repository_gets_no_such_note(make_app, make_project, github):
    project = project_with_origin(make_project, "https://github.com/me/demo.git")
    app = make_app(project, config=Config(github_api=github.url))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_launch(pilot)
        assert "private" not in str(screen.query_one("#launch-target").render())
        assert github.requests and github.requests[0][1] == "/repos/me/demo"
