"""Why the build failed, in plain words, with the fix and (when known) the file and line to change."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Button

from wizard.core.launch.build_events import HubProblem
from wizard.core.launch.triage import Finding
from wizard.tui.common.action_panel import ActionPanel


def where(finding: Finding) -> str:
    if finding.file and finding.line:
        return f"{finding.file} line {finding.line}"
    return finding.file or ""


class TriagePanel(ActionPanel):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.findings: list[Finding] = []

    def buttons(self) -> list[Button]:
        return [Button("Fix in step 1 (g)", id="goto-fix", compact=True, variant="warning"),
                Button("Launch again (ctrl+l)", id="relaunch", compact=True)]

    @property
    def fix_target(self) -> Finding | None:
        """The first finding that points at a file in the project."""
        return next((f for f in self.findings if f.file), None)

    def show(self, problem: HubProblem | None, findings: list[Finding]) -> None:
        self.findings = list(findings)
        parts = []
        if problem is not None:
            parts.append(Content.styled(f"✗ {problem.message}", "bold $text-error"))
            if problem.next_action and not findings:
                parts.append(Content(f"  What to do: {problem.next_action}"))
        for finding in findings:
            parts.append(Content.styled(f"• {finding.title}", "bold"))
            parts.append(Content(f"  {finding.explanation}"))
            spot = where(finding) if finding.file and finding.file not in finding.action else ""
            parts.append(Content.assemble(Content.styled("  What to do: ", "bold"), finding.action,
                                          f" ({spot})" if spot else ""))
        self.show_text(parts)
        fix = self.fix_target
        button = self.query_one("#goto-fix", Button)
        button.display = fix is not None
        if fix is not None:
            button.label = f"Fix {where(fix)} in step 1 (g)"
