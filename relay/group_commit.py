"""Group commit for small writes that must be durable before the caller goes on.

The autopilot writes twice per reply: the claim (committed before LINE is called, so a
restarted relay never replies twice) and the outcome with the sealed item for the devices
(committed before the reply counts as done). Each alone is a write transaction with
SQLite's write lock and an fsync; at a couple of hundred replies a second they queued
behind each other and behind the webhooks' own group commit (docs/performance-autopilot.md).

:class:`GroupCommit` runs them as :class:`relay.ingest.IngestWriter` runs webhooks: one
thread takes whatever jobs have queued, runs each in a savepoint of one transaction (a job
that fails rolls back alone and its caller gets the exception), commits once, and only then
answers every caller. Nobody learns their write happened before it is on disk.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Connection

from relay.store import Store

log = logging.getLogger("relay.group_commit")

T = TypeVar("T")

#: At most this many jobs in one transaction (bounds how long the write lock is held).
MAX_BATCH = 500


class GroupCommitStopped(Exception):
    """The relay is shutting down; the write was not made."""


@dataclass
class _Job:
    fn: Callable[[Connection], Any]
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Any] = field(repr=False)


class GroupCommit:
    def __init__(self, store: Store, name: str) -> None:
        self._store = store
        self._name = name
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._stopping = False

    async def run(self, fn: Callable[[Connection], T]) -> T:
        """Run ``fn`` in a write transaction shared with other callers; return its result
        once the transaction is committed (or raise what ``fn`` raised, nothing of it
        kept)."""
        if self._stopping:
            raise GroupCommitStopped
        if self._thread is None:  # started on first use, from the event loop's thread
            self._thread = threading.Thread(target=self._loop, name=self._name, daemon=True)
            self._thread.start()
        loop = asyncio.get_running_loop()
        job = _Job(fn, loop, loop.create_future())
        self._jobs.put(job)
        result: T = await job.future
        return result

    def stop(self, timeout: float = 30.0) -> None:
        """Finish what is queued, then end the thread."""
        self._stopping = True
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join(timeout)
            self._thread = None

    # --- the writer thread -----------------------------------------------------------------

    def _loop(self) -> None:
        while True:
            first = self._jobs.get()
            if first is None:
                return
            batch = [first]
            stop_after = False
            while len(batch) < MAX_BATCH:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    stop_after = True
                    break
                batch.append(job)
            self._process(batch)
            if stop_after:
                return

    def _process(self, batch: list[_Job]) -> None:
        results: list[tuple[_Job, Any, BaseException | None]] = []
        try:
            with self._store.write_transaction() as conn:
                for job in batch:
                    try:
                        with conn.begin_nested():
                            results.append((job, job.fn(conn), None))
                    except Exception as exc:  # this job's own failure: only it rolls back
                        results.append((job, None, exc))
        except Exception as exc:  # the commit itself failed: nothing of the batch is kept
            log.warning("a group of %d write(s) could not be committed (%s)", len(batch),
                        type(exc).__name__)
            results = [(job, None, exc) for job in batch]
        for job, value, error in results:
            with contextlib.suppress(RuntimeError):  # the loop closed: nobody waits
                job.loop.call_soon_threadsafe(_resolve, job.future, value, error)


def _resolve(future: asyncio.Future[Any], value: Any, error: BaseException | None) -> None:
    if future.done():  # the caller was cancelled
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(value)
