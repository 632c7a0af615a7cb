"""Settings (F2): the hub, default provider and interface, GitHub API and git user name, saved to the config file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.widgets import Input, Select

from tests.waiting import settle, until
from wizard.core.common.config import Config, SettingsNotSaved
from wizard.tui.common.key_bar import KeyBar
from wizard.tui.common.settings_screen import SettingsScreen


@pytest.fixture
def project(make_project):
    return make_project({"requirements.txt": "numpy==2.1.0\n", "analysis.ipynb": "{}"})


def config_file() -> Path:
    return Path(os.environ["BINDER_WIZARD_CONFIG"])


def key_bar_text(app) -> str:
    return str(app.screen.query_one(KeyBar).render())


# --- the config file ---------------------------------------------------------------------------------


def test_save_rewrites_only_its_keys_and_keeps_the_rest(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('# my hub\nhub_url = "https://old.example.org"  # note\nstall_warning_seconds = 30\n'
                    '[later]\nkey = 1\n')
    config = Config.load(path)
    from dataclasses import replace

    replace(config, hub_url="https://hub.example.org/", git_username="ada", default_interface="lab").save(path)
    text = path.read_text()
    assert text.startswith('# my hub\nhub_url = "https://hub.example.org/"\nstall_warning_seconds = 30\n')
    assert text.endswith("[later]\nkey = 1\n")
    again = Config.load(path)
    assert (again.hub_url, again.git_username, again.default_interface, again.stall_warning_seconds) == \
        ("https://hub.example.org/", "ada", "lab", 30.0)
    assert "default_provider" not in text  # a default not in the file stays out of it


def test_save_refuses_a_file_it_cannot_change_safely(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('"hub_url" = "https://old.example.org"\n')  # a quoted key: a second line would clash
    from dataclasses import replace

    with pytest.raises(SettingsNotSaved):
        replace(Config.load(path), hub_url="https://new.example.org").save(path)
    assert path.read_text() == '"hub_url" = "https://old.example.org"\n'


def test_an_unknown_interface_in_the_file_is_ignored(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('default_interface = "emacs"\n')
    assert Config.load(path).default_interface == ""


# --- the screen -----------------------------------------------------------------------------------


async def test_f2_opens_settings_from_every_screen_and_the_key_is_in_the_footer_and_help(make_app, project):
    app = make_app(project)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(4):
            await settle(pilot)
            assert "f2 Settings" in key_bar_text(app)
            await pilot.press("f2")
            assert isinstance(app.screen, SettingsScreen)
            await pilot.press("escape")
            await pilot.press("ctrl+n")
        await pilot.press("f1")
        assert "**Settings** (`F2`)" in app.screen.markdown


async def test_saving_writes_the_documented_file_and_says_where(make_app, project):
    app = make_app(project)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        dialog = app.screen
        dialog.query_one("#hub_url", Input).value = "https://hub.example.org"
        dialog.query_one("#default_provider", Select).value = "gl"
        dialog.query_one("#default_interface", Select).value = "lab"
        dialog.query_one("#git_username", Input).value = "ada"
        await pilot.click("#save")
        await settle(pilot)
        assert not isinstance(app.screen, SettingsScreen)
        saved = Config.load(config_file())
        assert (saved.hub_url, saved.default_provider, saved.default_interface, saved.git_username) == \
            ("https://hub.example.org", "gl", "lab", "ada")
        assert app.state.config == saved
        [note] = [n for n in app._notifications if n.title == "Settings saved"]
        assert note.message == "Saved in ~/no-config.toml."


async def test_a_bad_value_is_explained_in_the_dialog_and_nothing_is_written(make_app, project):
    app = make_app(project)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        dialog = app.screen
        dialog.query_one("#hub_url", Input).value = "https://me:secret@hub.example.org"
        dialog.query_one("#git_username", Input).value = "two words"
        await pilot.click("#save")
        assert app.screen is dialog
        assert "Leave the user name and password out" in str(dialog.query_one("#hub_url-error").render())
        assert "no spaces" in str(dialog.query_one("#git_username-error").render())
        assert app.focused is dialog.query_one("#hub_url", Input)
        assert not config_file().exists()


async def test_the_first_field_is_focused_and_not_selected_so_typing_does_not_erase_it(make_app, project):
    app = make_app(project)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        hub = app.screen.query_one("#hub_url", Input)
        assert app.focused is hub and hub.selected_text == ""
        await pilot.press("x")
        assert hub.value.startswith("https://mybinder.org")


async def test_the_launch_step_uses_the_saved_hub_and_interface(make_app, project):
    import subprocess

    subprocess.run(["git", "init", "-q", "-b", "main", str(project)], check=True)
    subprocess.run(["git", "-C", str(project), "remote", "add", "origin", "https://github.com/me/demo.git"],
                   check=True)
    app = make_app(project)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n", "ctrl+n", "ctrl+n")
        await settle(pilot)
        await pilot.press("f2")
        app.screen.query_one("#hub_url", Input).value = "https://hub.example.org"
        app.screen.query_one("#default_interface", Select).value = "lab"
        await pilot.click("#save")
        await until(pilot, lambda: "hub.example.org" in str(app.screen.query_one("#launch-target").render()),
                    "the launch line names the new hub")
        assert "opens JupyterLab" in str(app.screen.query_one("#launch-target").render())


def test_snapshot_settings_80x24(snap_compare, make_app, project):
    assert snap_compare(make_app(project), press=["f2"], terminal_size=(80, 24))


def test_snapshot_settings_100x30(snap_compare, make_app, project):
    assert snap_compare(make_app(project), press=["f2"], terminal_size=(100, 30))
