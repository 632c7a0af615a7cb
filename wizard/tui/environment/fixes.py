"""Step 1: one-key fixes, previewed as a diff and applied in the editor as one undoable edit.
Mixed into EnvironmentScreen."""

from __future__ import annotations

from wizard.core.environment import file_store
from wizard.core.environment.engine import analyse
from wizard.core.common.safe_text import safe_text, strip_control
from wizard.core.environment.validators import fix_for
from wizard.tui.common.choice_dialog import ChoiceDialog
from wizard.tui.environment.buffer import Buffer
from wizard.tui.environment.problems import ProblemList


class ApplyingFixes:
    """Needs the screen's `state`, `buffers`, `current`, `is_up_to_date`, `_apply`, `_overrides`,
    `_mark_unsaved` and `_show_title`."""

    def action_fix(self) -> None:
        buffer = self.buffers.get(self.current or "")
        if buffer is not None and buffer.editor is None and any(p.code == "control-characters" for p in buffer.problems):
            self._remove_control_codes(buffer)
            return
        if buffer is None or buffer.editor is None:
            self.notify("Open a file with a problem first.")
            return
        if not self.is_up_to_date:  # line numbers must match the text the fix is applied to
            self._apply(self._edit_serial, analyse(self.state.project, self._overrides()))
        target = self._fix_target(buffer)
        if target is None:
            self.notify("No automatic fix for the problems in this file.", markup=False)
            return
        diagnostic, fix = target
        before = buffer.disk_text()
        try:
            after = fix.apply(before)
        except Exception as error:  # a bug in one fix must not cost the user their edits
            self.notify(safe_text(f"This fix failed ({type(error).__name__}); nothing was changed."),
                        severity="error", markup=False)
            return
        if after == before:
            self.notify("The fix changes nothing here.", markup=False)
            return
        diff = file_store.diff_lines(before, after, buffer.relpath, f"{buffer.relpath} (fixed)")

        def confirmed(answer: str | None) -> None:
            if answer == "apply" and buffer.disk_text() == before:
                self._replace_text(buffer, after)
                self.notify(f"Fixed: {fix.title.rstrip('.')}. Ctrl+Z undoes it; Ctrl+S saves.", markup=False)

        question = ChoiceDialog(f"Fix: {fix.title}", diagnostic.message,
                                [("apply", "Apply fix", "primary"), ("cancel", "Cancel", "default")], diff=diff,
                                note="The change is made in the editor; save with Ctrl+S. Ctrl+Z undoes it.",
                                focus="apply")
        self.app.push_screen(question, confirmed)

    def _remove_control_codes(self, buffer: Buffer) -> None:
        """A file not opened because it holds terminal control codes: preview removing them (whole escape
        sequences, line by line so an unterminated one cannot swallow the lines after it), then open the
        clean text in the editor as an unsaved edit; the file changes only when the user saves."""
        before = buffer.saved_text
        after = "\n".join(strip_control(line) for line in before.split("\n"))
        diff = file_store.diff_lines(before, after, buffer.relpath, f"{buffer.relpath} (control codes removed)")

        async def confirmed(answer: str | None) -> None:
            if answer != "apply" or self.buffers.get(buffer.relpath) is not buffer:
                return
            del self.buffers[buffer.relpath]
            self.buffers[buffer.relpath] = await self._mount_editor(buffer.relpath, after, Buffer(
                buffer.relpath, None, buffer.version, buffer.newline, buffer.bom, buffer.saved_text))
            self._edit_serial += 1
            await self.open_file(buffer.relpath)
            self._mark_unsaved(self.buffers[buffer.relpath])
            self.validate_now()
            self.notify("Control codes removed in the editor. Check the text, then save with Ctrl+S.",
                        markup=False)

        question = ChoiceDialog("Remove the invisible control codes?", buffer.problems[0].message,
                                [("apply", "Remove them", "primary"), ("cancel", "Cancel", "default")], diff=diff,
                                note="The clean text opens in the editor; the file changes when you save (Ctrl+S).",
                                focus="apply")
        self.app.push_screen(question, confirmed)

    def _fix_target(self, buffer: Buffer):
        """The highlighted problem if it has a fix; else the first fixable one on the cursor's line; else
        the first fixable one in the file."""
        problems = self.query_one(ProblemList)
        candidates = [(d, fix_for(d)) for d in problems.diagnostics]
        candidates = [(d, fix) for d, fix in candidates if fix is not None]
        if not candidates:
            return None
        current = problems.current
        if current is not None:
            for d, fix in candidates:
                if d is current:
                    return d, fix
        row = buffer.editor.cursor_location[0] + 1
        return next(((d, fix) for d, fix in candidates if d.line == row), candidates[0])

    def _replace_text(self, buffer: Buffer, disk_text: str) -> None:
        """Replace the whole text as one undoable edit; line endings and BOM follow the new text."""
        buffer.bom = disk_text.startswith("\ufeff")
        body = disk_text.removeprefix("\ufeff")
        if "\n" in body or "\r" in body:
            buffer.newline = file_store.detect_newline(body)
        editor = buffer.editor
        editor.replace(file_store.to_editor(body), (0, 0), editor.document.end)
        self._mark_unsaved(buffer)
        self._show_title()
