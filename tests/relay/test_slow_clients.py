"""Slow and excess connections (issue 10): deadlines for headers and bodies, a cap.

Real sockets against the real relay on loopback, with tiny timeouts configured so that
"eventually closed" comes quickly; the only time bound asserted is a generous deadline
for the relay to close what it should.
"""

from __future__ import annotations

import contextlib
import select
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.relay.harness import SECRET, Device, ThreadRelay
from tests.relay.line_events import sign

EVENTUALLY = 30.0  # seconds: far beyond any timeout configured here


def _connect(relay: ThreadRelay) -> socket.socket:
    host, port = relay.base_url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=EVENTUALLY)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def _closed_by_relay(sock: socket.socket) -> bytes:
    """Read until the relay closes the connection; what it sent first (may be nothing).

    A socket the relay keeps open makes ``recv`` time out: the test fails with it.
    """
    received = b""
    with contextlib.suppress(ConnectionResetError):
        while chunk := sock.recv(65536):
            received += chunk
    return received


@contextlib.contextmanager
def _sockets() -> Iterator[list[socket.socket]]:
    opened: list[socket.socket] = []
    try:
        yield opened
    finally:
        for sock in opened:
            sock.close()


def _webhook_head(relay: ThreadRelay, body: bytes) -> bytes:
    return (b"POST /line/webhook HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\n"
            b"x-line-signature: " + sign(SECRET, body).encode() + b"\r\nContent-Length: "
            + str(len(body)).encode() + b"\r\n\r\n")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_slow_headers_and_slow_bodies_are_closed_and_webhooks_still_work(
        make_relay, db_url: str) -> None:  # type: ignore[no-untyped-def]
    relay = make_relay(header_timeout=0.5, body_timeout=0.5, max_connections=200)
    device: Device = relay.pair()
    event = relay.line.text()
    body = relay.line.body(event)
    with _sockets() as slow:
        for n in range(50):
            sock = _connect(relay)
            if n % 2:  # headers started, never finished
                sock.sendall(b"POST /line/webhook HTTP/1.1\r\nHost: relay\r\nx-line-sig")
            slow.append(sock)  # the even ones send nothing at all
        for _ in range(50):  # headers complete, then a body that never ends
            sock = _connect(relay)
            sock.sendall(_webhook_head(relay, body) + body[:10])
            slow.append(sock)

        for sock in slow:
            answer = _closed_by_relay(sock)
            assert answer == b"", answer[:100]  # closed, and nothing was answered 200
    assert relay.deliver(event).status_code == 200
    assert [e["webhookEventId"] for e in relay.pull_opened(device)] == [event["webhookEventId"]]
    assert relay.queue_depth() == 1  # none of the slow bodies was stored


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_body_trickled_byte_by_byte_is_cut_at_its_deadline(
        make_relay, db_url: str) -> None:  # type: ignore[no-untyped-def]
    relay = make_relay(body_timeout=1.0)
    relay.pair()
    body = relay.line.body(relay.line.text())
    with _sockets() as opened:
        sock = _connect(relay)
        opened.append(sock)
        sock.sendall(_webhook_head(relay, body))
        closed = False
        # A byte every 0.1 s keeps any idle timer happy; the deadline is for the whole body.
        for byte in body:
            try:
                sock.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            if select.select([sock], [], [], 0.1)[0]:  # the client's pace, 0.1 s a byte
                closed = _closed_by_relay(sock) == b""
                break
        assert closed, "the relay read a trickled body to its end"
    assert relay.queue_depth() == 0


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_connections_over_the_limit_get_503_at_once(
        make_relay, db_url: str) -> None:  # type: ignore[no-untyped-def]
    relay = make_relay(header_timeout=60.0, max_connections=20)
    relay.close()  # the test client's own keep-alive connection must not count
    with _sockets() as idle:
        for _ in range(20):
            idle.append(_connect(relay))
        extra = _connect(relay)
        idle.append(extra)
        answer = _closed_by_relay(extra)  # nothing sent: answered and closed anyway
        assert answer.startswith(b"HTTP/1.1 503 ")
        assert b"too_many_connections" in answer
    # Once those are gone, requests are served again.
    deadline = time.monotonic() + EVENTUALLY
    while True:
        with httpx.Client(base_url=relay.base_url) as http, \
                contextlib.suppress(httpx.TransportError):
            if http.get("/healthz").status_code == 200:
                break
        assert time.monotonic() < deadline, "the relay did not take connections again"
        time.sleep(0.05)
    assert "refused 1 over the limit of 20 open connections" in relay.log_text()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_headers_over_64_kib_are_refused(make_relay, db_url: str) -> None:  # type: ignore[no-untyped-def]
    relay = make_relay()
    with _sockets() as opened:
        sock = _connect(relay)
        opened.append(sock)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: relay\r\n")
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            for n in range(200):
                sock.sendall(f"x-filler-{n}: ".encode() + b"a" * 1000 + b"\r\n")
        answer = _closed_by_relay(sock)
        assert answer.startswith(b"HTTP/1.1 400 ")
