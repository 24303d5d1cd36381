"""Plain-Python signals, so the core can announce changes without Qt.

Modelled on FeelUOwn's ``feeluown/utils/dispatch.py``: the UI connects a slot that
re-emits on the Qt main thread; tests connect plain callables.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger("otokui.signals")


class Signal:
    def __init__(self) -> None:
        self._slots: list[Callable[..., Any]] = []
        self._lock = threading.Lock()

    def connect(self, slot: Callable[..., Any]) -> None:
        with self._lock:
            if slot not in self._slots:
                self._slots.append(slot)

    def disconnect(self, slot: Callable[..., Any]) -> None:
        with self._lock, contextlib.suppress(ValueError):
            self._slots.remove(slot)

    def emit(self, *args: Any) -> None:
        with self._lock:
            slots = list(self._slots)
        for slot in slots:
            try:
                slot(*args)
            except Exception:  # one broken listener must not stop the others or the write
                log.exception("a change listener failed")

