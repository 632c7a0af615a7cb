"""The problems found in the open file; Enter or a click jumps to the line and column."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from wizard.core.common.diagnostics import Diagnostic
from wizard.tui.common.visible import visible, visible_name

_RANK = {"error": 0, "warning": 1, "info": 2}
_MARK = {"error": ("✗", "bold $error"), "warning": ("!", "bold $warning"), "info": ("i", "$primary")}


def problem_prompt(diagnostic: Diagnostic, fixable: bool, one_file: bool = True) -> Content:
    mark, style = _MARK.get(diagnostic.severity, ("•", ""))
    where = "whole file" if one_file else visible_name(diagnostic.file) if diagnostic.file not in (".", "") else "project"
    if diagnostic.line:
        where = f"line {diagnostic.line}" if one_file else f"{where} line {diagnostic.line}"
    parts = [Content.styled(f"{mark} ", style), Content.styled(f"{where}: ", "$text-muted"),
             Content(visible(diagnostic.message))]
    if diagnostic.fix:
        parts.append(Content.styled(f"\n    → {visible(diagnostic.fix)}", "$text-muted"))
    if fixable:
        parts.append(Content.styled("  [Ctrl+F fixes this]", "bold $accent"))
    return Content.assemble(*parts)


class ProblemList(OptionList):
    @dataclass
    class Jump(Message):
        diagnostic: Diagnostic

    def __init__(self, **kwargs) -> None:
        super().__init__(markup=False, **kwargs)
        self.diagnostics: list[Diagnostic] = []

    def show(self, diagnostics: list[Diagnostic], has_fix: Callable[[Diagnostic], bool],
             scope: str = "this file") -> None:
        """Errors first, then warnings, then notes, each in line order."""
        diagnostics = sorted(diagnostics, key=lambda d: (_RANK.get(d.severity, 3), d.line or 0, d.column or 0))
        title = f"Problems in {scope} ({len(diagnostics)})" if diagnostics else f"No problems in {scope}"
        if title != self.border_title:
            self.border_title = title
        if diagnostics == self.diagnostics and self.option_count == len(diagnostics):
            return
        keep = self.highlighted
        self.diagnostics = list(diagnostics)
        self.set_options(Option(problem_prompt(d, has_fix(d), scope == "this file"), id=str(i)) for i, d in enumerate(diagnostics))
        if diagnostics:
            self.highlighted = min(keep or 0, len(diagnostics) - 1)

    @property
    def current(self) -> Diagnostic | None:
        if self.highlighted is None or not self.diagnostics:
            return None
        return self.diagnostics[self.highlighted]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Jump(self.diagnostics[event.option_index]))
