"""What the steps share: the project folder and what earlier steps found out."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from wizard.core.common.config import Config


@dataclass
class WizardState:
    project: Path
    config: Config = field(default_factory=Config)
    # Set by step 2 after a verified push; step 3 launches exactly this commit.
    pushed_sha: str | None = None
    pushed_branch: str | None = None
    remote_url: str | None = None
    # Files with edits that are not saved yet (step 1); quitting asks first when non-empty.
    unsaved_files: set[str] = field(default_factory=set)
    # Step 3 asks step 1 to open a file at a line after triaging a failed build.
    goto_file: tuple[str, int | None] | None = None

    def __post_init__(self) -> None:
        from wizard.core.common.fileio import register_project

        register_project(self.project)  # every read and write under it is checked against it (links out of it)
