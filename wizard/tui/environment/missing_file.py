"""What the editor area shows when there is no file to edit.

* `MissingFileView`: a file Binder would read but that does not exist yet: its purpose, when to use it,
  the template, and buttons to create it.
* `StartView`: the project has no environment file at all: a clear call to action.
"""

from __future__ import annotations

from dataclasses import dataclass

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
        yield Static(id="missing-purpose")
        with Horizontal(classes="view-buttons"):
            yield Button("Create", id="create", variant="primary")
            yield Button("Create in binder/", id="create-in-binder")
            yield Button("Create the variant", id="create-variant")
        yield Static(id="missing-when", classes="view-muted")
        yield Static(id="missing-template-label", classes="view-label")
        yield Static(id="missing-template", classes="template-preview")

    def show(self, relpath: str, info: FileInfo, offer_binder_folder: bool) -> None:
        self.relpath = relpath
        self.binder_relpath = f"binder/{info.name}"
        self.query_one("#missing-title", Static).update(
            Content.assemble((visible_name(relpath), "bold"), (f" — {visible_name(info.title)}", "bold $text-muted"), " (does not exist yet)"))
        self.query_one("#missing-purpose", Static).update(Content(visible(info.purpose)))
        self.query_one("#missing-when", Static).update(Content.assemble(("When to use it: ", "bold"), visible(info.when)))
        has_template = info.template is not None
        template = info.template if has_template else info.how_to_create
        self.query_one("#missing-template", Static).update(Content(visible(template.rstrip("\n")) or "(an empty file)"))
        self.query_one("#missing-template-label", Static).update(
            "The template (you can edit it after creating the file):" if has_template else "How to create it:")
        create = self.query_one("#create", Button)
        create.label = Content(f"Create {visible_name(relpath)}")
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

    def compose(self) -> ComposeResult:
        yield Static("Binder needs an environment file", id="start-title", classes="view-title")
        yield Static(id="start-stops")
        yield Static(
            "An environment file tells Binder which software your notebooks need. Without one, "
            "mybinder.org refuses to build the project. Most projects need just one of these:"
        )
        with Horizontal(classes="view-buttons"):
            yield Button("Make requirements.txt from my code's imports", id="start-imports", variant="primary")
        with Horizontal(classes="view-buttons"):
            yield Button("Create requirements.txt", id="start-requirements", name="requirements.txt")
            yield Button("Create environment.yml", id="start-environment", name="environment.yml")
        yield Static(
            "• requirements.txt — Python packages installed with pip. The simplest choice: the first "
            "button lists the packages your notebooks and code import, with their versions.\n"
            "• environment.yml — conda packages: use it when you need non-Python libraries "
            "(GDAL, R, compilers) or already use conda.\n\n"
            "Add a runtime.txt next to requirements.txt to choose the Python version. Every other "
            "file Binder reads is listed on the left: select one to see what it is for.",
            classes="view-muted",
        )

    def on_mount(self) -> None:
        self.query_one("#start-stops").display = False

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
        else:
            self.post_message(self.Create(str(event.button.name)))
