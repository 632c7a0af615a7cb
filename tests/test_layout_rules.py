"""The layout rules a newcomer relies on (issue 11): the README's architecture map matches the tree (every
package of a step and every adapter at a step's top level, the modules that start processes or open
connections, is named in it; those inside a package are found from it), and a module over 600 lines says at
its top why it is that long."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def architecture_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Architecture")
    return text[start:text.index("\n## ", start + 1)]


def test_every_package_and_adapter_is_on_the_map():
    section = architecture_section()
    missing = []
    for path in sorted((ROOT / "wizard").rglob("*.py")):
        relative = path.relative_to(ROOT / "wizard")
        if path.name == "__init__.py" and len(relative.parts) == 4:  # core/<step>/<package>/__init__.py
            name = f"{relative.parts[2]}/"
        elif path.stem.endswith("_adapter") and len(relative.parts) == 3:  # an adapter at a step's top level
            name = path.stem
        else:
            continue
        # "git_facts (+ _adapter)" names a module and its adapter together
        if name not in section and f"{name.removesuffix('_adapter')} (+ _adapter)" not in section:
            missing.append(str(relative))
    assert missing == [], f"not on the README's architecture map: {missing}"


def test_every_step_folder_is_on_the_map():
    section = architecture_section()
    for layer in ("core", "tui"):
        for folder in (ROOT / "wizard" / layer).iterdir():
            if (folder / "__init__.py").exists():
                assert f"{folder.name}/" in section, f"wizard/{layer}/{folder.name}"


def test_a_module_over_600_lines_says_at_its_top_why_it_is_that_long():
    import ast

    unexplained = []
    for path in sorted((ROOT / "wizard").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > 600 and "length" not in (ast.get_docstring(ast.parse(text)) or "").lower():
            unexplained.append(str(path.relative_to(ROOT)))
    assert unexplained == [], f"over 600 lines with no reason in the module docstring: {unexplained}"
