"""Sending to LINE: one customer's messages (``book.sending``), and the pieces the
broadcast engine reuses (:mod:`.delivery` for retry keys and verdicts,
:class:`app.line.gateway.LineGateway` for the HTTP calls, :mod:`.bubbles` for LINE's
message rules). See docs/inbox.md."""

from app.line.send.bubbles import (
    MAX_BUBBLES,
    MAX_TEXT_UNITS,
    Bubble,
    Draft,
    ImageBubble,
    PreviewNeededError,
    TextBubble,
    utf16_len,
)
from app.line.send.errors import (
    CustomerBlockedError,
    ImageExpiredError,
    MaybeDeliveredError,
    NotOnLineError,
    NotRetryableError,
)
from app.line.send.service import OutgoingResult, Quota, ReplyWindow, SendService

__all__ = [
    "MAX_BUBBLES", "MAX_TEXT_UNITS", "Bubble", "CustomerBlockedError", "Draft", "ImageBubble",
    "ImageExpiredError",
    "MaybeDeliveredError", "NotOnLineError", "NotRetryableError", "OutgoingResult",
    "PreviewNeededError", "Quota", "ReplyWindow", "SendService", "TextBubble", "utf16_len",
]
