"""Explain a failed build: known failure signatures in the log → plain words, an action, and where to fix it.

Signatures come from shared design/beginner-failures.md and the captured streams. When a finding
points at an environment file, `file` is the path in the project (in `binder/` or `.binder/` when
that is where repo2docker looks) and `line` the 1-based line to fix, when it can be found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from wizard.core.common.lazy_regex import lazy_compile
from wizard.core.common.fileio import read_text

# Failures show up at the end of the log; a huge log is only scanned at its tail.
TAIL_LINES = 5000


@dataclass(frozen=True)
class Finding:
    code: str
    title: str
    explanation: str
    action: str
    file: str | None = None
    line: int | None = None


def triage(messages: Iterable[str], project: Path | None = None, problem_text: str = "") -> list[Finding]:
    """Findings for a failed build's log messages (most specific first; empty when nothing is recognised)."""
    lines: list[str] = []
    for message in messages:
        lines.extend(message.splitlines())
        if len(lines) > 2 * TAIL_LINES:
            del lines[:-TAIL_LINES]
    lines = lines[-TAIL_LINES:]
    if problem_text:
        lines.extend(problem_text.splitlines())
    text = "\n".join(lines)
    files = _ProjectFiles(project)
    findings: list[Finding] = []
    for check in _CHECKS:
        found = check(text, files)
        if found and all(f.code != found.code for f in findings):
            findings.append(found)
    return findings


def where(finding: Finding) -> str:
    """"environment.yml, line 5", "apt.txt" or "" — where a finding says to fix."""
    if finding.file and finding.line:
        return f"{finding.file}, line {finding.line}"
    return finding.file or ""


def summary(problem, findings: list[Finding]) -> str:
    """One sentence for a failed launch (`launch --format json`'s "error"): a failed build is named by its
    most specific finding, with the file and line when known; the hub's own problems (rate limit, login,
    a missing ref...) keep their words, which already say what to do."""
    from wizard.core.launch.build_events import BUILD_FAILED

    if problem is None:
        return BUILD_FAILED
    if problem.message != BUILD_FAILED or problem.status_code is not None or not findings:
        return str(problem)
    first = findings[0]
    spot = where(first)
    if first.line and first.file and first.title.startswith(first.file + " "):  # "x.yml is not valid YAML"
        spot = f"line {first.line}"
    return f"The build failed: {first.title}" + (f" ({spot})." if spot else ".")


def as_json(finding: Finding) -> dict:
    """A finding in `launch --format json`'s "problems"."""
    return {"title": finding.title, "explanation": finding.explanation, "fix": finding.action,
            "file": finding.file, "line": finding.line}


class _ProjectFiles:
    """Finds an environment file where repo2docker reads it, and a line in it."""

    def __init__(self, project: Path | None) -> None:
        self.project = project
        self.config_dir = ""
        if project is not None:
            from wizard.core.environment import config_folder

            self.config_dir = config_folder(project)

    def path(self, name: str) -> str:
        name = name.strip().lstrip("./")
        if self.project is None:
            return name
        for candidate in (f"{self.config_dir}/{name}" if self.config_dir else name, name):
            if (self.project / candidate).is_file():
                return candidate
        return f"{self.config_dir}/{name}" if self.config_dir else name

    def line_of(self, name: str, pattern: str) -> int | None:
        if self.project is None:
            return None
        try:
            text = read_text(self.project / self.path(name), limit=2_000_000)
        except OSError:
            return None
        regex = re.compile(pattern, re.IGNORECASE)
        for number, line in enumerate(text.splitlines(), 1):
            if regex.search(line):
                return number
        return None


def _package_line(name: str) -> str:
    return rf"^\s*(?:-\s*)?{re.escape(name)}\s*(?:[=<>!~;\[@ ]|$)"


def _no_environment(text: str, files: _ProjectFiles) -> Finding | None:
    if "No environment specification found" not in text:
        return None
    return Finding(
        "no-environment", "Binder found no environment file",
        "The hub could not find requirements.txt, environment.yml or any other file that says what your "
        "project needs. mybinder.org refuses to build a project without one (since March 2026).",
        "Go to step 1, create requirements.txt (or environment.yml) there, then publish again.",
        files.path("requirements.txt") if files.project else None)


_YAML_PLACE = lazy_compile(r'^\s*in "(?P<file>[^"\n]+)", line (?P<line>\d+)(?:, column \d+)?\s*$')


def _yaml_error(text: str, files: _ProjectFiles) -> Finding | None:
    """repo2docker's YAML error: the parser's words, then `in "file", line N` once or twice (where the
    enclosing block starts, then where parsing stopped). The line to fix is the last one: step 1's own
    check reports that line too, so step 3 and step 1 agree; the block's start is said as well."""
    start = text.find("Error during build: ")
    if start < 0:
        return None
    lines = text[start + len("Error during build: "):].splitlines()[:8]
    places = [(i, _YAML_PLACE.match(line)) for i, line in enumerate(lines)]
    places = [(i, m) for i, m in places if m]
    if not places or places[0][0] != 1:  # the location follows the parser's first line
        return None
    last_index, last = places[-1]
    name, line = last["file"], int(last["line"])
    what = lines[last_index - 1].strip() if last_index > 0 else lines[0].strip()
    block = [int(m["line"]) for _, m in places[:-1] if m["file"] == name and int(m["line"]) != line]
    where = f"line {line}" + (f"; the block it belongs to starts at line {block[0]}" if block else "")
    return Finding(
        "yaml-error", f"{name} is not valid YAML",
        f"repo2docker could not read {name}: {what} ({where}). Usually a line is "
        "indented differently from its neighbours, or a ':' is missing after a key.",
        f"Fix the indentation at line {line} of {name} in step 1.",
        files.path(name), line)


def _resolve_package_not_found(text: str, files: _ProjectFiles) -> Finding | None:
    match = re.search(r"ResolvePackageNotFound:\s*\n((?:\s*-\s*\S+\s*\n?)+)", text)
    if not match:
        return None
    packages = re.findall(r"-\s*(\S+)", match.group(1))
    first = packages[0].split("=")[0] if packages else ""
    return Finding(
        "conda-resolve", "conda could not find packages from environment.yml",
        "These packages (or exact builds) do not exist for Linux: " + ", ".join(packages[:8]) + ". This "
        "usually happens with an environment exported on macOS or Windows with build strings.",
        "Remove the build strings (the part after the second '='), and drop macOS/Windows-only packages.",
        files.path("environment.yml"), files.line_of("environment.yml", _package_line(first)) if first else None)


def _conda_not_available(text: str, files: _ProjectFiles) -> Finding | None:
    match = re.search(r"PackagesNotFoundError:.*?\n\s*\n\s*-\s*(\S+)", text, re.DOTALL) or \
        re.search(r"nothing provides requested (\S+)", text)
    if not match:
        return None
    name = re.split(r"[=<>!~ ]", match.group(1))[0]
    return Finding(
        "conda-not-found", f"conda cannot find the package {name}",
        f"{name} is not available from the conda channels in environment.yml (a typo, a pip-only package, "
        "or a version that does not exist).",
        f"Check the spelling of {name}, add conda-forge to channels, or move it under '- pip:'.",
        files.path("environment.yml"), files.line_of("environment.yml", _package_line(name)))


def _pip_no_distribution(text: str, files: _ProjectFiles) -> Finding | None:
    match = re.search(r"No matching distribution found for ([^\s;]+)", text) or \
        re.search(r"Could not find a version that satisfies the requirement ([^\s;]+)", text)
    if not match:
        return None
    requirement = match.group(1)
    name = re.split(r"[=<>!~\[@ ]", requirement)[0]
    line = files.line_of("requirements.txt", _package_line(name))
    env_line = None if line else files.line_of("environment.yml", _package_line(name))
    target = "requirements.txt" if line or not env_line else "environment.yml"
    return Finding(
        "pip-not-found", f"pip cannot install {requirement}",
        f"No version of {name} installs on Binder's Linux with this Python: a typo, a package that exists only "
        "for Windows or macOS, a module of Python itself, or a version pin too old or too new.",
        f"Check the name (for example sklearn → scikit-learn, cv2 → opencv-python), loosen the pin, or "
        f"remove the line for {name}.",
        files.path(target), line or env_line)


def _apt_unknown(text: str, files: _ProjectFiles) -> Finding | None:
    match = re.search(r"E: Unable to locate package (\S+)", text)
    if not match:
        return None
    name = match.group(1)
    return Finding(
        "apt-not-found", f"apt.txt names a package Ubuntu does not have: {name}",
        f"Binder images are Ubuntu 24.04 (noble); there is no package called {name} there. It may have been "
        "renamed.",
        f"Look up the noble name of {name} (packages.ubuntu.com) and fix that line of apt.txt.",
        files.path("apt.txt"), files.line_of("apt.txt", rf"^\s*{re.escape(name)}\s*$"))


def _out_of_memory(text: str, files: _ProjectFiles) -> Finding | None:
    if not re.search(r"returned a non-zero code: 137|exit code:? 137|^\S*.*\bKilled\b", text, re.MULTILINE):
        return None
    return Finding(
        "out-of-memory", "The build ran out of memory",
        "A step of the build was killed for using too much memory (exit 137). Solving a large, unpinned conda "
        "environment or building JupyterLab extensions are the usual causes.",
        "Use only the conda-forge channel, pin the big packages, and install prebuilt extensions from pip.",
        None)


def _rate_limit(text: str, files: _ProjectFiles) -> Finding | None:
    if "Rate limit exceeded" not in text and "rate limit" not in text.lower():
        return None
    return Finding("rate-limit", "Too many launches from your network",
                   "The hub allows a limited number of launches per hour from one address; a workshop room "
                   "behind one network shares it.", "Wait until the time shown, then launch once.")


def _quota(text: str, files: _ProjectFiles) -> Finding | None:
    match = re.search(r"Too many users (?:on this BinderHub|running \S+)", text)
    if not match:
        return None
    return Finding("quota", "The hub is full", f"The hub said: {match.group(0)}. This is not a problem with your "
                   "project.", "Try again in a few minutes.")


def _ref_not_found(text: str, files: _ProjectFiles) -> Finding | None:
    if "Could not resolve ref" not in text and not re.search(r"fatal: Could not parse object|reset', '--hard", text):
        return None
    return Finding(
        "ref-not-found", "The hub could not find that commit or branch",
        "The branch, tag or commit in the link is not in the repository the hub sees: it was not pushed, it "
        "was misspelt, or the repository is private (mybinder.org only sees public repositories).",
        "Publish (push) in step 2, use HEAD or the pushed commit, and make the repository public.")


def _runtime_txt(text: str, files: _ProjectFiles) -> Finding | None:
    match = re.search(r"Invalid runtime\.txt[^\n]*|python_version must always be specified[^\n]*|"
                      r"Python version \S+ on linux-64 is not supported[^\n]*", text)
    if not match:
        return None
    return Finding("runtime-txt", "runtime.txt asks for a Python version Binder cannot use",
                   f"repo2docker said: {match.group(0)}", "Write one line like python-3.12 in runtime.txt.",
                   files.path("runtime.txt"), 1)


def _postbuild_crlf(text: str, files: _ProjectFiles) -> Finding | None:
    match = re.search(r"(\S*(postBuild|start)): not found|\$'\\r': command not found", text)
    if not match:
        return None
    name = "start" if match.group(2) == "start" else "postBuild"
    return Finding(f"{name}-crlf", f"{name} could not run",
                   f"{name} has Windows line endings (CRLF) or no '#!/bin/bash' first line, so Linux cannot run it.",
                   f"Convert {name} to LF line endings and start it with #!/bin/bash and set -e.",
                   files.path(name), 1)


def _pip_file_url(text: str, files: _ProjectFiles) -> Finding | None:
    if not re.search(r"@ file://|Processing /home/conda/feedstock_root|/croot/|/opt/conda/conda-bld", text):
        return None
    return Finding("pip-file-url", "requirements.txt points at files on your computer",
                   "Lines like 'package @ file:///…' come from 'pip freeze' in a conda environment; those paths "
                   "do not exist on Binder.", "Rewrite each such line as name==version.",
                   files.path("requirements.txt"), files.line_of("requirements.txt", r"@ file://"))


def _disk_full(text: str, files: _ProjectFiles) -> Finding | None:
    if "No space left on device" not in text:
        return None
    return Finding("disk-full", "The build ran out of disk space",
                   "The repository, its data or its packages are too big for Binder's build space (about 2 GB).",
                   "Keep large data out of the repository: download it when the notebook runs.")


_CHECKS = (
    _no_environment, _yaml_error, _resolve_package_not_found, _conda_not_available, _pip_file_url,
    _pip_no_distribution, _apt_unknown, _runtime_txt, _postbuild_crlf, _out_of_memory, _disk_full,
    _ref_not_found, _quota, _rate_limit,
)
