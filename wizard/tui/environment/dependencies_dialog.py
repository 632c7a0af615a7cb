"""Dependencies: what the code and notebooks import, against the requirements file Binder uses.

Scans the project and asks the project's own Python for versions (wizard.core.environment.deps) in a thread, then
lists the differences (`deps.reconciliation`): missing packages, unused lines, Windows/macOS-only packages,
lines Linux cannot install, imports no known package provides. The user ticks what to change; the
new file is previewed as a diff and, on Apply, the dialog dismisses with the new texts by file (the screen
puts each in the editor as one undoable edit). Every name, path and message is shown without markup.

Pins install on Binder (issue 12): the worker asks the package index whether each local version installs
with the Python Binder will use; one that does not is proposed as the newest release that does, and a
"python" row offers pinning the project's own Python in runtime.txt instead (then the diff shows both files).
Offline, the local versions stay and the status line says they were not checked.
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
from wizard.tui.common.check_list import CheckList
from wizard.tui.common.diff_view import DiffView, diff_content
from wizard.tui.common.error_text import error_content
from wizard.tui.common.visible import visible

_KIND_WORDS = {
    "undeclared": ("add", "$success"),
    "unused": ("remove?", "$warning"),
    "platform-only": ("marker", "$warning"),
    "cannot-install": ("rewrite", "$error"),
    "unresolved": ("check", "$text-muted"),
    "pin-python": ("python", "$accent"),
}
# Ticked at first: changes that fix a build. Removing an "unused" line is only ever the user's choice.
_TICKED = {"undeclared", "platform-only", "cannot-install"}


def row_prompt(row) -> Content:
    """One line (a SelectionList keeps only the first): the change first, then the reason."""
    word, style = _KIND_WORDS.get(row.kind, (row.kind, ""))
    return Content.assemble(Content.styled(f"{word:<8}", f"bold {style}"),
                            Content.styled(row.new_line or row.name, "bold"),
                            Content.styled(f"  {row.message}", "$text-muted"))


class DependenciesDialog(ModalScreen[dict[str, str] | None]):
    """`relpath` is the requirements file Binder uses (it may not exist yet). The dialog opens at once; its
    worker reads the file, scans the code and checks the pins, so a huge or stuck file or a slow index never
    freezes the screen. It dismisses with {relpath: new text} for each file to change, or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    @dataclass
    class Inferred(Message):
        text: str  # the file as it is on disk now
        rows: list
        note: str = ""  # e.g. the pins could not be checked
        python_text: str = ""  # runtime.txt as it is on disk now ("" when absent)
        exists: bool = True  # the requirements file exists (else "already lists every package" is untrue)
        r_packages: int = 0  # R packages the code loads (an R project is started with runtime.txt + install.R)

    @dataclass
    class Unusable(Message):
        why: str  # the file cannot be compared (too large, not text...)

    def __init__(self, project: Path, relpath: str, editable: bool, index_url: str | None = None,
                 unsaved: str | None = None) -> None:
        """`unsaved`: the editor's text of `relpath` when it has changes not saved yet (compared instead of the
        file; the result goes back into the editor)."""
        super().__init__()
        self.project, self.relpath, self.editable, self.index_url = project, relpath, editable, index_url
        self.unsaved = unsaved
        self.text = ""
        self.python_text = ""
        self.rows: list = []

    def compose(self) -> ComposeResult:
        with Vertical(id="dependencies", classes="dialog wide-dialog"):
            yield Static(visible(f"Dependencies: your code's imports and {self.relpath}"), classes="dialog-title",
                         markup=False)
            yield Static("Looking through your notebooks and Python files…", id="deps-status",
                         classes="dialog-detail", markup=False)
            yield LoadingIndicator(id="deps-loading")
            yield CheckList(id="deps-rows")
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
        from wizard.core.environment.deps.inference import infer
        from wizard.core.environment.deps.reconciliation import reconcile

        import dataclasses

        from wizard.core.environment.deps.declared import declared_file

        target = None
        if self.unsaved is not None:
            text = self.unsaved
            target = dataclasses.replace(declared_file(self.project), path=self.project / self.relpath, text=text)
        else:
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
        inference = infer(self.project, environment, target=target)
        review, python_file, why, note = self._review(inference, environment)
        python_text = ""
        if python_file is not None and (self.project / python_file).is_file():
            runtime = file_store.load(self.project, python_file)
            python_text = file_store.to_disk(runtime.text, runtime.newline) if runtime.text is not None else ""
        rows = reconcile(inference, pin="exact", review=review, python_file=python_file, python_why=why)
        self.post_message(self.Inferred(text, rows, note, python_text, (self.project / self.relpath).is_file(),
                                        len(inference.r_packages)))

    def _review(self, inference, environment):
        """(pin review or None, runtime.txt relpath or None, where Binder's Python comes from, a note)."""
        from wizard.core.environment.detection import detect
        from wizard.core.environment.install.check import python_why
        from wizard.core.environment.install.pins import review_pins, runtime_file

        detection = detect(self.project)
        python = detection.python_version
        pins = [(p.name, p.version) for p in inference.packages if p.status == "undeclared" and p.version]
        if not pins or python is None:
            return None, None, "", ""
        review = review_pins(pins, python, index_url=self.index_url,
                             local_python=environment.version if environment is not None else None)
        if not review.checked:
            return None, None, "", (f"Could not reach the package index ({review.index}): the versions were "
                                    f"not checked against Binder's Python {python}.")
        return review, runtime_file(detection), python_why(detection, self.project), ""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "deps" and event.state is WorkerState.ERROR:  # said here, where the user looks
            self.query_one("#deps-loading").display = False
            self.query_one("#deps-status", Static).update(
                Content.assemble("Could not work out the dependencies. ", error_content(event.worker.error)))

    def on_dependencies_dialog_unusable(self, message: Unusable) -> None:
        self.query_one("#deps-loading").display = False
        self.query_one("#deps-status", Static).update(Content(visible(message.why)))

    def on_dependencies_dialog_inferred(self, message: Inferred) -> None:
        self.text, self.rows, self.python_text = message.text, message.rows, message.python_text
        self.query_one("#deps-loading").display = False
        status = self.query_one("#deps-status", Static)
        note = f" {message.note}" if message.note else ""
        if not self.rows:
            r_hint = (f" Your code loads {message.r_packages} R package{'s' if message.r_packages != 1 else ''}: "
                      "R packages go in install.R with a dated runtime.txt (step 1's R start writes both)."
                      if message.r_packages else "")
            status.update(Content(visible(
                f"{self.relpath} already lists every package your code imports.{note}" if message.exists else
                f"Your code imports no Python packages that need installing, so there is nothing to put in "
                f"{self.relpath}.{r_hint}{note}")))
            return
        if self.editable:
            status.update(Content(visible(f"Tick the changes to make; the preview below shows the new file.{note}")))
        else:
            status.update(Content(visible(f"Binder takes Python packages from {self.relpath} here: change it by "
                                          f"hand (for environment.yml, under `- pip:`).{note}")))
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
        changed = self.new_texts()
        lines = [line for relpath, new in changed.items()
                 for line in file_store.diff_lines(self._old(relpath), new, relpath, f"{relpath} (new)")]
        self.query_one("#deps-diff", DiffView).update(diff_content(lines))
        self.query_one("#deps-diff", DiffView).lines = lines
        self.query_one("#apply", Button).disabled = not changed

    def _old(self, relpath: str) -> str:
        return self.text if relpath == self.relpath else self.python_text

    def new_texts(self) -> dict[str, str]:
        """{relpath: new text} for each file the ticked rows change: the requirements file, and runtime.txt
        when the project's Python is pinned."""
        from wizard.core.environment.deps.reconciliation import apply_rows
        from wizard.core.environment.install.pins import runtime_text

        chosen = [self.rows[i] for i in self.query_one("#deps-rows", SelectionList).selected]
        texts = {self.relpath: apply_rows(self.text, chosen)}
        for row in chosen:
            if row.kind == "pin-python" and row.file:
                texts[row.file] = runtime_text(self.python_text, row.new_line.removeprefix("python-"))
        return {relpath: new for relpath, new in texts.items() if new != self._old(relpath)}

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(self.new_texts() if event.button.id == "apply" else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
