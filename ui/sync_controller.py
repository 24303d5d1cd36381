"""The window's side of the LINE sync: one :class:`app.sync.worker.SyncWorker` per open book.

The main window owns one :class:`SyncController`. It starts a worker when the open book is
paired with a relay, stops it before the book is closed (lock, quit, restore), and starts
it again on the book opened anew. The worker reports on its own thread through a
plain-Python signal; the controller carries each :class:`~app.sync.worker.SyncStatus`
onto the Qt main thread (a queued Qt signal into a slot of this object) and emits
:attr:`SyncController.status_changed` there, where widgets may be touched.

Stopping waits until the worker has promised not to touch the book again (it may be in
the middle of applying a batch, which is one short transaction), but never longer than
``stop_timeout``: a stuck worker must not freeze the window. Should that ever happen, the
stop flag is set all the same and the worker ends at its next step; the book closing
under it makes its write fail and roll back, which loses nothing (the relay keeps what
was not acknowledged).

The worker may report at any moment, also while the window is being closed: a report
goes through a :class:`_Gate` that ``stop()`` and the controller's ``destroyed`` close, so
nothing is emitted into a controller whose Qt side is gone (which raised "Signal source
has been deleted" on the worker's thread).

No text is shown from here (the window words the status; see ``MainWindow``), so this
module needs no translations.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Signal, Slot

from app.sync.worker import SyncState, SyncStatus, SyncWorker

if TYPE_CHECKING:
    from app.book import Book

log = logging.getLogger("otokui.ui.sync")

#: Longest the window waits for the worker to let go of the book (seconds).
STOP_TIMEOUT = 5.0
#: What ``SyncWorker.stop`` may spend joining its thread: nothing is gained by waiting for
#: a long-poll to return, the book lock alone says the worker is done with the book.
JOIN_TIMEOUT = 0.05


class _Gate:
    """Lets the reports of the live worker through to the controller, and nothing once
    it is closed (the controller destroyed) or the worker stopped.

    A plain-Python object, so it outlives the controller's Qt side: ``destroyed`` closes
    it on the main thread while a report may be on its way on the worker's thread, and the
    lock makes the two wait for each other (an emit into a queued connection only posts
    an event, so holding it is short and never waits for the main thread).
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.live = 0  # the generation whose reports pass; 0: none
        self.closed = False

    def close(self, *_args: object) -> None:
        with self.lock:
            self.closed = True

    def let_through(self, generation: int) -> None:
        with self.lock:
            self.live = generation


class SyncController(QObject):
    """Runs the sync for the window's open book and reports its status on the main thread."""

    #: A :class:`SyncStatus`, always emitted on the main thread.
    status_changed = Signal(object)
    #: (generation, SyncStatus) from the worker's thread; queued into :meth:`_deliver`.
    _arrived = Signal(int, object)

    def __init__(self, parent: QObject | None = None, *,
                 make_worker: Callable[[Book], SyncWorker] | None = None,
                 stop_timeout: float = STOP_TIMEOUT) -> None:
        super().__init__(parent)
        self._make_worker = make_worker or SyncWorker
        self.stop_timeout = stop_timeout
        self._worker: SyncWorker | None = None
        self._listener: Callable[[SyncStatus], None] | None = None
        # Each worker gets a number; what an older one still says in flight is dropped.
        self._generation = 0
        self._status = SyncStatus(SyncState.STOPPED)
        # Counts of the workers stopped before (a lock, new settings): the status says
        # what arrived since the window opened, not since the last unlock.
        self._earlier = (0, 0, 0)
        self._arrived.connect(self._deliver)  # queued: emitted on the worker's thread
        self._gate = _Gate()
        self.destroyed.connect(self._gate.close)

    # --- state -----------------------------------------------------------------------------------
    @property
    def status(self) -> SyncStatus:
        """The last status delivered on the main thread."""
        return self._status

    @property
    def worker(self) -> SyncWorker | None:
        return self._worker

    def is_running(self) -> bool:
        return self._worker is not None and self._worker.is_running()

    # --- start and stop --------------------------------------------------------------------------
    def start(self, book: Book) -> bool:
        """Sync ``book`` if it is paired with a relay; returns whether a worker started.

        A worker already running (for this book or an earlier one) is stopped first, so
        this also restarts the sync after the connection settings changed.
        """
        self.stop()
        if not book.line.is_paired():
            self._publish(SyncStatus(SyncState.NOT_PAIRED))
            return False
        worker = self._make_worker(book)
        self._generation += 1
        generation = self._generation

        gate = self._gate

        def listener(status: SyncStatus) -> None:  # on the worker's thread
            with gate.lock:
                if gate.closed or gate.live != generation:
                    return  # the window is closing, or this worker was stopped
                try:
                    self._arrived.emit(generation, status)
                except RuntimeError:
                    if shiboken6.isValid(self):
                        raise
                    gate.closed = True  # deleted without a word: nobody left to tell

        self._worker, self._listener = worker, listener
        gate.let_through(generation)
        worker.status_changed.connect(listener)
        worker.start()
        log.info("sync started")
        return True

    def follow(self, book: Book) -> None:
        """The book's LINE settings changed (paired, unpaired, new token): act on it."""
        if book.line.is_paired():
            self.start(book)  # fresh settings: the worker reads them when it starts
        elif self._worker is not None:
            self.stop()
            self._publish(SyncStatus(SyncState.NOT_PAIRED))

    def stop(self) -> bool:
        """Stop the worker; returns False if it did not let go within ``stop_timeout``.

        After a True return the worker never touches the book again, so it may be closed.
        """
        worker, listener = self._worker, self._listener
        if worker is None:
            return True
        self._worker = self._listener = None
        self._generation += 1
        self._gate.let_through(0)  # a report already on its way is not emitted
        if listener is not None:
            worker.status_changed.disconnect(listener)
        done = threading.Event()

        def stop_worker() -> None:
            try:
                worker.stop(timeout=JOIN_TIMEOUT)
            finally:
                done.set()

        threading.Thread(target=stop_worker, name="otokui-sync-stop", daemon=True).start()
        stopped = done.wait(self.stop_timeout)
        last = worker.status
        events, messages, duplicates = self._earlier
        self._earlier = (events + last.events_applied, messages + last.messages_received,
                         duplicates + last.duplicates_skipped)
        if not stopped:
            log.warning("the sync did not stop within %.0f s; it ends at its next step",
                        self.stop_timeout)
        else:
            log.info("sync stopped")
        self._publish(SyncStatus(SyncState.STOPPED))
        return stopped

    # --- main thread -----------------------------------------------------------------------------
    @Slot(int, object)
    def _deliver(self, generation: int, status: SyncStatus) -> None:
        if generation != self._generation:
            return  # from a worker stopped since
        events, messages, duplicates = self._earlier
        self._publish(replace(status, events_applied=status.events_applied + events,
                              messages_received=status.messages_received + messages,
                              duplicates_skipped=status.duplicates_skipped + duplicates))

    def _publish(self, status: SyncStatus) -> None:
        if status == self._status:
            return
        self._status = status
        self.status_changed.emit(status)
