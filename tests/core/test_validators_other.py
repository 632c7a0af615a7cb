"""Validators for apt.txt, postBuild/start, R, Julia, Nix and Dockerfile files."""

from __future__ import annotations

import os

import pytest

from wizard.core.environment.validators import FileContext, fix_for, validate_text


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
    for line in ("set -x -e", "set -Eeuo pipefail", "set -o nounset -o errexit"):
        assert "script-no-set-e" not in codes("postBuild", f"#!/bin/bash\n{line}\n"), line
    assert "script-no-set-e" in codes("postBuild", "#!/bin/bash\nset -x\necho set -e\n")


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
    ("jupyter nbextension enable --py widgetsnbextension", "script-nbextension", "error"),  # Notebook 7
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


# ---- Julia ----

PROJECT = '[deps]\nDataFrames = "a93c6f00-e57d-5684-b7b6-d8193f3e46c0"\n\n[compat]\nDataFrames = "1.7"\njulia = "~1.11"\n'


def test_good_project_toml_is_clean(make_project):
    assert check("Project.toml", PROJECT) == []
    project = make_project({"Project.toml": PROJECT, "Manifest.toml": "# generated\n"})
    assert check("Project.toml", PROJECT, project=project) == []
    bare = make_project({"Project.toml": PROJECT}, name="bare")
    assert codes("Project.toml", PROJECT, project=bare) == ["julia-no-manifest"]


def test_toml_syntax_error_has_line_and_column():
    diagnostic = find(check("Project.toml", '[deps]\nDataFrames = "a93c6f00\n'), "julia-invalid-toml")
    assert diagnostic.severity == "error" and diagnostic.line == 2 and diagnostic.column is not None


def test_mixed_arrays_fail_like_repo2dockers_old_toml_reader():
    import toml

    samples = ['authors = ["A", 1]', 'x = [1, 2.0]', 'x = [[1], ["a"]]', 'x = [{a = 1}, {b = "c"}]', 'x = [1, [2]]',
               'x = ["a", "b"]', 'x = []', '[t]\ny = [true, "no"]']
    for sample in samples:
        text = sample + "\n" + PROJECT
        try:
            toml.loads(text)
            theirs = False
        except toml.TomlDecodeError:
            theirs = True
        assert ("julia-invalid-toml" in codes("Project.toml", text)) == theirs, sample


COMPAT_SAMPLES = ["1.6", "1", "^1.6", "~1.11", "~1", "~0.0.3", "0.7", "^0.0", "0", "=1.11.7", "= 1.6", ">= 1.10",
                  ">=1.10", "≥1.10", "<1.7", ">1.12.6", "!=1.12.6", "<=1.0.5", "1.6, 1.10", "1.6 - 1.10", "abc", "",
                  "1.12.6-rc1", ">=1.12.6-rc1", "<1.12.6+build", "1.13", "2", "==1.6", ">=01.6.0", "=01.2.3",
                  "1.6.0.1", "^ 1.9", "  1.10  ", ">=１.６", "٣", 1.6, 2, True, ["1.6"], {"a": 1},
                  __import__("datetime").date(2024, 1, 1)]


def julia_pick(compat, releases) -> tuple[str, str | None]:
    """("ok", release or None) or ("error", "Type: message") from binder-wizard's matcher."""
    from wizard.core.environment.detection.versions import JuliaCompatError, find_julia_version

    try:
        return "ok", find_julia_version(compat, releases)
    except JuliaCompatError as error:
        return "error", str(error)


def r2d_julia_pick(compat, releases) -> tuple[str, str | None]:
    from repo2docker.semver import find_semver_match

    try:
        return "ok", find_semver_match(compat, list(releases))
    except Exception as error:  # repo2docker crashes on some inputs: we must predict that, in its words
        return "error", f"{type(error).__name__}: {error}"


@pytest.mark.parametrize("compat", COMPAT_SAMPLES, ids=repr)
def test_julia_compat_matches_repo2dockers_semver(compat):
    from wizard.core.environment.detection.rules import JULIA_RELEASES

    assert julia_pick(compat, JULIA_RELEASES) == r2d_julia_pick(compat, JULIA_RELEASES)
    assert julia_pick(compat, ()) == r2d_julia_pick(compat, ())  # errors met only while matching need a release


def test_julia_compat_problems():
    def project(compat):
        return PROJECT.replace('julia = "~1.11"', f"julia = {compat}")
    unreadable = find(check("Project.toml", project('"1.6, 1.10"')), "julia-no-matching-version")
    assert unreadable.severity == "error" and "invalid literal for int() with base 10: '6, 1'" in unreadable.message
    assert find(check("Project.toml", project('"0.5"')), "julia-too-old").severity == "warning"
    no_match = find(check("Project.toml", project('"<0.1"')), "julia-no-matching-version")
    assert "Failed to find a matching Julia version: {compat}" in no_match.message
    assert "julia-compat-too-new" in codes("Project.toml", project('"1.13"'))
    assert "julia-no-matching-version" in codes("Project.toml", project("1.6"))  # a number, not a string
    assert "julia-compat-missing" in codes("Project.toml", '[deps]\nDataFrames = "a93c6f00-e57d-5684-b7b6-d8193f3e46c0"\n')


def test_julia_bad_uuid_and_unknown_compat_entry():
    text = '[deps]\nPlots = "not-a-uuid"\n\n[compat]\njulia = "1.11"\nCSV = "0.10"\n'
    assert find(check("Project.toml", text), "julia-bad-uuid").line == 2
    assert find(check("Project.toml", text), "julia-compat-unknown").line == 6


def test_require_fails_with_repo2dockers_message(make_project):
    diagnostic = find(check("REQUIRE", "julia 0.6\nPyPlot\nDataFrames\n"), "julia-require-removed")
    assert diagnostic.severity == "error"
    assert "Julia REQUIRE no longer supported due to removed infrastructure. Use Project.toml." in diagnostic.message
    assert "] add PyPlot DataFrames" in diagnostic.fix
    project = make_project({"REQUIRE": "PyPlot\n", "Project.toml": PROJECT})
    assert codes("REQUIRE", "PyPlot\n", project=project) == ["julia-require-ignored"]


def test_julia_project_shadowed_by_juliaproject(make_project):
    project = make_project({"Project.toml": PROJECT, "JuliaProject.toml": PROJECT})
    assert "julia-project-shadowed" in codes("Project.toml", PROJECT, project=project)


# ---- R ----

DESCRIPTION = """Package: myanalysis
Title: My Analysis
Version: 0.1.0
Authors@R: person("Ada", "Lovelace", email = "ada@example.org", role = c("aut", "cre"))
Description: Notebooks for my analysis.
    Binder installs the packages listed under Imports.
License: MIT
Encoding: UTF-8
Imports:
    dplyr,
    ggplot2 (>= 3.4.0)
"""


def test_good_description_and_install_r_are_clean():
    assert check("DESCRIPTION", DESCRIPTION) == []
    assert check("install.R", 'install.packages(c("dplyr", "ggplot2"))\nremotes::install_github("r-lib/cli@v3.6.3")\n') == []


def test_repo2dockers_own_description_test_file_is_clean():
    text = ("Package: binderdescription\nVersion: 0.1\nDate: 2022-06-23\nTitle: Binder R DESCRIPTION support\n"
            "Description: Test that automatically building R packages works\n"
            "Author: Bastian Greshake Tzovaras <bgreshake@googlemail.com>\n"
            "Maintainer: Bastian Greshake Tzovaras <bgreshake@googlemail.com>\n")
    assert [d for d in check("DESCRIPTION", text) if d.severity != "info"] == []


def test_description_dcf_errors_quote_r():
    text = "Package: x1\nVersion: 0.1\n# a comment\n"
    assert "is malformed!" in find(check("DESCRIPTION", text), "description-syntax").message
    text = "  Package: x1\n"
    assert "Found continuation line starting 'Package: x1 ...' at begin of record." in \
        find(check("DESCRIPTION", text), "description-syntax").message


def test_description_blank_line_splits_the_record_and_is_fixed():
    text = DESCRIPTION.replace("License: MIT\n", "\nLicense: MIT\n") + "\n\n"
    diagnostic = find(check("DESCRIPTION", text), "description-blank-line")
    assert (diagnostic.line, diagnostic.severity) == (7, "error")
    assert apply_fix("DESCRIPTION", text, "description-blank-line") == DESCRIPTION + "\n\n"


@pytest.mark.parametrize("edit, code", [
    (("Package: myanalysis", "Package: my analysis"), "description-bad-package"),
    (("Version: 0.1.0", "Version: one"), "description-bad-version"),
    (("Version: 0.1.0\n", ""), "description-missing-field"),
    (("License: MIT\n", ""), "description-no-license"),
    (("Title: My Analysis\n", ""), "description-missing-field"),
    (("ggplot2 (>= 3.4.0)", "ggplot2 >= 3.4.0"), "description-bad-dependency"),
    (("Encoding: UTF-8\n", "Author: Zoë\n"), "description-encoding"),
])
def test_description_field_problems(edit, code):
    assert code in codes("DESCRIPTION", DESCRIPTION.replace(*edit))


def test_install_r_content_problems():
    text = ('install.packages("x", repos = "https://mran.microsoft.com/snapshot/2018-01-01")\n'
            'devtools::install_github("user/repo")\n'
            'install.packages(c("a", "b")\n')
    found = check("install.R", text)
    assert find(found, "r-mran").line == 1
    assert find(found, "r-snapshot-too-old").line == 1
    assert find(found, "r-github-unpinned").line == 2
    assert find(found, "r-syntax").line == 3
    assert "r-repos-override" in codes("install.R", 'options(repos = c(CRAN = "https://cloud.r-project.org"))\n')
    assert "r-system-apt" in codes("install.R", 'system("sudo apt-get install -y libxml2")\n')


@pytest.mark.parametrize("files, target, ignored", [
    ({"install.R": "", "runtime.txt": "r-4.4-2025-06-01"}, "install.R", False),
    ({"install.R": "", "DESCRIPTION": DESCRIPTION}, "install.R", False),
    ({"install.R": ""}, "install.R", True),
    ({"install.R": "", "runtime.txt": "r-4.3"}, "install.R", True),
    ({"install.R": "", "runtime.txt": "r-4.4-2025-06-01", "Dockerfile": "FROM x:1\n"}, "install.R", True),
    ({"binder/install.R": "", "binder/runtime.txt": "r-2025-06-01"}, "binder/install.R", False),
    ({"install.R": "", "runtime.txt": "r-2025-06-01", "binder/requirements.txt": ""}, "install.R", True),
    ({"binder/DESCRIPTION": DESCRIPTION}, "binder/DESCRIPTION", True),
    ({"DESCRIPTION": DESCRIPTION, "binder/requirements.txt": ""}, "DESCRIPTION", True),
    ({"DESCRIPTION": DESCRIPTION}, "DESCRIPTION", False),
])
def test_r_files_that_binder_ignores(make_project, files, target, ignored):
    project = make_project(files)
    name = target.rsplit("/", 1)[-1]
    found = codes(name, files[target], path=target, project=project)
    assert ("r-file-ignored" in found) == ignored


def test_description_without_dated_runtime_floats(make_project):
    project = make_project({"DESCRIPTION": DESCRIPTION})
    assert codes("DESCRIPTION", DESCRIPTION, project=project) == ["r-snapshot-floating"]
    dated = make_project({"DESCRIPTION": DESCRIPTION, "runtime.txt": "r-4.4-2025-06-01\n"}, name="dated")
    assert codes("DESCRIPTION", DESCRIPTION, project=dated) == []


# ---- Nix ----

NIX = '''let
  pkgs = import (fetchTarball "https://github.com/NixOS/nixpkgs/archive/refs/tags/24.11.tar.gz") {};
in
pkgs.mkShell {
  buildInputs = [ (pkgs.python312.withPackages (ps: [ ps.notebook ps.jupyterlab ])) ];
  shellHook = "export GREETING=${"hi"}";
}
'''


def test_nix_checks():
    assert check("default.nix", NIX) == []
    assert find(check("default.nix", "# nothing\n"), "nix-empty").severity == "error"
    assert find(check("default.nix", NIX.replace("ps.notebook ps.jupyterlab", "ps.numpy")),
                "nix-no-jupyter").severity == "warning"
    assert "nix-unpinned" in codes("default.nix", "with import <nixpkgs> {};\nmkShell { buildInputs = [ jupyter ]; }\n")
    broken = find(check("default.nix", NIX.replace("ps.jupyterlab ]", "ps.jupyterlab")), "nix-syntax")
    assert broken.line == 5 and "does not match" in broken.message


# ---- Dockerfile ----

DOCKERFILE = """FROM python:3.12-slim
RUN python3 -m pip install --no-cache-dir notebook==7.4.5 jupyterlab==4.4.7
ARG NB_USER=jovyan
ARG NB_UID=1000
ENV USER=${NB_USER} \\
    HOME=/home/${NB_USER}
RUN adduser --disabled-password \\
    --gecos "Default user" \\
    --uid ${NB_UID} \\
    ${NB_USER}
COPY . ${HOME}
USER root
RUN chown -R ${NB_UID} ${HOME}
USER ${NB_USER}
WORKDIR ${HOME}
"""


def test_good_dockerfile_is_clean():
    assert check("Dockerfile", DOCKERFILE) == []
    assert check("Dockerfile", "FROM quay.io/jupyter/scipy-notebook:2024-12-02\nCOPY --chown=1000 . ${HOME}\n") == []


@pytest.mark.parametrize("edit, code, severity", [
    (("python:3.12-slim", "python"), "docker-from-untagged", "warning"),
    (("python:3.12-slim", "python:latest"), "docker-from-latest", "warning"),
    (("notebook==7.4.5 jupyterlab==4.4.7", "numpy"), "docker-no-jupyter", "error"),
    (("USER ${NB_USER}\n", ""), "docker-root-at-end", "warning"),
    (("NB_UID=1000", "NB_UID=1001"), "docker-uid", "error"),
    (("--uid ${NB_UID}", "--uid 501"), "docker-uid", "error"),
    (("    --uid ${NB_UID} \\\n", ""), "docker-uid-unset", "warning"),
    (("COPY . ${HOME}\n", ""), "docker-no-copy", "warning"),
    (("RUN chown -R ${NB_UID} ${HOME}\n", ""), "docker-copy-no-chown", "warning"),
    (("WORKDIR ${HOME}\n", 'ENTRYPOINT jupyter lab\n'), "docker-entrypoint-shell-form", "warning"),
    (("WORKDIR ${HOME}\n", "RUN wget ftp://ftp.example.org/x\n"), "docker-ftp", "error"),
])
def test_dockerfile_problems(edit, code, severity):
    assert edit[0] in DOCKERFILE
    assert find(check("Dockerfile", DOCKERFILE.replace(*edit)), code).severity == severity


def test_dockerfile_without_user_is_fixed_by_the_user_block():
    text = "FROM python:3.12-slim\nRUN pip install --no-cache-dir notebook==7.4.5\nCOPY . /srv\n"
    new = apply_fix("Dockerfile", text, "docker-no-user")
    assert new.startswith(text) and "USER ${NB_USER}" in new
    assert apply_fix("Dockerfile", DOCKERFILE + "USER root", "docker-root-at-end").endswith("USER root\nUSER ${NB_USER}\n")


def test_legacy_base_is_repo2dockers_exact_error(tmp_path, monkeypatch):
    from repo2docker.buildpacks.legacy import LegacyBinderDockerBuildPack

    monkeypatch.chdir(tmp_path)
    for text in ["FROM andrewosh/binder-base\n", "# x\nFROM Andrewosh/Binder-Base:latest\n",
                 "FROM python:3.12\nFROM andrewosh/binder-base\n", " FROM andrewosh/binder-base\n",
                 "from andrewosh/binder-base\n", "FROM python # andrewosh/binder-base\n"]:
        (tmp_path / "Dockerfile").write_text(text)
        try:
            LegacyBinderDockerBuildPack().detect()
            theirs = None
        except RuntimeError as error:
            theirs = str(error)
        found = [d for d in check("Dockerfile", text) if d.code == "legacy-dockerfile"]
        assert bool(found) == (theirs is not None), text
        if theirs:
            assert theirs in found[0].message and found[0].severity == "error"
    assert "repo2docker refuses" not in find(check("Dockerfile", "FROM andrewosh/binder-base\n",
                                                   path="binder/Dockerfile"), "legacy-dockerfile").message


def test_dockerfile_without_from():
    assert codes("Dockerfile", "# nothing here\n") == ["docker-no-from"]


@pytest.mark.parametrize("files", [
    {"REQUIRE": "PyPlot\n"},
    {"Dockerfile": "FROM andrewosh/binder-base\n"},
    {"Project.toml": 'authors = ["A", 1]\n[deps]\n'},
    {"Project.toml": '[compat]\njulia = "1.6, 1.10"\n'},
    {"requirements.txt": "numpy==2.3.5\n", "apt.txt": "Vim\n"},
])
def test_findings_the_detector_reports_are_not_repeated(make_project, files):
    """Through the engine each repo2docker failure appears once, under the detector's code."""
    from wizard.core.environment.engine import analyse

    report = analyse(make_project(files))
    errors = [d for d in report.diagnostics if d.is_error]
    assert len(errors) == 1, errors


def test_apt_unfixable_name_is_commented_out_not_lost():
    assert apply_fix("apt.txt", "vim\n\u00e9diteur\n", "apt-invalid-name") == "vim\n# not a package name: \u00e9diteur\n"


def test_exec_fix_closes_a_here_document_left_open():
    text = "#!/bin/bash\nset -e\ncat > notes.txt <<EOF\nhello\n"
    assert apply_fix("start", text, "start-no-exec") == text + 'EOF\nexec "$@"\n'


def test_set_e_fix_with_old_mac_line_endings():
    assert _fix("postBuild", "#!/bin/bash\rcat <<EOF\n", "script-no-set-e").startswith("#!/bin/bash\rset -e\n")


def _fix(name, text, code):
    return fix_for(find(check(name, text), code)).apply(text)


def test_mybinder_tutorial_dockerfile_is_clean():
    """The Dockerfile of Binder's own tutorial (ARGs without defaults, old ENV syntax) passes."""
    text = ("FROM python:3.12-slim\n"
            "RUN pip install --no-cache-dir notebook jupyterlab\n"
            "ARG NB_USER\nARG NB_UID\nENV USER ${NB_USER}\nENV HOME /home/${NB_USER}\n"
            "RUN adduser --disabled-password \\\n    --gecos \"Default user\" \\\n    --uid ${NB_UID} \\\n    ${NB_USER}\n"
            "WORKDIR ${HOME}\nUSER ${USER}\nCOPY --chown=${NB_UID} . ${HOME}\n")
    assert check("Dockerfile", text) == []


def test_dockerfile_variables_that_are_never_set():
    text = ("FROM python:3.12-slim\nRUN pip install --no-cache-dir notebook==7.5.8\nRUN adduser --uid 1000 jovyan\n"
            "COPY --chown=1000 . ${HOME}\nUSER ${NB_USER}\n")
    found = [d for d in check("Dockerfile", text) if d.code == "docker-undeclared-variable"]
    assert [(d.line, d.severity) for d in found] == [(4, "error"), (5, "error")]
    assert "${HOME}" in found[0].message


# ---- differential properties against repo2docker 2026.4.0 itself (test-only dependency) ----

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

DIFF = settings(max_examples=60, deadline=None)


@pytest.fixture(scope="module")
def r2d_folder(tmp_path_factory):
    return tmp_path_factory.mktemp("r2d")


@DIFF
@given(lines=st.lists(st.text(st.sampled_from("aZ09.+-_# \t\r;$éV"), max_size=12), max_size=6))
def test_apt_invalid_name_iff_repo2docker_raises(r2d_folder, lines):
    from repo2docker.buildpacks.base import BaseImage
    from repo2docker.utils import chdir

    text = "\n".join(lines) + "\n"
    (r2d_folder / "apt.txt").write_text(text, encoding="utf-8")
    with chdir(str(r2d_folder)):
        try:
            BaseImage(base_image="buildpack-deps:24.04").get_preassemble_scripts()
            theirs = None
        except ValueError as error:
            theirs = str(error)
    ours = [d for d in check("apt.txt", text) if d.code == "apt-invalid-name"]
    assert bool(ours) == (theirs is not None)
    if theirs:
        assert f'"{theirs}"' in ours[0].message  # the first invalid line, as repo2docker reports it


@DIFF
@given(compat=st.text(st.sampled_from("0123456789.^~=<>!≥, -+xrc"), max_size=12))
def test_julia_compat_property_matches_repo2docker(compat):
    from wizard.core.environment.detection.rules import JULIA_RELEASES

    assert julia_pick(compat, JULIA_RELEASES) == r2d_julia_pick(compat, JULIA_RELEASES), compat


@DIFF
@given(lines=st.lists(st.sampled_from(["FROM andrewosh/binder-base", "FROM python:3.12", "from andrewosh/binder-base",
                                       " FROM andrewosh/binder-base", "# FROM andrewosh/binder-base", "RUN x",
                                       "FROM x # andrewosh/binder-base", "FROM Andrewosh/Binder-Base:tag", ""]),
                      max_size=4),
       ending=st.sampled_from(["\n", "\r\n", "\r"]))
def test_legacy_dockerfile_property_matches_repo2docker(r2d_folder, lines, ending):
    from repo2docker.buildpacks.legacy import LegacyBinderDockerBuildPack
    from repo2docker.utils import chdir

    text = ending.join(lines) + ending
    (r2d_folder / "Dockerfile").write_bytes(text.encode())
    with chdir(str(r2d_folder)):
        try:
            LegacyBinderDockerBuildPack().detect()
            theirs = False
        except RuntimeError:
            theirs = True
    assert ("legacy-dockerfile" in codes("Dockerfile", text)) == theirs


TOML_PIECES = ['[deps]', '[compat]', '[[x]]', 'a = 1', 'a = 1.0', 'b = "s"', "c = 's'", 'd = [1, 2]', 'd = [1, "x"]',
               'e = [[1], ["a"]]', 'f = {x = 1}', 'g = true', 'h = 1979-05-27', 'i = 1979-05-27T07:32:00Z', 'a.b = 1',
               'k = [\n1,\n2,\n]', 'l = [ ]', 'n = 0x1F', 'o = inf', 'q = [1.0, 2]', 'r = [{a=1}, 2]', 's = [true, 1]',
               'julia = "1.6"', 'v = [[1,2],[3,4]]', 'w = [1979-05-27, 1979-05-28T00:00:00]', '[a.b]', '[a]', '#c', '']


@DIFF
@given(lines=st.lists(st.sampled_from(TOML_PIECES), max_size=6))
def test_project_toml_invalid_exactly_when_toml_010_or_julia_would_refuse(lines):
    """Flagged iff repo2docker's `toml` 0.10 fails, or the file is not TOML 1.0 at all (Julia's own reader)."""
    import tomllib

    import toml

    text = "\n".join(lines) + "\n"
    refused = []
    for loads in (toml.loads, tomllib.loads):
        try:
            loads(text)
            refused.append(False)
        except Exception:
            refused.append(True)
    assert ("julia-invalid-toml" in codes("Project.toml", text)) == any(refused), text


def test_dockerfile_user_fix_ends_a_dangling_continuation_first():
    # Found by the fuzz test: appending after "USER root \" glued the new USER onto the old line.
    from wizard.core.environment.validators import FileContext, fix_for, validate_text

    text = "FROM python:3.12-slim\nUSER root \\\n"
    ctx = FileContext("Dockerfile", "Dockerfile")
    root_at_end = next(d for d in validate_text(text, ctx) if d.code == "docker-root-at-end")
    fixed = fix_for(root_at_end).apply(text)
    assert fixed == "FROM python:3.12-slim\nUSER root\nUSER 1000\n"
    assert "docker-root-at-end" not in [d.code for d in validate_text(fixed, ctx)]
