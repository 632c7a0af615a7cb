"""Step 1's open files: a `Buffer` per file (its editor, and what is on disk, to save it back exactly and detect
conflicts), `OpenFiles` (all of them, and which have unsaved edits), and `StepOneScreen`, what the flows beside
the screen (saving.py, fixes.py, creating.py) use of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from wizard.core.common.diagnostics import Diagnostic
from wizard.core.environment import file_store
from wizard.core.environment.file_store import DiskVersion
from wizard.tui.environment.editor import EnvEditor

if TYPE_CHECKING:
    from textual.app import App

    from wizard.core.common.state import WizardState
    from wizard.core.environment.engine import Report


@dataclass
class Buffer:
    """An open file: its editor, and what is on disk (to save it back exactly and detect conflicts)."""

    relpath: str
    editor: EnvEditor | None  # None when the file cannot be edited as text
    version: DiskVersion
    newline: str = "\n"
    bom: bool = False
    saved_text: str = ""
    problems: tuple[Diagnostic, ...] = field(default=())  # why it cannot be edited

    @property
    def dirty(self) -> bool:
        return self.editor is not None and self.editor.text != self.saved_text

    def disk_text(self) -> str:
        """The text as it would be written: the file's own line endings and BOM."""
        text = self.editor.text if self.editor is not None else self.saved_text
        return ("\ufeff" if self.bom else "") + file_store.to_disk(text, self.newline)

    def replace_text(self, disk_text: str) -> None:
        """Replace the editor's whole text as one undoable edit; line endings and BOM follow the new text."""
        self.bom = disk_text.startswith("\ufeff")
        body = disk_text.removeprefix("\ufeff")
        if "\n" in body or "\r" in body:
            self.newline = file_store.detect_newline(body)
        self.editor.replace(file_store.to_editor(body), (0, 0), self.editor.document.end)


class OpenFiles:
    """The project's open files by relative path. `serial` goes up with every edit, save or change on disk
    (an analysis is up to date when it saw the current serial). `unsaved` is the App's
    `WizardState.unsaved_files`, which Quit asks about."""

    def __init__(self, project: Path, unsaved: set[str]) -> None:
        self.project = project
        self.unsaved = unsaved
        self.buffers: dict[str, Buffer] = {}
        self.serial = 0

    def get(self, relpath: str | None) -> Buffer | None:
        return self.buffers.get(relpath or "")

    def of_editor(self, editor: object) -> Buffer | None:
        return next((buffer for buffer in self.buffers.values() if buffer.editor is editor), None)

    def dirty(self) -> list[Buffer]:
        return [buffer for buffer in self.buffers.values() if buffer.dirty]

    def overrides(self) -> dict[str, str]:
        """The unsaved texts, as the analysis takes them."""
        return {buffer.relpath: buffer.disk_text() for buffer in self.dirty()}

    def note_unsaved(self, buffer: Buffer) -> bool:
        """Record whether `buffer` has unsaved edits; True when that changed."""
        dirty = buffer.dirty  # joins the editor's lines: once per keystroke is enough
        if dirty == (buffer.relpath in self.unsaved):
            return False
        if dirty:
            self.unsaved.add(buffer.relpath)
        else:
            self.unsaved.discard(buffer.relpath)
        return True

    async def close(self, relpath: str) -> None:
        """Forget the file and remove its editor (it is opened afresh the next time)."""
        buffer = self.buffers.pop(relpath, None)
        self.unsaved.discard(relpath)
        if buffer is not None and buffer.editor is not None:
            await buffer.editor.remove()


class StepOneScreen(Protocol):
    """What FileSaver, FixApplier and FileCreator use of the Environment screen."""

    files: OpenFiles
    state: WizardState  # the project and the user's config
    current: str | None  # the file shown on the right
    analysis: Report | None

    @property
    def app(self) -> App: ...

    def notify(self, message: str, *, title: str = "", **kwargs) -> None: ...

    async def open_file(self, relpath: str, line: int | None = None, column: int | None = None,
                        highlight: bool = False) -> None: ...

    async def open_text(self, buffer: Buffer, text: str) -> None: ...

    def buffer_changed(self, buffer: Buffer) -> None: ...

    def validate_now(self) -> None: ...

    def disk_changed(self) -> None: ...
