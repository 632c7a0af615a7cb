"""Reading environment.yml the way repo2docker does, fast, with line numbers.

repo2docker loads environment.yml with ruamel.yaml (YAML 1.2, duplicate keys are errors). ruamel is
~30x slower than libyaml, too slow to run on every keystroke, so the happy path composes the document
with PyYAML's libyaml binding and then builds the data itself with YAML 1.2 scalar rules and
ruamel's duplicate-key check. Only when libyaml rejects the text is ruamel asked, so the error
message and position are exactly the ones the build log would show.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from wizard.core.common.lazy_regex import lazy_compile

# YAML 1.2 core schema, as ruamel's 1.2 resolver applies it to plain (unquoted) scalars.
_NULL = lazy_compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = lazy_compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = lazy_compile(r"^(?:[-+]?[0-9_]+|0o[0-7_]+|0x[0-9a-fA-F_]+)$")
_FLOAT = lazy_compile(
    r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)"
    r"|\.[0-9_]+(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
# Tags, anchors and aliases: rare in environment files, and libyaml's grammar for them is YAML 1.1's.
_TAG = lazy_compile(r"(?:^|[\s\[{,])(?:(?:!(?!=)|[&*])\S|\?(?:\s|$))", re.MULTILINE)
_IMPLICIT_TAGS = {
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "timestamp", "value")
}


# Each type below names the class ruamel gives the same value (`ruamel_class`): repo2docker's error
# messages name it ("'CommentedMap' object has no attribute 'split'").


class Other:
    """A value that is not a plain YAML 1.2 type (a custom !tag): never a str, dict or list."""

    ruamel_class = "ruamel.yaml.comments.TaggedScalar"

    def __init__(self, tag: str, value: object) -> None:
        self.tag, self.value = tag, value

    def __repr__(self) -> str:
        return f"{self.tag} {self.value!r}"


class Seq(list):
    """A YAML sequence; `marks[i]` is the (line, column) of item i, 1-based."""

    ruamel_class = "ruamel.yaml.comments.CommentedSeq"
    marks: list[tuple[int, int]]


class Map(dict):
    """A YAML mapping; `key_marks[key]` / `value_marks[key]` are 1-based (line, column)."""

    ruamel_class = "ruamel.yaml.comments.CommentedMap"
    key_marks: dict
    value_marks: dict


class LiteralText(str):
    """A `|` block scalar: a plain string everywhere else."""

    ruamel_class = "ruamel.yaml.scalarstring.LiteralScalarString"


class FoldedText(str):
    """A `>` block scalar: a plain string everywhere else."""

    ruamel_class = "ruamel.yaml.scalarstring.FoldedScalarString"


_BLOCK_TEXT = {"|": LiteralText, ">": FoldedText}


@dataclass(frozen=True)
class YamlError:
    kind: str  # "DuplicateKeyError", "ScannerError", "ParserError", "ComposerError", ...
    problem: str  # ruamel's one-line problem text, e.g. 'found duplicate key "name" ...'
    line: int | None
    column: int | None
    text: str  # the full text ruamel would print


@dataclass(frozen=True)
class Loaded:
    data: object  # Map / Seq / scalar / None for an empty document
    error: YamlError | None


def _mark(node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


_NOT_PLAIN_STRING_START = set("tTfFnN~.+-0123456789")
# Plain scalars ruamel builds into classes of its own, which repo2docker then trips over or names in its
# messages: dates and timestamps, and ints written in binary, octal or hex, with '_', a leading zero, or 0.
_RUAMEL_SCALAR = lazy_compile(r"\d{4}-\d\d-\d\d|[-+]?0[box0-9_]|[-+]?0$|[-+]?\d+_")


class _NeedsRuamel(Exception):
    """The document holds a scalar only ruamel builds as repo2docker sees it (rare: take the slow path)."""


def _scalar(node):
    value = node.value
    if node.style:  # quoted or block scalar: always a string (plain is None, or "" from libyaml)
        if node.tag not in _IMPLICIT_TAGS:
            return Other(node.tag, value)
        return _BLOCK_TEXT[node.style](value) if node.style in _BLOCK_TEXT else value
    if node.tag not in _IMPLICIT_TAGS:
        return Other(node.tag, value)
    if value == "=":  # ruamel still resolves a bare '=' to YAML 1.1's !!value: a TaggedScalar, not a string
        return Other("tag:yaml.org,2002:value", value)
    if value and value[0] not in _NOT_PLAIN_STRING_START:
        return value  # cannot be null, bool, int or float in YAML 1.2
    if _RUAMEL_SCALAR.match(value):
        raise _NeedsRuamel(value)
    if _NULL.match(value):
        return None
    if _BOOL.match(value):
        return value.lower() == "true"
    if _INT.match(value):
        digits = value.replace("_", "")
        try:
            if digits.startswith("0o"):
                return int(digits[2:] or "0", 8)
            if digits.startswith("0x"):
                return int(digits[2:] or "0", 16)
            return int(digits)
        except ValueError:
            return value
    if _FLOAT.match(value):
        lowered = value.lower()
        if lowered.endswith(".inf"):
            return -math.inf if lowered.startswith("-") else math.inf
        if lowered == ".nan":
            return math.nan
        try:
            return float(value.replace("_", ""))
        except ValueError:
            return value
    return value


class _Duplicate(Exception):
    def __init__(self, key, key_node, value, original) -> None:
        super().__init__(key)
        self.key, self.key_node, self.value, self.original = key, key_node, value, original


def _build(node, depth: int = 0):
    import yaml

    if depth > 200:  # ruamel would hit Python's recursion limit; stop long before that
        raise RecursionError("nested too deeply")
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if isinstance(node, yaml.SequenceNode):
        out = Seq(_build(child, depth + 1) for child in node.value)
        out.marks = [_mark(child) for child in node.value]
        return out
    out = Map()
    out.key_marks, out.value_marks = {}, {}
    for key_node, value_node in node.value:
        key = _build(key_node, depth + 1)
        value = _build(value_node, depth + 1)
        try:
            hash(key)
        except TypeError:  # a mapping or list used as a key: ruamel turns it into a tuple; rare
            key = Other("complex-key", repr(key))
        if key in out:
            raise _Duplicate(key, key_node, value, out[key])
        out[key] = value
        out.key_marks[key] = _mark(key_node)
        out.value_marks[key] = _mark(value_node)
    return out


def _ruamel_error(text: str) -> YamlError | None:
    """Ask ruamel itself (slow path, only for broken files) what it says about this text."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError

    try:
        YAML().load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        return YamlError(type(error).__name__, (error.problem or error.context or str(error)).strip(),
                         mark.line + 1 if mark else None, mark.column + 1 if mark else None, str(error))
    except Exception as error:  # ruamel raises a few unmarked errors (reader, recursion)
        return YamlError(type(error).__name__, str(error).splitlines()[0] if str(error) else type(error).__name__,
                         None, None, str(error))
    return None


_TOO_DEEP = YamlError("RecursionError", "maximum recursion depth exceeded", None, None,
                      "maximum recursion depth exceeded")


# The last text loaded and what it gave: one analysis reads environment.yml twice (the detector, then the
# validator), and while the user types each analysis sees a new text. The result is never modified.
_last: tuple[str, "Loaded"] | None = None


def load(text: str) -> Loaded:
    """Load like `ruamel.yaml.YAML().load(text)`, with positions; never raises."""
    global _last
    last = _last
    if last is not None and last[0] == text:
        return last[1]
    loaded = _load(text)
    _last = (text, loaded)
    return loaded


def _load(text: str) -> Loaded:
    import yaml

    if "\t" in text:  # libyaml accepts tabs in places where ruamel does not: let ruamel decide
        error = _ruamel_error(text)
        if error is not None:
            return Loaded(None, error)
    # Explicit tags (!!str 1.5, !custom x), anchors, aliases, complex keys (? ...) and merge keys (<<): only
    # ruamel builds these exactly as repo2docker sees them.
    if "<<" in text or (("!" in text or "&" in text or "*" in text or "?" in text) and _TAG.search(text)):
        error = _ruamel_error(text)
        return Loaded(None, error) if error is not None else _load_with_ruamel(text)
    try:
        # The base loader resolves no implicit types (this module applies YAML 1.2's own rules).
        root = yaml.compose(text, Loader=yaml.CBaseLoader if yaml.__with_libyaml__ else yaml.BaseLoader)
    except yaml.YAMLError as error:
        if "exceeded maximum nesting depth" in str(error):  # over 1,000 levels; ruamel gives up at ~250,
            return Loaded(None, _TOO_DEEP)  # but only after seconds of recursing: answer for it
        error = _ruamel_error(text)
        if error is None:  # libyaml is stricter here than ruamel: ruamel's answer is the build's
            return _load_with_ruamel(text)
        return Loaded(None, error)
    except (ValueError, RecursionError, MemoryError) as error:
        return Loaded(None, YamlError(type(error).__name__, str(error), None, None, str(error)))
    if root is None:
        return Loaded(None, None)
    try:
        return Loaded(_build(root), None)
    except _NeedsRuamel:
        return _load_with_ruamel(text)
    except _Duplicate as dup:
        line, column = _mark(dup.key_node)
        problem = f'found duplicate key "{dup.key}" with value "{dup.value}" (original value: "{dup.original}")'
        return Loaded(None, YamlError("DuplicateKeyError", problem, line, column, problem))
    except RecursionError:
        return Loaded(None, _TOO_DEEP)


def _ruamel_mark(node, kind: str, where) -> tuple[int | None, int | None]:
    """1-based (line, column) ruamel recorded for a key, value or item (an alias: where its anchor is)."""
    try:
        line, column = getattr(node.lc, kind)(where)
        return line + 1, column + 1
    except Exception:  # plain dict/list without positions
        return None, None


def _load_with_ruamel(text: str) -> Loaded:
    """Rare: tags, anchors, or text libyaml refuses but ruamel accepts. ruamel's data, converted."""
    from ruamel.yaml import YAML

    # ruamel shares one object per anchor; so must the copy, or a "billion laughs" file (aliases of
    # aliases, a few hundred bytes) expands into billions of items. Memoised by id, which also keeps
    # a self-referencing anchor (&a [*a]) from recursing forever.
    converted: dict[int, object] = {}

    def convert(value):
        if isinstance(value, (dict, list)) and id(value) in converted:
            return converted[id(value)]
        if isinstance(value, dict):
            out = converted[id(value)] = Map()
            out.key_marks, out.value_marks = {}, {}
            for k, v in value.items():
                out[k] = convert(v)
                out.key_marks[k] = _ruamel_mark(value, "key", k)
                out.value_marks[k] = _ruamel_mark(value, "value", k)
            return out
        if isinstance(value, list):
            out = converted[id(value)] = Seq()
            out.extend(convert(v) for v in value)
            out.marks = [_ruamel_mark(value, "item", i) for i in range(len(out))]
            return out
        return value  # scalars stay ruamel's (str and float subclasses): repo2docker's messages name them

    try:
        return Loaded(convert(YAML().load(text)), None)
    except Exception as error:  # pragma: no cover - _ruamel_error said it loads
        return Loaded(None, YamlError(type(error).__name__, str(error), None, None, str(error)))
