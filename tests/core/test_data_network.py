"""What a running Binder can reach (issue 17): blocked protocols and ports in code, notebooks and scripts, the
URLs a project downloads, and large-data advice that fits the format."""

from __future__ import annotations

import json

import pytest

from wizard.core.publish.audit import LARGE_DATA, audit_files, large_data_advice
from wizard.core.publish.network import downloads, network_findings, url_diagnostics


def found(path: str, text: str) -> list[tuple[int | None, str, str]]:
    return [(d.line, d.code, d.severity) for d in network_findings(path, text)]


def notebook(*cells: tuple[str, str]) -> str:
    return json.dumps({"cells": [{"cell_type": kind, "metadata": {}, "source": source,
                                  **({"outputs": [], "execution_count": None} if kind == "code" else {})}
                                 for kind, source in cells], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def test_blocked_protocols_in_python_are_warnings_with_the_seeds_explanation():
    text = ("import ftplib\n"
            "URL = 'sftp://data.example.org/x.csv'\n"
            "engine = create_engine('postgresql+psycopg2://me:secret@db.example.org/survey')\n"
            "client = MongoClient('mongodb+srv://cluster.example.net')\n"
            "r = requests.get('https://example.org/data.csv')  # fine: HTTPS\n"
            "s = socket.create_connection(('example.org', 5432))\n"
            "local = 'postgresql://localhost/test'  # a database inside the Binder itself is fine\n"
            "# ftp://old.example.org/ in a comment is not code\n")
    assert found("analysis.py", text) == [(1, "blocked-protocol", "warning"), (2, "blocked-protocol", "warning"),
                                          (3, "blocked-protocol", "warning"), (4, "blocked-protocol", "warning"),
                                          (6, "blocked-port", "warning")]
    messages = [d.message for d in network_findings("analysis.py", text)]
    assert "mybinder.org blocks FTP" in messages[0] and "HTTP(S) and git" in messages[0]
    assert "mybinder.org blocks database connections" in messages[2]
    assert "secret" not in messages[2] and "postgresql+psycopg2://…@db.example.org" in messages[2]
    assert "port 5432" in messages[4]


def test_ports_other_than_binders_open_ones_are_flagged_in_urls():
    text = ("a = 'https://example.org:8443/data.csv'\n"
            "b = 'https://example.org:443/data.csv'\n"
            "c = 'http://localhost:8888/lab'\n"
            "d = 'http://example.org:9418/'\n")
    assert found("ports.py", text) == [(1, "blocked-port", "warning")]


def test_postbuild_non_http_downloads_are_errors_and_start_or_other_scripts_warnings():
    script = ("#!/bin/bash\nset -e\n"
              "wget -q -O data/a.csv https://example.org/a.csv\n"
              "scp me@cluster.example.org:/data/b.csv data/\n"
              "rsync -a me@cluster.example.org:/data/ data/\n"
              "git clone git@github.com:me/private-data.git\n"
              "curl -O ftp://ftp.example.org/pub/c.nc\n"
              "git clone https://github.com/me/public.git\n"
              "rsync -a rsync://mirror.example.org/data/ data/\n")
    expected = [(4, "blocked-protocol"), (5, "blocked-protocol"), (6, "blocked-protocol"), (7, "ftp-url")]
    assert found("postBuild", script) == [(n, code, "error") for n, code in expected]
    assert found("binder/postBuild", script) == [(n, code, "error") for n, code in expected]
    assert found("start", script) == [(n, code, "warning") for n, code in expected]
    assert found("scripts/fetch.sh", script) == [(n, code, "warning") for n, code in expected]
    assert found("old/postBuild", script) == [(n, code, "warning") for n, code in expected]  # Binder never runs it
    build = network_findings("postBuild", script)[0]
    assert "while Binder builds the image" in build.message and "fails the build" in build.message
    assert "git clone https://" in network_findings("postBuild", script)[2].fix


def test_notebooks_are_read_by_code_cell_markdown_is_not_code():
    text = notebook(("markdown", "The data came from ftp://ftp.example.org/pub (now on Zenodo)."),
                    ("code", "import pandas as pd\n!scp me@host.example.org:data.csv .\n"),
                    ("code", "%%bash\nsftp me@host.example.org\n"),
                    ("code", "df = pd.read_csv('ftp://ftp.example.org/pub/x.csv')\n"))
    findings = network_findings("notebooks/explore.ipynb", text)
    assert [(d.line, d.code) for d in findings] == [(None, "blocked-protocol"), (None, "blocked-protocol"),
                                                    (None, "ftp-url")]
    assert [d.message.split(" connects")[0] for d in findings] == [
        "Cell 1, line 2 of notebooks/explore.ipynb", "Cell 2, line 2 of notebooks/explore.ipynb",
        "Cell 3, line 1 of notebooks/explore.ipynb"]


def test_r_and_julia_code():
    assert found("analysis.R", 'con <- dbConnect(RPostgres::Postgres(), "postgres://db.example.org/x")\n'
                               'd <- read.csv("ftp://ftp.example.org/x.csv")\n') == [
        (1, "blocked-protocol", "warning"), (2, "ftp-url", "warning")]
    assert found("report.Rmd", "```{r}\nx <- read.csv('https://example.org/x.csv')\n```\n") == []
    assert found("run.jl", 'download("ftp://ftp.example.org/x.csv", "x.csv")\n') == [(1, "ftp-url", "warning")]


def test_documents_are_not_searched():
    assert found("README.md", "Mirror: ftp://ftp.example.org\nssh me@host\n") == []
    assert found("data/notes.txt", "sftp://x.example.org\n") == []


def test_downloads_in_scripts_code_and_notebooks():
    assert [(d.line, d.url, d.when) for d in downloads("postBuild", (
        "#!/bin/bash\nset -e\nwget -q -O data/a.csv https://example.org/a.csv\n"
        "curl -L -o b.zip 'https://example.org/files/b.zip?download=1'\n"
        "echo see https://example.org/docs  # not a download\n"
        "wget -q -O c.csv \"https://example.org/${YEAR}.csv\"\n"))] == [
        (3, "https://example.org/a.csv", "build"), (4, "https://example.org/files/b.zip?download=1", "build")]
    assert [(d.line, d.url, d.when) for d in downloads("start", "wget -q https://example.org/w.nc\nexec \"$@\"\n")] \
        == [(1, "https://example.org/w.nc", "launch")]
    python = ("import pandas as pd\n"
              "DATA = 'https://example.org/survey.parquet'\n"
              "df = pd.read_csv('https://example.org/table.csv')\n"
              "print('Docs: https://example.org/help')\n"
              "# https://example.org/commented.csv\n"
              "df2 = pd.read_csv(f'https://example.org/{year}.csv')\n"
              "urllib.request.urlretrieve('https://example.org/model', 'model.bin')\n"
              "df3 = pd.read_csv('https://example.org/table.csv')\n")
    assert [(d.line, d.url) for d in downloads("analysis.py", python)] == [
        (2, "https://example.org/survey.parquet"), (3, "https://example.org/table.csv"),
        (7, "https://example.org/model")]
    text = notebook(("markdown", "Source: https://example.org/raw.csv"),
                    ("code", "!wget -q https://example.org/nb.csv\nx = 1\n"))
    assert [(d.line, d.where, d.url) for d in downloads("nb.ipynb", text)] == [
        (None, "cell 1, line 1", "https://example.org/nb.csv")]
    assert [d.url for d in downloads("get.R", 'download.file("https://example.org/r.rds", "r.rds")\n')] == [
        "https://example.org/r.rds"]
    assert downloads("README.md", "wget https://example.org/a.csv\n") == []


def test_url_diagnostics_say_unreachable_and_size():
    from wizard.core.common.url_check_adapter import UrlCheck

    found_ = downloads("postBuild", "wget -q -O a.csv https://example.org/a.csv\nwget -q -O b.csv https://example.org/b.csv\n")
    found_ += downloads("analysis.py", "df = pd.read_csv('https://example.org/c.csv')\n")
    checks = {"https://example.org/a.csv": UrlCheck("https://example.org/a.csv", True, 200, 123_000_000),
              "https://example.org/b.csv": UrlCheck("https://example.org/b.csv", False, 404,
                                                    problem="the server answered 404 (Not Found)", kind="status"),
              "https://example.org/c.csv": UrlCheck("https://example.org/c.csv", False,
                                                    problem="the host name example.org does not exist (DNS)")}
    result = url_diagnostics(found_, checks)
    assert [(d.file, d.line, d.code, d.severity) for d in result] == [
        ("postBuild", 1, "download-size", "info"), ("postBuild", 2, "url-unreachable", "error"),
        ("analysis.py", 1, "url-unreachable", "warning")]
    assert "123.0 MB" in result[0].message and "image grows" in result[0].message
    assert "404 (Not Found)" in result[1].message and "DNS" in result[2].message


@pytest.mark.parametrize("name, words", [
    ("data/trips.parquet", "read_parquet"), ("data/trips.csv", "Parquet"), ("climate/tas.nc", "xarray"),
    ("model/output.zarr", "xr.open_zarr"), ("images/scene.h5", "h5py"), ("dem/area.tif", "Cloud-Optimized GeoTIFF"),
    ("archive/all.zip", "pooch"),
])
def test_large_data_advice_fits_the_format(name, words):
    assert words in large_data_advice(name)


def test_the_audit_gives_large_data_advice_far_above_the_medium_tier(tmp_path):
    (tmp_path / "data").mkdir()
    with open(tmp_path / "data" / "huge.nc", "wb") as handle:  # sparse: no disk space used
        handle.truncate(LARGE_DATA + 1)
    with open(tmp_path / "data" / "medium.csv", "wb") as handle:
        handle.truncate(50_000_000)
    result = audit_files(tmp_path, ["data/huge.nc", "data/medium.csv"])
    codes = sorted((f.path, f.code, f.severity) for f in result.findings if f.path != ".")
    assert codes == [("data/huge.nc", "file-too-large", "error"), ("data/huge.nc", "large-data", "info"),
                     ("data/medium.csv", "large-file", "warning")]
    advice = next(f for f in result.findings if f.code == "large-data")
    assert "xarray" in advice.fix and not advice.blocks_commit


def test_the_audit_collects_downloads_only_when_asked(make_project):
    project = make_project({"postBuild": "#!/bin/bash\nwget -q -O a.csv https://example.org/a.csv\n",
                            "fetch.py": "import paramiko\nx = pd.read_csv('https://example.org/x.csv')\n"})
    plain = audit_files(project, ["postBuild", "fetch.py"])
    assert plain.downloads == []
    assert [(f.path, f.line, f.code) for f in plain.findings] == [("fetch.py", 1, "blocked-protocol")]
    asked = audit_files(project, ["postBuild", "fetch.py"], downloads=True)
    assert [(d.path, d.url, d.when) for d in asked.downloads] == [
        ("postBuild", "https://example.org/a.csv", "build"), ("fetch.py", "https://example.org/x.csv", "run")]
