"""Step 2, Publish: commit and push safely (git state, the pre-push audit, remotes, the GitHub API).

The public API other slices and the app may use; everything else in this package is internal.
Cheap to import: GitPython and httpx load only when a function here runs git or calls GitHub.
    plan            the state, the files to commit, failures explained (pure)
    git_adapter     everything that runs git
    github_adapter  GitHub's REST API and `gh auth token`
    audit           the pre-push audit (pure)
"""

from wizard.core.publish.git_adapter import (Credentials, add_to_gitignore, commit, commit_and_push, has_identity,
                                             identity, init_repo, integrate_remote, needs_credentials, origin_remote,
                                             push, repo_state, set_identity, set_origin)
from wizard.core.publish.github_adapter import (CreatedRepository, Visibility, create_repository, gh_token,
                                                git_token, push_credentials, token_from_environment,
                                                visibility_after_push)
from wizard.core.publish.plan import (DEFAULT_BRANCH, FileChange, KeptOut, Problem, PublishError, PushProgress,
                                      PushResult, RepoState, classify, ensure_publishable, keep_out,
                                      keep_out_reasons, missing_gitignore_lines, suggested_message)

__all__ = [
    "DEFAULT_BRANCH", "CreatedRepository", "Credentials", "FileChange", "KeptOut", "Problem", "PublishError", "PushProgress",
    "PushResult", "RepoState", "Visibility",
    "add_to_gitignore", "classify", "commit", "commit_and_push", "create_repository", "ensure_publishable",
    "gh_token", "git_token", "has_identity", "identity", "init_repo", "integrate_remote", "keep_out", "keep_out_reasons",
    "missing_gitignore_lines", "needs_credentials", "origin_remote", "push", "push_credentials", "repo_state", "set_identity", "set_origin",
    "suggested_message", "token_from_environment", "visibility_after_push",
]
