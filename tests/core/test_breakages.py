"""Issue 18: the breakages of the Notebook 7 / Ubuntu 24.04 era, each caught at the line that breaks.

Each folder of tests/fixtures/breakages is shaped like a real repository whose build or launch fails today on
mybinder.org, although repo2docker's own dry run (detect + render) accepts most of them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from wizard.core.environment.engine import analyse, fix_for
from wizard.core.environment.validators import FileContext, validate_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "breakages"
# case -> (file, line, code) of the error that must be reported; the fix text must say what to do instead.
EXPECTED = {
    "notebook7_serverextension": ("postBuild", 4, "script-serverextension", "jupyter server extension enable"),
    "notebook7_nbextension_in_start": ("binder/start", 4, "script-nbextension", "ipywidgets 8"),
    "notebook_pin_allows_7": ("postBuild", 2, "script-nbextension", "notebook<7"),
    "labextension_toc_jupyterlab4": ("binder/postBuild", 3, "script-labextension-install", "built into JupyterLab"),
    "pep668_ubuntu_noble": ("Dockerfile", 5, "docker-pep668", "python3 -m venv"),
    "pep668_debian_bookworm": ("binder/Dockerfile", 3, "docker-pep668", "--break-system-packages"),
    "uid_1000_taken_ubuntu_noble": ("Dockerfile", 9, "docker-uid-taken", "userdel -r ubuntu"),
    "include_import_name": ("requirements.txt", 2, "req-import-name", "scikit-learn"),
    "environment_pip_include": ("requirements.txt", 2, "req-windows-only", "sys_platform"),
    "macos_conda_export": ("environment.yml", 5, "environment-os-only", "Remove this line"),
}


def test_every_fixture_has_an_expectation():
    assert sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()) == sorted(EXPECTED)


def copy(case: str, tmp_path: Path) -> Path:
    folder = tmp_path / case
    shutil.copytree(FIXTURES / case, folder)
    return folder


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_breakage_is_an_error_at_its_line(case, tmp_path):
    file, line, code, fix_words = EXPECTED[case]
    report = analyse(copy(case, tmp_path))
    found = [d for d in report.errors if (d.file, d.line, d.code) == (file, line, code)]
    assert found, [(d.file, d.line, d.code) for d in report.diagnostics]
    assert fix_words in found[0].fix
    assert not report.ok


def test_repo2docker_dry_run_accepts_what_fails_later(tmp_path):
    """repo2docker's own detect + render (mybinder.org's settings) finds nothing wrong in these folders:
    every one fails only when the image is built or the container starts."""
    pytest.importorskip("repo2docker")
    from tests.core.r2d_reference import r2d_verdict
    from wizard.core.environment.detection import JULIA_RELEASES

    accepted = sorted(case for case in EXPECTED if r2d_verdict(copy(case, tmp_path), JULIA_RELEASES)["error"] is None)
    assert accepted == sorted(EXPECTED)  # all 10 of 10


# ---- Notebook 7: decided from the versions the build gets ----

def check(name: str, text: str, **context):
    return validate_text(text, FileContext(name, name, **context))


def codes(name: str, text: str, **context) -> dict:
    return {d.code: d for d in check(name, text, **context)}


def test_without_set_e_the_failing_command_is_a_warning():
    found = codes("postBuild", "#!/bin/bash\njupyter serverextension enable --py nbgitpuller --sys-prefix\necho ok\n")
    assert found["script-serverextension"].severity == "warning"
    assert "carries on without it" in found["script-serverextension"].message


def test_a_pin_earlier_in_the_script_counts():
    text = "#!/bin/bash\nset -e\npip install 'notebook<7'\njupyter serverextension enable --py nbgitpuller\n"
    assert "script-serverextension" not in codes("postBuild", text)
    text = "#!/bin/bash\nset -e\njupyter serverextension enable --py nbgitpuller\npip install 'notebook<7'\n"
    assert codes("postBuild", text)["script-serverextension"].severity == "error"


@pytest.mark.parametrize("pin, classic", [("notebook==6.5.7", True), ("notebook<7", True), ("notebook~=6.5", True),
                                          ("notebook>=6", False), ("notebook", False), ("notebook==7.2.2", False)])
def test_requirements_pin_decides(make_project, pin, classic):
    project = make_project({"requirements.txt": pin + "\n", "runtime.txt": "python-3.12\n",
                            "postBuild": "#!/bin/bash\nset -e\njupyter nbextension enable --py widgetsnbextension\n"})
    found = {d.code: d for d in analyse(project).diagnostics if d.file == "postBuild"}
    assert (found["script-nbextension"].severity == "info") == classic


@pytest.mark.parametrize("spec, classic", [("notebook=6.5", True), ("notebook 6.5.*", True),
                                           ("notebook=6.5.7=pyha770c72_0", True), ("notebook>=7", False)])
def test_conda_pin_decides(make_project, spec, classic):
    project = make_project({"environment.yml": f"dependencies:\n  - python=3.11\n  - {spec}\n",
                            "postBuild": "#!/bin/bash\nset -e\njupyter serverextension enable --py nbgitpuller\n"})
    found = [d for d in analyse(project).diagnostics if d.code == "script-serverextension"]
    assert (found == []) == classic


def test_python_37_keeps_the_classic_notebook_and_old_pythons_do_not(make_project):
    start = '#!/bin/bash\nset -e\njupyter serverextension enable --py jupyter_server_proxy\nexec "$@"\n'
    seven = make_project({"requirements.txt": "numpy\n", "runtime.txt": "python-3.7\n", "start": start}, "py37")
    assert "script-serverextension" not in {d.code for d in analyse(seven).diagnostics}
    # Python 3.6: requirements.txt goes into a separate kernel environment; the server (3.10) keeps Notebook 7.
    six = make_project({"requirements.txt": "notebook==6.5.7\n", "runtime.txt": "python-3.6\n", "start": start}, "py36")
    assert "script-serverextension" in {d.code for d in analyse(six).errors}


def test_labextension_install_on_jupyterlab_4_names_the_prebuilt_package():
    found = codes("postBuild", "#!/bin/bash\nset -e\njupyter labextension install @jupyter-widgets/jupyterlab-manager"
                               " jupyter-matplotlib\n")["script-labextension-install"]
    assert found.severity == "warning" and "ipympl" in found.fix and "ipywidgets" in found.fix


def test_labextension_install_on_jupyterlab_3_is_only_a_note(make_project):
    project = make_project({"requirements.txt": "jupyterlab==3.6.8\n", "runtime.txt": "python-3.11\n",
                            "postBuild": "#!/bin/bash\nset -e\njupyter labextension install @jupyterlab/toc\n"})
    found = [d for d in analyse(project).diagnostics if d.code == "script-labextension-install"]
    assert [d.severity for d in found] == ["info"]


# ---- PEP 668 and Ubuntu 24.04's user ----

@pytest.mark.parametrize("text", [
    "FROM ubuntu:24.04\nRUN pip install --break-system-packages notebook\n",
    "FROM ubuntu:24.04\nRUN python3 -m venv /opt/venv && /opt/venv/bin/pip install notebook\n",
    "FROM ubuntu:24.04\nRUN python3 -m venv /opt/venv\nENV PATH=/opt/venv/bin:$PATH\nRUN pip install notebook\n",
    "FROM ubuntu:24.04\nENV PIP_BREAK_SYSTEM_PACKAGES=1\nRUN pip install notebook\n",
    "FROM ubuntu:22.04\nRUN pip install notebook\n",
    "FROM python:3.12-bookworm\nRUN pip install notebook\n",
    "FROM debian:11\nRUN pip3 install notebook\n",
    "FROM ubuntu:24.04\nRUN pip install --target /opt/lib notebook\n",
])
def test_pip_outside_the_system_python_is_fine(text):
    assert "docker-pep668" not in codes("Dockerfile", text)


@pytest.mark.parametrize("image", ["ubuntu:24.04", "ubuntu:noble", "ubuntu", "ubuntu:25.04", "debian:12",
                                   "debian:trixie-slim", "buildpack-deps:noble", "buildpack-deps:bookworm-scm",
                                   "nvidia/cuda:12.6.3-runtime-ubuntu24.04"])
def test_externally_managed_bases(image):
    found = codes("Dockerfile", f"FROM {image}\nRUN apt-get update && apt-get install -y python3-pip\n"
                                "RUN sudo pip3 install notebook\n")["docker-pep668"]
    assert (found.line, found.column, found.severity) == (3, 5, "error")


def test_pep668_fix_adds_break_system_packages(tmp_path):
    folder = copy("pep668_ubuntu_noble", tmp_path)
    finding = next(d for d in analyse(folder).errors if d.code == "docker-pep668")
    text = (folder / "Dockerfile").read_text()
    fixed = fix_for(finding).apply(text)
    assert "pip3 install --break-system-packages --no-cache-dir notebook" in fixed
    assert fixed.count("\n") == text.count("\n")
    assert "docker-pep668" not in codes("Dockerfile", fixed)


def test_the_ubuntu_user_removed_first_frees_uid_1000():
    text = "FROM ubuntu:24.04\nRUN userdel -r ubuntu\nRUN useradd -m -u 1000 jovyan\n"
    assert "docker-uid-taken" not in codes("Dockerfile", text)
    assert "docker-uid-taken" not in codes("Dockerfile", text.replace("24.04", "22.04").replace(
        "RUN userdel -r ubuntu\n", ""))


# ---- -r includes read like pip reads them ----

def test_include_loop_and_outside_repository(make_project):
    project = make_project({"requirements.txt": "-r more.txt\n-r ../outside.txt\n", "more.txt": "-r requirements.txt\n"})
    found = {(d.file, d.line, d.code) for d in analyse(project).errors}
    assert ("more.txt", 1, "req-include-loop") in found and ("requirements.txt", 2, "req-outside-repo") in found


def test_duplicate_across_included_files_names_the_first_file(make_project):
    project = make_project({"requirements.txt": "-r base.txt\nnumpy==2.2.1\n", "base.txt": "numpy==1.26.4\n"})
    conflict = next(d for d in analyse(project).errors if d.code == "req-conflicting-duplicate")
    assert (conflict.file, conflict.line) == ("requirements.txt", 2) and "line 1 of base.txt" in conflict.message


def test_an_ignored_file_does_not_read_its_includes(make_project):
    project = make_project({"binder/requirements.txt": "numpy==2.2.1\n", "requirements.txt": "-r extra.txt\n",
                            "extra.txt": "sklearn\n"})
    assert [d for d in analyse(project).diagnostics if d.file == "extra.txt"] == []
