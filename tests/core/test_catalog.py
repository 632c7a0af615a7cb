"""The catalog: every file repo2docker reads, explained, with templates that validate clean and build."""

from __future__ import annotations

import importlib.util

import pytest

from wizard.core.environment import catalog
from wizard.core.environment.catalog import CATALOG, ENVIRONMENT_FILES, TEMPLATE_PYTHONS, must_be_executable, render_template
from wizard.core.environment.validators import MODULE_FOR_NAME, FileContext, validate_text

# design/repo2docker-rules.md §2.2, in repo2docker's detection order, then the extras.
RULES_FILES = ("Dockerfile", "Project.toml", "JuliaProject.toml", "REQUIRE", "default.nix", "runtime.txt",
               "DESCRIPTION", "environment.yml", "environment.yaml", "Pipfile", "Pipfile.lock", "requirements.txt",
               "setup.py", "pyproject.toml", "requirements3.txt", "install.R", "apt.txt", "postBuild", "start")
COMPANIONS = ("Manifest.toml", ".dockerignore", ".containerignore")
MY_KINDS = {"apt", "scripts", "r", "julia", "nix", "dockerfile"}
PACK_IDS = {"docker", "julia", "julia-require", "nix", "r", "conda", "pipfile", "python"}
TEMPLATED = sorted(name for name, entry in CATALOG.items() if entry.template)


def test_environment_files_keeps_the_overview_list_and_order():
    assert ENVIRONMENT_FILES == RULES_FILES


def test_every_file_repo2docker_reads_has_an_entry():
    assert set(CATALOG) == set(RULES_FILES) | set(COMPANIONS)
    assert set(MODULE_FOR_NAME) <= set(CATALOG)


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_entries_explain_themselves(name):
    entry = CATALOG[name]
    assert entry.name == name and entry.title
    for text in (entry.purpose, entry.when_to_use, entry.where):
        assert len(text) > 20 and "\n" not in text, text  # one paragraph of plain text
    assert set(entry.selects) <= PACK_IDS and set(entry.used_by) <= PACK_IDS and entry.used_by
    assert (entry.role == "detection") == bool(entry.selects)
    assert entry.template is not None or entry.how_to_create, "say how to make a file that has no template"


def test_only_the_scripts_must_be_executable():
    assert [name for name in CATALOG if must_be_executable(name)] == ["postBuild", "start"]
    assert not must_be_executable("not-a-binder-file")


def _module_or_skip(name: str) -> str:
    module = MODULE_FOR_NAME.get(name)
    if module and importlib.util.find_spec(f"wizard.core.environment.validators.{module}") is None:
        pytest.skip(f"the {module} validator is not written yet")
    return module or ""


@pytest.mark.parametrize("python", TEMPLATE_PYTHONS)
@pytest.mark.parametrize("name", TEMPLATED)
def test_templates_validate_clean(name, python):
    module = _module_or_skip(name)
    if name == "requirements3.txt":
        pytest.skip("only meaningful beside a Python 2.7-3.6 runtime: see the legacy-kernel test")
    text = render_template(name, python_version=python)
    assert "{{" not in text and text.endswith("\n")
    found = validate_text(text, FileContext(name, name))
    if module in MY_KINDS:
        assert found == []
    else:
        assert [d for d in found if d.severity != "info"] == []
    if CATALOG[name].where == catalog.ROOT_ONLY:
        return  # setup.py, pyproject.toml and DESCRIPTION count only at the top (the validators say so)
    for path in (f"binder/{name}", f".binder/{name}"):
        found = validate_text(text, FileContext(path, name))
        assert [d for d in found if d.severity != "info"] == []


def test_r_runtime_variant_validates_clean():
    _module_or_skip("runtime.txt")
    text = render_template("runtime.txt", variant="r", r_version="4.3", snapshot_date="2024-01-10")
    assert text == "r-4.3-2024-01-10\n"
    assert [d for d in validate_text(text, FileContext("runtime.txt", "runtime.txt")) if d.severity != "info"] == []


def test_templates_pin_the_python_version():
    assert render_template("runtime.txt", python_version="3.11") == "python-3.11\n"
    assert "  - python=3.13\n" in render_template("environment.yml", python_version="3.13")
    assert 'python_version = "3.12"' in render_template("Pipfile")
    assert 'requires-python = ">=3.12,<3.13"' in render_template("pyproject.toml")
    assert "FROM python:3.12-slim-bookworm" in render_template("Dockerfile")
    assert "pkgs.python313.withPackages" in render_template("default.nix", python_version="3.13")
    old = render_template("requirements.txt", python_version="3.9")
    assert "numpy==2.0.2" in old  # pins that install on the older Python


def test_scripts_templates_follow_the_rules():
    post, start = render_template("postBuild"), render_template("start")
    assert post.startswith("#!/bin/bash\n") and "set -euo pipefail" in post
    assert start.startswith("#!/bin/bash\n") and start.rstrip().endswith('exec "$@"')


@pytest.mark.parametrize("name, kwargs, error", [
    ("not-a-file", {}, KeyError),
    ("Pipfile.lock", {}, ValueError),
    ("Manifest.toml", {}, ValueError),
    ("REQUIRE", {}, ValueError),
    ("runtime.txt", {"python_version": "3.8"}, ValueError),
    ("runtime.txt", {"python_version": "python-3.12"}, ValueError),
    ("runtime.txt", {"variant": "r", "r_version": "4.6"}, ValueError),
    ("runtime.txt", {"variant": "r", "snapshot_date": "2018-06-01"}, ValueError),
])
def test_render_template_refuses_what_would_not_build(name, kwargs, error):
    with pytest.raises(error):
        render_template(name, **kwargs)


# What repo2docker (through binder-wizard's detector, which agrees with it) makes of a folder holding a template.
BUILDS = [
    ({"Dockerfile": {}}, "docker", None),
    ({"Project.toml": {}}, "julia", "3.10"),
    ({"default.nix": {}}, "nix", None),
    ({"runtime.txt": {}, "requirements.txt": {}}, "python", "3.12"),
    ({"runtime.txt": {"variant": "r"}, "install.R": {}}, "r", "3.10"),
    ({"DESCRIPTION": {}}, "r", "3.10"),
    ({"environment.yml": {"python_version": "3.13"}}, "conda", "3.13"),
    ({"environment.yaml": {}}, "conda", "3.12"),
    ({"Pipfile": {"python_version": "3.11"}}, "pipfile", "3.11"),
    ({"requirements.txt": {}, "apt.txt": {}, "postBuild": {}, "start": {}}, "python", "3.10"),
    ({"setup.py": {}}, "python", "3.10"),
    ({"pyproject.toml": {"python_version": "3.13"}}, "python", "3.13"),
]


@pytest.mark.parametrize("files, pack, python", BUILDS, ids=lambda v: "+".join(v) if isinstance(v, dict) else None)
def test_templates_give_the_intended_binder_setup(make_project, files, pack, python):
    analyse = pytest.importorskip("wizard.core.environment.engine").analyse
    project = make_project({name: render_template(name, **kwargs) for name, kwargs in files.items()})
    report = analyse(project)
    assert report.detection.buildpack == pack
    if python:
        assert report.detection.python_version == python
    assert report.ok, [d for d in report.diagnostics if d.is_error]
    assert sorted(report.detection.files_used) == sorted(files)
    problems = [d for d in report.diagnostics if d.severity != "info" and d.file in files]
    assert problems == []


def test_requirements3_template_is_clean_beside_a_legacy_kernel(make_project):
    analyse = pytest.importorskip("wizard.core.environment.engine").analyse
    _module_or_skip("requirements3.txt")
    project = make_project({"runtime.txt": "python-2.7\n", "requirements.txt": "six==1.16.0\n",
                            "requirements3.txt": render_template("requirements3.txt")})
    report = analyse(project)
    assert "requirements3.txt" in report.detection.files_used
    assert [d for d in report.diagnostics if d.file == "requirements3.txt" and d.severity != "info"] == []


def test_module_docstring_points_at_the_rules():
    assert "repo2docker-rules.md" in catalog.__doc__


def test_the_slice_public_api_loads_the_catalog_only_when_asked(tmp_path):
    """environment/__init__ runs on every import of the package: it must not build the catalog up front."""
    import subprocess
    import sys

    code = ("import sys, wizard.core.environment.detection.rules, wizard.core.environment.validators\n"
            "print('wizard.core.environment.catalog' in sys.modules)\n"
            "from wizard.core.environment import ENVIRONMENT_FILES, config_folder\n"
            "print('wizard.core.environment.catalog' in sys.modules, ENVIRONMENT_FILES[0], repr(config_folder('.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert out.stdout.splitlines() == ["False", "True Dockerfile ''"]
