"""What the editor area shows when there is no file to edit.

* `MissingFileView`: a file Binder would read but that does not exist yet: its purpose, when to use it,
  the template, and buttons to create it.
* `StartView`: the project has no environment file at all: a clear call to action.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static

from wizard.core.environment.envfiles import FileInfo
from wizard.tui.common.visible import visible, visible_name


class MissingFileView(VerticalScroll):
    @dataclass
    class Create(Message):
        relpath: str
        variant: str | None = None  # a FileInfo.variants label: write that template instead

    def compose(self) -> ComposeResult:
        yield Static(id="missing-title", classes="view-title")
        # The buttons first (they must show at 80x24), compact so that three fit beside the file list.
        with Horizontal(classes="view-buttons"):
            yield Button("Create", id="create", variant="primary", compact=True)
            yield Button("In binder/", id="create-in-binder", compact=True, tooltip="Create it in a new binder/ folder")
            yield Button("Create the variant", id="create-variant", compact=True)
        yield Static(id="missing-purpose")
        yield Static(id="missing-when", classes="view-muted")
        yield Static(id="missing-template-label", classes="view-label")
        yield Static(id="missing-template", classes="template-preview")

    def show(self, relpath: str, info: FileInfo, offer_binder_folder: bool) -> None:
        self.relpath = relpath
        self.binder_relpath = f"binder/{info.name}"
        self.query_one("#missing-title", Static).update(
            Content.assemble((visible_name(relpath), "bold"), (f" — {visible_name(info.title)}", "bold $text-muted"), " (does not exist yet)"))
        self.query_one("#missing-purpose", Static).update(Content(visible(info.purpose)))
        self.query_one("#missing-when", Static).update(Content.assemble(
            ("When to use it: ", "bold"), visible(info.when),
            *((("\nA public example: ", "bold"), info.example) if info.example else ())))
        has_template = info.template is not None
        template = info.template if has_template else info.how_to_create
        self.query_one("#missing-template", Static).update(Content(visible(template.rstrip("\n")) or "(an empty file)"))
        self.query_one("#missing-template-label", Static).update(
            "The template (you can edit it after creating the file):" if has_template else "How to create it:")
        create = self.query_one("#create", Button)
        create.label = "Create"  # the title names the file; three buttons must fit beside the file list
        create.display = has_template
        self.query_one("#create-in-binder", Button).display = has_template and offer_binder_folder
        variant = self.query_one("#create-variant", Button)
        variant.display = bool(info.variants)
        self.variant = info.variants[0][0] if info.variants else None
        if self.variant is not None:
            variant.label = Content(f"Create for {self.variant}")
        self.scroll_home(animate=False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "create-variant":
            self.post_message(self.Create(self.relpath, self.variant))
        else:
            self.post_message(self.Create(self.binder_relpath if event.button.id == "create-in-binder" else self.relpath))


class StartView(VerticalScroll):
    """Shown when Binder would find nothing to build."""

    @dataclass
    class Create(Message):
        name: str

    class FindImports(Message):
        """Ask for the packages the code imports (the Dependencies view)."""

    @dataclass
    class StartR(Message):
        """Write these files (path -> text): a dated runtime.txt and an install.R from the code."""

        files: dict[str, str]

    @dataclass
    class Languages(Message):
        """What the code is written in ("python", "r"), and the files an R start would write."""

        languages: set[str]
        r_files: dict[str, str]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.r_files: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Static("Binder needs an environment file", id="start-title", classes="view-title")
        yield Static(id="start-stops")
        # The buttons first: on a small terminal (80x24) they are what must be visible.
        with Horizontal(classes="view-buttons"):
            yield Button("Set up R (runtime.txt + install.R)", id="start-r", variant="primary")
        with Horizontal(classes="view-buttons"):
            yield Button("Make requirements.txt from my code's imports", id="start-imports", variant="primary")
        with Horizontal(classes="view-buttons"):
            yield Button("Create requirements.txt", id="start-requirements", name="requirements.txt")
            yield Button("Create environment.yml", id="start-environment", name="environment.yml")
        yield Static(
            "An environment file tells Binder which software your notebooks need. Without one, "
            "mybinder.org refuses to build the project. Most projects need just one file:"
        )
        yield Static(
            "• requirements.txt — Python packages installed with pip. The simplest choice: the first "
            "button lists the packages your notebooks and code import, with their versions.\n"
            "• environment.yml — conda packages: use it when you need non-Python libraries "
            "(GDAL, R, compilers) or already use conda.\n\n"
            "Add a runtime.txt next to requirements.txt to choose the Python version. Every other "
            "file Binder reads is listed on the left: select one to see what it is for.",
            classes="view-muted", id="start-python-help",
        )
        yield Static(
            "• runtime.txt — for R, one line like r-4.5-YYYY-MM-DD: the R version and the date of the CRAN "
            "snapshot your packages come from (binder-wizard fills in a recent date).\n"
            "• install.R — the R packages to install (install.packages(...)); the first button writes it from "
            "the library(), require() and pkg:: calls in your code.",
            classes="view-muted", id="start-r-help",
        )

    def on_mount(self) -> None:
        self.query_one("#start-stops").display = False
        self.show_languages(set())
        self._find_languages(self.screen.state.project)

    @work(thread=True, exclusive=True, exit_on_error=False, group="start-languages")
    def _find_languages(self, project: Path) -> None:
        from wizard.core.environment.deps.r_code import project_languages, r_start_files
        from wizard.core.environment.deps.scan import scan_project

        scan = scan_project(project)
        languages = project_languages(scan)
        self.post_message(self.Languages(languages, r_start_files(project, scan=scan) if "r" in languages else {}))

    def on_start_view_languages(self, message: Languages) -> None:
        message.stop()
        self.r_files = message.r_files
        self.show_languages(message.languages)

    def show_languages(self, languages: set[str]) -> None:
        """R code gets the R start first; Python's stays (second) when the code is both, alone otherwise."""
        r_code = "r" in languages
        python = "python" in languages or not r_code
        self.query_one("#start-r").parent.display = r_code
        self.query_one("#start-r-help").display = r_code
        imports = self.query_one("#start-imports", Button)
        imports.parent.display = python
        imports.variant = "default" if r_code else "primary"
        self.query_one("#start-python-help").display = python

    def show_stops(self, stops: int) -> None:
        """With problems that stop the build (e.g. a folder named environment.yml), say those come first."""
        self.query_one("#start-title", Static).update(
            "Binder cannot build this project yet" if stops else "Binder needs an environment file")
        stops_text = self.query_one("#start-stops", Static)
        stops_text.display = bool(stops)
        stops_text.update(Content.styled(
            "Fix the problem listed below first (it stops the build)." if stops == 1 else
            "Fix the problems listed below first (they stop the build).", "bold $error"))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "start-imports":
            self.post_message(self.FindImports())
        elif event.button.id == "start-r":
            self.post_message(self.StartR(dict(self.r_files)))
        else:
            self.post_message(self.Create(str(event.button.name)))
