"""The Publish step's file list: one checkbox per changed file; what the audit flags starts unchecked."""

from __future__ import annotations

from pathlib import PurePosixPath

from textual.content import Content
from textual.widgets.selection_list import Selection

from wizard.core.environment import ENVIRONMENT_FILES
from wizard.core.publish import FileChange
from wizard.core.common.safe_text import safe_text
from wizard.tui.common.check_list import CheckList

_ENV_NAMES = set(ENVIRONMENT_FILES)


def is_environment_file(path: str) -> bool:
    pure = PurePosixPath(path)
    return pure.name in _ENV_NAMES and (len(pure.parts) == 1 or pure.parts[0] in {"binder", ".binder"})


class PublishFileList(CheckList):
    """Environment files first, then the rest; flagged files unchecked with the audit's reason."""

    def show(self, changes: tuple[FileChange, ...], reasons: dict[str, str]) -> None:
        """Replace the rows, keeping the user's choices for files that are still listed."""
        previous = {value: value in self.selected for value in self._values} if self._values else {}
        self.clear_options()
        ordered = sorted((c for c in changes if c.status != "conflicted"),
                         key=lambda c: (not is_environment_file(c.path), c.path in reasons, c.path))
        selections = []
        for change in ordered:
            label = safe_text(change.path)
            tag = "environment" if is_environment_file(change.path) else change.status
            prompt = Content.assemble(label, "  ", (tag, "dim"))
            if change.path in reasons:
                prompt = Content.assemble(label, "  ", ("flagged", "bold $warning"))
            checked = previous.get(change.path, change.path not in reasons)
            selections.append(Selection(prompt, change.path, checked))
        self.add_options(selections)

    @property
    def chosen(self) -> list[str]:
        return sorted(self.selected)
