"""Injected faults: make the next N responses of an endpoint fail on purpose.

Kinds:

* ``429``, ``500``: answer with that status and LINE's JSON error shape, without
  processing the request.
* ``drop``: close the connection without answering (the client sees a reset or an
  empty reply), without processing the request.
* ``delay``: wait ``seconds`` before handling the request normally (for client timeouts).
* ``accept_then_drop``, ``accept_then_500``: process the request for real (messages are
  delivered, quota is used, the retry key is recorded), then drop the connection or
  answer 500. This is the case retry keys exist for. These wait for the next request that
  LINE would accept; requests rejected with a 4xx do not use them up.

``endpoint`` is an endpoint name (``push``, ``reply``, ``multicast``, ...) or ``*``
for any endpoint.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass

from emulator.limits import ENDPOINT_GROUPS

BEFORE_KINDS = ("429", "500", "drop", "delay")
AFTER_KINDS = ("accept_then_drop", "accept_then_500")
KINDS = BEFORE_KINDS + AFTER_KINDS


@dataclass
class Fault:
    endpoint: str
    kind: str
    remaining: int
    seconds: float = 0.0


class FaultPlan:
    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, endpoint: str, kind: str, count: int = 1, seconds: float = 0.0) -> Fault:
        kind = str(kind)
        if endpoint != "*" and endpoint not in ENDPOINT_GROUPS:
            raise ValueError(f"unknown endpoint {endpoint!r}")
        if kind not in KINDS:
            raise ValueError(f"fault kind must be one of {', '.join(KINDS)}")
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise ValueError("count must be a positive integer")
        if kind == "delay" and not 0 < float(seconds) <= 120:
            raise ValueError("a delay needs seconds between 0 and 120")
        fault = Fault(endpoint, kind, count, float(seconds))
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, endpoint: str, *, after_accept: bool) -> Fault | None:
        """Use up one matching fault (oldest first), if any."""
        kinds = AFTER_KINDS if after_accept else BEFORE_KINDS
        with self._lock:
            for fault in self._faults:
                if fault.kind in kinds and fault.endpoint in (endpoint, "*"):
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                    return Fault(fault.endpoint, fault.kind, 1, fault.seconds)
        return None

    def pending(self) -> list[dict]:
        with self._lock:
            return [asdict(f) for f in self._faults]

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
