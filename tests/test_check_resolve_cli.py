"""`binder-wizard check --resolve` (issue 12): the "resolution" JSON key, installability findings among the
others, the text line, exit codes, the index used, the cache, and what a missing Python pin changes.

Every resolution runs uv against a package index on 127.0.0.1 (tests/servers/package_index.py); a dead
proxy catches any request that would leave the machine.
"""

from __future__ import annotations

import contextlib
import io
import json
import os

import pytest

from wizard.core.environment.install import UNREACHABLE


@pytest.fixture(autouse=True)
def offline(no_internet, monkeypatch, tmp_path):
    """Offline (the shared no_internet), and none of the developer's pip or uv settings."""
    for variable in [v for v in os.environ if v.startswith(("PIP_", "UV_"))]:
        monkeypatch.delenv(variable)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # each test its own install-check cache


@pytest.fixture
def index(package_index):
    index = package_index()
    index.wheel("alpha", "1.0", padding=40_000)
    index.wheel("alpha", "2.0", requires_python=">=3.11")
    index.wheel("beta", "1.0", requires=["alpha"])
    index.wheel("winonly", "1.0", tag="py3-none-win_amd64")
    return index


def check(*argv: str) -> tuple[int, str, str]:
    from wizard.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["check", *argv])
    return code, out.getvalue(), err.getvalue()


def check_json(*argv: str) -> tuple[int, dict]:
    code, out, _ = check(*argv, "--format", "json")
    return code, json.loads(out)


def wheel_size(index, filename_start: str) -> int:
    return next(len(d.data) for dists in index.projects.values() for d in dists
                if d.filename.startswith(filename_start))


def test_installable_project_gets_an_ok_resolution_with_count_and_size_and_exit_0(make_project, index):
    project = make_project({"requirements.txt": "beta\n", "runtime.txt": "python-3.10\n"})
    code, data = check_json(str(project), "--resolve", "--index-url", index.url)
    assert code == 0 and data["ok"] is True
    assert data["resolution"] == {
        "status": "ok", "python": "3.10", "packages": 2,
        "download_bytes": wheel_size(index, "alpha-1.0-") + wheel_size(index, "beta-1.0-"),
        "index": index.url, "message": None}
    assert not [d for d in data["diagnostics"] if d["code"].startswith("install-")]
    code, out, _ = check(str(project), "--resolve", "--index-url", index.url)
    assert code == 0
    size = round(data["resolution"]["download_bytes"] / 1000)
    assert f"Installs on Binder: ✓ 2 packages, {size} KB  (Python 3.10)\n" in out


def test_installability_errors_are_diagnostics_on_their_line_and_make_exit_1(make_project, index):
    project = make_project({"requirements.txt": "alpha==2.0\nwinonly\n", "runtime.txt": "python-3.10\n"})
    assert check_json(str(project))[0] == 0  # without --resolve: the files themselves are fine
    code, data = check_json(str(project), "--resolve", "--index-url", index.url)
    assert code == 1 and data["ok"] is False
    assert data["resolution"]["status"] == "failed"
    assert data["resolution"]["packages"] is None
    found = {d["code"]: d for d in data["diagnostics"] if d["code"].startswith("install-")}
    assert set(found) == {"install-needs-newer-python", "install-no-linux-wheel"}
    newer = found["install-needs-newer-python"]
    assert (newer["file"], newer["line"], newer["severity"]) == ("requirements.txt", 1, "error")
    assert "Binder will use 3.10" in newer["message"]
    # the fix names real versions, written like every other fix (not "Fix: ...")
    assert newer["fix"] == ("Change runtime.txt to python-3.11, or pin alpha==1.0 (the newest release for "
                            "3.10).")
    assert found["install-no-linux-wheel"]["line"] == 2
    code, out, _ = check(str(project), "--resolve", "--index-url", index.url)
    assert code == 1 and "Installs on Binder: ✗ 2 problems  (Python 3.10)" in out
    assert "requirements.txt:1  [install-needs-newer-python]" in out


def test_unreachable_index_is_a_note_and_keeps_the_exit_code_of_the_rest(make_project, unreachable_url):
    fine = make_project({"requirements.txt": "alpha\n", "runtime.txt": "python-3.12\n"}, name="fine")
    code, data = check_json(str(fine), "--resolve", "--index-url", unreachable_url)
    assert code == 0 and data["ok"] is True
    assert data["resolution"] == {"status": "skipped", "python": "3.12", "packages": None, "download_bytes": None,
                                  "index": unreachable_url, "message": UNREACHABLE}
    note = next(d for d in data["diagnostics"] if d["code"] == "install-not-checked")
    assert note["severity"] == "info" and unreachable_url in note["message"]
    code, out, _ = check(str(fine), "--resolve", "--index-url", unreachable_url)
    assert code == 0
    assert f"Installs on Binder: not checked (could not reach the package index {unreachable_url})" in out
    broken = make_project({"requirements.txt": "alpha\n", "runtime.txt": "python-2.5\n"}, name="broken")
    assert check(str(broken))[0] == 1
    assert check(str(broken), "--resolve", "--index-url", unreachable_url)[0] == 1


def test_without_resolve_nothing_is_asked_and_there_is_no_resolution_key(make_project, index):
    project = make_project({"requirements.txt": "alpha\n"})
    code, data = check_json(str(project))
    assert code == 0 and "resolution" not in data
    _, out, _ = check(str(project))
    assert "Installs on Binder" not in out
    assert index.pages_requested() == []


@pytest.mark.parametrize("option", [["--refresh"], ["--index-url", "http://127.0.0.1:9/simple"]])
def test_resolve_options_without_resolve_are_usage_errors(make_project, option):
    project = make_project({"requirements.txt": "alpha\n"})
    code, _, err = check(str(project), *option)
    assert code == 2 and "only applies with --resolve" in err


def test_results_are_cached_and_refresh_asks_again(make_project, index):
    project = make_project({"requirements.txt": "alpha\n", "runtime.txt": "python-3.10\n"})
    first = check_json(str(project), "--resolve", "--index-url", index.url)
    asked = len(index.pages_requested())
    assert asked > 0
    assert check_json(str(project), "--resolve", "--index-url", index.url) == first
    assert len(index.pages_requested()) == asked  # unchanged files cost nothing
    assert check_json(str(project), "--resolve", "--index-url", index.url, "--refresh") == first
    assert len(index.pages_requested()) > asked


def test_the_pypi_mirror_comes_from_the_config_then_pip_index_url(make_project, index, package_index, monkeypatch,
                                                                tmp_path):
    project = make_project({"requirements.txt": "alpha\n", "runtime.txt": "python-3.10\n"})
    monkeypatch.setenv("PIP_INDEX_URL", index.url)
    assert check_json(str(project), "--resolve")[1]["resolution"]["index"] == index.url
    mirror = package_index()
    mirror.wheel("alpha", "1.0")
    config = tmp_path / "config.toml"
    config.write_text(f'package_index = "{mirror.url}"\n', encoding="utf-8")
    monkeypatch.setenv("BINDER_WIZARD_CONFIG", str(config))
    assert check_json(str(project), "--resolve")[1]["resolution"]["index"] == mirror.url
    assert check_json(str(project), "--resolve", "--index-url", index.url)[1]["resolution"]["index"] == index.url


def test_a_missing_python_pin_names_the_versions_that_depend_on_it(make_project, index):
    project = make_project({"requirements.txt": "alpha\nbeta\n"})
    code, data = check_json(str(project), "--resolve", "--index-url", index.url)
    note = next(d for d in data["diagnostics"] if d["code"] == "python-unpinned")
    assert "With Python 3.14 (the newest Binder offers) pip would install other versions: alpha 1.0 → 2.0." \
        in note["message"]
    assert code == 0 and data["resolution"]["python"] == "3.10"


def test_a_large_download_is_a_warning_that_says_the_size(make_project, index, monkeypatch):
    from wizard.core.environment.install import check as check_module

    monkeypatch.setattr(check_module, "LARGE_BYTES", 10_000)  # the tiny test wheels stand in for 2 GB
    project = make_project({"requirements.txt": "alpha\n", "runtime.txt": "python-3.10\n"})
    code, data = check_json(str(project), "--resolve", "--index-url", index.url)
    large = next(d for d in data["diagnostics"] if d["code"] == "install-large")
    size = round(data["resolution"]["download_bytes"] / 1000)
    assert code == 0 and large["severity"] == "warning" and f"download {size} KB of packages" in large["message"]


@pytest.mark.parametrize("files, severity", [
    ({"requirements.txt": "alpha\n"}, "warning"),
    ({"requirements.txt": "# nothing yet\n\n"}, "info"),
    ({"environment.yml": "dependencies:\n  - numpy\n"}, "warning"),
    ({"requirements.txt": "", "setup.py": "from setuptools import setup\nsetup()\n"}, "warning"),
])
def test_a_missing_python_pin_is_a_warning_when_anything_is_installed(make_project, files, severity):
    code, data = check_json(str(make_project(files)))
    note = next(d for d in data["diagnostics"] if d["code"] == "python-unpinned")
    assert note["severity"] == severity
    assert ("no longer support it" in note["message"]) == (severity == "warning")
    assert code == 0  # a warning never fails the check
