"""The workshop link: Binder builds an environment repository, nbgitpuller pulls the content into the
session at launch, so a last-minute notebook edit needs no rebuild.

nbgitpuller 1.3's rules (jupyterhub/nbgitpuller `nbgitpuller/handlers.py`, `docs/topic/url-options.rst`,
the Binder tab of `docs/_static/link_gen/link.js`), restated here:

* the session's `git-pull` endpoint takes `repo` (anything `git clone` accepts), `branch` (a branch or
  tag: nbgitpuller checks `git ls-remote --heads --tags`; left out, it asks the remote for its default
  branch) and `urlpath` (where to go afterwards, relative to the server's base URL);
* the clone lands in a folder named after the last segment of `repo` (`.git` included: its handler's
  default `targetpath` is `repo.rstrip('/').split('/')[-1]`), so `urlpath` must name that folder too;
* on Binder the whole `git-pull?repo=…&urlpath=…&branch=…` becomes the value of BinderHub's own
  `urlpath` parameter: encoded once as nbgitpuller's query, then once more as Binder's (`%2F` → `%252F`).

Everything is built from checked parts: the environment with `links.build_spec`, the outer parameter with
`links.launch_url` (the same bytes as BinderHub's link generator), the inner query with `urlencode`
(the same bytes as the generator's URLSearchParams).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

from wizard.core.common.git_facts import GitFacts
from wizard.core.common.remotes import has_credentials, parse_remote, strip_credentials
from wizard.core.common.safe_text import has_control, safe_text
from wizard.core.launch.links import (PROVIDERS, LinkError, OpenTarget, Target, badge, check_ref, launch_url,
                                      public_clone_url, target_for, target_from_remote)

GIT_PULL = "git-pull"  # nbgitpuller's endpoint on the user's server
_GIT_HOSTS = {"github.com", "www.github.com", "gitlab.com", "www.gitlab.com"}  # both serve a clone URL without .git


@dataclass(frozen=True)
class ContentRepo:
    """What nbgitpuller pulls: a public clone URL, the branch (None: the remote's default) and the folder."""

    url: str
    branch: str | None

    @property
    def folder(self) -> str:
        """Where nbgitpuller clones it, as its handler names the folder."""
        return clone_folder(self.url)


def clone_folder(url: str) -> str:
    return url.rstrip("/").split("/")[-1]


def content_repo(url: str, branch: str | None) -> ContentRepo:
    """The content repository from a remote URL (credentials removed; ssh rewritten to https, because a
    Binder session has no ssh key), or LinkError."""
    remote = parse_remote(strip_credentials(url))
    if remote is None or remote.scheme == "file" or not remote.host:
        raise LinkError(f"nbgitpuller cannot pull {safe_text(url)!r}: it needs a public repository on the internet",
                        "Give its https address, for example https://github.com/teach-org/lesson.")
    if remote.host in _GIT_HOSTS and remote.slug:
        clone = remote.https_url  # no ".git": the folder is the repository's name
    else:
        clone = public_clone_url(remote)
    folder = clone_folder(clone)
    if not folder or folder in (".", "..") or re.search(r"[?#\\]", clone.split("://", 1)[-1]):
        raise LinkError(f"nbgitpuller cannot pull {safe_text(url)!r}: it names no repository",
                        "Give its https address, for example https://github.com/teach-org/lesson.")
    if branch is not None:
        branch = branch.strip()
        if branch == "HEAD" or re.fullmatch(r"[0-9a-f]{40}", branch):
            raise LinkError(f"nbgitpuller pulls a branch or a tag, not {branch!r}",
                            "Give a branch name (for example main), or leave --branch out for the default branch.")
        check_ref(branch)
    return ContentRepo(clone, branch or None)


# --- the environment repository ----------------------------------------------------------------------

_NO_GIT = GitFacts(Path("."))  # target_for reads git facts only when no repository is named


def env_target(spec: str, ref: str = "HEAD") -> Target:
    """`--env SPEC`: `owner/name` (GitHub), a repository URL, or `PROVIDER:SPEC` with a provider of
    `launch` (`gh:teach-org/lesson-env`, `gl:group/project`, `git:https://…`)."""
    text = (spec or "").strip()
    if not text or has_control(text):
        raise LinkError(f"not an environment repository: {safe_text(text)!r}",
                        "Give owner/name, a repository URL, or PROVIDER:SPEC such as gh:teach-org/lesson-env.")
    prefix, colon, rest = text.partition(":")
    if colon and prefix in PROVIDERS and rest and not rest.startswith("//"):
        return target_for(_NO_GIT, prefix, rest, ref)
    return target_for(_NO_GIT, None, text, ref)


def is_local_folder(spec: str) -> bool:
    """Whether `--env` names a folder on this computer (a path, or a folder that is a git repository)."""
    text = spec.strip()
    if text.startswith(("./", "../", "/", "~")) or text in (".", ".."):
        return True
    path = Path(text)
    return path.is_dir() and (path / ".git").exists()


def same_repository(a: Target, b: Target) -> bool:
    return a.provider == b.provider and a.repo.lower().removesuffix(".git") == b.repo.lower().removesuffix(".git")


# --- where the session goes after the pull -----------------------------------------------------------


def pulled_path(opening: OpenTarget, folder: str) -> str | None:
    """nbgitpuller's `urlpath` for what `--open` names (as for `launch`), inside the pulled folder.
    Relative (nbgitpuller appends it to the server's base URL, which ends in "/")."""
    path = opening.path.strip().strip("/")
    inside = quote(f"{folder}/{path}" if path else folder, safe="/")
    match opening.kind:
        case "default":
            return None  # nbgitpuller's own default: the pulled folder in the file list
        case "lab":
            return f"lab/tree/{quote(folder, safe='')}"
        case "file":
            return f"lab/tree/{inside}"
        case "classic":
            return f"tree/{inside}"
        case "rstudio":
            return "rstudio/"
        case "custom":
            return opening.path.strip().lstrip("/") or None
    return (opening.urlpath or "").lstrip("/") or None  # a page that is not a file (a terminal): as for launch


def nbgitpuller_url(hub: str, env: Target, content: ContentRepo, opening: OpenTarget = OpenTarget()) -> str:
    """The Binder link that builds `env` and pulls `content` (double-encoded, see the module's docstring)."""
    query = [("repo", content.url)]
    urlpath = pulled_path(opening, content.folder)
    if urlpath:
        query.append(("urlpath", urlpath))
    if content.branch:
        query.append(("branch", content.branch))
    return launch_url(hub, env, OpenTarget("custom", f"{GIT_PULL}?{urlencode(query)}"))


@dataclass
class WorkshopLink:
    url: str
    badge_markdown: str
    env: Target
    content: ContentRepo
    target: str | None  # nbgitpuller's urlpath: what opens after the pull (None: the pulled folder)
    hub: str
    warnings: list[str] = field(default_factory=list)
    env_folder: Path | None = None  # the environment's folder when it is on this computer (checked)

    @property
    def env_name(self) -> str:
        return f"{self.env.provider}/{self.env.spec}"

    def as_json(self) -> dict:
        """The `workshop link --format json` contract (issue 16)."""
        return {"url": self.url, "badge_markdown": self.badge_markdown, "env": self.env_name,
                "content": self.content.url, "branch": self.content.branch, "target": self.target,
                "warnings": list(self.warnings)}


def make_link(project: GitFacts, hub: str, env: Target, content: ContentRepo, opening: OpenTarget,
              *, env_folder: Path | None = None) -> WorkshopLink:
    """The link, with what would make it fail in the room as warnings: the environment does not install
    nbgitpuller (when its files can be read here), the file to open is not at the content's branch, the
    content is not pushed, RStudio without R, a stale branch name, environment and content in one repo."""
    from wizard.core.launch.links import r_configured, ref_warnings
    from wizard.core.launch.workshop import envrepo
    from wizard.core.launch.workshop.content_adapter import content_at

    url = nbgitpuller_url(hub, env, content, opening)
    link = WorkshopLink(url, badge("markdown", hub, url), env, content, pulled_path(opening, content.folder), hub,
                        env_folder=env_folder)
    warnings = link.warnings
    own = _own_target(project)
    if env_folder is None and own is not None and same_repository(env, own):
        env_folder = link.env_folder = project.path
    if own is not None and same_repository(env, own) and _is_own_content(project, content):
        warnings.append("The environment and the content are the same repository, so every content change "
                        "rebuilds the image for everyone. Split them: binder-wizard workshop split --env-dir DIR.")
    if env_folder is not None:
        fix = envrepo.nbgitpuller_fix(env_folder)
        if fix is not None:
            warnings.append(f"{env.repo} does not install nbgitpuller, so the link opens without your content. "
                            f"The one-line fix: {fix.sentence}.")
        if opening.kind == "rstudio" and not r_configured(env_folder):
            warnings.append("RStudio only starts when the environment installs R (install.R, runtime.txt r-…, "
                            "or r-base in environment.yml).")
    if env.provider in ("gh", "gl", "git") and own is not None and same_repository(env, own):
        warnings += ref_warnings(env.ref, project.local_branches)
    if _is_own_content(project, content) and content.branch:
        found = content_at(project.path, content.branch)
        if found is None:
            warnings.append(f"The content repository has no branch or tag {content.branch!r} here: push it "
                            "first, or nbgitpuller cannot pull it.")
        else:
            if not found.on_origin:
                warnings.append(f"{content.branch} is not pushed to origin yet: attendees get only what is pushed.")
            elif found.ahead:
                warnings.append(f"{content.branch} has commits that are not pushed: attendees get the pushed version.")
            wanted = opening.path.strip().strip("/")
            if opening.kind in ("file", "classic") and wanted and wanted not in found.files and \
                    not any(name.startswith(wanted + "/") for name in found.files):
                warnings.append(f"{wanted} is not in {content.branch} of the content repository, so it will not "
                                "open after the pull: commit and push it, or fix the name.")
    return link


def workshop_link(project: Path, hub: str, env: str, env_ref: str = "HEAD", content: str | None = None,
                  branch: str | None = None, open_value: str | None = None) -> WorkshopLink:
    """The link `workshop link`'s options describe, read from the project (LinkError when they cannot make
    one). `env` may name the environment's folder on this computer: its origin is what Binder builds, and
    its files are checked for nbgitpuller."""
    from wizard.core.common.fileio import register_project
    from wizard.core.common.git_facts_adapter import read_git_facts
    from wizard.core.launch.links import open_target_for

    git = read_git_facts(project)
    env_folder = None
    if is_local_folder(env):
        env_folder = Path(env).expanduser().resolve()
        if not env_folder.is_dir():
            raise LinkError(f"no such folder: {safe_text(env)}", "Give the environment's folder, or owner/name.")
        register_project(env_folder)  # its files are read like the project's (never through a link out of it)
        origin = read_git_facts(env_folder).origin_url
        if not origin:
            raise LinkError(f"the environment folder {safe_text(env)} has no origin remote",
                            "Publish it first (binder-wizard publish FOLDER), or give --env owner/name.")
        target = target_from_remote(origin, env_ref)
    else:
        target = env_target(env, env_ref)
    if content:
        pulled = content_repo(content, branch)
    elif git.origin_url:
        if not (branch or git.branch):
            raise LinkError("this project is on no branch (a detached HEAD), so the content's branch is unknown",
                            "Give --branch NAME.")
        pulled = content_repo(git.origin_url, branch or git.branch)
    else:
        raise LinkError("this folder has no origin remote, so there is no content repository to pull",
                        "Publish it first (binder-wizard publish), or give --content URL.")
    link = make_link(git, hub, target, pulled, open_target_for(open_value), env_folder=env_folder)
    link.warnings[:0] = credentials_notes([("--env", env), ("--content", content),
                                           ("The origin remote", None if content else git.origin_url)])
    return link


def _own_target(project: GitFacts) -> Target | None:
    if not project.origin_url:
        return None
    try:
        return target_from_remote(project.origin_url)
    except LinkError:
        return None


def _is_own_content(project: GitFacts, content: ContentRepo) -> bool:
    if not project.origin_url:
        return False
    try:
        own = content_repo(project.origin_url, None)
    except LinkError:
        return False
    return own.url.lower().removesuffix(".git") == content.url.lower().removesuffix(".git")


def credentials_notes(values: list[tuple[str, str | None]]) -> list[str]:
    """Warnings for (what, value) pairs whose value held a user name or password (removed from every link)."""
    return [f"{what} holds a user name or password: it was removed, so no link carries it."
            for what, value in values if value and has_credentials(value)]
