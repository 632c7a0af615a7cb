"""Step 2, Publish: commit and push safely (git state, the pre-push audit, remotes, the GitHub API).

The public API other slices and the app may use; everything else in this package is internal.
Cheap to import: each name loads its module on first use (`check` needs the audit, not git or
GitHub); GitPython and httpx load only when a function runs git or calls GitHub.
    plan            the state, the files to commit, failures explained (pure)
    git_adapter     everything that runs git
    github_adapter  GitHub's REST API and `gh auth token`
    audit           the pre-push audit (pure)
"""

from __future__ import annotations

from wizard.core.common.lazy_package import lazy_names

_MODULE_OF = {
    # plan
    "DEFAULT_BRANCH": "plan", "FileChange": "plan", "KeptOut": "plan", "Problem": "plan", "PublishError":
    "plan", "PushProgress": "plan", "PushResult": "plan", "RepoState": "plan", "classify": "plan",
    "ensure_publishable": "plan", "keep_out": "plan", "keep_out_reasons": "plan", "missing_gitignore_lines":
    "plan", "suggested_message": "plan",
    # git_adapter
    "Credentials": "git_adapter", "add_to_gitignore": "git_adapter", "commit": "git_adapter",
    "commit_and_push": "git_adapter", "has_identity": "git_adapter", "identity": "git_adapter", "init_repo":
    "git_adapter", "integrate_remote": "git_adapter", "needs_credentials": "git_adapter", "origin_remote":
    "git_adapter", "push": "git_adapter", "repo_state": "git_adapter", "set_identity": "git_adapter",
    "set_origin": "git_adapter",
    # github_adapter
    "CreatedRepository": "github_adapter", "Visibility": "github_adapter", "create_repository":
    "github_adapter", "gh_token": "github_adapter", "git_token": "github_adapter", "push_credentials":
    "github_adapter", "token_from_environment": "github_adapter", "visibility_after_push": "github_adapter",
}


__getattr__, __dir__ = lazy_names(__name__, _MODULE_OF)
__all__ = sorted(_MODULE_OF)
