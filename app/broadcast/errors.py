"""What can stop a broadcast before it is stored, in the owner's words."""

from __future__ import annotations

from app.errors import OtokuiError
from app.i18n import QT_TRANSLATE_NOOP

_CTX = "broadcasts"


class QuotaExceededError(OtokuiError):
    """The plan costs more messages than remain this month (``detail``: the two counts)."""

    code = "broadcast-over-quota"
    message = QT_TRANSLATE_NOOP(
        _CTX, "This broadcast needs more messages than remain in this month's LINE plan.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Send it to fewer customers, send it only to as many as the plan allows, or "
        "choose a larger plan in LINE Official Account Manager.")


class NoRecipientsError(OtokuiError):
    code = "broadcast-no-recipients"
    message = QT_TRANSLATE_NOOP(_CTX, "Nobody would receive this broadcast.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Only LINE friends who have not blocked the shop can receive it. Choose other "
        "recipients.")


class NoOwnerError(OtokuiError):
    code = "broadcast-no-owner"
    message = QT_TRANSLATE_NOOP(_CTX, "No customer is marked as the owner's own LINE account.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Add the shop on LINE from your own phone, then mark that customer as the "
        "owner to receive test sends.")


class BroadcastImagesError(OtokuiError):
    code = "broadcast-images"
    message = QT_TRANSLATE_NOOP(_CTX, "Broadcasts can send text bubbles only for now.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Remove the image, or send it to one customer from the "
                               "inbox.")


class BroadcastFinishedError(OtokuiError):
    code = "broadcast-finished"
    message = QT_TRANSLATE_NOOP(_CTX, "This broadcast has already finished.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Its results are in the history.")
