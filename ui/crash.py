"""The crash dialog: an unexpected error, said plainly, with where the log is.

Known problems (:class:`app.errors.OtokuiError`) are shown by :mod:`ui.errors`; anything
else is a bug and lands here, through :func:`show_crash_dialog` or the hooks that
:func:`install_crash_handler` puts on ``sys.excepthook`` and ``threading.excepthook``
(after qutebrowser's ``misc/crashsignal.py``). The details the owner can copy name the
versions, the exception type and the code locations only: never the exception's message
or any variable, which could hold a customer's name or a passphrase.
"""

from __future__ import annotations

import contextlib
import faulthandler
import logging
import platform
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QObject, Qt, QThread, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger("otokui.crash")

_fault_file: TextIO | None = None


def _short_path(filename: str) -> str:
    # The last two parts ("app/customers.py") say enough and leave out the home folder,
    # whose name is often the owner's own.
    parts = Path(filename).parts
    return "/".join(parts[-2:]) if len(parts) >= 2 else filename


def crash_details(exc: BaseException) -> str:
    """A report safe to copy and send: versions, exception types, code locations."""
    from app import __version__

    lines = [
        f"Otokui {__version__}",
        f"Python {platform.python_version()}, PySide6 {pyside_version}",
        f"{platform.system()} {platform.release()} ({platform.machine()})",
        "",
    ]
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain and len(chain) < 5:
        chain.append(current)
        current = current.__cause__ or current.__context__
    for i, item in enumerate(reversed(chain)):
        if i:
            lines.append("The above led to:")
        lines.append("Traceback (most recent call last):")
        for frame in traceback.extract_tb(item.__traceback__):
            lines.append(f'  File "{_short_path(frame.filename)}", line {frame.lineno}, '
                         f"in {frame.name}")
            if frame.line:
                lines.append(f"    {frame.line.strip()}")
        kind = type(item)
        code = getattr(item, "code", None)
        suffix = f" [{code}]" if isinstance(code, str) else ""
        lines.append(f"{kind.__module__}.{kind.__qualname__}{suffix}")
    lines.append("")
    lines.append("(The error message itself is left out: it may contain customer data.)")
    return "\n".join(lines)


def _log_path() -> Path | None:
    try:
        from app.logs import log_path
    except ImportError:
        return None
    return log_path()


class CrashDialog(QDialog):
    def __init__(self, exc: BaseException, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setWindowTitle(self.tr("An unexpected problem"))  # "— Otokui" is added
        self.details = crash_details(exc)
        layout = QVBoxLayout(self)
        headline = QLabel(self.tr("Something went wrong inside Otokui."))
        headline.setObjectName("crashHeadline")
        layout.addWidget(headline)
        explanation = QLabel(self.tr(
            "Your customer book is safe: changes you saved before this are kept. "
            "If the window does not behave as expected, save your work and restart Otokui."))
        explanation.setWordWrap(True)
        layout.addWidget(explanation)
        path = _log_path()
        self.log_path = path
        if path is not None:
            where = self.tr("A record of what happened is in the log file:\n%1").replace(
                "%1", str(path))
        else:
            where = self.tr("No log file is being written; copy the details below instead.")
        self.where_label = QLabel(where)
        self.where_label.setWordWrap(True)
        self.where_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.where_label)
        ask = QLabel(self.tr(
            "To get help, copy the details and send them to your support contact. "
            "They contain no customer data."))
        ask.setWordWrap(True)
        layout.addWidget(ask)
        self.details_view = QPlainTextEdit(self.details)
        self.details_view.setReadOnly(True)
        self.details_view.setMinimumSize(520, 180)
        layout.addWidget(self.details_view)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(self.tr("Copy details"))
        self.copy_button.clicked.connect(self.copy_details)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        if path is not None:
            self.open_logs_button = QPushButton(self.tr("Open log folder"))
            self.open_logs_button.clicked.connect(
                lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent))))
            buttons.addButton(self.open_logs_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details)
        self.copy_button.setText(self.tr("Copied"))


_showing = False


def show_crash_dialog(parent: QWidget | None, exc: BaseException) -> None:
    """Log the bug (without its message) and show the crash dialog, once at a time."""
    global _showing
    log.error("unexpected error:\n%s", crash_details(exc))
    if _showing or QApplication.instance() is None:
        return  # a crash while the dialog is open: logged above, not shown twice
    _showing = True
    try:
        dialog = CrashDialog(exc, parent)
        dialog.exec()
    finally:
        _showing = False


class _MainThreadRelay(QObject):
    """Carries an exception from another thread to the main thread's crash dialog."""

    crashed = Signal(object)


_relay: _MainThreadRelay | None = None
_old_hooks: tuple[Callable[..., Any], Callable[..., Any]] | None = None


def _excepthook(kind: type[BaseException], exc: BaseException,
                tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        QApplication.quit()
        return
    if exc.__traceback__ is None:
        exc = exc.with_traceback(tb)
    if _relay is not None and QThread.currentThread() is not _relay.thread():
        _relay.crashed.emit(exc)
        return
    show_crash_dialog(QApplication.activeWindow(), exc)


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None:
        return
    _excepthook(args.exc_type, args.exc_value, args.exc_traceback)


def install_crash_handler(logs_dir: Path | None = None) -> None:
    """Route uncaught exceptions (any thread) to the crash dialog; keep hard crashes.

    With ``logs_dir``, a hard crash (a segfault in a library) still leaves its Python
    stack in ``logs/fault.log`` through :mod:`faulthandler`.
    """
    global _relay, _old_hooks, _fault_file
    if _relay is None:
        _relay = _MainThreadRelay()
        _relay.crashed.connect(lambda e: show_crash_dialog(QApplication.activeWindow(), e),
                               Qt.ConnectionType.QueuedConnection)
    if _old_hooks is None:
        _old_hooks = (sys.excepthook, threading.excepthook)
    sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook
    if logs_dir is not None and _fault_file is None:
        with contextlib.suppress(OSError):
            from app import fsutil

            fsutil.ensure_private_dir(logs_dir)
            path = logs_dir / "fault.log"
            if not path.exists():
                fsutil.open_private(path, "xb").close()
            _fault_file = open(path, "a", encoding="utf-8")  # noqa: SIM115 - kept open
            faulthandler.enable(_fault_file)


def uninstall_crash_handler() -> None:
    global _old_hooks
    if _old_hooks is not None:
        sys.excepthook, threading.excepthook = _old_hooks
        _old_hooks = None
