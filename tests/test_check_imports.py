"""`binder-wizard check` warns about packages the code imports that Binder will not install."""

from __future__ import annotations

import json

from wizard.cli import main


def run_json(capsys, project) -> tuple[int, dict]:
    code = main(["check", str(project), "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_import_not_declared_is_a_warning_with_file_and_line(make_project, capsys):
    project = make_project({
        "requirements.txt": "pandas==2.2.3\n",
        "analysis.py": "import os\nimport pandas as pd\nfrom sklearn import svm\n",
    })
    code, report = run_json(capsys, project)
    found = [d for d in report["diagnostics"] if d["code"] == "import-not-declared"]
    assert [(d["file"], d["line"], d["severity"]) for d in found] == [("analysis.py", 3, "warning")]
    assert "scikit-learn" in found[0]["message"]
    assert code == 0 and report["ok"] is True  # a warning does not fail the check


def test_declared_and_local_imports_are_not_reported(make_project, capsys):
    project = make_project({
        "requirements.txt": "PyYAML==6.0.2\n",
        "helpers.py": "X = 1\n",
        "run.py": "import yaml\nimport helpers\n",
    })
    _, report = run_json(capsys, project)
    assert not [d for d in report["diagnostics"] if d["code"] == "import-not-declared"]


def test_demo_project_reports_the_missing_scipy(tmp_path, capsys):
    from wizard.demo import create_demo_project

    _, report = run_json(capsys, create_demo_project(tmp_path))
    missing = {d["message"].split("`")[1] for d in report["diagnostics"] if d["code"] == "import-not-declared"}
    assert missing == {"scipy"}


def test_check_compares_r_packages_with_install_r_and_gives_r_advice(make_project, capsys):
    """An R project: each package loaded but not installed is a warning at its line; no Python advice."""
    from wizard.cli import main

    project = make_project({"analysis.R": "library(dplyr)\nrequire(ggplot2)\nx <- readr::read_csv('a.csv')\n",
                            "install.R": 'install.packages("dplyr")\n'})
    assert main(["check", str(project), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    found = [(d["file"], d["line"], d["code"]) for d in report["diagnostics"] if d["code"].startswith("r-package")]
    assert found == [("analysis.R", 2, "r-package-not-declared"), ("analysis.R", 3, "r-package-not-declared")]
    [stop] = [d for d in report["diagnostics"] if d["code"] == "no-environment"]
    assert "requirements.txt" not in stop["fix"] and "dated runtime.txt" in stop["fix"]
    (project / "runtime.txt").write_text("r-4.5-2026-01-05\n")
    main(["check", str(project)])
    text = capsys.readouterr().out
    assert "pin it" not in text and "R: " in text
