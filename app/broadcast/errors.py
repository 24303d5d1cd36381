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


class PlanChangedError(OtokuiError):
    """The recipients or the cost changed between the owner's yes and storing the job
    (``detail``: the counts confirmed and found)."""

    code = "broadcast-plan-changed"
    message = QT_TRANSLATE_NOOP(
        _CTX, "The number of recipients changed while you were confirming, so the broadcast "
        "was not sent.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Check the new number and cost, then send it again.")


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


class ScheduledTooLateForImagesError(OtokuiError):
    """A scheduled broadcast with images whose time leaves the relay's copy too little life
    (``detail``: the latest time allowed, UTC)."""

    code = "broadcast-images-too-late"
    message = QT_TRANSLATE_NOOP(
        _CTX, "This broadcast has images and is scheduled too far ahead: the relay would "
        "delete them too soon after it is sent.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Schedule it at most 7 days ahead (the relay keeps images for 14 days), or "
        "send it without images.")


class BroadcastImagesExpiredError(OtokuiError):
    """run() of a job whose images the relay no longer serves (it waited too long)."""

    code = "broadcast-images-expired"
    message = QT_TRANSLATE_NOOP(
        _CTX, "The relay no longer keeps this broadcast's images, so the rest of it was not "
        "sent.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Make a new broadcast with the images for the customers who did not get it.")


class BroadcastFinishedError(OtokuiError):
    code = "broadcast-finished"
    message = QT_TRANSLATE_NOOP(_CTX, "This broadcast has already finished.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Its results are in the history.")
