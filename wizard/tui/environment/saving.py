"""Step 1: saving safely (a file changed or deleted by another program shows the difference and asks), and
following files changed on disk."""

from __future__ import annotations

from enum import Enum
from typing import Callable

from wizard.core.common.safe_text import safe_text
from wizard.core.environment import file_store
from wizard.core.environment.file_store import DiskVersion, SaveConflict
from wizard.tui.common.choice_dialog import ChoiceDialog
from wizard.tui.common.visible import control_lines
from wizard.tui.environment.buffer import Buffer, StepOneScreen


class Conflict(Enum):
    """What to do when the file changed on disk since it was opened."""

    OVERWRITE = "overwrite"
    RELOAD = "reload"  # take the version on disk


class FileSaver:
    def __init__(self, screen: StepOneScreen) -> None:
        self.screen = screen
        self.files = screen.files

    def save(self, buffer: Buffer, then: Callable[[], object] | None = None,
             expected: DiskVersion | None = None) -> bool:
        """Save one buffer; on a conflict, show the difference and ask. Returns True when saved now."""
        text = buffer.editor.text
        try:
            buffer.version = file_store.save(self.files.project, buffer.relpath, text,
                                             expected=expected or buffer.version, newline=buffer.newline,
                                             bom=buffer.bom)
        except SaveConflict as conflict:
            self._ask_about_conflict(buffer, conflict, then)
            return False
        except (OSError, ValueError) as error:  # ValueError: text that cannot be UTF-8 (lone surrogates)
            self.screen.notify(safe_text(f"Could not save {buffer.relpath}: {error}"), title="Not saved",
                               severity="error", markup=False)
            return False
        buffer.saved_text = text
        self.files.serial += 1
        self.screen.buffer_changed(buffer)
        self.screen.notify(f"Saved {buffer.relpath}", markup=False)
        self.screen.validate_now()
        self.screen.disk_changed()
        if then is not None:
            then()
        return True

    def save_all(self, buffers: list[Buffer], then: Callable[[], object]) -> None:
        """Save one after the other; a conflict asks, and the rest continue once it is resolved."""
        if not buffers:
            then()
            return
        first, rest = buffers[0], buffers[1:]
        self.save(first, then=lambda: self.save_all(rest, then))

    def _ask_about_conflict(self, buffer: Buffer, conflict: SaveConflict, then) -> None:
        mine = buffer.disk_text()
        if conflict.disk is None:
            question = ChoiceDialog(
                f"{buffer.relpath} was deleted", "Another program deleted this file after you opened it.",
                [(Conflict.OVERWRITE, "Save my version", "warning")])
        else:
            disk, _ = file_store.decode(conflict.disk, buffer.relpath)
            question = ChoiceDialog(
                f"{buffer.relpath} changed on disk",
                "Another program changed this file after you opened it. Here is how your version differs "
                "from the one on disk now:",
                [(Conflict.OVERWRITE, "Save my version over it", "warning"),
                 (Conflict.RELOAD, "Use the version on disk", "primary")],
                diff=file_store.diff_lines(disk if disk is not None else "(not text)", mine, "on disk now",
                                           "your version"))

        def chosen(answer: Conflict | None) -> None:
            if answer is Conflict.OVERWRITE:
                self.save(buffer, then, expected=DiskVersion.of(conflict.disk))
            elif answer is Conflict.RELOAD:
                self._take_disk_version(buffer, conflict.disk)

        self.screen.app.push_screen(question, chosen)

    def _take_disk_version(self, buffer: Buffer, data: bytes) -> None:
        """Load what is on disk into the editor as one undoable edit (Ctrl+Z brings the user's text back)."""
        text, problems = file_store.decode(data, buffer.relpath)
        if text is None:
            self.screen.notify(problems[0].message if problems else "The file on disk is not text.", markup=False)
            return
        if control_lines(text):  # never into a TextArea: it would send them to the terminal raw
            self.screen.notify("The file on disk holds invisible control codes, so it was not loaded. Your "
                               "version stays in the editor.", severity="warning", markup=False)
            return
        buffer.version = DiskVersion.of(data)
        buffer.newline = file_store.detect_newline(text)
        buffer.bom = data.startswith(b"\xef\xbb\xbf")
        buffer.saved_text = file_store.to_editor(text)
        buffer.editor.replace(buffer.saved_text, (0, 0), buffer.editor.document.end)
        self.screen.buffer_changed(buffer)

    async def follow_disk(self) -> None:
        """Files without unsaved edits follow the disk (e.g. after a git operation in step 2); files with
        unsaved edits are left alone: saving them will show the difference and ask."""
        serial = self.files.serial
        await self._follow_disk()
        if self.files.serial != serial:
            self.screen.disk_changed()

    async def _follow_disk(self) -> None:
        for buffer in list(self.files.buffers.values()):
            if buffer.dirty:
                continue
            try:
                data = file_store.read_bytes(self.files.project / buffer.relpath)
            except OSError:  # e.g. now a named pipe: opened afresh below, as what it is now
                data, readable = None, False
            else:
                readable = True
                if DiskVersion.of(data) == buffer.version:
                    continue
            self.files.serial += 1
            text = file_store.decode(data, buffer.relpath)[0] if data is not None else None
            if readable and text is not None and buffer.editor is not None and not control_lines(text):
                self._take_disk_version(buffer, data)
                continue
            # Deleted, unreadable, or now holding control codes: open it afresh (the right view for it).
            await self.files.close(buffer.relpath)
            if buffer.relpath == self.screen.current:
                await self.screen.open_file(buffer.relpath)
