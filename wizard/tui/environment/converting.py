"""Step 1: the one-key fix for a lock Binder ignores (issue 15). Ctrl+F on a `lock-ignored` or `lock-out-of-date`
finding converts the lock (wizard.core.environment.convert, in a worker: requirements.in runs uv), shows the
diff of every file it writes, and writes them when the user agrees: conflict-checked against what the diff
showed, never over unsaved edits, never through a link out of the project. The lock stays the source of truth.
"""

from __future__ import annotations

import asyncio

from wizard.core.common.diagnostics import Diagnostic
from wizard.core.common.safe_text import safe_text
from wizard.core.environment import file_store
from wizard.core.environment.convert.findings import CONVERT_CODES, OUT_OF_DATE
from wizard.tui.common.choice_dialog import ConfirmDialog
from wizard.tui.environment.buffer import StepOneScreen


def is_conversion(diagnostic: Diagnostic | None) -> bool:
    return diagnostic is not None and diagnostic.code in CONVERT_CODES


def conversion_target(highlighted: Diagnostic | None, diagnostics: list[Diagnostic],
                      other_fix) -> Diagnostic | None:
    """The finding Ctrl+F converts: the highlighted one, else the first one when no other problem has a fix."""
    if is_conversion(highlighted):
        return highlighted
    if any(other_fix(d) for d in diagnostics if not is_conversion(d)):
        return None
    return next((d for d in diagnostics if is_conversion(d)), None)


class LockConverter:
    def __init__(self, screen: StepOneScreen) -> None:
        self.screen = screen

    def offer(self, diagnostic: Diagnostic) -> None:
        source = self._source(diagnostic)
        if source is None:
            self.screen.notify("Cannot tell which lock this file was generated from.", markup=False)
            return
        self.screen.notify(f"Converting {source}…", markup=False)
        self.screen.run_worker(self._offer(source), group="convert-lock", exclusive=True, exit_on_error=False)

    def _source(self, diagnostic: Diagnostic) -> str | None:
        if diagnostic.code != OUT_OF_DATE:
            return diagnostic.file
        from wizard.core.environment.convert import generated_from

        buffer = self.screen.files.get(diagnostic.file)
        if buffer is not None:
            text = buffer.saved_text
        else:
            loaded = file_store.load(self.screen.files.project, diagnostic.file)
            text = loaded.text or ""
        made = generated_from(text)
        return made[0] if made else None

    async def _offer(self, source: str) -> None:
        from wizard.core.environment.convert import convert

        project = self.screen.files.project
        conversion = await asyncio.to_thread(convert, project, source,
                                             index_url=self.screen.state.config.package_index)
        if conversion.failed or not conversion.changes:
            words = " ".join(conversion.notes) if conversion.failed else \
                f"{', '.join(f.path for f in conversion.files)} already match {source}."
            self.screen.notify(safe_text(words), title=f"Not converted: {source}" if conversion.failed else
                               "Nothing to write", severity="error" if conversion.failed else "information",
                               markup=False, timeout=12)
            return
        changes = conversion.changes
        unsaved = [f.path for f in changes if (b := self.screen.files.get(f.path)) is not None and b.dirty]
        if unsaved:
            self.screen.notify(f"Save or undo your edits in {', '.join(unsaved)} first: converting {source} "
                               "rewrites it.", severity="warning", markup=False)
            return
        versions = {f.path: file_store.current_version(project, f.path) for f in changes}
        diff = [line for f in changes
                for line in file_store.diff_lines(f.before or "", f.content, f.path, f"{f.path} (from {source})")]
        count = len(changes)
        detail = (f"Binder does not read {source}; these files say the same thing in a form it does read. "
                  + " ".join(conversion.notes))

        async def confirmed(write: bool | None) -> None:
            if write:
                await self._write(source, changes, versions)

        self.screen.app.push_screen(ConfirmDialog(
            f"Convert {source}", detail, yes=f"Write {count} file{'s' if count != 1 else ''}", diff=diff,
            note="The lock stays the source of truth: after changing it, convert again (Ctrl+F).", focus_yes=True),
            confirmed)

    async def _write(self, source: str, changes, versions) -> None:
        project = self.screen.files.project
        written: list[str] = []
        for output in changes:
            try:
                file_store.save(project, output.path, output.content, expected=versions[output.path])
            except file_store.SaveConflict:
                self.screen.notify(f"{output.path} changed meanwhile, so it was not written; convert again.",
                                   severity="warning", markup=False)
                break
            except OSError as error:  # OutsideProject / CannotWrite say what happened and what to do
                message = getattr(error, "message", None) or f"Could not write {output.path}: {error}"
                self.screen.notify(safe_text(f"{message} {getattr(error, 'next_action', '')}".strip()),
                                   severity="error", markup=False)
                break
            written.append(output.path)
        if not written:
            return
        for path in written:  # an open file without unsaved edits is opened afresh with what is on disk now
            if self.screen.files.get(path) is not None:
                await self.screen.files.close(path)
        self.screen.files.serial += 1
        self.screen.validate_now()
        self.screen.disk_changed()
        await self.screen.open_file(written[0], highlight=True)
        self.screen.notify(f"Wrote {', '.join(written)} from {source}.", title="Converted", markup=False)
