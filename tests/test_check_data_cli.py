"""`binder-wizard check` answers "is this ready for Binder?" whole (issue 17): the pre-push audit's findings join
the report as diagnostics like any other, offline; `--check-urls` asks each downloaded URL (a local data host)."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.servers.data_server import ByName, DataServer
from wizard.cli import main

DIAGNOSTIC_KEYS = {"file", "line", "column", "severity", "code", "message", "fix"}
KEYS = {"path", "binder_dir", "buildpack", "python_version", "r_version", "files_used", "files_ignored",
        "diagnostics", "ok"}
ENV = {"requirements.txt": "pandas==2.2.3\n", "runtime.txt": "python-3.12\n"}


def check_json(capsys, project, *options) -> tuple[int, dict]:
    code = main(["check", str(project), "--format", "json", *options])
    return code, json.loads(capsys.readouterr().out)


def sparse(path, size: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.truncate(size)


@pytest.fixture
def data_server(monkeypatch):
    """A data host that answers for https://data.example.org/ (and any other name) during the test."""
    server = DataServer({"/survey.csv": b"a,b\n" * 1000})
    monkeypatch.setattr("wizard.commands.check.URL_TRANSPORT", ByName(server))
    yield server
    server.stop()


HOST = "https://data.example.org"


def test_the_audit_findings_are_diagnostics_with_the_same_keys(make_project, capsys):
    project = make_project({**ENV, ".env": "API_KEY=\n", "analysis.py": "import pandas\n",
                            "fetch.py": "import pandas as pd\ndb = 'mysql://db.example.org/survey'\n",
                            "notes/old.ipynb": "{}"})
    sparse(project / "data" / "survey.csv", 30_000_000)
    sparse(project / "data" / "all.nc", 150_000_000)
    code, report = check_json(capsys, project)
    assert set(report) == KEYS  # the contract: no new key
    assert all(set(d) == DIAGNOSTIC_KEYS for d in report["diagnostics"])
    found = {(d["file"], d["line"], d["code"], d["severity"]) for d in report["diagnostics"]}
    assert {(".env", None, "secret-env-file", "error"), ("data/survey.csv", None, "large-file", "warning"),
            ("data/all.nc", None, "file-too-large", "error"), ("fetch.py", 2, "blocked-protocol", "warning"),
            (".", None, "total-size", "warning")} <= found
    assert code == 1 and report["ok"] is False  # the secret and GitHub's 100 MB limit are errors
    keys = [(d["file"], d["line"] or 0) for d in report["diagnostics"]]
    assert keys == sorted(keys)  # one list, in reading order


def test_gitignored_files_are_not_audited(make_project, capsys):
    project = make_project({**ENV, ".gitignore": "data/\n.env\n", ".env": "TOKEN=x\n"})
    sparse(project / "data" / "survey.csv", 30_000_000)
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    code, report = check_json(capsys, project)
    assert code == 0 and not [d for d in report["diagnostics"] if d["file"] in (".env", "data/survey.csv")]


def test_a_blocked_download_in_postbuild_fails_the_check_once(make_project, capsys):
    project = make_project({**ENV, "postBuild": "#!/bin/bash\nset -e\nwget -q ftp://ftp.example.org/x.nc\n"
                                                "scp me@host.example.org:y.csv .\n"})
    code, report = check_json(capsys, project)
    errors = [(d["line"], d["code"]) for d in report["diagnostics"] if d["file"] == "postBuild" and
              d["severity"] == "error"]
    assert code == 1 and errors == [(3, "script-ftp"), (4, "blocked-protocol")]  # the validator's FTP finding only


def test_a_postbuild_binder_ignores_only_warns(make_project, capsys):
    project = make_project({"binder/requirements.txt": "pandas==2.2.3\n", "binder/runtime.txt": "python-3.12\n",
                            "postBuild": "#!/bin/bash\nscp me@host.example.org:y.csv .\n"})
    code, report = check_json(capsys, project)
    blocked = [d for d in report["diagnostics"] if d["code"] == "blocked-protocol"]
    assert code == 0 and [(d["file"], d["severity"]) for d in blocked] == [("postBuild", "warning")]


def test_check_stays_offline_without_check_urls(make_project, capsys, data_server):
    project = make_project({**ENV, "postBuild": f"#!/bin/bash\nset -e\nwget -q -O s.csv {HOST}/missing.csv\n"})
    code, report = check_json(capsys, project)
    assert code == 0 and data_server.requests == []
    assert not [d for d in report["diagnostics"] if d["code"] in ("url-unreachable", "download-size")]


def test_check_urls_reports_unreachable_urls_and_sizes(make_project, capsys, data_server):
    good, gone, loop = f"{HOST}/survey.csv", f"{HOST}/missing.csv", f"{HOST}/loop"
    project = make_project({**ENV,
                            "postBuild": f"#!/bin/bash\nset -e\nwget -q -O s.csv {good}\nwget -q -O t.csv {gone}\n",
                            "analysis.py": f"import pandas as pd\ndf = pd.read_csv('{loop}')\n"})
    code, report = check_json(capsys, project, "--check-urls")
    found = {(d["file"], d["line"], d["code"], d["severity"]): d for d in report["diagnostics"]}
    assert set(found) >= {("postBuild", 3, "download-size", "info"), ("postBuild", 4, "url-unreachable", "error"),
                          ("analysis.py", 2, "url-unreachable", "warning")}
    assert "(4 KB)" in found["postBuild", 3, "download-size", "info"]["message"]
    assert "404 (Not Found)" in found["postBuild", 4, "url-unreachable", "error"]["message"]
    assert "loop" in found["analysis.py", 2, "url-unreachable", "warning"]["message"]
    assert code == 1 and set(report) == KEYS
    assert {path for _, path, _ in data_server.requests} == {"/survey.csv", "/missing.csv", "/loop", "/loop2"}


def test_the_text_report_counts_the_urls(make_project, capsys, data_server):
    project = make_project({**ENV, "postBuild": f"#!/bin/bash\nset -e\nwget -q -O s.csv {HOST}/x\n"})
    assert main(["check", str(project), "--check-urls"]) == 1
    out = capsys.readouterr().out
    assert "Download URLs: 1 checked, 1 unreachable" in out and "[url-unreachable]" in out


def test_a_virtualenv_in_the_project_is_one_finding_not_thousands_of_files_read(make_project, capsys):
    files = {f".venv/lib/python3.12/site-packages/pkg{i}/__init__.py": "password = 'hunter22'\n" for i in range(300)}
    project = make_project({**ENV, **files, ".venv/pyvenv.cfg": "home = /usr/bin\n"})
    code, report = check_json(capsys, project)
    venv = [d for d in report["diagnostics"] if d["file"].startswith(".venv")]
    assert [(d["file"], d["code"], d["severity"]) for d in venv] == [(".venv", "environment-in-project", "warning")]
    assert "`.venv/`" in venv[0]["fix"] and code == 0
