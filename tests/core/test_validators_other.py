"""Validators for apt.txt, postBuild/start, R, Julia, Nix and Dockerfile files."""

from __future__ import annotations

import os

import pytest

from wizard.core.validators import FileContext, fix_for, validate_text


def check(name: str, text: str, path: str | None = None, project=None):
    return validate_text(text, FileContext(path or name, name, project))


def codes(name: str, text: str, **kwargs) -> list[str]:
    return [d.code for d in check(name, text, **kwargs)]


def find(diagnostics, code):
    matches = [d for d in diagnostics if d.code == code]
    assert matches, f"{code} not in {[d.code for d in diagnostics]}"
    return matches[0]


def apply_fix(name: str, text: str, code: str) -> str:
    diagnostic = find(check(name, text), code)
    fix = fix_for(diagnostic)
    assert fix is not None, f"no automatic fix for {code}"
    new = fix.apply(text)
    assert code not in codes(name, new), f"{code} still reported after its fix:\n{new}"
    return new


# ---- apt.txt ----

def test_apt_clean_file_with_comments_and_blank_lines():
    assert check("apt.txt", "# tools\ngraphviz\n\nlibgl1  # OpenGL\r\nffmpeg\n") == []


def test_apt_capital_letter_is_repo2dockers_exact_error():
    diagnostic = find(check("apt.txt", "vim\nVim\n"), "apt-invalid-name")
    assert (diagnostic.line, diagnostic.column, diagnostic.severity) == (2, 1, "error")
    assert '"Found invalid package name Vim in apt.txt"' in diagnostic.message
    assert apply_fix("apt.txt", "vim\n  Vim # editor\n", "apt-invalid-name") == "vim\n  vim # editor\n"


def test_apt_agrees_with_repo2docker_on_which_lines_it_rejects(tmp_path, monkeypatch):
    """Our apt-invalid-name fires exactly when repo2docker 2026.4.0 itself raises, with the same message."""
    from repo2docker.buildpacks.base import BaseImage

    monkeypatch.chdir(tmp_path)
    samples = ["vim", "Vim", " vim", "# only a comment", "vim; echo pwned", "_x", "\u00e4", "vim #Comment",
               "1password", "+x", "\tgit", "-y", "Git # x", "g", "libfoo=1.2", "", "x\ry"]
    for sample in samples:
        (tmp_path / "apt.txt").write_text(sample + "\n", encoding="utf-8", newline="")
        try:
            BaseImage(base_image="buildpack-deps:24.04").get_preassemble_scripts()
            theirs = None
        except ValueError as error:
            theirs = str(error)
        ours = [d for d in check("apt.txt", sample + "\n") if d.code == "apt-invalid-name"]
        assert bool(ours) == (theirs is not None), repr(sample)
        if theirs:
            assert f'"{theirs}"' in ours[0].message


def test_apt_shell_characters_are_flagged_with_column():
    diagnostic = find(check("apt.txt", "vim; echo pwned\n"), "apt-shell-chars")
    assert (diagnostic.line, diagnostic.column, diagnostic.severity) == (1, 4, "error")


@pytest.mark.parametrize("text, code", [
    ("numpy\n", "apt-pip-package"),
    ("python3-pandas\n", "apt-system-python-package"),
    ("texlive-generic-recommended\n", "apt-not-in-noble"),
    ("git=1:2.43.0-1\n", "apt-version-pin"),
    ("--no-install-recommends\n", "apt-option"),
    ("sudo apt-get install -y vim\n", "apt-command"),
    ("vim git\n", "apt-several-per-line"),
    ("", "apt-empty"),
    ("v\n", "apt-bad-name"),
])
def test_apt_common_mistakes(text, code):
    assert code in codes("apt.txt", text)


def test_apt_fixes():
    assert apply_fix("apt.txt", "texlive-generic-recommended\n", "apt-not-in-noble") == "texlive-plain-generic\n"
    assert apply_fix("apt.txt", "sudo apt-get install -y vim\n", "apt-command") == "vim\n"
    assert apply_fix("apt.txt", "vim git\r\n", "apt-several-per-line") == "vim\r\ngit\r\n"
    assert apply_fix("apt.txt", "curl=8.5.0\n", "apt-version-pin") == "curl\n"


# ---- postBuild / start ----

GOOD_POSTBUILD = "#!/bin/bash\nset -euo pipefail\npython -m pip check\n"
GOOD_START = '#!/bin/bash\nset -e\nexport DATA_DIR="$HOME/data"\nexec "$@"\n'


def test_good_scripts_are_clean():
    assert check("postBuild", GOOD_POSTBUILD) == []
    assert check("start", GOOD_START) == []
    assert check("start", '#!/usr/bin/env bash\nset -e\nexec tini -- "$@"  # hand over\n') == []


def test_crlf_is_an_error_with_the_real_symptom_and_a_fix():
    text = GOOD_POSTBUILD.replace("\n", "\r\n")
    diagnostic = find(check("postBuild", text), "script-crlf")
    assert diagnostic.severity == "error" and "./postBuild: not found" in diagnostic.message
    assert apply_fix("postBuild", text, "script-crlf") == GOOD_POSTBUILD


def test_start_without_shebang_fails_at_launch():
    text = 'exec "$@"\n'
    diagnostic = find(check("start", text), "script-no-shebang")
    assert diagnostic.severity == "error" and "Exec format error" in diagnostic.message
    assert apply_fix("start", text, "script-no-shebang") == '#!/bin/bash\nexec "$@"\n'


def test_postbuild_without_shebang_is_a_warning_about_dash():
    diagnostic = find(check("postBuild", "set -e\npip install -r requirements.txt\n"), "script-no-shebang")
    assert diagnostic.severity == "warning" and "/bin/sh" in diagnostic.message


def test_shebang_after_a_blank_line_is_moved_to_the_top():
    text = "\n#!/bin/bash\nset -e\nexec \"$@\"\n"
    assert apply_fix("start", text, "script-shebang-not-first") == "#!/bin/bash\n\nset -e\nexec \"$@\"\n"


def test_missing_set_e_fix_goes_after_the_shebang():
    text = "#!/bin/bash\necho hi\n"
    assert apply_fix("postBuild", text, "script-no-set-e") == "#!/bin/bash\nset -e\necho hi\n"
    assert "script-no-set-e" not in codes("postBuild", "#!/bin/bash -ex\necho hi\n")
    assert "script-no-set-e" not in codes("postBuild", "#!/bin/bash\nset -o errexit\n")


def test_start_must_end_with_exec():
    text = "#!/bin/bash\nset -e\nexport A=1"
    diagnostic = find(check("start", text), "start-no-exec")
    assert diagnostic.severity == "error"
    assert apply_fix("start", text, "start-no-exec") == '#!/bin/bash\nset -e\nexport A=1\nexec "$@"\n'
    unquoted = "#!/bin/bash\nset -e\nexec $@\n"
    assert apply_fix("start", unquoted, "start-exec-unquoted") == '#!/bin/bash\nset -e\nexec "$@"\n'
    late = '#!/bin/bash\nset -e\nexec "$@"\necho never\n'
    assert find(check("start", late), "start-exec-not-last").line == 4
    assert apply_fix("start", late, "start-exec-not-last") == '#!/bin/bash\nset -e\necho never\nexec "$@"\n'


def test_exec_inside_a_closing_block_is_accepted():
    text = '#!/bin/bash\nset -e\nif [ -n "$X" ]; then\n  exec "$@"\nfi\n'
    assert "start-exec-not-last" not in codes("start", text)


@pytest.mark.parametrize("line, code, severity", [
    ("sudo pip install x", "script-sudo", "error"),
    ("apt-get install -y graphviz", "script-apt-get", "error"),
    ("wget ftp://ftp.example.org/data.csv", "script-ftp", "error"),
    ("pip install numpy pandas==2.2.3", "script-pip-unpinned", "warning"),
    ("jupyter labextension install @jupyter-widgets/jupyterlab-manager", "script-labextension-install", "warning"),
    ("jupyter lab build", "script-lab-build", "warning"),
    ("jupyter nbextension enable --py widgetsnbextension", "script-nbextension", "warning"),
    ("mamba install -y numpy", "script-conda-install", "info"),
    ("wget -q -O data.csv https://example.org/data.csv", "script-download", "info"),
])
def test_postbuild_problem_lines(line, code, severity):
    diagnostic = find(check("postBuild", f"#!/bin/bash\nset -e\n{line}\n"), code)
    assert (diagnostic.line, diagnostic.severity) == (3, severity)


def test_pinned_and_local_pip_installs_are_fine():
    text = "#!/bin/bash\nset -e\npip install --no-cache-dir -r requirements.txt numpy==2.1.3 -e . ./pkg\n"
    assert "script-pip-unpinned" not in codes("postBuild", text)


def test_comments_and_heredocs_are_not_commands():
    text = "#!/bin/bash\nset -e\n# sudo apt-get install x\ncat > f <<EOF\nsudo rm -rf /\nEOF\n"
    assert check("postBuild", text) == []


def test_downloads_in_start_slow_every_launch():
    text = '#!/bin/bash\nset -e\ncurl -sO https://example.org/x\nexec "$@"\n'
    assert find(check("start", text), "start-download").severity == "warning"


def test_bashisms_under_sh():
    assert "script-bashism" in codes("postBuild", "#!/bin/sh\nset -e\nsource env.sh\n")
    assert "script-bashism" not in codes("postBuild", "#!/bin/bash\nset -e\nsource env.sh\n")


def test_unknown_interpreter_path():
    assert "script-shebang-path" in codes("postBuild", "#!/usr/local/bin/zsh\nset -e\n")
    assert "script-shebang-path" not in codes("postBuild", "#!/usr/bin/env python3\nprint(1)\n")


def test_python_start_script_is_not_checked_as_shell():
    text = "#!/usr/bin/env python3\nimport os, sys\nos.execvp(sys.argv[1], sys.argv[1:])\n"
    assert check("start", text) == []


def test_not_executable_on_disk_is_reported(make_project):
    project = make_project({"binder/postBuild": GOOD_POSTBUILD, "binder/start": GOOD_START})
    os.chmod(project / "binder" / "start", 0o755)
    os.chmod(project / "binder" / "postBuild", 0o644)
    assert codes("postBuild", GOOD_POSTBUILD, path="binder/postBuild", project=project) == ["script-not-executable"]
    assert codes("start", GOOD_START, path="binder/start", project=project) == []


def test_byte_order_mark_on_disk_breaks_the_shebang(make_project):
    project = make_project({"start": b"\xef\xbb\xbf" + GOOD_START.encode()})
    os.chmod(project / "start", 0o755)
    diagnostic = find(check("start", GOOD_START, project=project), "script-bom")
    assert diagnostic.severity == "error"
    assert apply_fix("start", "\ufeff" + GOOD_START, "script-bom") == GOOD_START
