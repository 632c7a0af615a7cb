"""Binder launch links and badges, exactly as BinderHub's own link generator makes them.

See shared design/binderhub-api.md §2 (providers and spec escaping), §13 (launch URL, the redirect
after `ready`) and §14 (badges). Pure string work: the project's git facts come in as a `GitFacts`
(read once by the caller), and only `r_configured` reads files (the environment files).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode, urljoin, urlsplit, urlunsplit

from wizard.core.common.lazy_regex import lazy_compile
from wizard.core.common.errors import UserError
from wizard.core.common.fileio import read_text
from wizard.core.common.git_facts import GitFacts
from wizard.core.common.remotes import RemoteURL, parse_remote, strip_credentials
from wizard.core.common.safe_text import has_control, safe_text

DEFAULT_HUB = "https://mybinder.org"


@dataclass(frozen=True)
class Provider:
    prefix: str
    name: str
    url_encode: bool  # the repo part is quote(…, safe="") (BinderHub's `urlEncode`)
    has_ref: bool  # DOI-style providers have no ref: the link ends in "/"
    example: str


PROVIDERS: dict[str, Provider] = {
    p.prefix: p
    for p in (
        Provider("gh", "GitHub", False, True, "owner/repository"),
        Provider("gl", "GitLab", True, True, "group/subgroup/project"),
        Provider("gist", "GitHub Gist", False, True, "user/gist-id"),
        Provider("git", "Git repository", True, True, "https://example.org/repo.git"),
        Provider("zenodo", "Zenodo", False, False, "10.5281/zenodo.3242074"),
        Provider("figshare", "Figshare", False, False, "10.6084/m9.figshare.9782777.v1"),
        Provider("hydroshare", "HydroShare", True, False, "b8f6eae9d89241cf8b5904033460af61"),
        Provider("dataverse", "Dataverse", False, False, "10.7910/DVN/TJCLKP"),
        Provider("ckan", "CKAN", True, False, "https://demo.ckan.org/dataset/sample"),
    )
}


class LinkError(UserError, ValueError):
    """A provider/repository/ref combination that cannot make a working link; the text says why."""


@dataclass(frozen=True)
class Target:
    """What to launch: a provider, its repository (or DOI/URL) and a ref."""

    provider: str
    repo: str
    ref: str = "HEAD"

    @property
    def spec(self) -> str:
        return build_spec(self.provider, self.repo, self.ref)


def build_spec(provider: str, repo: str, ref: str = "HEAD") -> str:
    """The `<spec>` part of `/v2/<provider>/<spec>` and `/build/<provider>/<spec>`."""
    info = PROVIDERS.get(provider)
    if info is None:
        raise LinkError(f"unknown provider {provider!r} (choose one of: {', '.join(PROVIDERS)})")
    repo = repo.strip()
    if not repo:
        raise LinkError(f"no repository given for {info.name} (for example {info.example})")
    if has_control(repo) or any(c.isspace() for c in repo):
        raise LinkError(f"a repository cannot contain spaces or control characters: {safe_text(repo)!r}")
    if not info.url_encode and (any(part in (".", "..") for part in repo.split("/")) or re.search(r"[?#\\]", repo)):
        # Put in the link as is: ".." or "?" would make it point somewhere else on the hub.
        raise LinkError(f"not a {info.name} repository: {safe_text(repo)!r} (for example {info.example})")
    if provider == "gh":
        repo = repo.removesuffix("/").removesuffix(".git")
        if repo.count("/") != 1 or repo.startswith("/"):
            raise LinkError(f"a GitHub repository is written owner/name, not {repo!r}")
    elif provider == "gist":
        repo = repo.removesuffix("/")
        if repo.count("/") != 1:
            raise LinkError(f"a gist is written user/gist-id, not {repo!r}")
    elif provider == "git":
        scheme = urlsplit(repo).scheme
        if scheme == "file" or not (scheme or re.match(r"[^/@\s]+@[^:/\s]+:", repo)):
            raise LinkError(f"BinderHub clones only http, https, git or ssh URLs, not {repo!r}")
    elif provider == "ckan" and "/dataset/" not in repo:
        raise LinkError(f"a CKAN link is the whole dataset URL containing /dataset/, not {repo!r}")
    encoded = quote(repo, safe="") if info.url_encode else repo
    if not info.has_ref:
        return f"{encoded}/"
    ref = (ref or "HEAD").strip() or "HEAD"
    check_ref(ref)
    # Refs may contain "/" (gh splits on the first two slashes; git unquotes the ref).
    return f"{encoded}/{quote(ref, safe='/')}"


# What git itself refuses in a branch or tag name (git check-ref-format), plus what would change the link's
# meaning: ".." segments (a browser resolves them), "?" and "#".
_BAD_REF = lazy_compile(r"\.\.|//|@\{|[\x00-\x20\x7f~^:?*\[\\#]|^[/.-]|[/.]$|\.lock$|/\.")


def check_ref(ref: str) -> None:
    """Raise LinkError when `ref` cannot be a branch, tag or commit name (git's rules)."""
    if _BAD_REF.search(ref) or has_control(ref):
        raise LinkError(f"not a valid branch, tag or commit name: {safe_text(ref)!r}",
                        "Use a branch or tag name as git shows it (git branch, git tag), a commit id, or HEAD.")


# --- what to open --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenTarget:
    """What the launched server shows first. Only ever one `urlpath` parameter (never labpath/filepath)."""

    kind: str = "default"  # default | lab | file | classic | rstudio | terminal | custom
    path: str = ""

    @property
    def urlpath(self) -> str | None:
        path = self.path.lstrip("/")
        match self.kind:
            case "default":
                return None
            case "lab":
                return "lab"
            case "file":
                return f"/doc/tree/{path}"
            case "classic":
                return f"/tree/{path}" if path else "/tree"
            case "rstudio":
                return "/rstudio"
            case "terminal":  # Jupyter's terminal page (the server's /terminals/<name>): a shell in the browser
                return "terminals/1"
            case "custom":
                return self.path or None
        raise LinkError(f"unknown thing to open: {self.kind!r}")

    @property
    def label(self) -> str:
        return {
            "default": "the hub's default interface",
            "lab": "JupyterLab",
            "file": f"{self.path} in JupyterLab",
            "classic": f"{self.path or 'the file list'} in the classic notebook",
            "rstudio": "RStudio",
            "terminal": "a terminal",
            "custom": f"the URL path {self.path}" if self.path else "the hub's default interface",
        }[self.kind]


def interface_target(name: str) -> OpenTarget:
    """What a launch opens when nothing else is chosen: the settings' default_interface ("", lab, classic,
    rstudio)."""
    return OpenTarget(name) if name in ("lab", "classic", "rstudio") else OpenTarget()


def open_target_for(value: str | None) -> OpenTarget:
    """The `--open` option: lab, rstudio, terminal, classic:<file>, /custom/path, or a file name."""
    if not value:
        return OpenTarget()
    if has_control(value) or "\n" in value or "\t" in value:
        raise LinkError(f"what to open cannot contain control characters: {safe_text(value)!r}")
    if value in ("lab", "rstudio", "terminal"):
        return OpenTarget(value)
    if value.startswith("classic:"):
        return OpenTarget("classic", value.removeprefix("classic:"))
    if value.startswith("/") or value.startswith("urlpath="):
        return OpenTarget("custom", value.removeprefix("urlpath="))
    return OpenTarget("file", value)


# --- URLs and badges -----------------------------------------------------------------------------


def hub_base(hub_url: str | None) -> str:
    """The hub's base URL with exactly one trailing slash; a bare host gets https://. A user name or
    password in it is removed (`has_credentials` tells): links and badges never carry credentials."""
    given = (hub_url or DEFAULT_HUB).strip()
    shown = safe_text(given)
    if has_control(given) or any(c.isspace() for c in given):
        raise LinkError(f"the hub address cannot contain spaces or control characters: {shown!r}")
    hub = given if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*://", given) else "https://" + given
    try:
        parts = urlsplit(hub)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number from 0 to 65535
        host = parts.hostname
    except ValueError:
        raise LinkError(f"the hub address is not a valid URL: {shown!r}",
                        "Give it like https://mybinder.org (or https://host:port/path/).") from None
    if parts.scheme not in ("http", "https") or not host:
        raise LinkError(f"the hub address must be an http(s) URL, not {shown!r}",
                        "Give it like https://mybinder.org (or https://host:port/path/).")
    netloc = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/") + "/", "", ""))


def launch_url(hub_url: str | None, target: Target, open_target: OpenTarget = OpenTarget()) -> str:
    url = f"{hub_base(hub_url)}v2/{target.provider}/{target.spec}"
    urlpath = open_target.urlpath
    # urlencode gives the same bytes as the web UI's URLSearchParams ("/" → %2F, space → +).
    return f"{url}?{urlencode({'urlpath': urlpath})}" if urlpath else url


def build_url(hub_url: str | None, target: Target) -> str:
    return f"{hub_base(hub_url)}build/{target.provider}/{target.spec}"


def badge_image_url(hub_url: str | None) -> str:
    return f"{hub_base(hub_url)}badge_logo.svg"


BADGE_FORMATS = ("markdown", "rst", "html", "url")


def badge(fmt: str, hub_url: str | None, url: str) -> str:
    """The badge for `url` in Markdown, reStructuredText (one space before :target:), HTML, or the bare URL."""
    image = badge_image_url(hub_url)
    match fmt:
        case "markdown" | "md":
            return f"[![Binder]({image})]({url})"
        case "rst":
            return f".. image:: {image}\n :target: {url}"
        case "html":
            return f'<a href="{_html_attr(url)}"><img src="{_html_attr(image)}" alt="Binder"></a>'
        case "url":
            return url
    raise LinkError(f"unknown badge format {fmt!r} (choose one of: {', '.join(BADGE_FORMATS)})")


def _html_attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def web_url(value: object) -> str | None:
    """`value` when it is a link a browser may be sent to: an absolute http(s) URL with a host, and no user
    name, password, spaces or control characters; else None. Everything a hub answers goes through this
    before it is shown as a link, saved or opened (a javascript:, file: or data: "url" is never a link)."""
    if not isinstance(value, str) or not value or len(value) > 8192:
        return None
    text = value.strip()
    if has_control(text) or any(c.isspace() for c in text):
        return None
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or "@" in parts.netloc \
            or "\\" in text:
        return None
    return text


def not_a_web_link(value: object) -> str:
    """How to name a value `web_url` refused, without showing it raw: its scheme, or what is wrong."""
    if not isinstance(value, str) or not value.strip():
        return "no address"
    scheme = re.match(r"\s*([a-zA-Z][a-zA-Z0-9+.-]{0,20}):", value)
    if scheme and scheme.group(1).lower() not in ("http", "https"):
        return f"a {scheme.group(1).lower()}: address"
    return "an address that is not a plain web link"


def persistent_url(ready: dict, open_target: OpenTarget = OpenTarget()) -> str | None:
    """`binder_launch_host + binder_persistent_request` from a `ready` event: pinned to the built commit,
    opening what the launch link opens (its `urlpath`)."""
    host, request = ready.get("binder_launch_host"), ready.get("binder_persistent_request")
    if not (isinstance(host, str) and isinstance(request, str) and host and request):
        return None
    url = host.rstrip("/") + "/" + request.lstrip("/")
    urlpath = open_target.urlpath
    if urlpath:
        url += ("&" if "?" in url else "?") + urlencode({"urlpath": urlpath})
    return web_url(url)


def server_url(ready: dict, open_target: OpenTarget = OpenTarget()) -> str | None:
    """Where the browser goes after `ready`: the server URL + what to open + `?token=` (api.md §13).
    None unless the hub's url is a web link; the result always stays on that server."""
    base = web_url(ready.get("url"))
    if base is None:
        return None
    urlpath = (open_target.urlpath or "").lstrip("/")
    # "./": a path that looks like a scheme (javascript:…) stays a path on the server.
    target = urljoin(base if base.endswith("/") else base + "/", "./" + quote(urlpath, safe="/?=&%#:@~"))
    token = ready.get("token")
    if isinstance(token, str) and token:
        target += ("&" if "?" in target else "?") + urlencode({"token": token})
    target = web_url(target)
    if target is None or urlsplit(target).netloc != urlsplit(base).netloc:
        return None
    return target


# --- defaults from the project ------------------------------------------------------------------


def target_from_remote(remote_url: str, ref: str = "HEAD") -> Target:
    """Provider and repository from a git remote URL: GitHub → gh, GitLab → gl, gist → gist, else git."""
    remote = parse_remote(remote_url)
    if remote is None or remote.scheme == "file" or not remote.host:
        raise LinkError(f"a hub cannot clone {remote_url!r}: it needs a repository on the internet")
    if remote.is_github and remote.slug and "/" not in remote.owner:
        return Target("gh", remote.slug, ref)
    if remote.host == "gist.github.com" and remote.name:
        return Target("gist", f"{remote.owner or 'anonymous'}/{remote.name}", ref)
    if remote.host in ("gitlab.com", "www.gitlab.com") and remote.slug:
        return Target("gl", remote.slug, ref)
    return Target("git", public_clone_url(remote), ref)


def public_clone_url(remote: RemoteURL) -> str:
    """A clone URL BinderHub can use without credentials: no user-info; ssh rewritten to https."""
    if remote.scheme in ("http", "https", "git"):
        return remote.url
    # A hub cannot use the user's ssh key; the public https address is the one that works.
    return f"{remote.https_url}.git"


def ref_warnings(ref: str, branches: list[str] | tuple[str, ...] = ()) -> list[str]:
    """Warn about a ref that points at a branch the repository does not have (master vs main)."""
    warnings = []
    for stale, current in (("master", "main"), ("main", "master")):
        if ref == stale and current in branches and stale not in branches:
            warnings.append(
                f"The link uses '{stale}' but this repository's branch is '{current}'. Use HEAD (always the "
                f"default branch) or '{current}', or the link will break."
            )
    if re.fullmatch(r"[0-9a-f]{7,39}", ref):
        warnings.append("A shortened commit id may not resolve on every hub: use the full 40-character SHA.")
    return warnings


def r_configured(project: Path) -> bool:
    """True when the project asks repo2docker for R (install.R, DESCRIPTION, runtime.txt r-…, r-base in conda)."""
    from wizard.core.environment import config_folder

    base = project / config_folder(project)
    names = {p.name for p in base.iterdir() if p.is_file()} if base.is_dir() else set()
    if names & {"install.R", "DESCRIPTION"}:
        return True
    if "runtime.txt" in names and _read_text(base / "runtime.txt").strip().startswith("r-"):
        return True
    for env in ("environment.yml", "environment.yaml"):
        if env in names and re.search(r"^\s*-\s*r-(base|irkernel)\b", _read_text(base / env), re.MULTILINE):
            return True
    return False


def _read_text(path: Path) -> str:
    try:
        return read_text(path, limit=1_000_000)
    except OSError:  # unreadable, a pipe, too big: not an R setup binder-wizard can confirm
        return ""


def files_to_open(files: list[str]) -> list[str]:
    """Of a commit's files, those worth opening first: notebooks, then Markdown/R Markdown/scripts, in order."""
    notebooks = [f for f in files if f.endswith(".ipynb")]
    others = [f for f in files if f.endswith((".md", ".Rmd", ".py", ".R")) and not f.startswith("binder/")]
    return notebooks + others


def target_for(git: GitFacts, provider: str | None = None, repo: str | None = None, ref: str = "HEAD",
               default_provider: str = "gh") -> Target:
    """The launch target from explicit choices, falling back to the project's `origin` remote.

    `repo` may be a clone URL (then the provider is worked out from it unless given); a repository given
    without a provider is `default_provider`'s (the settings). Raises LinkError with a sentence a beginner
    can act on."""
    if provider is not None and provider not in PROVIDERS:
        raise LinkError(f"unknown provider {provider!r} (choose one of: {', '.join(PROVIDERS)})")
    if repo:
        repo = strip_credentials(repo)  # links never carry a password (the caller says so: has_credentials)
        looks_like_url = "://" in repo or bool(re.match(r"[^@/\s]+@[^:/\s]+:", repo))
        if looks_like_url and provider in (None, "gh", "gl", "gist"):
            found = target_from_remote(repo, ref)
            if provider is None or provider == found.provider:
                target = found
            else:
                raise LinkError(f"{repo} is not a {PROVIDERS[provider].name} address; drop --provider or use git")
        else:
            target = Target(provider or default_provider, repo, ref)
    else:
        origin = git.origin_url
        if not origin:
            raise LinkError("this folder has no 'origin' remote: publish it first (step 2 or 'binder-wizard "
                            "publish'), or name the repository with --repo")
        target = target_from_remote(origin, ref)
        if provider == "git" and target.provider != "git":
            target = Target("git", public_clone_url(parse_remote(origin)), ref)
        elif provider is not None and provider != target.provider:
            raise LinkError(f"the origin remote is a {PROVIDERS[target.provider].name} repository; to use "
                            f"--provider {provider}, also give --repo")
    build_spec(target.provider, target.repo, target.ref)  # raises LinkError when it cannot work
    return target
