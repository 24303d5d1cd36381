"""Long work off the main thread, with progress, cancel, and results back on the main thread.

Modelled on Anki's ``aqt/operations`` (``QueryOp``/``CollectionOp``) and Picard's
``util/thread.py``: the function runs on Qt's global thread pool; success or failure is
delivered to the main thread by queued signals, after which the caller announces what
changed so views refresh. The window stays responsive, and a cancelled job raises
:class:`app.errors.CancelledError` inside the core, which rolls its transaction back.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.errors import CancelledError

log = logging.getLogger("otokui.ui.worker")


class Progress:
    """Handed to the background function: report progress, ask whether to stop."""

    def __init__(self, op: BackgroundOp) -> None:
        self._op = op

    def __call__(self, done: int, total: int = 0) -> None:
        self._op.progressed.emit(int(done), int(total))

    def cancelled(self) -> bool:
        return self._op._cancel.is_set()


class BackgroundOp(QObject):
    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, fn: Callable[[Progress], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._fn = fn
        self._cancel = threading.Event()
        self.running = False

    def start(self) -> BackgroundOp:
        self.running = True
        op = self

        class _Runnable(QRunnable):
            def run(self) -> None:
                try:
                    result = op._fn(Progress(op))
                except BaseException as exc:  # delivered to the main thread, never lost
                    if not isinstance(exc, CancelledError):
                        log.debug("background operation failed: %s", type(exc).__name__)
                    op._finish(False, exc)
                else:
                    op._finish(True, result)

        QThreadPool.globalInstance().start(_Runnable())
        return self

    def _finish(self, ok: bool, payload: Any) -> None:
        # Emitted from the worker thread; receivers in the main thread get it queued.
        (self.succeeded if ok else self.failed).emit(payload)
        self.finished.emit()

    def cancel(self) -> None:
        self._cancel.set()

    def _on_finished(self) -> None:
        self.running = False


def run_in_background(
    parent: QWidget,
    fn: Callable[[Progress], Any],
    *,
    on_success: Callable[[Any], None] | None = None,
    on_failure: Callable[[BaseException], None] | None = None,
    label: str | None = None,
    cancellable: bool = True,
) -> BackgroundOp:
    """Run ``fn(progress)`` in the background; show a progress dialog when ``label`` is given.

    ``on_failure`` defaults to :func:`ui.errors.show_error`. A cancel is not a failure: it
    closes the dialog quietly (the core has kept nothing of the cancelled work).
    """
    op = BackgroundOp(fn, parent)
    dialog: QProgressDialog | None = None
    if label is not None:
        dialog = QProgressDialog(label, op.tr("Cancel") if cancellable else "", 0, 0, parent)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        if not cancellable:
            dialog.setCancelButton(None)
        dialog.canceled.connect(op.cancel)

        def show_progress(done: int, total: int) -> None:
            if total > 0:
                dialog.setMaximum(total)
                dialog.setValue(min(done, total))

        op.progressed.connect(show_progress)

    def done_ok(result: Any) -> None:
        if dialog is not None:
            dialog.close()
        if on_success is not None:
            on_success(result)

    def done_failed(exc: BaseException) -> None:
        if dialog is not None:
            dialog.close()
        if isinstance(exc, CancelledError):
            return
        if on_failure is not None:
            on_failure(exc)
        else:
            from ui.errors import show_error

            show_error(parent, exc)

    op.succeeded.connect(done_ok)
    op.failed.connect(done_failed)
    op.finished.connect(op._on_finished)
    return op.start()
