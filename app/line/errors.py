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


class LineRateLimitedError(LineUnavailableError):
    """429: too many requests for now (or, for sends, the month's quota is used up)."""

    code = "line-rate-limited"
    message = QT_TRANSLATE_NOOP(_CTX, "LINE asks Otokui to slow down for a moment.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Wait a minute and try again; nothing is lost.")


class LineForbiddenError(LineUnavailableError):
    """403: the token is valid but this account may not use that API."""

    code = "line-forbidden"


class LineFollowersUnavailableError(OtokuiError):
    code = "line-followers-unavailable"
    message = QT_TRANSLATE_NOOP(
        _CTX, "LINE gives the list of existing friends only to verified and premium "
        "accounts (the blue or green badge).")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Nothing is lost: each friend joins the customer book by themselves the "
        "next time they write to the shop or add it as a friend again.")
