"""Known errors of reservations, in the owner's words (the "booking" catalog)."""

from __future__ import annotations

from app.errors import OtokuiError
from app.i18n import QT_TRANSLATE_NOOP

_CTX = "booking"


class BookingSetupError(OtokuiError):
    """The setup file is not valid; ``detail`` names the place, e.g. ``menus[2].duration``."""

    code = "booking-setup"
    message = QT_TRANSLATE_NOOP(_CTX, "The reservation setup cannot be used as it is.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Correct the part named and try again. Nothing was "
                                     "saved.")


class BookingNotSetUpError(OtokuiError):
    code = "booking-not-set-up"
    message = QT_TRANSLATE_NOOP(_CTX, "Reservations are not set up in this book yet.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Set up the menus, staff and hours first.")


class SlotTakenError(OtokuiError):
    """The time is not free (taken meanwhile, outside the shift, in the past …)."""

    code = "booking-slot-taken"
    message = QT_TRANSLATE_NOOP(_CTX, "This time can no longer be booked.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Choose another time.")


class BookingRefusedError(OtokuiError):
    """A rule refuses it: too many open bookings, after the cancellation deadline, a
    status that does not allow the change, an unknown menu or booking."""

    code = "booking-refused"
    message = QT_TRANSLATE_NOOP(_CTX, "This booking change is not allowed.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Check the booking's status, the cancellation "
                                     "deadline and the limit of open bookings.")


class BookingLiffIdError(OtokuiError):
    """``booking link`` without a friend: the LIFF URL needs the LIFF app's id."""

    code = "booking-liff-id"
    message = QT_TRANSLATE_NOOP(_CTX, "The booking page's LIFF link needs the LIFF app's ID.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Give it once with --liff-id (the LIFF app whose "
                                     "endpoint URL is the relay's address followed by /l); "
                                     "the book remembers it.")
