"""Step 3 against the local BinderHub: ready path, failure triage → step 1, cancel, README badge, log tools."""

from __future__ import annotations

import subprocess

import httpx
import pytest

from tests.servers.hub_server import HubServer, sse
from tests.waiting import until, until_while_working
from wizard.core.common.config import Config
from wizard.tui.common.step_screen import StepScreen
from wizard.tui.launch.screen import LaunchScreen
from wizard.tui.launch.links_panel import LinksPanel
from wizard.tui.launch.log_view import BuildLogView
from wizard.tui.launch.phases import LaunchPhases
from wizard.tui.launch.triage_panel import TriagePanel

SNAPSHOT_SIZE = (100, 30)
BROKEN_ENV = "name: demo\ndependencies:\n  - python=3.11\n  - pip\n   - bad: [indent\n"


class HubByName(httpx.AsyncBaseTransport):
    """Sends requests for any hub name to the local test hub (like an /etc/hosts entry), so the URLs on
    screen stay the same from run to run while the bytes still travel through a real socket."""

    def __init__(self, hub: HubServer) -> None:
        self.hub = hub
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(scheme="http", host="127.0.0.1", port=self.hub.port)
        return await self.inner.handle_async_request(request)


def git(project, *args):
    subprocess.run(["git", "-C", str(project), *args], check=True, capture_output=True)


@pytest.fixture
def project(make_project):
    root = make_project({"requirements.txt": "numpy\n", "index.ipynb": "{}", "README.md": "# Demo\n\nHello.\n"})
    git(root, "init", "-q", "-b", "main")
    git(root, "remote", "add", "origin", "https://github.com/me/demo.git")
    return root


@pytest.fixture
def local_hub(hub_server, monkeypatch):
    """A hub reached as https://hub.example.org/; ready events keep their captured server address."""
    hub = hub_server(rewrite_hub=False, keepalive=0.05)
    monkeypatch.setattr(LaunchScreen, "hub_transport", HubByName(hub))
    monkeypatch.setattr("wizard.tui.launch.phases.clock", lambda: 0.0)  # stable times on screen
    return hub


CONFIG = Config(hub_url="https://hub.example.org/")


async def open_launch(pilot, through_step_1: bool = False) -> LaunchScreen:
    """Go to step 3 (straight from the overview, as its "Launch" link does; step 1 first when asked)."""
    if through_step_1:
        await pilot.press("ctrl+n")
        await until(pilot, lambda: type(pilot.app.screen).__name__ == "EnvironmentScreen")
    pilot.app.screen.post_message(StepScreen.Navigate(3))
    await until(pilot, lambda: isinstance(pilot.app.screen, LaunchScreen))
    screen = pilot.app.screen
    assert isinstance(screen, LaunchScreen)
    await until(pilot, lambda: screen.target is not None)
    return screen


async def test_ready_path_links_copy_and_open(make_app, project, local_hub, monkeypatch, shared_dir):
    opened = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: opened.append(url))
    local_hub.add_capture("gh/me/demo/HEAD", "ready-gh-fake-build.txt")
    app = make_app(project, config=CONFIG)
    async with app.run_test(size=SNAPSHOT_SIZE, notifications=True) as pilot:
        screen = await open_launch(pilot)
        assert screen.query_one(BuildLogView).log.lines[0].startswith("Nothing built yet. Press Ctrl+L")
        await pilot.press("ctrl+l")
        await until(pilot, lambda: screen.outcome is not None)
        assert screen.outcome.result == "ready"
        assert local_hub.requests[0].path == "/build/gh/me/demo/HEAD"
        phases = screen.query_one(LaunchPhases)
        assert phases.result == "ready" and phases.step == 5
        log_lines = list(screen.query_one(BuildLogView).lines)
        assert log_lines[0] == "Waiting for build to start..." and "Spawning server..." in log_lines
        links = screen.query_one(LinksPanel)
        assert links.server_url == "http://127.0.0.1:8000/user/me-demo-9yvtq7ou/?token=s3Ya8IeaQHaVpVwCFWKC2Q"
        assert links.persistent_url == "http://127.0.0.1:8585/v2/gh/me/demo/fad5ba17bd2522372db81bdc38753c4fc21cdd8d"
        assert links.launch_url == "https://hub.example.org/v2/gh/me/demo/HEAD"
        await pilot.press("c")
        assert app.clipboard == "https://hub.example.org/v2/gh/me/demo/HEAD"
        await pilot.press("b")
        assert app.clipboard == ("[![Binder](https://hub.example.org/badge_logo.svg)]"
                                 "(https://hub.example.org/v2/gh/me/demo/HEAD)")
        await pilot.press("o")
        assert opened == [links.server_url]
        assert list((project / ".binder-wizard" / "logs").glob("*.log"))
    again = make_app(project, config=CONFIG)  # the next session says what happened last time
    async with again.run_test(size=SNAPSHOT_SIZE) as pilot:
        screen = await open_launch(pilot)
        assert screen.query_one(BuildLogView).log.lines[0].startswith("Last build: ready, started ")


async def test_failure_is_triaged_and_g_opens_step_1_at_the_line(make_app, make_project, local_hub, shared_dir):
    project = make_project({"environment.yml": BROKEN_ENV, "index.ipynb": "{}"})
    git(project, "init", "-q", "-b", "main")
    git(project, "remote", "add", "origin", "https://github.com/me/demo.git")
    local_hub.add_capture("gh/me/demo/HEAD", "failed-broken-environment-yml.txt")
    app = make_app(project, config=CONFIG)
    async with app.run_test(size=SNAPSHOT_SIZE, notifications=True) as pilot:
        screen = await open_launch(pilot, through_step_1=True)
        await pilot.press("ctrl+l")
        await until(pilot, lambda: screen.outcome is not None)
        assert screen.outcome.result == "failed"
        await until_while_working(pilot, local_hub.disconnected.is_set,
                                  "the screen closed the never-ending failed stream")
        triage = screen.query_one(TriagePanel)
        assert triage.fix_target.file == "environment.yml" and triage.fix_target.line == 5
        assert "environment.yml is not valid YAML" in str(triage.query_one(".panel-text").render())
        await pilot.press("g")
        await until(pilot, lambda: type(app.screen).__name__ == "EnvironmentScreen")
        await until(pilot, lambda: app.state.goto_file is None)
        assert app.screen.current == "environment.yml"


async def test_cancel_stops_the_build_and_closes_the_connection(make_app, project, local_hub):
    local_hub.add_build("gh/me/demo/HEAD", [sse({"phase": "building", "message": "compiling\n"})], after="forever")
    app = make_app(project, config=CONFIG)
    async with app.run_test(size=SNAPSHOT_SIZE) as pilot:
        screen = await open_launch(pilot)
        await pilot.press("ctrl+l")
        await until(pilot, lambda: "compiling" in screen.query_one(BuildLogView).lines)
        assert screen.building
        await pilot.press("ctrl+x")
        await until(pilot, lambda: screen.outcome is not None)
        assert screen.outcome.result == "cancelled" and not screen.building
        assert screen.query_one(LaunchPhases).result == "cancelled"
        await until_while_working(pilot, local_hub.disconnected.is_set, "the screen closed the cancelled stream")


async def test_badge_written_into_readme_after_showing_the_diff(make_app, project, local_hub):
    app = make_app(project, config=CONFIG)
    async with app.run_test(size=SNAPSHOT_SIZE, notifications=True) as pilot:
        await open_launch(pilot)
        await pilot.press("w")
        await until(pilot, lambda: getattr(app.screen, "question", None) == "Add the badge to README.md?")
        assert "+[![Binder](https://hub.example.org/badge_logo.svg)]" in "\n".join(app.screen.diff)
        assert app.screen.query_one(".diff-scroll").styles.max_height.value == 20, "styled without step 1 visited"
        assert (project / "README.md").read_text() == "# Demo\n\nHello.\n", "nothing written before yes"
        await pilot.click("#write")  # "Write only"
        await until(pilot, lambda: isinstance(app.screen, LaunchScreen))
        assert (project / "README.md").read_text() == (
            "# Demo\n\n[![Binder](https://hub.example.org/badge_logo.svg)](https://hub.example.org/v2/gh/me/demo/HEAD)"
            "\n\nHello.\n")
        await pilot.press("w")  # already there: no dialog
        await pilot.pause()
        assert isinstance(app.screen, LaunchScreen)


async def test_rst_readme_badge_written(make_app, project, local_hub):
    (project / "README.md").unlink()
    (project / "README.rst").write_text("Demo\n====\n")
    app = make_app(project, config=CONFIG)
    async with app.run_test(size=SNAPSHOT_SIZE, notifications=True) as pilot:
        screen = await open_launch(pilot)
        await pilot.press("b")
        assert app.clipboard == (".. image:: https://hub.example.org/badge_logo.svg\n"
                                 " :target: https://hub.example.org/v2/gh/me/demo/HEAD")
        await pilot.press("w")
        await until(pilot, lambda: getattr(app.screen, "question", None) == "Add the badge to README.rst?")
        await pilot.click("#write")
        await until(pilot, lambda: isinstance(app.screen, LaunchScreen))
        assert (project / "README.rst").read_text() == (
            "Demo\n====\n\n.. image:: https://hub.example.org/badge_logo.svg\n"
            " :target: https://hub.example.org/v2/gh/me/demo/HEAD\n")
        assert screen.badge_format == "rst"


async def test_write_and_publish_commits_the_readme_alone_and_pushes_it(make_app, make_project, local_hub,
                                                                         git_http_server):
    """One confirmation (the badge dialog), then the README is committed as "Add Binder badge" and pushed."""
    from tests.servers.git_server import branch_sha

    project = make_project({"requirements.txt": "numpy\n", "README.md": "# Demo\n", "notes.txt": "draft\n"})
    bare = git_http_server.create("demo")
    git(project, "init", "-q", "-b", "main")
    git(project, "-c", "user.name=Ada", "-c", "user.email=ada@example.org", "add", "requirements.txt", "README.md")
    git(project, "-c", "user.name=Ada", "-c", "user.email=ada@example.org", "commit", "-q", "-m", "first")
    git(project, "config", "user.name", "Ada")
    git(project, "config", "user.email", "ada@example.org")
    git(project, "remote", "add", "origin", git_http_server.url("demo"))
    git(project, "push", "-q", "origin", "main")
    app = make_app(project, config=CONFIG)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_launch(pilot)
        await pilot.press("w")
        await until(pilot, lambda: getattr(app.screen, "question", None) == "Add the badge to README.md?")
        await pilot.click("#publish")
        await until(pilot, lambda: app.state.pushed_sha is not None, "the badge commit was pushed")
        assert app.state.pushed_sha == branch_sha(bare)
        log = subprocess.run(["git", "-C", str(project), "log", "-1", "--format=%s", "--name-only"],
                             capture_output=True, text=True, check=True).stdout.split()
        assert log == ["Add", "Binder", "badge", "README.md"]  # the README alone: notes.txt stays out
        assert "badge_logo.svg" in (project / "README.md").read_text()


async def test_open_choice_and_pushed_sha_shape_the_link(make_app, project, local_hub):
    app = make_app(project, config=CONFIG)
    sha = "fad5ba17bd2522372db81bdc38753c4fc21cdd8d"
    app.state.pushed_sha = sha
    local_hub.add_build(f"gh/me/demo/{sha}", [sse({"phase": "ready", "url": "http://127.0.0.1:8000/user/x/",
                                                    "token": "t"})])
    async with app.run_test(size=SNAPSHOT_SIZE) as pilot:
        screen = await open_launch(pilot)
        assert screen.target.ref == sha, "a launch right after publishing uses the pushed commit"
        screen.query_one("#open-choice").value = "file:index.ipynb"
        await pilot.pause()
        assert screen.query_one(LinksPanel).launch_url == \
            f"https://hub.example.org/v2/gh/me/demo/{sha}?urlpath=%2Fdoc%2Ftree%2Findex.ipynb"
        screen.query_one("#open-choice").value = "classic:index.ipynb"
        await pilot.pause()
        assert screen.query_one(LinksPanel).launch_url.endswith("?urlpath=%2Ftree%2Findex.ipynb")
        screen.query_one("#open-choice").value = "custom:"
        await pilot.pause()
        await pilot.press(*"/voila")
        assert screen.query_one(LinksPanel).launch_url.endswith("?urlpath=%2Fvoila")
        assert "RStudio" not in str(screen.query_one("#open-choice")._options), "no R in this project"
        screen.query_one("#open-choice").value = "file:index.ipynb"
        await pilot.pause()
        await pilot.press("ctrl+l")
        await until(pilot, lambda: screen.outcome is not None)
        assert [r.path for r in local_hub.requests if r.path != "/versions"][-1] == f"/build/gh/me/demo/{sha}"
        assert screen.query_one(LinksPanel).server_url == "http://127.0.0.1:8000/user/x/doc/tree/index.ipynb?token=t"


async def test_untrusted_text_filter_and_last_log(make_app, project, local_hub):
    evil = "[/oops] [@click=app.quit]x[/] \x1b]52;c;eA==\x07done\n"
    local_hub.add_build("gh/me/demo/HEAD", [sse({"phase": "building", "message": evil}),
                                            sse({"phase": "building", "message": "Spawn one\n"}),
                                            sse({"phase": "failed", "message": "Killed\n"})], after="forever")
    app = make_app(project, config=CONFIG)
    async with app.run_test(size=SNAPSHOT_SIZE, notifications=True) as pilot:
        screen = await open_launch(pilot)
        await pilot.press("ctrl+l")
        await until(pilot, lambda: screen.outcome is not None)
        view = screen.query_one(BuildLogView)
        assert "[/oops] [@click=app.quit]x[/] done" in view.lines
        assert screen.findings[0].code == "out-of-memory"
        await pilot.press("slash", *"Spawn")
        assert view.log.lines == ["Spawn one"]
        await pilot.press("escape")
        assert len(view.log.lines) == 3
        view.clear()
        await pilot.press("l")
        await pilot.pause()
        assert "Spawn one" in view.lines and "── building" in view.lines
        assert screen.query_one(TriagePanel).findings[0].code == "out-of-memory"


async def test_no_origin_explains_what_to_do(make_app, make_project):
    app = make_app(make_project({"requirements.txt": "numpy\n"}), config=CONFIG)
    async with app.run_test(size=SNAPSHOT_SIZE) as pilot:
        pilot.app.screen.post_message(StepScreen.Navigate(3))
        await until(pilot, lambda: isinstance(pilot.app.screen, LaunchScreen))
        screen = app.screen
        await until(pilot, lambda: "Cannot launch yet" in str(screen.query_one("#launch-target").render()))
        assert screen.query_one("#launch").disabled
        await pilot.press("ctrl+l")
        assert not screen.building


# --- snapshots ------------------------------------------------------------------------------------


def _snapshot_run(project_factory, hub, capture):
    async def run_before(pilot):
        screen = await open_launch(pilot)
        await pilot.press("ctrl+l")
        await until(pilot, lambda: screen.outcome is not None)
        pilot.app.clear_notifications()
        await pilot.pause()

    hub.add_capture("gh/me/demo/HEAD", capture)
    return run_before


def test_snapshot_ready(snap_compare, make_app, project, local_hub, shared_dir):
    run_before = _snapshot_run(None, local_hub, "ready-gh-fake-build.txt")
    assert snap_compare(make_app(project, config=CONFIG), run_before=run_before, terminal_size=SNAPSHOT_SIZE)


def test_snapshot_failed(snap_compare, make_app, make_project, local_hub, shared_dir):
    project = make_project({"environment.yml": BROKEN_ENV, "index.ipynb": "{}"})
    git(project, "init", "-q", "-b", "main")
    git(project, "remote", "add", "origin", "https://github.com/me/demo.git")
    run_before = _snapshot_run(None, local_hub, "failed-broken-environment-yml.txt")
    assert snap_compare(make_app(project, config=CONFIG), run_before=run_before, terminal_size=SNAPSHOT_SIZE)


async def test_a_fresh_push_becomes_the_launched_commit(make_app, project, local_hub):
    app = make_app(project, config=CONFIG)
    async with app.run_test(size=SNAPSHOT_SIZE) as pilot:
        screen = await open_launch(pilot)
        assert screen.target.ref == "HEAD"
        app.state.pushed_sha = "0123456789abcdef0123456789abcdef01234567"  # what step 2 sets after a push
        screen.post_message(StepScreen.Navigate(0))
        await until(pilot, lambda: not isinstance(app.screen, LaunchScreen))
        app.screen.post_message(StepScreen.Navigate(3))
        await until(pilot, lambda: screen.target.ref == app.state.pushed_sha)
        assert screen.query_one("#ref-choice").value == app.state.pushed_sha
        assert screen.query_one(LinksPanel).launch_url == \
            "https://hub.example.org/v2/gh/me/demo/0123456789abcdef0123456789abcdef01234567"


async def test_log_follows_the_tail_unless_scrolled_up_and_stays_bounded(make_app, project, local_hub):
    from wizard.tui.launch.log_view import MAX_LINES

    app = make_app(project, config=CONFIG)
    async with app.run_test(size=SNAPSHOT_SIZE) as pilot:
        screen = await open_launch(pilot)
        view = screen.query_one(BuildLogView)
        view.clear()
        view.add([f"line {n}\n" for n in range(200)])
        view.flush()
        await pilot.pause()
        assert view.log.scroll_offset.y == view.log.max_scroll_y > 0  # following the end
        view.log.scroll_home(animate=False, immediate=True)
        await pilot.pause()
        view.add(["more\n"] * 50)
        view.flush()
        await pilot.pause()
        assert view.log.scroll_offset.y == 0, "reading older lines is not interrupted"
        view.log.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        view.add([f"x {n}\n" for n in range(MAX_LINES + 500)])
        view.flush()
        await pilot.pause()
        assert view.log.scroll_offset.y == view.log.max_scroll_y
        assert len(view.lines) == MAX_LINES and view.log.line_count <= MAX_LINES
        assert view.log.lines[-1] == f"x {MAX_LINES + 499}"


async def test_file_names_in_the_choices_are_never_markup(make_app, make_project, local_hub):
    # Select parses a plain string prompt as markup: a notebook called "[/oops].ipynb" crashed the step.
    project = make_project({"requirements.txt": "numpy\n", "[/oops].ipynb": "{}", "[b]x.ipynb": "{}"})
    git(project, "init", "-q", "-b", "main")
    git(project, "remote", "add", "origin", "https://github.com/me/demo.git")
    git(project, "add", "-A")
    git(project, "-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-qm", "notebooks")
    app = make_app(project, config=CONFIG)
    async with app.run_test(size=SNAPSHOT_SIZE, notifications=True) as pilot:
        screen = await open_launch(pilot)
        await until(pilot, lambda: len(screen.query_one("#open-choice")._options) > 2)
        prompts = [str(prompt) for prompt, _ in screen.query_one("#open-choice")._options]
        assert any("[/oops].ipynb" in prompt for prompt in prompts)
        assert any("[b]x.ipynb" in prompt for prompt in prompts)
        select = screen.query_one("#open-choice")
        for prompt, value in select._options:
            if "[/oops]" in str(prompt):
                select.value = value  # shown in the closed Select: the crash happened here
        await pilot.pause()
        select.action_show_overlay()  # and every option drawn in the open list
        await pilot.pause()
        assert app.is_running and "[/oops]" in str(select.selection)


def test_snapshot_ready_80x24(snap_compare, make_app, project, local_hub, shared_dir):
    """The links, the badge and their buttons all on screen at 80x24."""
    run_before = _snapshot_run(None, local_hub, "ready-gh-fake-build.txt")
    assert snap_compare(make_app(project, config=CONFIG), run_before=run_before, terminal_size=(80, 24))


def test_snapshot_failed_80x24(snap_compare, make_app, make_project, local_hub, shared_dir):
    project = make_project({"environment.yml": BROKEN_ENV, "index.ipynb": "{}"})
    git(project, "init", "-q", "-b", "main")
    git(project, "remote", "add", "origin", "https://github.com/me/demo.git")
    run_before = _snapshot_run(None, local_hub, "failed-broken-environment-yml.txt")
    assert snap_compare(make_app(project, config=CONFIG), run_before=run_before, terminal_size=(80, 24))


# --- any version, any repository (issue 13) ---------------------------------------------------------


async def test_the_version_list_has_the_remotes_branches_and_tags_and_free_text(make_app, make_project, local_hub,
                                                                                 git_http_server, monkeypatch):
    from textual.widgets import Input, Select

    monkeypatch.setattr(LaunchScreen, "ask_remote", True)  # a local server: asking it is fine
    project = make_project({"requirements.txt": "numpy\n", "index.ipynb": "{}"})
    git_http_server.create("demo")
    git(project, "init", "-q", "-b", "main")
    git(project, "-c", "user.name=A", "-c", "user.email=a@example.org", "add", ".")
    git(project, "-c", "user.name=A", "-c", "user.email=a@example.org", "commit", "-q", "-m", "first")
    git(project, "remote", "add", "origin", git_http_server.url("demo"))
    git(project, "push", "-q", "origin", "main", "main:feature")
    git(project, "tag", "v1.0")
    git(project, "push", "-q", "origin", "v1.0")
    app = make_app(project, config=CONFIG)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_launch(pilot)
        refs = screen.query_one("#ref-choice", Select)
        values = [value for _, value in refs._options]
        assert "feature" in values and "v1.0" in values and values[-1] == "other:"
        refs.value = "v1.0"
        await pilot.pause()
        assert screen.target.ref == "v1.0" and screen.query_one(LinksPanel).launch_url.endswith("/v1.0")
        refs.value = "other:"
        await pilot.pause()
        typed = screen.query_one("#ref-text", Input)
        assert typed.display and app.focused is typed
        typed.value = "a..b"
        await pilot.pause()
        assert screen.target.ref == "HEAD" and "not a valid branch, tag or commit name" in \
            str(screen.query_one("#launch-target").render())
        typed.value = "0123456789abcdef0123456789abcdef01234567"
        await pilot.pause()
        assert screen.target.ref == "0123456789abcdef0123456789abcdef01234567"
        assert screen.query_one(LinksPanel).launch_url.endswith("/0123456789abcdef0123456789abcdef01234567")


async def test_another_provider_and_repository_then_back_to_origin(make_app, project, local_hub):
    from textual.widgets import Input, Select

    from wizard.tui.launch.repository_dialog import RepositoryDialog

    local_hub.add_build("gl/group%2Fproj/main", [sse({"phase": "ready", "url": "http://127.0.0.1:8000/user/x/",
                                                      "token": "t"})])
    app = make_app(project, config=CONFIG)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_launch(pilot)
        await pilot.press("r")
        dialog = app.screen
        assert isinstance(dialog, RepositoryDialog)
        dialog.query_one("#provider", Select).value = "gl"
        dialog.query_one("#repo", Input).value = "group/proj"
        dialog.query_one("#ref", Input).value = "main"
        await pilot.click("#use")
        await until(pilot, lambda: isinstance(app.screen, LaunchScreen))
        assert (screen.target.provider, screen.target.repo, screen.target.ref) == ("gl", "group/proj", "main")
        assert "gl:group/proj at main" in str(screen.query_one("#launch-target").render())
        await pilot.press("ctrl+l")
        await until(pilot, lambda: screen.outcome is not None, "the build finished")
        assert screen.outcome.result == "ready"
        assert "/build/gl/group%2Fproj/main" in [request.path for request in local_hub.requests]
        await pilot.press("r")
        await pilot.click("#origin")
        await until(pilot, lambda: screen.target is not None and screen.target.provider == "gh", "back to origin")
        assert screen.target.repo == "me/demo"


def test_snapshot_repository_dialog_80x24(snap_compare, make_app, project, local_hub):
    async def run_before(pilot):
        await open_launch(pilot)
        await pilot.press("r")

    assert snap_compare(make_app(project, config=CONFIG), run_before=run_before, terminal_size=(80, 24))
