"""Keeping under LINE's rate limits: one token bucket per endpoint.

LINE counts requests per channel and endpoint in a window (200 a second for multicast,
2,000 for push). A bucket that holds ``burst`` tokens and refills at ``rate`` a second lets
through at most ``burst + rate`` requests in any one second, so the defaults split LINE's
limit into 10 % burst and 90 % steady rate: never over the limit, and 200 multicast calls
take about a second. A 429 that still comes (another program on the same channel, clocks)
is backed off and retried with the same key by the engine.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

#: LINE's documented limits, requests per second per channel.
LINE_LIMITS: dict[str, int] = {"multicast": 200, "push": 2000}


@dataclass(frozen=True)
class Rate:
    """``rate`` requests a second on average, ``burst`` at once."""

    rate: float
    burst: int

    @classmethod
    def under(cls, per_second: int) -> Rate:
        """Never more than ``per_second`` in any one-second window."""
        burst = max(1, per_second // 10)
        return cls(float(max(1, per_second - burst)), burst)


DEFAULT_RATES: dict[str, Rate] = {name: Rate.under(n) for name, n in LINE_LIMITS.items()}


class TokenBucket:
    """Thread-safe; :meth:`acquire` blocks until a request may go."""

    def __init__(self, rate: Rate, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if rate.rate <= 0 or rate.burst < 1:
            raise ValueError("a rate needs a positive rate and a burst of at least 1")
        self.rate = rate
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(rate.burst)
        self._at = clock()
        self._lock = threading.Lock()

    def _take(self) -> float:
        """Take a token now (0.0) or say how long to wait for one."""
        with self._lock:
            now = self._clock()
            self._tokens = min(float(self.rate.burst),
                               self._tokens + (now - self._at) * self.rate.rate)
            self._at = now
            # A hair of tolerance: after sleeping exactly the wait, rounding may leave
            # 0.9999999 of a token, and asking for the last billionth would spin.
            if self._tokens >= 1.0 - 1e-9:
                self._tokens = max(0.0, self._tokens - 1.0)
                return 0.0
            return (1.0 - self._tokens) / self.rate.rate

    def acquire(self) -> None:
        while (wait := self._take()) > 0:
            self._sleep(wait)
