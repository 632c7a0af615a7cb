"""The core must never import Textual, and must import git and httpx only when it uses them."""

import pkgutil
import subprocess
import sys

import wizard.core


def core_modules() -> list[str]:
    return [m.name for m in pkgutil.walk_packages(wizard.core.__path__, "wizard.core.")]


def test_core_is_pure():
    modules = core_modules()
    assert "wizard.core.common.git_facts" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'git', 'httpx', 'httpx_sse'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_commands_do_not_import_textual():
    code = (
        "import sys, wizard.cli, wizard.commands.check, wizard.commands.badge\n"
        "print('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
