"""Regenerate the README's screenshots from the real app: `python -m wizard.screenshots`.

Runs the wizard headless on a fresh copy of the demo project and saves one SVG per screen into
screenshots/ (or the folder given as the first argument).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

SIZE = (110, 34)


async def _settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def capture(out: Path) -> list[Path]:
    from wizard.core.config import Config
    from wizard.demo import create_demo_project
    from wizard.tui.app import WizardApp

    saved = []
    with tempfile.TemporaryDirectory() as tmp:
        app = WizardApp(create_demo_project(Path(tmp)), config=Config())
        app.theme = "textual-dark"
        app.animation_level = "none"
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            for name in ("overview", "step1-environment", "step2-publish", "step3-launch"):
                saved.append(out / f"{name}.svg")
                app.save_screenshot(filename=saved[-1].name, path=str(out))
                await pilot.press("ctrl+n")
                await _settle(pilot)
            await pilot.press("f1")
            await _settle(pilot)
            saved.append(out / "help.svg")
            app.save_screenshot(filename=saved[-1].name, path=str(out))
    return saved


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("screenshots")
    out.mkdir(parents=True, exist_ok=True)
    for path in asyncio.run(capture(out)):
        print(path)


if __name__ == "__main__":
    main()
