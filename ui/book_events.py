"""The book's change announcements, carried onto the Qt main thread and coalesced.

:attr:`app.book.Book.changed` is a plain-Python signal that may fire on a worker thread
(an import, a sync). Widgets must only be touched on the main thread, so
:class:`BookEvents` re-emits every :class:`app.book.Change` through a Qt signal (queued
across threads) and then, after a short pause, once per burst as ``changed(kinds, ids)``:
a bulk tagging that announces "customers" and "tags" costs one refresh, not two.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

if TYPE_CHECKING:
    from app.book import Book, Change


class BookEvents(QObject):
    #: (set of kinds, {kind: set of ids or None for "many"})
    changed = Signal(object, object)
    _arrived = Signal(object)

    def __init__(self, book: Book, parent: QObject | None = None, *,
                 delay_ms: int = 15) -> None:
        super().__init__(parent)
        self._book: Book | None = book
        self._pending: dict[str, set[int] | None] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._flush)
        self._arrived.connect(self._collect)  # auto: queued when emitted off-thread
        book.changed.connect(self._from_any_thread)

    def _from_any_thread(self, change: Change) -> None:
        self._arrived.emit(change)

    def _collect(self, change: Change) -> None:
        known = self._pending.get(change.kind, set())
        if known is not None:
            # No ids means "many": it swallows any ids collected so far.
            self._pending[change.kind] = known | set(change.ids) if change.ids else None
        if not self._timer.isActive():
            self._timer.start()

    def flush(self) -> None:
        """Deliver what is pending now (tests, and before a lock)."""
        self._timer.stop()
        self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        pending, self._pending = self._pending, {}
        self.changed.emit(set(pending), pending)

    def detach(self) -> None:
        """Stop listening to the book (it is being closed)."""
        if self._book is not None:
            self._book.changed.disconnect(self._from_any_thread)
            self._book = None
        self._timer.stop()
        self._pending.clear()
