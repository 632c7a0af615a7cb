"""Real git remotes for tests: smart HTTP (`git http-backend` as CGI) with optional basic auth, and bare
`file://` repositories; plus helpers to inspect them.

Loaded as a pytest plugin by tests/conftest.py. Everything binds 127.0.0.1 only.
"""

from __future__ import annotations

import base64
import hashlib
import os
import socket
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

OTHER_PERSON = ["-c", "user.name=Other Person", "-c", "user.email=other@example.org"]


def git(cwd: Path, *args: str, check: bool = True) -> str:
    """Run the git CLI (the ground truth the tests compare against)."""
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {result.stderr}")
    return result.stdout.strip()


def make_bare(path: Path) -> Path:
    """A bare repository that logs every ref update, so tests can prove nothing was force-pushed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    git(path.parent, "init", "--quiet", "--bare", "--initial-branch=main", str(path))
    git(path, "config", "core.logAllRefUpdates", "always")
    git(path, "config", "http.receivepack", "true")
    return path


def commit_on_remote(bare: Path, files: dict[str, str], message: str = "Change on GitHub",
                     branch: str = "main") -> str:
    """Someone else pushes a commit to `bare` (through a throwaway clone); returns its SHA."""
    work = bare.parent / f"other-{hashlib.sha1(os.urandom(8)).hexdigest()[:8]}"
    git(bare.parent, "clone", "--quiet", str(bare), str(work))
    if git(work, "branch", "--show-current") != branch:
        git(work, "switch", "--quiet", "-c", branch)
    for rel, text in files.items():
        (work / rel).parent.mkdir(parents=True, exist_ok=True)
        (work / rel).write_text(text, encoding="utf-8")
    git(work, "add", "-A")
    git(work, *OTHER_PERSON, "commit", "--quiet", "-m", message)
    git(work, "push", "--quiet", "origin", f"HEAD:refs/heads/{branch}")
    return git(work, "rev-parse", "HEAD")


def branch_sha(bare: Path, branch: str = "main") -> str | None:
    out = git(bare, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}", check=False)
    return out or None


def force_updates(bare: Path) -> list[str]:
    """Every ref update in the bare repo's reflogs that was not a fast-forward (should be empty)."""
    bad: list[str] = []
    logs = bare / "logs" / "refs" / "heads"
    for log in logs.rglob("*") if logs.exists() else ():
        if not log.is_file():
            continue
        for line in log.read_text(encoding="utf-8").splitlines():
            old, new = line.split()[:2]
            if set(old) == {"0"} or set(new) == {"0"}:
                continue
            ok = subprocess.run(["git", "merge-base", "--is-ancestor", old, new], cwd=bare).returncode == 0
            if not ok:
                bad.append(f"{log.name}: {old[:12]} -> {new[:12]}")
    return bad


def snapshot(project: Path) -> dict:
    """Working tree bytes (outside .git), every ref and HEAD: equal snapshots mean nothing was lost."""
    files = {}
    for path in sorted(project.rglob("*")):
        if ".git" in path.relative_to(project).parts or not path.is_file():
            continue
        info = path.stat()
        if info.st_size > 50_000_000:  # the sparse giants: size and modification time say enough
            files[path.relative_to(project).as_posix()] = f"{info.st_size}:{info.st_mtime_ns}"
        else:
            files[path.relative_to(project).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    refs = git(project, "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads", "refs/tags",
               check=False) if (project / ".git").exists() else ""
    head = git(project, "symbolic-ref", "-q", "HEAD", check=False) or git(project, "rev-parse", "HEAD",
                                                                            check=False)
    return {"files": files, "refs": refs, "head": head}


class GitHTTPServer(ThreadingHTTPServer):
    """Smart HTTP git server: Python's http.server in front of `git http-backend`."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, root: Path, credentials: tuple[str, str] | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _GitCGIHandler)
        self.root = root
        self.credentials = credentials
        self.stall_receive_pack = False  # hold the push's upload until kill() — for "server down mid-push"
        self.receive_pack_started = threading.Event()
        self.killed = threading.Event()
        self.seen_paths: list[str] = []  # request paths with query strings, to check no token leaks
        self.seen_users: list[str] = []
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def port(self) -> int:
        return self.server_address[1]

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}.git"

    def create(self, name: str) -> Path:
        return make_bare(self.root / f"{name}.git")

    def kill(self) -> None:
        """Die like a crashed server: drop the connection being served and stop listening."""
        if self.killed.is_set():
            return
        self.killed.set()
        self.shutdown()
        self.server_close()

    def kill_when_push_starts(self) -> None:
        """Kill the server as soon as a push starts uploading its objects."""
        self.stall_receive_pack = True

        def watch() -> None:
            if self.receive_pack_started.wait(30):
                self.kill()

        threading.Thread(target=watch, daemon=True).start()


class _GitCGIHandler(BaseHTTPRequestHandler):
    server: GitHTTPServer

    def log_message(self, format, *args):  # keep pytest output clean
        pass

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _authorised(self) -> str | None:
        """The user name, "" for anonymous access, or None when credentials are wrong or missing."""
        if self.server.credentials is None:
            return ""
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return None
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return None
        return user if (user, password) == self.server.credentials else None

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    self.rfile.readline()
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _serve(self) -> None:
        self.server.seen_paths.append(self.path)
        user = self._authorised()
        if user is None:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="binder-wizard test git server"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.server.seen_users.append(user)
        path, _, query = self.path.partition("?")
        body = self._body() if self.command == "POST" else b""
        if self.command == "POST" and path.endswith("/git-receive-pack") and self.server.stall_receive_pack:
            self.server.receive_pack_started.set()
            self.server.killed.wait(30)
            self.connection.shutdown(socket.SHUT_RDWR)  # no response at all: the server "crashed"
            self.close_connection = True
            return
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.server.root),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_PROJECT_ROOT": str(self.server.root),
            "GIT_HTTP_EXPORT_ALL": "1",
            "REQUEST_METHOD": self.command,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "REMOTE_USER": user or "anonymous",
            "REMOTE_ADDR": self.client_address[0],
            "GIT_PROTOCOL": self.headers.get("Git-Protocol", ""),
            "HTTP_CONTENT_ENCODING": self.headers.get("Content-Encoding", ""),
        }
        result = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True, check=False)
        head, sep, payload = result.stdout.partition(b"\r\n\r\n")
        if not sep:
            head, sep, payload = result.stdout.partition(b"\n\n")
        status = 200
        headers = []
        for line in head.decode("latin-1").splitlines():
            key, _, value = line.partition(":")
            if key.lower() == "status":
                status = int(value.split()[0])
            elif key:
                headers.append((key, value.strip()))
        self.send_response(status)
        for key, value in headers:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


TEST_TOKEN = "ghp_" + "T3stT0kenNotReal" * 2 + "abcd"  # token-shaped so scrubbing rules apply


@pytest.fixture
def git_http_server(tmp_path):
    """A smart-HTTP git server without authentication."""
    root = tmp_path / "http-remotes"
    root.mkdir()
    server = GitHTTPServer(root)
    yield server
    server.kill()


@pytest.fixture
def git_http_auth_server(tmp_path):
    """A smart-HTTP git server that requires basic auth: user `x-access-token`, password TEST_TOKEN."""
    root = tmp_path / "http-auth-remotes"
    root.mkdir()
    server = GitHTTPServer(root, credentials=("x-access-token", TEST_TOKEN))
    yield server
    server.kill()


@pytest.fixture
def bare_remote(tmp_path):
    """Factory: a new bare repository under tmp; returns its path (use `.as_uri()` for a file:// URL)."""

    def factory(name: str = "remote") -> Path:
        return make_bare(tmp_path / "remotes" / f"{name}.git")

    return factory
