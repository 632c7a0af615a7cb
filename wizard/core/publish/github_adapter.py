"""GitHub's REST API, the two calls the wizard needs: create a public repository, check visibility.

httpx is imported inside the functions. The API base comes from Config.github_api so tests (and
GitHub Enterprise users) can point it elsewhere. Tokens come from GH_TOKEN / GITHUB_TOKEN or
`gh auth token`; they are never shown (every message goes through safe_text with the token).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from urllib.parse import urlsplit

from wizard.core.common.remotes import RemoteURL, parse_remote
from wizard.core.common.safe_text import safe_text
from wizard.core.publish.plan import Problem, PublishError

API_VERSION = "2022-11-28"
TIMEOUT_SECONDS = 20.0
WHY_PUBLIC = ("Binder can only build public repositories: mybinder.org downloads your code without "
              "any password, so a private repository looks like a missing one.")


class GitHubProblem:
    BAD_TOKEN = "bad_token"
    NO_TOKEN = "no_token"
    NAME_TAKEN = "name_taken"
    FORBIDDEN = "forbidden"
    NETWORK = Problem.NETWORK
    UNEXPECTED = "unexpected_response"


@dataclass(frozen=True)
class Token:
    value: str
    source: str  # "GH_TOKEN", "GITHUB_TOKEN" or "gh auth token"


def token_from_environment(use_gh: bool = True) -> Token | None:
    """The user's GitHub token: GH_TOKEN, then GITHUB_TOKEN, then `gh auth token` if gh is installed."""
    for name in ("GH_TOKEN", "GITHUB_TOKEN"):
        value = os.environ.get(name, "").strip()
        if value:
            return Token(value, name)
    value = gh_token() if use_gh else None
    return Token(value, "gh auth token") if value else None


def token_hosts(api_base: str) -> set[str]:
    """Hosts a GitHub token may be sent to: github.com, and the configured API's host (and, for an
    `api.` host, its git host). Never anywhere else — the token must not leak to another server."""
    hosts = {"github.com", "www.github.com"}
    host = (urlsplit(api_base).hostname or "").lower()
    if host:
        hosts.add(host)
        hosts.add(host.removeprefix("api."))
    return hosts


def git_token(remote: RemoteURL | None, api_base: str) -> str | None:
    """The token to offer git for this remote, or None (then git's own helpers/SSH keys are used)."""
    if remote is None or remote.scheme not in {"http", "https"} or remote.host not in token_hosts(api_base):
        return None
    token = token_from_environment()
    return token.value if token else None


def push_credentials(url: str, api_base: str, username: str = "", use_gh: bool = True):
    """The credentials a push to `url` (http/https) can send without asking, or None: BINDER_WIZARD_GIT_TOKEN
    (with BINDER_WIZARD_GIT_USERNAME, else `username`) for any host; for GitHub hosts GH_TOKEN/GITHUB_TOKEN,
    then (`use_gh`, github.com only) the token of a logged-in `gh`. A GitHub token never goes elsewhere."""
    from wizard.core.publish.git_adapter import Credentials

    remote = parse_remote(url)
    if remote is None or remote.scheme not in {"http", "https"}:
        return None
    own = os.environ.get("BINDER_WIZARD_GIT_TOKEN", "").strip()
    if own:
        name = os.environ.get("BINDER_WIZARD_GIT_USERNAME", "").strip() or username
        return Credentials(remote.host, name, own, "BINDER_WIZARD_GIT_TOKEN")
    if remote.host not in token_hosts(api_base):
        return None
    token = token_from_environment(use_gh=use_gh and remote.host in ("github.com", "www.github.com"))
    return Credentials(remote.host, "", token.value, token.source) if token else None


def gh_token() -> str | None:
    """The token of a logged-in GitHub CLI (`gh auth token`), or None when gh is missing or logged out."""
    gh = shutil.which("gh")
    if not gh:
        return None
    from wizard.core.common.process_adapter import run_bounded

    result = run_bounded([gh, "auth", "token"], timeout=5)
    value = result.text().strip()
    return value if result.ok and value and not any(c.isspace() for c in value) else None


@dataclass(frozen=True)
class CreatedRepository:
    owner: str
    name: str
    html_url: str
    clone_url: str
    private: bool


@dataclass(frozen=True)
class Visibility:
    public: bool | None  # None when GitHub could not tell us (network, rate limit)
    explanation: str


def _message(response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text[:300]
    if not isinstance(data, dict):
        return ""
    parts = [str(data.get("message", ""))]
    for item in data.get("errors") or []:
        if isinstance(item, dict) and item.get("message"):
            parts.append(str(item["message"]))
    return "; ".join(p for p in parts if p)


def create_repository(name: str, token: str | None, api_base: str, description: str = "") -> CreatedRepository:
    """`POST /user/repos` — a new public repository owned by the token's user."""
    import httpx

    if not token:
        raise PublishError(
            GitHubProblem.NO_TOKEN, "Creating a repository on GitHub needs a GitHub token.",
            "Run `gh auth login`, or create a token (github.com → Settings → Developer settings) "
            "with the `repo` scope and set GH_TOKEN; or create the repository on github.com and paste "
            "its URL.")
    body = {"name": name, "private": False, "auto_init": False, "has_wiki": False}
    if description:
        body["description"] = description
    headers = {"Accept": "application/vnd.github+json", "Authorization": f"Bearer {token}",
               "X-GitHub-Api-Version": API_VERSION, "User-Agent": "binder-wizard"}
    try:
        response = httpx.post(f"{api_base.rstrip('/')}/user/repos", json=body, headers=headers,
                              timeout=TIMEOUT_SECONDS)
    except httpx.HTTPError as error:
        raise PublishError(
            GitHubProblem.NETWORK, "Could not reach GitHub to create the repository.",
            "Check your internet connection and try again.",
            safe_text(str(error), (token,))) from None
    detail = safe_text(_message(response), (token,))
    if response.status_code == 201:
        data = response.json()
        return CreatedRepository(owner=data["owner"]["login"], name=data["name"], html_url=data["html_url"],
                                 clone_url=data["clone_url"], private=bool(data.get("private")))
    if response.status_code == 401:
        raise PublishError(
            GitHubProblem.BAD_TOKEN, "GitHub did not accept your token (it may be expired or mistyped).",
            "Create a new token or run `gh auth login`, then try again.", detail)
    if response.status_code == 422:
        raise PublishError(
            GitHubProblem.NAME_TAKEN, f"You already have a repository called {safe_text(name)} on GitHub "
            "(or the name is not allowed).",
            "Pick another name, or paste the existing repository's URL to publish there.", detail)
    if response.status_code == 403:
        raise PublishError(
            GitHubProblem.FORBIDDEN, "GitHub refused to create the repository: the token lacks the "
            "right to create repositories, or you hit a rate limit.",
            "Give the token the `repo` scope (or `Administration: write` for fine-grained tokens), "
            "or wait a few minutes.", detail)
    raise PublishError(
        GitHubProblem.UNEXPECTED, f"GitHub answered {response.status_code} when creating the repository.",
        "Try again in a moment, or create it on github.com and paste its URL.", detail)


def check_visibility(owner: str, name: str, api_base: str) -> Visibility:
    """`GET /repos/{owner}/{repo}` *without* a token: what Binder will see."""
    import httpx

    headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": API_VERSION,
               "User-Agent": "binder-wizard"}
    try:
        response = httpx.get(f"{api_base.rstrip('/')}/repos/{owner}/{name}", headers=headers,
                             timeout=TIMEOUT_SECONDS)
    except httpx.HTTPError:
        return Visibility(None, "Could not reach GitHub to check that the repository is public.")
    if response.status_code == 200:
        try:
            private = bool(response.json().get("private"))
        except (ValueError, AttributeError):
            private = False
        if private:
            return Visibility(False, f"{owner}/{name} is private. {WHY_PUBLIC}")
        return Visibility(True, f"{owner}/{name} is public: Binder can build it.")
    if response.status_code == 404:
        return Visibility(False, f"GitHub shows no public repository {owner}/{name}: it is private or does not "
                                 f"exist. {WHY_PUBLIC} Make it public under Settings → General → Danger Zone → "
                                 "Change visibility.")
    if response.status_code in {403, 429}:
        return Visibility(None, "GitHub's rate limit stopped the visibility check; try again in a few minutes.")
    return Visibility(None, f"GitHub answered {response.status_code} to the visibility check.")


def visibility_after_push(remote_url: str, api_base: str) -> Visibility | None:
    """Check a pushed repository is public, when it is on GitHub (or the configured GitHub); else None."""
    remote = parse_remote(remote_url)
    if remote is None or not remote.slug or remote.host not in token_hosts(api_base):
        return None
    return check_visibility(remote.owner, remote.name, api_base)
