"""Hostile project files the dependency engine must survive: named pipes, huge files, deep nesting."""

from __future__ import annotations

import os

import pytest

from tests.waiting import finishes
from wizard.core.environment import deps
from wizard.core.environment.deps import scan
from wizard.core.environment.deps.declared import parse_environment_yml, read_declared


@pytest.mark.parametrize("name", ["analysis.py", "pyproject.toml", "install.R", "setup.py"])
def test_a_named_pipe_in_the_project_does_not_hang_the_import_check(make_project, name):
    project = make_project({"requirements.txt": "pandas\n", "main.py": "import pandas\nimport requests\n"})
    os.mkfifo(project / name)
    found = finishes(lambda: deps.undeclared_diagnostics(project, ask_environment=False), project / name)
    assert [d.message.split("`")[1] for d in found] == ["requests"]  # the readable code is still checked


def test_a_named_pipe_is_listed_as_unreadable_not_scanned(make_project):
    project = make_project({"main.py": "import numpy\n"})
    os.mkfifo(project / "analysis.py")
    result = finishes(lambda: scan.scan_project(project), project / "analysis.py")
    assert result.unreadable_files == ["analysis.py"]
    assert result.files_scanned == 1


def test_an_included_requirements_file_that_is_a_pipe_is_skipped(make_project):
    project = make_project({"requirements.txt": "-r more.txt\nnumpy\n"})
    os.mkfifo(project / "more.txt")
    target = deps.declared_file(project)
    found = finishes(lambda: read_declared(project, target), project / "more.txt")
    assert [d.name for d in found] == ["numpy"]


def test_a_code_file_over_the_limit_is_listed_not_scanned(make_project, monkeypatch):
    monkeypatch.setattr(scan, "MAX_SOURCE_BYTES", 1000)  # the real limit is a few MB
    project = make_project({"big.py": "import pandas\n" + "x = 1\n" * 500, "small.py": "import numpy\n"})
    result = scan.scan_project(project)
    assert result.too_large_files == ["big.py"]
    assert {site.module for site in result.imports} == {"numpy"}


def test_a_huge_requirements_file_is_not_parsed(make_project):
    # 12 MB of requirements took 32 s to parse; detection already reports a file this big as too large.
    lines = "".join(f"package{i}==1.{i}\n" for i in range(250_000))  # ~5 MB, over the 2 MB limit
    project = make_project({"requirements.txt": lines, "main.py": "import requests\n"})
    found = deps.undeclared_diagnostics(project, ask_environment=False)
    inference = deps.infer(project, None)
    assert found == []  # nothing to compare the imports with: no false warnings
    assert inference.declared == []  # refused by size, not parsed line by line


def test_deeply_nested_environment_yml_is_unreadable_not_a_crash(make_project):
    text = "dependencies: " + "[" * 1200 + "]" * 1200 + "\n"
    assert parse_environment_yml(text) == []
    project = make_project({"environment.yml": text, "main.py": "import numpy\n"})
    deps.undeclared_diagnostics(project, ask_environment=False)  # no RecursionError


def test_environment_yml_is_still_read(make_project):
    text = "dependencies:\n  - python=3.11\n  - numpy>=1.26\n  - conda-forge::pytorch\n  - pip:\n    - requests==2.0\n"
    assert [(d.name, d.line) for d in parse_environment_yml(text)] == [("numpy", 3), ("torch", 4), ("requests", 6)]


@pytest.mark.parametrize("name", ["pyproject.toml", "Pipfile"])
def test_deeply_nested_toml_is_unreadable_not_a_crash(make_project, name):
    files = {name: "x = " + "[" * 1200 + "]" * 1200 + "\n", "main.py": "import numpy\n"}
    if name == "pyproject.toml":
        files["requirements.txt"] = "-e .\n"
    project = make_project(files)
    inference = deps.infer(project, None)  # no RecursionError
    assert inference.declared == []  # nothing read from it...
    assert [(p.name, p.status) for p in inference.packages] == [("numpy", "undeclared")]  # ...the code still is
