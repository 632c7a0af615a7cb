"""Moving medium data out of the repository (publish.data_move): postBuild written and extended byte for byte,
.gitignore added to, the data file never touched, and the URL judged against a real HTTP server."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess

import pytest

from tests.servers.data_server import DataServer
from wizard.core.common.fileio import OutsideProject
from wizard.core.common.url_check_adapter import check_url, remote_digest
from wizard.core.publish.data_move import (MARKER, DataFile, DataMoveError, apply_move, build_time_words, compare,
                                           local_digest, plan_move)
from wizard.core.publish.data_move_adapter import stop_tracking, tracked

DATA = b"year,value\n" + b"2024,1\n" * 2_000_000  # 14 MB


@pytest.fixture
def project(make_project):
    return make_project({"requirements.txt": "pandas==2.2.3\n", "data/survey.csv": DATA})


def moved(project, *files, **kwargs):
    plan = plan_move(project, list(files), **kwargs)
    apply_move(plan)
    return plan


URL = "https://zenodo.org/records/123/files/survey.csv"


def test_a_new_postbuild_is_written_exactly(project):
    plan = moved(project, ("data/survey.csv", URL))
    assert (project / "postBuild").read_bytes() == (
        b"#!/bin/bash\n"
        b"set -e\n"
        b"\n"
        b"# Data kept out of the repository: downloaded into the image while Binder builds it (binder-wizard).\n"
        b"mkdir -p data\n"
        b"wget -q -O data/survey.csv https://zenodo.org/records/123/files/survey.csv\n")
    assert os.access(project / "postBuild", os.X_OK)  # Binder runs it; so can the user, to test it
    assert (project / ".gitignore").read_bytes() == b"/data/survey.csv\n"
    assert (project / "data/survey.csv").read_bytes() == DATA  # never deleted or changed
    assert plan.postbuild == "postBuild" and plan.untrack == ()


def test_an_existing_postbuild_is_extended_keeping_every_byte(project):
    old = b"#!/bin/bash\njupyter labextension enable my-extension\necho done"  # no set -e, no final newline
    (project / "postBuild").write_bytes(old)
    (project / "postBuild").chmod(0o644)
    moved(project, ("data/survey.csv", URL))
    assert (project / "postBuild").read_bytes() == old + (
        b"\n"
        b"\n"
        b"set -e\n" + MARKER.encode() + b"\n"
        b"mkdir -p data\n"
        b"wget -q -O data/survey.csv https://zenodo.org/records/123/files/survey.csv\n")
    assert stat.S_IMODE((project / "postBuild").stat().st_mode) == 0o644  # its mode is the user's


def test_set_e_already_on_and_a_second_file_later(project, make_project):
    (project / "postBuild").write_bytes(b"#!/bin/bash\nset -euo pipefail\necho hi\n")
    (project / "maps").mkdir()
    (project / "maps" / "area map.tif").write_bytes(b"\0" * 11_000_000)
    moved(project, ("data/survey.csv", URL))
    moved(project, ("maps/area map.tif", "https://example.org/tiles?x=1&y=2"))
    assert (project / "postBuild").read_bytes() == (
        b"#!/bin/bash\nset -euo pipefail\necho hi\n"
        b"\n" + MARKER.encode() + b"\n"
        b"mkdir -p data\n"
        b"wget -q -O data/survey.csv https://zenodo.org/records/123/files/survey.csv\n"
        b"\n"
        b"mkdir -p maps\n"
        b"wget -q -O 'maps/area map.tif' 'https://example.org/tiles?x=1&y=2'\n")  # quoted: & would background it
    assert (project / ".gitignore").read_bytes() == b"/data/survey.csv\n/maps/area map.tif\n"


def test_set_plus_e_at_the_end_gets_set_e_back(project):
    (project / "postBuild").write_bytes(b"#!/bin/bash\nset -e\nset +e\nmight-fail\n")
    moved(project, ("data/survey.csv", URL))
    assert (project / "postBuild").read_bytes().startswith(b"#!/bin/bash\nset -e\nset +e\nmight-fail\n\nset -e\n")


def test_crlf_and_no_shebang(project):
    (project / "postBuild").write_bytes(b"echo one\r\necho two\r\n")
    (project / ".gitignore").write_bytes(b"__pycache__/\r\n.env")
    moved(project, ("data/survey.csv", URL))
    assert (project / "postBuild").read_bytes() == (
        b"#!/bin/bash\r\necho one\r\necho two\r\n\r\nset -e\r\n" + MARKER.encode() + b"\r\nmkdir -p data\r\n"
        b"wget -q -O data/survey.csv https://zenodo.org/records/123/files/survey.csv\r\n")
    assert (project / ".gitignore").read_bytes() == b"__pycache__/\r\n.env\r\n/data/survey.csv\r\n"


def test_the_config_folder_is_used_and_paths_stay_relative_to_the_top(project):
    (project / "binder").mkdir()
    (project / "binder" / "requirements.txt").write_text("pandas==2.2.3\n")
    plan = moved(project, ("data/survey.csv", URL))
    assert plan.postbuild == "binder/postBuild" and not (project / "postBuild").exists()
    assert b"wget -q -O data/survey.csv " in (project / "binder" / "postBuild").read_bytes()


def test_moving_twice_changes_nothing(project):
    moved(project, ("data/survey.csv", URL))
    before = {name: (project / name).read_bytes() for name in ("postBuild", ".gitignore")}
    again = plan_move(project, [("data/survey.csv", URL)])
    assert not again.changed and again.diff() == []
    assert again.notes == ("postBuild already downloads data/survey.csv (line 6); no line was added for it.",)
    apply_move(again)
    assert {name: (project / name).read_bytes() for name in before} == before


def test_the_preview_is_a_diff_of_every_file_touched(project):
    (project / ".gitignore").write_text(".env\n")
    plan = plan_move(project, [("data/survey.csv", URL)])
    diff = plan.diff()
    assert diff[:2] == ["--- /dev/null", "+++ b/postBuild"]
    assert "+wget -q -O data/survey.csv https://zenodo.org/records/123/files/survey.csv" in diff
    assert "--- a/.gitignore" in diff and "+/data/survey.csv" in diff
    assert not (project / "postBuild").exists()  # planning writes nothing
    assert "adds about 1 s–3 s to every build" in plan.summary() and "grows by 14 MB" in plan.summary()


def test_a_change_since_the_preview_writes_nothing(project):
    plan = plan_move(project, [("data/survey.csv", URL)])
    (project / ".gitignore").write_text("written meanwhile\n")
    with pytest.raises(DataMoveError, match="changed since the preview"):
        apply_move(plan)
    assert not (project / "postBuild").exists()
    assert (project / ".gitignore").read_text() == "written meanwhile\n"


@pytest.mark.parametrize("url, words", [
    ("ftp://ftp.example.org/survey.csv", "mybinder.org blocks FTP"),
    ("https://me:secret@example.org/survey.csv", "user name or password"),
    ("file:///home/me/survey.csv", "not a web address"),
    ("https://example.org/my survey.csv", "spaces"),
    ("", "No URL"),
])
def test_urls_a_build_cannot_use_are_refused(project, url, words):
    with pytest.raises(DataMoveError, match=words):
        plan_move(project, [("data/survey.csv", url)])


def test_postbuild_in_another_language_and_dockerfile_projects_are_refused(project):
    (project / "postBuild").write_text("#!/usr/bin/env python3\nprint('hi')\n")
    with pytest.raises(DataMoveError, match="python3 script") as raised:
        plan_move(project, [("data/survey.csv", URL)])
    assert "urlretrieve" in raised.value.next_action
    (project / "postBuild").unlink()
    (project / "Dockerfile").write_text("FROM quay.io/jupyter/base-notebook:2025-01-06\n")
    with pytest.raises(DataMoveError, match="ignores postBuild") as raised:
        plan_move(project, [("data/survey.csv", URL)])
    assert "RUN wget -q -O data/survey.csv" in raised.value.next_action


def test_links_out_of_the_project_are_never_written_through(project, tmp_path):
    outside = tmp_path / "elsewhere.sh"
    outside.write_text("#!/bin/bash\n")
    (project / "postBuild").symlink_to(outside)
    with pytest.raises(OutsideProject):
        plan_move(project, [("data/survey.csv", URL)])
    assert outside.read_text() == "#!/bin/bash\n"
    with pytest.raises(DataMoveError, match="not a file inside"):
        plan_move(project, [("../elsewhere.sh", URL)])


def test_a_tracked_file_is_untracked_and_stays_on_disk(project):
    git = ["git", "-c", "user.name=T", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=project, check=True)
    subprocess.run(["git", "add", "."], cwd=project, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "data"], cwd=project, check=True)
    assert tracked(project, ["data/survey.csv", "nothing.csv"]) == {"data/survey.csv"}
    plan = moved(project, ("data/survey.csv", URL), tracked=tracked(project, ["data/survey.csv"]))
    assert plan.untrack == ("data/survey.csv",)
    assert "git stops tracking data/survey.csv (git rm --cached): the file stays on your disk" in plan.diff()
    stop_tracking(project, plan.untrack)
    assert tracked(project, ["data/survey.csv"]) == set()
    assert (project / "data/survey.csv").read_bytes() == DATA
    status = subprocess.run(["git", "status", "--porcelain"], cwd=project, capture_output=True, text=True).stdout
    assert "D  data/survey.csv" in status and "?? data/" not in status  # ignored, not shown as new


def test_large_files_get_the_streaming_advice_in_the_plan(project):
    with open(project / "data" / "climate.nc", "wb") as handle:
        handle.truncate(600_000_000)
    plan = plan_move(project, [("data/climate.nc", "https://example.org/climate.nc")])
    assert any("xarray" in note for note in plan.notes)
    assert "1 min" in build_time_words(plan.total_bytes) or "2 min" in build_time_words(plan.total_bytes)


def test_build_time_words():
    assert build_time_words(200_000_000) == ("The download adds about 4 s–40 s to every build (at 5–50 MB/s, depending "
                                             "on the host), and the image grows by 200 MB.")


# ----------------------------------------------------------------------------- the URL against a real server


@pytest.fixture
def data_server():
    server = DataServer({"/survey.csv": DATA, "/other-size.csv": DATA[:-7], "/same-size.csv": DATA[:-1] + b"9"})
    yield server
    server.stop()


def test_the_verdict_on_a_url(project, data_server):
    data = DataFile("data/survey.csv", "x", len(DATA))

    def verdict(path, download=False):
        url = data_server.url(path)
        data_ = DataFile(data.path, url, data.size)
        remote = remote_digest(url, max_bytes=data.size, timeout=10) if download else None
        return compare(data_, check_url(url), remote, local_digest(project, data.path) if download else None)

    same = verdict("/survey.csv")
    assert same.ok and "same size" in same.message and not same.checked_bytes
    other = verdict("/other-size.csv")
    assert not other.ok and f"{len(DATA) - 7:,} bytes, yours is {len(DATA):,}" in other.message
    missing = verdict("/missing.csv")
    assert not missing.ok and "404 (Not Found)" in missing.message
    assert verdict("/same-size.csv").ok  # only the size was asked...
    swapped = verdict("/same-size.csv", download=True)  # ...the bytes tell them apart
    assert not swapped.ok and swapped.checked_bytes and "other bytes" in swapped.message
    exact = verdict("/survey.csv", download=True)
    assert exact.ok and exact.checked_bytes and "same contents" in exact.message
    assert local_digest(project, "data/survey.csv") == hashlib.sha256(DATA).hexdigest()
