"""Issue 18: real Binder setups that work must not be called broken.

Each folder of tests/fixtures/false_alarms is shaped like a real repository that builds and launches on
mybinder.org: Dockerfiles on a Jupyter-ready base (repo2docker-action's binder-cache file, docker-stacks,
rocker/binder, pangeo, a base image built from another Dockerfile of the same repository), Dockerfiles that end
as root, a Linux `conda env export`, classic-notebook commands with notebook<7 pinned, a -r include.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.trees import write_tree
from wizard.core.environment.engine import analyse
from wizard.core.environment.validators import FileContext, validate_text
from wizard.core.environment.validators.os_only import conda_system, pip_system

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "false_alarms"
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


def report_for(case: str, tmp_path: Path):
    folder = tmp_path / case  # a copy: the folder's name and no stray files are part of the verdict
    shutil.copytree(FIXTURES / case, folder)
    return analyse(folder)


@pytest.mark.parametrize("case", CASES)
def test_working_setup_has_no_error(case, tmp_path):
    report = report_for(case, tmp_path)
    assert [(d.file, d.line, d.code) for d in report.errors] == []
    assert report.ok


@pytest.mark.parametrize("case", ["binder_cache_dockerfile", "docker_stacks_base", "pangeo_base",
                                  "base_dockerfile_in_repo", "ubuntu_noble_with_venv"])
def test_jupyter_ready_dockerfiles_get_no_finding_about_jupyter_or_the_user(case, tmp_path):
    codes = {d.code for d in report_for(case, tmp_path).diagnostics}
    assert not codes & {"docker-no-jupyter", "docker-no-user", "docker-base-unverified", "docker-root-at-end",
                        "docker-undeclared-variable", "docker-pep668", "docker-uid-taken"}


def test_binder_cache_dockerfile_is_left_alone(tmp_path):
    """The image repo2docker built from this repository holds Jupyter, the user and the repository itself."""
    report = report_for("binder_cache_dockerfile", tmp_path)
    assert [d for d in report.diagnostics if d.file == "binder/Dockerfile"] == []


@pytest.mark.parametrize("case", ["docker_hub_notebook_ends_as_root", "tutorial_dockerfile_ends_as_root"])
def test_ending_as_root_is_a_warning_that_names_what_hubs_do(case, tmp_path):
    found = [d for d in report_for(case, tmp_path).diagnostics if d.code == "docker-root-at-end"]
    assert [d.severity for d in found] == ["warning"]
    assert "UID 1000" in found[0].message and "--allow-root" in found[0].message


def test_base_built_in_the_repository_is_followed(tmp_path):
    """Without its Dockerfile the same base is unknown: then a warning names it and what Binder needs."""
    assert "docker-base-unverified" not in {d.code for d in report_for("base_dockerfile_in_repo", tmp_path).diagnostics}
    shutil.rmtree(tmp_path / "base_dockerfile_in_repo" / "docker")
    found = [d for d in analyse(tmp_path / "base_dockerfile_in_repo").diagnostics
             if d.code == "docker-base-unverified"]
    assert [(d.file, d.line, d.severity) for d in found] == [("binder/Dockerfile", 2, "warning")]
    assert "ghcr.io/example-lab/climate-base:2025.01" in found[0].message and "UID 1000" in found[0].message


def test_base_in_repository_without_jupyter_still_fails(tmp_path):
    write_tree(tmp_path, {"docker/tools/Dockerfile": "FROM python:3.12-slim\nRUN pip install numpy==2.2.1\n",
                          "Dockerfile": "FROM example/tools:1.0\nCOPY . /srv\n"})
    errors = [d.code for d in analyse(tmp_path).errors]
    assert errors == ["docker-no-jupyter"]


def test_unknown_base_is_a_warning_not_an_error():
    found = validate_text("FROM darribas/gds:2.0\nCOPY . ${HOME}\nUSER root\nRUN chown -R ${NB_UID} ${HOME}\n"
                          "USER ${NB_USER}\n", FileContext("Dockerfile", "Dockerfile"))
    assert [(d.code, d.severity) for d in found] == [("docker-base-unverified", "warning")]


def test_a_requirements_file_that_may_list_jupyter_is_not_an_error():
    text = ("FROM python:3.12-slim\nCOPY requirements.txt /tmp/\nRUN pip install --no-cache-dir -r /tmp/requirements.txt\n"
            "RUN adduser --disabled-password --uid 1000 jovyan\nUSER jovyan\nCOPY --chown=1000 . /home/jovyan\n")
    found = [d for d in validate_text(text, FileContext("Dockerfile", "Dockerfile")) if d.code == "docker-no-jupyter"]
    assert [(d.line, d.severity) for d in found] == [(3, "warning")]


def test_linux_conda_export_lists_nothing_as_os_only(tmp_path):
    codes = [d.code for d in report_for("linux_conda_export", tmp_path).diagnostics]
    assert "environment-os-only" not in codes


@pytest.mark.parametrize("name", ["intel-openmp", "libgfortran", "libcxx", "libcxxabi", "cctools", "ld64", "tapi",
                                  "clang_osx-64", "win32_setctime"])
def test_packages_built_for_linux_64_are_not_os_only(name):
    assert conda_system(name, None) is None


def test_version_decides_for_packages_that_came_to_linux_later():
    assert conda_system("appnope", "0.1.2")[1] is False and conda_system("appnope", "0.1.4")[1] is True
    assert conda_system("menuinst", "1.4.19")[1] is False and conda_system("menuinst", "2.1.2") is None


def test_pip_packages_with_linux_wheels_are_not_os_only():
    assert pip_system("mlx") is None and pip_system("pywinauto") is None
    assert pip_system("appnope")[1] is True and pip_system("pywin32")[1] is False


def test_every_os_only_entry_keeps_its_evidence():
    from wizard.core.environment.validators import os_only

    for name, (system, _, evidence) in {**os_only.PIP, **os_only.CONDA}.items():
        assert system in ("Windows", "macOS") and evidence.split(":")[0] in ("PyPI", "cf", "main"), name


def test_no_new_check_errs_on_the_real_repositories(shared_dir, tmp_path):
    """The 55 real repositories (config files only): none of issue 18's checks reports an error there."""
    new_checks = {"docker-no-user", "docker-root-at-end", "docker-base-unverified", "docker-pep668",
                  "docker-uid-taken", "script-serverextension", "script-nbextension", "script-labextension-install",
                  "environment-os-only", "req-windows-only", "req-macos-only", "req-include-loop", "req-outside-repo"}
    corpus = shared_dir / "corpus"
    found = []
    for source in sorted(p for p in corpus.iterdir() if p.is_dir()):
        folder = tmp_path / source.name
        shutil.copytree(source, folder, symlinks=True)
        found += [(source.name, d.file, d.code) for d in analyse(folder).errors if d.code in new_checks]
    assert found == []
