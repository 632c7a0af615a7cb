"""What the Publish step knows and decides, without running git: the repository's state, the files
to commit and those kept out, the suggested commit message and .gitignore lines, and every failure
explained (`PublishError`, with git's own text sorted into a `Problem` kind).

Pure: no GitPython, no subprocess. `git_adapter` runs git and builds these values; the screen and
the headless command show them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from wizard.core.common.errors import UserError
from wizard.core.common.fileio import read_file_bytes
from wizard.core.common.remotes import RemoteURL
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
    UNRELATED = "unrelated_history"  # rejected, and the remote's history shares no commit with ours
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
        self.detail = detail  # scrubbed git output, for "show details"
        self.files = tuple(files)

    @property
    def explanation(self) -> str:
        """The Publish step's older name for `message`."""
        return self.message


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
    return explain(kind, where, branch, detail)


def explain(kind: str, where: str, branch: str, detail: str, files: Sequence[str] = ()) -> PublishError:
    """The PublishError for a remote-side problem of this kind (`where`: the remote, already scrubbed)."""
    branch = branch or "your branch"
    texts = {
        Problem.AUTH_FAILED: (
            f"The server at {where} did not accept your credentials, so nothing was pushed.",
            "For GitHub over https, create a token (github.com → Settings → Developer settings → Personal "
            "access tokens) and set it in the GH_TOKEN environment variable, or run `gh auth login`; for "
            "ssh, add your SSH key to the agent and to GitHub. binder-wizard never stores a password.",
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


def unrelated_error(where: str, branch: str) -> PublishError:
    """The push was refused and the remote's history has no commit in common with the project's."""
    return PublishError(
        Problem.UNRELATED,
        f"The repository at {where} holds a different project: its {branch or 'branch'} shares no commit with "
        "yours, so nothing was pushed (binder-wizard never overwrites it).",
        "Choose another remote (a new, empty repository), or if both really are this project, combine them "
        "yourself with `git pull --allow-unrelated-histories`.")


def detached_error() -> PublishError:
    return PublishError(
        Problem.DETACHED_HEAD,
        "You are not on a branch (\"detached HEAD\"), so there is no branch to commit to or push.",
        "Create a branch here with `git switch -c main` (or switch back with `git switch main`), then try again.",
    )


def in_progress_error(operation: str) -> PublishError:
    return PublishError(
        Problem.IN_PROGRESS,
        f"A {operation} is not finished in this repository.",
        f"Finish it (`git {operation} --continue`) or cancel it (`git {operation} --abort`), then try again.",
    )


def not_a_repo_error(path: Path) -> PublishError:
    return PublishError(Problem.NOT_A_REPO, f"{path} is not a git repository yet.",
                        "Create one first (binder-wizard offers `git init` with the branch main).")


def no_identity_error() -> PublishError:
    return PublishError(
        Problem.NO_IDENTITY,
        "git does not know your name and email yet, and every commit records them.",
        'Set them for this project: git config user.name "Your Name" && git config user.email you@example.org',
    )


def joined_output(lines: Sequence[str], extra: str) -> str:
    """Git's lines once each, in order (GitPython repeats the fatal lines in its exception)."""
    seen: dict[str, None] = {}
    for line in [*lines, *extra.splitlines()]:
        if line.strip():
            seen.setdefault(line.rstrip(), None)
    return "\n".join(seen)


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


def _size(root: Path, rel: str) -> int | None:
    try:
        return (root / rel).lstat().st_size
    except OSError:
        return None


def parse_status(output: str, root: Path) -> RepoState:
    """The state `git status --porcelain=v2 --branch -z --untracked-files=all` reports for `root`.

    Only what the status says: the caller adds the operation in progress, the origin and, for an
    unborn branch, its name.
    """
    head_sha = branch = upstream = None
    ahead = behind = None
    changes: list[FileChange] = []
    fields = iter(output.split("\0"))
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
            changes.append(FileChange(rel, "new", False, _size(root, rel)))
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
            changes.append(FileChange(rel, status, y == ".", None if status == "deleted" else _size(root, rel)))
        elif kind == "u":
            rel = entry.split(" ", 10)[-1]
            changes.append(FileChange(rel, "conflicted", False, _size(root, rel)))
    return RepoState(
        path=root, is_repo=True, branch=branch, head_sha=head_sha, detached=head_sha is not None and branch is None,
        changes=tuple(sorted(changes, key=lambda c: c.path)), upstream=upstream, ahead=ahead, behind=behind,
    )


def ensure_publishable(state: RepoState) -> None:
    """Raise the plain explanation when this repository cannot publish right now."""
    if state.is_repo and state.detached:
        raise detached_error()
    if state.is_repo and state.operation:
        raise in_progress_error(state.operation)


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


# --------------------------------------------------------------------------- what to commit


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


@dataclass(frozen=True)
class KeptOut:
    reason: str
    gitignore: str | None  # the .gitignore pattern the audit suggests for it


def keep_out(path: Path, changes: Sequence[FileChange]) -> dict[str, KeptOut]:
    """Changed files the pre-push audit wants out of the commit (too large, secrets, junk), with the
    reason and a .gitignore pattern. Deleted files have nothing to audit. The one place the Publish
    step asks the audit."""
    from wizard.core.publish.audit import audit_files  # its patterns are compiled only when a step audits

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
