"""A stand-in for a hostile relay on loopback: it answers the desktop however it likes.

No real relay misbehaves on purpose, so this is one place where a stand-in is right: a
plain socket server that reads one request and then answers with an endless body, a
trickle, a compression bomb, or a queue of items that open to nothing. Every answer is
bounded on this side too (it stops when the desktop hangs up, when it has sent
``MAX_SEND`` bytes, or when the test stops it), so a test can never hang on it.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import json
import secrets
import socket
import threading
import time
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

from tests.relay.harness import free_socket

MAX_SEND = 400 * 1024 * 1024
TRICKLE_EVERY = 0.02  # seconds between bytes of a trickle (no test asserts a duration)
#: A trickle stops after this many bytes (10 s), so a desktop without an overall deadline
#: fails its test instead of hanging it; with a deadline of 0.5 s it never gets this far.
TRICKLE_MAX = 500

Responder = Callable[["HostileRelay", socket.socket, str], None]


class HostileRelay:
    def __init__(self, respond: Responder) -> None:
        self._respond = respond
        self._listener = free_socket()
        self._listener.listen(16)
        self._listener.settimeout(0.05)  # accept() wakes up to notice stop()
        self.base_url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self.sent = 0
        self.requests: list[str] = []
        self.acks: list[int] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._accept = threading.Thread(target=self._serve, name="hostile-relay", daemon=True)
        self._accept.start()

    def __enter__(self) -> HostileRelay:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self.stopping.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        self._accept.join(10)
        for thread in self._threads:
            thread.join(10)

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._one, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _one(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(10)
            data = b""
            while b"\r\n\r\n" not in data and len(data) < 65536:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                data += chunk
            head, _, rest = data.partition(b"\r\n\r\n")
            request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
            with self._lock:
                self.requests.append(request_line)
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.decode("latin-1").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            while len(rest) < length:
                rest += conn.recv(4096)
            if request_line.startswith("POST /v1/events/ack"):
                with self._lock:
                    self.acks.append(json.loads(rest)["upto"])
                self.send(conn, answer(b'{"deleted": 0}'))
                return
            with contextlib.suppress(OSError):
                self._respond(self, conn, request_line)

    def send(self, conn: socket.socket, data: bytes) -> bool:
        """Send; False once the desktop has hung up or the bound is reached."""
        if self.stopping.is_set() or self.sent > MAX_SEND:
            return False
        try:
            conn.sendall(data)
        except OSError:
            return False
        with self._lock:
            self.sent += len(data)
        return True


def answer(body: bytes, status: str = "200 OK", extra: str = "") -> bytes:
    return (f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n{extra}Connection: close\r\n\r\n").encode() + body


def after_of(request_line: str) -> int:
    target = request_line.split(" ")[1]
    return int(parse_qs(urlsplit(target).query).get("after", ["0"])[0])


# --- ways to answer -------------------------------------------------------------------------

def endless(declared: bool) -> Responder:
    """An answer of 300 MB: declared in Content-Length, or chunked without a length."""
    def respond(server: HostileRelay, conn: socket.socket, _line: str) -> None:
        piece = b'{"events": [' + b" " * (64 * 1024 - 12)
        if declared:
            server.send(conn, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                        b"Content-Length: 300000000\r\n\r\n")
            while server.send(conn, piece):
                pass
        else:
            server.send(conn, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                        b"Transfer-Encoding: chunked\r\n\r\n")
            frame = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
            while server.send(conn, frame):
                pass
    return respond


def gzip_bomb(decoded_bytes: int) -> Responder:
    """A small gzip answer that decodes to ``decoded_bytes`` of spaces."""
    body = gzip.compress(b'{"events": [' + b" " * decoded_bytes + b"]}", 9)

    def respond(server: HostileRelay, conn: socket.socket, _line: str) -> None:
        server.send(conn, answer(body, extra="Content-Encoding: gzip\r\n"))
    return respond


def trickle(*, in_headers: bool) -> Responder:
    """One byte at a time: in the headers, or in a body (up to TRICKLE_MAX, then hang up)."""
    def respond(server: HostileRelay, conn: socket.socket, _line: str) -> None:
        if in_headers:
            server.send(conn, b"HTTP/1.1 200 OK\r\nX-Slow: ")
        else:
            server.send(conn, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                        b"Content-Length: 1000\r\n\r\n{")
        for _ in range(TRICKLE_MAX):
            if not server.send(conn, b"a" if in_headers else b" "):
                return
            time.sleep(TRICKLE_EVERY)
    return respond


def unopenable_items(total: int) -> Responder:
    """A queue of ``total`` items that open to nothing (random bytes), served in pages."""
    def respond(server: HostileRelay, conn: socket.socket, line: str) -> None:
        if not line.startswith("GET /v1/events"):
            server.send(conn, answer(b'{"error": "not_found"}', "404 Not Found"))
            return
        after = after_of(line)
        limit = int(parse_qs(urlsplit(line.split(" ")[1]).query).get("limit", ["100"])[0])
        seqs = list(range(after + 1, min(total, after + limit) + 1))
        events = [{"seq": seq, "received_at": 1_767_225_600_000,
                   "sealed": base64.b64encode(secrets.token_bytes(80)).decode()}
                  for seq in seqs]
        server.send(conn, answer(json.dumps({"events": events,
                                             "next": seqs[-1] if seqs else after}).encode()))
    return respond
