"""Git remote URLs: parse https, ssh:// and scp-like `git@host:owner/name(.git)` forms.

Shared by the Publish step (is `origin` on GitHub? which repository?) and the Launch step
(which `gh/owner/name` to build). Pure string work: no git, no network.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from wizard.core.common.lazy_regex import lazy_compile
from wizard.core.common.safe_text import scrub_secrets

# git@github.com:owner/name.git — user@ optional; no "://" and the part before ":" is not a drive letter.
_SCP_LIKE = lazy_compile(r"^(?:(?P<user>[^@/\s]+)@)?(?P<host>[^:/\s]{2,}):(?!//)(?P<path>[^\s]+)$")


@dataclass(frozen=True)
class RemoteURL:
    """A remote split into the parts the wizard needs. `url` never carries credentials."""

    url: str
    scheme: str  # "https", "http", "ssh", "git", "file"; scp-like forms report "ssh"
    host: str  # lower-case, no port; "" for file://
    owner: str  # "" when the path has no owner/name shape
    name: str  # repository name without ".git"

    @property
    def is_github(self) -> bool:
        return self.host in {"github.com", "www.github.com"}

    @property
    def slug(self) -> str:
        """owner/name, as BinderHub's `gh/` provider and GitHub's API expect it."""
        return f"{self.owner}/{self.name}" if self.owner and self.name else ""

    @property
    def https_url(self) -> str:
        """The https form a browser (and Binder) uses; for GitHub, without `.git`."""
        if not self.host or not self.slug:
            return self.url
        return f"https://{self.host}/{self.slug}"


def strip_credentials(url: str) -> str:
    """Remove `user:password@` from a URL so it can be stored or shown (scp-like forms keep `git@`)."""
    text = url.strip()
    if "://" not in text:
        return text
    try:
        parts = urlsplit(text)
    except ValueError:  # not a URL Python can split (http://[::1): hide whatever looks like user-info
        return scrub_secrets(text)
    if "@" not in parts.netloc:
        return text
    host = parts.netloc.rsplit("@", 1)[1]
    if parts.scheme in {"ssh", "git+ssh", "ssh+git"}:  # ssh://git@host/... — a user name, not a secret
        user = parts.netloc.rsplit("@", 1)[0].split(":", 1)[0]
        host = f"{user}@{host}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def has_credentials(url: str | None) -> bool:
    """True when `strip_credentials` would remove something (a password, a token, a user name)."""
    return bool(url) and strip_credentials(url) != url.strip()


def _owner_and_name(path: str) -> tuple[str, str]:
    segments = [s for s in path.strip("/").split("/") if s]
    if len(segments) < 2:
        return "", (segments[0].removesuffix(".git") if segments else "")
    name = segments[-1].removesuffix(".git")
    owner = "/".join(segments[:-1])  # GitLab subgroups keep their full path
    return owner, name


def parse_remote(url: str | None) -> RemoteURL | None:
    """Parse a remote URL, or None when it is not one git would accept."""
    if not url or not url.strip() or any(c.isspace() for c in url.strip()):
        return None
    text = strip_credentials(url)
    if "://" in text:
        try:
            parts = urlsplit(text)
            parts.port  # noqa: B018 - raises ValueError for a port that is not a number
        except ValueError:
            return None
        scheme = parts.scheme.lower()
        if scheme in {"git+ssh", "ssh+git"}:
            scheme = "ssh"
        if scheme not in {"https", "http", "ssh", "git", "file"}:
            return None
        if scheme == "file":
            owner, name = _owner_and_name(parts.path)
            return RemoteURL(text, "file", "", owner, name)
        host = (parts.hostname or "").lower()
        if not host:
            return None
        owner, name = _owner_and_name(parts.path)
        return RemoteURL(text, scheme, host, owner, name)
    match = _SCP_LIKE.match(text)
    if match:
        owner, name = _owner_and_name(match["path"])
        return RemoteURL(text, "ssh", match["host"].lower(), owner, name)
    if text.startswith(("/", "./", "../")):  # a plain path: git treats it like file://
        owner, name = _owner_and_name(text)
        return RemoteURL(text, "file", "", owner, name)
    return None


def github_url(owner: str, name: str) -> str:
    """The https clone URL for a GitHub repository."""
    return f"https://github.com/{owner}/{name}.git"
