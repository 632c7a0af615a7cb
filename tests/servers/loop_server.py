"""An asyncio TCP server on 127.0.0.1, run in a thread of its own, for the test servers that speak HTTP
by hand (the BinderHub stand-in and the hostile hub). Subclasses define `async _handle(reader, writer)` and
add each handler task to `self._tasks`, so that `stop()` can cancel connections still open."""

from __future__ import annotations

import asyncio
import threading


class LoopServer:
    THREAD_NAME = "loop-server"
    READ_LIMIT = 2**16  # asyncio's default line limit

    def __init__(self) -> None:
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.AbstractServer | None = None
        self._tasks: set[asyncio.Task] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        raise NotImplementedError

    def start(self):
        started = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            self._server = self._loop.run_until_complete(
                asyncio.start_server(self._handle, "127.0.0.1", 0, limit=self.READ_LIMIT))
            self.port = self._server.sockets[0].getsockname()[1]
            started.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name=self.THREAD_NAME, daemon=True)
        self._thread.start()
        started.wait(10)
        return self

    def stop(self) -> None:
        if self._loop is None:
            return

        async def shutdown() -> None:
            for task in list(self._tasks):
                task.cancel()
            self._server.close()

        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
