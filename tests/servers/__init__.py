"""Local stand-ins for the services binder-wizard talks to (git, GitHub's REST API, BinderHub)."""
