"""Everything the Publish step runs git for: status, identity, .gitignore, commit, origin, push with
progress, the ls-remote check, the rebase/merge offer, and the list of files git would commit.

Every function blocks (the TUI calls them from a thread worker) and imports GitPython lazily; GitPython
only reads files (refs, config): every git command runs through `git_process_adapter.run_git`, in its
own process group with a time limit, and those that may wait long take `cancel` (the app's worker).
Rules kept here, not in the callers:
* never force-push, never rewrite a commit the user already has;
* a token (from the environment, `gh`, or typed by the user for this session: `Credentials`) reaches git
  only through a temporary GIT_ASKPASS script and the child's environment — never the URL, `.git/config`
  or a credential store, and only for the host it was given for;
* all git output shown to a person goes through `safe_text` (tokens and URL passwords scrubbed).
The values and the explanations of failures live in `plan` (no git there).
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.core.common.fileio import read_file_bytes, write_file
from wizard.core.common.remotes import RemoteURL, parse_remote, strip_credentials
from wizard.core.common.safe_text import safe_text
from wizard.core.publish.git_process_adapter import (HOOK_LIMIT, LOCAL_LIMIT, QUERY_LIMIT, QUIET_LIMIT,
                                                     TRANSFER_LIMIT, Auth, Credentials, GitFailed, GitStopped,
                                                     IndexCopy, auth_failed, git_environment, gitpython,
                                                     progress_reader, run_git, token_secrets)
from wizard.core.publish.plan import (DEFAULT_BRANCH, GITHUB_FILE_LIMIT, Problem, PublishError, PushProgress,
                                      PushResult, RepoState, classify, detached_error, explain, in_progress_error,
                                      joined_output, no_identity_error, not_a_repo_error, parse_status,
                                      unrelated_error)

if TYPE_CHECKING:
    import threading

# GitPython and the audit (its patterns compile on import) are imported inside the functions that use
# them, so that `import wizard.core.publish` stays cheap.


def _open(path: Path):
    git = gitpython()

    try:
        return git.Repo(path)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None


def _require_repo(path: Path):
    repo = _open(path)
    if repo is None:
        raise not_a_repo_error(path)
    return repo


def _git(repo, *args: str, **options) -> str:
    """`git *args` in `repo` (run_git's options: limit, quiet_limit, env, cancel, on_line)."""
    return run_git(Path(repo.working_dir), *args, git_dir=Path(repo.git_dir), **options)


def _rev(repo, name: str) -> str | None:
    """The object `name` names (`git rev-parse`), or None."""
    try:
        return _git(repo, "rev-parse", "--quiet", "--verify", name).strip() or None
    except GitFailed:
        return None


def _head(repo) -> str | None:
    """The commit HEAD points at; None on a branch without commits yet."""
    return _rev(repo, "HEAD^{commit}")


def _operation(git_dir: Path) -> str | None:
    if (git_dir / "rebase-merge").exists() or (git_dir / "rebase-apply").exists():
        return "rebase"
    for marker, name in (("MERGE_HEAD", "merge"), ("CHERRY_PICK_HEAD", "cherry-pick"),
                         ("REVERT_HEAD", "revert"), ("BISECT_LOG", "bisect")):
        if (git_dir / marker).exists():
            return name
    return None


# --------------------------------------------------------------------------- state


def repo_state(path: Path) -> RepoState:
    """Everything the Publish step shows at a glance, from one `git status` call."""
    path = Path(path)
    repo = _open(path)
    if repo is None:
        return RepoState(path=path, is_repo=False)
    try:
        # GIT_OPTIONAL_LOCKS=0: reading must never take index.lock from a commit or rebase running alongside
        out = _git(repo, "status", "--porcelain=v2", "--branch", "-z", "--untracked-files=all",
                   env={"GIT_OPTIONAL_LOCKS": "0"})
    except GitFailed as error:
        raise classify(error.output) from None
    state = parse_status(out, path)
    branch = state.branch
    if branch is None and state.head_sha is None and not repo.head.is_detached:
        branch = repo.head.reference.name  # an unborn branch
    try:
        origin_url = strip_credentials(repo.remote("origin").url)
    except Exception:  # no origin, or one without a url
        origin_url = None
    return dataclasses.replace(
        state, branch=branch, operation=_operation(Path(repo.git_dir)),
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


def init_repo(path: Path, branch: str = DEFAULT_BRANCH) -> RepoState:
    """`git init` with the given first branch (main unless the user asks otherwise)."""
    if _open(path) is None:
        Path(path).mkdir(parents=True, exist_ok=True)
        run_git(Path(path), "init", "--quiet", f"--initial-branch={branch}")
    return repo_state(path)


def audit_project(root: Path):
    """The audit's AuditResult for every file that would be committed from `root` (.gitignore respected)."""
    from wizard.core.publish.audit import audit_files
    from wizard.core.publish.file_listing_adapter import committable_files

    return audit_files(root, committable_files(root))


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


def add_to_gitignore(path: Path, lines: Iterable[str]) -> None:
    """Add lines to .gitignore (created if missing); nothing there is removed or reordered."""
    from wizard.core.publish.audit import gitignore_text

    target = Path(path) / ".gitignore"
    try:
        old = read_file_bytes(target, limit=1_000_000, root=path).decode("utf-8")  # a pipe, huge, linked out: OSError
    except FileNotFoundError:
        old = ""
    new = gitignore_text(old, lines)
    if new != old:  # atomic, never through a link out of the project; CannotWrite says why and what to do
        write_file(target, new.encode("utf-8"), root=path)


# --------------------------------------------------------------------------- commit


def _ensure_branch(repo) -> None:
    if repo.head.is_detached:
        raise detached_error()
    operation = _operation(Path(repo.git_dir))
    if operation:
        raise in_progress_error(operation)


@contextmanager
def _pathspec_file(paths: Sequence[str]) -> Iterator[str]:
    handle = tempfile.NamedTemporaryFile("wb", delete=False, prefix="binder-wizard-paths-")
    try:
        with handle:
            handle.write(b"\0".join(p.encode("utf-8", "surrogateescape") for p in paths))
        yield handle.name
    finally:
        os.unlink(handle.name)


def commit(path: Path, files: Sequence[str], message: str, *, cancel: threading.Event | None = None) -> str:
    """Commit exactly `files` (new, changed or deleted) with `message`; returns the new commit SHA.

    Other changes, staged or not, stay as they were; when no commit is made (a hook refused or was
    stopped at HOOK_LIMIT or on `cancel`) the index is put back as it was before.
    """
    repo = _require_repo(path)
    _ensure_branch(repo)
    if not files:
        raise PublishError(Problem.NOTHING_TO_COMMIT, "No files are selected, so there is nothing to commit.",
                           "Select the files to publish, or push the commits you already have.")
    if not message.strip():
        raise PublishError(Problem.NOTHING_TO_COMMIT, "The commit message is empty.",
                           "Write one line saying what this version contains.")
    if not has_identity(path):
        raise no_identity_error()
    options = {"env": {"GIT_LITERAL_PATHSPECS": "1"}, "limit": HOOK_LIMIT, "cancel": cancel}  # hooks, filters
    before = _head(repo)
    index = IndexCopy(Path(repo.git_dir) / "index")
    with _pathspec_file(files) as listing:
        try:
            _git(repo, "add", "--all", f"--pathspec-from-file={listing}", "--pathspec-file-nul", **options)
            _git(repo, "commit", "--quiet", "-m", message,
                 f"--pathspec-from-file={listing}", "--pathspec-file-nul", **options)
        except GitStopped as error:
            if _head(repo) != before:  # stopped in post-commit: the commit is there
                raise error.add("Your commit was made; publish again to push it.") from None
            raise error.add(f"Nothing was committed{index.put_back()}.") from None
        except GitFailed as error:
            index.put_back()
            text = error.output
            if any(n in text for n in ("nothing to commit", "nothing added to commit", "no changes added")):
                raise PublishError(Problem.NOTHING_TO_COMMIT, "The selected files have no changes to commit.",
                                   "Nothing new to commit; you can push the commits you already have.") from None
            if "tell me who you are" in text.lower() or "unable to auto-detect email" in text.lower():
                raise no_identity_error() from None
            raise classify(text) from None
        except BaseException:  # Ctrl-C: the runner stopped git; the staging is not left behind either
            if _head(repo) == before:
                index.put_back()
            raise
    return _head(repo)


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
        _git(repo, "remote", "add", "--", "origin", clean)
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
    _git(repo, "remote", "set-url", "--", "origin", clean)
    return clean


# --------------------------------------------------------------------------- credentials


def needs_credentials(path: Path, remote: str = "origin") -> bool:
    """True when a push to `remote` over http(s) would have nothing to answer the server's login question
    with: no user name in its URL, no credential helper for it in git's config, no ~/.netrc. (Tokens
    from the environment are the caller's to check.)"""
    repo = _require_repo(path)
    url = _remote_url(repo, remote)
    parsed = parse_remote(url)
    if parsed is None or parsed.scheme not in {"http", "https"} or "@" in url.split("://", 1)[-1].split("/", 1)[0]:
        return False
    home = Path.home()
    if (home / ".netrc").exists() or (home / "_netrc").exists():
        return False
    try:
        helper = _git(repo, "config", "--get-urlmatch", "credential.helper", strip_credentials(url))
    except GitFailed:  # exit 1: no helper configured for this URL
        helper = ""
    return not helper.strip()


def _classify(output: str, url: str, branch: str, token: Auth) -> PublishError:
    secrets = token_secrets(token)
    return auth_failed(classify(output, safe_text(strip_credentials(url), secrets), branch, secrets), url, token)


def _remote_url(repo, remote: str) -> str:
    try:
        return repo.remote(remote).url
    except ValueError:
        raise PublishError(Problem.NO_REMOTE, f"This project has no remote called {remote} yet.",
                           "Paste your GitHub repository's URL, or create the repository on GitHub.") from None


# --------------------------------------------------------------------------- remote queries


def remote_branch_sha(path: Path, branch: str, remote: str = "origin", token: Auth = None, *,
                      cancel: threading.Event | None = None) -> str | None:
    """The commit the remote branch points at (`git ls-remote`), or None if it does not exist.

    Raises PublishError when the remote cannot be reached or refuses us (auth, missing repository), or
    does not answer within QUERY_LIMIT.
    """
    repo = _require_repo(path)
    url = _remote_url(repo, remote)
    with git_environment(repo, url, token) as env:
        try:
            out = _git(repo, "ls-remote", "--heads", remote, f"refs/heads/{branch}", env=env, limit=QUERY_LIMIT,
                       cancel=cancel)
        except GitFailed as error:
            raise _classify(error.output, url, branch, token) from None
    for line in out.splitlines():
        sha, _, ref = line.partition("\t")
        if ref == f"refs/heads/{branch}":
            return sha
    return None


def oversized_in_push(path: Path, remote: str = "origin", rev: str = "HEAD") -> list[tuple[str, int]]:
    """Files over GitHub's limit in the commits a push would send: [(path, size)]."""
    repo = _require_repo(path)
    base = ["--objects", rev, "--not", f"--remotes={remote}"]
    omitted = _git(repo, "rev-list", *base, f"--filter=blob:limit={GITHUB_FILE_LIMIT + 1}", "--filter-print-omitted")
    big = {line[1:] for line in omitted.splitlines() if line.startswith("~")}
    if not big:
        return []
    found: list[tuple[str, int]] = []
    for line in _git(repo, "rev-list", *base).splitlines():
        sha, _, rel = line.partition(" ")
        if sha in big and rel:
            found.append((rel, int(_git(repo, "cat-file", "-s", sha))))
            big.discard(sha)
    return found


# --------------------------------------------------------------------------- push


def push(path: Path, *, branch: str | None = None, remote: str = "origin", token: Auth = None,
         progress: Callable[[PushProgress], None] | None = None,
         cancel: threading.Event | None = None) -> PushResult:
    """Push the current branch to `remote` (as `branch`, default the same name), set it as upstream,
    then check with ls-remote that the remote branch is exactly local HEAD.

    Never forces. Raises PublishError for every failure; the local repository is never changed
    except for the upstream setting and remote-tracking ref of a successful push. Stopped at
    TRANSFER_LIMIT, after QUIET_LIMIT without progress, or on `cancel`.
    """
    repo = _require_repo(path)
    _ensure_branch(repo)
    sha = _head(repo)
    if sha is None:
        raise PublishError(Problem.NOTHING_TO_COMMIT, "This repository has no commits yet, so there is "
                           "nothing to push.", "Commit your files first.")
    local = repo.active_branch.name
    target = branch or local
    url = _remote_url(repo, remote)
    clean_url = safe_text(strip_credentials(url), token_secrets(token))
    too_big = oversized_in_push(path, remote)
    if too_big:
        files = [f"{rel} ({size / 1_000_000:.0f} MB)" for rel, size in too_big]
        raise explain(Problem.FILE_TOO_LARGE, clean_url, target, "", files)
    handler = progress_reader(progress)
    with git_environment(repo, url, token) as env:
        try:  # --porcelain: one line per ref on stdout, its flag first ("!": refused)
            out = _git(repo, "push", "--porcelain", "--progress", "--set-upstream", "--", remote,
                       f"refs/heads/{local}:refs/heads/{target}", env=env, limit=TRANSFER_LIMIT,
                       quiet_limit=QUIET_LIMIT, cancel=cancel, on_line=handler.line)
            exited_ok = True
        except GitFailed as error:
            out, exited_ok = error.stdout, False
        refs = [line.split("\t") for line in out.splitlines() if line[:1] in " +-*!=" and line[1:2] == "\t"]
        failed = [fields[2] if len(fields) > 2 else "" for fields in refs if fields[0] == "!"]
        if failed or not refs or not exited_ok:
            summary = "\n".join(failed)
            if any(text.startswith("[rejected]") for text in failed):
                summary += "\n[rejected] non-fast-forward"
            raise _unrelated_or(_classify(joined_output(handler.lines, summary), url, target, token),
                                path, target, remote, token, clean_url, cancel)
    verify(path, target, sha, remote, token, cancel=cancel)
    return PushResult(sha=sha, branch=target, remote_url=clean_url)


def _unrelated_or(error: PublishError, path: Path, branch: str, remote: str, token: Auth, where: str,
                  cancel: threading.Event | None = None) -> PublishError:
    """A rejected push to a remote whose branch shares no commit with ours is another project, not new commits
    someone added: say that (and offer another remote) instead of offering a rebase."""
    if error.kind == Problem.REJECTED and unrelated_history(path, branch, remote, token, cancel=cancel):
        return unrelated_error(where, branch)
    return error


def unrelated_history(path: Path, branch: str, remote: str = "origin", token: Auth = None, *,
                      cancel: threading.Event | None = None) -> bool:
    """True when the remote branch exists and has no commit in common with HEAD (fetched, nothing else
    changed); False when they share history or it cannot be told."""
    repo = _require_repo(path)
    url = _remote_url(repo, remote)
    with git_environment(repo, url, token) as env:
        try:
            _git(repo, "fetch", "--progress", remote, f"refs/heads/{branch}", env=env, limit=TRANSFER_LIMIT,
                 quiet_limit=QUIET_LIMIT, cancel=cancel)
        except GitFailed:
            return False
    try:
        _git(repo, "merge-base", "HEAD", "FETCH_HEAD")
    except GitFailed as error:
        return error.status == 1  # 1: no common ancestor; anything else: cannot tell
    return False


def verify(path: Path, branch: str, sha: str, remote: str = "origin", token: Auth = None, *,
           cancel: threading.Event | None = None) -> None:
    """Raise unless the remote branch points at exactly `sha`."""
    found = remote_branch_sha(path, branch, remote, token, cancel=cancel)
    if found != sha:
        raise PublishError(
            Problem.NOT_VERIFIED,
            f"After the push, the remote branch {branch} points at {found[:12] if found else 'nothing'}, "
            f"not at your commit {sha[:12]}.",
            "Someone may have pushed at the same moment. Refresh and publish again.",
        )


def commit_and_push(path: Path, files: Sequence[str], message: str, *, branch: str | None = None,
                    token: Auth = None, progress: Callable[[PushProgress], None] | None = None,
                    cancel: threading.Event | None = None) -> PushResult:
    """The Publish step in one call: reach the remote first (so wrong credentials, a missing
    repository or no network stop before anything changes), commit `files` if they changed, push, verify.
    `cancel` (a threading.Event) stops whichever git command runs.
    """
    repo = _require_repo(path)
    _ensure_branch(repo)
    local = repo.active_branch.name
    if files and not has_identity(path):
        raise no_identity_error()
    remote_branch_sha(path, branch or local, token=token, cancel=cancel)
    committed = 0
    if files:
        try:
            commit(path, files, message, cancel=cancel)
            committed = len(files)
        except PublishError as error:
            if error.kind != Problem.NOTHING_TO_COMMIT or _head(repo) is None:
                raise
    result = push(path, branch=branch, token=token, progress=progress, cancel=cancel)
    return PushResult(result.sha, result.branch, result.remote_url, committed)


# --------------------------------------------------------------------------- divergent history


def integrate_remote(path: Path, how: str, *, branch: str | None = None, remote: str = "origin",
                     token: Auth = None, cancel: threading.Event | None = None) -> str:
    """Fetch the remote branch and rebase local commits onto it (how="rebase") or merge it ("merge").

    Run only when the user asked for it. On conflicts, or a hook stopped at HOOK_LIMIT (or on
    `cancel`), everything is put back exactly as it was; PublishError(CONFLICT) lists the files.
    Returns the new HEAD SHA.
    """
    if how not in {"rebase", "merge"}:
        raise ValueError(how)
    repo = _require_repo(path)
    _ensure_branch(repo)
    if not has_identity(path):
        raise no_identity_error()
    local = repo.active_branch.name
    target = branch or local
    url = _remote_url(repo, remote)
    with git_environment(repo, url, token) as env:
        try:
            _git(repo, "fetch", "--progress", remote, f"refs/heads/{target}", env=env, limit=TRANSFER_LIMIT,
                 quiet_limit=QUIET_LIMIT, cancel=cancel)
        except GitFailed as error:
            raise _classify(error.output, url, target, token) from None
    theirs = _rev(repo, "FETCH_HEAD")
    before = _head(repo)
    try:
        if how == "rebase":
            _git(repo, "rebase", "--autostash", theirs, limit=HOOK_LIMIT, cancel=cancel)
        else:
            _git(repo, "merge", "--autostash", "--no-edit", "--allow-unrelated-histories", "-m",
                 f"Merge the changes from {remote}/{target}", theirs, limit=HOOK_LIMIT, cancel=cancel)
    except GitStopped as error:  # a hook that did not finish
        raise error.add(_put_back_stopped(repo, how, before, local)) from None
    except GitFailed as error:  # a conflict or a refusal
        detail = safe_text(error.output)
        conflicted = [p for p in _git(repo, "diff", "--name-only", "--diff-filter=U", "-z").split("\0") if p]
        operation = _operation(Path(repo.git_dir))
        if operation in {"rebase", "merge"}:
            _git(repo, operation, "--abort")
        if _head(repo) != before or repo.active_branch.name != local:
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
    return _head(repo)


def _put_back_stopped(repo, how: str, before: str | None, local: str) -> str:
    """Undo what a rebase or merge stopped at its limit had done; a sentence saying where things are.

    `--abort` needs the state git writes once it is under way: stopped in pre-rebase, the state is half
    written; stopped in pre-merge-commit, the merge's result is in the files with no MERGE_HEAD yet. The
    user's uncommitted changes (the autostash) come back in every case, or stay in `git stash list`."""
    git_dir = Path(repo.git_dir)
    autostash = _rev(repo, "MERGE_AUTOSTASH") or next(
        (read_file_bytes(f, limit=100, root=None).decode().strip() for f in
         (git_dir / "rebase-merge" / "autostash", git_dir / "rebase-apply" / "autostash") if f.is_file()), None)
    operation = _operation(git_dir)
    if operation in {"rebase", "merge"}:
        try:
            _git(repo, operation, "--abort")  # applies the autostash too
        except GitFailed:  # its state was not complete: forget it (the autostash goes to the stash list)
            _git(repo, operation, "--quit")
    elif how == "merge" and _head(repo) == before:
        _git(repo, "reset", "--merge")  # the merge's result out of index and files (the autostash: to the list)
    if autostash and _rev(repo, "MERGE_AUTOSTASH") == autostash:
        _git(repo, "stash", "store", "-m", "autostash", autostash)
        _git(repo, "update-ref", "-d", "MERGE_AUTOSTASH")
    saved = ""
    if autostash and _rev(repo, "refs/stash") == autostash:
        try:
            _git(repo, "stash", "pop")
        except GitFailed:
            saved = " Your uncommitted changes are in `git stash list`: `git stash pop` brings them back."
    if _head(repo) != before or repo.active_branch.name != local:
        return (f"The {how} had finished when it stopped, so your commits now include the remote's; publish "
                f"again to push them.{saved}")
    return f"Everything is back as it was.{saved}"
