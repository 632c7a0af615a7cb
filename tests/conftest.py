"""Hermetic fixtures shared by every test: no user config, no colour env, fixed theme, no blink."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Fixtures for the local servers (git, GitHub API stand-in, BinderHub) live in tests/servers/.
pytest_plugins = [
    name
    for name in ("tests.servers.git_server", "tests.servers.github_api", "tests.servers.hub_server", "tests.servers.package_index")
    if (Path(__file__).parent / "servers" / (name.rsplit(".", 1)[1] + ".py")).exists()
]

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

# Fixture projects are data: their own tests (tests/fixtures/labelled/*/project/tests/) are not ours to run.
collect_ignore_glob = ["fixtures/*"]

# Property tests explore the same examples on every run, so CI is repeatable; a failure found while
# exploring (HYPOTHESIS_PROFILE=explore, random and longer) becomes a plain regression test.
try:
    from hypothesis import settings

    settings.register_profile("suite", derandomize=True, deadline=None, database=None)
    settings.register_profile("explore", deadline=None, max_examples=1000)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))
except ImportError:
    pass


@pytest.fixture(autouse=True)
def hermetic(monkeypatch, tmp_path_factory):
    for var in ("NO_COLOR", "FORCE_COLOR", "TEXTUAL_ANIMATIONS", "TEXTUAL_COLOR_SYSTEM", "TEXTUAL_THEME",
                "GH_TOKEN", "GITHUB_TOKEN", "VIRTUAL_ENV", "CONDA_PREFIX", "GIT_ASKPASS", "SSH_ASKPASS"):
        monkeypatch.delenv(var, raising=False)
    # Never the developer's real settings: an empty config file and a private HOME for git.
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("BINDER_WIZARD_CONFIG", str(home / "no-config.toml"))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_TERMINAL_PROMPT", "0")
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")  # install checks: a refused port, never PyPI
    for var in list(os.environ):
        if var.startswith("GIT_AUTHOR") or var.startswith("GIT_COMMITTER"):
            monkeypatch.delenv(var)
    try:
        from textual.widgets import Input, TextArea
    except ImportError:  # pure-core runs without Textual still work
        return
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)


@pytest.fixture
def no_internet(monkeypatch):
    """Every connection that is not to this machine goes through a proxy that refuses it, so a test that
    forgot to point a resolver or client at its local server fails at once instead of using the internet."""
    for variable in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.setenv(variable, "http://127.0.0.1:9")  # nothing listens on the discard port
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture
def shared_dir() -> Path:
    """The read-only ../shared folder beside the clone. Tests that need it skip without it on a
    developer's machine, but fail in CI (CI=true): a skip there would pass the build untested."""
    if not SHARED.is_dir():
        message = f"../shared is not beside this clone ({SHARED})"
        if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
            pytest.fail(message + ": CI needs it", pytrace=False)
        pytest.skip(message)
    return SHARED


@pytest.fixture
def make_project(tmp_path):
    """Write a project folder from {relative path: text or bytes}; returns its path."""

    def factory(files: dict[str, str | bytes] | None = None, name: str = "project") -> Path:
        from tests.trees import write_tree

        return write_tree(tmp_path / name, files or {})

    return factory


@pytest.fixture
def make_app():
    """Build the wizard app for a project folder, deterministic for snapshots."""
    from wizard.core.common.config import Config
    from wizard.tui.app import WizardApp

    def factory(project: Path, config: Config | None = None, **kwargs) -> WizardApp:
        app = WizardApp(project, config=config or Config(), **kwargs)
        app.theme = "textual-dark"
        app.animation_level = "none"
        return app

    return factory
