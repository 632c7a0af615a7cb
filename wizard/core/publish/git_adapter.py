"""Everything the Publish step runs git for: status, identity, .gitignore, commit, origin, push with
progress, the ls-remote check, the rebase/merge offer, and the list of files git would commit.

Every function blocks (the TUI calls them from a thread worker) and imports GitPython lazily.
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

from wizard.core.common.fileio import read_file_bytes, write_file
from wizard.core.common.remotes import RemoteURL, parse_remote, strip_credentials
from wizard.core.common.safe_text import safe_text
from wizard.core.publish.git_process_adapter import (Auth, Credentials, auth_failed, git_environment,
                                                     token_secrets)
from wizard.core.publish.plan import (DEFAULT_BRANCH, GITHUB_FILE_LIMIT, Problem, PublishError, PushProgress,
                                      PushResult, RepoState, classify, detached_error, explain, in_progress_error,
                                      joined_output, no_identity_error, not_a_repo_error, parse_status,
                                      unrelated_error)

# GitPython, subprocess and the audit (its patterns compile on import) are imported inside the
# functions that use them, so that `import wizard.core.publish` stays cheap.


def _open(path: Path):
    import git

    try:
        return git.Repo(path)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None


def _require_repo(path: Path):
    repo = _open(path)
    if repo is None:
        raise not_a_repo_error(path)
    return repo


def _stderr(error) -> str:
    parts = [getattr(error, "stderr", "") or "", getattr(error, "stdout", "") or ""]
    text = "\n".join(p if isinstance(p, str) else p.decode("utf-8", "replace") for p in parts)
    return text.replace("  stderr: '", "").replace("  stdout: '", "").strip().rstrip("'")


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
    import git

    try:
        # GIT_OPTIONAL_LOCKS=0: reading must never take index.lock from a commit or rebase running alongside
        out = repo.git.status("--porcelain=v2", "--branch", "-z", "--untracked-files=all",
                              strip_newline_in_stdout=False, env={"GIT_OPTIONAL_LOCKS": "0"})
    except git.GitCommandError as error:
        raise classify(_stderr(error)) from None
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
    import git

    if _open(path) is None:
        git.Repo.init(path, initial_branch=branch)
    return repo_state(path)


def committable_files(root: Path) -> list[str]:
    """Files git would commit: tracked plus untracked-not-ignored (`git ls-files`). Without git, or
    outside a repository: the audit's own walk with a basic .gitignore reading."""
    from wizard.core.common.process_adapter import run_bounded

    done = run_bounded(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=root, timeout=60)
    if done.ok:
        return sorted({p for p in done.stdout.decode("utf-8", "surrogateescape").split("\0") if p})
    from wizard.core.publish.audit import files_without_git

    return files_without_git(root)


def audit_project(root: Path):
    """The audit's AuditResult for every file that would be committed from `root` (.gitignore respected)."""
    from wizard.core.publish.audit import audit_files

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
        raise no_identity_error()
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
                raise no_identity_error() from None
            raise classify(text) from None
    return repo.head.commit.hexsha


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


def needs_credentials(path: Path, remote: str = "origin") -> bool:
    """True when a push to `remote` over http(s) would have nothing to answer the server's login question
    with: no user name in its URL, no credential helper for it in git's config, no ~/.netrc. (Tokens
    from the environment are the caller's to check.)"""
    import git

    repo = _require_repo(path)
    url = _remote_url(repo, remote)
    parsed = parse_remote(url)
    if parsed is None or parsed.scheme not in {"http", "https"} or "@" in url.split("://", 1)[-1].split("/", 1)[0]:
        return False
    home = Path.home()
    if (home / ".netrc").exists() or (home / "_netrc").exists():
        return False
    try:
        helper = repo.git.config("--get-urlmatch", "credential.helper", strip_credentials(url))
    except git.GitCommandError:  # exit 1: no helper configured for this URL
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


def remote_branch_sha(path: Path, branch: str, remote: str = "origin", token: Auth = None) -> str | None:
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
            raise _classify(_stderr(error), url, branch, token) from None
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


def push(path: Path, *, branch: str | None = None, remote: str = "origin", token: Auth = None,
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
    clean_url = safe_text(strip_credentials(url), token_secrets(token))
    too_big = oversized_in_push(path, remote)
    if too_big:
        files = [f"{rel} ({size / 1_000_000:.0f} MB)" for rel, size in too_big]
        raise explain(Problem.FILE_TOO_LARGE, clean_url, target, "", files)
    handler = _progress_class()(progress)
    with git_environment(repo, url, token) as env:
        try:
            results = repo.remote(remote).push(f"refs/heads/{local}:refs/heads/{target}", progress=handler,
                                               set_upstream=True, env=env)
        except git.GitCommandError as error:
            raise _unrelated_or(_classify(joined_output(handler.lines, _stderr(error)), url, target, token),
                                path, target, remote, token, clean_url) from None
        failed = [r for r in results if r.flags & (r.ERROR | r.REJECTED | r.REMOTE_REJECTED | r.REMOTE_FAILURE)]
        if failed or not results or results.error is not None:
            summary = "\n".join(f"{r.summary}" for r in failed)
            if any(r.flags & r.REJECTED for r in failed):
                summary += "\n[rejected] non-fast-forward"
            raise _unrelated_or(_classify(joined_output(handler.lines, summary), url, target, token),
                                path, target, remote, token, clean_url)
    verify(path, target, sha, remote, token)
    return PushResult(sha=sha, branch=target, remote_url=clean_url)


def _unrelated_or(error: PublishError, path: Path, branch: str, remote: str, token: Auth, where: str) -> PublishError:
    """A rejected push to a remote whose branch shares no commit with ours is another project, not new commits
    someone added: say that (and offer another remote) instead of offering a rebase."""
    if error.kind == Problem.REJECTED and unrelated_history(path, branch, remote, token):
        return unrelated_error(where, branch)
    return error


def unrelated_history(path: Path, branch: str, remote: str = "origin", token: Auth = None) -> bool:
    """True when the remote branch exists and has no commit in common with HEAD (fetched, nothing else
    changed); False when they share history or it cannot be told."""
    import git

    repo = _require_repo(path)
    url = _remote_url(repo, remote)
    with git_environment(repo, url, token) as env:
        try:
            repo.git.fetch(remote, f"refs/heads/{branch}", env=env)
        except git.GitCommandError:
            return False
    try:
        repo.git.merge_base("HEAD", "FETCH_HEAD")
    except git.GitCommandError as error:
        return error.status == 1  # 1: no common ancestor; anything else: cannot tell
    return False


def verify(path: Path, branch: str, sha: str, remote: str = "origin", token: Auth = None) -> None:
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
                    token: Auth = None,
                    progress: Callable[[PushProgress], None] | None = None) -> PushResult:
    """The Publish step in one call: reach the remote first (so wrong credentials, a missing
    repository or no network stop before anything changes), commit `files` if they changed, push, verify.
    """
    repo = _require_repo(path)
    _ensure_branch(repo)
    local = repo.active_branch.name
    if files and not has_identity(path):
        raise no_identity_error()
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
                     token: Auth = None) -> str:
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
        raise no_identity_error()
    local = repo.active_branch.name
    target = branch or local
    url = _remote_url(repo, remote)
    with git_environment(repo, url, token) as env:
        try:
            repo.git.fetch(remote, f"refs/heads/{target}", env=env)
        except git.GitCommandError as error:
            raise _classify(_stderr(error), url, target, token) from None
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
