"""Regenerate the README's screenshots from the real app: `python screenshots/make.py`.

Runs the wizard headless on a fresh copy of the demo project (`binder-wizard --demo`), made a Git
repository with a GitHub remote, and saves one SVG per screen into screenshots/ (or the folder given
as the first argument). Step 3 builds against the project's local BinderHub test server replaying a
build captured from a real BinderHub (../shared/binderhub-streams); the hub is shown as
hub.example.org so the pictures do not change from run to run. Nothing here touches the network.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.servers and tests.waiting: the hub and the waits the tests use

SIZE = (110, 34)
HUB = "https://hub.example.org/"


def _demo_repository(parent: Path) -> Path:
    from wizard.demo import create_demo_project

    project = create_demo_project(parent)
    for args in (["init", "-q", "-b", "main"], ["remote", "add", "origin", "https://github.com/me/demo.git"]):
        subprocess.run(["git", "-C", str(project), *args], check=True, capture_output=True)
    return project


def _local_hub():
    """The local test hub with the captured `gh` build, or None when ../shared is not beside the clone."""
    import httpx

    from tests.servers.hub_server import HubServer

    hub = HubServer(rewrite_hub=False, keepalive=0.05).start()
    try:
        hub.add_capture("gh/me/demo/HEAD", "ready-gh-fake-build.txt")
    except OSError:
        hub.stop()
        return None, None

    class ToLocalHub(httpx.AsyncBaseTransport):
        def __init__(self) -> None:
            self.inner = httpx.AsyncHTTPTransport()

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            request.url = request.url.copy_with(scheme="http", host="127.0.0.1", port=hub.port)
            return await self.inner.handle_async_request(request)

    return hub, ToLocalHub()


async def capture(out: Path) -> list[Path]:
    from tests.waiting import settle, until
    from wizard.core.common.config import Config
    from wizard.tui.app import WizardApp
    from wizard.tui.launch.screen import LaunchScreen
    from wizard.tui.launch import phases

    saved: list[Path] = []

    def save(app, name: str) -> None:
        saved.append(out / f"{name}.svg")
        app.save_screenshot(filename=saved[-1].name, path=str(out))

    hub, transport = _local_hub()
    LaunchScreen.hub_transport = transport
    phases.clock = lambda: 0.0  # phase timings read 0s rather than whatever this machine took
    try:
        with tempfile.TemporaryDirectory() as tmp:
            app = WizardApp(_demo_repository(Path(tmp)), config=Config(hub_url=HUB))
            app.theme = "textual-dark"
            app.animation_level = "none"
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                save(app, "overview")
                for step, name in ((1, "step1-environment"), (2, "step2-publish"), (3, "step3-launch")):
                    await pilot.press("ctrl+n")
                    await settle(pilot)
                    app.clear_notifications()
                    await pilot.pause()
                    if step == 3 and hub is not None:
                        screen = app.screen
                        await until(pilot, lambda: getattr(screen, "target", None) is not None, "a target")
                        await pilot.press("ctrl+l")
                        await until(pilot, lambda: screen.outcome is not None, "the build's end")
                        app.clear_notifications()
                        await pilot.pause()
                    save(app, name)
                await pilot.press("f1")
                await settle(pilot)
                save(app, "help")
    finally:
        if hub is not None:
            hub.stop()
    return saved


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    for path in asyncio.run(capture(out)):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


if __name__ == "__main__":
    main()
