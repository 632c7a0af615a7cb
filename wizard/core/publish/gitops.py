"""Git work for the Publish step: state, commit, push, verify — safely, with plain-language failures.

Every function blocks (the TUI calls them from a thread worker) and imports GitPython lazily.
Rules kept here, not in the callers:
* never force-push, never rewrite a commit the user already has;
* a token from the environment reaches git only through a temporary GIT_ASKPASS script and the
  child's environment — never the URL, `.git/config` or a credential store;
* all git output shown to a person goes through `safety.safe_text` (tokens and URL passwords scrubbed).
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from wizard.core.common.errors import UserError
from wizard.core.common.fileio import read_file_bytes
from wizard.core.common.remotes import RemoteURL, parse_remote, strip_credentials
from wizard.core.common.safe_text import safe_text

GITHUB_FILE_LIMIT = 100 * 1024 * 1024  # GitHub refuses files larger than 100 MiB
DEFAULT_BRANCH = "main"

# What the user should add to .gitignore in a Python / R / Jupyter project (comment lines group them).
GITIGNORE_SUGGESTION: tuple[str, ...] = (
    "# Python",
    "__pycache__/",
    "*.py[cod]",
    ".venv/",
    "venv/",
    "*.egg-info/",
    ".pytest_cache/",
    "# Jupyter",
    ".ipynb_checkpoints/",
    "# R",
    ".Rhistory",
    ".RData",
    ".Rproj.user/",
    "# Secrets and system files",
    ".env",
    ".DS_Store",
    "Thumbs.db",
)


# --------------------------------------------------------------------------- errors


class Problem:
    """Kinds of PublishError (plain strings so the UI and tests can compare them)."""

    NOT_A_REPO = "not_a_repo"
    AUTH_FAILED = "auth_failed"
    REPO_NOT_FOUND = "repo_not_found"
    NETWORK = "network"
    REJECTED = "rejected_non_fast_forward"
    PROTECTED_BRANCH = "protected_branch"
    FILE_TOO_LARGE = "file_too_large"
    DETACHED_HEAD = "detached_head"
    NOTHING_TO_COMMIT = "nothing_to_commit"
    NO_IDENTITY = "no_identity"
    CONFLICT = "conflict"
    IN_PROGRESS = "operation_in_progress"
    NO_REMOTE = "no_remote"
    ORIGIN_EXISTS = "origin_exists"
    BAD_URL = "bad_url"
    NOT_VERIFIED = "not_verified"
    GIT_FAILED = "git_failed"


class PublishError(UserError):
    """A publish step that failed: what happened, and what to do next. Nothing was lost."""

    def __init__(self, kind: str, explanation: str, next_action: str, detail: str = "",
                 files: Sequence[str] = ()) -> None:
        super().__init__(explanation, next_action)
        self.kind = kind
        self.explanation = explanation
        self.detail = detail  # scrubbed git output, for "show details"
        self.files = tuple(files)


# (kind, needles) in the order they are tried: the specific GitHub messages before the generic ones.
_CLASSIFIERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (Problem.PROTECTED_BRANCH, ("gh006", "gh013", "protected branch", "repository rule violations")),
    (Problem.FILE_TOO_LARGE, ("gh001", "large files detected", "exceeds github's file size limit")),
    (Problem.REJECTED, ("non-fast-forward", "[rejected]", "fetch first", "remote contains work",
                        "tip of your current branch is behind")),
    (Problem.AUTH_FAILED, ("authentication failed", "could not read username", "could not read password",
                           "terminal prompts disabled", "invalid username or password", "permission denied",
                           "returned error: 401", "returned error: 403", "host key verification failed",
                           "invalid credentials", "bad credentials")),
    (Problem.REPO_NOT_FOUND, ("repository not found", "does not appear to be a git repository",
                              "returned error: 404", "not found")),
    (Problem.NETWORK, ("could not resolve host", "failed to connect", "connection refused", "timed out",
                       "network is unreachable", "hung up unexpectedly", "rpc failed", "early eof",
                       "unexpected disconnect", "empty reply from server", "connection reset",
                       "broken pipe", "ssl", "unable to access", "could not connect", "remote end hung up",
                       "recv failure", "send failure", "transfer closed")),
)


def classify(output: str, url: str = "", branch: str = "", secrets: tuple[str, ...] = ()) -> PublishError:
    """Turn git's stderr into a PublishError with a plain explanation and the next step."""
    detail = safe_text(output, secrets).strip()
    lowered = detail.lower()
    kind = next((k for k, needles in _CLASSIFIERS if any(n in lowered for n in needles)), Problem.GIT_FAILED)
    where = safe_text(url, secrets) or "the remote"
    return _explain(kind, where, branch, detail)


def _explain(kind: str, where: str, branch: str, detail: str, files: Sequence[str] = ()) -> PublishError:
    branch = branch or "your branch"
    texts = {
        Problem.AUTH_FAILED: (
            f"The server at {where} did not accept your credentials, so nothing was pushed.",
            "For GitHub over https, create a token (github.com → Settings → Developer settings → Personal "
            "access tokens) and set it in the GH_TOKEN environment variable, or run `gh auth login`; for "
            "ssh, add your SSH key to the agent and to GitHub. binder-wizard never asks for or stores a "
            "password.",
        ),
        Problem.REPO_NOT_FOUND: (
            f"No repository exists at {where} (or it is private and your credentials cannot see it).",
            "Check the owner and name in the URL, or create the repository on GitHub first.",
        ),
        Problem.NETWORK: (
            f"Could not reach {where}: the connection failed or was cut off. Nothing on the server changed.",
            "Check your internet connection (and VPN or proxy), then try the push again.",
        ),
        Problem.REJECTED: (
            f"The remote branch {branch} has commits that you do not have, so the push was refused. "
            "binder-wizard never force-pushes: that would delete those commits.",
            "Fetch them and put your commits on top (rebase), or merge them, then push again.",
        ),
        Problem.PROTECTED_BRANCH: (
            f"The branch {branch} is protected on the server (or a repository rule refused this push): "
            "pushes to it need a pull request or extra rights.",
            "Push to a new branch (for example with --branch binder) and open a pull request, or ask the "
            "repository owner to allow your push.",
        ),
        Problem.FILE_TOO_LARGE: (
            "GitHub refuses files larger than 100 MB, and these would be pushed: " + ", ".join(files)
            if files else "The server refused a file larger than its size limit (GitHub: 100 MB).",
            "Take the file out of your commits (for a file in the last commit: `git rm --cached FILE` "
            "and `git commit --amend`), add it to .gitignore, and download it at build time instead "
            "(postBuild), or keep it elsewhere.",
        ),
        Problem.GIT_FAILED: (
            f"git could not finish: {detail.splitlines()[-1] if detail else 'unknown error'}",
            "Read the details below; your files and commits were not changed by binder-wizard.",
        ),
    }
    explanation, next_action = texts.get(kind, texts[Problem.GIT_FAILED])
    return PublishError(kind, explanation, next_action, detail, files)


def _detached_error() -> PublishError:
    return PublishError(
        Problem.DETACHED_HEAD,
        "You are not on a branch (\"detached HEAD\"), so there is no branch to commit to or push.",
        "Create a branch here with `git switch -c main` (or switch back with `git switch main`), then try again.",
    )


def _in_progress_error(operation: str) -> PublishError:
    return PublishError(
        Problem.IN_PROGRESS,
        f"A {operation} is not finished in this repository.",
        f"Finish it (`git {operation} --continue`) or cancel it (`git {operation} --abort`), then try again.",
    )


def _not_a_repo(path: Path) -> PublishError:
    return PublishError(Problem.NOT_A_REPO, f"{path} is not a git repository yet.",
                        "Create one first (binder-wizard offers `git init` with the branch main).")


def _no_identity_error() -> PublishError:
    return PublishError(
        Problem.NO_IDENTITY,
        "git does not know your name and email yet, and every commit records them.",
        'Set them for this project: git config user.name "Your Name" && git config user.email you@example.org',
    )


# --------------------------------------------------------------------------- state


@dataclass(frozen=True)
class FileChange:
    path: str  # relative, "/"-separated
    status: str  # "new", "modified", "deleted", "renamed", "conflicted", "type changed"
    staged: bool  # True when the whole change is already in the index
    size: int | None  # bytes in the working tree; None when deleted


@dataclass(frozen=True)
class RepoState:
    path: Path
    is_repo: bool
    branch: str | None = None  # None when detached or not a repo
    head_sha: str | None = None  # None before the first commit
    detached: bool = False
    operation: str | None = None  # "merge", "rebase", "cherry-pick", "revert", "bisect"
    changes: tuple[FileChange, ...] = ()
    upstream: str | None = None
    ahead: int | None = None
    behind: int | None = None
    origin_url: str | None = None  # credentials stripped
    origin: RemoteURL | None = None

    @property
    def staged(self) -> tuple[str, ...]:
        return tuple(c.path for c in self.changes if c.staged)

    @property
    def modified(self) -> tuple[str, ...]:
        return tuple(c.path for c in self.changes if not c.staged and c.status not in {"new", "conflicted"})

    @property
    def untracked(self) -> tuple[str, ...]:
        return tuple(c.path for c in self.changes if c.status == "new" and not c.staged)

    @property
    def conflicted(self) -> tuple[str, ...]:
        return tuple(c.path for c in self.changes if c.status == "conflicted")


_XY = {"M": "modified", "A": "new", "D": "deleted", "R": "renamed", "C": "new", "T": "type changed"}


def _open(path: Path):
    import git

    try:
        return git.Repo(path)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None


def _require_repo(path: Path):
    repo = _open(path)
    if repo is None:
        raise _not_a_repo(path)
    return repo


def _operation(git_dir: Path) -> str | None:
    if (git_dir / "rebase-merge").exists() or (git_dir / "rebase-apply").exists():
        return "rebase"
    for marker, name in (("MERGE_HEAD", "merge"), ("CHERRY_PICK_HEAD", "cherry-pick"),
                         ("REVERT_HEAD", "revert"), ("BISECT_LOG", "bisect")):
        if (git_dir / marker).exists():
            return name
    return None


def _size(root: Path, rel: str) -> int | None:
    try:
        return (root / rel).lstat().st_size
    except OSError:
        return None


def repo_state(path: Path) -> RepoState:
    """Everything the Publish step shows at a glance, from one `git status` call."""
    path = Path(path)
    repo = _open(path)
    if repo is None:
        return RepoState(path=path, is_repo=False)
    import git

    try:
        # GIT_OPTIONAL_LOCKS=0: reading must never take index.lock from a commit or rebase running alongside
        out = repo.git.status("--porcelain=v2", "--branch", "-z", "--untracked-files=all",
                              strip_newline_in_stdout=False, env={"GIT_OPTIONAL_LOCKS": "0"})
    except git.GitCommandError as error:
        raise classify(_stderr(error)) from None
    head_sha = branch = upstream = None
    ahead = behind = None
    changes: list[FileChange] = []
    fields = iter(out.split("\0"))
    for entry in fields:
        if not entry:
            continue
        if entry.startswith("# "):
            key, _, value = entry[2:].partition(" ")
            if key == "branch.oid" and value != "(initial)":
                head_sha = value
            elif key == "branch.head" and value != "(detached)":
                branch = value
            elif key == "branch.upstream":
                upstream = value
            elif key == "branch.ab":
                plus, minus = value.split()
                ahead, behind = int(plus), -int(minus)
            continue
        kind = entry[0]
        if kind == "?":
            rel = entry[2:]
            changes.append(FileChange(rel, "new", False, _size(path, rel)))
        elif kind in "12":
            parts = entry.split(" ", 8 if kind == "1" else 9)
            xy, rel = parts[1], parts[-1]
            if kind == "2":
                next(fields, None)  # the original path of a rename
            x, y = xy[0], xy[1]
            letter = x if x != "." else y
            status = _XY.get(letter, "modified")
            if kind == "2":
                status = "renamed"
            if y == "D" or (x == "D" and y == "."):
                status = "deleted"
            changes.append(FileChange(rel, status, y == ".", None if status == "deleted" else _size(path, rel)))
        elif kind == "u":
            rel = entry.split(" ", 10)[-1]
            changes.append(FileChange(rel, "conflicted", False, _size(path, rel)))
    origin_url = None
    try:
        origin_url = strip_credentials(repo.remote("origin").url)
    except Exception:  # no origin, or one without a url
        origin_url = None
    detached = head_sha is not None and branch is None
    if branch is None and head_sha is None and not repo.head.is_detached:
        branch = repo.head.reference.name  # an unborn branch
    return RepoState(
        path=path, is_repo=True, branch=branch, head_sha=head_sha, detached=detached,
        operation=_operation(Path(repo.git_dir)), changes=tuple(sorted(changes, key=lambda c: c.path)),
        upstream=upstream, ahead=ahead, behind=behind,
        origin_url=safe_text(origin_url) if origin_url else None, origin=parse_remote(origin_url),
    )


def origin_remote(path: Path) -> RemoteURL | None:
    """`origin` parsed (credentials stripped), without reading the whole status."""
    repo = _open(path)
    if repo is None:
        return None
    try:
        return parse_remote(repo.remote("origin").url)
    except ValueError:
        return None


def ensure_publishable(state: RepoState) -> None:
    """Raise the plain explanation when this repository cannot publish right now."""
    if state.is_repo and state.detached:
        raise _detached_error()
    if state.is_repo and state.operation:
        raise _in_progress_error(state.operation)


def init_repo(path: Path, branch: str = DEFAULT_BRANCH) -> RepoState:
    """`git init` with the given first branch (main unless the user asks otherwise)."""
    import git

    if _open(path) is None:
        git.Repo.init(path, initial_branch=branch)
    return repo_state(path)


# --------------------------------------------------------------------------- identity


def identity(path: Path) -> tuple[str, str]:
    """The (name, email) commits will carry; empty strings for what is missing."""
    repo = _require_repo(path)
    reader = repo.config_reader()
    name = os.environ.get("GIT_AUTHOR_NAME") or str(reader.get_value("user", "name", default="")).strip()
    email = os.environ.get("GIT_AUTHOR_EMAIL") or str(reader.get_value("user", "email", default="")).strip()
    return name, email


def has_identity(path: Path) -> bool:
    return all(identity(path))


def set_identity(path: Path, name: str, email: str) -> None:
    """Record name and email for this repository only (`.git/config`), never globally."""
    name, email = name.strip(), email.strip()
    if not name or any(c in name for c in "<>\n"):
        raise ValueError("Give your name as it should appear in the history (no < > characters).")
    if "@" not in email or any(c.isspace() or c in "<>" for c in email):
        raise ValueError("Give an email address like you@example.org.")
    repo = _require_repo(path)
    with repo.config_writer("repository") as writer:
        writer.set_value("user", "name", name)
        writer.set_value("user", "email", email)


# --------------------------------------------------------------------------- .gitignore


def missing_gitignore_lines(path: Path, extra: Iterable[str] = ()) -> list[str]:
    """The suggested .gitignore lines this project does not have yet: the Python/R/Jupyter template,
    then `extra` patterns (what the audit kept out). A comment line only comes with new rules."""
    existing = set()
    try:
        text = read_file_bytes(Path(path) / ".gitignore", limit=1_000_000).decode("utf-8")
        existing = {line.strip() for line in text.splitlines()}
    except (OSError, UnicodeDecodeError):
        pass
    extra = tuple(dict.fromkeys(p for p in extra if p and p not in GITIGNORE_SUGGESTION))
    suggestion = GITIGNORE_SUGGESTION + (("# Kept out by the safety check",) + extra if extra else ())
    lines: list[str] = []
    comment = None
    for line in suggestion:
        if line.startswith("#"):
            comment = line
        elif not {line, line.rstrip("/"), f"/{line}"} & existing:
            if comment:
                lines.append(comment)
                comment = None
            lines.append(line)
    return lines


def add_to_gitignore(path: Path, lines: Iterable[str]) -> None:
    """Add lines to .gitignore (created if missing); nothing there is removed or reordered."""
    from wizard.core.publish.audit import gitignore_text

    target = Path(path) / ".gitignore"
    try:
        old = read_file_bytes(target, limit=1_000_000).decode("utf-8")  # a pipe or huge file: OSError
    except FileNotFoundError:
        old = ""
    new = gitignore_text(old, lines)
    if new != old:
        with open(target, "w", encoding="utf-8", newline="") as handle:
            handle.write(new)


# --------------------------------------------------------------------------- audit hook


@dataclass(frozen=True)
class KeptOut:
    reason: str
    gitignore: str | None  # the .gitignore pattern the audit suggests for it


def keep_out(path: Path, changes: Sequence[FileChange]) -> dict[str, KeptOut]:
    """Changed files the pre-push audit wants out of the commit (too large, secrets, junk), with the
    reason and a .gitignore pattern. Deleted files have nothing to audit. The one place the Publish
    step asks the audit."""
    from wizard.core.publish.audit import audit_files

    present = [c.path for c in changes if c.size is not None]
    kept: dict[str, KeptOut] = {}
    # A virtualenv or conda env inside the project: thousands of files Binder must not get (it builds its
    # own environment from the environment files). Kept out whole, and not worth auditing file by file.
    envs = tuple(rel.removesuffix("pyvenv.cfg").removesuffix("conda-meta/history")
                 for rel in present if rel.endswith(("/pyvenv.cfg", "/conda-meta/history")))
    if envs:
        for rel in present:
            folder = next((env for env in envs if rel.startswith(env)), None)
            if folder:
                kept[rel] = KeptOut(f"{folder} is a Python environment made on this computer; Binder builds "
                                    "its own from your environment files, so it does not belong in the "
                                    "repository.", folder)
        present = [rel for rel in present if rel not in kept]
    wanted = set(present)
    for finding in audit_files(Path(path), present).findings:
        if finding.blocks_commit and finding.path in wanted:
            if finding.path in kept:
                earlier = kept[finding.path]
                kept[finding.path] = KeptOut(f"{earlier.reason} {finding.message}",
                                             earlier.gitignore or finding.gitignore)
            else:
                kept[finding.path] = KeptOut(finding.message, finding.gitignore)
    return kept


def keep_out_reasons(path: Path, changes: Sequence[FileChange]) -> dict[str, str]:
    """{path: reason} for the files `keep_out` finds."""
    return {rel: kept.reason for rel, kept in keep_out(path, changes).items()}


def suggested_message(state: RepoState, files: Sequence[str]) -> str:
    """A first commit message the user can accept as is."""
    from wizard.core.environment import ENVIRONMENT_FILES

    if state.head_sha is None:
        return "Add the project, ready for Binder"
    env = sorted({Path(f).name for f in files} & set(ENVIRONMENT_FILES))
    if env and len(env) == len(files):
        return "Update the Binder environment: " + ", ".join(env)
    if env:
        return f"Update {len(files)} files, including the Binder environment ({', '.join(env)})"
    return f"Update {len(files)} file{'s' if len(files) != 1 else ''}" if files else "Publish for Binder"


# --------------------------------------------------------------------------- commit


def _ensure_branch(repo) -> None:
    if repo.head.is_detached:
        raise _detached_error()
    operation = _operation(Path(repo.git_dir))
    if operation:
        raise _in_progress_error(operation)


@contextmanager
def _pathspec_file(paths: Sequence[str]) -> Iterator[str]:
    handle = tempfile.NamedTemporaryFile("wb", delete=False, prefix="binder-wizard-paths-")
    try:
        with handle:
            handle.write(b"\0".join(p.encode("utf-8", "surrogateescape") for p in paths))
        yield handle.name
    finally:
        os.unlink(handle.name)


def commit(path: Path, files: Sequence[str], message: str) -> str:
    """Commit exactly `files` (new, changed or deleted) with `message`; returns the new commit SHA.

    Other changes, staged or not, stay as they were.
    """
    import git

    repo = _require_repo(path)
    _ensure_branch(repo)
    if not files:
        raise PublishError(Problem.NOTHING_TO_COMMIT, "No files are selected, so there is nothing to commit.",
                           "Select the files to publish, or push the commits you already have.")
    if not message.strip():
        raise PublishError(Problem.NOTHING_TO_COMMIT, "The commit message is empty.",
                           "Write one line saying what this version contains.")
    if not has_identity(path):
        raise _no_identity_error()
    env = {"GIT_LITERAL_PATHSPECS": "1"}
    with _pathspec_file(files) as listing:
        try:
            repo.git.add("--all", f"--pathspec-from-file={listing}", "--pathspec-file-nul", env=env)
            repo.git.commit("--quiet", "-m", message,
                            f"--pathspec-from-file={listing}", "--pathspec-file-nul", env=env)
        except git.GitCommandError as error:
            text = _stderr(error)
            if any(n in text for n in ("nothing to commit", "nothing added to commit", "no changes added")):
                raise PublishError(Problem.NOTHING_TO_COMMIT, "The selected files have no changes to commit.",
                                   "Nothing new to commit; you can push the commits you already have.") from None
            if "tell me who you are" in text.lower() or "unable to auto-detect email" in text.lower():
                raise _no_identity_error() from None
            raise classify(text) from None
    return repo.head.commit.hexsha


def _stderr(error) -> str:
    parts = [getattr(error, "stderr", "") or "", getattr(error, "stdout", "") or ""]
    text = "\n".join(p if isinstance(p, str) else p.decode("utf-8", "replace") for p in parts)
    return text.replace("  stderr: '", "").replace("  stdout: '", "").strip().rstrip("'")


# --------------------------------------------------------------------------- origin


def set_origin(path: Path, url: str, replace: bool = False) -> str:
    """Point `origin` at url (credentials removed) and return what was stored.

    An existing `origin` for a different repository is only replaced when `replace` is True.
    """
    parsed = parse_remote(url)
    if parsed is None:
        raise PublishError(Problem.BAD_URL, f"This is not a git URL: {safe_text(url)}",
                           "Paste the repository's URL, like https://github.com/OWNER/NAME.git.")
    clean = parsed.url
    repo = _require_repo(path)
    try:
        current = repo.remote("origin")
        current_url = current.url
    except ValueError:
        repo.create_remote("origin", clean)
        return clean
    if strip_credentials(current_url) == clean:
        return current_url
    existing = parse_remote(current_url)
    if existing and existing.host == parsed.host and existing.slug and existing.slug == parsed.slug:
        return current_url  # the same repository in another form (ssh vs https): keep the user's choice
    if not replace:
        raise PublishError(
            Problem.ORIGIN_EXISTS,
            f"This project already publishes to {safe_text(strip_credentials(current_url))}, "
            f"not to {safe_text(clean)}.",
            "Keep the existing remote (leave out --remote), or replace it on purpose (--replace-origin).",
        )
    current.set_url(clean)
    return clean


# --------------------------------------------------------------------------- credentials

_ASKPASS = """#!/bin/sh
# Written by binder-wizard for one git command, then deleted. The token is in the environment only.
case "$1" in
  Username*|username*) printf '%s\\n' "${BINDER_WIZARD_GIT_USERNAME:-x-access-token}" ;;
  *) printf '%s\\n' "$BINDER_WIZARD_GIT_TOKEN" ;;
esac
"""


@contextmanager
def git_environment(repo, url: str, token: str | None = None) -> Iterator[dict[str, str]]:
    """Environment for a git command that talks to `url`: no terminal prompts, and the token (if any)
    offered through a throwaway GIT_ASKPASS script — never written to the URL or any config.

    With a token, credential helpers are switched off for this one command so that git neither
    prefers a stale stored password nor saves the token into a credential store.
    """
    env = {"GIT_TERMINAL_PROMPT": "0", "GIT_HTTP_LOW_SPEED_LIMIT": "1", "GIT_HTTP_LOW_SPEED_TIME": "60"}
    if not os.environ.get("GIT_SSH_COMMAND") and not os.environ.get("GIT_SSH"):
        ssh_command = repo.config_reader().get_value("core", "sshCommand", default="") or "ssh"
        env["GIT_SSH_COMMAND"] = f"{ssh_command} -o BatchMode=yes"  # fail instead of prompting
    parsed = parse_remote(url)
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
            "GIT_CONFIG_COUNT": str(count + 1),
            f"GIT_CONFIG_KEY_{count}": "credential.helper",
            f"GIT_CONFIG_VALUE_{count}": "",
        })
        yield env
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _remote_url(repo, remote: str) -> str:
    try:
        return repo.remote(remote).url
    except ValueError:
        raise PublishError(Problem.NO_REMOTE, f"This project has no remote called {remote} yet.",
                           "Paste your GitHub repository's URL, or create the repository on GitHub.") from None


# --------------------------------------------------------------------------- remote queries


def remote_branch_sha(path: Path, branch: str, remote: str = "origin", token: str | None = None) -> str | None:
    """The commit the remote branch points at (`git ls-remote`), or None if it does not exist.

    Raises PublishError when the remote cannot be reached or refuses us (auth, missing repository).
    """
    import git

    repo = _require_repo(path)
    url = _remote_url(repo, remote)
    with git_environment(repo, url, token) as env:
        try:
            out = repo.git.ls_remote("--heads", remote, f"refs/heads/{branch}", env=env)
        except git.GitCommandError as error:
            raise classify(_stderr(error), url, branch, (token or "",)) from None
    for line in out.splitlines():
        sha, _, ref = line.partition("\t")
        if ref == f"refs/heads/{branch}":
            return sha
    return None


def oversized_in_push(path: Path, remote: str = "origin", rev: str = "HEAD") -> list[tuple[str, int]]:
    """Files over GitHub's limit in the commits a push would send: [(path, size)]."""
    repo = _require_repo(path)
    base = ["--objects", rev, "--not", f"--remotes={remote}"]
    omitted = repo.git.rev_list(*base, f"--filter=blob:limit={GITHUB_FILE_LIMIT + 1}",
                                "--filter-print-omitted")
    big = {line[1:] for line in omitted.splitlines() if line.startswith("~")}
    if not big:
        return []
    found: list[tuple[str, int]] = []
    for line in repo.git.rev_list(*base).splitlines():
        sha, _, rel = line.partition(" ")
        if sha in big and rel:
            found.append((rel, int(repo.git.cat_file("-s", sha))))
            big.discard(sha)
    return found


# --------------------------------------------------------------------------- push


@dataclass(frozen=True)
class PushProgress:
    stage: str  # "counting", "compressing", "writing", "resolving", … as git names it
    current: int
    total: int | None
    transferred: str = ""  # e.g. "1.20 MiB"
    speed: str = ""  # e.g. "3.00 MiB/s"
    done: bool = False

    @property
    def text(self) -> str:
        count = f"{self.current}/{self.total}" if self.total else str(self.current)
        extra = ", ".join(x for x in (self.transferred, self.speed) if x)
        return f"{self.stage.capitalize()} objects: {count}" + (f" ({extra})" if extra else "")


@dataclass(frozen=True)
class PushResult:
    sha: str
    branch: str  # the branch on the remote
    remote_url: str  # credentials stripped
    committed: int = 0  # files in the commit made just before the push (0: none was needed)


def _progress_class():
    import logging

    import git

    # GitPython logs git's error lines (which may hold a URL) as warnings; we explain them instead.
    logging.getLogger("git.remote").setLevel(logging.ERROR)

    names = {git.RemoteProgress.COUNTING: "counting", git.RemoteProgress.COMPRESSING: "compressing",
             git.RemoteProgress.WRITING: "writing", git.RemoteProgress.RECEIVING: "receiving",
             git.RemoteProgress.RESOLVING: "resolving"}

    class Progress(git.RemoteProgress):
        def __init__(self, callback: Callable[[PushProgress], None] | None) -> None:
            super().__init__()
            self.callback = callback
            self.lines: list[str] = []

        def _parse_progress_line(self, line):  # keep every line for the error explanation
            text = line.decode("utf-8", "replace") if isinstance(line, bytes) else line
            self.lines.append(text)
            return super()._parse_progress_line(text)

        def update(self, op_code, cur_count, max_count=None, message=""):
            if self.callback is None:
                return
            stage = names.get(op_code & self.OP_MASK, "working")
            transferred, _, speed = (message or "").partition("|")
            self.callback(PushProgress(stage, int(cur_count or 0), int(max_count) if max_count else None,
                                       transferred.strip(), speed.strip(), bool(op_code & self.END)))

    return Progress


def push(path: Path, *, branch: str | None = None, remote: str = "origin", token: str | None = None,
         progress: Callable[[PushProgress], None] | None = None) -> PushResult:
    """Push the current branch to `remote` (as `branch`, default the same name), set it as upstream,
    then check with ls-remote that the remote branch is exactly local HEAD.

    Never forces. Raises PublishError for every failure; the local repository is never changed
    except for the upstream setting and remote-tracking ref of a successful push.
    """
    import git

    repo = _require_repo(path)
    _ensure_branch(repo)
    if not repo.head.is_valid():
        raise PublishError(Problem.NOTHING_TO_COMMIT, "This repository has no commits yet, so there is "
                           "nothing to push.", "Commit your files first.")
    local = repo.active_branch.name
    target = branch or local
    sha = repo.head.commit.hexsha
    url = _remote_url(repo, remote)
    clean_url = safe_text(strip_credentials(url), (token or "",))
    too_big = oversized_in_push(path, remote)
    if too_big:
        files = [f"{rel} ({size / 1_000_000:.0f} MB)" for rel, size in too_big]
        raise _explain(Problem.FILE_TOO_LARGE, clean_url, target, "", files)
    handler = _progress_class()(progress)
    secrets = (token or "",)
    with git_environment(repo, url, token) as env:
        try:
            results = repo.remote(remote).push(f"refs/heads/{local}:refs/heads/{target}", progress=handler,
                                               set_upstream=True, env=env)
        except git.GitCommandError as error:
            raise classify(_joined(handler.lines, _stderr(error)), clean_url, target, secrets) from None
        failed = [r for r in results if r.flags & (r.ERROR | r.REJECTED | r.REMOTE_REJECTED | r.REMOTE_FAILURE)]
        if failed or not results or results.error is not None:
            summary = "\n".join(f"{r.summary}" for r in failed)
            if any(r.flags & r.REJECTED for r in failed):
                summary += "\n[rejected] non-fast-forward"
            raise classify(_joined(handler.lines, summary), clean_url, target, secrets)
    verify(path, target, sha, remote, token)
    return PushResult(sha=sha, branch=target, remote_url=clean_url)


def _joined(lines: Sequence[str], extra: str) -> str:
    """Git's lines once each, in order (GitPython repeats the fatal lines in its exception)."""
    seen: dict[str, None] = {}
    for line in [*lines, *extra.splitlines()]:
        if line.strip():
            seen.setdefault(line.rstrip(), None)
    return "\n".join(seen)


def verify(path: Path, branch: str, sha: str, remote: str = "origin", token: str | None = None) -> None:
    """Raise unless the remote branch points at exactly `sha`."""
    found = remote_branch_sha(path, branch, remote, token)
    if found != sha:
        raise PublishError(
            Problem.NOT_VERIFIED,
            f"After the push, the remote branch {branch} points at {found[:12] if found else 'nothing'}, "
            f"not at your commit {sha[:12]}.",
            "Someone may have pushed at the same moment. Refresh and publish again.",
        )


def commit_and_push(path: Path, files: Sequence[str], message: str, *, branch: str | None = None,
                    token: str | None = None,
                    progress: Callable[[PushProgress], None] | None = None) -> PushResult:
    """The Publish step in one call: reach the remote first (so wrong credentials, a missing
    repository or no network stop before anything changes), commit `files` if they changed, push, verify.
    """
    repo = _require_repo(path)
    _ensure_branch(repo)
    local = repo.active_branch.name
    if files and not has_identity(path):
        raise _no_identity_error()
    remote_branch_sha(path, branch or local, token=token)
    committed = 0
    if files:
        try:
            commit(path, files, message)
            committed = len(files)
        except PublishError as error:
            if error.kind != Problem.NOTHING_TO_COMMIT or not repo.head.is_valid():
                raise
    result = push(path, branch=branch, token=token, progress=progress)
    return PushResult(result.sha, result.branch, result.remote_url, committed)


# --------------------------------------------------------------------------- divergent history


def integrate_remote(path: Path, how: str, *, branch: str | None = None, remote: str = "origin",
                     token: str | None = None) -> str:
    """Fetch the remote branch and rebase local commits onto it (how="rebase") or merge it ("merge").

    Run only when the user asked for it. On conflicts everything is put back exactly as it was
    and PublishError(CONFLICT) lists the files. Returns the new HEAD SHA.
    """
    import git

    if how not in {"rebase", "merge"}:
        raise ValueError(how)
    repo = _require_repo(path)
    _ensure_branch(repo)
    if not has_identity(path):
        raise _no_identity_error()
    local = repo.active_branch.name
    target = branch or local
    url = _remote_url(repo, remote)
    secrets = (token or "",)
    with git_environment(repo, url, token) as env:
        try:
            repo.git.fetch(remote, f"refs/heads/{target}", env=env)
        except git.GitCommandError as error:
            raise classify(_stderr(error), safe_text(strip_credentials(url), secrets), target, secrets) from None
    theirs = repo.git.rev_parse("FETCH_HEAD")
    before = repo.head.commit.hexsha
    try:
        if how == "rebase":
            repo.git.rebase("--autostash", theirs)
        else:
            repo.git.merge("--autostash", "--no-edit", "--allow-unrelated-histories", "-m",
                           f"Merge the changes from {remote}/{target}", theirs)
    except git.GitCommandError as error:
        detail = safe_text(_stderr(error))
        conflicted = [p for p in repo.git.diff("--name-only", "--diff-filter=U", "-z").split("\0") if p]
        operation = _operation(Path(repo.git_dir))
        if operation in {"rebase", "merge"}:
            repo.git.execute(["git", operation, "--abort"])
        if repo.head.commit.hexsha != before or repo.active_branch.name != local:
            raise PublishError(Problem.GIT_FAILED, "git could not restore your branch after stopping.",
                               f"Your commits are safe; run `git switch {local}` and `git reset --keep "
                               f"{before[:12]}`.", detail) from None
        if conflicted:
            raise PublishError(
                Problem.CONFLICT,
                f"Your changes and the remote's changes touch the same lines, so the {how} stopped. "
                "Everything is back as it was.",
                "Decide how to combine these files (for example edit them on GitHub or with `git pull`), "
                "then publish again: " + ", ".join(conflicted),
                # only git's CONFLICT lines: its other advice ("fix conflicts and commit", "git stash pop")
                # describes a state the abort already undid
                "\n".join(line for line in detail.splitlines() if line.startswith("CONFLICT")),
                conflicted) from None
        raise PublishError(Problem.GIT_FAILED, f"The {how} could not run: "
                           f"{detail.splitlines()[-1] if detail else 'unknown error'}",
                           "Nothing was changed. Read the details, fix the cause, and try again.",
                           detail) from None
    return repo.head.commit.hexsha
