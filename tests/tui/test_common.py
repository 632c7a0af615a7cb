"""What every screen shares: typed question dialogs, and the one path from a failed worker to the user."""

from __future__ import annotations

from enum import Enum

import pytest
from textual.app import App
from textual.notifications import Notify

from tests.waiting import settle, until
from wizard.core.common.errors import UserError
from wizard.tui.common.choice_dialog import ChoiceDialog, ConfirmDialog
from wizard.tui.common.error_text import explain


class Fruit(Enum):
    APPLE = "apple"
    PEAR = "pear"


async def answer_of(dialog, *keys_or_clicks: str):
    """Push `dialog` on an empty app, press/click, and return what it dismissed with."""
    answers = []
    app = App()
    async with app.run_test() as pilot:
        app.push_screen(dialog, answers.append)
        await pilot.pause()
        for step in keys_or_clicks:
            await (pilot.click(step) if step.startswith("#") else pilot.press(step))
        await until(pilot, lambda: answers, "the dialog was dismissed")
    return answers[0]


@pytest.mark.parametrize("step, expected", [("#yes", True), ("#no", False), ("escape", False)])
async def test_confirm_dialog_answers_a_bool(step, expected):
    assert await answer_of(ConfirmDialog("Go?"), step) is expected


@pytest.mark.parametrize("step, expected", [("#pear", Fruit.PEAR), ("#cancel", None), ("escape", None)])
async def test_choice_dialog_answers_an_enum_member_or_none(step, expected):
    dialog = ChoiceDialog("Which?", "", [(Fruit.APPLE, "Apple", "primary"), (Fruit.PEAR, "Pear", "default")])
    assert await answer_of(dialog, step) is expected


async def test_choice_dialog_focuses_cancel_unless_told():
    app = App()
    async with app.run_test() as pilot:
        app.push_screen(ChoiceDialog("Which?", "", [(Fruit.APPLE, "Apple", "primary")]))
        await pilot.pause()
        assert app.focused.id == "cancel"
        app.push_screen(ChoiceDialog("Which?", "", [(Fruit.APPLE, "Apple", "primary")], focus=Fruit.APPLE))
        await pilot.pause()
        assert app.focused.id == "apple"


def test_a_user_error_is_told_in_its_own_words_and_anything_else_as_unexpected():
    assert explain(UserError("The push was refused.", "Pull first.")) == ("The push was refused.", "Pull first.")
    message, next_action = explain(KeyError("\x1b[2Jx"))
    assert message.startswith("Something unexpected went wrong (KeyError") and "\x1b" not in message
    assert "Nothing of yours was lost" in next_action


@pytest.mark.parametrize("error, shown", [
    (UserError("[/oops] cannot read [b]x", "Rename [@click=app.quit]it[/]."),
     ["[/oops] cannot read [b]x", "Rename [@click=app.quit]it[/]."]),
    (RuntimeError("[/broken]"), ["Something unexpected went wrong (RuntimeError: [/broken])."]),
])
async def test_a_failed_worker_is_shown_plainly_and_the_screen_recovers(make_app, make_project, monkeypatch,
                                                                        error, shown):
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr("wizard.core.environment.engine.analyse", fail)  # the overview's worker runs it
    seen = []
    app = make_app(make_project({"requirements.txt": "numpy\n"}))
    async with app.run_test(notifications=True, message_hook=seen.append) as pilot:
        await settle(pilot)
        errors = [m.notification for m in seen if isinstance(m, Notify) and m.notification.severity == "error"]
        assert len(errors) == 1 and all(text in errors[0].message for text in shown), errors
        assert not errors[0].markup
        assert "Could not look at the environment files" in str(app.screen.query_one("#build-summary").render())
        assert app.is_running
