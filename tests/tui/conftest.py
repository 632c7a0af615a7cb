"""The app's tests never ask a remote on the internet: step 3's list of the remote's branches and tags uses what
git already knows of `origin` (a test that needs the real list turns `ask_remote` back on for a local server)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def remote_refs_stay_local(monkeypatch):
    from wizard.tui.launch.screen import LaunchScreen

    monkeypatch.setattr(LaunchScreen, "ask_remote", False)
