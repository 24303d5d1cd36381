"""Clocks for the emulator: LINE's time rules (reply-token life, retry-key life, rate
windows, the monthly quota) all read the emulator's clock, so tests can move time
instead of sleeping."""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    """What the emulator needs from a clock: epoch seconds now, and a way forward."""

    def now(self) -> float: ...

    def advance(self, seconds: float) -> None: ...


def _check_step(seconds: float) -> float:
    step = float(seconds)
    # Time going backwards would resurrect used reply tokens and expired retry keys.
    if step < 0 or step != step or step == float("inf"):
        raise ValueError("the clock only moves forward by a finite number of seconds")
    return step


class SystemClock:
    """Wall-clock time plus an offset that only grows (the default clock)."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        step = _check_step(seconds)
        with self._lock:
            self._offset += step


class ManualClock:
    """A clock that stands still until told to move (for fully deterministic tests)."""

    def __init__(self, start: float | None = None) -> None:
        self._now = time.time() if start is None else float(start)
        self._lock = threading.Lock()

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        step = _check_step(seconds)
        with self._lock:
            self._now += step
