"""The always-visible "What Binder will build" panel: repo2docker's verdict in plain words, and whether
everything installs on Binder (the "Installs" row, from install_check.py).

Everything shown comes from the project (file names, reasons quoting file contents), so it is built
as Content from plain strings and never parsed as markup.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from wizard.core.environment.first_look import folder_words
from wizard.core.environment.detection import Detection
from wizard.core.common.diagnostics import Diagnostic
from wizard.tui.common.visible import visible, visible_name
from wizard.tui.environment.install_check import InstallLine

_MAX_IGNORED_SHOWN = 4
_MAX_STOPS_SHOWN = 2
# Packs whose packages the install check resolves (pip and conda files); the others decide for themselves.
_CHECKED_PACKS = {"python", "conda", "pipfile", "r", "julia"}
_INSTALL_STYLE = {"ok": "$success", "failed": "bold $error", "skipped": "$text-muted", "checking": "$accent",
                  "waiting": "$text-muted"}


def _row(label: str, value: Content | str, style: str = "") -> Content:
    value = value if isinstance(value, Content) else Content.styled(value, style)
    return Content.assemble((f"{label:<9}", "bold $text-muted"), value)


def describe(detection: Detection, errors: int, warnings: int, unsaved: bool,
             install: InstallLine | None = None) -> Content:
    """The panel's text for a detection, the problem counts of all files and the install check's line."""
    lines: list[Content] = []
    if detection.buildpack is None or detection.errors:
        summary_style = "bold $error"  # repo2docker itself would stop
    else:
        summary_style = "bold $warning" if errors else "bold $success"
    lines.append(Content.styled(visible(detection.summary), summary_style))
    folder = folder_words(detection.binder_dir) or visible_name(detection.binder_dir)
    lines.append(_row("Reads", f"files in {folder}"))
    if detection.python_version:
        source = visible_name(detection.python_version_source or "default")
        lines.append(_row("Python", Content.assemble(
            (visible_name(detection.python_version), "bold"),
            (f" (from {source})" if source != "default" else " (the default: not pinned)",
             "$text-muted" if source != "default" else "$warning"),
        )))
    if detection.r_version:
        snapshot = f", packages as of {visible_name(detection.r_snapshot_date)}" if detection.r_snapshot_date else ""
        lines.append(_row("R", Content.assemble((visible_name(detection.r_version), "bold"), (snapshot, "$text-muted"))))
    if detection.julia_version:
        lines.append(_row("Julia", visible_name(detection.julia_version)))
    lines.append(_row("Uses", ", ".join(map(visible_name, detection.files_used)) or "nothing yet",
                      "" if detection.files_used else "$warning"))
    for path, reason in detection.files_ignored[:_MAX_IGNORED_SHOWN]:
        lines.append(_row("Ignores", Content.assemble((visible_name(path), "$text-muted strike"), (f" — {visible(reason.removeprefix('ignored: '))}", "$text-muted"))))
    hidden = len(detection.files_ignored) - _MAX_IGNORED_SHOWN
    if hidden > 0:
        lines.append(_row("", f"… and {hidden} more ignored file(s): see the file list", "$text-muted"))
    lines.append(_row("Status", _status(detection.errors, errors, warnings, unsaved)))
    if install is not None and detection.buildpack in _CHECKED_PACKS and not detection.errors:
        lines.append(_row("Installs", Content.assemble("on Binder: ", (visible(install.words),
                                                                       _INSTALL_STYLE.get(install.status, "")))))
    for stop in detection.errors[:_MAX_STOPS_SHOWN]:  # why the build would stop
        lines.append(_row("Stops", _stop_text(stop), "$error"))
    if len(detection.errors) > _MAX_STOPS_SHOWN:
        lines.append(_row("", f"… and {len(detection.errors) - _MAX_STOPS_SHOWN} more: see the file list",
                          "$text-muted"))
    return Content("\n").join(lines)


def _stop_text(stop: Diagnostic) -> str:
    """A project-wide stop in full; a file's stop as where + its first sentence (the list has the rest)."""
    if stop.file in (".", ""):
        return visible(stop.message)
    where = visible_name(f"{stop.file} line {stop.line}" if stop.line else stop.file)
    first = visible(stop.message).split(". ", 1)[0].rstrip(".")
    return f"{where}: {first}."


def _status(stops: tuple[Diagnostic, ...], errors: int, warnings: int, unsaved: bool) -> Content:
    parts: list[Content] = []
    if errors:
        parts.append(Content.styled(f"✗ {errors} error{'s' * (errors != 1)}", "bold $error"))
    if warnings:
        parts.append(Content.styled(f"! {warnings} warning{'s' * (warnings != 1)}", "$warning"))
    if not parts:
        parts.append(Content.styled("✓ no problems found", "$success"))
    if stops:
        parts.append(Content.styled("the build would stop", "bold $error"))
    if unsaved:
        parts.append(Content.styled("includes edits not saved yet", "italic $text-muted"))
    return Content("  ·  ").join(parts)


class BuildPanel(Static):
    """Shows `describe(...)`; the screen calls `show` after every analysis."""

    def on_mount(self) -> None:
        self.border_title = "What Binder will build"

    shown: Content | None = None

    def show(self, detection: Detection, errors: int, warnings: int, unsaved: bool,
             install: InstallLine | None = None, layout: bool = True) -> None:
        """`layout` False when only words within a line change (the spinner): no re-layout of the screen."""
        content = describe(detection, errors, warnings, unsaved, install)
        if content != self.shown:  # an update re-lays out the screen (the panel's height is auto)
            self.shown = content
            self.update(content, layout=layout)
