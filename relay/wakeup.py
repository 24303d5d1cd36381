"""Waking long-polling devices when new events land.

Within one relay process the ingest writer calls :meth:`NewEvents.notify` after each commit.
Another relay instance on the same PostgreSQL database cannot reach this process, so
waiters also wake every ``recheck_interval`` seconds and look again.

A waiter takes a :meth:`ticket` *before* it queries, then waits on that ticket: an event
that lands between the query and the wait has already set the ticket, so it is not missed.
"""

from __future__ import annotations

import asyncio
import contextlib


class NewEvents:
    def __init__(self, recheck_interval: float = 1.0) -> None:
        self.recheck_interval = recheck_interval
        self._current = asyncio.Event()
        self.closed = False

    def ticket(self) -> asyncio.Event:
        return self._current

    def notify(self) -> None:
        """Wake everyone waiting now (call on the event loop)."""
        fired, self._current = self._current, asyncio.Event()
        fired.set()

    def close(self) -> None:
        """Wake everyone for good: the relay is shutting down."""
        self.closed = True
        self.notify()
        self._current.set()

    async def wait(self, ticket: asyncio.Event, timeout: float) -> None:
        """Return when ``ticket`` fires, or after ``min(timeout, recheck_interval)``."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(ticket.wait(), min(timeout, self.recheck_interval))
