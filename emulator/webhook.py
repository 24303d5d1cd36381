"""Webhook delivery: LINE's request format and signature, on a worker thread.

Events go out as POSTs ``{"destination": bot user id, "events": [event, ...]}`` with
``x-line-signature`` = base64(HMAC-SHA256(channel secret, raw body)). The API handlers
only queue events; one worker thread per emulator sends them, so a slow or dead webhook
receiver never blocks the Messaging API side.

Like LINE, one POST may carry several events that happen together: the events made
between :meth:`DeliveryWorker.hold` and :meth:`DeliveryWorker.release`
(``Emulator.together()``) go out in the same POST (split by ``webhook_batch_size``),
deterministically. Other events go one per POST, so tests that count deliveries stay
deterministic, unless ``webhook_batch_window_seconds`` is set: then the worker waits
that long (real time) after an event is due and sends every due event together. A
batch never carries the same event twice (a ``duplicates`` copy goes in a POST of its
own); a failed batch is redelivered whole.

Switches (read at delivery time, see :class:`emulator.state.Settings`):

* redelivery: a failed delivery (non-2xx or no connection) is sent again after
  ``redelivery_delay_seconds`` with ``deliveryContext.isRedelivery: true``, identical
  otherwise, up to ``redelivery_max_attempts`` more times;
* duplicates: every event is delivered twice, byte for byte;
* out_of_order: events are held and released in shuffled order once
  ``out_of_order_batch`` are waiting, ``out_of_order_hold_seconds`` have passed, or
  someone waits for the queue to drain.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import heapq
import hmac
import itertools
import json
import logging
import random
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

log = logging.getLogger("emulator.webhook")

USER_AGENT = "LineBotWebhook/2.0"


def sign(channel_secret: str, body: bytes) -> str:
    digest = hmac.new(channel_secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def encode_payload(destination: str, events: list[dict[str, Any]]) -> bytes:
    # Compact JSON with raw UTF-8, as LINE sends it (Japanese text is not \u-escaped).
    return json.dumps({"destination": destination, "events": events},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass
class WebhookSettings:
    url: str | None
    redelivery: bool
    redelivery_delay_seconds: float
    redelivery_max_attempts: int
    duplicates: bool
    out_of_order: bool
    out_of_order_batch: int
    out_of_order_hold_seconds: float
    timeout_seconds: float
    batch_size: int = 1
    batch_window_seconds: float = 0.0


@dataclass(order=True)
class _Item:
    due: float
    seq: int
    event: dict[str, Any] = field(compare=False)
    attempt: int = field(default=0, compare=False)
    #: Events made together (one together() block) share a group and a POST.
    group: int | None = field(default=None, compare=False)


class DeliveryWorker:
    """Sends queued events to the webhook URL, one request at a time."""

    def __init__(self, *, channel_secret: str, destination: str,
                 settings: Callable[[], WebhookSettings],
                 on_redelivery: Callable[[dict[str, Any]], None],
                 rng: random.Random, log_size: int = 10_000,
                 transport: httpx.BaseTransport | None = None) -> None:
        self._secret = channel_secret
        self._destination = destination
        self._settings = settings
        self._on_redelivery = on_redelivery
        self._rng = rng
        self._cond = threading.Condition()
        self._queue: list[_Item] = []
        self._held: list[dict[str, Any]] = []
        self._hold_deadline: float | None = None
        #: Events made between hold() and release(), queued together at release.
        self._together: list[dict[str, Any]] | None = None
        self._together_depth = 0
        self._in_flight = 0
        self._seq = itertools.count()
        self._groups = itertools.count(1)
        self._stopped = False
        self.log: deque[dict[str, Any]] = deque(maxlen=log_size)
        # Made on first use, on the worker thread: building its TLS context takes tens of
        # milliseconds, wasted for emulators that never deliver.
        self._client: httpx.Client | None = None
        self._transport = transport  # emulator.faults applies webhook faults through it
        self._thread = threading.Thread(target=self._run, name="emulator-webhook", daemon=True)
        self._thread.start()

    # --- queueing ---

    def submit(self, event: dict[str, Any]) -> None:
        s = self._settings()
        copies = [copy.deepcopy(event) for _ in range(2 if s.duplicates else 1)]
        with self._cond:
            if self._together is not None:
                self._together.extend(copies)
            elif s.out_of_order:
                if not self._held:
                    self._hold_deadline = time.monotonic() + s.out_of_order_hold_seconds
                self._held.extend(copies)
                if len(self._held) >= s.out_of_order_batch:
                    self._release_held()
            else:
                for ev in copies:
                    self._push(ev, 0, time.monotonic())
            self._cond.notify_all()

    def hold(self) -> None:
        """Keep the events made from now on until :meth:`release` (calls nest)."""
        with self._cond:
            self._together_depth += 1
            if self._together is None:
                self._together = []

    def release(self) -> None:
        """Queue the events kept since :meth:`hold` at once: they go out together."""
        s = self._settings()  # not under the queue's lock (see _run)
        with self._cond:
            if self._together_depth == 0:
                return
            self._together_depth -= 1
            if self._together_depth == 0:
                self._release_together(s)

    def _release_together(self, s: WebhookSettings) -> None:
        held, self._together, self._together_depth = self._together or [], None, 0
        if not held:
            return
        if s.out_of_order:
            if not self._held:
                self._hold_deadline = time.monotonic() + s.out_of_order_hold_seconds
            self._held.extend(held)
            if len(self._held) >= s.out_of_order_batch:
                self._release_held()
        else:
            now = time.monotonic()
            group = next(self._groups)
            for ev in held:
                self._push(ev, 0, now, group)
        self._cond.notify_all()

    def _push(self, event: dict[str, Any], attempt: int, due: float,
              group: int | None = None) -> None:
        heapq.heappush(self._queue, _Item(due, next(self._seq), event, attempt, group))

    def _release_held(self) -> None:
        held, self._held, self._hold_deadline = self._held, [], None
        self._rng.shuffle(held)
        now = time.monotonic()
        for ev in held:
            self._push(ev, 0, now)

    def flush(self) -> None:
        """Release events held for out-of-order delivery (or by hold()) now."""
        s = self._settings()
        with self._cond:
            if self._together is not None:
                self._release_together(s)
            if self._held:
                self._release_held()
                self._cond.notify_all()

    def idle(self) -> bool:
        with self._cond:
            return not self._queue and not self._held and not self._together \
                and self._in_flight == 0

    def wait_idle(self, timeout: float) -> bool:
        """Flush held events, then wait until nothing is queued, held or in flight."""
        self.flush()
        with self._cond:
            return self._cond.wait_for(
                lambda: not self._queue and not self._held and self._in_flight == 0,
                timeout=timeout)

    def records(self) -> list[dict[str, Any]]:
        with self._cond:
            return [dict(r) for r in self.log]

    def pending(self) -> int:
        with self._cond:
            return (len(self._queue) + len(self._held) + len(self._together or ())
                    + self._in_flight)

    def verify(self) -> dict[str, Any]:
        """POST ``{"events": []}`` at once, as the console's Verify button does.

        Sent from the calling thread on its own client, outside the queue and with no
        redelivery; returns ``{"status": int|None, "ok": bool, "error": str|None}``.
        """
        s = self._settings()
        if s.url is None:
            return {"status": None, "ok": False, "error": "no webhook URL set"}
        body = encode_payload(self._destination, [])
        headers = {"content-type": "application/json; charset=utf-8",
                   "x-line-signature": sign(self._secret, body)}
        try:
            with httpx.Client(headers={"user-agent": USER_AGENT}) as client:
                response = client.post(s.url, content=body, headers=headers,
                                       timeout=s.timeout_seconds)
        except httpx.HTTPError as exc:
            return {"status": None, "ok": False, "error": type(exc).__name__}
        return {"status": response.status_code, "ok": 200 <= response.status_code < 300,
                "error": None}

    # --- the worker ---

    def _take_batch(self, now: float, size: int, *, any_due: bool) -> list[_Item]:
        """The due items, oldest first, up to ``size``, never one event twice: with
        ``any_due`` (a batch window is set) whatever is due, else those made together
        with the first one (its group). Called with the lock held, one item due at least.
        """
        batch: list[_Item] = []
        ids: set[Any] = set()
        skipped: list[_Item] = []
        group: int | None = None
        while self._queue and self._queue[0].due <= now and len(batch) < size:
            if batch and not any_due and (group is None or self._queue[0].group != group):
                break  # not made together with the first (a group's items are adjacent)
            item = heapq.heappop(self._queue)
            key = item.event.get("webhookEventId")
            if key in ids:
                skipped.append(item)  # a duplicates copy: its own POST, later
                continue
            group = item.group
            ids.add(key)
            batch.append(item)
        for item in skipped:
            heapq.heappush(self._queue, item)
        return batch

    def _run(self) -> None:
        window_end: float | None = None
        while True:
            # Settings are read without holding the queue's lock: reading them takes the
            # emulator's lock, which API threads hold while they queue events.
            s = self._settings()
            size = max(1, s.batch_size)
            with self._cond:
                if self._stopped:
                    return
                now = time.monotonic()
                if self._hold_deadline is not None and now >= self._hold_deadline:
                    self._release_held()
                if not (self._queue and self._queue[0].due <= now):
                    wakes = [t for t in (self._queue[0].due if self._queue else None,
                                         self._hold_deadline) if t is not None]
                    self._cond.wait(timeout=max(0.0, min(wakes) - now) if wakes else None)
                    continue
                # Wait up to the batch window for more events, unless the batch is full.
                if s.batch_window_seconds > 0 and size > 1:
                    if window_end is None:
                        window_end = now + s.batch_window_seconds
                    due = sum(1 for i in self._queue if i.due <= now)
                    if now < window_end and due < size:
                        self._cond.wait(timeout=window_end - now)
                        continue
                window_end = None
                batch = self._take_batch(now, size, any_due=s.batch_window_seconds > 0)
                self._in_flight += len(batch)
            retries: list[_Item] = []
            try:
                retries = self._deliver(batch)
            except Exception:  # a bug here must not kill the worker
                log.exception("webhook delivery failed unexpectedly")
            with self._cond:
                self._in_flight -= len(batch)
                for retry in retries:
                    heapq.heappush(self._queue, retry)
                self._cond.notify_all()

    def _deliver(self, batch: list[_Item]) -> list[_Item]:
        """POST the batch once; returns the items to redeliver (all of it, or none)."""
        s = self._settings()
        sent_at = time.time()
        records: list[dict[str, Any]] = [{
            "webhookEventId": item.event.get("webhookEventId"), "type": item.event.get("type"),
            "attempt": item.attempt, "isRedelivery": item.attempt > 0,
            "status": None, "ok": False, "error": None, "time": sent_at,
            "batchSize": len(batch)} for item in batch]
        if s.url is None:
            for record in records:
                record["error"] = "no webhook URL set"
            with self._cond:
                self.log.extend(records)
            return []
        events: list[dict[str, Any]] = []
        for item in batch:
            event = item.event
            if item.attempt > 0:
                event = copy.deepcopy(event)
                event.setdefault("deliveryContext", {})["isRedelivery"] = True
                self._on_redelivery(event)
            events.append(event)
        body = encode_payload(self._destination, events)
        headers = {"content-type": "application/json; charset=utf-8",
                   "x-line-signature": sign(self._secret, body)}
        if self._client is None:
            self._client = httpx.Client(headers={"user-agent": USER_AGENT},
                                        transport=self._transport)
        status: int | None = None
        error: str | None = None
        try:
            response = self._client.post(s.url, content=body, headers=headers,
                                         timeout=s.timeout_seconds)
            status = response.status_code
        except httpx.HTTPError as exc:
            error = type(exc).__name__
        ok = status is not None and 200 <= status < 300
        for record in records:
            record.update(status=status, ok=ok, error=error)
        with self._cond:
            self.log.extend(records)
        if ok:
            return []
        attempt = max(item.attempt for item in batch)
        log.info("webhook delivery of %d event(s) failed (status %s, %s), attempt %d",
                 len(batch), status, error or "-", attempt)
        due = time.monotonic() + s.redelivery_delay_seconds
        return [_Item(due, next(self._seq), item.event, item.attempt + 1, item.group)
                for item in batch
                if s.redelivery and item.attempt < s.redelivery_max_attempts]

    def close(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        self._thread.join(timeout=10)
        if self._client is not None:
            self._client.close()
