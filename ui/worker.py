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
from collections.abc import Callable, Iterator
from typing import Any, ClassVar, TypeGuard, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.errors import CancelledError

log = logging.getLogger("otokui.ui.worker")
_Q = TypeVar("_Q", bound=QObject)


class Progress:
    """Handed to the background function: report progress, ask whether to stop."""

    def __init__(self, op: BackgroundOp) -> None:
        self._op = op

    def __call__(self, done: int, total: int = 0) -> None:
        self._op.progressed.emit(int(done), int(total))

    def cancelled(self) -> bool:
        return self._op._cancel.is_set()


class BackgroundOp(QObject):
    """One background job. It has no Qt parent and is kept alive until it has finished,
    so closing the dialog that started it can never delete it while its worker thread
    still reports; the callers' handlers check that their widgets still exist."""

    progressed = Signal(int, int)
    #: (ok, result or exception), emitted once, from the worker thread (queued to main).
    done = Signal(bool, object)
    #: Emitted on the main thread after the success or failure handlers ran.
    finished = Signal()

    _running: ClassVar[set[BackgroundOp]] = set()

    def __init__(self, fn: Callable[[Progress], Any]) -> None:
        super().__init__(None)
        self._fn = fn
        self._cancel = threading.Event()
        self.running = False
        self.done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)

    def start(self) -> BackgroundOp:
        self.running = True
        BackgroundOp._running.add(self)
        op = self

        class _Runnable(QRunnable):
            def run(self) -> None:
                try:
                    result = op._fn(Progress(op))
                except BaseException as exc:  # delivered to the main thread, never lost
                    if not isinstance(exc, CancelledError):
                        log.debug("background operation failed: %s", type(exc).__name__)
                    op.done.emit(False, exc)
                else:
                    op.done.emit(True, result)

        QThreadPool.globalInstance().start(_Runnable())
        return self

    def cancel(self) -> None:
        self._cancel.set()

    def _on_done(self, ok: bool, payload: Any) -> None:
        self.running = False
        try:
            (self.succeeded if ok else self.failed).emit(payload)
        finally:
            self.finished.emit()
            BackgroundOp._running.discard(self)

    # Emitted on the main thread by _on_done.
    succeeded = Signal(object)
    failed = Signal(object)


class RunningOps:
    """The background operations a widget started and that have not finished yet.

    ``busy`` is what the window asks before locking or quitting (finish, or cancel, first);
    an operation leaves the set by itself when it finishes.
    """

    def __init__(self) -> None:
        self._ops: set[BackgroundOp] = set()

    def track(self, op: BackgroundOp) -> BackgroundOp:
        self._ops.add(op)
        op.finished.connect(lambda: self._ops.discard(op))
        return op

    @property
    def busy(self) -> bool:
        return any(op.running for op in self._ops)

    def __iter__(self) -> Iterator[BackgroundOp]:
        return iter(list(self._ops))

    def __len__(self) -> int:
        return len(self._ops)


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
    op = BackgroundOp(fn)
    dialog: QProgressDialog | None = None
    if label is not None:
        cancel_text = QCoreApplication.translate("BackgroundOp", "Cancel")
        dialog = QProgressDialog(label, cancel_text if cancellable else "", 0, 0, parent)
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

    def alive(widget: _Q | None) -> TypeGuard[_Q]:
        return widget is not None and shiboken6.isValid(widget)

    def done_ok(result: Any) -> None:
        if alive(dialog):
            dialog.close()
        if on_success is not None and alive(parent):
            on_success(result)

    def done_failed(exc: BaseException) -> None:
        if alive(dialog):
            dialog.close()
        if isinstance(exc, CancelledError):
            return
        if on_failure is not None and alive(parent):
            on_failure(exc)
        elif on_failure is None:
            from ui.errors import show_error

            show_error(parent if alive(parent) else None, exc)

    op.succeeded.connect(done_ok)
    op.failed.connect(done_failed)
    return op.start()
