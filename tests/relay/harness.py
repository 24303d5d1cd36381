"""Running the real relay for tests: uvicorn in a thread, or ``python -m relay`` as a process.

Both speak real HTTP on 127.0.0.1 with httpx. The in-thread relay takes an injectable
clock; the process one is what ``python -m relay serve`` does on a shop's server.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from relay.app import RelayService
from relay.config import Settings
from relay.sealing import encode_public_key, open_sealed_bytes, split_delivery
from relay.server import build_server
from relay.store import Store
from tests.relay.line_events import LineEvents, sign

REPO = Path(__file__).resolve().parents[2]
SECRET = b"0123456789abcdef0123456789abcdef"  # a channel secret is 32 hex characters


class ManualClock:
    """A wall clock the test moves by hand (the relay reads it as ``time.time``)."""

    def __init__(self, start: float | None = None) -> None:
        self.now = time.time() if start is None else start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


@dataclass
class Device:
    device_id: str
    token: str
    key: X25519PrivateKey = field(repr=False)

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def open_delivery(sealed_b64: str, key: X25519PrivateKey) -> tuple[str, bytes]:
    """(x-line-signature, raw body) of one sealed item."""
    return split_delivery(open_sealed_bytes(base64.b64decode(sealed_b64), key))


def open_events(sealed: list[str], key: X25519PrivateKey) -> list[dict[str, Any]]:
    """Every event of these sealed deliveries, in order, the first copy of each id only,
    with the body's ``destination`` added; and each delivery's signature checked."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in sealed:
        signature, body = open_delivery(item, key)
        assert signature == sign(SECRET, body), "a sealed delivery's signature does not match"
        data = json.loads(body)
        for event in data["events"]:
            if event["webhookEventId"] not in seen:
                seen.add(event["webhookEventId"])
                out.append({**event, "destination": data["destination"]})
    return out


def free_socket() -> socket.socket:
    # IPPROTO_TCP spelled out: asyncio sets TCP_NODELAY on accepted connections only when
    # the listening socket says so, and with Nagle on every answer waits ~40 ms for an ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def free_port() -> int:
    with contextlib.closing(free_socket()) as sock:
        return sock.getsockname()[1]


class RelayClient:
    """What LINE and a desktop do to a relay at ``base_url``."""

    def __init__(self, base_url: str, events: LineEvents) -> None:
        self.base_url = base_url
        self.http = httpx.Client(base_url=base_url, timeout=60.0)
        self.line = events

    def close(self) -> None:
        self.http.close()

    def post_webhook(self, body: bytes, *, signature: str | bool | None = True,
                     headers: dict[str, str] | None = None) -> httpx.Response:
        all_headers = {"content-type": "application/json"}
        if signature is True:
            all_headers["x-line-signature"] = sign(SECRET, body)
        elif isinstance(signature, str):
            all_headers["x-line-signature"] = signature
        all_headers.update(headers or {})
        return self.http.post("/line/webhook", content=body, headers=all_headers)

    def deliver(self, *events: dict[str, Any]) -> httpx.Response:
        return self.post_webhook(self.line.body(*events))

    def pair_with_code(self, code: str, name: str = "レジ横のPC") -> Device:
        key = X25519PrivateKey.generate()
        response = self.http.post("/v1/devices", json={
            "pairing_code": code, "name": name, "public_key": encode_public_key(key.public_key())})
        assert response.status_code == 201, response.text
        data = response.json()
        return Device(data["device_id"], data["token"], key)

    def pull(self, device: Device, after: int = 0, limit: int | None = None,
             wait: float | None = None) -> dict[str, Any]:
        params: dict[str, Any] = {"after": after}
        if limit is not None:
            params["limit"] = limit
        if wait is not None:
            params["wait"] = wait
        response = self.http.get("/v1/events", params=params, headers=device.auth)
        assert response.status_code == 200, response.text
        return response.json()

    def pull_opened(self, device: Device, after: int = 0) -> list[dict[str, Any]]:
        """The events of the pulled deliveries, once each (as the desktop keeps them)."""
        return open_events([e["sealed"] for e in self.pull(device, after)["events"]],
                           device.key)

    def ack(self, device: Device, upto: int) -> httpx.Response:
        return self.http.post("/v1/events/ack", json={"upto": upto}, headers=device.auth)

    def queue_depth(self) -> int:
        response = self.http.get("/healthz")
        assert response.status_code == 200
        return response.json()["queue_depth"]


#: ``ThreadRelay(public_url=OWN_URL)``: the relay's own loopback address, so that the media
#: URLs it answers with can be fetched as they are.
OWN_URL = "own"


class ThreadRelay(RelayClient):
    """The relay app on uvicorn in a thread of the test process, with an injected clock."""

    def __init__(self, db_url: str, log_path: Path, *, clock: ManualClock,
                 purge_interval: float = 3600.0, recheck_interval: float = 1.0,
                 retention_days: int = 14, public_url: str | None = OWN_URL,
                 media_days: int = 14, media_max_mb: int = 500,
                 channel_secret: bytes | None = SECRET,
                 admin_secret: bytes | None = None, **settings: Any) -> None:
        self.db_url = db_url
        self.clock = clock
        self.log_path = log_path
        self._handler = logging.FileHandler(log_path, encoding="utf-8")
        self._handler.setLevel(logging.DEBUG)
        self._handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        self._loggers = [logging.getLogger("relay"), logging.getLogger("uvicorn")]
        self._old_levels = [lg.level for lg in self._loggers]
        for lg in self._loggers:
            lg.addHandler(self._handler)
            lg.setLevel(logging.DEBUG)
        sock = free_socket()
        port = sock.getsockname()[1]
        if public_url == OWN_URL:
            public_url = f"http://127.0.0.1:{port}"
        settings = Settings(channel_secret=channel_secret, database_url=db_url,
                            retention_days=retention_days, public_url=public_url,
                            media_days=media_days, media_max_mb=media_max_mb,
                            admin_secret=admin_secret, **settings)
        self.store = Store.open(db_url)
        self.service = RelayService(settings, self.store, clock=clock,
                                    purge_interval=purge_interval,
                                    recheck_interval=recheck_interval)
        self.server = build_server(self.service, "127.0.0.1", port, log_level="warning")
        self._thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]},
                                        name="relay-under-test", daemon=True)
        self._sock = sock
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the relay did not start")
            time.sleep(0.01)
        super().__init__(f"http://127.0.0.1:{port}", LineEvents())

    def pairing_code(self) -> str:
        """What ``python -m relay pair`` prints (same store call, the test's clock)."""
        return self.store.create_pairing_code(int(self.clock() * 1000))

    def pair(self, name: str = "レジ横のPC") -> Device:
        return self.pair_with_code(self.pairing_code(), name)

    def poll_waiting(self) -> threading.Event:
        """An event set once a long-poll (``GET /v1/events?wait=``) is waiting in the relay.

        A test that acts "while a poll waits" waits on this instead of sleeping and hoping
        the poll got there first (the poll may also be slower than any sleep)."""
        entered = threading.Event()
        new_events = self.service.new_events
        assert new_events is not None
        original = new_events.wait

        async def wait(ticket: asyncio.Event, timeout: float) -> None:
            entered.set()
            await original(ticket, timeout)

        new_events.wait = wait  # type: ignore[method-assign]
        return entered

    def log_text(self) -> str:
        self._handler.flush()
        return self.log_path.read_text(encoding="utf-8")

    def stop(self) -> None:
        self.close()
        self.server.should_exit = True
        self._thread.join(30)
        self._sock.close()
        for lg, level in zip(self._loggers, self._old_levels, strict=True):
            lg.removeHandler(self._handler)
            lg.setLevel(level)
        self._handler.close()


class ProcessRelay(RelayClient):
    """``python -m relay serve`` in a child process, its log going to a file."""

    def __init__(self, db_url: str, log_path: Path, events: LineEvents,
                 port: int | None = None, extra_env: dict[str, str] | None = None) -> None:
        self.db_url = db_url
        self.port = port or free_port()
        self.log_path = log_path
        self.env = {**relay_env(db_url), **(extra_env or {})}
        self._log = open(log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "relay", "serve", "--host", "127.0.0.1",
             "--port", str(self.port)],
            cwd=REPO, env=self.env, stdout=self._log, stderr=subprocess.STDOUT)
        super().__init__(f"http://127.0.0.1:{self.port}", events)
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the relay exited with {self.proc.returncode}")
            with contextlib.suppress(httpx.TransportError):
                if self.http.get("/healthz", timeout=1.0).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("the relay did not start")
            time.sleep(0.05)

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)
        self.close()
        self._log.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(30)
        self.close()
        self._log.close()


def relay_env(db_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RELAY_", "LINE_"))}
    env.update({"LINE_CHANNEL_SECRET": SECRET.decode(), "RELAY_DATABASE_URL": db_url,
                "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"})
    return env


def run_cli(db_url: str, *args: str, env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "relay", *args], cwd=REPO,
                          env=env or relay_env(db_url), capture_output=True, text=True,
                          timeout=120, check=False)


# --- what is at rest ----------------------------------------------------------------------

def stored_bytes(db_url: str) -> bytes:
    """Everything the relay's database holds: the SQLite files, or every PostgreSQL row."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        path = Path(url.database or "")
        return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"))
                        if p.exists())
    engine = create_engine(db_url)
    try:
        chunks: list[bytes] = []
        with engine.connect() as conn:
            for table in inspect(conn).get_table_names():
                query = text(f'SELECT t::text FROM "{table}" t')  # noqa: S608 - our table names
                rows = conn.execute(query).scalars()
                chunks.extend(row.encode("utf-8") for row in rows)
                # bytea renders as hex in ::text; ciphertext cannot spell a plaintext either way
        return b"\n".join(chunks)
    finally:
        engine.dispose()


def assert_nothing_personal(where: str, data: bytes, personal: list[str]) -> None:
    for value in personal:
        for encoded in {value.encode("utf-8"), value.encode("utf-8").hex().encode()}:
            assert encoded not in data, f"{where} holds a personal value in plain form"


@contextlib.contextmanager
def postgres_database(base_url: str) -> Iterator[str]:
    """A fresh, empty schema on the test server, first on the search path; dropped after.

    A schema per test rather than a database: CREATE/DROP DATABASE cost a checkpoint each.
    """
    import secrets

    name = f"relay_test_{secrets.token_hex(6)}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{name}"')
        url = make_url(base_url).update_query_dict({"options": f"-csearch_path={name}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        admin.dispose()
