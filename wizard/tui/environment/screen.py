"""Step 1: Environment — which files Binder will use, and editing them with live validation.

Layout: the "What Binder will build" panel on top (always visible); below it the file list on the left
and, on the right, the editor (or a missing file's template, or the call to action) above the list of
problems in the open file.

Flow: every edit marks the file unsaved and (re)starts a short timer; when typing pauses, a thread
worker analyses the project with the unsaved texts as overrides, so the panel follows edits before they
are saved. Each analysis carries a serial number and only the newest result is shown (latest edit wins);
typing never waits for it. File I/O goes through `wizard.core.environment.file_store` (atomic, conflict-checked).
After each save, InstallChecker (install_check.py) checks in another thread that everything installs on Binder;
its findings join the analysis's (see `findings`).

This module wires the widgets, the analysis, opening files and leaving the step. The flows live beside it
in objects the screen holds: FileCreator (creating.py: new files, binder/ folder, dependencies), FixApplier
(fixes.py: one-key fixes) and FileSaver (saving.py: saving, conflicts, following the disk). They share the
screen's OpenFiles (buffer.py) and use only what buffer.StepOneScreen lists.

Length: with those flows split out, what remains (about 600 lines) is the message handling that ties the
editor, the panel, the file list and the analysis together; splitting it further would only pass the same
state between more modules.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import ContentSwitcher, OptionList, Static, TextArea

from wizard.core.environment import file_store
from wizard.core.environment.detection import ROOT_ONLY_FILES
from wizard.core.environment.engine import Report, analyse
from wizard.core.environment.envfiles import file_entries, file_info
from wizard.core.common.diagnostics import Diagnostic
from wizard.core.environment.validators import fix_for
from wizard.tui.common.choice_dialog import ChoiceDialog
from wizard.tui.common.step_screen import StepScreen
from wizard.tui.environment.buffer import Buffer, OpenFiles
from wizard.tui.environment.converting import LockConverter, conversion_target, is_conversion
from wizard.tui.environment.creating import FileCreator
from wizard.tui.environment.fixes import FixApplier, has_install_fix
from wizard.tui.environment.install_check import InstallChecker
from wizard.tui.environment.saving import FileSaver
from wizard.tui.environment.build_panel import BuildPanel
from wizard.tui.environment.editor import EnvEditor
from wizard.tui.environment.file_list import FileList
from wizard.tui.environment.missing_file import MissingFileView, StartView
from wizard.tui.environment.problems import ProblemList
from wizard.tui.common.visible import control_lines, visible, visible_name

HELP = """\
Binder installs your project's software from a few **environment files**. This screen shows which
files Binder will use, which it will ignore (and why), and checks them as you type.

**The files**

- `requirements.txt` — Python packages, installed with pip. One per line, e.g. `pandas==2.2.3`.
- `runtime.txt` — the Python version, e.g. `python-3.12` (one line, nothing else).
- `environment.yml` — conda packages, for non-Python libraries or if you already use conda. If it
  exists, Binder **ignores** `requirements.txt` and `runtime.txt`: pin Python inside it
  (`- python=3.12`) and list pip packages under `- pip:`.
- `apt.txt` — Ubuntu system packages, one name per line.
- `postBuild` — a shell script run once at the end of the build (downloads, extensions).
- `start` — a script run every time a session starts; it must end with `exec "$@"`.
- `install.R` + a `runtime.txt` like `r-2024-06-01` — R packages.
- `Dockerfile` — full control; Binder then ignores every other file. A last resort.

If a `binder/` (or `.binder/`) folder exists, Binder reads files **only** from it and ignores the
ones at the top of the project.

**Pin versions.** Write `package==1.2.3`, not just `package`: the build then gives the same result
next year. Pin Python too (runtime.txt or `python=3.12`); otherwise Binder uses its default
(Python 3.10 today), which changes over time.

**Data.** Small data (under 10 MB): keep it in the repository. Tens to hundreds of MB: do not
commit it; download it during the build from `postBuild`, one line per file:
`wget -q -O name url`. `Ctrl+O` does that for a file over 10 MB: you give the public URL where you put
it; binder-wizard checks it and shows the postBuild and .gitignore changes first (your copy stays).
Larger data: read or stream it from where it lives while the notebook runs.

**Network.** A Binder session can only reach the web over HTTP(S) and git. FTP does not work.

**Privacy.** mybinder.org is public and every launch is logged publicly. Never put passwords, API
keys, tokens or personal data in the repository, in notebook outputs or in downloaded data.

**Keys.** `Ctrl+S` saves the open file. `Ctrl+F` previews the automatic fix for the selected
problem (Esc cancels; `Ctrl+Z` undoes an applied fix). `Ctrl+G` jumps to the next problem.
Select a problem and press Enter to jump to its line. `Ctrl+R` compares the packages your
notebooks and code import with your requirements file and offers to add what is missing. `Tab`
moves between the file list, the editor and the problems.
"""


class Leaving(Enum):
    """Leaving the step with unsaved edits."""

    SAVE = "save"  # save them, then go
    WITHOUT_SAVING = "leave"


class EnvironmentScreen(StepScreen):
    STEP = 1
    HELP = HELP
    CSS_PATH = "environment.tcss"

    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("ctrl+f", "fix", "Fix"),
        Binding("ctrl+g", "next_problem", "Next problem", show=False),  # in the help; keeps 80 columns
        Binding("ctrl+r", "dependencies", "Dependencies"),
        Binding("ctrl+o", "move_data", "Data out", show=False),  # in the help; issue 17
    ]

    # Pause in typing before the files are analysed again (seconds).
    VALIDATION_DELAY: ClassVar[float] = 0.25
    # Switched off only by benchmarks/bench_typing.py, to measure what live validation costs.
    live_validation: ClassVar[bool] = True

    @dataclass
    class Analysed(Message):
        serial: int
        analysis: Report

    def __init__(self, state) -> None:
        super().__init__(state)
        self.files = OpenFiles(state.project, state.unsaved_files)
        self.analysis: Report | None = None
        self.current: str | None = None  # relpath shown on the right (open or missing)
        self._shown_serial = -1  # files.serial of the analysis on screen
        self._timer: Timer | None = None
        self._editor_ids = 0
        self._footer_state: tuple[bool, bool] | None = None
        self.saver = FileSaver(self)
        self.fixer = FixApplier(self)
        self.creator = FileCreator(self)
        self.installer = InstallChecker(self)
        self.converter = LockConverter(self)  # Ctrl+F on a lock Binder ignores

    @property
    def buffers(self) -> dict[str, Buffer]:
        return self.files.buffers

    # ------------------------------------------------------------------ layout

    def compose_body(self) -> ComposeResult:
        yield BuildPanel(id="build-panel")
        with Horizontal(id="env-main"):
            yield FileList(id="file-list")
            with Vertical(id="env-work"):
                yield Static(id="editor-title")
                with ContentSwitcher(id="editor-area"):
                    yield StartView(id="start")
                    yield MissingFileView(id="missing")
                    yield Static(id="unreadable")
                yield ProblemList(id="problems")

    def on_mount(self) -> None:
        self.query_one("#file-list", FileList).border_title = "Files Binder reads"
        self._apply(self.files.serial, analyse(self.state.project, {}))
        self.call_later(self._open_first_file)
        self._find_big_data(open_dialog=False)  # a hint when the project holds data over 10 MB

    async def _open_first_file(self) -> None:
        if self.current is not None:  # e.g. step 3 already asked for a file and line
            return
        detection = self.analysis.detection
        first = next((path for path in detection.files_used if (self.state.project / path).is_file()), None) or \
            next((d.file for d in self.analysis.diagnostics if is_conversion(d)), None)  # only a lock: show it
        if first is not None:
            await self.open_file(first, highlight=True)
        else:
            self._show_start()

    async def on_screen_resume(self) -> None:
        if self.analysis is None:
            return
        await self.saver.follow_disk()
        self.validate_now()
        if self.state.goto_file is not None:
            relpath, line = self.state.goto_file
            self.state.goto_file = None
            await self.open_file(relpath, line=line, highlight=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("fix", "save") and self.analysis is None:
            return None
        if action == "fix":
            problems = self.query_one(ProblemList)
            return True if any(map(self._has_fix, problems.diagnostics)) else None
        if action == "save":
            return True if self._current_editor() is not None else None
        return super().check_action(action, parameters)

    def notify(self, message: str, *, title: str = "", **kwargs) -> None:
        """Every notification of this step names files: their names may hold control codes."""
        super().notify(visible(message), title=visible(title), **kwargs)

    def on_unmount(self) -> None:
        self.installer.stop()  # no timer fires and no uv runs for a screen that is gone

    @staticmethod
    def _has_fix(diagnostic: Diagnostic) -> bool:
        return diagnostic.code == CONTROL_CODES or fix_for(diagnostic) is not None or has_install_fix(diagnostic) \
            or is_conversion(diagnostic)

    # ------------------------------------------------------------------ analysis

    def validate_now(self) -> None:
        """Analyse the project with the current unsaved texts, in a thread (the newest result wins)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._analyse_in_thread(self.files.serial, self.files.overrides())

    @work(thread=True, exclusive=True, exit_on_error=False, group="env-analysis")
    def _analyse_in_thread(self, serial: int, overrides: dict[str, str]) -> None:
        self.post_message(self.Analysed(serial, analyse(self.state.project, overrides)))

    def on_environment_screen_analysed(self, message: Analysed) -> None:
        if message.serial >= self._shown_serial:
            self._apply(message.serial, message.analysis)

    @property
    def is_up_to_date(self) -> bool:
        """True when the problems shown are those of the text in the editors now."""
        return self._shown_serial == self.files.serial

    def _apply(self, serial: int, analysis: Report) -> None:
        self._shown_serial = serial
        self.analysis = analysis
        self._show_panel()
        self._refresh_file_list()
        self._refresh_problems()

    def findings(self) -> tuple[Diagnostic, ...]:
        """The analysis's findings and the install check's (those whose file has no unsaved edits)."""
        unsaved = {buffer.relpath for buffer in self.files.dirty()}
        return self.installer.joined(self.analysis.diagnostics, unsaved)

    def _show_panel(self, layout: bool = True) -> None:
        findings = self.findings()
        errors = sum(d.severity == "error" for d in findings)
        warnings = sum(d.severity == "warning" for d in findings)
        self.query_one(BuildPanel).show(self.analysis.detection, errors, warnings, bool(self.files.dirty()),
                                        self.installer.line, layout=layout)

    def disk_changed(self) -> None:
        """A file was saved, created or moved: check again that everything installs on Binder."""
        self.installer.schedule()

    def install_changed(self, layout: bool = True) -> None:
        """The install check started, moved on (`layout` False: only the spinner turned) or finished."""
        if self.analysis is None:
            return
        if layout:
            self._apply(self._shown_serial, self.analysis)
        else:
            self._show_panel(layout=False)

    def on_install_checker_checked(self, message: InstallChecker.Checked) -> None:
        if self.installer.take(message):
            self.install_changed()

    def _refresh_file_list(self) -> None:
        unsaved = {buffer.relpath for buffer in self.files.dirty()}
        with_install = replace(self.analysis, diagnostics=self.installer.joined(self.analysis.diagnostics, unsaved))
        self.query_one(FileList).show(file_entries(self.state.project, with_install, unsaved))

    def _refresh_problems(self) -> None:
        problems = self.query_one(ProblemList)
        buffer = self.files.get(self.current)
        if self.current is None:  # nothing open: what is wrong with the project as a whole
            # A listed file's problems show when it is opened; a folder or a broken link with a file's name
            # cannot be opened, so its problems belong here (else: "✗ 1 error" above, "No problems" here).
            listed = self.query_one(FileList).entries
            diagnostics = [d for d in self.findings()
                           if d.file not in listed or not (self.state.project / d.file).is_file()]
            # Stops other than "no environment file" (which the start view is about) come first.
            self.query_one(StartView).show_stops(
                sum(stop.code != "no-environment" for stop in self.analysis.detection.errors))
        else:
            diagnostics = [d for d in self.findings() if d.file == self.current]
        if buffer is not None and buffer.editor is None:  # why it is not open first, then what Binder finds
            codes = {problem.code for problem in buffer.problems}
            diagnostics = list(buffer.problems) + [d for d in diagnostics if d.code not in codes]
        problems.show(diagnostics, self._has_fix, "this file" if self.current else "the project")
        footer_state = (any(map(self._has_fix, diagnostics)), self._current_editor() is not None)
        if footer_state != self._footer_state:  # Save and Fix are dimmed when they cannot act
            self._footer_state = footer_state
            self.refresh_bindings()
        if buffer is not None and buffer.editor is not None:
            buffer.editor.show_problems(diagnostics)

    # ------------------------------------------------------------------ editing

    @on(TextArea.Changed)
    def _edited(self, event: TextArea.Changed) -> None:
        buffer = self.files.of_editor(event.text_area)
        if buffer is None:
            return
        self.files.serial += 1
        if self.files.note_unsaved(buffer):  # once per keystroke: only what the first edit changes
            self._show_title()
            if self.analysis is not None:
                self._refresh_file_list()
        if self.live_validation:
            if self._timer is not None:
                self._timer.stop()
            self._timer = self.set_timer(self.VALIDATION_DELAY, self.validate_now)

    def buffer_changed(self, buffer: Buffer) -> None:
        """A buffer's text, line endings or saved text changed other than by typing (a fix, a save, a reload)."""
        if self.files.note_unsaved(buffer) and self.analysis is not None:
            self._refresh_file_list()
        self._show_title()

    def _show_title(self) -> None:
        title = self.query_one("#editor-title", Static)
        if self.current is None:
            title.update(Content.styled("No file open", "$text-muted"))
            return
        parts = [Content.styled(visible_name(self.current), "bold")]
        buffer = self.files.get(self.current)
        entry = self.query_one(FileList).entries.get(self.current)
        if buffer is None:
            parts.append(Content.styled("not created yet", "$text-muted"))
        else:
            if buffer.dirty:
                parts.append(Content.styled("unsaved — Ctrl+S saves", "bold $warning"))
            if buffer.newline != "\n":
                parts.append(Content.styled(f"{file_store.newline_name(buffer.newline)} line endings", "$text-muted"))
        if entry is not None and entry.status == "ignored":
            parts.append(Content.styled("ignored by Binder", "$warning"))
        title.update(Content("  ·  ").join(parts))

    def action_save(self) -> None:
        buffer = self.files.get(self.current)
        if buffer is None or buffer.editor is None:
            self.notify("No file open to save.")
            return
        self.saver.save(buffer)

    def action_fix(self) -> None:
        problems = self.query_one(ProblemList)
        lock = conversion_target(problems.current, problems.diagnostics, self._has_fix)
        if lock is not None:  # even for a lock too large for the editor
            self.converter.offer(lock)
            return
        buffer = self.files.get(self.current)
        if buffer is not None and buffer.editor is None and any(p.code == CONTROL_CODES for p in buffer.problems):
            self.fixer.offer_control_code_removal(buffer)
            return
        if buffer is None or buffer.editor is None:
            self.notify("Open a file with a problem first.")
            return
        if not self.is_up_to_date:  # line numbers must match the text the fix is applied to
            self._apply(self.files.serial, analyse(self.state.project, self.files.overrides()))
        problems = self.query_one(ProblemList)
        self.fixer.offer_fix(buffer, problems.diagnostics, problems.current)

    def action_dependencies(self) -> None:
        self.creator.compare_dependencies()

    def action_move_data(self) -> None:
        self._find_big_data(open_dialog=True)

    @dataclass
    class BigData(Message):
        files: list[tuple[str, int]]
        open_dialog: bool

    @work(thread=True, exclusive=True, exit_on_error=False, group="env-big-data")
    def _find_big_data(self, open_dialog: bool) -> None:
        """The files over 10 MB git would commit (a listing and a stat each: no file is read)."""
        from wizard.core.publish.data_move import big_files
        from wizard.core.publish.file_listing_adapter import committable_files

        self.post_message(self.BigData(big_files(self.state.project, committable_files(self.state.project)),
                                       open_dialog))

    def on_environment_screen_big_data(self, message: BigData) -> None:
        from wizard.tui.publish.data_move_dialog import DataMoveDialog

        if message.open_dialog and message.files:
            self.app.push_screen(DataMoveDialog(self.state.project, message.files))
        elif message.open_dialog:
            self.notify("No file over 10 MB here: small data can stay in the repository.", markup=False)
        elif message.files:
            path, size = message.files[0]
            more = f" (and {len(message.files) - 1} more)" if len(message.files) > 1 else ""
            self.notify(f"{path} is {size / 1e6:,.0f} MB{more}: data that big is better downloaded while Binder "
                        "builds. Ctrl+O moves it out of the repository (you see every change first).",
                        title="Big data", timeout=10, markup=False)

    # ------------------------------------------------------------------ opening files

    @on(OptionList.OptionSelected, "#file-list")
    async def _file_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            await self.open_file(event.option.id)

    async def open_file(self, relpath: str, line: int | None = None, column: int | None = None,
                        highlight: bool = False) -> None:
        """Show `relpath`: its editor (opened on first use), or its template when it does not exist.
        `highlight` also selects it in the file list."""
        if not self._inside_project(relpath):  # e.g. a path quoted from a build log
            self.notify(f"{relpath} is not a file of this project.", severity="warning", markup=False)
            return
        self.current = relpath
        switcher = self.query_one("#editor-area", ContentSwitcher)
        buffer = self.files.get(relpath)
        if buffer is None and (self.state.project / relpath).is_file():
            buffer = await self._open_buffer(relpath)
        if buffer is None and os.path.lexists(self.state.project / relpath):  # a folder, a broken link...
            self.query_one("#unreadable", Static).update(Content.assemble(
                (visible_name(relpath), "bold"), " is not a file, so it cannot be edited here. Binder expects a "
                "file with this name: rename or remove what is there (the problems below say more)."))
            switcher.current = "unreadable"
        elif buffer is None:
            self._show_missing(relpath)
        elif buffer.editor is None:
            self.query_one("#unreadable", Static).update(_unreadable_text(buffer))
            switcher.current = "unreadable"
        else:
            switcher.current = buffer.editor.id
            if line is not None:
                self._jump(buffer.editor, line, column)
            buffer.editor.focus()
        self._show_title()
        if self.analysis is not None:
            self._refresh_problems()
        if highlight:
            self.query_one(FileList).highlight(relpath)

    async def open_text(self, buffer: Buffer, text: str) -> None:
        """Open `buffer`'s file in a new editor holding `text` instead of what is on disk: an unsaved edit
        (the file changes when it is saved)."""
        relpath = buffer.relpath
        await self.files.close(relpath)
        self.files.buffers[relpath] = await self._mount_editor(relpath, text, Buffer(
            relpath, None, buffer.version, buffer.newline, buffer.bom, buffer.saved_text))
        self.files.serial += 1
        await self.open_file(relpath)
        self.buffer_changed(self.files.buffers[relpath])
        self.validate_now()

    def _inside_project(self, relpath: str) -> bool:
        if not relpath or Path(relpath).is_absolute():
            return False
        root = self.state.project.resolve()
        return (root / relpath).resolve().is_relative_to(root) or ".." not in Path(relpath).parts

    async def _open_buffer(self, relpath: str) -> Buffer:
        loaded = file_store.load(self.state.project, relpath)
        if loaded.text is None:
            buffer = Buffer(relpath, None, loaded.version, problems=loaded.problems)
        elif control_lines(loaded.text):  # a TextArea would send them to the terminal raw
            buffer = Buffer(relpath, None, loaded.version, loaded.newline, loaded.bom, loaded.text,
                            problems=(control_codes_problem(relpath, loaded.text),))
        else:
            buffer = await self._mount_editor(relpath, loaded.text, Buffer(
                relpath, None, loaded.version, loaded.newline, loaded.bom, loaded.text))
        self.files.buffers[relpath] = buffer
        return buffer

    async def _mount_editor(self, relpath: str, text: str, buffer: Buffer) -> Buffer:
        """`buffer` with an editor holding `text` (its saved_text stays what is on disk)."""
        self._editor_ids += 1
        buffer.editor = EnvEditor.for_file(Path(relpath).name, text, id=f"editor-{self._editor_ids}")
        await self.query_one("#editor-area", ContentSwitcher).mount(buffer.editor)
        return buffer

    def _show_missing(self, relpath: str) -> None:
        info = file_info(Path(relpath).name, self.analysis.detection)
        in_root = "/" not in relpath
        offer_binder = in_root and self.analysis.detection.binder_dir == "" and info.name not in ROOT_ONLY_FILES
        self.query_one(MissingFileView).show(relpath, info, offer_binder)
        self.query_one("#editor-area", ContentSwitcher).current = "missing"

    def _show_start(self) -> None:
        self.current = None
        self.query_one("#editor-area", ContentSwitcher).current = "start"
        self._show_title()
        self._refresh_problems()

    def _jump(self, editor: EnvEditor, line: int, column: int | None) -> None:
        row = max(0, min(line - 1, editor.document.line_count - 1))
        col = max(0, (column or 1) - 1)
        editor.move_cursor((row, min(col, len(editor.document.get_line(row)))), center=True)
        editor.focus()

    @on(ProblemList.Jump)
    async def _jump_to_problem(self, event: ProblemList.Jump) -> None:
        found = event.diagnostic
        if found.file != self.current and (self.state.project / found.file).is_file():
            await self.open_file(found.file, found.line, found.column)  # a project-wide problem's file
            return
        buffer = self.files.get(found.file)
        if buffer is not None and buffer.editor is not None and found.line is not None:
            self._jump(buffer.editor, found.line, found.column)

    def action_next_problem(self) -> None:
        problems = self.query_one(ProblemList)
        if not problems.diagnostics:
            self.notify("No problems in this file.")
            return
        editor = self._current_editor()
        row = editor.cursor_location[0] + 1 if editor is not None else 0
        with_lines = [d for d in problems.diagnostics if d.line is not None]
        target = next((d for d in with_lines if d.line > row), with_lines[0] if with_lines else None)
        if target is None:
            problems.focus()
            return
        problems.highlighted = problems.diagnostics.index(target)
        if editor is not None:
            self._jump(editor, target.line, target.column)

    def _current_editor(self) -> EnvEditor | None:
        buffer = self.files.get(self.current)
        return buffer.editor if buffer is not None else None

    # ------------------------------------------------------------------ creating files

    @on(StartView.Create)
    async def _start_create(self, event: StartView.Create) -> None:
        await self.creator.create_file(self.analysis.detection.config_path + event.name)

    @on(MissingFileView.Create)
    async def _missing_create(self, event: MissingFileView.Create) -> None:
        await self.creator.create_file(event.relpath, event.variant)

    @on(StartView.FindImports)
    def _find_imports(self) -> None:
        self.creator.compare_dependencies()

    @on(StartView.StartR)
    def _start_r(self, event: StartView.StartR) -> None:
        self.creator.start_r(event.files)

    # ------------------------------------------------------------------ leaving

    def action_next_step(self) -> None:
        self._leave_to(self.STEP + 1)

    def action_previous_step(self) -> None:
        self._leave_to(self.STEP - 1)

    def _leave_to(self, step: int) -> None:
        """Ask first when edits are unsaved."""
        dirty = self.files.dirty()
        if not dirty:
            self._go(step)
            return
        names = ", ".join(buffer.relpath for buffer in dirty)
        question = ChoiceDialog(
            "Save your changes first?",
            f"Not saved yet: {names}. The next steps publish and build the files as they are on disk.",
            [(Leaving.SAVE, "Save and continue", "primary"), (Leaving.WITHOUT_SAVING, "Continue without saving",
                                                               "warning")],
            cancel="Keep editing")

        def chosen(answer: Leaving | None) -> None:
            if answer is Leaving.WITHOUT_SAVING:
                self._go(step)
            elif answer is Leaving.SAVE:
                self.saver.save_all(dirty, lambda: self._go(step))

        self.app.push_screen(question, chosen)

    def _go(self, step: int) -> None:
        """Move on; going forward while Binder's build would fail says so (without stopping the user)."""
        failing = self._files_with_errors() if step > self.STEP else []
        if failing:
            self.notify(f"Binder's build would stop on the errors in {', '.join(failing)}. You can publish "
                        "anyway, but fix them (back in step 1; Ctrl+F fixes many) before launching.",
                        title="Errors remain", severity="warning", timeout=10, markup=False)
        self.post_message(self.Navigate(step))

    def _files_with_errors(self) -> list[str]:
        if self.analysis is None:
            return []
        found = dict.fromkeys(d.file for d in self.findings() if d.severity == "error")
        return ["the project" if path in (".", "") else path for path in found]

CONTROL_CODES = "control-characters"
_MAX_CONTROL_LINES_SHOWN = 8


def control_codes_problem(relpath: str, text: str) -> Diagnostic:
    """Why a file holding terminal control codes is not opened in the editor."""
    lines = control_lines(text)
    where = f"Line {lines[0]}" if len(lines) == 1 else (
        "Lines " + ", ".join(map(str, lines[:10])) + (f" and {len(lines) - 10} more" if len(lines) > 10 else ""))
    return Diagnostic(relpath, lines[0], None, "error", CONTROL_CODES,
                      f"{where} hold{'s' * (len(lines) == 1)} invisible control codes (terminal escapes, shown as "
                      "\\x1b). A terminal would act on them instead of showing them, so the file is not opened "
                      "for editing.", "Ctrl+F removes them; you see the change first.")


def _unreadable_text(buffer: Buffer) -> Content:
    """The view of a file that is not opened in the editor: why, and for control codes, the lines written visibly."""
    title = Content.assemble((visible_name(buffer.relpath), "bold"), " cannot be edited here")
    if not any(problem.code == CONTROL_CODES for problem in buffer.problems):
        reasons = "\n".join(f"{p.message} {p.fix or ''}".rstrip() for p in buffer.problems)
        return Content.assemble(title, ".\n\n", visible(reasons))
    lines = buffer.saved_text.split("\n")
    numbers = control_lines(buffer.saved_text)
    parts = [title, ": these lines hold invisible control codes, written here as \\x1b and the like.\n"]
    for number in numbers[:_MAX_CONTROL_LINES_SHOWN]:
        parts.append(Content.assemble((f"\n{number:>5} │ ", "$text-muted"),
                                      visible(lines[number - 1].replace("\t", "    "))[:200]))
    if len(numbers) > _MAX_CONTROL_LINES_SHOWN:
        parts.append(Content.styled(f"\n      … and {len(numbers) - _MAX_CONTROL_LINES_SHOWN} more lines",
                                    "$text-muted"))
    parts.append(Content.styled("\n\nCtrl+F removes them (you see the change first).", "bold"))
    return Content.assemble(*parts)
