"""Medium data, one action (issue 17), in the app: step 2's "Move big data out…" and step 1's Ctrl+O open the
dialog; the URL is checked against a real HTTP server on 127.0.0.1 (same size, another size, the same bytes);
the preview is a diff of every file touched; "Move it" writes postBuild and .gitignore, the data file stays."""

from __future__ import annotations

import subprocess

import pytest
from textual.widgets import Button, Checkbox, Input

from tests.servers.data_server import DataServer
from tests.waiting import settle, until
from wizard.tui.common.step_screen import StepScreen
from wizard.tui.publish.data_move_dialog import DataMoveDialog
from wizard.tui.publish.screen import PublishScreen

SIZE = (110, 36)
DATA = b"station,value\n" + b"42,0.5\n" * 1_700_000  # 12 MB


@pytest.fixture
def data_server():
    server = DataServer({"/survey.csv": DATA, "/short.csv": DATA[:-7], "/swapped.csv": DATA[:-2] + b"9\n"})
    yield server
    server.stop()


@pytest.fixture
def project(make_project):
    root = make_project({"requirements.txt": "pandas==2.2.3\n", "runtime.txt": "python-3.12\n",
                         "analysis.py": "import pandas\n", "data/survey.csv": DATA})
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    return root


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def open_dialog(pilot, project, files) -> DataMoveDialog:
    await until(pilot, lambda: type(pilot.app.screen).__name__ == "OverviewScreen", "the app started")
    pilot.app.push_screen(DataMoveDialog(project, files))
    await until(pilot, lambda: isinstance(pilot.app.screen, DataMoveDialog) and pilot.app.screen.query("#move-url"),
                "the dialog is shown")
    return pilot.app.screen


async def check(pilot, dialog: DataMoveDialog, url: str, download: bool = False) -> None:
    dialog.query_one("#move-url", Input).value = url
    dialog.query_one("#move-download", Checkbox).value = download
    await settle(pilot)
    dialog.checked = None  # the answer awaited below is this check's, not the one before
    button = dialog.query_one("#move-check", Button)
    # A Button ignores clicks during its 0.2 s press effect; under load the last check can end inside it.
    await until(pilot, lambda: not button.has_class("-active"), "the last press's effect ended")
    assert await pilot.click("#move-check"), "the click reached the Check button"

    def answered() -> bool:
        checked = dialog.checked
        return (checked is not None and (checked.url, checked.download) == (url, download)
                and not dialog.query_one("#move-check", Button).disabled)

    try:
        await until(pilot, answered, "the URL was checked")
    except AssertionError as error:  # say what the dialog shows: the reason is there
        raise AssertionError(f"{error}; the dialog says: {text_of(dialog, '#move-result')!r}") from None


async def test_step_2_moves_the_file_out_after_showing_every_change(make_app, project, data_server):
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.post_message(StepScreen.Navigate(2))
        await until(pilot, lambda: isinstance(app.screen, PublishScreen) and app.screen.view is not None)
        screen = app.screen
        assert screen.query_one("#move-data").display
        await pilot.click("#move-data")
        await until(pilot, lambda: isinstance(app.screen, DataMoveDialog) and app.screen.query("#move-url"))
        dialog = app.screen
        assert "data/survey.csv is 12 MB" in text_of(dialog, "#move-intro")
        assert dialog.query_one("#move-apply", Button).disabled

        await check(pilot, dialog, data_server.url("/short.csv"))
        assert "it is not the same file" in text_of(dialog, "#move-result")
        assert dialog.query_one("#move-apply", Button).disabled and not (project / "postBuild").exists()

        await check(pilot, dialog, data_server.url("/survey.csv"))
        result = text_of(dialog, "#move-result")
        assert "same size" in result and "adds about" in result and "to every build" in result
        diff = text_of(dialog, "#move-diff")
        assert "+++ b/postBuild" in diff and f"+wget -q -O data/survey.csv {data_server.url('/survey.csv')}" in diff
        assert "+++ b/.gitignore" in diff and "+/data/survey.csv" in diff
        assert not (project / "postBuild").exists(), "nothing is written before Move it"

        await pilot.click("#move-apply")
        await until(pilot, lambda: isinstance(app.screen, PublishScreen), "the dialog closed")
        assert (project / "postBuild").read_text().endswith(
            f"mkdir -p data\nwget -q -O data/survey.csv {data_server.url('/survey.csv')}\n")
        assert (project / ".gitignore").read_text() == "/data/survey.csv\n"
        assert (project / "data" / "survey.csv").read_bytes() == DATA
        await until(pilot, lambda: "data/survey.csv" not in [c.path for c in screen.view.state.changes],
                    "the file list was read again: git now ignores the data")
        assert not screen.query_one("#move-data").display


async def test_the_bytes_are_compared_when_the_user_agrees_to_a_download(make_app, project, data_server):
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot, project, [("data/survey.csv", len(DATA))])
        await check(pilot, dialog, data_server.url("/swapped.csv"))
        assert not dialog.query_one("#move-apply", Button).disabled  # the size alone cannot tell them apart
        await check(pilot, dialog, data_server.url("/swapped.csv"), download=True)
        assert "other bytes than yours" in text_of(dialog, "#move-result")
        assert dialog.query_one("#move-apply", Button).disabled
        await check(pilot, dialog, data_server.url("/survey.csv"), download=True)
        assert "same contents" in text_of(dialog, "#move-result")
        assert not dialog.query_one("#move-apply", Button).disabled
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, DataMoveDialog))
        assert not (project / "postBuild").exists()


async def test_urls_a_build_cannot_use_are_refused_before_asking(make_app, project, data_server):
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot, project, [("data/survey.csv", len(DATA))])
        dialog.query_one("#move-url", Input).value = "ftp://ftp.example.org/survey.csv"
        await pilot.click("#move-check")
        await pilot.pause()
        assert "mybinder.org blocks FTP" in text_of(dialog, "#move-result")
        assert dialog.checked is None and data_server.requests == []


async def test_step_1_hints_and_ctrl_o_opens_the_dialog(make_app, project):
    app = make_app(project)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("ctrl+n")
        await until(pilot, lambda: type(app.screen).__name__ == "EnvironmentScreen")
        await until(pilot, lambda: any("Ctrl+O moves it out" in n.message for n in app._notifications),
                    "the hint about the big file")
        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(app.screen, DataMoveDialog) and app.screen.query("#move-intro"))
        assert "data/survey.csv is 12 MB" in text_of(app.screen, "#move-intro")


async def test_far_above_the_medium_tier_the_dialog_gives_the_streaming_advice(make_app, project):
    with open(project / "data" / "climate.nc", "wb") as handle:
        handle.truncate(700_000_000)  # sparse
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot, project, [("data/climate.nc", 700_000_000), ("data/survey.csv", len(DATA))])
        advice = dialog.query_one("#move-advice")
        assert advice.display and "xarray" in str(advice.render())
        dialog.query_one("#move-file").value = "data/survey.csv"
        await pilot.pause()
        assert not advice.display


async def test_step_1_links_the_example_repository_of_a_file_it_explains(make_app, project):
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+n")
        await until(pilot, lambda: type(app.screen).__name__ == "EnvironmentScreen")
        await app.screen.open_file("apt.txt")
        await pilot.pause()
        assert "https://github.com/binder-examples/apt_install" in text_of(app.screen, "#missing-when")


async def test_a_check_that_fails_unexpectedly_is_said_in_the_dialog_and_can_be_tried_again(make_app, project,
                                                                                          data_server, monkeypatch):
    """A dialog's workers do not reach the step screen's error handler: the dialog says it, and Check works
    again (before, the button stayed disabled and nothing was said)."""
    import wizard.core.publish.data_move as data_move

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(data_move, "plan_move", broken)
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot, project, {"data/survey.csv": len(DATA)})
        dialog.query_one("#move-url", Input).value = data_server.url("/survey.csv")
        await settle(pilot)
        await pilot.click("#move-check")
        await until(pilot, lambda: "disk on fire" in text_of(dialog, "#move-result"), "the failure is said")
        assert "Something unexpected went wrong (RuntimeError: disk on fire)" in text_of(dialog, "#move-result")
        assert not dialog.query_one("#move-check", Button).disabled
        assert dialog.query_one("#move-apply", Button).disabled


async def test_an_answer_stands_while_it_is_about_what_is_asked(make_app, project, data_server):
    # The answer is compared with what is asked now: a change event for the same value keeps it, another value
    # drops it (and an answer to a URL or download choice that changed meanwhile is never taken).
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot, project, [("data/survey.csv", len(DATA))])
        await check(pilot, dialog, data_server.url("/survey.csv"))
        url_input = dialog.query_one("#move-url", Input)
        url_input.post_message(Input.Changed(url_input, url_input.value))
        await settle(pilot)
        assert dialog.checked is not None and not dialog.query_one("#move-apply", Button).disabled
        url_input.value = data_server.url("/short.csv")
        await until(pilot, lambda: dialog.checked is None, "the answer about the old URL was dropped")
        assert dialog.query_one("#move-apply", Button).disabled
