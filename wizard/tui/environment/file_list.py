"""The list of every file repo2docker reads: used (with problem badges), ignored (with why), or missing.

Option ids are the files' relative paths; selecting one posts OptionList.OptionSelected as usual.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from wizard.core.environment.envfiles import FileEntry
from wizard.tui.common.visible import visible_name


_HEADINGS = {
    "used": "Used by Binder",
    "ignored": "Present but ignored",
    "missing": "Add a file (template)",
}


def _prompt(entry: FileEntry) -> Content:
    name = visible_name(entry.relpath)
    unsaved = Content.styled(" *", "bold $warning") if entry.unsaved else Content("")
    if entry.status == "missing":
        suggested = entry.notes or entry.errors or entry.warnings
        return Content.assemble(("+ ", "$text-muted"), (name, "" if suggested else "$text-muted"),
                                ("  suggested" if suggested else "", "italic $accent"))
    if entry.status == "ignored":
        return Content.assemble(("– ", "$text-muted"), (name, "$text-muted strike"), unsaved,
                                ("\n  " + _ignored_reason(entry.reason), "$text-muted italic"))
    badges: list[Content] = []
    if entry.errors:
        badges.append(Content.styled(f"✗{entry.errors}", "bold $error"))
    if entry.warnings:
        badges.append(Content.styled(f"!{entry.warnings}", "$warning"))
    badge = Content(" ").join(badges) if badges else Content.styled("✓", "$success")
    return Content.assemble(("● ", "$success"), (name, "bold"), unsaved, "  ", badge)


def _ignored_reason(reason: str) -> str:
    """The detector's reason, said once: some already start with "ignored" ("ignored: ignored: ..." before)."""
    reason = visible_name(reason)
    return reason if reason.lower().startswith("ignored") else f"ignored: {reason}"


class FileList(OptionList):
    """Grouped by status; keeps the highlighted file when refreshed."""

    def __init__(self, **kwargs) -> None:
        super().__init__(markup=False, **kwargs)
        self.entries: dict[str, FileEntry] = {}

    def on_mount(self) -> None:
        self.border_subtitle = "↑↓ · Enter opens"  # what the keys do, where the focus is

    def show(self, entries: list[FileEntry]) -> None:
        if entries == list(self.entries.values()):
            return
        keep = self.highlighted_option.id if self.highlighted_option is not None else None
        self.entries = {entry.relpath: entry for entry in entries}
        options: list[Option | None] = []
        for status in ("used", "ignored", "missing"):
            group = [entry for entry in entries if entry.status == status]
            if not group:
                continue
            if options:
                options.append(None)
            options.append(Option(Content.styled(_HEADINGS[status], "bold $text-accent"), disabled=True))
            options.extend(Option(_prompt(entry), id=entry.relpath) for entry in group)
        self.set_options(options)
        if keep in self.entries:
            self.highlight(keep)

    def highlight(self, relpath: str) -> None:
        try:
            self.highlighted = self.get_option_index(relpath)
        except Exception:  # OptionDoesNotExist: the file is not listed (e.g. a stray path from a build log)
            pass
