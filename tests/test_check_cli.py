"""`binder-wizard check`: the JSON contract, exit codes, and a text report that is safe and colour-correct."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from wizard.cli import main

KEYS = {"path", "binder_dir", "buildpack", "python_version", "r_version", "files_used", "files_ignored",
        "diagnostics", "ok"}
DIAGNOSTIC_KEYS = {"file", "line", "column", "severity", "code", "message", "fix"}


def run_json(capsys, path) -> tuple[int, dict]:
    code = main(["check", str(path), "--format", "json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_json_shape_and_exit_0(make_project, capsys):
    project = make_project({"requirements.txt": "numpy==2.1.0\n", "runtime.txt": "python-3.12\n",
                            "Requirements.txt": "x\n"})
    code, report = run_json(capsys, project)
    assert code == 0
    assert set(report) == KEYS
    assert report["path"] == str(project.resolve())
    assert (report["binder_dir"], report["buildpack"], report["python_version"], report["r_version"]) == (
        "", "python", "3.12", None)
    assert report["files_used"] == ["requirements.txt", "runtime.txt"]
    assert report["files_ignored"] == [{"path": "Requirements.txt",
                                        "reason": "ignored: Binder only reads a file named exactly 'requirements.txt'"}]
    assert report["ok"] is True
    for diagnostic in report["diagnostics"]:
        assert set(diagnostic) == DIAGNOSTIC_KEYS
        assert diagnostic["severity"] in ("error", "warning", "info")


def test_json_exit_1_with_errors(make_project, capsys):
    project = make_project({"requirements.txt": "glob\nnumpy\n", "runtime.txt": "python-3.12.1\n"})
    code, report = run_json(capsys, project)
    assert code == 1 and report["ok"] is False
    found = {(d["file"], d["line"], d["code"]) for d in report["diagnostics"] if d["severity"] == "error"}
    assert ("runtime.txt", 1, "python-version-form") in found
    assert ("requirements.txt", 1, "req-stdlib") in found
    # sorted in reading order
    keys = [(d["file"], d["line"] or 0) for d in report["diagnostics"]]
    assert keys == sorted(keys)


def test_null_buildpack(make_project, capsys):
    code, report = run_json(capsys, make_project({"requirements.txt": "numpy\n", "runtime.txt": "Python-3.12\n"}))
    assert code == 1 and report["buildpack"] is None
    no_env = [d for d in report["diagnostics"] if d["code"] == "no-environment"]
    assert len(no_env) == 1 and no_env[0]["severity"] == "error"
    assert "No environment specification found" in no_env[0]["message"]
    assert "Python 3.10" in no_env[0]["message"] and "fall back" in no_env[0]["message"]


def test_usage_errors_exit_2(tmp_path, capsys):
    assert main(["check", str(tmp_path / "missing")]) == 2
    assert "no such folder" in capsys.readouterr().err
    file = tmp_path / "file.txt"
    file.write_text("x")
    assert main(["check", str(file)]) == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "--format", "xml"])
    assert exit_info.value.code == 2


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read anything")
def test_unreadable_path_exits_2(tmp_path, capsys):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0)
    try:
        assert main(["check", str(folder)]) == 2
    finally:
        folder.chmod(0o755)


def test_text_report_plain_when_not_a_tty(make_project, capsys):
    project = make_project({"environment.yml": "dependencies:\n  - python=3.12\n", "requirements.txt": "numpy\n"})
    assert main(["check", str(project)]) == 0
    out = capsys.readouterr().out
    assert "\x1b[" not in out
    assert "What Binder will build: Python 3.12" in out
    assert "requirements.txt — environment.yml wins over requirements.txt" in out
    assert out.rstrip().endswith("before you push.") or "OK: Binder should build this project" in out


def test_untrusted_text_is_never_markup(make_project, capsys):
    project = make_project({"requirements.txt": "[bold red]boom[/bold red]\n\x1b[31mred\n",
                            "[link=x]notes[/link].txt": ""})
    code = main(["check", str(project)])
    out = capsys.readouterr().out
    assert code == 1
    assert "[bold red]boom[/bold red]" in out
    assert "\x1b" not in out


def _run_cli(project, env_extra: dict) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    env.update(env_extra)
    result = subprocess.run([sys.executable, "-m", "wizard", "check", str(project)], capture_output=True,
                            text=True, env=env, timeout=60)
    return result.stdout


def test_colour_on_a_terminal_and_no_color_honoured(make_project):
    project = make_project({"requirements.txt": "glob\n"})
    coloured = _run_cli(project, {"FORCE_COLOR": "1", "TERM": "xterm-256color"})  # Rich's stand-in for a TTY
    assert "\x1b[" in coloured
    plain = _run_cli(project, {"FORCE_COLOR": "1", "TERM": "xterm-256color", "NO_COLOR": "1"})
    assert "\x1b[3" not in plain and "\x1b[9" not in plain  # no colour codes (bold is allowed)
    assert "req-stdlib" in plain


def test_check_does_not_import_textual_or_heavy_modules(make_project):
    project = make_project({"requirements.txt": "numpy==2.1.0\n"})
    code = ("import sys; from wizard.cli import main; rc = main(['check', %r, '--format', 'json']); "
            "print(sorted(m for m in ('textual', 'git', 'httpx', 'ruamel', 'repo2docker') if m in sys.modules))"
            % str(project))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_coloured_and_plain_reports_say_the_same_words(make_project):
    import re

    project = make_project({"requirements.txt": "glob\nnumpy\n", "Runtime.txt": "python-3.12\n"})
    plain = _run_cli(project, {})
    coloured = _run_cli(project, {"FORCE_COLOR": "1", "TERM": "xterm-256color", "COLUMNS": "400"})
    assert "\x1b[" not in plain
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_a_failing_import_scan_never_costs_the_report(make_project, capsys, fmt):
    """environment.yml nested 1,200 levels deep once crashed the import scan with a traceback: still one report."""
    project = make_project({"environment.yml": "dependencies: " + "[" * 1200 + "]" * 1200 + "\n"})
    code = main(["check", str(project), "--format", fmt])
    out = capsys.readouterr().out
    assert code == 1
    if fmt == "json":
        report = json.loads(out)
        assert set(report) == KEYS and report["ok"] is False
        assert "environment-yaml-error" in {d["code"] for d in report["diagnostics"]}
    else:
        assert "NOT READY" in out


def test_import_scan_bug_is_one_info_line(make_project, capsys, monkeypatch):
    import wizard.core.environment.deps as deps

    def broken(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(deps, "code_diagnostics", broken)
    code, report = run_json(capsys, make_project({"requirements.txt": "numpy==2.1.0\n",
                                                  "runtime.txt": "python-3.12\n"}))
    assert code == 0 and report["ok"] is True
    failed = [d for d in report["diagnostics"] if d["code"] == "import-scan-failed"]
    assert len(failed) == 1 and failed[0]["severity"] == "info" and "RecursionError" in failed[0]["message"]


def _run_cli_bytes(project, fmt: str, env_extra: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    env.update(env_extra)
    return subprocess.run([sys.executable, "-m", "wizard", "check", str(project), "--format", fmt],
                          capture_output=True, env=env, timeout=60)


def test_output_survives_odd_encodings(make_project):
    """A folder name that is not UTF-8, and a stream that cannot show '✓' (Windows cp1252, ASCII)."""
    project = make_project({"requirements.txt": "numpy==2.1.0\n", "runtime.txt": "python-3.12\n"})
    os.mkdir(os.fsencode(project) + b"/caf\xe9")
    (project / os.fsdecode(b"caf\xe9") / "requirements.txt").write_text("x\n")
    result = _run_cli_bytes(project, "json", {"PYTHONIOENCODING": "utf-8"})
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.decode("utf-8"))  # strictly valid UTF-8 JSON
    assert report["files_ignored"][0]["path"] == os.fsdecode(b"caf\xe9") + "/requirements.txt"
    for encoding in ("ascii", "cp1252", "utf-8"):
        result = _run_cli_bytes(project, "text", {"PYTHONIOENCODING": encoding})
        assert result.returncode == 0 and b"Traceback" not in result.stderr, result.stderr
        assert b"OK: Binder should build this project" in result.stdout


@pytest.mark.parametrize("colour", [False, True])
def test_reader_closing_the_pipe_early_is_quiet_and_keeps_the_exit_code(make_project, colour):
    """`binder-wizard check | head -1` on a report bigger than the pipe buffer: no traceback, exit 0 still."""
    files = {"requirements.txt": "numpy==2.1.0\n", "runtime.txt": "python-3.12\n"}
    for i in range(60):
        files.update({f"d{i}/{name}": "x\n" for name in ("requirements.txt", "environment.yml", "Pipfile",
                                                         "Dockerfile", "runtime.txt", "apt.txt")})
    project = make_project(files)
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    if colour:
        env.update(FORCE_COLOR="1", TERM="xterm-256color")
    process = subprocess.Popen([sys.executable, "-m", "wizard", "check", str(project)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=env)
    assert process.stdout.readline().startswith(b"\x1b[1mbinder-wizard check" if colour else b"binder-wizard check")
    process.stdout.close()  # like head: stop reading
    stderr = process.stderr.read()
    assert process.wait(timeout=60) == 0  # the verdict (Rich alone would exit 1)
    assert b"Traceback" not in stderr and b"BrokenPipe" not in stderr, stderr


@pytest.mark.parametrize("module, function, limit, code", [
    # A named pipe called analysis.py, or a file on a hung network drive: the code scan blocks forever.
    ("wizard.core.environment.deps", "code_diagnostics", "IMPORT_SCAN_SECONDS", "import-scan-failed"),
    ("wizard.commands.check", "_audit", "AUDIT_SECONDS", "audit-failed"),  # the audit's reads, likewise
])
def test_a_scan_that_never_finishes_does_not_hang_check(make_project, capsys, monkeypatch, module, function,
                                                         limit, code):
    """check answers anyway (it runs as a pre-commit hook), with one info line saying what is missing."""
    import importlib
    import threading

    import wizard.commands.check as check_command

    release = threading.Event()
    monkeypatch.setattr(importlib.import_module(module), function, lambda *args, **kwargs: release.wait() and ())
    monkeypatch.setattr(check_command, limit, 0.2)
    try:
        exit_code, report = run_json(capsys, make_project({"requirements.txt": "numpy==2.1.0\n",
                                                           "runtime.txt": "python-3.12\n"}))
    finally:
        release.set()
    assert exit_code == 0 and report["ok"] is True
    failed = [d for d in report["diagnostics"] if d["code"] == code]
    assert len(failed) == 1 and "still running after 0.2 s" in failed[0]["message"]
