"""The bookings' words in the UI language (the "booking" catalog) and their colours."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from app.booking.service import Status
from app.i18n import QT_TRANSLATE_NOOP

_CTX = "booking"


_STATUS = {
    Status.BOOKED: QT_TRANSLATE_NOOP("booking", "Booked"),
    Status.PENDING: QT_TRANSLATE_NOOP("booking", "Awaiting approval"),
    Status.VISITED: QT_TRANSLATE_NOOP("booking", "Came in"),
    Status.NO_SHOW: QT_TRANSLATE_NOOP("booking", "No-show"),
    Status.CANCELLED: QT_TRANSLATE_NOOP("booking", "Booking cancelled"),
}


def status_text(status: Status | str) -> str:
    return QCoreApplication.translate(_CTX, _STATUS[Status(status)])


#: Fill colours of the calendar's blocks (light, so the black text reads on them).
COLOURS: dict[Status, QColor] = {
    Status.BOOKED: QColor("#cfe3ff"),
    Status.PENDING: QColor("#ffe8b3"),
    Status.VISITED: QColor("#cdeccf"),
    Status.NO_SHOW: QColor("#f6c9c9"),
    Status.CANCELLED: QColor("#e4e4e4"),
}
