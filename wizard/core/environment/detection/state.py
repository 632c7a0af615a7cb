"""What the detector has learnt about one folder so far: config folder, runtime.txt, pyproject.toml, findings.

repo2docker re-reads runtime.txt and pyproject.toml wherever it needs them; here each is read once and
kept, and a parse error is raised again at each later use, as repo2docker would.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from wizard.core.common.diagnostics import Diagnostic
from wizard.core.environment.detection.files import ProjectFiles, Unreadable
from wizard.core.environment.detection.parsers import NO_RUNTIME, Runtime, RuntimeTxtError, load_toml, parse_runtime
from wizard.core.environment.detection.stops import Stop, quoted_stop, unreadable_stop


@dataclass
class DetectionState:
    files: ProjectFiles
    binder_dir: str = ""
    runtime_path: str = "runtime.txt"
    _runtime: Runtime | None = None
    _pyproject: object = None
    _pyproject_loaded: bool = False
    _pyproject_error: Stop | None = None
    used: list[str] = field(default_factory=list)
    ignored: dict[str, str] = field(default_factory=dict)
    notes: list[Diagnostic] = field(default_factory=list)

    def path(self, name: str) -> str:
        return f"{self.binder_dir}/{name}" if self.binder_dir else name

    def environment_path(self) -> str:
        """environment.yml, else environment.yaml, in the config folder (repo2docker's order)."""
        rel = self.path("environment.yml")
        return rel if self.files.exists(rel) else self.path("environment.yaml")

    def runtime(self, stage: str) -> Runtime:
        if self._runtime is None:
            rel = self.runtime_path
            if not self.files.exists(rel):
                self._runtime = NO_RUNTIME
            else:
                try:
                    text = self.files.text(rel)
                except Unreadable as error:
                    raise unreadable_stop(rel, error, stage) from None
                try:
                    self._runtime = parse_runtime(text)
                except RuntimeTxtError as error:
                    raise _runtime_stop(rel, error, stage) from None
        return self._runtime

    @property
    def runtime_if_read(self) -> Runtime:
        """runtime.txt as far as detection read it (NO_RUNTIME when absent, unread or unreadable)."""
        return self._runtime or NO_RUNTIME

    def pyproject(self, stage: str):
        """The root pyproject.toml parsed with tomllib (None when absent or a config folder exists)."""
        if self._pyproject_error is not None:
            raise self._pyproject_error  # repo2docker re-reads it, and fails again, at each use
        if not self._pyproject_loaded:
            try:
                self._load_pyproject(stage)
            except Stop as stop:
                self._pyproject_error = stop
                raise
        return self._pyproject

    def _load_pyproject(self, stage: str) -> None:
        self._pyproject_loaded = True
        if self.binder_dir or not self.files.exists("pyproject.toml"):
            return
        try:
            data = self.files.raw("pyproject.toml")
        except Unreadable as error:
            raise unreadable_stop("pyproject.toml", error, stage) from None
        try:
            self._pyproject = load_toml(data.decode("utf-8"))
        except UnicodeDecodeError as error:
            raise quoted_stop("pyproject.toml", "not-utf8", "UnicodeDecodeError", str(error),
                              "pyproject.toml is not UTF-8 text.", "Save it again with UTF-8 encoding.",
                              stage) from None
        except (ValueError, RecursionError) as error:  # tomllib.TOMLDecodeError; RecursionError: 1,000 nested '['
            line = getattr(error, "lineno", None) or _toml_line(str(error))
            raise quoted_stop("pyproject.toml", "pyproject-invalid-toml", type(error).__name__, str(error),
                              "pyproject.toml is not valid TOML, and repo2docker reads it for every Python build "
                              "without a binder/ folder.",
                              "Fix the TOML syntax at the line shown (quotes, brackets, '=' between key and value).",
                              stage, line) from None

    def is_python_package(self, stage: str) -> bool:
        if self.binder_dir:
            return False
        if self.files.exists("setup.py"):
            return True
        if self.files.exists("pyproject.toml"):
            pyproject = self.pyproject(stage)
            return "project" in pyproject and "build-system" in pyproject
        return False

    def pyproject_is_package(self) -> bool:
        """pyproject.toml has [project] and [build-system] (False when it does not parse)."""
        data = self._pyproject
        if data is None and not self._pyproject_loaded:
            try:
                data = self.pyproject("render")
            except Stop:
                return False
        return isinstance(data, dict) and "project" in data and "build-system" in data

    def pyproject_has_requires_python(self) -> bool:
        data = self._pyproject
        return isinstance(data, dict) and isinstance(data.get("project"), dict) and "requires-python" in data["project"]


def _toml_line(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def _runtime_stop(rel: str, error: RuntimeTxtError, stage: str) -> Stop:
    if error.code == "runtime-invalid":
        return quoted_stop(rel, "runtime-invalid", "ValueError", error.message,
                           "runtime.txt must be one line like python-3.12 or r-4.4-2024-06-01 (name, dash, version).",
                           "Write the Python version as python-X.Y, e.g. python-3.12.", stage, 1, 1)
    return quoted_stop(rel, "runtime-invalid-date", "ValueError", error.message,
                       "The date in runtime.txt must be a real date written YYYY-MM-DD.",
                       "Write the date as YYYY-MM-DD, e.g. r-4.4-2024-06-01.", stage, 1, 1)
