"""Connection limits uvicorn does not have: header and body deadlines, a connection cap.

uvicorn times out a keep-alive connection only *after* a response. A client that connects
and sends its headers (or its body) a byte at a time is never timed out, and there is no
bound on how many such connections stay open: 300 slow bodies and 200 slow headers were
all held indefinitely (issue 10). This module adds, on top of uvicorn's httptools
protocol (httptools is pinned in requirements.txt):

* a **header deadline**: from the first byte of a request (or the connection's opening)
  its request line and headers must be complete within ``header_timeout`` seconds;
* a **body deadline**: once the headers are in, the whole body must be within
  ``body_timeout`` seconds (one deadline for the whole body, not an idle timer, so a body
  trickled a byte a second is cut too);
* a **header size cap** (:data:`MAX_HEADER_BYTES`): llhttp sets none;
* a **connection cap**: beyond ``max_connections`` open connections, a new one is
  answered 503 at once and closed, before anything is read. (uvicorn's
  ``limit_concurrency`` answers 503 only after reading a request's headers, so a flood of
  slow-header connections would still each hold a socket.)

A connection past a deadline is simply closed: the request's handler, if it was reading
the body, sees the client disconnect and stores nothing. LINE redelivers a webhook that
was not answered 200.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any, ClassVar

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

log = logging.getLogger("relay.connections")

#: Request line plus headers, in bytes. LINE's webhooks and the desktop's requests use
#: well under 2 KiB; 64 KiB is what common servers allow.
MAX_HEADER_BYTES = 64 * 1024

_BUSY_BODY = b'{"error":"too_many_connections"}'
_BUSY = (b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n"
         b"retry-after: 5\r\nconnection: close\r\ncontent-length: "
         + str(len(_BUSY_BODY)).encode() + b"\r\n\r\n" + _BUSY_BODY)


@dataclass(frozen=True)
class ConnectionLimits:
    header_timeout: float
    body_timeout: float
    max_connections: int


class _Tally:
    """How many connections were cut, logged at most once a minute (counts only)."""

    def __init__(self, every: float = 60.0) -> None:
        self.every = every
        self.slow = self.refused = 0
        self._last = -float("inf")

    def note(self, *, slow: int = 0, refused: int = 0, limit: int = 0) -> None:
        self.slow += slow
        self.refused += refused
        now = time.monotonic()
        if now - self._last >= self.every:
            log.warning("closed %d connection(s) too slow to send their request and refused "
                        "%d over the limit of %d open connections (since the last report)",
                        self.slow, self.refused, limit)
            self._last, self.slow, self.refused = now, 0, 0


class HeaderTooLarge(Exception):
    pass


def guarded_protocol(limits: ConnectionLimits) -> type[HttpToolsProtocol]:
    """uvicorn's httptools protocol class with ``limits`` applied (``Config(http=...)``)."""
    return type("GuardedHttpToolsProtocol", (_GuardedProtocol,),
                {"limits": limits, "tally": _Tally()})


class _GuardedProtocol(HttpToolsProtocol):
    limits: ClassVar[ConnectionLimits]
    tally: ClassVar[_Tally]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._header_bytes = 0
        self._refused = False

    # --- the connection --------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        if len(self.connections) >= self.limits.max_connections:
            # Not registered with the server at all: answered and closed right away.
            self._refused = True
            transport.write(_BUSY)
            transport.close()
            self.tally.note(refused=1, limit=self.limits.max_connections)
            return
        super().connection_made(transport)
        self._arm(self.limits.header_timeout)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._refused:
            return
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        super().data_received(data)

    # --- parser callbacks: where a request's phases begin and end --------------------

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._header_bytes = 0
        if self._deadline is None:  # a later request on a kept-alive connection
            self._arm(self.limits.header_timeout)

    def on_url(self, url: bytes) -> None:
        self._count_header_bytes(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count_header_bytes(len(name) + len(value) + 4)
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._arm(self.limits.body_timeout)
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    # --- deadlines -------------------------------------------------------------------

    def _count_header_bytes(self, n: int) -> None:
        self._header_bytes += n
        if self._header_bytes > MAX_HEADER_BYTES:
            # httptools turns this into a parser error: uvicorn answers 400 and closes.
            raise HeaderTooLarge

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        self._deadline = None
        if self.transport is not None and not self.transport.is_closing():
            self.tally.note(slow=1, limit=self.limits.max_connections)
            self.transport.close()
