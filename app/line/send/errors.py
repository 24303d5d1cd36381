"""What can go wrong sending to one customer, in the owner's words.

Raised before anything is stored (the composer keeps the draft): :class:`NotOnLineError`,
:class:`CustomerBlockedError`, validation errors from :mod:`app.line.send.bubbles`, a missing
token, relay trouble while uploading an image. After the message is stored, LINE's
verdict is not raised but recorded on the message (``state`` "failed" with one of the
``code`` values below) and returned in the :class:`~app.line.send.service.OutgoingResult`.
"""

from __future__ import annotations

from app.errors import OtokuiError
from app.i18n import QT_TRANSLATE_NOOP

_CTX = "sending"


class NotOnLineError(OtokuiError):
    code = "not-on-line"
    message = QT_TRANSLATE_NOOP(_CTX, "This customer is not a LINE friend of the shop.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Messages can be sent only to customers who added the "
                               "shop on LINE.")


class CustomerBlockedError(OtokuiError):
    code = "customer-blocked"
    message = QT_TRANSLATE_NOOP(_CTX, "This customer has blocked the shop on LINE.")
    advice = QT_TRANSLATE_NOOP(_CTX, "LINE would not deliver the message. It can be sent "
                               "again once the customer unblocks the shop.")


class SendQuotaError(OtokuiError):
    code = "send-quota"
    message = QT_TRANSLATE_NOOP(
        _CTX, "This month's message limit of the LINE plan is used up; it was not sent.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Replies to a customer who just wrote stay free. Or choose a larger plan in "
        "LINE Official Account Manager, then retry.")


class SendRefusedError(OtokuiError):
    code = "send-refused"
    message = QT_TRANSLATE_NOOP(_CTX, "LINE refused the message; it was not sent.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Change what LINE objects to, then send it again.")


class SendUnreachableError(OtokuiError):
    code = "send-unreachable"
    message = QT_TRANSLATE_NOOP(_CTX, "LINE could not be reached; the message may not have "
                                "been sent.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Retry it. If LINE did receive it, LINE recognises the retry and the customer "
        "still gets it only once.")


class SendUnknownError(OtokuiError):
    code = "send-unknown"
    message = QT_TRANSLATE_NOOP(
        _CTX, "It is not known whether this message reached the customer (LINE's answer "
        "was lost).")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Look at the chat in LINE Official Account Manager and send it again only if "
        "it is not there.")


class MaybeDeliveredError(OtokuiError):
    """``retry()`` of a message that may have arrived, without the owner's confirmation."""

    code = "maybe-delivered"
    message = QT_TRANSLATE_NOOP(_CTX, "This message may already have reached the customer.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Check the chat in LINE Official Account Manager. Send it again only if it is "
        "not there; the customer would otherwise get it twice.")


class NotRetryableError(OtokuiError):
    code = "not-retryable"
    message = QT_TRANSLATE_NOOP(_CTX, "Only a message that failed can be sent again.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Refresh the conversation.")


class ImageExpiredError(OtokuiError):
    """``retry()`` of a message whose image the relay no longer serves (RELAY_MEDIA_DAYS)."""

    code = "image-expired"
    message = QT_TRANSLATE_NOOP(
        _CTX, "The relay no longer keeps the image of this message, so it cannot be sent "
        "again as it was.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Discard it and send the picture as a new message.")


#: The ``code`` stored with a failed message, and the error that explains it.
FAILURES: dict[str, type[OtokuiError]] = {
    cls.code: cls for cls in (SendQuotaError, SendRefusedError, SendUnreachableError,
                              SendUnknownError)
}
