"""Step 1: saving safely (a file changed or deleted by another program shows the difference and asks),
following files changed on disk, and asking before unsaved edits are left behind. Mixed into EnvironmentScreen."""

from __future__ import annotations

from wizard.core.environment import file_store
from wizard.core.environment.file_store import DiskVersion, SaveConflict
from wizard.core.common.safe_text import safe_text
from wizard.tui.common.choice_dialog import ChoiceDialog
from wizard.tui.environment.buffer import Buffer
from wizard.tui.common.visible import control_lines


class SavingFiles:
    """Needs the screen's `state`, `buffers`, `current`, `analysis`, `_edit_serial`, `open_file`, `validate_now`,
    `_mark_unsaved` and `_show_title` (and StepScreen's `STEP` and `Navigate`)."""

    def action_save(self) -> None:
        buffer = self.buffers.get(self.current or "")
        if buffer is None or buffer.editor is None:
            self.notify("No file open to save.")
            return
        self.save(buffer)

    def save(self, buffer: Buffer, then=None, expected: DiskVersion | None = None) -> bool:
        """Save one buffer; on a conflict, show the difference and ask. Returns True when saved now."""
        text = buffer.editor.text
        try:
            buffer.version = file_store.save(self.state.project, buffer.relpath, text,
                                        expected=expected or buffer.version, newline=buffer.newline, bom=buffer.bom)
        except SaveConflict as conflict:
            self._ask_about_conflict(buffer, conflict, then)
            return False
        except (OSError, ValueError) as error:  # ValueError: text that cannot be UTF-8 (lone surrogates)
            self.notify(safe_text(f"Could not save {buffer.relpath}: {error}"), title="Not saved",
                        severity="error", markup=False)
            return False
        buffer.saved_text = text
        self._edit_serial += 1
        self._mark_unsaved(buffer)
        self._show_title()
        self.notify(f"Saved {buffer.relpath}", markup=False)
        self.validate_now()
        if then is not None:
            then()
        return True

    def _ask_about_conflict(self, buffer: Buffer, conflict: SaveConflict, then) -> None:
        mine = buffer.disk_text()
        if conflict.disk is None:
            question = ChoiceDialog(
                f"{buffer.relpath} was deleted", "Another program deleted this file after you opened it.",
                [("overwrite", "Save my version", "warning"), ("cancel", "Cancel", "default")])
        else:
            disk, _ = file_store.decode(conflict.disk, buffer.relpath)
            question = ChoiceDialog(
                f"{buffer.relpath} changed on disk",
                "Another program changed this file after you opened it. Here is how your version differs "
                "from the one on disk now:",
                [("overwrite", "Save my version over it", "warning"),
                 ("reload", "Use the version on disk", "primary"), ("cancel", "Cancel", "default")],
                diff=file_store.diff_lines(disk if disk is not None else "(not text)", mine, "on disk now", "your version"))

        def chosen(answer: str | None) -> None:
            if answer == "overwrite":
                self.save(buffer, then, expected=DiskVersion.of(conflict.disk))
            elif answer == "reload":
                self._take_disk_version(buffer, conflict.disk)

        self.app.push_screen(question, chosen)

    def _take_disk_version(self, buffer: Buffer, data: bytes) -> None:
        """Load what is on disk into the editor as one undoable edit (Ctrl+Z brings the user's text back)."""
        text, problems = file_store.decode(data, buffer.relpath)
        if text is None:
            self.notify(problems[0].message if problems else "The file on disk is not text.", markup=False)
            return
        if control_lines(text):  # never into a TextArea: it would send them to the terminal raw
            self.notify("The file on disk holds invisible control codes, so it was not loaded. Your version "
                        "stays in the editor.", severity="warning", markup=False)
            return
        buffer.version = DiskVersion.of(data)
        buffer.newline = file_store.detect_newline(text)
        buffer.bom = data.startswith(b"\xef\xbb\xbf")
        buffer.saved_text = file_store.to_editor(text)
        buffer.editor.replace(buffer.saved_text, (0, 0), buffer.editor.document.end)
        self._mark_unsaved(buffer)
        self._show_title()

    async def _follow_files_changed_on_disk(self) -> None:
        """Files without unsaved edits follow the disk (e.g. after a git operation in step 2); files with
        unsaved edits are left alone: saving them will show the difference and ask."""
        for buffer in list(self.buffers.values()):
            if buffer.dirty:
                continue
            data = file_store.read_bytes(self.state.project / buffer.relpath)
            if DiskVersion.of(data) == buffer.version:
                continue
            self._edit_serial += 1
            text = file_store.decode(data, buffer.relpath)[0] if data is not None else None
            if text is not None and buffer.editor is not None and not control_lines(text):
                self._take_disk_version(buffer, data)
                continue
            # Deleted, unreadable, or now holding control codes: open it afresh (the right view for it).
            del self.buffers[buffer.relpath]
            if buffer.editor is not None:
                await buffer.editor.remove()
            if buffer.relpath == self.current:
                await self.open_file(buffer.relpath)

    # ------------------------------------------------------------------ leaving

    def action_next_step(self) -> None:
        self._leave_to(self.STEP + 1)

    def action_previous_step(self) -> None:
        self._leave_to(self.STEP - 1)

    def _leave_to(self, step: int) -> None:
        """Ask first when edits are unsaved."""
        dirty = [buffer for buffer in self.buffers.values() if buffer.dirty]
        if not dirty:
            self._go(step)
            return
        names = ", ".join(buffer.relpath for buffer in dirty)
        question = ChoiceDialog(
            "Save your changes first?",
            f"Not saved yet: {names}. The next steps publish and build the files as they are on disk.",
            [("save", "Save and continue", "primary"), ("leave", "Continue without saving", "warning"),
             ("stay", "Keep editing", "default")])

        def chosen(answer: str | None) -> None:
            if answer == "leave":
                self._go(step)
            elif answer == "save":
                self._save_all(dirty, lambda: self._go(step))

        self.app.push_screen(question, chosen)

    def _go(self, step: int) -> None:
        """Move on; going forward while Binder's build would fail says so (without stopping the user)."""
        failing = self._files_with_errors() if step > self.STEP else []
        if failing:
            self.notify(f"Binder's build would stop on the errors in {', '.join(failing)}. You can publish "
                        "anyway, but fix them (back in step 1; Ctrl+F fixes many) before launching.",
                        title="Errors remain", severity="warning", timeout=10, markup=False)
        self.post_message(self.Navigate(step))

    def _files_with_errors(self) -> list[str]:
        if self.analysis is None:
            return []
        found = dict.fromkeys(d.file for d in self.analysis.diagnostics if d.severity == "error")
        return ["the project" if path in (".", "") else path for path in found]

    def _save_all(self, buffers: list[Buffer], then) -> None:
        """Save one after the other; a conflict asks, and the rest continue once it is resolved."""
        if not buffers:
            then()
            return
        first, rest = buffers[0], buffers[1:]
        self.save(first, then=lambda: self._save_all(rest, then))
