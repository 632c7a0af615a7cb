"""A local stand-in for the parts of GitHub's REST API the wizard uses, answering as GitHub documents:

* `POST /user/repos` → 201 with the repository JSON; 422 "name already exists on this account";
  401 "Bad credentials".
* `GET /repos/{owner}/{repo}` → 200 with the JSON for public repositories (and for private ones only
  with the owner's token); 404 "Not Found" otherwise — GitHub hides private repositories.
* `GET /user` → the token's user.

Loaded as a pytest plugin by tests/conftest.py; binds 127.0.0.1 only. Give it a GitHTTPServer and
created repositories get a real bare repo there, with `clone_url` pointing at it.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.servers.git_server import TEST_TOKEN

DOCS = "https://docs.github.com/rest"


class FakeGitHub(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, users: dict[str, str] | None = None, git_server=None) -> None:
        super().__init__(("127.0.0.1", 0), _GitHubHandler)
        self.users = users or {TEST_TOKEN: "octo-user"}  # token → login
        self.repos: dict[tuple[str, str], dict] = {}
        self.git_server = git_server
        self.requests: list[tuple[str, str, str]] = []  # method, path, Authorization header
        self._next_id = 1296269
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def add_repo(self, owner: str, name: str, private: bool = False) -> dict:
        self._next_id += 1
        full = f"{owner}/{name}"
        clone = self.git_server.url(f"{owner}/{name}") if self.git_server else f"https://github.com/{full}.git"
        if self.git_server:
            (self.git_server.root / owner).mkdir(parents=True, exist_ok=True)
            self.git_server.create(f"{owner}/{name}")
        repo = {
            "id": self._next_id, "node_id": f"R_kgDO{self._next_id}", "name": name, "full_name": full,
            "private": private, "visibility": "private" if private else "public",
            "owner": {"login": owner, "id": 1, "type": "User", "html_url": f"https://github.com/{owner}"},
            "html_url": f"https://github.com/{full}", "description": None, "fork": False,
            "url": f"{self.url}/repos/{full}", "clone_url": clone, "git_url": f"git://github.com/{full}.git",
            "ssh_url": f"git@github.com:{full}.git", "default_branch": "main", "size": 0,
        }
        self.repos[(owner.lower(), name.lower())] = repo
        return repo

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class _GitHubHandler(BaseHTTPRequestHandler):
    server: FakeGitHub

    def log_message(self, format, *args):
        pass

    def _send(self, status: int, data: dict) -> None:
        body = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-GitHub-Api-Version-Selected", "2022-11-28")
        self.end_headers()
        self.wfile.write(body)

    def _user(self) -> str | None | bool:
        """The login for the token, None without a token, False for a bad token."""
        header = self.headers.get("Authorization", "")
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        if scheme.lower() not in {"bearer", "token"}:
            return False
        return self.server.users.get(token.strip(), False)

    def do_GET(self) -> None:
        self.server.requests.append(("GET", self.path, self.headers.get("Authorization", "")))
        user = self._user()
        if user is False:
            return self._send(401, {"message": "Bad credentials", "documentation_url": DOCS, "status": "401"})
        parts = self.path.strip("/").split("/")
        if parts == ["user"]:
            if not user:
                return self._send(401, {"message": "Requires authentication",
                                        "documentation_url": f"{DOCS}/users/users#get-the-authenticated-user",
                                        "status": "401"})
            return self._send(200, {"login": user, "id": 1, "type": "User"})
        if len(parts) == 3 and parts[0] == "repos":
            repo = self.server.repos.get((parts[1].lower(), parts[2].lower()))
            if repo and (not repo["private"] or user == repo["owner"]["login"]):
                return self._send(200, repo)
        self._send(404, {"message": "Not Found", "documentation_url": f"{DOCS}/repos/repos#get-a-repository",
                         "status": "404"})

    def do_POST(self) -> None:
        self.server.requests.append(("POST", self.path, self.headers.get("Authorization", "")))
        user = self._user()
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if self.path != "/user/repos":
            return self._send(404, {"message": "Not Found", "documentation_url": DOCS, "status": "404"})
        if not user:
            return self._send(401, {"message": "Bad credentials" if user is False else "Requires authentication",
                                    "documentation_url": DOCS, "status": "401"})
        try:
            data = json.loads(raw)
            name = data["name"]
        except (ValueError, KeyError, TypeError):
            return self._send(400, {"message": "Problems parsing JSON", "documentation_url": DOCS,
                                    "status": "400"})
        if (user.lower(), str(name).lower()) in self.server.repos:
            return self._send(422, {
                "message": "Repository creation failed.",
                "errors": [{"resource": "Repository", "code": "custom", "field": "name",
                            "message": "name already exists on this account"}],
                "documentation_url": f"{DOCS}/repos/repos#create-a-repository-for-the-authenticated-user",
                "status": "422",
            })
        repo = self.server.add_repo(user, str(name), private=bool(data.get("private", False)))
        if data.get("description"):
            repo["description"] = data["description"]
        self._send(201, repo)


@pytest.fixture
def github_api():
    """The GitHub API stand-in; its `.url` goes into Config(github_api=...)."""
    server = FakeGitHub()
    yield server
    server.stop()


@pytest.fixture
def github_api_with_git(git_http_auth_server):
    """The GitHub stand-in whose new repositories are real bare repos on the auth git server."""
    server = FakeGitHub(git_server=git_http_auth_server)
    yield server
    server.stop()
