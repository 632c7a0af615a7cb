"""Parsing runtime.txt, TOML and environment.yml exactly as repo2docker does, with its error messages.

Shared by the detector and the validators: the same text gives the same verdict in both.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from wizard.core.environment import yaml12
from wizard.core.environment.detection.stops import quoted_stop

# --------------------------------------------------------------------------------------------------
# runtime.txt (BaseImage.runtime)


@dataclass(frozen=True)
class Runtime:
    name: str | None
    version: str | None
    date: datetime.date | None


NO_RUNTIME = Runtime(None, None, None)


class RuntimeTxtError(ValueError):
    """runtime.txt does not parse; `message` is repo2docker's text."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message, self.code = message, code


def parse_runtime(text: str) -> Runtime:
    """Parse runtime.txt text exactly like repo2docker; raises RuntimeTxtError with repo2docker's message."""
    content = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    parts = content.split("-")
    if len(parts) not in (2, 4, 5) or any(not part for part in parts):
        raise RuntimeTxtError(f"Invalid runtime.txt: {content}", "runtime-invalid")
    version = parts[1] if len(parts) in (2, 5) else None
    date = None
    if len(parts) in (4, 5):
        date_text = "-".join(parts[-3:])
        if not re.match(r"\d\d\d\d-\d\d-\d\d", date_text):
            raise RuntimeTxtError(f"Invalid runtime.txt date: {date_text}", "runtime-invalid-date")
        try:
            date = datetime.datetime.fromisoformat(date_text).date()
        except ValueError as error:
            raise RuntimeTxtError(str(error), "runtime-invalid-date") from None
    return Runtime(parts[0], version, date)


# --------------------------------------------------------------------------------------------------
# TOML (Pipfile and Project.toml with the old `toml` 0.10 library, pyproject.toml with tomllib)


def toml_too_odd(text: str) -> tuple[str, int] | None:
    """(message, line) for a line no real TOML file has and the parsers are quadratic on, else None.

    toml 0.10 re-splits a line once per '=' in an unquoted value, and tomllib walks a dotted key once
    per part: 10,000 of either take about a second, the 2 MB a file may hold take hours.
    """
    if text.count("=") <= 1000 and text.count(".") <= 1000:
        return None
    for number, line in enumerate(text.split("\n"), 1):
        if line.count("=") <= 1000 and line.count(".") <= 1000:
            continue
        bare = re.sub(r"\"[^\"]*\"|'[^']*'|#.*", "", line)
        if bare.count("=") > 1000:
            return f"line {number} has {bare.count('=')} '=' signs outside quotes", number
        key = bare.split("=", 1)[0]
        if key.count(".") > 1000:
            return f"line {number} has a key with {key.count('.') + 1} dotted parts", number
    return None


def load_toml(text: str) -> dict:
    """tomllib.loads (how repo2docker reads pyproject.toml), refusing first what toml_too_odd refuses.

    Raises tomllib.TOMLDecodeError (a ValueError) or RecursionError (1,000 nested '['), as tomllib would.
    """
    import tomllib  # only pyproject.toml and Project.toml need it; this module is imported with every detect

    odd = toml_too_odd(text)
    if odd is not None:  # tomllib would take minutes over it
        raise tomllib.TOMLDecodeError(f"{odd[0]} (at line {odd[1]}, column 1)")
    return tomllib.loads(text)


def load_toml05(text: str):
    """Parse like the old `toml` 0.10 library repo2docker uses for Pipfile and Project.toml.

    Returns (data, None) or (None, (message, line, column)).
    """
    import toml  # only Pipfile and Project.toml need it

    odd = toml_too_odd(text)
    if odd is not None:
        return None, (odd[0], odd[1], None)
    try:
        return toml.loads(text), None
    except toml.TomlDecodeError as error:
        return None, (str(error), getattr(error, "lineno", None), getattr(error, "colno", None))
    except Exception as error:  # toml 0.10 has a few crashes of its own on odd input; the build would crash too
        return None, (f"{type(error).__name__}: {error}", None, None)


# --------------------------------------------------------------------------------------------------
# environment.yml (CondaBuildPack.environment_yaml: ruamel.yaml, YAML 1.2)


def load_environment(text: str, rel: str):
    """(data, None) or (None, Stop) exactly as repo2docker reads environment.yml."""
    loaded = yaml12.load(text)
    if loaded.error is not None:
        error = loaded.error
        if error.kind == "DuplicateKeyError":
            explain = ("A key appears twice in the same section of environment.yml; repo2docker's YAML reader "
                       "refuses that (other tools silently keep the last one).")
            fix = "Merge the two entries into one."
            code = "environment-duplicate-key"
        elif error.kind == "RecursionError":
            explain = "environment.yml is nested hundreds of levels deep, more than repo2docker's YAML reader can take."
            fix = "Write the packages as a plain list under 'dependencies:', one '- name' per line."
            code = "environment-yaml-error"
        elif "\t" in text and ("tab" in error.problem.lower() or "\\t" in error.problem):
            explain = "environment.yml uses a tab for indentation; YAML allows only spaces."
            fix = "Replace the tabs with spaces (two per level)."
            code = "environment-tab"
        else:
            explain = "environment.yml is not valid YAML."
            fix = "Check the indentation and the '- ' and ':' at the line shown."
            code = "environment-yaml-error"
        return None, quoted_stop(rel, code, error.kind, error.problem, explain, fix, "render", error.line,
                                 error.column)
    env = {} if loaded.data is None else loaded.data
    if not isinstance(env, Mapping):
        return None, quoted_stop(rel, "environment-not-mapping", "TypeError",
                                 f"{rel} should contain a dictionary. Got <class '{ruamel_class_name(env)}'>",
                                 "environment.yml must be a set of 'key: value' lines (name:, channels:, "
                                 "dependencies:), not a plain list or a single value.",
                                 "Start the file with 'dependencies:' and indent the package list under it.", "render",
                                 1, 1)
    return env, None


def environment_dependencies(rel: str, env):
    """env['dependencies'] as repo2docker iterates it; a Stop when it cannot be iterated."""
    deps = env.get("dependencies", [])
    if isinstance(deps, list):
        return deps
    try:
        return list(deps)
    except TypeError:
        line = getattr(env, "key_marks", {}).get("dependencies", (None, None))[0]
        raise quoted_stop(rel, "environment-dependencies-not-list", "TypeError",
                          f"'{ruamel_class_name(deps, short=True)}' object is not iterable",
                          "'dependencies:' must be a list, one package per line starting with '- ', indented under it.",
                          "Indent the packages under 'dependencies:' and start each with '- '.", "render", line,
                          1 if line else None) from None


def ruamel_class_name(value, short: bool = False) -> str:
    """The class ruamel.yaml's round-trip loader gives this value, as repo2docker's messages name it.

    yaml12 builds plain Python values where ruamel builds its own subclasses; its own types (Map, Seq, block
    scalars, tags) carry ruamel's class name, floats are ScalarFloat, and the values yaml12 leaves to ruamel
    (tags, anchors) are ruamel's already. `short`: the bare class name, as in "'ScalarFloat' object has no
    attribute 'split'"; else as in "<class 'ruamel.yaml.comments.CommentedSeq'>". ruamel's own int
    subclasses (hex, octal, '1_000') cannot be told from a plain int here.
    """
    cls = type(value)
    name = getattr(cls, "ruamel_class", None)
    if name is None and cls is float and math.isfinite(value):  # ruamel keeps .inf and .nan plain floats
        name = "ruamel.yaml.scalarfloat.ScalarFloat"
    if name is None:
        name = cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"
        if not cls.__flags__ & _HEAP_TYPE:  # a C type: Python's own messages name it in full ('datetime.date')
            return name
    return name.rsplit(".", 1)[-1] if short else name


_HEAP_TYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: a class written in Python; its messages use the bare name
