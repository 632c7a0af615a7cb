"""Reading one file of any supported kind into imports: `.py`, `.ipy`, `.ipynb`, `.R`, `.Rmd`, `.qmd`.

Nothing here raises on bad input: undecodable bytes, broken JSON, syntax errors and unknown
notebook formats fall back to forgiving scans, and the result says so (`FileScan.tolerant`).

Notebook locations: `Location.line` is the line within the notebook's code cells joined in order
(each cell followed by a newline), and `Location.cell` the 1-based position of the cell among
all cells (markdown included), as a reader counts them from the top.
"""

from __future__ import annotations

import codecs
import json
import re
import shlex
import tokenize
from dataclasses import dataclass, field
from io import BytesIO

from wizard.core.common.lazy_regex import lazy_compile
from wizard.core.environment.deps.python_source import FoundImport, imports_by_lines, python_imports
from wizard.core.environment.requirement_syntax import simple_requirement


@dataclass(frozen=True)
class Location:
    file: str  # relative to the project, with forward slashes
    line: int | None
    cell: int | None = None

    def describe(self) -> str:
        if self.cell is not None:
            return f"{self.file} cell {self.cell}"
        return f"{self.file} line {self.line}" if self.line else self.file


@dataclass(frozen=True)
class ImportSite:
    module: str
    location: Location
    context: str


@dataclass(frozen=True)
class InstallSite:
    """`%pip install name` / `!conda install name` in a notebook: the user named the distribution."""

    name: str
    version: str | None  # when pinned with ==
    location: Location


@dataclass
class FileScan:
    imports: list[ImportSite] = field(default_factory=list)
    installs: list[InstallSite] = field(default_factory=list)
    r_packages: list[tuple[str, Location]] = field(default_factory=list)
    local_modules: set[str] = field(default_factory=set)  # e.g. from %%writefile helpers.py
    tolerant: bool = False  # some of it did not parse; a line scanner was used


def decode_source(data: bytes) -> str:
    """Bytes of a source file -> text: BOM / PEP 263 cookie, then UTF-8, then Latin-1 (never fails)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace").lstrip("\ufeff").replace("\x00", "")
    try:
        encoding, _ = tokenize.detect_encoding(BytesIO(data).readline)
        codecs.lookup(encoding)
    except (SyntaxError, LookupError):
        encoding = "utf-8"
    for candidate in (encoding, "utf-8", "latin-1"):
        try:
            text = data.decode(candidate)
            break
        except (UnicodeDecodeError, LookupError):
            continue
    return text.lstrip("\ufeff").replace("\x00", "")


# ---------------------------------------------------------------- IPython syntax -> Python

# Cell magics whose body is Python (the magic only times/profiles/captures it).
PYTHON_CELL_MAGICS = frozenset(
    "time timeit capture prun debug px autopx memit mprun snakeviz tensorflow_version".split()
)
_R_CELL_MAGICS = frozenset({"R", "r"})
_SHELL_CELL_MAGICS = frozenset({"bash", "sh", "script", "system"})

_PIP = lazy_compile(
    r"(?:^|[\s/;&|])(?:pip3?|(?:python3?|\{sys\.executable\}|\$\{?sys\.executable\}?)\s+-m\s+pip|uv\s+pip)"
    r"\s+install\s+(?P<args>.*)"
)
_CONDA = lazy_compile(r"(?:^|[\s/;&|])(?:conda|mamba|micromamba)\s+install\s+(?P<args>.*)")
_ASSIGN_MAGIC = lazy_compile(r"^(\s*[\w.,\s\[\]]+=\s*)[!%]")
_LOAD_EXT = lazy_compile(r"^\s*%(?:re)?load_ext\s+([A-Za-z_][\w.]*)\s*$")
_IPYTHON_EXTENSIONS = {"autoreload", "storemagic"}  # shipped inside IPython itself
_TIME_LINE = lazy_compile(r"^(\s*)%(?:time|timeit|prun|memit)\s+(?:-\S+\s+)*(.*)$")
_OPTIONS_WITH_VALUE = {"-r", "--requirement", "-c", "--constraint", "-i", "--index-url", "--extra-index-url",
                       "-f", "--find-links", "-t", "--target", "--prefix", "--root", "-e", "--editable",
                       "--channel", "-n", "--name", "-p", "--python", "--trusted-host", "--upgrade-strategy"}
# conda names that differ from the PyPI distribution.
_CONDA_TO_PYPI = {"pytorch": "torch", "py-opencv": "opencv-python", "opencv": "opencv-python",
                  "matplotlib-base": "matplotlib", "python-graphviz": "graphviz", "pytables": "tables",
                  "msgpack-python": "msgpack", "libgdal": "GDAL", "gdal": "GDAL", "pyqt": "PyQt5"}
_NOT_PACKAGES = {"pip", "python", "conda", "mamba", "setuptools", "wheel"}


def install_requests(command: str, conda: bool = False) -> list[tuple[str, str | None]]:
    """Distribution names (and == versions) named by a `pip install ...` or `conda install ...` command."""
    try:
        words = shlex.split(command, comments=True)
    except ValueError:
        words = command.split()
    names: list[tuple[str, str | None]] = []
    skip_next = False
    for word in words:
        if skip_next:
            skip_next = False
            continue
        if word in {"&&", ";", "|", "||"}:
            break
        if word.startswith("-"):
            skip_next = word in _OPTIONS_WITH_VALUE
            continue
        if any(ch in word for ch in "{}$/\\") or word.startswith(".") or "://" in word:
            continue
        if conda:
            word = word.split("::")[-1]
            name, _, version = word.partition("=")
            version = version.lstrip("=") or None
            names.append((_CONDA_TO_PYPI.get(name.lower(), name), version if version and "*" not in version else None))
            continue
        simple = simple_requirement(word)
        if simple is not None:  # `pkg`, `pkg==1.2`: no need to load packaging (~25 ms)
            name, pins = simple.name, simple.pins()
        else:
            from packaging.requirements import InvalidRequirement, Requirement

            try:
                req = Requirement(word)
            except InvalidRequirement:
                continue
            name, pins = req.name, [s.version for s in req.specifier if s.operator == "=="]
        names.append((name, pins[0] if len(pins) == 1 and "*" not in pins[0] else None))
    return [(n, v) for n, v in names if n.lower() not in _NOT_PACKAGES and re.fullmatch(r"[A-Za-z0-9][\w.-]*", n)]


def _installs_in_line(line: str) -> list[tuple[str, str | None]]:
    match = _PIP.search(line)
    if match:
        return install_requests(match.group("args"))
    match = _CONDA.search(line)
    if match:
        return install_requests(match.group("args"), conda=True)
    return []


def ipython_to_python(text: str) -> tuple[str, list[tuple[int, str, str | None]]]:
    """Line magics and shell escapes -> plain Python with the same line numbers.

    Returns the Python text and the `pip`/`conda install` requests found, as (line, name, version).
    """
    installs: list[tuple[int, str, str | None]] = []
    out = []
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        if stripped.startswith(("!", "%")) or _ASSIGN_MAGIC.match(line):
            installs += [(number, n, v) for n, v in _installs_in_line(stripped.lstrip("!%"))]
            timed = _TIME_LINE.match(line)
            extension = _LOAD_EXT.match(line)
            if timed and timed.group(2).strip():
                out.append(indent + timed.group(2))
            elif extension and extension.group(1) not in _IPYTHON_EXTENSIONS:
                out.append(f"{indent}import {extension.group(1)}")  # an extension is a package to install
            elif _ASSIGN_MAGIC.match(line):
                out.append(_ASSIGN_MAGIC.match(line).group(1) + "None")
            else:
                out.append(indent + "pass")
        elif stripped.startswith("?") or (stripped.endswith("?") and not stripped.startswith("#")):
            out.append(indent + "pass")
        else:
            out.append(line)
    return "\n".join(out), installs


# ---------------------------------------------------------------- R

_R_BASE = frozenset(
    "base stats utils methods graphics grDevices datasets tools parallel grid splines stats4 tcltk compiler".split()
)
_R_LOAD = lazy_compile(
    r"\b(?:library|require|requireNamespace|install\.packages|p_load)\s*\(\s*(?:package\s*=\s*)?"
    r"[\"']?([A-Za-z][A-Za-z0-9.]*)[\"']?\s*[,)]"
)
_R_NAMESPACE = lazy_compile(r"(?<![\w.:$@])([A-Za-z][A-Za-z0-9.]*[A-Za-z0-9]):::?[A-Za-z_.]")


def _strip_r_comment(line: str) -> str:
    quote = None
    for index, char in enumerate(line):
        if quote:
            quote = None if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#":
            return line[:index]
    return line


def r_packages(text: str) -> list[tuple[str, int]]:
    """R packages used: library(), require(), requireNamespace(), pacman::p_load() and pkg::fun."""
    found = []
    for number, line in enumerate(text.split("\n"), 1):
        code = _strip_r_comment(line)
        if "character.only" in code:
            continue
        unquoted = re.sub(r"\"[^\"]*\"|'[^']*'", '""', code)
        for name in _R_LOAD.findall(code) + _R_NAMESPACE.findall(unquoted):
            if name not in _R_BASE:
                found.append((name, number))
    return found


# ---------------------------------------------------------------- per file kind


_GET_IPYTHON = lazy_compile(
    r"get_ipython\(\)\.(?:system\(\s*(?P<q1>['\"])(?P<command>.*?)(?P=q1)"
    r"|run_line_magic\(\s*['\"](?P<magic>pip|conda|mamba)['\"]\s*,\s*(?P<q2>['\"])(?P<args>.*?)(?P=q2))"
)


def exported_magic_installs(text: str) -> list[tuple[int, str, str | None]]:
    """`get_ipython().system('pip install x')` and `run_line_magic('pip', 'install x')`: what
    `jupyter nbconvert --to script` writes for `!pip install x` and `%pip install x`."""
    found = []
    for number, line in enumerate(text.split("\n"), 1):
        for match in _GET_IPYTHON.finditer(line):
            command = match.group("command") or f"{match.group('magic')} {match.group('args')}"
            found += [(number, name, version) for name, version in _installs_in_line(command)]
    return found


def _add_python(scan: FileScan, text: str, path: str, offset: int = 0, cell: int | None = None,
                ipython: bool = False) -> None:
    installs: list[tuple[int, str, str | None]] = []
    if ipython:
        text, installs = ipython_to_python(text)
    if "get_ipython" in text:
        installs += exported_magic_installs(text)
    found, parsed = python_imports(text)
    scan.tolerant |= not parsed
    for item in found:
        scan.imports.append(ImportSite(item.module, Location(path, offset + item.line, cell), item.context))
    for line, name, version in installs:
        scan.installs.append(InstallSite(name, version, Location(path, offset + line, cell)))


def scan_python_file(data: bytes, path: str) -> FileScan:
    scan = FileScan()
    _add_python(scan, decode_source(data), path, ipython=path.endswith(".ipy"))
    return scan


def scan_r_file(data: bytes, path: str) -> FileScan:
    scan = FileScan()
    for name, line in r_packages(decode_source(data)):
        scan.r_packages.append((name, Location(path, line)))
    return scan


def _cell_source(cell: dict) -> str:
    source = cell.get("source", cell.get("input", ""))
    if isinstance(source, list):
        source = "".join(part for part in source if isinstance(part, str))
    return source if isinstance(source, str) else ""


def _notebook_language(notebook: dict) -> str:
    meta = notebook.get("metadata") if isinstance(notebook.get("metadata"), dict) else {}
    for key, sub in (("kernelspec", "language"), ("language_info", "name")):
        value = meta.get(key, {}).get(sub) if isinstance(meta.get(key), dict) else None
        if isinstance(value, str) and value:
            return value.lower()
    return "python"


def _scan_code_cell(scan: FileScan, source: str, path: str, offset: int, cell: int, language: str) -> None:
    if language not in {"python", "python3", "ipython", "ipython3"}:
        if language == "r":
            for name, line in r_packages(source):
                scan.r_packages.append((name, Location(path, offset + line, cell)))
        return
    first, _, body = source.partition("\n")
    magic = re.match(r"\s*%%(\S+)\s*(.*)", first)
    if not magic:
        _add_python(scan, source, path, offset, cell, ipython=True)
        return
    name, argument = magic.group(1), magic.group(2).strip()
    if name in PYTHON_CELL_MAGICS:
        _add_python(scan, "\n" + body, path, offset, cell, ipython=True)
    elif name in {"writefile", "file"} and argument.split()[-1:] and argument.split()[-1].endswith(".py"):
        target = argument.split()[-1]
        scan.local_modules.add(re.split(r"[\\/]", target)[-1][:-3])
        _add_python(scan, "\n" + body, path, offset, cell)
    elif name in _R_CELL_MAGICS:
        for pkg, line in r_packages(body):
            scan.r_packages.append((pkg, Location(path, offset + 1 + line, cell)))
    elif name in _SHELL_CELL_MAGICS:
        for number, line in enumerate(body.split("\n"), 2):
            for pkg, version in _installs_in_line(line.strip()):
                scan.installs.append(InstallSite(pkg, version, Location(path, offset + number, cell)))
    # Any other cell magic (%%html, %%javascript, %%sql, %%latex ...): the body is not Python.


_JSON_SOURCE_LINE = lazy_compile(r'^\s*"((?:[^"\\]|\\.)*)(?:"\s*,?)?\s*$')  # a cut-off last line too


def scan_notebook(data: bytes, path: str) -> FileScan:
    scan = FileScan()
    try:
        notebook = json.loads(data.decode("utf-8-sig", errors="replace"))
        if not isinstance(notebook, dict):
            raise ValueError("not a notebook")
    except (ValueError, RecursionError):
        return _scan_broken_notebook(data, path)
    cells = notebook.get("cells")
    if not isinstance(cells, list):  # nbformat 3: worksheets[].cells, code in "input"
        cells = [c for ws in notebook.get("worksheets", []) if isinstance(ws, dict)
                 for c in ws.get("cells", []) if isinstance(ws.get("cells"), list)]
    language = _notebook_language(notebook)
    offset = 0
    for number, cell in enumerate(cells, 1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = _cell_source(cell)
        _scan_code_cell(scan, source, path, offset, number, language)
        offset += source.count("\n") + 1
    return scan


def _scan_broken_notebook(data: bytes, path: str) -> FileScan:
    """A notebook that is not valid JSON (merge conflict, truncated save): scan its source strings."""
    scan = FileScan(tolerant=True)
    lines = []
    for raw in decode_source(data).splitlines():
        match = _JSON_SOURCE_LINE.match(raw)
        text = match.group(1) if match else raw
        try:
            text = json.loads(f'"{text}"') if match else text
        except ValueError:
            pass
        lines.append(text.rstrip("\n"))
    joined = "\n".join(lines)
    for item in imports_by_lines(joined):
        scan.imports.append(ImportSite(item.module, Location(path, item.line), item.context))
    for number, line in enumerate(lines, 1):
        for name, version in _installs_in_line(line.strip().lstrip("!%")):
            scan.installs.append(InstallSite(name, version, Location(path, number)))
    return scan


_FENCE = lazy_compile(r"^```+\s*\{(?P<lang>[A-Za-z0-9]+)[^}]*\}\s*$")


def scan_markdown_notebook(data: bytes, path: str) -> FileScan:
    """R Markdown / Quarto: ```{python} chunks are Python, ```{r} chunks are R."""
    scan = FileScan()
    language = None
    start = 0
    chunk: list[str] = []
    for number, line in enumerate(decode_source(data).split("\n"), 1):
        fence = _FENCE.match(line)
        if language is None and fence:
            language, start, chunk = fence.group("lang").lower(), number, []
        elif language is not None and line.strip().startswith("```"):
            body = "\n".join(chunk)
            if language == "python":
                _add_python(scan, body, path, offset=start, ipython=True)
            elif language == "r":
                for name, at in r_packages(body):
                    scan.r_packages.append((name, Location(path, start + at)))
            language = None
        elif language is not None:
            chunk.append(line)
    return scan


SCANNERS = {
    ".py": scan_python_file, ".pyw": scan_python_file, ".ipy": scan_python_file,
    ".ipynb": scan_notebook,
    ".r": scan_r_file,
    ".rmd": scan_markdown_notebook, ".qmd": scan_markdown_notebook,
}


def scan_file(data: bytes, path: str) -> FileScan:
    suffix = path[path.rfind("."):].lower() if "." in path else ""
    scanner = SCANNERS.get(suffix)
    return scanner(data, path) if scanner else FileScan()
