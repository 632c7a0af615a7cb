"""Step 2 (Publish) in the real app: main path to a verified push, identity prompt, create on GitHub,
the divergent-history dialog, and tokens never on screen. Pushes go to real local git servers."""

from __future__ import annotations

import shutil

import pytest
from pathlib import Path

from textual.widgets import Input

from tests.waiting import settle, until
from tests.servers.git_server import TEST_TOKEN, branch_sha, commit_on_remote, force_updates, git, snapshot
from wizard.core import publish as gitops
from wizard.core.common.config import Config
from wizard.tui.common.choice_dialog import QuestionDialog
from wizard.tui.common.step_screen import StepScreen
from wizard.tui.publish.screen import PublishScreen
from wizard.tui.publish.credentials_dialog import CredentialsDialog
from wizard.tui.publish.file_list import PublishFileList

SIZE = (110, 36)
FILES = {"analysis.ipynb": '{"cells": []}\n', "requirements.txt": "numpy\n", ".env": "API_KEY=abc123\n"}


async def open_publish(pilot) -> PublishScreen:
    # Straight from the overview to step 2 through the app's own navigation (step 1's analysis is not needed).
    pilot.app.screen.post_message(StepScreen.Navigate(2))
    await until(pilot, lambda: isinstance(pilot.app.screen, PublishScreen), "step 2 is shown")
    screen = pilot.app.screen
    assert isinstance(screen, PublishScreen)
    await until(pilot, lambda: screen.view is not None, "the repository was read")
    return screen


def asking(app, question: str) -> bool:
    return isinstance(app.screen, QuestionDialog) and app.screen.question == question


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


def ready_project(make_project, identity: bool = True) -> Path:
    project = make_project(FILES)
    gitops.init_repo(project)
    if identity:
        gitops.set_identity(project, "Ada Lovelace", "ada@example.org")
    return project


async def test_main_path_commits_and_pushes(make_app, make_project, bare_remote):
    project = ready_project(make_project)
    bare = bare_remote()
    app = make_app(project)
    seen = []
    async with app.run_test(size=SIZE, notifications=True, message_hook=seen.append) as pilot:
        screen = await open_publish(pilot)
        files = screen.query_one(PublishFileList)
        values = [files.get_option_at_index(i).value for i in range(files.option_count)]
        assert values[0] == "requirements.txt"  # environment files first
        assert files.chosen == ["analysis.ipynb", "requirements.txt"]  # .env flagged, unchecked
        assert ".env" in text_of(screen, "#publish-reason") and "public" in text_of(screen, "#publish-reason")
        assert screen.query_one("#message", Input).value == "Add the project, ready for Binder"
        assert not screen.query_one("#publish-identity").display
        screen.query_one("#remote-url", Input).value = bare.as_uri()
        await pilot.press("ctrl+p")
        await until(pilot, lambda: app.state.pushed_sha is not None, "the push finished")
        assert app.state.pushed_sha == branch_sha(bare) == git(project, "rev-parse", "HEAD")
        assert app.state.pushed_branch == "main" and app.state.remote_url == bare.as_uri()
        assert ".env" not in git(project, "ls-tree", "-r", "--name-only", "HEAD")
        assert "Published." in text_of(screen, "#publish-result")
        stages = {m.progress.stage for m in seen if isinstance(m, PublishScreen.PushProgressed)}
        assert "writing" in stages  # live progress reached the screen from the worker
        await until(pilot, lambda: screen.view.state.head_sha == app.state.pushed_sha, "the state refreshed")
        assert screen.view.state.changes[0].path == ".env"  # still there, uncommitted


async def test_asks_for_identity_instead_of_failing(make_app, make_project, bare_remote):
    project = ready_project(make_project, identity=False)
    bare = bare_remote()
    app = make_app(project)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_publish(pilot)
        assert screen.query_one("#publish-identity").display
        screen.query_one("#remote-url", Input).value = bare.as_uri()
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert "name and email" in text_of(screen, "#publish-result") and app.state.pushed_sha is None
        screen.query_one("#user-name", Input).value = "Grace Hopper"
        screen.query_one("#user-email", Input).value = "grace@example.org"
        await pilot.press("ctrl+p")
        await until(pilot, lambda: app.state.pushed_sha is not None, "the push finished")
        assert git(project, "log", "-1", "--format=%an <%ae>") == "Grace Hopper <grace@example.org>"
        assert "grace@example.org" in (project / ".git" / "config").read_text()


async def test_divergent_history_dialog_rebases(make_app, make_project, bare_remote):
    project = ready_project(make_project)
    bare = bare_remote()
    gitops.set_origin(project, bare.as_uri())
    gitops.commit(project, ["analysis.ipynb", "requirements.txt"], "Initial")
    gitops.push(project)
    theirs = commit_on_remote(bare, {"README.md": "# Made on GitHub\n"})
    (project / "requirements.txt").write_text("numpy\npandas\n")
    app = make_app(project)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_publish(pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: asking(app, "The remote has new commits"), "the divergent-history dialog")
        assert "never force-push" in text_of(screen, "#publish-result")
        assert branch_sha(bare) == theirs
        await pilot.click("#rebase")
        await until(pilot, lambda: app.state.pushed_sha is not None, "the rebase and push")
        assert app.state.pushed_sha == branch_sha(bare)
        assert git(project, "merge-base", "--is-ancestor", theirs, "HEAD") == ""
        assert (project / "README.md").read_text() == "# Made on GitHub\n"
        assert force_updates(bare) == []


async def test_a_remote_holding_another_project_is_said_so_and_another_remote_offered(make_app, make_project,
                                                                                     bare_remote):
    project = ready_project(make_project)
    other_project = bare_remote()
    theirs = commit_on_remote(other_project, {"README.md": "# Someone else's project\n"})  # no common history
    gitops.set_origin(project, other_project.as_uri())
    app = make_app(project)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_publish(pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: asking(app, "This repository holds a different project"), "the dialog")
        assert "someone added" not in app.screen.detail.lower() and "shares no commit" in app.screen.detail
        await pilot.click("#yes")  # "Choose another remote"
        empty = bare_remote("empty")
        remote = screen.query_one("#remote-url", Input)
        assert remote.display and app.focused is remote
        remote.value = empty.as_uri()
        await pilot.press("ctrl+p")
        await until(pilot, lambda: app.state.pushed_sha is not None or "-error" in screen.query_one("#publish-result").classes, "pushed to the other remote")
        assert app.state.pushed_sha, text_of(screen, "#publish-result")
        assert branch_sha(empty) == app.state.pushed_sha and branch_sha(other_project) == theirs
        assert git(project, "remote", "get-url", "origin") == empty.as_uri()


async def test_divergent_history_conflict_stops_and_restores(make_app, make_project, bare_remote):
    project = ready_project(make_project)
    bare = bare_remote()
    gitops.set_origin(project, bare.as_uri())
    gitops.commit(project, ["analysis.ipynb", "requirements.txt"], "Initial")
    gitops.push(project)
    theirs = commit_on_remote(bare, {"requirements.txt": "scipy\n"})
    (project / "requirements.txt").write_text("pandas\n")
    app = make_app(project)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_publish(pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: asking(app, "The remote has new commits"), "the divergent-history dialog")
        before = snapshot(project)
        await pilot.click("#merge")
        await until(pilot, lambda: "same lines" in text_of(screen, "#publish-result"), "the conflict report")
        assert "requirements.txt" in text_of(screen, "#publish-result")
        assert snapshot(project) == before and app.state.pushed_sha is None
        assert branch_sha(bare) == theirs and force_updates(bare) == []
        await pilot.press("ctrl+p")  # and cancelling the dialog changes nothing either
        await until(pilot, lambda: asking(app, "The remote has new commits"), "the dialog again")
        await pilot.press("escape")
        await settle(pilot)
        assert "Cancelled" in text_of(screen, "#publish-result") and snapshot(project) == before


async def test_create_on_github_then_push_token_never_shown(make_app, make_project, github_api_with_git,
                                                            monkeypatch):
    monkeypatch.setenv("GH_TOKEN", TEST_TOKEN)
    project = ready_project(make_project)
    app = make_app(project, config=Config(github_api=github_api_with_git.url))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_publish(pilot)
        screen.query_one("#repo-name", Input).value = "my-analysis"
        await pilot.click("#create")
        await until(pilot, lambda: "Created the public repository" in text_of(screen, "#publish-result"),
                    "the repository was created")
        clone_url = screen.query_one("#remote-url", Input).value
        assert clone_url == github_api_with_git.git_server.url("octo-user/my-analysis")
        await pilot.press("ctrl+p")
        await until(pilot, lambda: app.state.pushed_sha is not None, "the push finished")
        bare = github_api_with_git.git_server.root / "octo-user" / "my-analysis.git"
        assert app.state.pushed_sha == branch_sha(bare)
        assert "Not public" not in text_of(screen, "#publish-result")
        assert TEST_TOKEN not in app.export_screenshot()
        assert TEST_TOKEN not in (project / ".git" / "config").read_text()


async def test_wrong_token_explained_without_showing_it(make_app, make_project, git_http_auth_server,
                                                        monkeypatch):
    wrong = "ghp_" + "WrongWrongWrong" * 2 + "0000"
    monkeypatch.setenv("GH_TOKEN", wrong)
    project = ready_project(make_project)
    git_http_auth_server.create("analysis")
    gitops.set_origin(project, git_http_auth_server.url("analysis").replace("http://", f"http://me:{wrong}@"))
    before = snapshot(project)
    app = make_app(project, config=Config(github_api="http://127.0.0.1:1"))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_publish(pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CredentialsDialog), "asked to sign in again")
        assert "did not accept the token from GH_TOKEN (sent only to 127.0.0.1)" in app.screen.why
        await pilot.press("escape")
        assert "did not accept" in text_of(screen, "#publish-result")
        assert wrong not in app.export_screenshot()
        assert snapshot(project) == before and app.state.pushed_sha is None


async def test_an_https_remote_without_credentials_asks_in_a_masked_dialog(make_app, make_project, tmp_path):
    """Not GitHub, nothing in the environment, no credential helper: ask before pushing, send only there."""
    from tests.servers.git_server import GitHTTPServer

    (tmp_path / "other").mkdir()
    server = GitHTTPServer(tmp_path / "other", credentials=("ada", "s3cret-pass"))
    try:
        project = ready_project(make_project)
        bare = server.create("analysis")
        gitops.set_origin(project, server.url("analysis"))
        app = make_app(project, config=Config(git_username="ada"))
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            screen = await open_publish(pilot)
            await pilot.press("ctrl+p")
            await until(pilot, lambda: isinstance(app.screen, CredentialsDialog), "asked to sign in")
            dialog = app.screen
            assert dialog.query_one("#username", Input).value == "ada"  # from the settings
            secret = dialog.query_one("#secret", Input)
            assert secret.password and app.focused is secret
            secret.value = "wrong-pass"
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, CredentialsDialog) and app.screen is not dialog,
                        "asked again after a refusal")
            assert "did not accept the user name ada and the token or password you typed (sent only to " \
                   "127.0.0.1)" in app.screen.why
            app.screen.query_one("#secret", Input).value = "s3cret-pass"
            await pilot.click("#push")
            await until(pilot, lambda: app.state.pushed_sha is not None, "the push finished")
            assert app.state.pushed_sha == branch_sha(bare) and set(server.seen_users) == {"ada"}
            assert "s3cret-pass" not in app.export_screenshot()
            assert "s3cret-pass" not in (project / ".git" / "config").read_text()
            assert not (Path.home() / ".git-credentials").exists()
    finally:
        server.kill()


async def test_github_offers_the_token_of_a_logged_in_gh(make_app, make_project, monkeypatch, tmp_path):
    gh = tmp_path / "bin" / "gh"
    gh.parent.mkdir()
    gh.write_text("#!/bin/sh\n[ \"$1 $2\" = 'auth token' ] && echo gho_fromghcli && exit 0\nexit 1\n")
    gh.chmod(0o755)
    monkeypatch.setenv("PATH", f"{gh.parent}:{Path(shutil.which('git')).parent}")
    project = ready_project(make_project)
    gitops.set_origin(project, "https://github.com/me/demo.git")
    app = make_app(project)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_publish(pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CredentialsDialog), "asked to sign in")
        assert app.focused is app.screen.query_one("#use-gh")
        chosen = []
        app.screen.dismiss = chosen.append  # stop here: github.com is never contacted by the tests
        await pilot.press("enter")
        [credentials] = chosen
        assert (credentials.host, credentials.secret, credentials.source) == ("github.com", "gho_fromghcli",
                                                                             "gh auth token")
        assert "gho_fromghcli" not in repr(credentials)


async def test_offers_git_init(make_app, make_project):
    project = make_project(FILES)
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_publish(pilot)
        assert screen.query_one("#publish-init").display and not screen.query_one("#publish-main").display
        await pilot.click("#init")
        await until(pilot, lambda: screen.view.state.is_repo, "the repository was created")
        assert git(project, "branch", "--show-current") == "main"
        assert screen.query_one("#publish-main").display


def test_snapshot_with_flagged_file(snap_compare, make_app, make_project):
    project = ready_project(make_project)
    app = make_app(project)

    async def run_before(pilot) -> None:
        await open_publish(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=(100, 32))


def test_snapshot_with_flagged_file_80x24(snap_compare, make_app, make_project):
    project = ready_project(make_project)

    async def run_before(pilot) -> None:
        await open_publish(pilot)

    assert snap_compare(make_app(project), run_before=run_before, terminal_size=(80, 24))


async def test_broken_repository_shows_the_explanation(make_app, make_project):
    project = ready_project(make_project)
    (project / ".git" / "index").write_bytes(b"not an index at all")
    app = make_app(project)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.screen.post_message(StepScreen.Navigate(2))
        await until(pilot, lambda: isinstance(app.screen, PublishScreen), "step 2 is shown")
        await until(pilot, lambda: "git could not finish" in text_of(app.screen, "#publish-result"),
                    "the explanation")


async def test_private_repository_warned_after_push(make_app, make_project, github_api_with_git, monkeypatch):
    monkeypatch.setenv("GH_TOKEN", TEST_TOKEN)
    project = ready_project(make_project)
    repo = github_api_with_git.add_repo("octo-user", "hidden", private=True)
    gitops.set_origin(project, repo["clone_url"])
    app = make_app(project, config=Config(github_api=github_api_with_git.url))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_publish(pilot)
        assert "origin" in text_of(screen, "#publish-state")
        await pilot.press("ctrl+p")
        await until(pilot, lambda: app.state.pushed_sha is not None, "the push finished")
        result = text_of(screen, "#publish-result")
        assert "Not public yet" in result and "private" in result


async def test_create_on_github_without_token_explains(make_app, make_project, github_api, monkeypatch, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "git").symlink_to(shutil.which("git"))
    monkeypatch.setenv("PATH", str(bin_dir))  # git, but no gh CLI to ask for a token
    project = ready_project(make_project)
    app = make_app(project, config=Config(github_api=github_api.url))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_publish(pilot)
        await pilot.click("#create")
        await until(pilot, lambda: "needs a GitHub token" in text_of(screen, "#publish-result"), "the explanation")
        assert github_api.requests == [] and not screen.busy


async def test_detached_head_explained(make_app, make_project, bare_remote):
    project = ready_project(make_project)
    gitops.commit(project, ["analysis.ipynb"], "Initial")
    git(project, "switch", "--quiet", "--detach")
    app = make_app(project)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_publish(pilot)
        assert "detached HEAD" in text_of(screen, "#publish-state")
        assert "git switch" in text_of(screen, "#publish-result")
        before = snapshot(project)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert snapshot(project) == before and app.state.pushed_sha is None


async def test_gitignore_suggestion_shown_then_added_on_confirmation(make_app, make_project):
    project = ready_project(make_project)
    app = make_app(project)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_publish(pilot)
        assert ".env" in screen.view.gitignore_lines
        await pilot.click("#add-gitignore")
        await settle(pilot)
        assert asking(app, "Add these lines to .gitignore?") and not (project / ".gitignore").exists()
        await pilot.click("#yes")
        await until(pilot, lambda: ".env" not in [c.path for c in screen.view.state.changes], "the reload")
        text = (project / ".gitignore").read_text()
        assert ".ipynb_checkpoints/" in text and ".env\n" in text
        assert not screen.query_one("#publish-gitignore").display


@pytest.mark.parametrize("size", [(80, 24), (100, 30)], ids=["80x24", "100x30"])
def test_snapshot_credentials_dialog(snap_compare, make_app, make_project, size):
    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.push_screen(CredentialsDialog("git.example.org", "git.example.org will ask who you are, and git "
                                                "has no saved credentials for it.", "ada"))
        await settle(pilot)

    assert snap_compare(make_app(make_project(FILES)), run_before=run_before, terminal_size=size)
