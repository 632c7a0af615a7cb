"""Launch URLs and badges against the exact forms in shared design/binderhub-api.md §2, §13, §14."""

from __future__ import annotations

import subprocess

import pytest

from wizard.core.common.git_facts import quick_git_facts
from wizard.core.launch.links import (
    LinkError,
    OpenTarget,
    Target,
    badge,
    build_spec,
    build_url,
    files_to_open,
    hub_base,
    launch_url,
    open_target_for,
    persistent_url,
    r_configured,
    ref_warnings,
    server_url,
    target_for,
    target_from_remote,
)

HUB = "https://mybinder.org"


# --- the protocol document's examples, byte for byte (§13) ------------------------------------------

@pytest.mark.parametrize(("target", "opening", "expected"), [
    (Target("gh", "org/repo"), OpenTarget(), "https://mybinder.org/v2/gh/org/repo/HEAD"),
    (Target("gh", "org/repo", "main"), OpenTarget("file", "notebooks/My Analysis.ipynb"),
     "https://mybinder.org/v2/gh/org/repo/main?urlpath=%2Fdoc%2Ftree%2Fnotebooks%2FMy+Analysis.ipynb"),
    (Target("gh", "org/repo", "main"), OpenTarget("rstudio"), "https://mybinder.org/v2/gh/org/repo/main?urlpath=%2Frstudio"),
    (Target("gh", "org/repo", "main"), OpenTarget("lab"), "https://mybinder.org/v2/gh/org/repo/main?urlpath=lab"),
    (Target("git", "https://gitlab.example.org/a/b.git"), OpenTarget(),
     "https://mybinder.org/v2/git/https%3A%2F%2Fgitlab.example.org%2Fa%2Fb.git/HEAD"),
    (Target("gl", "group/sub/project"), OpenTarget(), "https://mybinder.org/v2/gl/group%2Fsub%2Fproject/HEAD"),
    (Target("zenodo", "10.5281/zenodo.3242074"), OpenTarget(), "https://mybinder.org/v2/zenodo/10.5281/zenodo.3242074/"),
])
def test_launch_urls_match_the_protocol_examples(target, opening, expected):
    assert launch_url(HUB, target, opening) == expected


@pytest.mark.parametrize(("provider", "repo", "ref", "spec"), [
    ("gh", "me/demo", "HEAD", "me/demo/HEAD"),
    ("gh", "me/demo.git", "main", "me/demo/main"),  # BinderHub strips .git
    ("gh", "me/demo", "feature/x", "me/demo/feature/x"),  # gh splits on the first two slashes
    ("gist", "me/0123abcd", "HEAD", "me/0123abcd/HEAD"),
    ("git", "git://127.0.0.1:9418/demo.git", "HEAD", "git%3A%2F%2F127.0.0.1%3A9418%2Fdemo.git/HEAD"),
    ("git", "https://github.com/binder-examples/conda", "main", "https%3A%2F%2Fgithub.com%2Fbinder-examples%2Fconda/main"),
    ("gl", "group/subgroup/project", "main", "group%2Fsubgroup%2Fproject/main"),
    ("figshare", "10.6084/m9.figshare.9782777.v1", "HEAD", "10.6084/m9.figshare.9782777.v1/"),
    ("dataverse", "10.7910/DVN/TJCLKP", "HEAD", "10.7910/DVN/TJCLKP/"),
    ("hydroshare", "https://www.hydroshare.org/resource/b8f6eae9d89241cf8b5904033460af61/", "HEAD",
     "https%3A%2F%2Fwww.hydroshare.org%2Fresource%2Fb8f6eae9d89241cf8b5904033460af61%2F/"),
    ("ckan", "https://demo.ckan.org/dataset/sample-dataset-1", "HEAD",
     "https%3A%2F%2Fdemo.ckan.org%2Fdataset%2Fsample-dataset-1/"),
])
def test_every_provider_spec_and_its_escaping(provider, repo, ref, spec):
    assert build_spec(provider, repo, ref) == spec


@pytest.mark.parametrize(("provider", "repo"), [
    ("gh", "just-a-name"), ("gh", "a/b/c"), ("git", "file:///srv/repo.git"), ("git", "/local/path"),
    ("ckan", "https://demo.ckan.org/organization/x"), ("nope", "a/b"), ("gh", "  "),
])
def test_specs_the_hub_would_refuse_are_refused_here(provider, repo):
    with pytest.raises(LinkError):
        build_spec(provider, repo)


def test_urlpath_encodes_spaces_and_non_ascii_like_urlsearchparams():
    url = launch_url(HUB, Target("gh", "org/repo"), OpenTarget("file", "données/Ünïcode ñ.ipynb"))
    assert url == ("https://mybinder.org/v2/gh/org/repo/HEAD?urlpath=%2Fdoc%2Ftree%2Fdonn%C3%A9es%2F"
                   "%C3%9Cn%C3%AFcode+%C3%B1.ipynb")
    # never more than one of urlpath/labpath/filepath
    for kind in ("lab", "file", "classic", "rstudio", "custom"):
        link = launch_url(HUB, Target("gh", "o/r"), OpenTarget(kind, "x.ipynb" if kind != "custom" else "/tree"))
        query = link.split("?", 1)[1]
        assert query.count("=") == 1 and query.startswith("urlpath=")
        assert "labpath" not in link and "filepath" not in link


def test_classic_and_custom_paths():
    assert launch_url(HUB, Target("gh", "o/r"), OpenTarget("classic", "a b.ipynb")).endswith("?urlpath=%2Ftree%2Fa+b.ipynb")
    assert launch_url(HUB, Target("gh", "o/r"), open_target_for("/voila/render/app.ipynb")).endswith(
        "?urlpath=%2Fvoila%2Frender%2Fapp.ipynb")
    assert open_target_for("index.ipynb") == OpenTarget("file", "index.ipynb")
    assert open_target_for("lab") == OpenTarget("lab")
    assert open_target_for("classic:x.ipynb") == OpenTarget("classic", "x.ipynb")


def test_hub_base_and_any_binderhub():
    assert hub_base(None) == "https://mybinder.org/"
    assert hub_base("hub.example.org/binder") == "https://hub.example.org/binder/"
    assert hub_base("http://127.0.0.1:8585//") == "http://127.0.0.1:8585/"
    assert build_url("https://hub.example.org/binder/", Target("gh", "o/r")) == \
        "https://hub.example.org/binder/build/gh/o/r/HEAD"
    with pytest.raises(LinkError):
        hub_base("ftp://x.org")


# --- badges (§14) -----------------------------------------------------------------------------------

LINK = "https://mybinder.org/v2/gh/org/repo/HEAD?urlpath=%2Fdoc%2Ftree%2Findex.ipynb"


def test_markdown_badge_exactly():
    assert badge("markdown", HUB, LINK) == \
        "[![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/org/repo/HEAD?urlpath=%2Fdoc%2Ftree%2Findex.ipynb)"


def test_rst_badge_exactly_with_one_space_before_target():
    assert badge("rst", HUB, LINK) == (".. image:: https://mybinder.org/badge_logo.svg\n"
                                       " :target: https://mybinder.org/v2/gh/org/repo/HEAD?urlpath=%2Fdoc%2Ftree%2Findex.ipynb")


def test_html_badge_and_image_from_the_hub():
    assert badge("html", HUB, LINK) == (
        '<a href="https://mybinder.org/v2/gh/org/repo/HEAD?urlpath=%2Fdoc%2Ftree%2Findex.ipynb">'
        '<img src="https://mybinder.org/badge_logo.svg" alt="Binder"></a>')
    assert badge("markdown", "https://hub.example.org/binder", "u").startswith(
        "[![Binder](https://hub.example.org/binder/badge_logo.svg)]")
    assert badge("url", HUB, LINK) == LINK
    with pytest.raises(LinkError):
        badge("bbcode", HUB, LINK)


# --- after ready -----------------------------------------------------------------------------------

READY = {"url": "https://hub.example.org/user/org-repo-abc123/", "token": "TOKEN",
         "binder_launch_host": "https://mybinder.org/",
         "binder_persistent_request": "v2/gh/me/demo/fad5ba17bd2522372db81bdc38753c4fc21cdd8d"}


def test_persistent_url():
    assert persistent_url(READY) == "https://mybinder.org/v2/gh/me/demo/fad5ba17bd2522372db81bdc38753c4fc21cdd8d"
    assert persistent_url({}) is None


@pytest.mark.parametrize(("opening", "expected"), [
    (OpenTarget(), "/user/org-repo-abc123/?token=TOKEN"),
    (OpenTarget("file", "index.ipynb"), "/user/org-repo-abc123/doc/tree/index.ipynb?token=TOKEN"),
    (OpenTarget("lab"), "/user/org-repo-abc123/lab?token=TOKEN"),
    (OpenTarget("rstudio"), "/user/org-repo-abc123/rstudio?token=TOKEN"),
    (OpenTarget("file", "notebooks/My Analysis.ipynb"),
     "/user/org-repo-abc123/doc/tree/notebooks/My%20Analysis.ipynb?token=TOKEN"),
    (OpenTarget("custom", "/lab?reset"), "/user/org-repo-abc123/lab?reset&token=TOKEN"),
])
def test_server_url_after_ready_follows_the_web_ui_redirect(opening, expected):
    assert server_url(READY, opening) == "https://hub.example.org" + expected


# --- defaults from origin and ref choice ------------------------------------------------------------

@pytest.mark.parametrize(("remote", "expected"), [
    ("https://github.com/me/demo.git", Target("gh", "me/demo")),
    ("git@github.com:me/demo.git", Target("gh", "me/demo")),
    ("ssh://git@github.com/me/demo", Target("gh", "me/demo")),
    ("https://x-access-token:ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/me/demo", Target("gh", "me/demo")),
    ("https://gitlab.com/group/sub/project.git", Target("gl", "group/sub/project")),
    ("git@gitlab.com:group/project.git", Target("gl", "group/project")),
    ("https://gist.github.com/me/0123abcd.git", Target("gist", "me/0123abcd")),
    ("https://user:secret@git.example.org/a/b.git", Target("git", "https://git.example.org/a/b.git")),
    ("git@codeberg.org:me/demo.git", Target("git", "https://codeberg.org/me/demo.git")),
    ("git://127.0.0.1:9418/demo.git", Target("git", "git://127.0.0.1:9418/demo.git")),
])
def test_target_from_origin_remote(remote, expected):
    found = target_from_remote(remote)
    assert found == expected
    assert "secret" not in found.repo and "ghp_" not in found.repo


def _git(path, *args):
    subprocess.run(["git", "-C", str(path), *args], check=True, capture_output=True,
                   env={"GIT_CONFIG_NOSYSTEM": "1", "HOME": str(path), "PATH": "/usr/bin:/bin",
                        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"})


def test_target_for_uses_origin_and_explicit_choices(make_project):
    project = make_project({"index.ipynb": "{}"})
    with pytest.raises(LinkError, match="no 'origin' remote"):
        target_for(quick_git_facts(project))
    _git(project, "init", "-q", "-b", "main")
    _git(project, "remote", "add", "origin", "git@github.com:me/demo.git")
    git = quick_git_facts(project)
    assert target_for(git) == Target("gh", "me/demo")
    assert target_for(git, ref="main") == Target("gh", "me/demo", "main")
    assert target_for(git, provider="git") == Target("git", "https://github.com/me/demo.git")
    assert target_for(git, repo="other/thing") == Target("gh", "other/thing")
    assert target_for(git, repo="https://gitlab.com/g/p") == Target("gl", "g/p")
    with pytest.raises(LinkError):
        target_for(git, provider="zenodo")


def test_master_main_warning():
    assert ref_warnings("master", ["main"]) and "main" in ref_warnings("master", ["main"])[0]
    assert ref_warnings("main", ["master"])
    assert ref_warnings("HEAD", ["main"]) == []
    assert ref_warnings("main", ["main"]) == []
    assert ref_warnings("fad5ba1", [])  # short SHA


def test_rstudio_only_when_r_is_configured(make_project):
    assert not r_configured(make_project({"requirements.txt": "numpy\n"}, name="py"))
    assert r_configured(make_project({"install.R": "install.packages('x')\n"}, name="r1"))
    assert r_configured(make_project({"runtime.txt": "r-4.3-2024-01-01\n"}, name="r2"))
    assert r_configured(make_project({"binder/environment.yml": "dependencies:\n  - r-base\n"}, name="r3"))


def test_files_to_open_puts_notebooks_first_and_leaves_out_binder_files():
    files = ["README.md", "analysis.py", "binder/postBuild.py", "data.csv", "notebooks/b.ipynb", "a.ipynb", "plot.R"]
    assert files_to_open(files) == ["notebooks/b.ipynb", "a.ipynb", "README.md", "analysis.py", "plot.R"]
