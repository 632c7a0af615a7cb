"""default.nix (rules §12): repo2docker runs `nix-shell default.nix` and starts Jupyter inside that shell.

requirements.txt and environment.yml are ignored with Nix, so the shell itself must provide Jupyter. Nix is
installed from the `nixpkgs-unstable` channel on the build day, so an unpinned `<nixpkgs>` changes over time.
"""

from __future__ import annotations

import re

from wizard.core.common.lazy_regex import lazy_compile
from wizard.core.common.diagnostics import Diagnostic

JUPYTER = lazy_compile(r"\b(jupyter|jupyterlab|notebook|jupyter_server|jupyter-server)\b")


# What matters in each scanning mode; everything between matches is skipped in one step.
CODE_TOKEN = lazy_compile(r"#[^\n]*|/\*|\"|''|[()\[\]{}]")
STRING_TOKEN = lazy_compile(r"\\.|\"|\$\{", re.DOTALL)
INDENTED_TOKEN = lazy_compile(r"'''|''\$|''\\.|''|\$\{", re.DOTALL)
OPENER = {")": "(", "]": "[", "}": "{"}


def _position(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _structure_problem(text: str) -> tuple[int, int, str] | None:
    """The first unbalanced bracket or unclosed string/comment, skipping strings and comments."""
    # One stack of open things: brackets, '"' and "''" strings, and "${" antiquotes (code inside a string).
    stack: list[tuple[str, int]] = []
    index = 0
    while True:
        top = stack[-1][0] if stack else ""
        pattern = STRING_TOKEN if top == '"' else INDENTED_TOKEN if top == "''" else CODE_TOKEN
        match = pattern.search(text, index)
        if match is None:
            break
        token, index = match.group(), match.end()
        if top in ('"', "''"):
            if token == "${":
                stack.append(("${", match.start()))
            elif token == top:
                stack.pop()
            continue
        if token.startswith("#"):
            continue
        if token == "/*":
            end = text.find("*/", index)
            if end < 0:
                return (*_position(text, match.start()), "the comment started with `/*` is never closed")
            index = end + 2
        elif token in ('"', "''", "(", "[", "{"):
            stack.append((token, match.start()))
        elif top == OPENER[token] or (token == "}" and top == "${"):
            stack.pop()
        elif not stack:
            return (*_position(text, match.start()), f"`{token}` closes nothing that is open")
        else:
            opened = "{" if top == "${" else top
            return (*_position(text, match.start()),
                    f"`{token}` does not match the `{opened}` opened on line {_position(text, stack[-1][1])[0]}")
    if stack:
        kind, offset = stack[-1]
        what = "a string is never closed" if kind in ('"', "''") else f"`{kind[-1]}` is never closed"
        return (*_position(text, offset), what)
    return None


def validate(text: str, ctx) -> list[Diagnostic]:
    out: list[Diagnostic] = []

    def add(line, column, severity, code, message, fix=None):
        out.append(Diagnostic(ctx.path, line, column, severity, code, message, fix))

    code_only = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    if not code_only.strip():
        add(None, None, "error", "nix-empty",
            "default.nix is empty, so `nix-shell default.nix` fails and the build stops.",
            "Start from the template: it pins nixpkgs and provides Jupyter.")
        return out
    problem = _structure_problem(text)
    if problem:
        add(problem[0], problem[1], "error", "nix-syntax",
            f"default.nix has a syntax error: {problem[2]}. `nix-shell` stops, and the build fails.",
            "Fix the brackets or quotes, then run `nix-shell default.nix` locally to check.")
    if not JUPYTER.search(code_only):
        add(None, None, "warning", "nix-no-jupyter",
            "With default.nix, Binder ignores requirements.txt and environment.yml: Jupyter must come from this "
            "file, and nothing here mentions it, so the session will not start.",
            "Add Jupyter to the shell, e.g. `(pkgs.python3.withPackages (ps: [ ps.notebook ps.jupyterlab ]))`.")
    if re.search(r"<nixpkgs>", code_only):
        match = re.search(r"<nixpkgs>", text)
        line = text.count("\n", 0, match.start()) + 1
        add(line, match.start() - text.rfind("\n", 0, match.start()), "info", "nix-unpinned",
            "`<nixpkgs>` is whatever nixpkgs-unstable holds on the day of the build, so later builds can differ.",
            "Pin it: `import (fetchTarball \"https://github.com/NixOS/nixpkgs/archive/refs/tags/24.11.tar.gz\") {}`.")
    if not re.search(r"\b(mkShell|buildEnv|stdenv\.mkDerivation|mkDerivation|shellFor)\b", code_only):
        add(None, None, "info", "nix-no-shell",
            "Binder runs `nix-shell default.nix`; most working files build a shell with `pkgs.mkShell`.",
            "See the template for a `pkgs.mkShell { buildInputs = [ ... ]; }` example.")
    return out


FIXES: dict = {}
