"""Every file repo2docker reads (see shared design/repo2docker-rules.md §2.2).

Seed list for the overview; the environment engine extends each entry with its purpose and template.
"""

from __future__ import annotations

# In the order repo2docker's detection looks at them, then the extras.
ENVIRONMENT_FILES: tuple[str, ...] = (
    "Dockerfile",
    "Project.toml",
    "JuliaProject.toml",
    "REQUIRE",
    "default.nix",
    "runtime.txt",
    "DESCRIPTION",
    "environment.yml",
    "environment.yaml",
    "Pipfile",
    "Pipfile.lock",
    "requirements.txt",
    "setup.py",
    "pyproject.toml",
    "requirements3.txt",
    "install.R",
    "apt.txt",
    "postBuild",
    "start",
)
