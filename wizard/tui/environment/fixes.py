"""Step 1: one-key fixes, previewed as a diff and applied in the editor as one undoable edit.

A fix edits the open file (the validators' fixes), or, for the install check's findings, possibly another
file: "add runtime.txt with python-3.12" changes runtime.txt (opened in the editor, or created when it does
not exist). A finding with two fixes ("pin pandas==2.3.3, or pin Python") asks which, showing both changes.
"""

from __future__ import annotations

from enum import Enum

from wizard.core.common.diagnostics import Diagnostic
from wizard.core.common.safe_text import safe_text, strip_control
from wizard.core.environment import file_store
from wizard.core.environment.install.fixes import FileFix, fixes_for
from wizard.core.environment.validators import fix_for
from wizard.tui.common.choice_dialog import ChoiceDialog, ConfirmDialog
from wizard.tui.environment.buffer import Buffer, StepOneScreen


class WhichFix(Enum):
    FIRST = "first-fix"
    SECOND = "second-fix"


def has_install_fix(diagnostic: Diagnostic) -> bool:
    return bool(fixes_for(diagnostic))


def _fixes(diagnostic: Diagnostic, relpath: str) -> list[FileFix]:
    """The fixes for a finding in the file `relpath`: the validator's (that file), else the install check's."""
    fix = fix_for(diagnostic)
    if fix is not None:
        return [FileFix(relpath, fix.title, fix.apply)]
    return fixes_for(diagnostic)[:len(WhichFix)]


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
        diagnostic, fixes = target
        changes = []  # (fix, before, after) for each fix that changes something
        for fix in fixes:
            before = self._text_of(fix.relpath, buffer)
            try:
                after = fix.apply(before)
            except Exception as error:  # a bug in one fix must not cost the user their edits
                self.screen.notify(safe_text(f"This fix failed ({type(error).__name__}); nothing was changed."),
                                   severity="error", markup=False)
                return
            if after != before:
                changes.append((fix, before, after))
        if not changes:
            self.screen.notify("The fix changes nothing here.", markup=False)
            return
        diff = [line for fix, before, after in changes
                for line in file_store.diff_lines(before, after, fix.relpath, f"{fix.relpath} (fixed)")]
        note = "The change is made in the editor; save with Ctrl+S. Ctrl+Z undoes it."
        if len(changes) == 1:
            fix, before, after = changes[0]

            async def confirmed(apply: bool | None) -> None:
                if apply:
                    await self._apply(buffer, fix, before, after)

            self.screen.app.push_screen(ConfirmDialog(f"Fix: {fix.title}", diagnostic.message, yes="Apply fix",
                                                      diff=diff, note=note, focus_yes=True), confirmed)
            return
        chosen_by = dict(zip(WhichFix, changes))

        async def chosen(answer: WhichFix | None) -> None:
            if answer is not None:
                await self._apply(buffer, *chosen_by[answer])

        question = ChoiceDialog("Fix: which one?", diagnostic.message,
                                [(which, fix.title[:1].upper() + fix.title[1:], "primary")
                                 for which, (fix, _, _) in chosen_by.items()],
                                diff=diff, note=note, focus=WhichFix.FIRST)
        self.screen.app.push_screen(question, chosen)

    def _text_of(self, relpath: str, buffer: Buffer) -> str:
        """The text a fix starts from: the editor's (as it would be saved), else the file's, else ""."""
        other = self.screen.files.get(relpath)
        if other is not None:
            return other.disk_text()
        loaded = file_store.load(self.screen.files.project, relpath) if (
            self.screen.files.project / relpath).is_file() else None
        return file_store.to_disk(loaded.text, loaded.newline) if loaded and loaded.text is not None else ""

    async def _apply(self, buffer: Buffer, fix: FileFix, before: str, after: str) -> None:
        """Into the editor as one undoable edit; a file that does not exist yet is created (and opened)."""
        title = fix.title.rstrip(".")
        if fix.relpath != buffer.relpath:
            project = self.screen.files.project
            if self.screen.files.get(fix.relpath) is None and not (project / fix.relpath).exists():
                try:
                    file_store.save(project, fix.relpath, after, expected=file_store.ABSENT)
                except (file_store.SaveConflict, OSError) as error:
                    self.screen.notify(safe_text(f"Could not create {fix.relpath}: {error}"), severity="error",
                                       markup=False)
                    return
                self.screen.files.serial += 1
                await self.screen.open_file(fix.relpath, highlight=True)
                self.screen.validate_now()
                self.screen.disk_changed()
                self.screen.notify(f"Fixed: {title}. {fix.relpath} is created.", markup=False)
                return
            await self.screen.open_file(fix.relpath, highlight=True)
            buffer = self.screen.files.get(fix.relpath)
            if buffer is None or buffer.editor is None:
                self.screen.notify(f"{fix.relpath} cannot be edited here; nothing was changed.", markup=False)
                return
        if buffer.disk_text() != before:
            self.screen.notify("The file changed meanwhile; nothing was changed.", markup=False)
            return
        buffer.replace_text(after)
        self.screen.buffer_changed(buffer)
        self.screen.notify(f"Fixed: {title}. Ctrl+Z undoes it; Ctrl+S saves.", markup=False)

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
               highlighted: Diagnostic | None) -> tuple[Diagnostic, list[FileFix]] | None:
    """The highlighted problem if it has a fix; else the first fixable one on the cursor's line; else the
    first fixable one in the file. With its fixes (one, or the install check's two ways out)."""
    candidates = [(d, fixes) for d in diagnostics if (fixes := _fixes(d, buffer.relpath))]
    if not candidates:
        return None
    for d, fix in candidates:
        if d is highlighted:
            return d, fix
    row = buffer.editor.cursor_location[0] + 1
    return next(((d, fix) for d, fix in candidates if d.line == row), candidates[0])
