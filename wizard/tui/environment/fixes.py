"""Step 1: one-key fixes, previewed as a diff and applied in the editor as one undoable edit."""

from __future__ import annotations

from wizard.core.common.diagnostics import Diagnostic
from wizard.core.common.safe_text import safe_text, strip_control
from wizard.core.environment import file_store
from wizard.core.environment.validators import Fix, fix_for
from wizard.tui.common.choice_dialog import ConfirmDialog
from wizard.tui.environment.buffer import Buffer, StepOneScreen


class FixApplier:
    def __init__(self, screen: StepOneScreen) -> None:
        self.screen = screen

    def offer_fix(self, buffer: Buffer, diagnostics: list[Diagnostic], highlighted: Diagnostic | None) -> None:
        """Preview the fix for `buffer`'s problem (see `fix_target`) and apply it if the user agrees.
        `diagnostics` must be those of the text in the editor now: line numbers must match."""
        target = fix_target(buffer, diagnostics, highlighted)
        if target is None:
            self.screen.notify("No automatic fix for the problems in this file.", markup=False)
            return
        diagnostic, fix = target
        before = buffer.disk_text()
        try:
            after = fix.apply(before)
        except Exception as error:  # a bug in one fix must not cost the user their edits
            self.screen.notify(safe_text(f"This fix failed ({type(error).__name__}); nothing was changed."),
                               severity="error", markup=False)
            return
        if after == before:
            self.screen.notify("The fix changes nothing here.", markup=False)
            return
        diff = file_store.diff_lines(before, after, buffer.relpath, f"{buffer.relpath} (fixed)")

        def confirmed(apply: bool | None) -> None:
            if apply and buffer.disk_text() == before:
                buffer.replace_text(after)
                self.screen.buffer_changed(buffer)
                self.screen.notify(f"Fixed: {fix.title.rstrip('.')}. Ctrl+Z undoes it; Ctrl+S saves.", markup=False)

        question = ConfirmDialog(f"Fix: {fix.title}", diagnostic.message, yes="Apply fix", diff=diff,
                                 note="The change is made in the editor; save with Ctrl+S. Ctrl+Z undoes it.",
                                 focus_yes=True)
        self.screen.app.push_screen(question, confirmed)

    def offer_control_code_removal(self, buffer: Buffer) -> None:
        """A file not opened because it holds terminal control codes: preview removing them (whole escape
        sequences, line by line so an unterminated one cannot swallow the lines after it), then open the
        clean text in the editor as an unsaved edit; the file changes only when the user saves."""
        before = buffer.saved_text
        after = "\n".join(strip_control(line) for line in before.split("\n"))
        diff = file_store.diff_lines(before, after, buffer.relpath, f"{buffer.relpath} (control codes removed)")

        async def confirmed(apply: bool | None) -> None:
            if not apply or self.screen.files.get(buffer.relpath) is not buffer:
                return
            await self.screen.open_text(buffer, after)
            self.screen.notify("Control codes removed in the editor. Check the text, then save with Ctrl+S.",
                               markup=False)

        question = ConfirmDialog("Remove the invisible control codes?", buffer.problems[0].message,
                                 yes="Remove them", diff=diff,
                                 note="The clean text opens in the editor; the file changes when you save (Ctrl+S).",
                                 focus_yes=True)
        self.screen.app.push_screen(question, confirmed)


def fix_target(buffer: Buffer, diagnostics: list[Diagnostic],
               highlighted: Diagnostic | None) -> tuple[Diagnostic, Fix] | None:
    """The highlighted problem if it has a fix; else the first fixable one on the cursor's line; else the
    first fixable one in the file."""
    candidates = [(d, fix) for d in diagnostics if (fix := fix_for(d)) is not None]
    if not candidates:
        return None
    for d, fix in candidates:
        if d is highlighted:
            return d, fix
    row = buffer.editor.cursor_location[0] + 1
    return next(((d, fix) for d, fix in candidates if d.line == row), candidates[0])
