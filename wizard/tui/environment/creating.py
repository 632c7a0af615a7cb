"""Step 1: creating files from templates (offering to move top-level files into a new binder/ folder), and
taking the packages the code imports into the requirements file."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from wizard.core.common.safe_text import safe_text
from wizard.core.environment import file_store
from wizard.core.environment.envfiles import file_info, hidden_root_files
from wizard.core.environment.file_store import ABSENT, SaveConflict
from wizard.tui.common.choice_dialog import ChoiceDialog
from wizard.tui.environment.buffer import StepOneScreen
from wizard.tui.environment.dependencies_dialog import DependenciesDialog


class NewFolder(Enum):
    """A new binder/ folder hides the top-level environment files: move them into it, or not."""

    MOVE = "move"
    CREATE = "create"  # without moving


class FileCreator:
    def __init__(self, screen: StepOneScreen) -> None:
        self.screen = screen
        self.files = screen.files

    async def create_file(self, relpath: str, variant: str | None = None) -> None:
        """Write the catalog's template to `relpath` and open it. A new binder/ folder hides the top-level
        environment files, so the user is warned first and offered to move them."""
        project = self.files.project
        folder = relpath.rpartition("/")[0]
        hidden = hidden_root_files(project) if folder and not (project / folder).is_dir() else []
        if not hidden:
            await self._write_template(relpath, variant)
            return
        unsaved = [path for path in hidden if (buffer := self.files.get(path)) is not None and buffer.dirty]
        question = ChoiceDialog(
            f"Create a {folder}/ folder?",
            f"Once {folder}/ exists, Binder reads environment files only from it and ignores these "
            f"files at the top of the project: {', '.join(hidden)}. Move them into {folder}/ so they keep "
            "working?" + (f"\n\nSave {', '.join(unsaved)} first to move it." if unsaved else ""),
            [(NewFolder.MOVE, f"Move them into {folder}/", "primary"),
             (NewFolder.CREATE, "Create without moving", "warning")],
        )

        async def chosen(answer: NewFolder | None) -> None:
            if answer is NewFolder.MOVE:
                if unsaved:
                    self.screen.notify(f"Save {', '.join(unsaved)} first.", severity="warning", markup=False)
                    return
                if not await self._move_into(hidden, folder):
                    return
            if answer is not None:
                await self._write_template(relpath, variant)

        self.screen.app.push_screen(question, chosen)

    async def _move_into(self, relpaths: list[str], folder: str) -> bool:
        try:
            moved = file_store.move_into(self.files.project, relpaths, folder)
        except (file_store.MoveConflict, OSError) as error:
            self.screen.notify(safe_text(f"Nothing was moved: {error}"), severity="error", markup=False)
            return False
        for relpath in relpaths:  # their editors point at the old place
            await self.files.close(relpath)
        self.screen.disk_changed()
        self.screen.notify(f"Moved into {folder}/: " + ", ".join(Path(p).name for p in moved), markup=False)
        return True

    async def _write_template(self, relpath: str, variant: str | None = None) -> None:
        info = file_info(Path(relpath).name, self.screen.analysis.detection)
        await self._create_and_open(relpath, dict(info.variants)[variant] if variant else info.template or "")

    async def _create_and_open(self, relpath: str, text: str) -> None:
        """Create `relpath` with `text` (never over an existing file: that one is opened instead) and open it."""
        try:
            file_store.save(self.files.project, relpath, text, expected=ABSENT)
        except SaveConflict:
            self.screen.notify(f"{relpath} already exists; opening it instead.", markup=False)
        except OSError as error:
            self.screen.notify(safe_text(f"Could not create {relpath}: {error}"), severity="error", markup=False)
            return
        self.files.serial += 1
        await self.screen.open_file(relpath, highlight=True)
        self.screen.validate_now()
        self.screen.disk_changed()

    # ------------------------------------------------------------------ R

    def start_r(self, files: dict[str, str]) -> None:
        """Show the R start's files (a dated runtime.txt, an install.R from the code) and write them if asked."""
        import difflib

        from wizard.tui.common.choice_dialog import ConfirmDialog

        project = self.files.project
        diff: list[str] = []
        for relpath, text in files.items():
            loaded = file_store.load(project, relpath) if (project / relpath).is_file() else None
            before = file_store.to_disk(loaded.text, loaded.newline) if loaded and loaded.text is not None else ""
            diff += list(difflib.unified_diff(before.splitlines(), text.splitlines(),
                                              f"a/{relpath}" if before else "/dev/null", f"b/{relpath}", lineterm=""))
        names = " and ".join(files)

        async def write(confirmed: bool | None) -> None:
            if confirmed:
                for relpath, text in files.items():
                    await self._take_dependencies(relpath, text)

        self.screen.app.push_screen(ConfirmDialog(
            f"Set up R with {names}?", "The date in runtime.txt picks the CRAN snapshot your R packages come "
            "from (two days ago: Binder's package mirror has it). Check install.R: it lists the packages your code "
            "loads.", yes="Write them", diff=diff, focus_yes=True), write)

    # ------------------------------------------------------------------ dependencies

    def compare_dependencies(self) -> None:
        """Compare what the code imports with the requirements file Binder uses (wizard.core.environment.deps)."""
        from wizard.core.environment.deps import declared_file

        project = self.files.project
        target = declared_file(project)
        path = target.path if target.path is not None else target.write_target
        if target.kind is None or path is None:
            self.screen.notify(target.note or "Binder does not take Python packages from a file here "
                               "(a Dockerfile or default.nix decides everything).", markup=False)
            return
        relpath = path.relative_to(project).as_posix()
        buffer = self.files.get(relpath)
        # An unsaved edit is what the user sees: compare that, and the result goes back into the editor.
        unsaved = file_store.to_disk(buffer.editor.text, buffer.newline) if buffer is not None and buffer.dirty \
            else None
        dialog = DependenciesDialog(project, relpath, target.kind == "requirements",
                                    self.screen.state.config.package_index, unsaved)

        async def chosen(new_texts: dict[str, str] | None) -> None:  # the dialog reads the files in its worker
            for changed, new_text in (new_texts or {}).items():  # the requirements file, maybe runtime.txt
                await self._take_dependencies(changed, new_text)

        self.screen.app.push_screen(dialog, chosen)

    async def _take_dependencies(self, relpath: str, new_text: str) -> None:
        """Into the editor as one undoable edit (saved with Ctrl+S); a file that did not exist is created."""
        if not (self.files.project / relpath).is_file():
            await self._create_and_open(relpath, new_text)
            return
        await self.screen.open_file(relpath)
        buffer = self.files.get(relpath)
        if buffer is not None and buffer.editor is not None:
            buffer.replace_text(("\ufeff" if buffer.bom else "") + new_text)
            self.screen.buffer_changed(buffer)
            self.screen.notify(f"{relpath} updated in the editor: check it, then save with Ctrl+S (Ctrl+Z "
                               "undoes it).", markup=False)
