"""`binder-wizard badge`: every format, defaults from origin, --write (idempotent), warnings, exit codes."""

from __future__ import annotations

import subprocess

import pytest

from wizard.cli import main


def badge(*args: str) -> int:
    try:
        return main(["badge", *args])
    except SystemExit as exit_:
        return exit_.code


def git(project, *args):
    subprocess.run(["git", "-C", str(project), *args], check=True, capture_output=True,
                   env={"PATH": "/usr/bin:/bin", "HOME": str(project), "GIT_CONFIG_NOSYSTEM": "1",
                        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"})


@pytest.fixture
def project(make_project):
    root = make_project({"README.md": "# Demo\n\nText.\n", "index.ipynb": "{}", "requirements.txt": "numpy\n"})
    git(root, "init", "-q", "-b", "main")
    git(root, "remote", "add", "origin", "git@github.com:me/demo.git")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "init")
    return root


@pytest.mark.parametrize(("fmt", "expected"), [
    ("markdown", "[![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/me/demo/HEAD)"),
    ("rst", ".. image:: https://mybinder.org/badge_logo.svg\n :target: https://mybinder.org/v2/gh/me/demo/HEAD"),
    ("html", '<a href="https://mybinder.org/v2/gh/me/demo/HEAD"><img src="https://mybinder.org/badge_logo.svg" alt="Binder"></a>'),
    ("url", "https://mybinder.org/v2/gh/me/demo/HEAD"),
])
def test_formats_from_origin(project, capsys, fmt, expected):
    assert badge(str(project), "--format", fmt) == 0
    assert capsys.readouterr().out == expected + "\n"


def test_options(project, capsys):
    assert badge(str(project), "--hub", "https://hub.example.org/binder", "--provider", "gl", "--repo", "g/sub/p",
                 "--ref", "v1.0", "--open", "index.ipynb", "--format", "markdown") == 0
    assert capsys.readouterr().out == (
        "[![Binder](https://hub.example.org/binder/badge_logo.svg)]"
        "(https://hub.example.org/binder/v2/gl/g%2Fsub%2Fp/v1.0?urlpath=%2Fdoc%2Ftree%2Findex.ipynb)\n")


def test_write_is_idempotent_and_shows_the_diff(project, capsys):
    assert badge(str(project), "--write", "--open", "index.ipynb") == 0
    out = capsys.readouterr().out
    assert "+[![Binder](https://mybinder.org/badge_logo.svg)]" in out and "README.md: badge inserted." in out
    text = (project / "README.md").read_text()
    assert text == ("# Demo\n\n[![Binder](https://mybinder.org/badge_logo.svg)]"
                    "(https://mybinder.org/v2/gh/me/demo/HEAD?urlpath=%2Fdoc%2Ftree%2Findex.ipynb)\n\nText.\n")
    assert badge(str(project), "--write", "--open", "index.ipynb") == 0
    assert "already has this badge" in capsys.readouterr().out
    assert (project / "README.md").read_text() == text


def test_write_replaces_a_stale_master_badge(project, capsys):
    (project / "README.md").write_text(
        "# Demo\n[![Binder](https://mybinder.org/badge.svg)](https://mybinder.org/v2/gh/me/demo/master?filepath=index.ipynb)\n")
    assert badge(str(project), "--write") == 0
    assert (project / "README.md").read_text() == ("# Demo\n[![Binder](https://mybinder.org/badge_logo.svg)]"
                                                   "(https://mybinder.org/v2/gh/me/demo/HEAD?urlpath=%2Ftree%2Findex.ipynb)\n")
    captured = capsys.readouterr()
    assert "badge replaced" in captured.out
    assert "The old badge opened filepath=index.ipynb; the new one opens the same" in captured.err


def test_warnings_go_to_stderr(project, capsys):
    assert badge(str(project), "--ref", "master", "--open", "missing.ipynb") == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("[![Binder]")
    assert "'master'" in captured.err and "missing.ipynb is not in the last commit" in captured.err
    assert badge(str(project), "--open", "rstudio") == 0
    assert "RStudio only starts" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["--format", "bbcode"], ["--provider", "zenodo"], ["--hub", "ftp://x"],
                                  ["--provider", "git", "--repo", "file:///srv/x.git"]])
def test_usage_errors(project, capsys, args):
    assert badge(str(project), *args) == 2
    assert capsys.readouterr().err


def test_no_origin_is_a_usage_error(make_project, capsys):
    assert badge(str(make_project({"a.py": ""}))) == 2
    assert "no 'origin' remote" in capsys.readouterr().err
