"""Property tests: no input makes a validator raise; every kind answers with well-formed diagnostics.

Covers every file kind in MODULE_FOR_NAME through `validate_bytes`, the path the engine and the editor use.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard.core.common.diagnostics import Diagnostic
from wizard.core.environment.validators import MAX_BYTES, MODULE_FOR_NAME, FileContext, fix_for, validate_bytes

KINDS = sorted(MODULE_FOR_NAME)
SEVERITIES = {"error", "warning", "info"}
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces of real files, so generated text reaches past the first parse error into the deeper checks.
COMMON = ["", " ", "\t", "#", "# comment", "\r", "\ufeff", "é", "=", ":", "-", "[", "]", "{", "}", '"', "'", "\\",
          "${HOME}", "$@", "exec \"$@\"", "python", "3.12", "1000", "latest", "pip", "numpy==2.3.5"]
FRAGMENTS = {
    "apt": ["vim", "Vim", "vim; echo x", "python3-numpy", "numpy", "git=1:2.43", "-y", "sudo apt-get install x",
            "texlive-generic-recommended", "a b c", "libgl1 # gl"],
    "scripts": ["#!/bin/bash", "#!/bin/sh", "#!/usr/bin/env python3", "#!", "set -e", "set -euo pipefail",
                "sudo apt-get install -y x", "pip install numpy", "wget ftp://x/y", "exec $@", "fi", "if true; then",
                "cat <<EOF", "EOF", "jupyter labextension install x", "[[ -f x ]]", "curl -O https://x/y"],
    "r": ["Package: abc", "Version: 0.1", "Title: T", "  continued", "Imports: a, b (>= 1)", "Authors@R: x",
          "install.packages(\"x\")", "devtools::install_github(\"u/r\")", "repos = \"https://mran.microsoft.com/\"",
          "checkpoint(\"2018-01-01\")", "(", ")", "system(\"sudo apt-get install x\")"],
    "julia": ["[deps]", "[compat]", "julia = \"1.6, 1.10\"", "julia = \"~1.11\"", "julia = 1.6", "julia = \"abc\"",
              "X = \"a93c6f00-e57d-5684-b7b6-d8193f3e46c0\"", "a = [1, \"x\"]", "[[x]]", "a.b = 1", "PyPlot",
              "julia 0.6", "x = \"\"\"", "[extras]"],
    "nix": ["let", "in", "pkgs.mkShell {", "}", "buildInputs = [ python3 ];", "<nixpkgs>", "''", "${x}",
            "/*", "*/", "ps.jupyterlab", "import (fetchTarball \"https://x\") {}"],
    "dockerfile": ["FROM python:3.12-slim", "FROM andrewosh/binder-base", "FROM ubuntu", "FROM x AS y", "FROM y",
                   "USER root", "USER ${NB_USER}", "USER 1001", "ARG NB_UID=1001", "RUN adduser --uid 501 x",
                   "RUN pip install notebook", "COPY . ${HOME}", "ENTRYPOINT jupyter", "ENTRYPOINT [\"x\"]",
                   "RUN a \\", "# escape=`", "ENV NB_UID 1000"],
    "environment": ["name: x", "channels:", "dependencies:", "  - python=3.12", "  - pip:", "    - requests",
                    "  - numpy=1.0=py36_0", "prefix: /x", "  - python>=3.11", "- a", "a: 1", "a: 1"],
    "requirements": ["numpy", "numpy==1.0", "-e .", "-r other.txt", "pywin32", "glob", "x @ file:///tmp/x",
                     "src/pkg", "./pkg", "--index-url https://x", "a[b]>=1;python_version<'3'", "sklearn"],
    "runtime": ["python-3.12", "Python-3.12", "python3.9", "r-4.4-2024-01-01", "r-2018-01-01", "python-3.12.1",
                "julia-1.6", "r-4.3", "python-4", "r-4.4-2024-13-01"],
    "python_project": ["[project]", "[build-system]", "requires-python = \">=3.11\"", "[requires]",
                       "python_version = \"3.12\"", "[packages]", "numpy = \"*\"", "{\"_meta\": {}}", "setup()",
                       "import setuptools", "[tool.x]", "name = \"x\""],
}


def structured_text(kind: str):
    line = st.lists(st.sampled_from(FRAGMENTS.get(kind, []) + COMMON), min_size=1, max_size=4).map(" ".join)
    ending = st.sampled_from(["\n", "\r\n", "\r"])
    return st.lists(st.tuples(line, ending), max_size=25).map(lambda rows: "".join(a + b for a, b in rows))


def assert_well_formed(found, ctx: FileContext) -> None:
    assert isinstance(found, list)
    for diagnostic in found:
        assert isinstance(diagnostic, Diagnostic)
        assert diagnostic.file == ctx.path
        assert diagnostic.severity in SEVERITIES
        assert diagnostic.code and diagnostic.code == diagnostic.code.strip()
        assert diagnostic.message.strip()
        assert diagnostic.line is None or (isinstance(diagnostic.line, int) and diagnostic.line >= 1)
        assert diagnostic.column is None or (isinstance(diagnostic.column, int) and diagnostic.column >= 1)
        fix = fix_for(diagnostic)
        if fix is not None:  # the editor previews every automatic fix: it must work on this very text
            assert isinstance(fix.title, str)


def check_bytes(kind: str, data: bytes, folder: str = "") -> list[Diagnostic]:
    ctx = FileContext(f"{folder}{kind}", kind)
    found = validate_bytes(data, ctx)
    assert_well_formed(found, ctx)
    return found


def check_fixes(kind: str, text: str) -> None:
    ctx = FileContext(kind, kind)
    for diagnostic in validate_bytes(text.encode("utf-8", "surrogatepass"), ctx):
        fix = fix_for(diagnostic)
        if fix is None:
            continue
        new = fix.apply(text)
        assert isinstance(new, str)
        assert_well_formed(validate_bytes(new.encode("utf-8", "surrogatepass"), ctx), ctx)


@pytest.mark.parametrize("kind", KINDS)
@FUZZ
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(kind, data):
    check_bytes(kind, data)


@pytest.mark.parametrize("kind", KINDS)
@FUZZ
@given(text=st.text(st.characters(exclude_categories=["Cs"]), max_size=1500))
def test_arbitrary_text_never_raises_and_fixes_apply(kind, text):
    check_bytes(kind, text.encode("utf-8"), folder="binder/")
    check_fixes(kind, text)


@pytest.mark.parametrize("kind", KINDS)
@FUZZ
@given(data=st.data())
def test_file_shaped_text_never_raises_and_fixes_apply(kind, data):
    text = data.draw(structured_text(MODULE_FOR_NAME[kind]))
    check_bytes(kind, text.encode("utf-8"))
    check_fixes(kind, text)


@FUZZ
@given(text=st.text(max_size=400))
def test_crlf_fix_always_removes_the_finding(text):
    for kind in ("postBuild", "start"):
        ctx = FileContext(kind, kind)
        text_crlf = text.replace("\n", "\r\n") + "\r\n"
        found = [d for d in validate_bytes(text_crlf.encode("utf-8", "surrogatepass"), ctx) if d.code == "script-crlf"]
        if found:
            fixed = fix_for(found[0]).apply(text_crlf)
            assert "\r" not in fixed
            assert "script-crlf" not in [d.code for d in validate_bytes(fixed.encode("utf-8", "surrogatepass"), ctx)]


@pytest.mark.parametrize("kind", KINDS)
def test_binary_file_gets_one_clear_diagnostic(kind):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    found = check_bytes(kind, png)
    assert [(d.code, d.severity) for d in found] == [("binary-file", "error")]
    assert "binary" in found[0].message


@pytest.mark.parametrize("kind", KINDS)
def test_ten_megabyte_file_gets_one_clear_diagnostic(kind):
    line = {"apt": b"vim\n", "scripts": b"echo hi\n", "dockerfile": b"RUN true\n"}.get(MODULE_FOR_NAME[kind], b"a\n")
    data = line * (10_000_000 // len(line))
    assert len(data) > MAX_BYTES
    found = check_bytes(kind, data)
    assert [(d.code, d.severity) for d in found] == [("file-too-large", "error")]
    assert "MB" in found[0].message


@pytest.mark.parametrize("kind", KINDS)
def test_latin1_file_is_explained(kind):
    found = check_bytes(kind, "caf\u00e9 = 1\n".encode("latin-1"))
    assert [d.code for d in found] == ["not-utf8"]
    assert found[0].line == 1


@pytest.mark.parametrize("kind", ["apt.txt", "postBuild", "start", "DESCRIPTION", "Dockerfile"])
@FUZZ
@given(data=st.data())
def test_automatic_fixes_remove_their_own_finding(kind, data):
    """What the editor promises with "fix": after applying it, that finding is gone."""
    text = data.draw(structured_text(MODULE_FOR_NAME[kind]))
    ctx = FileContext(kind, kind)
    for diagnostic in validate_bytes(text.encode("utf-8"), ctx):
        fix = fix_for(diagnostic)
        if fix is None:
            continue
        after = validate_bytes(fix.apply(text).encode("utf-8"), ctx)
        assert diagnostic.code not in [d.code for d in after], (diagnostic, text)


@pytest.fixture(scope="module")
def busy_project(tmp_path_factory):
    """A folder where the validators that look around on disk find neighbours to read."""
    root = tmp_path_factory.mktemp("busy")
    for rel, text in {"binder/runtime.txt": "r-4.4-2025-06-02\n", "binder/Manifest.toml": "", "DESCRIPTION": "x",
                      "binder/JuliaProject.toml": "", "binder/Project.toml": "", "binder/install.R": "",
                      "binder/postBuild": "", "binder/start": "", "binder/apt.txt": ""}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


@pytest.fixture(scope="module")
def busy_detection(busy_project):
    return pytest.importorskip("wizard.core.environment.detection").detect(busy_project)


@pytest.mark.parametrize("kind", KINDS)
@FUZZ
@given(data=st.data())
def test_validators_that_read_the_folder_never_raise(busy_project, busy_detection, kind, data):
    text = data.draw(st.one_of(structured_text(MODULE_FOR_NAME[kind]), st.text(max_size=300)))
    detection = busy_detection if data.draw(st.booleans()) else None
    ctx = FileContext(f"binder/{kind}", kind, busy_project, detection)
    assert_well_formed(validate_bytes(text.encode("utf-8", "surrogatepass"), ctx), ctx)
