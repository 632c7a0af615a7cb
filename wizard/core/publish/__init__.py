"""Step 2, Publish: commit and push safely (git state, the pre-push audit, remotes, the GitHub API)."""
