"""default.nix (rules §12): repo2docker runs `nix-shell default.nix` and starts Jupyter inside that shell.

requirements.txt and environment.yml are ignored with Nix, so the shell itself must provide Jupyter. Nix is
installed from the `nixpkgs-unstable` channel on the build day, so an unpinned `<nixpkgs>` changes over time.
"""

from __future__ import annotations

import re

from wizard.core.diagnostics import Diagnostic

JUPYTER = re.compile(r"\b(jupyter|jupyterlab|notebook|jupyter_server|jupyter-server)\b")


def _structure_problem(text: str) -> tuple[int, int, str] | None:
    """The first unbalanced bracket or unclosed string/comment, skipping strings and comments."""
    stack: list[tuple[str, int, int, bool]] = []  # (bracket, line, column, opened an antiquote)
    pairs = {")": "(", "]": "[", "}": "{"}
    line, column, index = 1, 1, 0

    def advance(count: int = 1) -> None:
        nonlocal index, line, column
        for _ in range(count):
            if index < len(text) and text[index] == "\n":
                line, column = line + 1, 1
            else:
                column += 1
            index += 1

    # modes: code; "string" ("..."); "indented" (''...''); antiquotes ${...} push "code-in-string"
    modes: list[tuple[str, int, int]] = []
    while index < len(text):
        char, ahead = text[index], text[index:index + 2]
        mode = modes[-1][0] if modes else "code"
        if mode in ("string", "indented"):
            if mode == "string" and char == "\\":
                advance(2)
            elif mode == "string" and char == '"':
                modes.pop()
                advance()
            elif mode == "indented" and text[index:index + 3] in ("'''", "''$", "''\\"):
                advance(3)
            elif mode == "indented" and ahead == "''":
                modes.pop()
                advance(2)
            elif ahead == "${":
                modes.append(("antiquote", line, column))
                stack.append(("{", line, column, True))
                advance(2)
            else:
                advance()
            continue
        if char == "#":
            while index < len(text) and text[index] != "\n":
                advance()
        elif ahead == "/*":
            start = (line, column)
            end = text.find("*/", index + 2)
            if end < 0:
                return start[0], start[1], "the comment started with `/*` is never closed"
            advance(end + 2 - index)
        elif char == '"':
            modes.append(("string", line, column))
            advance()
        elif ahead == "''":
            modes.append(("indented", line, column))
            advance(2)
        elif char in "([{":
            stack.append((char, line, column, False))
            advance()
        elif char in ")]}":
            if not stack:
                return line, column, f"`{char}` closes nothing that is open"
            if stack[-1][0] != pairs[char]:
                return line, column, f"`{char}` does not match the `{stack[-1][0]}` opened on line {stack[-1][1]}"
            if stack.pop()[3]:
                modes.pop()
            advance()
        else:
            advance()
    if modes and modes[-1][0] != "antiquote":
        return modes[-1][1], modes[-1][2], "a string is never closed"
    if stack:
        return stack[-1][1], stack[-1][2], f"`{stack[-1][0]}` is never closed"
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
