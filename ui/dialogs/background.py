"""Background work whose result closes the dialog that started it.

A :class:`~ui.worker.BackgroundOp` keeps itself alive until it has finished and emits
``succeeded`` (or ``failed``) and then ``finished`` on the main thread. The dialogs here
close, or are deleted, as soon as they have the result (the book is open, the key found).
:func:`run_then` hands the result over once ``finished`` has arrived, when the op is done.

The signals are received by a small QObject's slots rather than by Python closures: with
PySide6 6.12, queued connections to plain functions made in quick succession were seen to
lose deliveries here (a dialog waiting for ever), while connections to QObject slots did
not.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QWidget

from app.errors import CancelledError
from ui.worker import BackgroundOp, Progress

log = logging.getLogger("otokui.ui.dialogs")


class _Relay(QObject):
    """Keeps the op's outcome until ``finished``, then calls the handler (main thread)."""

    def __init__(self, op: BackgroundOp, on_success: Callable[[Any], None],
                 on_failure: Callable[[BaseException], None]) -> None:
        super().__init__(op)
        self._op = op
        self._on_success = on_success
        self._on_failure = on_failure
        self._outcome: tuple[Callable[[Any], None], Any] | None = None

    @Slot(object)
    def succeeded(self, result: object) -> None:
        self._outcome = (self._on_success, result)

    @Slot(object)
    def failed(self, exc: object) -> None:
        if isinstance(exc, CancelledError):
            return  # a cancel is not a failure: the core kept nothing
        self._outcome = (self._on_failure, exc)

    @Slot()
    def finished(self) -> None:
        self._op.running = False
        outcome, self._outcome = self._outcome, None
        if outcome is not None:
            handler, payload = outcome
            handler(payload)


def run_then(parent: QWidget, fn: Callable[[Progress], Any],
             on_success: Callable[[Any], None],
             on_failure: Callable[[BaseException], None]) -> BackgroundOp:
    """Run ``fn(progress)`` off the main thread; call a handler once it has finished.

    Like :func:`ui.worker.run_in_background` without its progress dialog: ``on_success``
    gets the result, ``on_failure`` the exception; a cancelled op calls neither (watch
    ``finished``). ``op.progressed`` reports progress.
    """
    op = BackgroundOp(fn)
    relay = _Relay(op, on_success, on_failure)
    op.succeeded.connect(relay.succeeded)
    op.failed.connect(relay.failed)
    op.finished.connect(relay.finished)
    op.relay = relay  # type: ignore[attr-defined]  # the wrapper lives as long as the op
    return op.start()
