"""Why the build failed, in plain words, with the fix and (when known) the file and line to change."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Static

from wizard.core.binderhub import HubProblem
from wizard.core.triage import Finding


def where(finding: Finding) -> str:
    if finding.file and finding.line:
        return f"{finding.file} line {finding.line}"
    return finding.file or ""


class TriagePanel(Vertical):
    DEFAULT_CSS = """
    TriagePanel { height: auto; }
    TriagePanel #triage-text { height: auto; }
    TriagePanel Horizontal { height: auto; margin-top: 1; }
    TriagePanel Button { margin-right: 1; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.findings: list[Finding] = []

    def compose(self) -> ComposeResult:
        yield Static(id="triage-text")
        with Horizontal():
            yield Button("Fix in step 1 (g)", id="goto-fix", compact=True, variant="warning")
            yield Button("Launch again (ctrl+l)", id="relaunch", compact=True)

    @property
    def fix_target(self) -> Finding | None:
        """The first finding that points at a file in the project."""
        return next((f for f in self.findings if f.file), None)

    def show(self, problem: HubProblem | None, findings: list[Finding]) -> None:
        self.findings = list(findings)
        parts = []
        if problem is not None:
            parts.append(Content.styled(f"✗ {problem.message}", "bold $text-error"))
            if problem.action and not findings:
                parts.append(Content(f"  What to do: {problem.action}"))
        for finding in findings:
            parts.append(Content.styled(f"• {finding.title}", "bold"))
            parts.append(Content(f"  {finding.explanation}"))
            spot = where(finding) if finding.file and finding.file not in finding.action else ""
            parts.append(Content.assemble(Content.styled("  What to do: ", "bold"), finding.action,
                                          f" ({spot})" if spot else ""))
        self.query_one("#triage-text", Static).update(Content("\n").join(parts))
        fix = self.fix_target
        button = self.query_one("#goto-fix", Button)
        button.display = fix is not None
        if fix is not None:
            button.label = f"Fix {where(fix)} in step 1 (g)"
