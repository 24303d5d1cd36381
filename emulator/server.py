"""The emulator's HTTP server: Starlette on uvicorn, in a thread or as a program.

One server serves both LINE hosts' paths (``api.line.me`` and ``api-data.line.me``):
the SDK's ``Configuration(host=...)`` sends every call, content included, to one base
URL. ``/_emulator/...`` is the control API (see :mod:`emulator.control`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
import time
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

from emulator import api, control, login
from emulator.state import Emulator

log = logging.getLogger("emulator.server")


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    message = "Not found" if status == 404 else "Method not allowed" if status == 405 \
        else "Internal server error"
    return JSONResponse({"message": message}, status_code=status)


def create_app(emulator: Emulator) -> Starlette:
    app = Starlette(routes=api.routes() + control.routes() + login.routes(),
                    exception_handlers={404: _http_error, 405: _http_error})
    app.state.emulator = emulator
    app.state.uvicorn_server = None
    return app


class _Server(uvicorn.Server):
    """uvicorn's server, but stop() wakes its main loop at once instead of at the next
    0.1 s tick (tests start and stop many emulators)."""

    _wake: asyncio.Event | None = None
    _loop: asyncio.AbstractEventLoop | None = None

    async def main_loop(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), 0.1)

    def request_stop(self) -> None:
        self.should_exit = True
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None:
            with contextlib.suppress(RuntimeError):  # the loop may be closed already
                loop.call_soon_threadsafe(wake.set)


def make_server(emulator: Emulator, *, log_level: str = "warning") -> _Server:
    app = create_app(emulator)
    # No access log: request paths carry LINE user ids, which must never be logged.
    config = uvicorn.Config(app, log_level=log_level, access_log=False, lifespan="off",
                            timeout_graceful_shutdown=2)
    server = _Server(config)
    app.state.uvicorn_server = server  # lets injected faults drop a connection
    return server


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto must say TCP: asyncio sets TCP_NODELAY on accepted sockets only then, and
    # without it every response waits ~40 ms for a delayed ACK (Nagle).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.setblocking(False)
    return sock


class RunningEmulator:
    """An emulator served on a background thread. Use as a context manager or call stop()."""

    def __init__(self, emulator: Emulator, server: _Server, sock: socket.socket,
                 thread: threading.Thread, *, owns_emulator: bool) -> None:
        self.emulator = emulator
        self._server = server
        self._sock = sock
        self._thread = thread
        self._owns_emulator = owns_emulator
        host, port = sock.getsockname()[:2]
        self.host: str = host
        self.port: int = port
        shown = f"[{host}]" if ":" in host else host
        self.base_url = f"http://{shown}:{port}"

    def stop(self) -> None:
        self._server.request_stop()
        self._thread.join(timeout=15)
        self._sock.close()
        if self._owns_emulator:
            self.emulator.close()

    def __enter__(self) -> RunningEmulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def run_in_thread(emulator: Emulator | None = None, *, host: str = "127.0.0.1",
                  port: int = 0, startup_timeout: float = 15.0,
                  **emulator_kwargs: Any) -> RunningEmulator:
    """Serve an emulator on a thread; ``port=0`` picks a free port.

    Pass an :class:`Emulator`, or the keyword arguments to make one (``channel_secret``,
    ``access_token``, ``webhook_url``, ...). An emulator made here is closed by ``stop()``.
    """
    owns = emulator is None
    if emulator is None:
        emulator = Emulator(**emulator_kwargs)
    elif emulator_kwargs:
        raise TypeError("pass either an Emulator or the arguments to make one, not both")
    server = make_server(emulator)
    sock = bind(host, port)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]},
                              name="emulator-http", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            if owns:
                emulator.close()
            raise RuntimeError("the LINE emulator did not start")
        time.sleep(0.01)
    return RunningEmulator(emulator, server, sock, thread, owns_emulator=owns)
