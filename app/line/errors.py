"""Errors of the LINE connection the owner can meet (no token, token refused, LINE down)."""

from __future__ import annotations

from app.errors import OtokuiError
from app.i18n import QT_TRANSLATE_NOOP

_CTX = "errors"


class LineTokenMissingError(OtokuiError):
    code = "line-token-missing"
    message = QT_TRANSLATE_NOOP(_CTX, "The LINE channel access token is not set.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Enter it in Settings → LINE (LINE Developers console, Messaging API channel, "
        "Channel access token).")


class LineTokenRejectedError(OtokuiError):
    code = "line-token-rejected"
    message = QT_TRANSLATE_NOOP(_CTX, "LINE refused the channel access token.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Copy the long-lived channel access token again from the LINE Developers "
        "console and enter it in Settings → LINE.")


class LineUnavailableError(OtokuiError):
    code = "line-unavailable"
    message = QT_TRANSLATE_NOOP(_CTX, "LINE's servers cannot be reached right now.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Check the internet connection. Otokui keeps trying; nothing is lost.")


class LineWebhookUrlRefusedError(OtokuiError):
    code = "line-webhook-url-refused"
    message = QT_TRANSLATE_NOOP(_CTX, "LINE did not accept the relay's address as the "
                                "webhook URL.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "LINE takes only https:// addresses reachable from the internet. Check the "
        "relay's address.")


class LineContentGoneError(OtokuiError):
    code = "line-content-gone"
    message = QT_TRANSLATE_NOOP(_CTX, "LINE no longer has this photo or file.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Ask the customer to send it again.")


class LineContentNotReadyError(OtokuiError):
    code = "line-content-not-ready"
    message = QT_TRANSLATE_NOOP(_CTX, "LINE is still preparing this video or audio.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Otokui downloads it a little later by itself.")
