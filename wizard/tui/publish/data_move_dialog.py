"""Medium data, one action (issue 17): the dialog that moves a file over 10 MB out of the repository.

Steps 1 and 2 open it with the project's big files. The user puts the file on a public host and pastes its URL;
"Check" asks the host (in a thread: it answers, and the same size; the same bytes too when the user ticks the
download) and shows what would change, as a diff of every file touched (postBuild, .gitignore, and "git stops
tracking" for a committed file), with what the download adds to every build. "Move it" writes exactly that.
The data file itself is never deleted or changed. A ModalScreen[bool]: True when something was written.

All work is in `wizard.core.publish.data_move` and the adapters; every text shown (file names, URLs, server
answers turned into words) is shown without markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Select, Static
from textual.worker import Worker, WorkerState

from wizard.tui.common.diff_view import diff_content
from wizard.tui.common.error_text import explain
from wizard.tui.common.visible import visible

MB = 1_000_000
CHECK_SECONDS = 15.0


def _size(size: int) -> str:
    return f"{size / MB:,.0f} MB" if size >= MB else f"{size:,} bytes"


@dataclass(frozen=True)
class Checked:
    """What "Check" found: the verdict on the URL, and the plan when the URL serves the file."""

    path: str
    url: str
    download: bool  # the bytes were compared too
    verdict: str
    plan: object | None  # data_move.MovePlan, None when the move cannot go ahead
    problem: str = ""  # why not (a DataMoveError's words), beside the verdict

    @property
    def about(self) -> tuple[str, str, bool]:
        """What was asked: the file, the URL, whether to compare the bytes."""
        return self.path, self.url, self.download


class DataMoveDialog(ModalScreen[bool]):
    DEFAULT_CSS = """
    DataMoveDialog { align: center middle; }
    DataMoveDialog > Vertical { width: 96; max-width: 100%; height: auto; max-height: 100%; padding: 1 2;
                                border: round $accent; background: $surface; }
    DataMoveDialog .move-title { text-style: bold; margin-bottom: 1; }
    DataMoveDialog .move-advice { color: $warning; margin-bottom: 1; }
    DataMoveDialog #move-url { margin-top: 1; }
    DataMoveDialog #move-result { height: auto; margin-top: 1; }
    DataMoveDialog #move-result.-error { color: $error; }
    DataMoveDialog #move-diff-scroll { height: auto; max-height: 12; margin-top: 1; }
    DataMoveDialog #move-buttons { height: auto; margin-top: 1; dock: bottom; }
    DataMoveDialog #move-buttons Button { margin-right: 1; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    @dataclass
    class Result(Message):
        checked: Checked

    @dataclass
    class Failed(Message):
        text: str

    def __init__(self, project: Path, files: list[tuple[str, int]]) -> None:
        super().__init__()
        self.project = Path(project)
        self.files = dict(files)  # path -> size
        self.checked: Checked | None = None
        self.moved = False

    def compose(self) -> ComposeResult:
        first = next(iter(self.files))
        with Vertical():
            yield Static("Move big data out of the repository", classes="move-title")
            yield Static(id="move-intro", markup=False)
            yield Static(id="move-advice", classes="move-advice", markup=False)
            if len(self.files) > 1:
                yield Select([(Content(visible(f"{path}  ({_size(size)})")), path) for path, size in self.files.items()],
                             value=first, allow_blank=False, id="move-file", compact=True)
            yield Input(placeholder="https://zenodo.org/records/…/files/data.csv", id="move-url")
            yield Checkbox("Also download it and compare the bytes (not only the size)", id="move-download")
            yield Static(id="move-result", markup=False)
            with VerticalScroll(id="move-diff-scroll"):
                yield Static(id="move-diff")
            with Horizontal(id="move-buttons"):
                yield Button("Check the URL", id="move-check", variant="primary")
                yield Button("Move it", id="move-apply", variant="success", disabled=True)
                yield Button("Cancel", id="move-cancel")

    def on_mount(self) -> None:
        self.query_one("#move-diff-scroll").display = False
        self._show_file(next(iter(self.files)))
        self.query_one("#move-url", Input).focus()

    @property
    def path(self) -> str:
        if len(self.files) > 1:
            return str(self.query_one("#move-file", Select).value)
        return next(iter(self.files))

    def _show_file(self, path: str) -> None:
        from wizard.core.publish.audit import LARGE_DATA, large_data_advice

        size = self.files[path]
        self.query_one("#move-intro", Static).update(visible(
            f"{path} is {_size(size)}. Binder works best with data under 10 MB in the repository. Put the file on a "
            "public host (Zenodo, figshare, OSF, a GitHub release) and paste its download URL below: binder-wizard "
            "then downloads it in postBuild while Binder builds the image, and leaves it out of git. Your copy "
            "stays where it is. Nothing changes until you press Move it."))
        advice = self.query_one("#move-advice", Static)
        advice.display = size > LARGE_DATA
        if size > LARGE_DATA:
            advice.update(visible(f"At {_size(size)} this is more than a Binder image should carry (the seed's "
                                  f"large tier): better, {large_data_advice(path)}."))
        self._reset()

    def _reset(self) -> None:
        self.checked = None
        self.query_one("#move-apply", Button).disabled = True
        self.query_one("#move-diff-scroll").display = False
        self._say("")

    def _say(self, text: str, error: bool = False) -> None:
        result = self.query_one("#move-result", Static)
        result.update(visible(text))
        result.set_class(error, "-error")

    @on(Select.Changed, "#move-file")
    def _file_changed(self, event: Select.Changed) -> None:
        if event.value != Select.NULL:
            self._show_file(str(event.value))

    def _asked(self) -> tuple[str, str, bool]:
        """What the dialog asks now (compared with `Checked.about`)."""
        return (self.path, self.query_one("#move-url", Input).value.strip(),
                self.query_one("#move-download", Checkbox).value)

    @on(Input.Changed, "#move-url")
    @on(Checkbox.Changed, "#move-download")
    def _changed(self) -> None:
        if self.checked is not None and self.checked.about != self._asked():
            self._reset()  # what was checked is no longer what is asked

    @on(Input.Submitted, "#move-url")
    @on(Button.Pressed, "#move-check")
    def _check_pressed(self) -> None:
        from wizard.core.common.errors import UserError
        from wizard.core.publish.data_move import check_url_form

        try:
            url = check_url_form(self.query_one("#move-url", Input).value)
        except UserError as error:
            self._say(f"{error.message} {error.next_action}".strip(), error=True)
            return
        self.query_one("#move-check", Button).disabled = True
        download = self.query_one("#move-download", Checkbox).value
        self._say(f"Asking {url} …" + (" (downloading it to compare)" if download else ""))
        self._check(self.path, url, download)

    @work(thread=True, exclusive=True, exit_on_error=False, group="data-move")
    def _check(self, path: str, url: str, download: bool) -> None:
        from wizard.core.common.errors import UserError
        from wizard.core.common.url_check_adapter import check_url, remote_digest
        from wizard.core.publish.data_move import DataFile, compare, local_digest, plan_move
        from wizard.core.publish.data_move_adapter import tracked

        size = self.files[path]
        data = DataFile(path, url, size)
        check = check_url(url, timeout=CHECK_SECONDS)
        remote = local = None
        if download and check.ok:
            seconds = max(CHECK_SECONDS, size / MB)  # at least 1 MB/s
            remote = remote_digest(url, max_bytes=size, timeout=seconds)
            local = local_digest(self.project, path)
        verdict = compare(data, check, remote, local)
        if not verdict.ok:
            self.post_message(self.Result(Checked(path, url, download, verdict.message, None)))
            return
        try:
            plan = plan_move(self.project, [(path, url)], tracked(self.project, [path]))
        except UserError as error:
            self.post_message(self.Result(Checked(path, url, download, verdict.message, None,
                                                  f"{error.message} {error.next_action}".strip())))
            return
        self.post_message(self.Result(Checked(path, url, download, verdict.message, plan)))

    def on_data_move_dialog_result(self, message: Result) -> None:
        checked = message.checked
        self.query_one("#move-check", Button).disabled = False
        if checked.about != self._asked():
            return  # the user changed the file, URL or download choice meanwhile: the answer is about another
        self.checked = checked
        plan = checked.plan
        if plan is None:
            self._say(f"{checked.verdict} {checked.problem}".strip(), error=True)
            return
        lines = [checked.verdict, plan.summary(), *plan.notes]
        if not plan.changed:
            lines.append("Nothing to change: this is already done.")
        self._say("\n".join(lines))
        self.query_one("#move-diff", Static).update(diff_content(plan.diff()))
        self.query_one("#move-diff-scroll").display = plan.changed
        self.query_one("#move-apply", Button).disabled = not plan.changed

    @on(Button.Pressed, "#move-apply")
    def _apply_pressed(self) -> None:
        if self.checked is None or self.checked.plan is None:
            return
        self.query_one("#move-apply", Button).disabled = True
        self._apply(self.checked.plan)

    @work(thread=True, exclusive=True, exit_on_error=False, group="data-move")
    def _apply(self, plan) -> None:
        from wizard.core.common.errors import UserError
        from wizard.core.publish.data_move import apply_move
        from wizard.core.publish.data_move_adapter import stop_tracking

        try:
            written = apply_move(plan)
            self.moved = self.moved or bool(written)
            stop_tracking(plan.project, plan.untrack)
        except (UserError, OSError) as error:
            text = f"{error.message} {error.next_action}".strip() if isinstance(error, UserError) else str(error)
            self.post_message(self.Failed(text))
            return
        self.app.call_from_thread(self.dismiss, True)

    def on_data_move_dialog_failed(self, message: Failed) -> None:
        self._say(message.text, error=True)
        self.query_one("#move-apply", Button).disabled = False

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A check or move that failed unexpectedly: said here, where the user looks (a dialog's workers do not
        reach the step screen's handler), and both buttons work again so the user can try again."""
        if event.worker.group == "data-move" and event.state is WorkerState.ERROR:
            self._say(" ".join(part for part in explain(event.worker.error) if part), error=True)
            self.query_one("#move-check", Button).disabled = False
            self.query_one("#move-apply", Button).disabled = self.checked is None or self.checked.plan is None

    @on(Button.Pressed, "#move-cancel")
    def action_cancel(self) -> None:
        self.dismiss(self.moved)
