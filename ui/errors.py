"""Showing errors to the owner: what happened and what to do, in their language.

Known errors (:class:`app.errors.OtokuiError`) carry English source text marked for
translation in the core; here it is translated with the same context. Anything else is a
bug: it is logged with its traceback and shown through the crash dialog.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from app.errors import OtokuiError

log = logging.getLogger("otokui.ui")


def translate_error(exc: OtokuiError) -> tuple[str, str]:
    """(what happened, what to do) in the UI language."""
    ctx = "errors"
    message = QCoreApplication.translate(ctx, exc.message)
    # Messages defined in other contexts (fields, customers…) are looked up there too.
    if message == exc.message:
        for other in ("values", "fields", "customers", "tags", "attachments", "csv",
                      "messages", "line", "sync"):
            translated = QCoreApplication.translate(other, exc.message)
            if translated != exc.message:
                message = translated
                break
    advice = QCoreApplication.translate(ctx, exc.advice) if exc.advice else ""
    if exc.detail:
        message = f"{message}\n({exc.detail})"
    return message, advice


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    if isinstance(exc, OtokuiError):
        log.info("shown to the owner: %s", exc.code)
        message, advice = translate_error(exc)
        box = QMessageBox(QMessageBox.Icon.Warning, QCoreApplication.translate(
            "errors", "Otokui"), message, QMessageBox.StandardButton.Ok, parent)
        if advice:
            box.setInformativeText(advice)
        box.exec()
        return
    log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    from ui.crash import show_crash_dialog

    show_crash_dialog(parent, exc)
