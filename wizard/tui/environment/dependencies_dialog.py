"""Dependencies: what the code and notebooks import, against the requirements file Binder uses.

Scans the project and asks the project's own Python for versions (wizard.core.environment.deps) in a thread, then
lists the differences (`deps.reconcile`): missing packages, unused lines, Windows/macOS-only packages,
lines Linux cannot install, imports no known package provides. The user ticks what to change; the
new file is previewed as a diff and, on Apply, the dialog dismisses with the new text (the screen
puts it in the editor as one undoable edit). Every name, path and message is shown without markup.
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
from textual.widgets import Button, LoadingIndicator, SelectionList, Static
from textual.widgets.selection_list import Selection
from textual.worker import Worker, WorkerState

from wizard.core.environment import file_store
from wizard.tui.common.diff_view import DiffView, diff_content
from wizard.tui.common.error_text import error_content
from wizard.tui.common.visible import visible

_KIND_WORDS = {
    "undeclared": ("add", "$success"),
    "unused": ("remove?", "$warning"),
    "platform-only": ("marker", "$warning"),
    "cannot-install": ("rewrite", "$error"),
    "unresolved": ("check", "$text-muted"),
}
# Ticked at first: changes that fix a build. Removing an "unused" line is only ever the user's choice.
_TICKED = {"undeclared", "platform-only", "cannot-install"}


def row_prompt(row) -> Content:
    """One line (a SelectionList keeps only the first): the change first, then the reason."""
    word, style = _KIND_WORDS.get(row.kind, (row.kind, ""))
    return Content.assemble(Content.styled(f"{word:<8}", f"bold {style}"),
                            Content.styled(row.new_line or row.name, "bold"),
                            Content.styled(f"  {row.message}", "$text-muted"))


class DependenciesDialog(ModalScreen[str | None]):
    """`relpath` is the requirements file Binder uses (it may not exist yet). The dialog opens at once; its
    worker reads the file and scans the code, so a huge or stuck file never freezes the screen."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    @dataclass
    class Inferred(Message):
        text: str  # the file as it is on disk now
        rows: list

    @dataclass
    class Unusable(Message):
        why: str  # the file cannot be compared (too large, not text...)

    def __init__(self, project: Path, relpath: str, editable: bool) -> None:
        super().__init__()
        self.project, self.relpath, self.editable = project, relpath, editable
        self.text = ""
        self.rows: list = []

    def compose(self) -> ComposeResult:
        with Vertical(id="dependencies", classes="dialog wide-dialog"):
            yield Static(visible(f"Dependencies: your code's imports and {self.relpath}"), classes="dialog-title",
                         markup=False)
            yield Static("Looking through your notebooks and Python files…", id="deps-status",
                         classes="dialog-detail", markup=False)
            yield LoadingIndicator(id="deps-loading")
            yield SelectionList(id="deps-rows")
            with VerticalScroll(classes="diff-scroll", id="deps-diff-scroll"):
                yield DiffView([], id="deps-diff")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content(visible(f"Apply to {self.relpath}")), variant="primary", id="apply",
                             disabled=True)
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#deps-rows").display = False
        self.query_one("#deps-diff-scroll").display = False
        self._infer()

    @work(thread=True, exclusive=True, exit_on_error=False, group="deps")
    def _infer(self) -> None:
        # Imported from the modules themselves: the package's `infer`/`reconcile` names can end up bound to
        # the submodules rather than the functions, depending on import order.
        from wizard.core.environment.deps.project_python_adapter import PythonNotFound, project_environment
        from wizard.core.environment.deps.infer import infer
        from wizard.core.environment.deps.reconcile import reconcile

        loaded = file_store.load(self.project, self.relpath)
        if loaded.text is None:
            reasons = " ".join(f"{p.message} {p.fix or ''}".strip() for p in loaded.problems)
            self.post_message(self.Unusable(f"{self.relpath} cannot be compared: {reasons or 'it is not text.'}"))
            return
        text = file_store.to_disk(loaded.text, loaded.newline)
        try:
            environment = project_environment(self.project)
        except PythonNotFound:
            environment = None  # names still come from the curated and popular lists
        self.post_message(self.Inferred(text, reconcile(infer(self.project, environment), pin="exact")))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "deps" and event.state is WorkerState.ERROR:  # said here, where the user looks
            self.query_one("#deps-loading").display = False
            self.query_one("#deps-status", Static).update(
                Content.assemble("Could not work out the dependencies. ", error_content(event.worker.error)))

    def on_dependencies_dialog_unusable(self, message: Unusable) -> None:
        self.query_one("#deps-loading").display = False
        self.query_one("#deps-status", Static).update(Content(visible(message.why)))

    def on_dependencies_dialog_inferred(self, message: Inferred) -> None:
        self.text, self.rows = message.text, message.rows
        self.query_one("#deps-loading").display = False
        status = self.query_one("#deps-status", Static)
        if not self.rows:
            status.update(Content(visible(f"{self.relpath} already lists every package your code imports.")))
            return
        if self.editable:
            status.update(Content("Tick the changes to make; the preview below shows the new file."))
        else:
            status.update(Content(visible(f"Binder takes Python packages from {self.relpath} here: change it by "
                                          "hand (for environment.yml, under `- pip:`).")))
        selection = self.query_one("#deps-rows", SelectionList)
        selection.add_options(
            Selection(row_prompt(row), index, self.editable and row.kind in _TICKED,
                      disabled=not (self.editable and row.can_apply))
            for index, row in enumerate(self.rows))
        selection.display = True
        self.query_one("#deps-diff-scroll").display = self.editable
        self._preview()
        selection.focus()

    @on(SelectionList.SelectedChanged)
    def _preview(self) -> None:
        if not self.editable:
            return
        new = self.new_text()
        lines = file_store.diff_lines(self.text, new, self.relpath, f"{self.relpath} (new)")
        self.query_one("#deps-diff", DiffView).update(diff_content(lines))
        self.query_one("#deps-diff", DiffView).lines = lines
        self.query_one("#apply", Button).disabled = new == self.text

    def new_text(self) -> str:
        from wizard.core.environment.deps.reconcile import apply_rows

        chosen = [self.rows[i] for i in self.query_one("#deps-rows", SelectionList).selected]
        return apply_rows(self.text, chosen)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(self.new_text() if event.button.id == "apply" else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
