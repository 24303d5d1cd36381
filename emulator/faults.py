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

Webhook deliveries (the emulator as the client) have one kind, on the endpoint
``webhook`` (never matched by ``*``):

* ``answer_lost``: the webhook POST is sent and the receiver processes it and answers,
  but the emulator treats the answer as lost, exactly as if it had timed out waiting
  (``ReadTimeout``); with redelivery on, the event is sent again. This is how to test a
  receiver's de-duplication without racing a tiny timeout against a fast receiver.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Any

import httpx

from emulator.limits import ENDPOINT_GROUPS

BEFORE_KINDS = ("429", "500", "drop", "delay")
AFTER_KINDS = ("accept_then_drop", "accept_then_500")
KINDS = BEFORE_KINDS + AFTER_KINDS
WEBHOOK_ENDPOINT = "webhook"
WEBHOOK_KINDS = ("answer_lost",)


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
        if endpoint == WEBHOOK_ENDPOINT:
            if kind not in WEBHOOK_KINDS:
                raise ValueError(f"a webhook fault kind must be one of {', '.join(WEBHOOK_KINDS)}")
        elif endpoint != "*" and endpoint not in ENDPOINT_GROUPS:
            raise ValueError(f"unknown endpoint {endpoint!r}")
        elif kind not in KINDS:
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

    def take_webhook(self) -> Fault | None:
        """Use up one webhook fault (oldest first), if any."""
        with self._lock:
            for fault in self._faults:
                if fault.endpoint == WEBHOOK_ENDPOINT:
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                    return Fault(fault.endpoint, fault.kind, 1)
        return None

    def webhook_transport(self) -> httpx.BaseTransport:
        """The transport the webhook sender posts through, applying webhook faults."""
        return _WebhookFaultTransport(self)

    def pending(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(f) for f in self._faults]

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()


class _WebhookFaultTransport(httpx.BaseTransport):
    """An ordinary HTTP transport that can lose the receiver's answer on purpose.

    The request really goes out and the answer is read in full (so the receiver has
    processed the webhook, and the connection stays usable); only then is it dropped and
    a ``ReadTimeout`` raised, which is what a sender sees when an answer never comes.
    """

    def __init__(self, plan: FaultPlan) -> None:
        self._plan = plan
        self._inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        fault = self._plan.take_webhook()
        if fault is None:
            return response
        try:
            response.read()
        finally:
            response.close()
        raise httpx.ReadTimeout(f"answer lost (injected {fault.kind} fault)", request=request)

    def close(self) -> None:
        self._inner.close()
