"""A Python package index on 127.0.0.1 (PEP 503 HTML and PEP 691 JSON) holding tiny wheels and sdists
that the test builds itself.

    index = package_index()                     # a started, empty index
    index.wheel("demo", "1.0", requires_python=">=3.11", requires=["other>=2"], tag="py3-none-any")
    index.sdist("old", "0.5")
    index.url                                   # "http://127.0.0.1:PORT/simple"

What it reproduces of PyPI: `data-requires-python` / `requires-python`, yanked files (`data-yanked`),
file sizes (PEP 700), the wheel's METADATA beside it (PEP 658/714 `core-metadata`), sha256 hashes,
real zip wheels and tar.gz sdists with PKG-INFO. Every request path is recorded in `index.requests`.

Also here: `unreachable_url` (a port where nothing listens: connection refused) and `hanging_index`
(a server that accepts connections and never answers).
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import re
import socket
import tarfile
import threading
import zipfile
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class Dist:
    filename: str
    name: str
    version: str
    data: bytes
    metadata: bytes
    requires_python: str | None = None
    yanked: str | bool = False

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _metadata(name: str, version: str, requires_python: str | None, requires: list[str],
              metadata_version: str = "2.1") -> str:
    lines = [f"Metadata-Version: {metadata_version}", f"Name: {name}", f"Version: {version}"]
    if requires_python:
        lines.append(f"Requires-Python: {requires_python}")
    lines += [f"Requires-Dist: {requirement}" for requirement in requires]
    return "\n".join(lines) + "\n\n"


class PackageIndex:
    def __init__(self) -> None:
        self.projects: dict[str, list[Dist]] = {}
        self.requests: list[str] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # ---- content -------------------------------------------------------------------------------

    def wheel(self, name: str, version: str, *, requires_python: str | None = None, requires: list[str] = (),
              tag: str = "py3-none-any", yanked: str | bool = False, padding: int = 0) -> Dist:
        """A real (installable) wheel; `padding` bytes of stored data make it that much bigger."""
        stem = f"{re.sub(r'[-_.]+', '_', name)}-{version}"
        metadata = _metadata(name, version, requires_python, list(requires)).encode()
        module = re.sub(r"[-_.]+", "_", name).lower()
        files = {
            f"{module}/__init__.py": f"__version__ = {version!r}\n".encode() + b"#" * padding,
            f"{stem}.dist-info/METADATA": metadata,
            f"{stem}.dist-info/WHEEL": (f"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
                                        f"Tag: {tag}\n\n").encode(),
        }
        record = "".join(
            f"{path},sha256={base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()},"
            f"{len(data)}\n" for path, data in files.items()) + f"{stem}.dist-info/RECORD,,\n"
        files[f"{stem}.dist-info/RECORD"] = record.encode()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
            for path, data in files.items():
                archive.writestr(path, data)
        return self._add(Dist(f"{stem}-{tag}.whl", name, version, buffer.getvalue(), metadata,
                              requires_python, yanked))

    def sdist(self, name: str, version: str, *, requires_python: str | None = None, requires: list[str] = (),
              yanked: str | bool = False, metadata_version: str = "2.1") -> Dist:
        """A source distribution; with metadata_version >= 2.2 its PKG-INFO is static (readable unbuilt)."""
        stem = f"{re.sub(r'[-_.]+', '_', name).lower()}-{version}"
        metadata = _metadata(name, version, requires_python, list(requires), metadata_version).encode()
        setup = (f"from setuptools import setup\nsetup(name={name!r}, version={version!r}, "
                 f"install_requires={list(requires)!r})\n").encode()
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
            for path, data in ((f"{stem}/PKG-INFO", metadata), (f"{stem}/setup.py", setup)):
                info = tarfile.TarInfo(path)
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
        return self._add(Dist(f"{stem}.tar.gz", name, version, buffer.getvalue(), metadata, requires_python,
                              yanked))

    def _add(self, dist: Dist) -> Dist:
        with self._lock:
            self.projects.setdefault(_normalise(dist.name), []).append(dist)
        return dist

    # ---- serving -------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the index first"
        return f"http://127.0.0.1:{self._server.server_address[1]}/simple"

    def pages_requested(self) -> list[str]:
        with self._lock:
            return list(self.requests)

    def start(self) -> PackageIndex:
        index = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                with index._lock:
                    index.requests.append(self.path)
                status, content_type, body = index._respond(self.path, self.headers.get("Accept", ""))
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._server = _QuietServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def _respond(self, path: str, accept: str) -> tuple[int, str, bytes]:
        path = path.split("?", 1)[0]
        with self._lock:
            projects = {name: list(dists) for name, dists in self.projects.items()}
        if path.rstrip("/") == "/simple":
            links = "".join(f'<a href="/simple/{name}/">{name}</a>\n' for name in sorted(projects))
            return 200, "text/html", f"<!DOCTYPE html><html><body>\n{links}</body></html>".encode()
        match = re.fullmatch(r"/simple/([^/]+)/?", path)
        if match:
            dists = projects.get(_normalise(match.group(1)))
            if dists is None:
                return 404, "text/plain", b"Not Found"
            if "application/vnd.pypi.simple.v1+json" in accept:
                return 200, "application/vnd.pypi.simple.v1+json", self._json_page(match.group(1), dists)
            return 200, "text/html", self._html_page(dists)
        match = re.fullmatch(r"/files/([^/]+)", path)
        if match:
            wanted = match.group(1)
            for dists in projects.values():
                for dist in dists:
                    if wanted == dist.filename:
                        return 200, "application/octet-stream", dist.data
                    if wanted == dist.filename + ".metadata" and dist.filename.endswith(".whl"):
                        return 200, "application/octet-stream", dist.metadata
        return 404, "text/plain", b"Not Found"

    @staticmethod
    def _html_page(dists: list[Dist]) -> bytes:
        rows = []
        for dist in dists:
            attributes = ""
            if dist.requires_python:
                attributes += f' data-requires-python="{html.escape(dist.requires_python)}"'
            if dist.yanked:
                reason = dist.yanked if isinstance(dist.yanked, str) else ""
                attributes += f' data-yanked="{html.escape(reason)}"'
            if dist.filename.endswith(".whl"):
                digest = hashlib.sha256(dist.metadata).hexdigest()
                attributes += f' data-dist-info-metadata="sha256={digest}" data-core-metadata="sha256={digest}"'
            rows.append(f'<a href="/files/{dist.filename}#sha256={dist.sha256}"{attributes}>{dist.filename}</a><br/>')
        return ("<!DOCTYPE html><html><body>\n" + "\n".join(rows) + "\n</body></html>").encode()

    @staticmethod
    def _json_page(name: str, dists: list[Dist]) -> bytes:
        files = []
        for dist in dists:
            entry = {"filename": dist.filename, "url": f"/files/{dist.filename}", "hashes": {"sha256": dist.sha256},
                     "requires-python": dist.requires_python, "size": len(dist.data), "yanked": dist.yanked}
            if dist.filename.endswith(".whl"):
                digest = {"sha256": hashlib.sha256(dist.metadata).hexdigest()}
                entry["core-metadata"] = entry["dist-info-metadata"] = digest
            files.append(entry)
        versions = sorted({dist.version for dist in dists})
        page = {"meta": {"api-version": "1.1"}, "name": _normalise(name), "versions": versions, "files": files}
        return json.dumps(page).encode()


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:  # a client that hangs up (a killed uv) is normal
        pass


@pytest.fixture
def package_index():
    """A factory of started, empty PackageIndex servers; stopped at teardown."""
    indexes: list[PackageIndex] = []

    def factory() -> PackageIndex:
        index = PackageIndex().start()
        indexes.append(index)
        return index

    yield factory
    for index in indexes:
        index.stop()


@pytest.fixture
def unreachable_url() -> str:
    """An index URL on a 127.0.0.1 port where nothing listens: every connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/simple"


@pytest.fixture
def hanging_index():
    """An index URL whose server accepts connections and never sends a byte."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            accepted.append(connection)  # held open, never answered

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/simple"
    stop.set()
    thread.join(timeout=5)
    for connection in accepted:
        connection.close()
    listener.close()
