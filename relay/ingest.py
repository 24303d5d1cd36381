"""Group commit: one writer thread stores webhooks in batches, durably, then answers them.

A durable commit (an fsync on SQLite, a WAL flush on PostgreSQL) costs about the same for
one event as for a hundred. Webhook requests therefore do not commit themselves: each one
hands its events to :class:`IngestWriter` and awaits a future. The writer thread takes
whatever has queued up, seals and stores all of it in one transaction, commits, and only
then resolves every waiting future, so a request is answered 200 after its events are on
disk and never before.

If a batch fails, each webhook in it is retried in a transaction of its own, so one bad
request cannot fail its neighbours.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from relay.schema import DEFAULT_SHOP
from relay.store import EventBatch, IngestOutcome, Store

log = logging.getLogger("relay.ingest")

#: Stop adding webhooks to a batch beyond this many events (bounds one transaction's size).
MAX_BATCH_EVENTS = 1000


class NoDeviceError(Exception):
    """No device is paired yet, so there is no key to seal to; nothing was stored."""


class WriterStoppedError(Exception):
    """The relay is shutting down and no longer stores events."""


@dataclass
class _Job:
    events: EventBatch
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[IngestOutcome] = field(repr=False)
    shop_id: str = DEFAULT_SHOP


class IngestWriter:
    def __init__(self, store: Store, clock: Callable[[], float],
                 on_stored: Callable[[], None]) -> None:
        """``on_stored`` runs on the event loop after each commit that stored something."""
        self._store = store
        self._clock = clock
        self._on_stored = on_stored
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._stopping = False

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="relay-ingest", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Finish what is queued, then end the thread."""
        self._stopping = True
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join(timeout)
            self._thread = None

    async def submit(self, events: EventBatch, shop_id: str = DEFAULT_SHOP) -> IngestOutcome:
        """Store one webhook's events for ``shop_id``; returns once they are durable.

        Raises :class:`NoDeviceError` while the shop has no device paired.
        """
        if self._stopping:
            raise WriterStoppedError
        loop = asyncio.get_running_loop()
        job = _Job(events, loop, loop.create_future(), shop_id)
        self._jobs.put(job)
        return await job.future

    # --- the writer thread -------------------------------------------------------------

    def _run(self) -> None:
        while True:
            first = self._jobs.get()
            if first is None:
                return
            batch = [first]
            size = len(first.events)
            stop_after = False
            while size < MAX_BATCH_EVENTS:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    stop_after = True
                    break
                batch.append(job)
                size += len(job.events)
            try:
                self._process(batch)
            except Exception:  # a bug here must not leave requests waiting forever
                log.exception("the ingest writer failed on a batch; answering 500")
                self._fail(batch)
            if stop_after:
                return

    def _process(self, batch: list[_Job]) -> None:
        now_ms = int(self._clock() * 1000)
        results: list[tuple[_Job, IngestOutcome | BaseException]]
        try:
            outcomes = self._store.store_events([job.events for job in batch], now_ms,
                                                [job.shop_id for job in batch])
        except Exception:
            if len(batch) == 1:
                log.exception("storing a webhook failed; LINE will redeliver it")
                results = [(batch[0], _failure())]
            else:
                log.warning("storing a batch of %d webhooks failed; retrying them one by one",
                            len(batch))
                for job in batch:
                    self._process([job])
                return
        else:
            results = [(job, NoDeviceError() if outcome is None else outcome)
                       for job, outcome in zip(batch, outcomes, strict=True)]
        stored = any(isinstance(r, IngestOutcome) and r.stored for _, r in results)
        # One hop back per event loop (there is one in practice), not one per request.
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[_Job, object]]] = {}
        for job, result in results:
            by_loop.setdefault(job.loop, []).append((job, result))
        for loop, items in by_loop.items():
            # RuntimeError: the loop is closed, so nobody is waiting any more.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._resolve, items, stored)

    def _fail(self, batch: list[_Job]) -> None:
        for job in batch:
            with contextlib.suppress(RuntimeError):
                job.loop.call_soon_threadsafe(self._resolve, [(job, _failure())], False)

    def _resolve(self, items: Sequence[tuple[_Job, object]], stored: bool) -> None:
        for job, result in items:
            if job.future.done():  # the client went away and the request was cancelled
                continue
            if isinstance(result, BaseException):
                job.future.set_exception(result)
            else:
                job.future.set_result(result)  # type: ignore[arg-type]
        if stored:
            self._on_stored()


def _failure() -> Exception:
    return RuntimeError("the events could not be stored")
