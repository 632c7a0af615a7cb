"""Can mybinder.org fetch the repository? A private GitHub repository looks like a missing one to it (it downloads
the code without a password), and the build fails with "Could not resolve ref ... Double check your URL and that
your repo is public". `launch` and step 3 ask first and say so plainly, with the way out: make it public, or use
a BinderHub with authentication (the seed: "One such configuration could include authentication to enable private
repositories to be shared amongst close collaborators").

Only for GitHub repositories launched on mybinder.org (its federation's hosts): another hub may well be one with
access to private repositories, and asking costs a request. GitHub's API is asked *without* a token (what the hub
sees), bounded: a few seconds, 256 KB, 3 redirects (GitHub redirects a renamed repository), no credentials from the
environment. Any answer other than "public" or "not found" (no network, rate limit) says nothing. httpx is imported
inside the function.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

ACCESS_TIMEOUT = 5.0
MAX_ANSWER_BYTES = 256 * 1024


def is_mybinder(hub: str) -> bool:
    host = (urlsplit(hub).hostname or "").lower()
    return host == "mybinder.org" or host.endswith(".mybinder.org")


def github_public(slug: str, api_base: str, *, timeout: float = ACCESS_TIMEOUT, transport=None) -> bool | None:
    """True when GitHub shows `owner/name` to anyone, False when it does not (private, or no such repository),
    None when it could not tell."""
    import json

    import httpx

    owner, _, name = slug.partition("/")
    url = f"{api_base.rstrip('/')}/repos/{quote(owner, safe='')}/{quote(name, safe='')}"
    headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28",
               "User-Agent": "binder-wizard", "Accept-Encoding": "identity"}
    try:
        with httpx.Client(timeout=timeout, follow_redirects=True, max_redirects=3, trust_env=False,
                          transport=transport) as client:
            with client.stream("GET", url, headers=headers) as response:
                if response.status_code == 404:
                    return False
                if response.status_code != 200:
                    return None
                body = bytearray()
                for chunk in response.iter_raw():
                    body += chunk
                    if len(body) > MAX_ANSWER_BYTES:
                        return None
        data = json.loads(bytes(body))
    except Exception:  # noqa: BLE001 - a GitHub that cannot say is one we say nothing about
        return None
    if not isinstance(data, dict) or not isinstance(data.get("private"), bool):
        return None
    return not data["private"]


def private_repository_note(provider: str, repo: str, hub: str, api_base: str, *, where_hub: str,
                            transport=None) -> str | None:
    """The explanation when a GitHub repository launched on mybinder.org is not public, else None.
    `where_hub`: how this front end chooses another hub ("--hub URL", "Settings (F2)")."""
    if provider != "gh" or not is_mybinder(hub) or github_public(repo, api_base, transport=transport) is not False:
        return None
    return (f"GitHub shows no public repository {repo}: it is private, or does not exist yet. mybinder.org cannot "
            "build a private repository, because it downloads your code without a password, so this launch will "
            "fail. Make the repository public (on GitHub: Settings → General → Danger Zone → Change visibility), "
            "or launch it on a BinderHub with authentication that can read your private repositories (your "
            f"institution's): choose that hub with {where_hub}, and give your token for it in the "
            "BINDER_WIZARD_HUB_TOKEN environment variable.")
