"""Imports in Python source: an AST pass that knows the context of each import, and a tolerant
line scanner for code that does not parse (Python 2, half-written cells, odd encodings).

Contexts (`FoundImport.context`):
  "required"       an ordinary import
  "optional"       inside `try:` whose `except ImportError` carries on without it (a fallback exists)
  "type-checking"  under `if TYPE_CHECKING:` (only read by type checkers)
  "platform:Windows" / "platform:macOS"   under a guard such as `if sys.platform == "win32":`
Only "required" imports become requirements; the others still count as "used" when comparing
with a requirements file.
"""

from __future__ import annotations

import ast
import bisect
import re
from dataclasses import dataclass

from wizard.core.common.lazy_regex import lazy_compile
from wizard.core.environment.package_names import is_stdlib

REQUIRED, OPTIONAL, TYPE_CHECKING = "required", "optional", "type-checking"

_IDENT = lazy_compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}


@dataclass(frozen=True)
class FoundImport:
    module: str  # absolute dotted name: "numpy.linalg"; relative imports are never reported
    line: int  # 1-based, in the text that was scanned
    context: str = REQUIRED


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def _platform_named(text: str) -> str | None:
    low = text.lower()
    if low.startswith("win") or low in {"nt", "cygwin", "msys"}:
        return "Windows"
    if low in {"darwin", "macos", "mac", "osx", "ios"}:
        return "macOS"
    return None


def _platform_test(test: ast.expr) -> tuple[str | None, str | None] | None:
    """(platform of the if-branch, platform of the else-branch) when `test` checks the OS, else None.

    None for a branch means "also runs on Linux". Understands sys.platform, os.name,
    platform.system(), sys.platform.startswith(...), `in (...)`, `not`, and flags such as IS_WINDOWS.
    """
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = _platform_test(test.operand)
        return (inner[1], inner[0]) if inner else None
    subject = None
    values: list[str] = []
    negate = False
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        left, op, right = test.left, test.ops[0], test.comparators[0]
        subject = _dotted(left.func) + "()" if isinstance(left, ast.Call) and _dotted(left.func) else _dotted(left)
        if isinstance(right, ast.Constant) and isinstance(right.value, str):
            values = [right.value]
        elif isinstance(right, (ast.Tuple, ast.List, ast.Set)):
            values = [e.value for e in right.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        if isinstance(op, (ast.NotEq, ast.NotIn, ast.IsNot)):
            negate = True
        elif not isinstance(op, (ast.Eq, ast.In, ast.Is)):
            return None
    elif isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute) and test.func.attr == "startswith":
        subject = _dotted(test.func.value)
        values = [a.value for a in test.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    elif isinstance(test, (ast.Name, ast.Attribute)):
        name = (_dotted(test) or "").rsplit(".", 1)[-1].upper()
        flag = re.fullmatch(r"(?:IS_|ON_|RUNNING_ON_|_)?(WIN|WINDOWS|WIN32|MAC|MACOS|OSX|DARWIN)", name)
        if flag:
            return (_platform_named(flag.group(1)), None)
        return None
    if subject is None or not values:
        return None
    if subject.rsplit(".", 1)[-1] not in {"platform", "name", "system()"} and not subject.endswith("sys_platform"):
        return None
    platforms = {_platform_named(v) for v in values}
    if "linux" in {v.lower() for v in values} or "posix" in values:
        only = "other"  # the branch runs on Linux; the other branch is "not Linux"
        return (None, only) if not negate else (only, None)
    if None in platforms or len(platforms) != 1:
        return None
    platform = platforms.pop()
    return (None, platform) if negate else (platform, None)


def _is_type_checking(test: ast.expr) -> bool:
    name = _dotted(test)
    return bool(name) and name.rsplit(".", 1)[-1] == "TYPE_CHECKING"


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any((_dotted(t) or "").rsplit(".", 1)[-1] in _IMPORT_ERRORS for t in types)


def _gives_up(body: list[ast.stmt]) -> bool:
    """The handler re-raises or exits: the import in `try` is really required."""
    for node in body:
        if isinstance(node, ast.Raise):
            return True
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            name = _dotted(node.value.func) or ""
            if name in {"sys.exit", "exit", "quit", "os._exit", "SystemExit"}:
                return True
    return False


def _imports_in(body: list[ast.stmt]) -> list[str]:
    names = []
    for node in ast.walk(ast.Module(body=body, type_ignores=[])):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def _handler_imports(handlers: list[ast.ExceptHandler]) -> list[str]:
    return [name for handler in handlers for name in _imports_in(handler.body)]


# Standard-library modules newer than Python 3.10, the version Binder uses when none is pinned:
# a fallback for one of them (tomli for tomllib) is still needed there.
NEW_STDLIB = frozenset({"tomllib", "zoneinfo", "graphlib"})
_BINDER_PYTHONS = [(3, minor) for minor in range(8, 15)]


def _old_python_test(test: ast.expr) -> tuple[str | None, str | None] | None:
    """`if sys.version_info < (3, 8):` and the like: a branch no Python that Binder offers runs."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and _dotted(test.left) == "sys.version_info"):
        return None
    right = test.comparators[0]
    if not (isinstance(right, ast.Tuple) and right.elts
            and all(isinstance(e, ast.Constant) and isinstance(e.value, int) for e in right.elts)):
        return None
    bound = tuple(e.value for e in right.elts)
    compare = {ast.Lt: lambda v: v < bound, ast.LtE: lambda v: v <= bound, ast.Gt: lambda v: v > bound,
               ast.GtE: lambda v: v >= bound}.get(type(test.ops[0]))
    if compare is None:
        return None
    outcomes = {compare(version[: len(bound)]) for version in _BINDER_PYTHONS}
    if outcomes == {False}:
        return ("old-python", None)
    if outcomes == {True}:
        return (None, "old-python")
    return None


class _Collector:
    def __init__(self, import_lines: list[int] | None = None) -> None:
        self.found: list[FoundImport] = []
        self.import_lines = import_lines  # sorted numbers of lines that mention "import"; None: unknown

    def mentions_import(self, node: ast.stmt) -> bool:
        """Whether any line of `node` contains "import": bodies without one need no visit."""
        if self.import_lines is None:
            return True
        index = bisect.bisect_left(self.import_lines, node.lineno)
        return index < len(self.import_lines) and self.import_lines[index] <= (node.end_lineno or node.lineno)

    def add(self, module: str, line: int, context: str) -> None:
        if _IDENT.fullmatch(module):
            self.found.append(FoundImport(module, line, context))

    def statements(self, body: list[ast.stmt], context: str) -> None:
        for node in body:
            if self.mentions_import(node):
                self.statement(node, context)

    def statement(self, node: ast.stmt, context: str) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                self.add(alias.name, node.lineno, context)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                self.add(node.module, node.lineno, context)
                # `from google.cloud import storage` names the sub-package that decides the distribution.
                for alias in node.names:
                    if alias.name != "*":
                        self.add(f"{node.module}.{alias.name}", node.lineno, context)
        elif isinstance(node, ast.If):
            inner, other = context, context
            if context == REQUIRED:
                if _is_type_checking(node.test):
                    inner = TYPE_CHECKING
                else:
                    guard = _platform_test(node.test) or _old_python_test(node.test)
                    if guard:
                        inner = f"platform:{guard[0]}" if guard[0] else context
                        other = f"platform:{guard[1]}" if guard[1] else context
            self.statements(node.body, inner)
            self.statements(node.orelse, other)
        elif isinstance(node, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            self.try_statement(node, context)
        elif isinstance(node, (ast.Expr, ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Call):
            self.dynamic_import(node.value, context)
        else:
            for field in ("body", "orelse", "finalbody"):
                block = getattr(node, field, None)
                if isinstance(block, list):
                    self.statements(block, context)
            for case in getattr(node, "cases", []) or []:
                self.statements(case.body, context)

    def try_statement(self, node: ast.Try, context: str) -> None:
        handlers = [h for h in node.handlers if _catches_import_error(h)]
        body_context = handler_context = context
        if handlers and context == REQUIRED:
            handler_context = OPTIONAL
            if not any(_gives_up(h.body) for h in handlers):
                fallbacks = _handler_imports(handlers)
                # A third-party fallback means the `try` import is the preferred one: keep it required.
                if not any(not is_stdlib(name.split(".")[0]) for name in fallbacks):
                    body_context = OPTIONAL
            # `try: import tomllib / except: import tomli`: Binder's default Python (3.10) needs the backport.
            if any(name in NEW_STDLIB for name in _imports_in(node.body)):
                handler_context = REQUIRED
        self.statements(node.body, body_context)
        for handler in node.handlers:
            self.statements(handler.body, handler_context if handler in handlers else context)
        self.statements(node.orelse, body_context)
        self.statements(node.finalbody, context)

    def dynamic_import(self, call: ast.Call, context: str) -> None:
        name = _dotted(call.func) or ""
        if name in {"importlib.import_module", "import_module", "__import__"} and call.args:
            first = call.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str) and not first.value.startswith("."):
                self.add(first.value, call.lineno, context)


def imports_from_tree(tree: ast.Module, import_lines: list[int] | None = None) -> list[FoundImport]:
    collector = _Collector(import_lines)
    collector.statements(tree.body, REQUIRED)
    return collector.found


_LINE_IMPORT = lazy_compile(r"^\s*import\s+(.+?)\s*(?:#.*)?$")
_LINE_FROM = lazy_compile(r"^\s*from\s+([A-Za-z_][\w.]*)\s+import\b")


def imports_by_lines(text: str) -> list[FoundImport]:
    """A forgiving scan for text that does not parse: `import a, b as c` and `from a import b` lines."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        match = _LINE_FROM.match(line)
        if match:
            found.append(FoundImport(match.group(1), number))
            continue
        match = _LINE_IMPORT.match(line)
        if match:
            for part in match.group(1).rstrip(";\\").strip("()").split(","):
                name = part.strip().split(" as ")[0].strip()
                if _IDENT.fullmatch(name):
                    found.append(FoundImport(name, number))
    return found


_CONTINUES = ("except", "else", "elif", "finally", ")", "]", "}", "#", "@")


def _prefix_with_all_imports(lines: list[str], last: int) -> str:
    """The text up to the end of the top-level statement holding line `last` (0-based).

    Most files import at the top: parsing only that part is much faster than the whole file. The
    statement is followed to its end so that an `except:` handler after the import is seen too.
    """
    end = last + 1
    while end < len(lines):
        line = lines[end]
        if line.strip() and not line[:1].isspace() and not line.startswith(_CONTINUES):
            break
        end += 1
    return "\n".join(lines[:end])


def python_imports(text: str) -> tuple[list[FoundImport], bool]:
    """All imports in `text`, and whether the AST parse worked (False: the line scanner was used)."""
    if "import" not in text:
        return [], True
    lines = text.split("\n")
    import_lines = [number for number, line in enumerate(lines, 1) if "import" in line]
    prefix = _prefix_with_all_imports(lines, import_lines[-1] - 1)
    for candidate in ((prefix, text) if len(prefix) < len(text) else (text,)):
        try:
            tree = ast.parse(candidate)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue  # a cut inside a string or bracket: parse the whole text instead
        return imports_from_tree(tree, import_lines), True
    return imports_by_lines(text), False
