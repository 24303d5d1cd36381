"""The builder's live count: debounced, counted off the GUI thread, stale results dropped.

Each change restarts a short timer; when it fires, the condition tree is counted (with the
blocked customers it also matched) and the first customers listed, in one background job.
At most one job runs at a time: a change while one runs marks the count dirty and the next
job starts when it ends; a result for a condition that has changed since is dropped.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from ui.worker import run_in_background

if TYPE_CHECKING:
    from app.book import Book
    from app.segments import Group

log = logging.getLogger("otokui.ui.segments")

DEBOUNCE_MS = 250
PREVIEW_LIMIT = 50


class LiveCounter(QObject):
    #: (SegmentCounts, list of CustomerRow) for the newest condition asked for.
    counted = Signal(object, object)
    #: The newest condition could not be counted (an exception, usually ConditionError).
    failed = Signal(object)

    def __init__(self, book: Book, parent: QWidget, *, delay_ms: int = DEBOUNCE_MS) -> None:
        super().__init__(parent)
        self._book = book
        self._widget = parent
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._start)
        self._wanted: Group | None = None
        self._generation = 0
        self._running = False
        self._asked = False

    @property
    def busy(self) -> bool:
        """Counting or about to: tests wait until this is False."""
        return self._running or self._timer.isActive()

    def request(self, cond: Group) -> None:
        self._wanted = cond
        self._generation += 1
        self._asked = True
        self._timer.start()

    def cancel(self) -> None:
        """Nothing more to count (the condition is incomplete): drop what is in flight."""
        self._generation += 1
        self._asked = False
        self._timer.stop()

    def _start(self) -> None:
        if self._running or not self._asked:
            return  # the running job's end starts the next one
        self._asked = False
        cond, generation, book = self._wanted, self._generation, self._book
        self._running = True

        def work(_progress: Any) -> tuple[Any, Any]:
            return (book.segments.counts(cond),
                    book.segments.preview(cond, PREVIEW_LIMIT))

        run_in_background(self._widget, work,
                          on_success=lambda r: self._done(generation, True, r),
                          on_failure=lambda e: self._done(generation, False, e))

    def _done(self, generation: int, ok: bool, payload: Any) -> None:
        self._running = False
        if generation == self._generation:
            if ok:
                self.counted.emit(*payload)
            else:
                self.failed.emit(payload)
        elif self._asked and not self._timer.isActive():
            self._start()
