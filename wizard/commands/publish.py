"""`binder-wizard publish [PATH] [--message MSG] [--remote URL] [--branch NAME] [--yes] [--replace-origin]`

Commit and push the project so Binder can build it. Without --yes it shows the plan and asks.
stdout carries only the pushed commit SHA; the plan, progress and explanations go to stderr.
Exit 0 only when the remote branch equals local HEAD; 1 on failure (explained); 2 on usage errors.
"""

from __future__ import annotations

import sys

from wizard.commands.common import UsageError, add_path_argument, project_path
from wizard.core.common.safe_text import safe_text


def add_arguments(parser) -> None:
    add_path_argument(parser)
    parser.add_argument("-m", "--message", metavar="MSG", help="commit message (default: a suggested one)")
    parser.add_argument("--remote", metavar="URL",
                        help="the GitHub repository to push to; becomes `origin` if there is none")
    parser.add_argument("--branch", metavar="NAME",
                        help="the branch to push to (default: the current branch; main for a new repository)")
    parser.add_argument("-y", "--yes", action="store_true", help="do it without asking")
    parser.add_argument("--replace-origin", action="store_true",
                        help="with --remote: replace an existing, different `origin`")


def _say(text: str = "") -> None:
    print(text, file=sys.stderr, flush=True)


def _ask(question: str) -> str:
    """Ask on stderr (stdout is only for the SHA); end of input means no."""
    sys.stderr.write(question)
    sys.stderr.flush()
    answer = sys.stdin.readline()
    if not answer:
        _say()
    return answer.strip().lower()


def _fail(error) -> int:
    _say(f"binder-wizard publish: {error.explanation}")
    _say(f"  What to do: {error.next_action}")
    if error.files:
        for name in error.files:
            _say(f"    {name}")
    if error.detail:
        _say("  git said:")
        for line in error.detail.splitlines()[-12:]:
            _say(f"    {line}")
    return 1


class _ProgressPrinter:
    """Progress on stderr: one rewritten line on a terminal, one line per finished stage otherwise."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()

    def __call__(self, progress) -> None:
        if self.tty:
            sys.stderr.write("\r\x1b[2K  " + progress.text)
            if progress.done:
                sys.stderr.write("\n")
            sys.stderr.flush()
        elif progress.done:
            _say("  " + progress.text)


def run(args) -> int:
    from wizard.core.common.git_facts_adapter import valid_branch_name
    from wizard.core.publish import PublishError
    from wizard.core.common.remotes import parse_remote

    path = project_path(args.path)
    if args.remote is not None and parse_remote(args.remote) is None:
        raise UsageError(f"--remote: not a git repository URL: {safe_text(args.remote)}")
    if args.branch is not None and not valid_branch_name(args.branch):
        raise UsageError(f"--branch: not a valid branch name: {safe_text(args.branch)}")
    if args.message is not None and not args.message.strip():
        raise UsageError("--message: the commit message is empty")
    if args.replace_origin and args.remote is None:
        raise UsageError("--replace-origin needs --remote URL")
    try:
        return _publish(path, args)
    except PublishError as error:
        return _fail(error)


def _publish(path, args) -> int:
    from wizard.core.publish import github_adapter
    from wizard.core import publish
    from wizard.core.common.config import Config
    from wizard.core.publish import Problem, PublishError
    from wizard.core.common.remotes import parse_remote, strip_credentials

    config = Config.load()
    state = publish.repo_state(path)
    publish.ensure_publishable(state)
    remote_url = strip_credentials(args.remote) if args.remote else state.origin_url
    if remote_url is None:
        raise PublishError(Problem.NO_REMOTE, "This project has no remote (`origin`) to publish to.",
                           "Create an empty public repository on GitHub, then run again with "
                           "--remote https://github.com/OWNER/NAME.git (or use the wizard, which can create it).")

    if not args.yes:
        _say(f"Publish plan for {safe_text(str(path))}:")
        if not state.is_repo:
            _say(f"  • create a git repository here (branch {args.branch or publish.DEFAULT_BRANCH})")
            _say("  • commit every file that .gitignore does not exclude (files the audit flags stay out)")
        else:
            _plan_commit(path, state, args)
        if args.remote and state.origin_url and args.replace_origin:
            _say(f"  • replace origin {state.origin_url} with {safe_text(remote_url)}")
        elif args.remote and not state.origin_url:
            _say(f"  • set origin to {safe_text(remote_url)}")
        branch = args.branch or state.branch or publish.DEFAULT_BRANCH
        _say(f"  • push {branch} to {safe_text(remote_url)} (never forced) and check the result")
        if _ask("Go ahead? [y/N] ") not in {"y", "yes"}:
            _say("Nothing was changed.")
            return 1

    if not state.is_repo:
        state = publish.init_repo(path, args.branch or publish.DEFAULT_BRANCH)
        _say(f"Created a git repository (branch {state.branch}).")
    if args.remote:
        publish.set_origin(path, args.remote, replace=args.replace_origin)
    target = args.branch or state.branch
    token = _credentials(path, remote_url, config, args)
    secrets = (token.secret,) if token else ()

    changes = state.changes
    kept = publish.keep_out_reasons(path, changes)
    for rel, reason in kept.items():
        _say(f"Kept out of the commit: {safe_text(rel)} — {safe_text(reason)}")
    files = [c.path for c in changes if c.path not in kept and c.status != "conflicted"]
    message = args.message or publish.suggested_message(state, files)
    if not files and state.head_sha is None:
        raise PublishError(Problem.NOTHING_TO_COMMIT, "There are no files to commit and no commits to push.",
                           "Add your project files to this folder first.")

    _say(f"Publishing to {safe_text(remote_url, secrets)} …")
    tries = 0
    while True:
        try:
            result = publish.commit_and_push(path, files, message, branch=target, token=token,
                                            progress=_ProgressPrinter())
            break
        except PublishError as error:
            if error.kind == Problem.AUTH_FAILED and _terminal() and tries < 3:
                _fail(error)
                tries += 1
                token = _ask_credentials(remote_url, config)
                if token is None:
                    return 1
                secrets = (token.secret,)
                continue
            if error.kind != Problem.REJECTED or args.yes:
                raise
            _fail(error)
            answer = _ask("Put your commits on top of theirs [r]ebase, [m]erge, or [c]ancel? ")
            if answer not in {"r", "rebase", "m", "merge"}:
                _say("Cancelled; nothing was pushed and your commits are unchanged.")
                return 1
            how = "rebase" if answer.startswith("r") else "merge"
            publish.integrate_remote(path, how, branch=target, token=token)
            files = []  # committed already; now only the push is left
            _say(f"Done: your commits now include the remote's ({how}). Pushing again …")

    if result.committed:
        _say(f"Committed {result.committed} file{'s' if result.committed != 1 else ''}: {safe_text(message)}")
    _say(f"Pushed and verified: {result.branch} on {result.remote_url} is {result.sha}")
    visibility = github_adapter.visibility_after_push(remote_url, config.github_api)
    if visibility is not None and visibility.public is not True:
        _say(f"Note: {safe_text(visibility.explanation)}")
    print(result.sha)
    return 0


def _terminal() -> bool:
    """A person can answer: the masked question needs a terminal (with --yes and none, nothing is asked)."""
    return sys.stdin.isatty()


def _credentials(path, remote_url: str, config, args):
    """What to send if the server asks who we are: a token from the environment, else (on a terminal) the
    token of a logged-in `gh` when the user accepts it, or a user name and token typed now (HTTPS remotes
    with no other credentials). Never saved; only ever sent to the remote's own host."""
    from wizard.core import publish
    from wizard.core.common.remotes import parse_remote
    from wizard.core.publish import Credentials, github_adapter

    remote = parse_remote(remote_url)
    if remote is None or remote.scheme not in {"http", "https"}:
        return None
    found = github_adapter.push_credentials(remote_url, config.github_api, config.git_username, use_gh=False)
    if found is not None:
        return found
    gh = github_adapter.gh_token() if remote.is_github else None
    if gh and not _terminal():
        return Credentials(remote.host, "", gh, "gh auth token")  # as before: a logged-in gh is meant for this
    if gh and _ask(f"Send the token of the GitHub CLI (gh auth token) to {remote.host} for this push? [Y/n] ") \
            in {"", "y", "yes"}:
        return Credentials(remote.host, "", gh, "gh auth token")
    if _terminal() and publish.needs_credentials(path):
        _say(f"{remote.host} will ask who you are, and git has no saved credentials for it.")
        return _ask_credentials(remote_url, config)
    return None


def _ask_credentials(remote_url: str, config):
    """A user name and a token or password, typed now (the token is not echoed); None when none is given."""
    import getpass

    from wizard.core.common.remotes import parse_remote
    from wizard.core.publish import Credentials

    remote = parse_remote(remote_url)
    default = config.git_username
    hint = " (any name works with a GitHub token)" if remote.is_github else ""
    name = _ask_raw(f"User name for {remote.host}{hint}" + (f" [{default}]" if default else "") + ": ") or default
    try:
        secret = getpass.getpass(f"Token or password for {remote.host} (not shown, not saved): ", stream=sys.stderr)
    except (EOFError, KeyboardInterrupt):
        secret = ""
    if not secret.strip():
        _say("No token given; nothing was pushed.")
        return None
    _say(f"Sending {'the user name ' + name + ' and ' if name else ''}the token you typed to {remote.host} only.")
    return Credentials(remote.host, name, secret.strip(), "typed")


def _ask_raw(question: str) -> str:
    """`_ask` keeping the answer's case (a user name)."""
    sys.stderr.write(question)
    sys.stderr.flush()
    return sys.stdin.readline().strip()


def _plan_commit(path, state, args) -> None:
    from wizard.core import publish

    kept = publish.keep_out_reasons(path, state.changes)
    files = [c.path for c in state.changes if c.path not in kept and c.status != "conflicted"]
    if files:
        message = args.message or publish.suggested_message(state, files)
        _say(f"  • commit {len(files)} file{'s' if len(files) != 1 else ''} on {state.branch} as "
             f"“{safe_text(message)}”:")
        for rel in files[:20]:
            _say(f"      {safe_text(rel)}")
        if len(files) > 20:
            _say(f"      … and {len(files) - 20} more")
    else:
        _say("  • nothing new to commit")
    for rel, reason in kept.items():
        _say(f"  • keep out: {safe_text(rel)} — {safe_text(reason)}")
