"""Fixtures for the emulator tests: a served emulator, the real SDK pointed at it, and
a tiny webhook receiver (Starlette on uvicorn, on 127.0.0.1) that records what LINE
would POST."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest
import uvicorn
from linebot.v3.messaging import ApiClient, Configuration, MessagingApi, MessagingApiBlob
from linebot.v3.webhook import WebhookParser
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from emulator import RunningEmulator, run_in_thread
from emulator.server import bind

SECRET = "emulator-test-channel-secret"
TOKEN = "emulator-test-access-token"
TIMEOUT = {"_request_timeout": 10}


@dataclass
class Received:
    body: bytes
    signature: str | None
    headers: dict[str, str]


@dataclass
class Receiver:
    """Records webhook POSTs. ``fail_next`` answers that many with 500; ``gate``, when
    cleared, holds every request until it is set again."""

    url: str = ""
    received: list[Received] = field(default_factory=list)
    fail_next: int = 0
    gate: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def events(self, secret: str = SECRET) -> list:
        """Every received event, parsed (and signature-checked) by the real SDK."""
        parser = WebhookParser(secret)
        out = []
        for item in list(self.received):
            out.extend(parser.parse(item.body.decode("utf-8"), item.signature))
        return out

    def wait_for(self, count: int, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{len(self.received)} of {count} webhooks arrived")
            time.sleep(0.01)


def _receiver_app(receiver: Receiver) -> Starlette:
    async def webhook(request: Request) -> Response:
        body = await request.body()
        await run_in_threadpool(receiver.gate.wait, 30)
        with receiver.lock:
            receiver.received.append(Received(body, request.headers.get("x-line-signature"),
                                              dict(request.headers)))
            if receiver.fail_next > 0:
                receiver.fail_next -= 1
                return Response(b"busy", status_code=500)
        return Response(b"", status_code=200)

    return Starlette(routes=[Route("/callback", webhook, methods=["POST"])])


@pytest.fixture(scope="session")
def _receiver_server() -> Iterator[Receiver]:
    rec = Receiver()
    rec.gate.set()
    server = uvicorn.Server(uvicorn.Config(_receiver_app(rec), log_level="warning",
                                           access_log=False, lifespan="off",
                                           timeout_graceful_shutdown=1))
    sock = bind("127.0.0.1", 0)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "receiver did not start"
        time.sleep(0.01)
    rec.url = f"http://127.0.0.1:{sock.getsockname()[1]}/callback"
    yield rec
    rec.gate.set()
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture
def receiver(_receiver_server: Receiver) -> Iterator[Receiver]:
    """The shared receiver, emptied for this test. Emulators of earlier tests are closed
    (their delivery workers stopped), so nothing of theirs arrives any more."""
    rec = _receiver_server
    with rec.lock:
        rec.received.clear()
        rec.fail_next = 0
    rec.gate.set()
    yield rec
    rec.gate.set()


@pytest.fixture
def line(receiver: Receiver) -> Iterator[RunningEmulator]:
    with run_in_thread(channel_secret=SECRET, access_token=TOKEN,
                       webhook_url=receiver.url, seed=7) as running:
        yield running


@pytest.fixture
def api_only() -> Iterator[RunningEmulator]:
    """An emulator with no webhook URL (the API side only)."""
    with run_in_thread(channel_secret=SECRET, access_token=TOKEN, seed=11) as running:
        yield running


@pytest.fixture(scope="session")
def http() -> Iterator[httpx.Client]:
    """One plain HTTP client for raw requests (a new client per call costs a TLS setup)."""
    with httpx.Client(timeout=10) as client:
        yield client


@dataclass
class Sdk:
    api: MessagingApi
    blob: MessagingApiBlob


class Clients:
    """The SDK's two API clients (API host and data host), closed together."""

    def __init__(self, *clients: ApiClient) -> None:
        self.clients = clients

    def close(self) -> None:
        for client in self.clients:
            client.close()

    def __enter__(self) -> Clients:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def make_sdk(running: RunningEmulator, token: str = TOKEN) -> tuple[Sdk, Clients]:
    """The SDK as an app uses it: one configuration per LINE host, because
    ``Configuration(host=...)`` replaces the base URL of every call."""
    api = ApiClient(Configuration(host=running.base_url, access_token=token))
    data = ApiClient(Configuration(host=running.data_url, access_token=token))
    return Sdk(MessagingApi(api), MessagingApiBlob(data)), Clients(api, data)


@pytest.fixture
def sdk(line: RunningEmulator) -> Iterator[Sdk]:
    handle, clients = make_sdk(line)
    yield handle
    clients.close()
