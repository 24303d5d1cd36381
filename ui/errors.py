"""Showing errors to the owner: what happened and what to do, in their language.

Known errors (:class:`app.errors.OtokuiError`) carry English source text marked for
translation in the core, each text with its catalog context (:class:`app.i18n.Text`);
here it is translated in that context. Anything else is a
bug: it is logged with its traceback and shown through the crash dialog.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from app.errors import OtokuiError
from app.i18n import context_of

log = logging.getLogger("otokui.ui")


def translate_text(text: str) -> str:
    """A sentence of the core in the UI language, looked up in its own catalog context.

    The context comes with the text (:class:`app.i18n.Text`), or, for a sentence that was
    stored in the book as plain text, from where it was declared. A stored failure reads
    "sentence (LINE's reason)": the sentence is translated, the reason kept as LINE said it.
    """
    if not text:
        return text
    ctx = context_of(text)
    if ctx is not None:
        return QCoreApplication.translate(ctx, text)
    head, sep, tail = text.partition(" (")
    head_ctx = context_of(head) if sep else None
    if head_ctx is not None:
        return QCoreApplication.translate(head_ctx, head) + sep + tail
    return text


def translate_error(exc: OtokuiError) -> tuple[str, str]:
    """(what happened, what to do) in the UI language, each in its own catalog context."""
    message = translate_text(exc.message)
    advice = translate_text(exc.advice) if exc.advice else ""
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
    log.error("unexpected error (%s); the crash report follows", type(exc).__name__)
    from ui.crash import show_crash_dialog

    show_crash_dialog(parent, exc)
