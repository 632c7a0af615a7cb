"""An open file of step 1: its editor, and what is on disk (to save it back exactly and detect conflicts)."""

from __future__ import annotations

from dataclasses import dataclass, field

from wizard.core.environment import file_store
from wizard.core.common.diagnostics import Diagnostic
from wizard.core.environment.file_store import DiskVersion
from wizard.tui.environment.editor import EnvEditor


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
