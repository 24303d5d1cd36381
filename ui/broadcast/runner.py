"""Broadcasts sending in the background, owned by the window rather than by a dialog.

A broadcast keeps going when the composer is closed; the window knows it is busy (it locks
only afterwards) and every open view hears its progress. :meth:`Runner.run` sends one
stored broadcast on a worker thread (``book.broadcasts.run``), :meth:`Runner.cancel` asks
the engine to stop it (``book.broadcasts.cancel``, honoured after the requests in flight).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from app.broadcast import BroadcastFinishedError
from ui.worker import BackgroundOp, run_in_background

if TYPE_CHECKING:
    from app.book import Book

log = logging.getLogger("otokui.ui.broadcast")


class Runner(QObject):
    #: (broadcast id, settled, recipients) after each wave.
    progressed = Signal(int, int, int)
    #: (broadcast id, BroadcastReport)
    finished = Signal(int, object)
    #: (broadcast id, exception)
    failed = Signal(int, object)

    def __init__(self, book: Book, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.book: Book | None = book
        self._ops: dict[int, BackgroundOp] = {}

    @property
    def busy(self) -> bool:
        return any(op.running for op in self._ops.values())

    def is_running(self, broadcast_id: int) -> bool:
        op = self._ops.get(broadcast_id)
        return op is not None and op.running

    def run(self, broadcast_id: int) -> BackgroundOp | None:
        """Send (what is left of) a stored broadcast; None if it is already running here."""
        book = self.book
        if book is None or self.is_running(broadcast_id):
            return None
        bid = int(broadcast_id)

        def work(progress: Any) -> Any:
            return book.broadcasts.run(bid, progress=progress)

        op = run_in_background(self, work,  # type: ignore[arg-type]
                               on_success=lambda report: self.finished.emit(bid, report),
                               on_failure=lambda exc: self.failed.emit(bid, exc))
        op.progressed.connect(lambda done, total: self.progressed.emit(bid, done, total))
        op.finished.connect(lambda: self._ops.pop(bid, None) if self._ops.get(bid) is op
                            else None)
        self._ops[bid] = op
        log.info("broadcast %d: sending", bid)
        return op

    def cancel(self, broadcast_id: int) -> BackgroundOp | None:
        """Stop a broadcast (running here or not); failures go to ``failed``."""
        book = self.book
        if book is None:
            return None
        bid = int(broadcast_id)

        def refused(exc: BaseException) -> None:
            # It finished while the owner clicked: its run reports how it ended.
            if not isinstance(exc, BroadcastFinishedError):
                self.failed.emit(bid, exc)

        return run_in_background(self, lambda _p: book.broadcasts.cancel(bid),  # type: ignore
                                 on_success=lambda _r: None, on_failure=refused)

    def release(self) -> None:
        self.book = None
