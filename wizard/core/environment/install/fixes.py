"""One-key fixes for the install check's findings, where the fix is mechanical: the fix text of a finding
names real versions ("pin pandas==2.3.3", "add runtime.txt with python-3.12", "did you mean scikit-learn?"),
and this turns each such phrase into an edit of one file that the UI previews as a diff.

Pure: a FileFix takes the current text of its file ("" when it does not exist yet) and returns the new one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from wizard.core.common.lazy_regex import lazy_compile
from wizard.core.common.diagnostics import Diagnostic
from wizard.core.environment.package_names import normalise

_PIN = lazy_compile(r"\b[Pp]in ([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!_-]*[A-Za-z0-9])")
_RUNTIME = lazy_compile(r"\b(?:[Aa]dd|[Cc]hange) ((?:[^\s,]+/)?)runtime\.txt (?:with|to) python-(\d+\.\d+)\b")
_CLOSE_NAME = lazy_compile(r"\b[Dd]id you mean ([A-Za-z0-9][A-Za-z0-9._-]*)\?")
# One requirement on one line of requirements.txt or of environment.yml's `pip:` list: what comes before the
# name (indentation, "- ", a quote), the name, extras, the version part, and what follows (marker, comment).
_LINE = lazy_compile(r"""^(?P<lead>\s*(?:-\s+)?["']?)(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?P<extras>\s*\[[^\]]*\])?"""
                   r"""(?P<spec>[^;#"']*?)(?P<tail>\s*(?:[;#"'].*|--\S.*)?)$""")


@dataclass(frozen=True)
class FileFix:
    relpath: str  # the file it changes, relative to the project (it may not exist yet)
    title: str  # what it does, for the preview's title ("pin pandas==2.3.3")
    apply: Callable[[str], str]  # the file's current text ("" when absent) -> the fixed text


def fixes_for(diagnostic: Diagnostic) -> list[FileFix]:
    """The mechanical fixes an install finding offers, in the order its fix text names them (and the one fix
    for an install.R Binder ignores for want of a dated runtime.txt: write one, with today's snapshot)."""
    if diagnostic.code == "file-ignored" and diagnostic.file.rsplit("/", 1)[-1] == "install.R" \
            and "dated runtime.txt" in diagnostic.message:
        from wizard.core.environment.catalog import r_runtime_line

        folder = diagnostic.file.rpartition("/")[0]
        line = r_runtime_line()
        return [FileFix(f"{folder}/runtime.txt" if folder else "runtime.txt", f"R with {line.strip()} in runtime.txt",
                        lambda text: line)]
    if not (diagnostic.code.startswith("install-") or diagnostic.code == "req-near-miss") or not diagnostic.fix:
        return []
    found: list[tuple[int, FileFix]] = []
    line = diagnostic.line
    for match in _RUNTIME.finditer(diagnostic.fix):
        folder, version = match.group(1), match.group(2)
        found.append((match.start(), FileFix(f"{folder}runtime.txt", f"Python {version} in {folder}runtime.txt",
                                             lambda text, v=version: _runtime_text(text, v))))
    if line is not None:
        for match in _PIN.finditer(diagnostic.fix):
            name, version = match.group(1), match.group(2)
            found.append((match.start(), FileFix(diagnostic.file, f"pin {name}=={version}",
                                                 lambda text, n=name, v=version: _on_line(text, line, n, pin=v))))
        close = _CLOSE_NAME.search(diagnostic.fix)
        wanted = _wanted_name(diagnostic)
        if close and wanted:
            found.append((close.start(), FileFix(diagnostic.file, f"write {close.group(1)} instead",
                                                 lambda text, n=close.group(1): _on_line(text, line, wanted, new_name=n))))
        if diagnostic.code in ("install-sklearn", "install-sklearn-alias"):
            found.append((0, FileFix(diagnostic.file, "write scikit-learn instead",
                                     lambda text: _on_line(text, line, "sklearn", new_name="scikit-learn", pin=""))))
    return [fix for _, fix in sorted(found, key=lambda item: item[0])]


def _wanted_name(diagnostic: Diagnostic) -> str | None:
    match = re.match(r"There is no package called ([A-Za-z0-9][A-Za-z0-9._-]*)", diagnostic.message) or \
        re.match(r"'([A-Za-z0-9][A-Za-z0-9._-]*)' is not a package binder-wizard knows", diagnostic.message)
    return match.group(1) if match else None


def _runtime_text(text: str, version: str) -> str:
    """runtime.txt names one Python: replace whatever line says it (an `r-...` line is not ours to change)."""
    from wizard.core.environment.install.pins import runtime_text

    return text if text.strip().startswith("r-") else runtime_text(text, version)


def replace_in_line(line: str, name: str, *, new_name: str | None = None, pin: str | None = None) -> str:
    """`line` with requirement `name` renamed and/or pinned (`pin` "" drops the version part); unchanged when
    the line does not hold that requirement."""
    match = _LINE.match(line)
    if not match or normalise(match.group("name")) != normalise(name):
        return line
    spec = match.group("spec")
    if pin is not None:
        spec = f"=={pin}" if pin else ""
        if match.group("tail").startswith(";"):
            spec += " "
    return (match.group("lead") + (new_name or match.group("name")) + (match.group("extras") or "") + spec
            + match.group("tail"))


def _on_line(text: str, number: int, name: str, *, new_name: str | None = None, pin: str | None = None) -> str:
    lines = text.split("\n")
    if not 1 <= number <= len(lines):
        return text
    line = lines[number - 1]
    ending = "\r" if line.endswith("\r") else ""
    lines[number - 1] = replace_in_line(line.removesuffix("\r"), name, new_name=new_name, pin=pin) + ending
    return "\n".join(lines)
