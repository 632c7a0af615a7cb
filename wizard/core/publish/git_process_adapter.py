"""How git is run for the Publish step: what a command that talks to a remote is given (credentials
only through a throwaway GIT_ASKPASS, no prompts) and a refused login explained. Its own module because
git_adapter (what to run and why) was past 600 lines.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from wizard.core.common.remotes import parse_remote
from wizard.core.common.safe_text import safe_text
from wizard.core.publish.plan import Problem, PublishError

# --------------------------------------------------------------------------- credentials


@dataclass(frozen=True)
class Credentials:
    """A user name and a token or password for one HTTPS host: held in memory for this session only, sent
    only to `host` (through GIT_ASKPASS), never written or shown. `source` says where the secret came from,
    in words for the user ("the token you typed", "GH_TOKEN", "gh auth token")."""

    host: str
    username: str  # "" → x-access-token (what GitHub expects with a token)
    secret: str = field(repr=False)
    source: str = "typed"

    @property
    def described(self) -> str:
        """What was sent, in a phrase: "the user name ada and the token you typed"."""
        what = {"typed": "the token or password you typed"}.get(self.source, f"the token from {self.source}")
        return f"the user name {self.username} and {what}" if self.username else what


Auth = str | Credentials | None  # what git_adapter's functions accept: a bare str is a GitHub token


def token_secrets(token: Auth) -> tuple[str, ...]:
    secret = token.secret if isinstance(token, Credentials) else token
    return (secret,) if secret else ()


def auth_failed(error: PublishError, url: str, token: Auth) -> PublishError:
    """An AUTH_FAILED error saying plainly what was sent and to which host, and how to give credentials."""
    if error.kind != Problem.AUTH_FAILED:
        return error
    parsed = parse_remote(url)
    if parsed is None or parsed.scheme not in {"http", "https"}:
        return error  # ssh: the key, as the general explanation says
    host = safe_text(parsed.host)
    if isinstance(token, Credentials):
        sent = f"did not accept {safe_text(token.described)} (sent only to {host})"
    elif token:
        sent = f"did not accept the GitHub token (sent only to {host})"
    else:
        sent = "asked who you are, and binder-wizard had no user name or token for it to send"
    github_token = isinstance(token, str) or isinstance(token, Credentials) and token.source in (
        "GH_TOKEN", "GITHUB_TOKEN", "gh auth token")
    if parsed.is_github or github_token:  # github.com, or the GitHub Enterprise host of the settings
        action = ("Give a GitHub token when asked (the app asks; so does `publish` on a terminal), set GH_TOKEN "
                  "or GITHUB_TOKEN, or run `gh auth login`. Create one at github.com → Settings → Developer "
                  "settings → Personal access tokens. Nothing you type is saved.")
    else:
        action = (f"Give your user name on {host} and a token or password when asked (the app asks; so does "
                  "`publish` on a terminal); scripts set BINDER_WIZARD_GIT_TOKEN (and BINDER_WIZARD_GIT_USERNAME, "
                  "or git_username in the settings). Nothing you type is saved.")
    return PublishError(Problem.AUTH_FAILED, f"The server {host} {sent}, so nothing was pushed.", action,
                        error.detail, error.files)


_ASKPASS = """#!/bin/sh
# Written by binder-wizard for one git command, then deleted. The token is in the environment only.
case "$1" in
  Username*|username*) printf '%s\\n' "${BINDER_WIZARD_GIT_USERNAME:-x-access-token}" ;;
  *) printf '%s\\n' "$BINDER_WIZARD_GIT_TOKEN" ;;
esac
"""


@contextmanager
def git_environment(repo, url: str, token: Auth = None) -> Iterator[dict[str, str]]:
    """Environment for a git command that talks to `url`: no terminal prompts, and the token (if any)
    offered through a throwaway GIT_ASKPASS script — never written to the URL or any config. Credentials
    for another host than `url`'s are not offered.

    With a token, credential helpers are switched off for this one command so that git neither
    prefers a stale stored password nor saves the token into a credential store.
    """
    env = {"GIT_TERMINAL_PROMPT": "0", "GIT_HTTP_LOW_SPEED_LIMIT": "1", "GIT_HTTP_LOW_SPEED_TIME": "60"}
    if not os.environ.get("GIT_SSH_COMMAND") and not os.environ.get("GIT_SSH"):
        ssh_command = repo.config_reader().get_value("core", "sshCommand", default="") or "ssh"
        env["GIT_SSH_COMMAND"] = f"{ssh_command} -o BatchMode=yes"  # fail instead of prompting
    parsed = parse_remote(url)
    username = ""
    if isinstance(token, Credentials):
        username = token.username
        token = token.secret if parsed is not None and parsed.host == token.host else None
    if not token or parsed is None or parsed.scheme not in {"http", "https"}:
        yield env
        return
    folder = tempfile.mkdtemp(prefix="binder-wizard-askpass-")
    try:
        script = Path(folder) / "askpass.sh"
        script.write_text(_ASKPASS, encoding="utf-8")
        script.chmod(stat.S_IRWXU)
        count = int(os.environ.get("GIT_CONFIG_COUNT", "0") or 0)  # keep the user's own entries
        env.update({
            "GIT_ASKPASS": str(script),
            "BINDER_WIZARD_GIT_TOKEN": token,
            "BINDER_WIZARD_GIT_USERNAME": username,
            "GIT_CONFIG_COUNT": str(count + 1),
            f"GIT_CONFIG_KEY_{count}": "credential.helper",
            f"GIT_CONFIG_VALUE_{count}": "",
        })
        yield env
    finally:
        shutil.rmtree(folder, ignore_errors=True)
