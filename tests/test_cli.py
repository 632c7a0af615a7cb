"""The command-line entry point: help, version, bad paths, demo project."""

from __future__ import annotations

import subprocess
import sys

import pytest

from wizard import __version__
from wizard.cli import COMMANDS, main
from wizard.demo import create_demo_project


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wizard", *args], capture_output=True, text=True, timeout=60)


def test_help_lists_every_command():
    result = run("--help")
    assert result.returncode == 0
    for name in COMMANDS:
        assert name in result.stdout


def test_version():
    result = run("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"binder-wizard {__version__}"


def test_missing_folder_is_one_line_and_exit_2(tmp_path):
    result = run(str(tmp_path / "no-such-dir"))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"binder-wizard: no such folder: {tmp_path / 'no-such-dir'}"]
    assert "Traceback" not in result.stderr


def test_file_instead_of_folder_is_a_usage_error(tmp_path, capsys):
    target = tmp_path / "notes.txt"
    target.write_text("x")
    assert main([str(target)]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_unknown_option_is_a_usage_error(capsys):
    assert_exit = None
    try:
        main(["--no-such-option"])
    except SystemExit as exit:
        assert_exit = exit.code
    assert assert_exit == 2


def test_every_subcommand_has_help():
    for name in COMMANDS:
        result = run(name, "--help")
        assert result.returncode == 0, (name, result.stderr)
        assert f"binder-wizard {name}" in result.stdout


def test_demo_project_is_copied_outside_the_package(tmp_path):
    project = create_demo_project(tmp_path)
    assert project.parent.parent == tmp_path
    assert {p.name for p in project.iterdir()} >= {"analysis.ipynb", "helpers.py", "requirements.txt", "data"}
    # deliberately imperfect: a pip-freeze local path is in the requirements
    assert "@ file:///" in (project / "requirements.txt").read_text()


def test_demo_copy_leaves_out_compiled_files(tmp_path, monkeypatch):
    from wizard import demo

    sample = tmp_path / "sample"
    (sample / "__pycache__").mkdir(parents=True)
    (sample / "__pycache__" / "helpers.cpython-311.pyc").write_bytes(b"\0")
    (sample / "helpers.py").write_text("x = 1\n")
    monkeypatch.setattr(demo, "SAMPLE", sample)
    copy = demo.create_demo_project(tmp_path)
    assert [p.name for p in copy.iterdir()] == ["helpers.py"]


def test_usage_error_shows_no_raw_escape_from_the_path(capsys, tmp_path):
    # A path with a terminal title sequence (ESC ] 0 ; ... BEL) must not reach the terminal raw.
    hostile = str(tmp_path / "\x1b]0;x\x07nope")
    assert main(["check", hostile]) == 2
    err = capsys.readouterr().err
    assert "no such folder" in err and "nope" in err
    assert "\x1b" not in err and "\x07" not in err


@pytest.mark.parametrize("command", ["check", "requirements", "publish", "launch", "badge", "convert", "workshop"])
def test_every_command_help_ends_with_examples_and_exit_codes(command, capsys):
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert "examples:\n  binder-wizard " + command in text
    codes = text[text.index("exit codes:"):]
    assert "  0  " in codes and "  1  " in codes and "  2  a usage error" in codes


def test_publish_help_names_the_token_variables(capsys):
    with pytest.raises(SystemExit):
        main(["publish", "--help"])
    text = capsys.readouterr().out
    assert "GH_TOKEN" in text and "GITHUB_TOKEN" in text and "BINDER_WIZARD_GIT_TOKEN" in text
