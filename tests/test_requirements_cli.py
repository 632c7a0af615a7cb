"""`binder-wizard requirements`: the exact text and JSON contract, --write, and exit codes (issue 8)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.test_deps import CORPUS, empty_env, full_env, make_env, run_cli  # noqa: F401 (fixtures)

NOTEBOOK = json.dumps({
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Analysis"]},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": ["%matplotlib inline\n", "import pandas as pd\n", "import sklearn"]},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": ["import mystery_pkg\n", "from helpers import clean"]},
    ],
    "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
})


@pytest.fixture
def project(make_project):
    return make_project({
        "analysis.ipynb": NOTEBOOK,
        "helpers.py": "import os\nimport numpy as np\nimport yaml\n",
        "requirements.txt": "# data\nnumpy==1.26.4\nflask\n",
    })


def test_text_output_exact(project, empty_env):
    code, out, err = run_cli("requirements", str(project), "--python", str(empty_env))
    assert code == 0
    assert out == ("numpy\n"
                   "pandas\n"
                   "PyYAML\n"
                   "scikit-learn\n"
                   "# unresolved: mystery_pkg (imported in analysis.ipynb cell 3)\n")
    assert f"from {empty_env}/bin/python (--python, 0 packages installed)" in err


def test_text_output_with_versions(project, full_env):
    code, out, _ = run_cli("requirements", str(project), "--python", str(full_env), "--pin", "exact")
    assert out == ("numpy==1.26.4\npandas==2.2.3\nPyYAML==6.0.2\nscikit-learn==1.5.2\n"
                   "# unresolved: mystery_pkg (imported in analysis.ipynb cell 3)\n")
    _, out, _ = run_cli("requirements", str(project), "--python", str(full_env), "--pin", "compatible")
    assert out.splitlines()[:4] == ["numpy~=1.26", "pandas~=2.2", "PyYAML~=6.0", "scikit-learn~=1.5"]
    _, out, _ = run_cli("requirements", str(project), "--python", str(full_env), "--pin", "none")
    assert out.splitlines()[:4] == ["numpy", "pandas", "PyYAML", "scikit-learn"]


def test_json_output_exact(project, full_env):
    code, out, _ = run_cli("requirements", str(project), "--python", str(full_env), "--format", "json")
    assert code == 0
    assert json.loads(out) == {
        "requirements": [
            {"name": "flask", "import": "", "version": None, "status": "unused",
             "locations": [{"file": "requirements.txt", "line": 3}]},
            {"name": "mystery_pkg", "import": "mystery_pkg", "version": None, "status": "unresolved",
             "locations": [{"file": "analysis.ipynb", "line": 4}]},
            {"name": "numpy", "import": "numpy", "version": "1.26.4", "status": "declared",
             "locations": [{"file": "helpers.py", "line": 2}]},
            {"name": "pandas", "import": "pandas", "version": "2.2.3", "status": "undeclared",
             "locations": [{"file": "analysis.ipynb", "line": 2}]},
            {"name": "PyYAML", "import": "yaml", "version": "6.0.2", "status": "undeclared",
             "locations": [{"file": "helpers.py", "line": 3}]},
            {"name": "scikit-learn", "import": "sklearn", "version": "1.5.2", "status": "undeclared",
             "locations": [{"file": "analysis.ipynb", "line": 3}]},
        ],
        "skipped": {"stdlib": ["os"], "local": ["helpers"]},
    }


def test_json_without_a_requirements_file_marks_everything_undeclared(make_project, empty_env):
    project = make_project({"a.py": "import numpy\nimport numpy.linalg\n"})
    _, out, _ = run_cli("requirements", str(project), "--python", str(empty_env), "--format", "json")
    assert json.loads(out)["requirements"] == [
        {"name": "numpy", "import": "numpy", "version": None, "status": "undeclared",
         "locations": [{"file": "a.py", "line": 1}, {"file": "a.py", "line": 2}]}]


def test_write_shows_diff_and_asks(project, empty_env):
    before = (project / "requirements.txt").read_text()
    code, out, err = run_cli("requirements", str(project), "--python", str(empty_env), "--write", stdin="n\n")
    assert code == 1
    assert (project / "requirements.txt").read_text() == before
    assert "+pandas\n" in out and "+PyYAML\n" in out and "+scikit-learn\n" in out
    assert "Add 3 lines to requirements.txt? [y/N]" in err
    assert "mystery_pkg" in err and "not written" in err

    code, out, err = run_cli("requirements", str(project), "--python", str(empty_env), "--write", stdin="y\n")
    assert code == 0
    assert (project / "requirements.txt").read_text() == before + "pandas\nPyYAML\nscikit-learn\n"
    assert "Added 3 lines to requirements.txt." in out


def test_write_without_an_answer_writes_nothing(project, empty_env):
    before = (project / "requirements.txt").read_text()
    code, _, _ = run_cli("requirements", str(project), "--python", str(empty_env), "--write", stdin="")
    assert code == 1 and (project / "requirements.txt").read_text() == before


def test_write_keeps_comments_options_and_markers(make_project, full_env):
    original = (
        "# Requirements for the paper\r\n"
        "--extra-index-url https://download.example.org/whl\r\n"
        "\r\n"
        "numpy>=1.20  # keep this comment\r\n"
        "pandas ; sys_platform == 'darwin'\r\n"
        "-r extra.txt\r\n"
        "flask"  # no final newline
    )
    project = make_project({
        "binder/requirements.txt": original,
        "binder/extra.txt": "scikit-learn\n",
        "a.py": "import numpy\nimport pandas\nimport sklearn\nimport yaml\n",
    })
    code, out, _ = run_cli("requirements", str(project), "--python", str(full_env), "--write", "--yes")
    assert code == 0
    text = (project / "binder" / "requirements.txt").read_bytes().decode()
    # pandas is only declared for macOS, so Linux still needs it; sklearn comes from the -r include.
    assert text == original + "\r\npandas==2.2.3\r\nPyYAML==6.0.2\r\n"
    assert "--- a/binder/requirements.txt" in out and "+pandas==2.2.3" in out


def test_write_never_removes_lines(make_project, empty_env):
    original = "unused-thing==1.0\n# a comment\nnumpy\nanother-unused\n"
    project = make_project({"requirements.txt": original, "a.py": "import numpy\nimport scipy\n"})
    code, _, _ = run_cli("requirements", str(project), "--python", str(empty_env), "--write", "--yes")
    assert code == 0
    assert (project / "requirements.txt").read_text() == original + "scipy\n"
    # Nothing left to add: nothing changes, and it says so.
    code, out, _ = run_cli("requirements", str(project), "--python", str(empty_env), "--write", "--yes")
    assert code == 0 and "Nothing to add" in out
    assert (project / "requirements.txt").read_text() == original + "scipy\n"


def test_write_creates_the_file_in_the_config_folder(make_project, empty_env):
    project = make_project({".binder/postBuild": "#!/bin/bash\n", "a.py": "import numpy\n"})
    code, _, _ = run_cli("requirements", str(project), "--python", str(empty_env), "--write", "--yes")
    assert code == 0
    assert (project / ".binder" / "requirements.txt").read_text() == "numpy\n"
    assert not (project / "requirements.txt").exists()


def test_write_to_a_named_file(make_project, empty_env, tmp_path):
    project = make_project({"a.py": "import numpy\n"})
    target = tmp_path / "out" / "reqs.txt"
    code, _, _ = run_cli("requirements", str(project), "--python", str(empty_env), "--write", str(target), "--yes")
    assert code == 0 and target.read_text() == "numpy\n"


def test_write_keeps_file_mode(make_project, empty_env):
    project = make_project({"requirements.txt": "x\n", "a.py": "import numpy\n"})
    os.chmod(project / "requirements.txt", 0o600)
    run_cli("requirements", str(project), "--python", str(empty_env), "--write", "--yes")
    assert (project / "requirements.txt").stat().st_mode & 0o777 == 0o600


def test_write_with_environment_yml_is_a_usage_error(make_project, empty_env):
    project = make_project({"environment.yml": "dependencies:\n  - numpy\n", "a.py": "import numpy\nimport scipy\n"})
    code, _, err = run_cli("requirements", str(project), "--python", str(empty_env), "--write", "--yes")
    assert code == 2
    assert "environment.yml" in err and "--write FILE" in err
    assert not (project / "requirements.txt").exists()


def test_write_with_json_keeps_stdout_json(project, empty_env):
    code, out, err = run_cli("requirements", str(project), "--python", str(empty_env), "--write", "--yes",
                             "--format", "json")
    assert code == 0
    assert json.loads(out)["skipped"] == {"stdlib": ["os"], "local": ["helpers"]}
    assert "+pandas" in err


@pytest.mark.parametrize("argv", [
    ["requirements", "/no/such/folder"],
    ["requirements", "--pin", "loose"],
    ["requirements", "--format", "yaml"],
])
def test_usage_errors_exit_2(argv, capsys):
    from wizard.cli import main

    try:
        code = main(argv)
    except SystemExit as stop:  # argparse's own errors end this way
        code = stop.code
    assert code == 2
    assert "binder-wizard" in capsys.readouterr().err


def test_missing_python_is_a_usage_error(project, tmp_path):
    code, _, err = run_cli("requirements", str(project), "--python", str(tmp_path / "nope" / "python"))
    assert code == 2 and "no such Python interpreter" in err


def test_a_file_as_path_is_a_usage_error(project):
    code, _, _ = run_cli("requirements", str(project / "helpers.py"))
    assert code == 2


def test_broken_python_still_answers(project):
    code, out, err = run_cli("requirements", str(project), "--python", "/bin/false")
    assert code == 0 and "scikit-learn\n" in out and "could not list its packages" in err


def test_finds_the_project_venv_by_itself(make_project):
    project = make_project({"a.py": "import sklearn\n"})
    make_env(project / ".venv", {"scikit-learn": ("1.5.2", ["sklearn/__init__.py"])})
    code, out, _ = run_cli("requirements", str(project))
    assert code == 0 and out == "scikit-learn==1.5.2\n"


def test_untrusted_file_names_are_not_echoed_raw(make_project, empty_env):
    project = make_project({"evil\x1b[31mname.py": "import totally_unknown_mod\n"})
    _, out, _ = run_cli("requirements", str(project), "--python", str(empty_env))
    assert "\x1b" not in out and "totally_unknown_mod" in out


def test_runs_as_a_real_subprocess(project, empty_env):
    done = subprocess.run([sys.executable, "-m", "wizard", "requirements", str(project), "--python", str(empty_env)],
                          capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0 and done.stdout.startswith("numpy\npandas\n")


def test_named_pipes_in_the_project_do_not_hang_the_command(make_project, empty_env):
    # `mkfifo analysis.py` (or pyproject.toml, install.R) made `requirements` wait forever for a writer.
    project = make_project({"main.py": "import requests\n"})
    for name in ("analysis.py", "pyproject.toml", "install.R"):
        os.mkfifo(project / name)
    try:
        done = subprocess.run([sys.executable, "-m", "wizard", "requirements", str(project), "--python",
                               str(empty_env)], capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("binder-wizard requirements blocked on a named pipe")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "requests"


def test_files_not_scanned_are_named_on_stderr(make_project, capsys):
    import os

    from wizard.cli import main

    project = make_project({"ok.py": "import numpy\n"})
    os.mkfifo(project / "pipe.py")
    with open(project / "huge.py", "wb") as handle:
        handle.truncate(50_000_000)
    import sys

    assert main(["requirements", str(project), "--python", sys.executable]) == 0
    out, err = capsys.readouterr()
    assert "numpy" in out
    assert "did not scan huge.py" in err and "could not read pipe.py" in err
