"""Patterns compiled on first use: same answers as `re`, no compile before use, and none that fails late."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest

import wizard
from wizard.core.common.lazy_regex import LazyPattern, lazy_compile


def test_pattern_is_not_compiled_before_first_use(monkeypatch):
    compiled = []
    real = re.compile
    monkeypatch.setattr(re, "compile", lambda *args: compiled.append(args) or real(*args))
    pattern = lazy_compile(r"(?P<word>\w+)=(\d+)", re.ASCII)
    assert compiled == []
    assert pattern.match("pin=3").group("word") == "pin"
    assert compiled == [(r"(?P<word>\w+)=(\d+)", re.ASCII)]
    pattern.search("x=1"), pattern.findall("a=1 b=2")
    assert len(compiled) == 1  # once, whatever is used after


def test_answers_are_those_of_the_compiled_pattern():
    lazy, plain = lazy_compile(r"[-_.]+", re.IGNORECASE), re.compile(r"[-_.]+", re.IGNORECASE)
    text = "Foo__bar.baz-Qux"
    assert lazy.sub("-", text) == plain.sub("-", text)
    assert lazy.split(text) == plain.split(text)
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in plain.finditer(text)]
    assert lazy.subn("", text) == plain.subn("", text)
    assert lazy.fullmatch("__") and not lazy.fullmatch("a_")
    assert (lazy.pattern, lazy.flags, lazy.groups) == (plain.pattern, plain.flags, plain.groups)
    # After first use the methods are the compiled pattern's own bound methods: no wrapper on the hot path.
    assert lazy.match.__self__ is lazy.compiled()


def test_a_bad_pattern_fails_on_first_use_with_re_error():
    pattern = lazy_compile(r"(unclosed")
    with pytest.raises(re.error):
        pattern.search("x")


def _lazy_patterns(value):
    if isinstance(value, LazyPattern):
        yield value
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _lazy_patterns(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _lazy_patterns(item)


def test_every_lazy_pattern_in_the_core_compiles():
    """Laziness must not hide a broken pattern until a rare path meets it: compile all of them here."""
    found = 0
    for module in pkgutil.walk_packages(wizard.__path__, "wizard."):
        if module.name.startswith("wizard.tui") or module.name.endswith("__main__"):
            continue
        namespace = vars(importlib.import_module(module.name))
        for name, value in list(namespace.items()):
            values = [value] + ([v for v in vars(value).values()] if isinstance(value, type) else [])
            for pattern in _lazy_patterns(values):
                assert isinstance(pattern.compiled(), re.Pattern), (module.name, name)
                found += 1
    assert found > 100  # the core's module-level patterns are lazy (about 150 of them)
