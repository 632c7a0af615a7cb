"""`binder-wizard requirements` proposes only pins that install on Binder's Python (issue 12): a local
version that needs a newer Python becomes the newest release for Binder's, with a note naming the other
way out (pinning the project's Python); offline, pins stay as they are and a note says they were not checked.

The project's Python is a venv of the Python running the tests (tests/core/test_deps.make_env); the package
index is served on 127.0.0.1 (tests/servers/package_index.py).
"""

from __future__ import annotations

import json
import sys

import pytest

from tests.core.test_deps import make_env, run_cli

LOCAL = f"{sys.version_info.major}.{sys.version_info.minor}"
pytestmark = pytest.mark.skipif(sys.version_info < (3, 11), reason="the project's Python must be newer than 3.10")


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    return make_env(tmp_path_factory.mktemp("envs") / "new-scipy", {
        "scipy": ("1.17.1", ["scipy/__init__.py"]), "numpy": ("1.26.4", ["numpy/__init__.py"])})


@pytest.fixture
def index(package_index):
    index = package_index()
    index.wheel("scipy", "1.15.3", requires_python=">=3.10")
    index.wheel("scipy", "1.17.1", requires_python=f">={LOCAL}")
    index.wheel("numpy", "1.26.4")
    return index


@pytest.fixture
def project(make_project):
    return make_project({"analysis.py": "import numpy\nimport scipy\n", "requirements.txt": "# packages\n"})


NOTE = (f"binder-wizard: scipy 1.17.1 (your version) needs Python >={LOCAL}; Binder will use Python 3.10 "
        f"(no runtime.txt). {{verb}} scipy==1.15.3, the newest release for Python 3.10; or keep scipy 1.17.1 and "
        f"add runtime.txt with python-{LOCAL}.\n")


def test_write_pins_the_newest_release_for_binders_python_and_names_the_other_way(project, env, index):
    code, out, err = run_cli("requirements", str(project), "--python", str(env), "--index-url", index.url,
                             "--write", "--yes")
    assert code == 0
    assert (project / "requirements.txt").read_text() == "# packages\nnumpy==1.26.4\nscipy==1.15.3\n"
    assert "+scipy==1.15.3\n" in out
    assert NOTE.format(verb="Pinned") in err


def test_text_output_proposes_the_same_pin_and_json_keeps_the_local_version(project, env, index):
    code, out, err = run_cli("requirements", str(project), "--python", str(env), "--index-url", index.url)
    assert (code, out) == (0, "numpy==1.26.4\nscipy==1.15.3\n")
    assert NOTE.format(verb="Proposed") in err
    _, out, _ = run_cli("requirements", str(project), "--python", str(env), "--index-url", index.url,
                        "--pin", "compatible")
    assert out == "numpy~=1.26\nscipy~=1.15\n"
    _, out, _ = run_cli("requirements", str(project), "--python", str(env), "--index-url", index.url,
                        "--format", "json")
    versions = {row["name"]: row["version"] for row in json.loads(out)["requirements"]}
    assert versions == {"numpy": "1.26.4", "scipy": "1.17.1"}


def test_a_python_pinned_to_the_local_one_keeps_the_local_versions(project, env, index):
    (project / "runtime.txt").write_text(f"python-{LOCAL}\n")
    code, out, err = run_cli("requirements", str(project), "--python", str(env), "--index-url", index.url)
    assert (code, out) == (0, "numpy==1.26.4\nscipy==1.17.1\n")
    assert "newest release" not in err and "not checked" not in err


def test_offline_the_pins_stay_and_a_note_says_they_were_not_checked(project, env, unreachable_url):
    code, out, err = run_cli("requirements", str(project), "--python", str(env), "--index-url", unreachable_url,
                             "--write", "--yes")
    assert code == 0
    assert (project / "requirements.txt").read_text() == "# packages\nnumpy==1.26.4\nscipy==1.17.1\n"
    assert (f"binder-wizard: could not reach the package index ({unreachable_url}): the pins were not checked "
            f"against Binder's Python 3.10\n") in err


def test_nothing_is_asked_without_versions_to_pin(project, env, index):
    code, out, _ = run_cli("requirements", str(project), "--python", str(env), "--index-url", index.url,
                           "--pin", "none")
    assert (code, out) == (0, "numpy\nscipy\n")
    assert index.pages_requested() == []


def test_the_pypi_mirror_comes_from_pip_index_url(project, env, index, monkeypatch):
    monkeypatch.setenv("PIP_INDEX_URL", index.url)
    _, out, _ = run_cli("requirements", str(project), "--python", str(env))
    assert out == "numpy==1.26.4\nscipy==1.15.3\n"
