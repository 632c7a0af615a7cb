"""Failed-build triage (known signatures → plain words + where to fix) and the saved build logs."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.servers.hub_server import captured_events
from wizard.core.common.git_facts import quick_git_facts
from wizard.core.launch.build_events import BuildOutcome, HubProblem, PhaseTiming
from wizard.core.launch.buildlogs import BuildLog, exclude_from_git, last_log, lines_text
from wizard.core.launch.triage import triage


def messages_of(capture: str) -> list[str]:
    out = []
    for raw in captured_events(capture):
        event = json.loads(raw[6:].split(b"\n", 1)[0])
        out.append(event.get("message", ""))
    return out


def test_broken_environment_yml_from_the_captured_stream(make_project, shared_dir):
    project = make_project({"environment.yml": "name: x\ndependencies:\n  - python=3.11\n  - pip\n   - bad: [indent\n"})
    [finding] = triage(messages_of("failed-broken-environment-yml.txt"), project)
    assert finding.code == "yaml-error"
    assert (finding.file, finding.line) == ("environment.yml", 5)
    assert "line 5" in finding.action


def test_yaml_error_with_two_places_agrees_with_step_1_and_names_both(make_project):
    """ruamel names where the block starts and where parsing stopped: step 1's check reports the second."""
    from wizard.core.environment.engine import analyse

    text = "name: x\ndependencies:\n  - python=3.11\n  - pip:\n    - numpy\n   - bad\n  - scipy\n"
    project = make_project({"environment.yml": text})
    log = ['Error during build: while parsing a block collection\n  in "environment.yml", line 3, column 3\n'
           "expected <block end>, but found '<block sequence start>'\n  in \"environment.yml\", line 6, column 4"]
    [finding] = triage(log, project)
    [step1] = [d for d in analyse(project, {}).diagnostics if d.code == "environment-yaml-error"]
    assert finding.line == step1.line == 6
    assert "line 6; the block it belongs to starts at line 3" in finding.explanation
    assert "expected <block end>" in finding.explanation and "line 6 of environment.yml" in finding.action


def test_bad_sha_from_the_captured_stream(shared_dir):
    [finding] = triage(messages_of("failed-bad-sha.txt"))
    assert finding.code == "ref-not-found" and "push" in finding.action.lower()


def test_no_environment_points_at_the_config_folder(make_project):
    project = make_project({"binder/README.md": "x", "index.ipynb": "{}"})
    messages = ["Picked Git content provider.\n", "No environment specification found. See https://repo2docker."
                "readthedocs.io/en/latest/configuration/ for supported files.\n"]
    [finding] = triage(messages, project)
    assert finding.code == "no-environment" and finding.file == "binder/requirements.txt"
    assert "step 1" in finding.action


def test_resolve_package_not_found_finds_the_line(make_project):
    project = make_project({"environment.yml": "name: x\nchannels:\n  - defaults\ndependencies:\n"
                                               "  - python=3.11\n  - appnope=0.1.0=py36hf537a9a_0\n  - libcxx=4.0.1\n"})
    log = ["Solving environment: ...working... failed\n",
           "ResolvePackageNotFound: \n  - appnope=0.1.0=py36hf537a9a_0\n  - libcxx=4.0.1\n"]
    [finding] = triage(log, project)
    assert finding.code == "conda-resolve" and (finding.file, finding.line) == ("environment.yml", 6)
    assert "appnope" in finding.explanation and "libcxx" in finding.explanation


def test_pip_no_matching_distribution_in_binder_folder(make_project):
    project = make_project({"binder/requirements.txt": "numpy==1.26\npywin32==306\n"})
    log = ["ERROR: Could not find a version that satisfies the requirement pywin32==306 (from versions: none)\n",
           "ERROR: No matching distribution found for pywin32==306\n"]
    [finding] = triage(log, project)
    assert finding.code == "pip-not-found" and (finding.file, finding.line) == ("binder/requirements.txt", 2)
    assert "pywin32" in finding.title


def test_apt_unknown_package(make_project):
    project = make_project({"apt.txt": "curl\ntexlive-generic-recommended\n"})
    [finding] = triage(["E: Unable to locate package texlive-generic-recommended\n"], project)
    assert (finding.code, finding.file, finding.line) == ("apt-not-found", "apt.txt", 2)


@pytest.mark.parametrize(("log", "code"), [
    ("bash: line 1:     8 Killed   mamba env update\nThe command returned a non-zero code: 137\n", "out-of-memory"),
    ("Rate limit exceeded. Try again in 3600 seconds.\n", "rate-limit"),
    ("Too many users on this BinderHub! Try again soon.\n", "quota"),
    ("Too many users running https://github.com/me/demo! Try again soon.\n", "quota"),
    ("Could not resolve ref for gh:me/demo/master. Double check your URL\n", "ref-not-found"),
    ("/bin/sh: 1: ./postBuild: not found\n", "postBuild-crlf"),
    ("ERROR: Could not install packages due to an OSError: [Errno 2] No such file or directory: "
     "'/home/conda/feedstock_root/build_artifacts/x'\nProcessing /home/conda/feedstock_root/x\n", "pip-file-url"),
    ("PackagesNotFoundError: The following packages are not available from current channels:\n\n  - nosuchpkg\n",
     "conda-not-found"),
    ("OSError: [Errno 28] No space left on device\n", "disk-full"),
    ("Invalid runtime.txt: python-3.9.1\n", "runtime-txt"),
])
def test_known_signatures(log, code):
    findings = triage([log])
    assert findings and findings[0].code == code
    assert all(f.explanation and f.action for f in findings)


def test_unknown_failure_has_no_findings_and_the_problem_text_is_read():
    assert triage(["some log\n", "Error during build: something odd\n"]) == []
    assert triage([], problem_text="Rate limit exceeded.")[0].code == "rate-limit"


def test_huge_log_only_scans_its_tail():
    log = ["E: Unable to locate package early\n"] + ["line\n"] * 20_000 + ["Killed\n"]
    assert [f.code for f in triage(log)] == ["out-of-memory"]


# --- saved build logs ----------------------------------------------------------------------------


def test_build_log_saved_excluded_from_git_and_reopened(make_project):
    project = make_project({"requirements.txt": "numpy\n"})
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    outcome = BuildOutcome("failed", problem=HubProblem("The build failed.", "Read below."),
                           phases=[PhaseTiming("waiting", 0.0, 1.5), PhaseTiming("failed", 1.5, 1.5)], elapsed=1.5)
    log = BuildLog(quick_git_facts(project), hub="https://mybinder.org/", provider="gh", spec="me/demo/" + "a" * 40,
                   sha="a" * 40)
    log.write("waiting", "Waiting for build to start...\n")
    log.write("failed", "Error during build")
    log.close(outcome, triage(["Killed\n"]))
    path, summary = last_log(project)
    assert path == log.path and path.parent == project / ".binder-wizard" / "logs"
    assert path.read_text().splitlines()[1:] == ["── waiting", "Waiting for build to start...", "── failed",
                                                 "Error during build"]
    assert summary["result"] == "failed" and summary["sha"] == "a" * 40
    # the keys saved logs have always had (the Launch screen reads them back)
    assert summary["problem"] == {"message": "The build failed.", "action": "Read below.", "status_code": None}
    assert summary["phases"][0] == {"phase": "waiting", "started": 0.0, "seconds": 1.5}
    assert summary["findings"][0]["code"] == "out-of-memory"
    status = subprocess.run(["git", "-C", str(project), "status", "--porcelain", "--untracked-files=all"],
                            capture_output=True, text=True, check=True).stdout
    assert ".binder-wizard" not in status and "requirements.txt" in status
    exclude_from_git(quick_git_facts(project))
    assert (project / ".git" / "info" / "exclude").read_text().count("/.binder-wizard/") == 1


def test_ready_summary_never_saves_the_server_token(make_project):
    project = make_project({})
    log = BuildLog(quick_git_facts(project), hub="h", provider="gh", spec="s")
    log.close(BuildOutcome("ready", ready={"url": "u", "token": "SECRET"}))
    assert "SECRET" not in log.summary_path.read_text()
    assert last_log(make_project({}, name="empty")) is None


def test_saved_log_text_is_the_same_written_per_phase_or_per_event(make_project):
    entries = [("waiting", "Waiting\n"), ("building", "Step 1\n"), ("building", ""), ("building", "no newline"),
               ("building", "two\nlines\n"), ("built", ""), ("ready", "ready\n")]
    per_event = BuildLog(quick_git_facts(make_project({}, name="a")), hub="h", provider="gh", spec="s")
    for phase, message in entries:
        per_event.write(phase, message)
    per_event.close()
    per_phase = BuildLog(quick_git_facts(make_project({}, name="b")), hub="h", provider="gh", spec="s")
    per_phase.write_many(iter(entries))
    per_phase.close()
    text = per_event.path.read_text()
    assert text == per_phase.path.read_text()
    assert text.splitlines()[1:] == ["── waiting", "Waiting", "── building", "Step 1", "no newline", "two", "lines",
                                     "── built", "── ready", "ready"]


def test_lines_text_ends_every_message_line():
    assert lines_text(["a\n", "b\n"]) == "a\nb\n"
    assert lines_text(["a", "", "b\n"]) == "a\n\nb\n"
    assert lines_text(["a", "", "b\n"], keep_empty=False) == "a\nb\n"
    assert lines_text(iter(["x"])) == "x\n" and lines_text([]) == ""


def test_the_saved_log_header_holds_no_control_codes_or_passwords(make_project):
    project = make_project({}, name="header")
    log = BuildLog(quick_git_facts(project), hub="https://ada:s3cret@hub.example.org/\x1b]52;c;AAAA\x07",
                   provider="gh", spec="me/demo\x1b[2J/HEAD")
    log.close()
    header = log.path.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("# binder-wizard build log: gh/me/demo")
    assert "\x1b" not in header and "\x07" not in header and "s3cret" not in header
