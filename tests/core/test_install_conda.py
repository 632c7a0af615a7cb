"""The conda install check (issue 12): a real py-rattler solve against a small channel the test writes.

The channel is a folder of repodata.json files read over file://, so nothing here reaches the internet; every
call lists `nodefaults` so conda-forge is not added, and a dead proxy catches any request that would leave
the machine anyway.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import pytest

from wizard.core.environment.install.conda_adapter import (
    CONDA_FORGE, DEFAULTS_CHANNELS, NOT_CHECKED, CondaSpec, binder_channels, solve_conda,
)

PY = {minor: [f"python >={minor},<3.{int(minor.split('.')[1]) + 1}.0a0"] for minor in ("3.10", "3.11", "3.12")}
SIZES = {"python-3.11.9": 31_000_000, "numpy-2.3.0-py311": 8_000_000, "pip": 1_200_000, "tqdm": 90_000}


def _record(name: str, version: str, build: str, depends=(), size: int = 1_000, subdir: str = "linux-64"):
    return f"{name}-{version}-{build}.conda", {
        "name": name, "version": version, "build": build, "build_number": 0, "depends": list(depends),
        "size": size, "subdir": subdir, "md5": "0" * 32, "sha256": "0" * 64, "timestamp": 1_700_000_000_000,
        **({"noarch": "python"} if subdir == "noarch" else {})}


def write_channel(root: Path) -> str:
    """A tiny conda channel: three Pythons, numpy releases tied to Python ranges, a package that needs an
    old numpy, one with a dependency that does not exist, and packages that exist only for macOS."""
    subdirs = {
        "linux-64": [
            _record("python", "3.10.14", "h0", size=30_000_000),
            _record("python", "3.11.9", "h0", size=SIZES["python-3.11.9"]),
            _record("python", "3.12.4", "h0", size=32_000_000),
            _record("numpy", "1.26.4", "py310h0", PY["3.10"], 7_000_000),
            _record("numpy", "1.26.4", "py311h0", PY["3.11"], 7_100_000),
            _record("numpy", "2.3.0", "py311h0", PY["3.11"], SIZES["numpy-2.3.0-py311"]),
            _record("numpy", "2.3.0", "py312h0", PY["3.12"], 8_100_000),
            _record("oldlib", "1.0", "h0", ["numpy <2"], 100_000),
            _record("brokenlib", "1.0", "h0", ["nosuchdep"], 100_000),
        ],
        "noarch": [
            _record("pip", "24.0", "pyh0", ["python >=3.8"], SIZES["pip"], "noarch"),
            _record("tqdm", "4.66.0", "pyh0", ["python >=3.8"], SIZES["tqdm"], "noarch"),
        ],
        "osx-64": [
            _record("maconly", "1.0", "h0", subdir="osx-64"),
            _record("numpy", "9.9", "h0", subdir="osx-64"),
        ],
    }
    for subdir, records in subdirs.items():
        (root / subdir).mkdir(parents=True)
        (root / subdir / "repodata.json").write_text(json.dumps(
            {"info": {"subdir": subdir}, "packages": {}, "packages.conda": dict(records)}), encoding="utf-8")
    return root.as_uri()


@pytest.fixture(autouse=True)
def offline(no_internet):
    """Every test here is offline: only the channel or index the test serves can answer."""


@pytest.fixture(scope="module")
def channel(tmp_path_factory) -> str:
    return write_channel(tmp_path_factory.mktemp("channel"))


def solve(channel: str, tmp_path: Path, *lines: str, python: str | None = None, first_line: int = 4, **options):
    """Solve `lines` as the dependencies of environment.yml, the first one on line `first_line`."""
    specs = [CondaSpec(text, "binder/environment.yml", first_line + index) for index, text in enumerate(lines)]
    options.setdefault("cache_dir", tmp_path / "cache")
    return solve_conda(specs, [channel, "nodefaults"], python, **options)


def only(result):
    """The one finding of a failed check: an error, in the file the line came from."""
    assert result.status == "failed", result
    assert len(result.diagnostics) == 1, result.diagnostics
    finding = result.diagnostics[0]
    assert finding.severity == "error" and finding.file.endswith("environment.yml")
    return finding


# ----------------------------------------------------------------------------- installable


def test_solvable_environment_counts_packages_and_download_size(channel, tmp_path):
    result = solve(channel, tmp_path, "python=3.11", "numpy", "tqdm", python="3.11")
    assert result.status == "ok" and result.diagnostics == ()
    assert dict(result.versions) == {"python": "3.11.9", "numpy": "2.3.0", "pip": "24.0", "tqdm": "4.66.0"}
    assert result.packages == 4  # pip comes with Python, as in mamba
    assert result.download_bytes == sum(SIZES.values())
    assert result.python == "3.11"


def test_binder_default_python_is_used_when_the_file_has_no_pin(channel, tmp_path):
    result = solve(channel, tmp_path, "numpy")
    assert result.status == "ok" and result.python == "3.10"
    assert dict(result.versions)["numpy"] == "1.26.4"  # the newest release that supports Python 3.10


# ----------------------------------------------------------------------------- one line at fault


def test_unknown_package_names_the_line_and_a_close_name(channel, tmp_path):
    finding = only(solve(channel, tmp_path, "tqdm", "nmupy"))
    assert (finding.line, finding.code) == (5, "conda-package-unknown")
    assert "'nmupy'" in finding.message and channel in finding.message
    assert "Did you mean numpy?" in finding.fix and "pip:" in finding.fix


def test_package_only_built_for_macos(channel, tmp_path):
    finding = only(solve(channel, tmp_path, "maconly"))
    assert (finding.line, finding.code) == (4, "conda-package-not-for-linux")
    assert "only for macOS" in finding.message and "Linux" in finding.message


def test_version_that_does_not_exist_for_linux(channel, tmp_path):
    finding = only(solve(channel, tmp_path, "tqdm", "numpy=9.9"))
    assert (finding.line, finding.code) == (5, "conda-version-unknown")
    assert "exists only for macOS" in finding.message and "2.3.0, 1.26.4" in finding.message
    assert "numpy=1.26.4" in finding.fix  # the newest that installs with Binder's default Python 3.10


def test_build_string_from_another_computer(channel, tmp_path):
    finding = only(solve(channel, tmp_path, "numpy=1.26.4=py310hd1234ab"))
    assert finding.code == "conda-build-unknown" and "py310hd1234ab" in finding.message
    assert finding.fix == "Remove the build part: numpy=1.26.4."


def test_package_that_needs_a_newer_python_than_binders_default(channel, tmp_path):
    finding = only(solve(channel, tmp_path, "numpy>=2"))
    assert (finding.line, finding.code) == (4, "conda-python-conflict")
    assert "needs Python 3.11 or newer; Binder will use Python 3.10" in finding.message
    assert "does not pin Python" in finding.message
    assert "add '- python=3.12'" in finding.fix and "numpy=1.26.4 (the newest for Python 3.10)" in finding.fix


def test_python_conflict_points_at_the_python_pin_line(channel, tmp_path):
    finding = only(solve(channel, tmp_path, "python=3.10", "numpy>=2", python="3.10"))
    assert finding.line == 5 and "python=3.10 on line 4" in finding.message
    assert "change line 4 to python=3.12" in finding.fix


def test_python_written_in_a_form_repo2docker_does_not_read(channel, tmp_path):
    finding = only(solve(channel, tmp_path, "python>=3.11", "tqdm"))
    assert (finding.line, finding.code) == (4, "conda-python-conflict")
    assert "3.10" in finding.message and "python=X.Y" in finding.message
    assert "python=3.12" in finding.fix


def test_python_the_channels_do_not_have(channel, tmp_path):
    finding = only(solve(channel, tmp_path, "python=3.13", "numpy", python="3.13"))
    assert (finding.line, finding.code) == (4, "conda-python-missing")
    assert "no Python 3.13" in finding.message and "python=3.12" in finding.fix


def test_dependency_that_does_not_exist(channel, tmp_path):
    finding = only(solve(channel, tmp_path, "brokenlib"))
    assert finding.code == "conda-unsatisfiable" and "nosuchdep" in finding.message
    assert "│" not in finding.message and "└" not in finding.message  # the solver's tree, as one sentence


# ----------------------------------------------------------------------------- lines that conflict


def test_two_lines_that_conflict_name_each_other(channel, tmp_path):
    result = solve(channel, tmp_path, "python=3.11", "numpy>=2", "tqdm", "oldlib", python="3.11")
    finding = only(result)
    assert (finding.line, finding.code) == (7, "conda-conflict")
    assert "'oldlib' cannot be installed together with 'numpy>=2' (line 5)" in finding.message
    assert "tqdm" not in finding.message  # only the lines that take part in the conflict
    assert "numpy=1.26.4" in finding.fix


def test_several_problems_are_all_reported(channel, tmp_path):
    result = solve(channel, tmp_path, "nmupy", "maconly", "numpy")
    assert result.status == "failed"
    assert [(d.line, d.code) for d in result.diagnostics] == [
        (4, "conda-package-unknown"), (5, "conda-package-not-for-linux")]


# ----------------------------------------------------------------------------- channels


def test_channels_as_binder_uses_them():
    assert binder_channels([]) == [CONDA_FORGE]
    assert binder_channels(["bioconda"]) == ["bioconda", CONDA_FORGE]
    assert binder_channels(["conda-forge", "bioconda"]) == ["conda-forge", "bioconda"]
    assert binder_channels(["defaults"]) == [*DEFAULTS_CHANNELS, CONDA_FORGE]
    assert binder_channels(["https://conda.anaconda.org/conda-forge/", "nodefaults"]) == [
        "https://conda.anaconda.org/conda-forge/"]
    assert binder_channels(["nodefaults"], [CondaSpec("bioconda::samtools", "environment.yml")]) == ["bioconda"]


def test_channel_that_does_not_exist(tmp_path):
    specs = [CondaSpec("numpy", "environment.yml", 5)]
    missing = (tmp_path / "no-such-channel").as_uri()
    result = solve_conda(specs, [CondaSpec(missing, "environment.yml", 2), "nodefaults"], cache_dir=tmp_path)
    finding = only(result)
    assert (finding.file, finding.line, finding.code) == ("environment.yml", 2, "conda-channel-unknown")
    assert missing in finding.message


def test_channel_that_refuses_connections_is_skipped_quickly(tmp_path):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/conda-forge"
    started = time.monotonic()
    result = solve_conda([CondaSpec("numpy", "environment.yml", 4)], [url, "nodefaults"], cache_dir=tmp_path,
                         timeout=20)
    assert time.monotonic() - started < 10
    assert result.status == "skipped" and result.packages is None
    assert result.message.startswith(NOT_CHECKED) and url in result.message
    assert [(d.severity, d.code) for d in result.diagnostics] == [("info", "conda-not-checked")]


def test_channel_that_never_answers_is_skipped_by_the_deadline(tmp_path):
    with socket.socket() as silent:  # accepts connections (the kernel does) and never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/conda-forge"
        started = time.monotonic()
        result = solve_conda([CondaSpec("numpy", "environment.yml", 4)], [url, "nodefaults"], cache_dir=tmp_path,
                             timeout=2)
        elapsed = time.monotonic() - started
    assert elapsed < 4
    assert result.status == "skipped" and result.message.startswith(NOT_CHECKED) and url in result.message


def test_cancel_stops_a_check_that_is_waiting(tmp_path):
    cancel = threading.Event()
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/conda-forge"

        held = []

        def cancel_once_connected():  # the check is then surely running, and stuck on this channel
            held.append(silent.accept()[0])  # kept open and silent: closing it would answer the request
            cancel.set()

        threading.Thread(target=cancel_once_connected, daemon=True).start()
        started = time.monotonic()
        result = solve_conda([CondaSpec("numpy", "environment.yml", 4)], [url, "nodefaults"], cache_dir=tmp_path,
                             timeout=60, cancel=cancel)
        elapsed = time.monotonic() - started
        for connection in held:
            connection.close()
    assert cancel.is_set() and elapsed < 10
    assert result.status == "skipped" and "cancelled" in result.message
