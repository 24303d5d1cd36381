"""Qt's own messages (qWarning and friends) routed into logging as "otokui.qt".

As qutebrowser's ``utils/qtlog.py`` does: a message handler maps Qt's levels onto
logging's, names the record after Qt's logging category ("otokui.qt.<category>"), and
lowers a few known-harmless messages to DEBUG so they do not alarm anyone reading the log.
Qt messages carry no customer data of ours (they name widgets, files of Qt, plugins).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

log = logging.getLogger("otokui.qt")

_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}

#: Messages that are harmless and known (start of the text).
HARMLESS = (
    "libpng warning: iCCP: known incorrect sRGB profile",
    "libpng warning: iCCP: Not recognizing known sRGB profile",
    "OpenType support missing for script",
    "This plugin does not support propagateSizeHints()",
    "QFont::setPointSizeF: Point size <= 0",
)

_previous: Callable[..., Any] | None = None
_installed = False


def qt_message_handler(msg_type: QtMsgType, context: QMessageLogContext,
                       message: str | None) -> None:
    text = message or "(empty message)"
    level = _LEVELS.get(msg_type, logging.WARNING)
    if text.strip().startswith(HARMLESS):
        level = logging.DEBUG
    category = file = function = None
    line = 0
    if context is not None:
        category, file, function = context.category, context.file, context.function
        line = context.line or 0
    name = "otokui.qt" if not category or category == "default" else f"otokui.qt.{category}"
    logger = logging.getLogger(name)
    if logger.isEnabledFor(level):
        record = logger.makeRecord(name, level, file or "qt", line, "%s", (text,), None,
                                   func=function)
        logger.handle(record)


def install() -> None:
    """Send Qt's messages to logging (once; safe to call again)."""
    global _previous, _installed
    if _installed:
        return
    _previous = qInstallMessageHandler(qt_message_handler)
    _installed = True


def uninstall() -> None:
    """Give Qt back the handler it had before :func:`install`."""
    global _previous, _installed
    if not _installed:
        return
    qInstallMessageHandler(_previous)
    _previous = None
    _installed = False
