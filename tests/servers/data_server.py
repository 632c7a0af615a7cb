"""A data host on 127.0.0.1 for the data-move and `check --check-urls` tests: it serves files like a real web
server (HEAD, GET, `Range: bytes=a-b` answered with 206 and Content-Range), and a few misbehaving paths.

    server = DataServer({"/data/big.csv": b"..."})   # then server.url("/data/big.csv")
    /missing...      404
    /slow...         answers only when the test ends (`stop` releases it): for time limits
    /loop            302 -> /loop2 -> 302 -> /loop
    /redirect/<p>    301 -> /<p>
    /nohead/<p>      405 to HEAD (like some S3 links); GET serves /<p>
    /nosize/<p>      HEAD without Content-Length and a GET that ignores Range (chunked, no size)

`requests` records (method, path, Range header). Started by the `data_server` fixture of the tests that use it.
`ByName(server)` is an httpx transport that sends a request for any host to it (like an /etc/hosts entry), so
a project can name https://data.example.org/... as a real one would while the bytes go through a real socket.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx


class DataServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, files: dict[str, bytes] | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.files: dict[str, bytes] = dict(files or {})
        self.requests: list[tuple[str, str, str | None]] = []
        self.release = threading.Event()
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"

    def handle_error(self, request, client_address) -> None:
        pass  # a client that hangs up early (a check that got what it needed) is not an error here

    def stop(self) -> None:
        self.release.set()
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: DataServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_GET(self) -> None:
        self._answer(head=False)

    def _plain(self, status: int, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _answer(self, head: bool) -> None:
        path = self.path.split("?", 1)[0]
        self.server.requests.append((self.command, path, self.headers.get("Range")))
        if path.startswith("/slow"):
            self.server.release.wait(60)
            return self._plain(200)
        if path == "/loop":
            return self._plain(302, {"Location": "/loop2"})
        if path == "/loop2":
            return self._plain(302, {"Location": self.server.url("/loop")})
        if path.startswith("/redirect/"):
            return self._plain(301, {"Location": path.removeprefix("/redirect")})
        if path.startswith("/nohead/"):
            if head:
                return self._plain(405, {"Allow": "GET"})
            path = path.removeprefix("/nohead")
        nosize = path.startswith("/nosize/")
        path = path.removeprefix("/nosize")
        body = self.server.files.get(path)
        if body is None:
            return self._plain(404)
        if nosize:
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            if not head:
                for start in range(0, len(body), 65536):
                    piece = body[start:start + 65536]
                    self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")
            return
        status, headers, payload = 200, {"Accept-Ranges": "bytes"}, body
        wanted = self.headers.get("Range", "")
        if not head and wanted.startswith("bytes="):
            first, _, last = wanted.removeprefix("bytes=").partition("-")
            start, end = int(first), min(int(last or len(body) - 1), len(body) - 1)
            status, payload = 206, body[start:end + 1]
            headers["Content-Range"] = f"bytes {start}-{end}/{len(body)}"
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload) if not head else len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(payload)


class ByName(httpx.BaseTransport):
    def __init__(self, server: DataServer) -> None:
        self.server = server
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(scheme="http", host="127.0.0.1", port=self.server.server_address[1])
        return self.inner.handle_request(request)
