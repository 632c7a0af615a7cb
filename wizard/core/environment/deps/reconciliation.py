"""The reconcile view's engine: what differs between the code and the declared requirements file,
and the file text after applying a change. The UI shows `reconcile()` rows, previews
`apply_rows()` as a diff, and writes only what the user accepted.

Row kinds:
  "undeclared"     imported but not declared         -> apply: add the requirement line
  "unused"         declared but never imported       -> apply: remove that line (only when the
                                                        user picks this row; never done on its own)
  "platform-only"  a Windows/macOS-only package      -> apply: add a marker (`; sys_platform == "win32"`)
  "cannot-install" a pin Linux cannot install (`@ file:///...`, `==2.1+cu118`)
                                                      -> apply: rewrite as `name==version` when known
  "unresolved"     imported, no distribution found   -> nothing to apply; the user decides
  "pin-python"     the project's Python, for runtime.txt -> apply: the added lines keep the local versions
                   (`keep_line`) instead of older ones that install on Binder's Python; the caller writes
                   `new_line` into `file`
Given a pin review (wizard.core.environment.install.pins), an added line whose local version does not install on
Binder's Python proposes the newest release that does; when the project's own Python would install every
local version, a "pin-python" row offers that instead. The user chooses; neither is done unasked.
`new_requirements_text()` is what `binder-wizard requirements --write` uses: it only adds lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from wizard.core.environment.deps.declared import Declared, logical_lines, parse_requirements
from wizard.core.environment.deps.inference import Inference, Package, Pin, format_requirement
from wizard.core.environment.package_names import normalise, platform_of_distribution

_MARKERS = {"Windows": 'sys_platform == "win32"', "macOS": 'sys_platform == "darwin"'}


@dataclass(frozen=True)
class ReconcileRow:
    kind: str  # see the module docstring
    name: str  # distribution (or the import, for unresolved rows)
    message: str  # one plain sentence for the user
    line: int | None = None  # line in the requirements file this row is about (declared rows)
    new_line: str | None = None  # the line that applying adds or puts in place of `line`
    package: Package | None = None
    keep_line: str | None = None  # "undeclared": the line with the local version, used when Python is pinned
    file: str | None = None  # "pin-python": the file `new_line` goes in (runtime.txt)

    @property
    def can_apply(self) -> bool:
        return self.kind in {"undeclared", "unused", "platform-only", "pin-python"} or (
            self.kind == "cannot-install" and self.new_line is not None)


def _where(package: Package, limit: int = 3) -> str:
    shown = [location.describe() for location in package.locations[:limit]]
    more = len(package.locations) - limit
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def reconcile(inference: Inference, pin: Pin = "exact", review=None, python_file: str | None = None,
              python_why: str = "no runtime.txt") -> list[ReconcileRow]:
    """The rows of the reconcile view. `review` (a PinReview, or None: pins not checked) says which local
    versions do not install on Binder's Python; `python_file` is where the project's Python may be pinned
    instead (None: nowhere the view can write), `python_why` where Binder's Python comes from now."""
    file = inference.target.path.name if inference.target.path else "requirements.txt"
    rows: list[ReconcileRow] = []
    kept: list[str] = []  # packages whose local version a pinned Python would keep
    for package in inference.packages:
        if package.status == "undeclared":
            how = " (matched by name)" if package.source == "popular" else ""
            message = f"{package.name}{how} is imported in {_where(package)} but not in {file}."
            advice = review.for_name(package.name) if review is not None and pin != "none" else None
            new_line, keep_line = package.requirement_line(pin), None
            if advice is not None and advice.binder:
                new_line = format_requirement(package.name, advice.binder, pin)
                message += (f" {advice.sentence(python_why)} Proposed: {advice.binder}, the newest release for "
                            f"Python {advice.python}.")
                if advice.local_python:
                    keep_line = package.requirement_line(pin)
                    kept.append(f"{package.name} {advice.local}")
            elif advice is not None:
                message += f" {advice.sentence(python_why)} No release installs there."
            rows.append(ReconcileRow("undeclared", package.name, message, new_line=new_line, package=package,
                                     keep_line=keep_line))
        elif package.status == "unused":
            rows.append(ReconcileRow("unused", package.name,
                                     f"{package.name} is in {file} but no code or notebook imports it "
                                     f"(fine for plugins and Jupyter extensions).",
                                     line=package.declared_line, package=package))
        elif package.status == "unresolved":
            rows.append(ReconcileRow("unresolved", package.name,
                                     f"`{package.name}` is imported in {_where(package)} but no known package "
                                     f"provides it: check its name on PyPI before adding it.", package=package))
    local_python = review.local_python if review is not None else None
    if kept and local_python and python_file:
        rows.append(ReconcileRow(
            "pin-python", "python",
            f"Instead of older releases: Binder uses Python {local_python}, your Python, and installs your "
            f"versions ({', '.join(kept)}).", new_line=f"python-{local_python}", file=python_file))
    for item in inference.platform_only:
        if item.declared is not None:
            rows.append(ReconcileRow(
                "platform-only", item.name,
                f"{item.name} only installs on {item.platform}; on Binder (Linux) this line makes the build fail.",
                line=item.declared.line, new_line=f"{item.declared.text} ; {_MARKERS[item.platform]}"))
    for declared in inference.declared:
        if declared.local_path or declared.local_version:
            version = declared.local_version.split("+", 1)[0] if declared.local_version else (
                inference.environment.version_of(declared.name) if inference.environment else None)
            reason = ("points to a file on your computer" if declared.local_path
                      else f"pins a local build ({declared.local_version}) that PyPI does not have")
            rows.append(ReconcileRow("cannot-install", declared.name,
                                     f"{declared.name} {reason}; Binder cannot install it.",
                                     line=declared.line,
                                     new_line=f"{declared.name}=={version}" if version else None))
    return rows


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def new_requirements_text(existing: str, lines: list[str]) -> str:
    """`existing` with each of `lines` appended unless it already declares that name (for Linux).

    Every existing line, comment, option and blank line stays, in order; nothing is removed.
    """
    declared = {normalise(d.name) for d in parse_requirements(existing) if d.on_linux}
    additions = []
    for line in lines:
        parsed = parse_requirements(line)
        key = normalise(parsed[0].name) if parsed else line
        if key not in declared:
            declared.add(key)
            additions.append(line)
    if not additions:
        return existing
    newline = _newline(existing)
    text = existing
    if text and not text.endswith(("\n", "\r")):
        text += newline
    if text.rstrip().endswith("\\"):  # a dangling continuation would swallow our first line
        text += newline
    return text + newline.join(additions) + newline


def _physical_span(text: str, line: int) -> tuple[int, int]:
    """The physical lines (0-based start, end exclusive) of the logical requirement starting at `line`."""
    starts = [number for number, _ in logical_lines(text)]
    following = [n for n in starts if n > line]
    end = (following[0] - 1) if following else len(text.splitlines())
    return line - 1, end


def apply_rows(text: str, rows: list[ReconcileRow]) -> str:
    """The requirements text with the chosen rows applied (the UI previews this as a diff)."""
    newline = _newline(text)
    lines = text.splitlines()
    replace: dict[int, str | None] = {}
    for row in rows:
        if row.line is None or row.kind not in {"unused", "platform-only", "cannot-install"}:
            continue
        if row.kind == "cannot-install" and row.new_line is None:
            continue
        start, end = _physical_span(text, row.line)
        comment = ""
        original = lines[start] if start < len(lines) else ""
        if row.kind != "unused" and "#" in original and end - start == 1:
            comment = "  " + original[original.index("#"):]
        for index in range(start, end):
            replace[index] = None
        replace[start] = None if row.kind == "unused" else row.new_line + comment
    kept = [replace.get(i, line) if i in replace else line for i, line in enumerate(lines)]
    result = newline.join(line for line in kept if line is not None)
    if lines and (text.endswith(("\n", "\r")) or not result):
        result += newline if result else ""
    python_pinned = any(row.kind == "pin-python" for row in rows)
    additions = [(row.keep_line if python_pinned and row.keep_line else row.new_line)
                 for row in rows if row.kind == "undeclared" and row.new_line]
    return new_requirements_text(result, additions) if additions else result


def declared_platform_rows(declared: list[Declared]) -> list[Declared]:
    """Declared lines whose package only exists for another OS (used by validators too)."""
    return [d for d in declared if platform_of_distribution(d.name) and not d.has_marker]
