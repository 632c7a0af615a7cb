"""Workshop links: every link decoded back the way BinderHub and nbgitpuller 1.3 read it; the checks that
catch a link that would fail in the room (the file missing at the branch, an environment without
nbgitpuller); the environment file edits and `split`'s plan."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import pytest
import yaml

from wizard.core.common.git_facts_adapter import read_git_facts
from wizard.core.launch.links import LinkError, OpenTarget, open_target_for
from wizard.core.launch.workshop.envrepo import add_nbgitpuller, installs_nbgitpuller, nbgitpuller_fix, plan_split
from wizard.core.launch.workshop.links import content_repo, env_target, make_link, nbgitpuller_url

HUB = "https://mybinder.org/"
SERVER = "https://hub.example.org/user/teach-org-lesson-env-abc123/"


def what_nbgitpuller_sees(link: str) -> dict:
    """Follow the link as the hub and the session do: BinderHub's `urlpath` (decoded once by the launch page,
    joined to the server, spec.js) → the `git-pull` request → nbgitpuller's UIHandler reading its arguments
    (decoded again) → where it sends the browser after the pull (its JS: base URL + path, decoded)."""
    outer = parse_qs(urlsplit(link).query, keep_blank_values=True, strict_parsing=True)
    assert list(outer) == ["urlpath"] and len(outer["urlpath"]) == 1, "exactly one urlpath, no labpath/filepath"
    request = urljoin(SERVER, outer["urlpath"][0].lstrip("/"))
    parts = urlsplit(request)
    assert parts.path == urlsplit(SERVER).path + "git-pull"
    args = parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)
    assert set(args) <= {"repo", "branch", "urlpath"} and all(len(v) == 1 for v in args.values())
    repo = args["repo"][0]
    targetpath = repo.rstrip("/").split("/")[-1]  # the handler's default: the last segment, as it is
    urlpath = args.get("urlpath", [None])[0]
    return {"repo": repo, "branch": args.get("branch", [None])[0], "folder": targetpath, "urlpath": urlpath,
            "opens": unquote(urljoin(SERVER, urlpath)) if urlpath else None}


CASES = [
    # (env spec, content URL, branch, --open, Binder path, repo nbgitpuller clones, folder, what opens)
    ("teach-org/lesson-env", "https://github.com/teach-org/lesson", "main", "notebooks/intro.ipynb",
     "v2/gh/teach-org/lesson-env/HEAD", "https://github.com/teach-org/lesson", "lesson",
     SERVER + "lab/tree/lesson/notebooks/intro.ipynb"),
    ("gh:teach-org/lesson-env", "git@github.com:teach-org/lesson.git", None, "My Analysis #2 (100%).ipynb",
     "v2/gh/teach-org/lesson-env/HEAD", "https://github.com/teach-org/lesson", "lesson",
     SERVER + "lab/tree/lesson/My Analysis #2 (100%).ipynb"),
    ("gl:group/sub/env", "https://gitlab.com/group/sub/lesson.git", "feature/day-1", "lab",
     "v2/gl/group%2Fsub%2Fenv/HEAD", "https://gitlab.com/group/sub/lesson", "lesson", SERVER + "lab/tree/lesson"),
    ("git:https://git.example.org/env.git", "https://git.example.org/course/lesson.git", "v1.0", "classic:a b.ipynb",
     "v2/git/https%3A%2F%2Fgit.example.org%2Fenv.git/HEAD", "https://git.example.org/course/lesson.git",
     "lesson.git", SERVER + "tree/lesson.git/a b.ipynb"),
    ("https://github.com/teach-org/lesson-env", "https://github.com/teach-org/lesson/", "main", "classic:",
     "v2/gh/teach-org/lesson-env/HEAD", "https://github.com/teach-org/lesson", "lesson", SERVER + "tree/lesson"),
    ("teach-org/lesson-env", "https://github.com/teach-org/lesson", "main", "rstudio",
     "v2/gh/teach-org/lesson-env/HEAD", "https://github.com/teach-org/lesson", "lesson", SERVER + "rstudio/"),
    ("teach-org/lesson-env", "https://github.com/teach-org/lesson", "main", "/voila/render/lesson/app.ipynb",
     "v2/gh/teach-org/lesson-env/HEAD", "https://github.com/teach-org/lesson", "lesson",
     SERVER + "voila/render/lesson/app.ipynb"),
    ("teach-org/lesson-env", "https://github.com/teach-org/lesson", "main", None,
     "v2/gh/teach-org/lesson-env/HEAD", "https://github.com/teach-org/lesson", "lesson", None),
]


@pytest.mark.parametrize("env, content, branch, opening, binder_path, repo, folder, opens", CASES,
                         ids=[case[3] or "default" for case in CASES])
def test_every_link_decodes_to_what_nbgitpuller_expects(env, content, branch, opening, binder_path, repo, folder,
                                                        opens):
    link = nbgitpuller_url(HUB, env_target(env), content_repo(content, branch), open_target_for(opening))
    assert link.startswith(HUB + binder_path + "?urlpath=git-pull%3F")
    assert "%253A%252F%252F" in link  # the content URL is encoded twice: once for nbgitpuller, once for Binder
    seen = what_nbgitpuller_sees(link)
    assert seen["repo"] == repo and seen["branch"] == branch and seen["folder"] == folder
    assert seen["opens"] == opens  # inside the folder nbgitpuller cloned into


def test_the_query_has_nbgitpullers_link_generator_order_and_bytes():
    """The Binder tab of nbgitpuller's link generator: repo, urlpath, branch, each URLSearchParams-encoded,
    then the whole `git-pull?…` encoded again as Binder's urlpath."""
    link = nbgitpuller_url(HUB, env_target("teach-org/lesson-env", "main"),
                           content_repo("https://github.com/teach-org/lesson", "main"), open_target_for("index.ipynb"))
    assert link == ("https://mybinder.org/v2/gh/teach-org/lesson-env/main?urlpath=git-pull%3Frepo%3Dhttps%253A%252F"
                    "%252Fgithub.com%252Fteach-org%252Flesson%26urlpath%3Dlab%252Ftree%252Flesson%252Findex.ipynb"
                    "%26branch%3Dmain")


@pytest.mark.parametrize("spec", ["", "owner", "x:y:z", "gh:", "gh:a/b/c", "file:///tmp/env", "a b/c", "o/n\x1b[2J",
                                  "gh:../etc", "zenodo"])
def test_environment_specs_that_cannot_work_are_refused(spec):
    with pytest.raises(LinkError):
        env_target(spec)


@pytest.mark.parametrize("url, branch", [("file:///srv/lesson", None), ("lesson", None), ("/home/me/lesson", None),
                                         ("https://github.com/a/b", "HEAD"), ("https://github.com/a/b", "0" * 40),
                                         ("https://github.com/a/b", "bad..ref"), ("https://x.org/?a", None)])
def test_content_that_nbgitpuller_cannot_pull_is_refused(url, branch):
    with pytest.raises(LinkError):
        content_repo(url, branch)


def test_content_credentials_and_ssh_become_a_public_https_address():
    assert content_repo("https://me:ghp_abcdefghijklmnopqrstuvwx@github.com/me/lesson.git", None).url == \
        "https://github.com/me/lesson"
    assert content_repo("ssh://git@git.example.org/me/lesson.git", None).url == "https://git.example.org/me/lesson.git"


# --- the checks -------------------------------------------------------------------------------------------


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True, text=True).stdout


def repo(root: Path, files: dict[str, str], origin: str, pushed: bool = True) -> Path:
    root.mkdir(parents=True)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "first")
    git(root, "remote", "add", "origin", origin)
    if pushed:
        git(root, "update-ref", "refs/remotes/origin/main", "HEAD")  # what `git push` leaves behind
    return root


def link_for(project: Path, env: str | Path, opening: str | None = None, branch: str = "main"):
    from wizard.core.launch.links import target_from_remote

    facts = read_git_facts(project)
    if isinstance(env, Path):
        target, folder = target_from_remote(read_git_facts(env).origin_url), env
    else:
        target, folder = env_target(env), None
    return make_link(facts, HUB, target, content_repo(facts.origin_url, branch), open_target_for(opening),
                     env_folder=folder)


def test_a_file_missing_at_the_content_branch_is_a_warning(tmp_path):
    project = repo(tmp_path / "lesson", {"index.ipynb": "{}", "data/a.csv": "x"}, "https://github.com/me/lesson.git")
    assert link_for(project, "me/env", "index.ipynb").warnings == []
    assert link_for(project, "me/env", "classic:data").warnings == []  # a folder of the branch
    missing = link_for(project, "me/env", "day2.ipynb").warnings
    assert missing == ["day2.ipynb is not in main of the content repository, so it will not open after the pull: "
                       "commit and push it, or fix the name."]


def test_what_attendees_get_is_what_is_pushed(tmp_path):
    project = repo(tmp_path / "lesson", {"index.ipynb": "{}"}, "https://github.com/me/lesson.git")
    (project / "day2.ipynb").write_text("{}")
    git(project, "add", "day2.ipynb")
    git(project, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "day 2")
    warnings = link_for(project, "me/env", "day2.ipynb").warnings
    assert warnings[0] == "main has commits that are not pushed: attendees get the pushed version."
    assert warnings[1].startswith("day2.ipynb is not in main")  # origin/main is what nbgitpuller pulls
    unpushed = repo(tmp_path / "new", {"index.ipynb": "{}"}, "https://github.com/me/new.git", pushed=False)
    assert link_for(unpushed, "me/env").warnings == ["main is not pushed to origin yet: attendees get only what "
                                                     "is pushed."]
    assert "has no branch or tag 'day-9'" in link_for(project, "me/env", branch="day-9").warnings[0]


@pytest.mark.parametrize("files, fix", [
    ({"requirements.txt": "numpy\n# nbgitpuller\n"}, "add the line `nbgitpuller` to requirements.txt"),
    ({"binder/environment.yml": "dependencies:\n  - numpy\n"},
     "add the line `- nbgitpuller` under dependencies: in binder/environment.yml"),
    ({"Pipfile": "[packages]\nnumpy = '*'\n"}, 'add the line `nbgitpuller = "*"` under [packages] in Pipfile'),
    ({"Dockerfile": "FROM quay.io/jupyter/base-notebook\n", "requirements.txt": "nbgitpuller\n"},
     "add the line `RUN python -m pip install --no-cache-dir nbgitpuller` to Dockerfile"),
    ({"install.R": "install.packages('x')\n"}, "add the line `nbgitpuller` to requirements.txt"),
    ({"environment.yml": "dependencies:\n  - numpy\n", "requirements.txt": "nbgitpuller\n"},  # shadowed
     "add the line `- nbgitpuller` under dependencies: in environment.yml"),
])
def test_an_environment_without_nbgitpuller_gets_the_one_line_fix(tmp_path, files, fix):
    env = repo(tmp_path / "env", files, "https://github.com/me/env.git")
    project = repo(tmp_path / "lesson", {"index.ipynb": "{}"}, "https://github.com/me/lesson.git")
    assert nbgitpuller_fix(env).sentence == fix
    warnings = link_for(project, env, "index.ipynb").warnings
    assert warnings == [f"me/env does not install nbgitpuller, so the link opens without your content. "
                        f"The one-line fix: {fix}."]


@pytest.mark.parametrize("files", [{"requirements.txt": "numpy\nnbgitpuller==1.3.0  # pulls the lesson\n"},
                                   {"environment.yml": "dependencies:\n  - pip\n  - pip:\n    - nbgitpuller\n"},
                                   {"binder/postBuild": "pip install nbgitpuller\n", "binder/requirements.txt": "x\n"},
                                   {"Dockerfile": "FROM x\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n",
                                    "requirements.txt": "nbgitpuller\n"}])
def test_an_environment_with_nbgitpuller_passes(tmp_path, files):
    env = repo(tmp_path / "env", files, "https://github.com/me/env.git")
    assert installs_nbgitpuller(env) and nbgitpuller_fix(env) is None
    project = repo(tmp_path / "lesson", {"index.ipynb": "{}"}, "https://github.com/me/lesson.git")
    assert link_for(project, env, "index.ipynb").warnings == []


def test_one_repository_for_both_is_checked_as_the_environment_and_told_to_split(tmp_path):
    project = repo(tmp_path / "lesson", {"requirements.txt": "numpy\n", "index.ipynb": "{}"},
                   "https://github.com/me/lesson.git")
    warnings = link_for(project, "me/lesson", "index.ipynb").warnings
    assert warnings[0].startswith("The environment and the content are the same repository")
    assert "binder-wizard workshop split" in warnings[0]
    assert warnings[1].startswith("me/lesson does not install nbgitpuller")


# --- environment file edits and split ------------------------------------------------------------------------


@pytest.mark.parametrize("name, text, expected", [
    ("requirements.txt", "numpy", "numpy\nnbgitpuller\n"),
    ("requirements.txt", "", "nbgitpuller\n"),
    ("environment.yml", "name: x\nchannels:\n- conda-forge\ndependencies:\n- python=3.12\n- pip\n- pip:\n  - rich\n"
                        "variables:\n  A: b\n",
     "name: x\nchannels:\n- conda-forge\ndependencies:\n- python=3.12\n- pip\n- pip:\n  - rich\n- nbgitpuller\n"
     "variables:\n  A: b\n"),
    ("environment.yml", "dependencies:  # what we need\n    - numpy\n\n    # the end\n",
     "dependencies:  # what we need\n    - numpy\n    - nbgitpuller\n\n    # the end\n"),
    ("environment.yml", "name: x\n", "name: x\ndependencies:\n  - nbgitpuller\n"),
    ("environment.yml", "dependencies: [numpy]\n", None),
    ("Pipfile", "[packages]\nnumpy = '*'\n\n[requires]\npython_version = '3.12'\n",
     "[packages]\nnumpy = '*'\nnbgitpuller = \"*\"\n\n[requires]\npython_version = '3.12'\n"),
    ("Dockerfile", "FROM x\n", None),
])
def test_nbgitpuller_is_added_to_the_environment_file(name, text, expected):
    assert add_nbgitpuller(name, text) == expected
    if expected is not None and name == "environment.yml":
        assert "nbgitpuller" in yaml.safe_load(expected)["dependencies"]


def test_split_plans_the_environment_files_with_nbgitpuller_and_never_overwrites(tmp_path):
    project = repo(tmp_path / "lesson", {"binder/requirements.txt": "numpy\n-e .\n", "binder/runtime.txt":
                                         "python-3.12\n", "binder/postBuild": "#!/bin/bash\nset -e\necho hi\n",
                                         "setup.py": "x", "binder/setup.py": "x", "index.ipynb": "{}"},
                   "https://github.com/me/lesson.git")
    os.chmod(project / "binder/postBuild", 0o755)
    plan = plan_split(project, tmp_path / "env", "# env\n")
    assert [(f.path, f.source) for f in plan.files] == [
        ("runtime.txt", "binder/runtime.txt"), ("requirements.txt", "binder/requirements.txt, nbgitpuller added"),
        ("postBuild", "binder/postBuild"), ("README.md", "new: what this repository is, and the badge")]
    files = {f.path: f for f in plan.files}
    assert files["requirements.txt"].content == b"numpy\n-e .\nnbgitpuller\n"
    assert files["postBuild"].executable and not files["runtime.txt"].executable
    assert any("binder/setup.py installs the project itself" in n for n in plan.notes)
    assert any("-e ., -r, -c or a local path" in n for n in plan.notes)
    assert plan.conflicts == []
    (tmp_path / "env").mkdir()
    (tmp_path / "env" / "README.md").write_text("mine")
    assert plan_split(project, tmp_path / "env", "# env\n").conflicts == ["README.md"]
    assert stat.S_IMODE((project / "binder/postBuild").stat().st_mode) == 0o755


def test_split_of_a_project_without_environment_files_gets_a_requirements_txt(tmp_path):
    project = repo(tmp_path / "lesson", {"index.ipynb": "{}"}, "https://github.com/me/lesson.git")
    plan = plan_split(project, tmp_path / "env", "# env\n")
    assert [(f.path, f.content) for f in plan.files][0] == ("requirements.txt", b"nbgitpuller\n")
    assert plan.notes[0].startswith("The project has no environment files")


def test_default_open_target_leaves_nbgitpullers_own_default():
    link = nbgitpuller_url(HUB, env_target("me/env"), content_repo("https://github.com/me/lesson", None), OpenTarget())
    assert what_nbgitpuller_sees(link) == {"repo": "https://github.com/me/lesson", "branch": None, "folder": "lesson",
                                           "urlpath": None, "opens": None}
