"""A unified diff shown with colours, from `wizard.core.environment.file_store.diff_lines` (text is never markup)."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from wizard.tui.common.visible import visible


def diff_content(lines: list[str]) -> Content:
    styled = []
    for line in lines:
        if line.startswith(("+++", "---")):
            style = "bold $text-muted"
        elif line.startswith("@@"):
            style = "$primary"
        elif line.startswith("+"):
            style = "$text-success on $success-muted"
        elif line.startswith("-"):
            style = "$text-error on $error-muted"
        elif line.startswith("Line endings"):
            style = "bold $warning"
        else:
            style = ""
        styled.append(Content.styled(visible(line.expandtabs(4)), style))  # a diff of a file shows its codes
    return Content("\n").join(styled) if styled else Content.styled("(no change)", "$text-muted")


class DiffView(Static):
    def __init__(self, lines: list[str], **kwargs) -> None:
        super().__init__(diff_content(lines), **kwargs)
        self.lines = lines
