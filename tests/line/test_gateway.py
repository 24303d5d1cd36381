"""The one LINE client: one retry policy (ours), for reads as for sends (issue 11)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from app.line.errors import LineUnavailableError
from app.line.gateway import LineGateway
from app.line.send.delivery import Verdict


@pytest.fixture
def hangs_up() -> Iterator[tuple[str, list[int]]]:
    """A server that accepts each connection and closes it at once, counting them."""
    server = socket.create_server(("127.0.0.1", 0))
    count = [0]
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            count[0] += 1
            conn.recv(65536)
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}", count
    finally:
        stop.set()
        thread.join()
        server.close()


def test_a_read_is_tried_once_the_caller_decides_on_retries(
        hangs_up: tuple[str, list[int]]) -> None:
    base, count = hangs_up
    with LineGateway("token", api_base=base, data_base=base) as line:
        with pytest.raises(LineUnavailableError):
            line.profile("U" + "0" * 32)
        assert count[0] == 1  # urllib3's own retries would have tried 4 times
        with pytest.raises(LineUnavailableError):
            line.content("1234567890")
        assert count[0] == 2


def test_a_send_is_tried_once_and_its_verdict_says_line_may_have_it(
        hangs_up: tuple[str, list[int]]) -> None:
    base, count = hangs_up
    with LineGateway("token", api_base=base) as line:
        answer = line.push("U" + "0" * 32, [{"type": "text", "text": "こんにちは"}],
                           retry_key="7b0c5d0e-4c56-4b7a-9d7c-0b8f3b1a2c3d")
    assert answer.verdict is Verdict.TRANSIENT and count[0] == 1
