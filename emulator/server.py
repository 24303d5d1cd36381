"""The emulator's HTTP server: Starlette on uvicorn, in a thread or as a program.

LINE has two hosts: ``api.line.me`` (the Messaging API) and ``api-data.line.me``
(message content). The emulator keeps them apart as LINE does: one uvicorn server
listens on two sockets, and the socket a request came in on decides which set of paths
answers. Content asked of the API host is 404, as at LINE; a client that sends every
call to one base URL finds out here, not in production. ``/_emulator/...`` (the control
API, see :mod:`emulator.control`) is on the API host's port.
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
    """The API host's app: the Messaging API paths and the control API."""
    app = Starlette(routes=api.routes() + control.routes() + login.routes(),
                    exception_handlers={404: _http_error, 405: _http_error})
    app.state.emulator = emulator
    app.state.uvicorn_server = None
    return app


def create_data_app(emulator: Emulator) -> Starlette:
    """The data host's app (``api-data.line.me``): message content only."""
    app = Starlette(routes=api.data_routes(),
                    exception_handlers={404: _http_error, 405: _http_error})
    app.state.emulator = emulator
    app.state.uvicorn_server = None
    return app


class HostSplit:
    """An ASGI app answering with the data host's app on ``data_ports`` and with the API
    host's app on every other port (the server's own port is in ``scope["server"]``)."""

    def __init__(self, api_app: Starlette, data_app: Starlette) -> None:
        self.api_app = api_app
        self.data_app = data_app
        self.data_ports: set[int] = set()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        server = scope.get("server") or (None, None)
        app = self.data_app if server[1] in self.data_ports else self.api_app
        await app(scope, receive, send)


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


def make_server(emulator: Emulator, *, log_level: str = "warning",
                data_port: int | None = None) -> _Server:
    """A server for both hosts: requests to ``data_port`` get the data host's paths.
    Run it with ``sockets=[api_socket, data_socket]``."""
    split = HostSplit(create_app(emulator), create_data_app(emulator))
    if data_port is not None:
        split.data_ports.add(data_port)
    # No access log: request paths carry LINE user ids, which must never be logged.
    config = uvicorn.Config(split, log_level=log_level, access_log=False, lifespan="off",
                            timeout_graceful_shutdown=2)
    server = _Server(config)
    for app in (split.api_app, split.data_app):
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
                 thread: threading.Thread, *, owns_emulator: bool,
                 data_sock: socket.socket) -> None:
        self.emulator = emulator
        self._server = server
        self._sock = sock
        self._data_sock = data_sock
        self._thread = thread
        self._owns_emulator = owns_emulator
        host, port = sock.getsockname()[:2]
        self.host: str = host
        self.port: int = port
        self.data_port: int = data_sock.getsockname()[1]
        shown = f"[{host}]" if ":" in host else host
        #: The Messaging API host (``https://api.line.me`` at LINE) and the control API.
        self.base_url = f"http://{shown}:{port}"
        #: The data host, for message content (``https://api-data.line.me`` at LINE).
        self.data_url = f"http://{shown}:{self.data_port}"

    def stop(self) -> None:
        self._server.request_stop()
        self._thread.join(timeout=15)
        self._sock.close()
        self._data_sock.close()
        if self._owns_emulator:
            self.emulator.close()

    def __enter__(self) -> RunningEmulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def run_in_thread(emulator: Emulator | None = None, *, host: str = "127.0.0.1",
                  port: int = 0, data_port: int = 0, startup_timeout: float = 15.0,
                  **emulator_kwargs: Any) -> RunningEmulator:
    """Serve an emulator on a thread; ``port=0`` picks a free port. Message content is
    served on a second port, ``data_port`` (``0``: a free one), as LINE serves it on
    a second host.

    Pass an :class:`Emulator`, or the keyword arguments to make one (``channel_secret``,
    ``access_token``, ``webhook_url``, ...). An emulator made here is closed by ``stop()``.
    """
    owns = emulator is None
    if emulator is None:
        emulator = Emulator(**emulator_kwargs)
    elif emulator_kwargs:
        raise TypeError("pass either an Emulator or the arguments to make one, not both")
    sock = bind(host, port)
    try:
        data_sock = bind(host, data_port)
    except OSError:
        sock.close()
        raise
    server = make_server(emulator, data_port=data_sock.getsockname()[1])
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock, data_sock]},
                              name="emulator-http", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            data_sock.close()
            if owns:
                emulator.close()
            raise RuntimeError("the LINE emulator did not start")
        time.sleep(0.01)
    return RunningEmulator(emulator, server, sock, thread, owns_emulator=owns,
                           data_sock=data_sock)
