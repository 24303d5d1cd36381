"""Errors of the relay connection the owner can meet: unreachable, unpaired, refused."""

from __future__ import annotations

from app.errors import OtokuiError
from app.i18n import QT_TRANSLATE_NOOP

_CTX = "errors"


class RelayUnreachableError(OtokuiError):
    code = "relay-unreachable"
    message = QT_TRANSLATE_NOOP(_CTX, "The relay cannot be reached.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Check the internet connection and the relay's address. Messages wait on the "
        "relay and LINE; nothing is lost.")


class RelayUnauthorizedError(OtokuiError):
    """The relay no longer accepts this desktop's token: it was revoked or is wrong."""

    code = "relay-unpaired"
    message = QT_TRANSLATE_NOOP(_CTX, "This computer is no longer paired with the relay.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Pair again: run `python -m relay pair` on the relay's host and enter the new "
        "code in Settings → LINE.")


class PairingRefusedError(OtokuiError):
    code = "pairing-refused"
    message = QT_TRANSLATE_NOOP(_CTX, "The relay refused the pairing code.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Codes are single use and valid for 10 minutes. Issue a new one on the relay's "
        "admin page (or run `python -m relay pair` on its host) and enter it.")


class PairingTooManyTriesError(OtokuiError):
    """The relay refuses pairing from this address for a while after wrong codes (429);
    ``minutes`` is how long it said to wait (at most a code's life, 10 minutes)."""

    code = "pairing-too-many-tries"
    message = QT_TRANSLATE_NOOP(
        _CTX, "Too many wrong pairing codes were entered from this internet connection, so "
        "the relay does not accept codes from it for a while.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Wait up to 10 minutes, then enter the code exactly as shown on the relay's "
        "admin page (or a new one). Nothing was changed.")

    def __init__(self, minutes: int = 10) -> None:
        self.minutes = max(1, minutes)
        super().__init__(f"{self.minutes} min")


class RelayShopUnknownError(OtokuiError):
    code = "relay-shop-unknown"
    message = QT_TRANSLATE_NOOP(_CTX, "The relay does not know this shop's address.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Copy the relay's address again from its admin page, with the part after "
        "/shops/ exactly as shown.")


# --- the webhook: what LINE's test of the relay's address found --------------------------

class ChannelSecretRejectedError(OtokuiError):
    code = "channel-secret-rejected"
    message = QT_TRANSLATE_NOOP(
        _CTX, "LINE's test reached the relay, but the relay refused its signature: the "
        "channel secret does not belong to this LINE channel.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Copy the channel secret again (LINE Developers console → the same channel as "
        "the access token → Basic settings → Channel secret) and enter it.")


class ChannelSecretNotThisChannelError(OtokuiError):
    code = "channel-secret-not-this-channel"
    message = QT_TRANSLATE_NOOP(
        _CTX, "The channel secret entered here is not this LINE channel's (the relay's own "
        "setting is the right one).")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Copy the channel secret again (LINE Developers console → Basic settings → "
        "Channel secret) and enter it.")


class WebhookUnreachableError(OtokuiError):
    code = "webhook-unreachable"
    message = QT_TRANSLATE_NOOP(_CTX, "LINE cannot reach the relay at its address.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "LINE needs an https:// address that works from the internet (not one on this "
        "computer or in the shop's network). Check that the relay is running and that its "
        "address is right.")


class WebhookTimeoutError(OtokuiError):
    code = "webhook-timeout"
    message = QT_TRANSLATE_NOOP(_CTX, "The relay answered LINE's test too slowly.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "A relay on a free plan may be waking up: wait a minute and test again.")


class WebhookNotReadyError(OtokuiError):
    code = "webhook-not-ready"
    message = QT_TRANSLATE_NOOP(_CTX, "The relay is not ready to take LINE's messages yet.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Test again in a minute. If it stays like this, the relay has no channel "
        "secret for this shop: enter the channel secret again.")


class WebhookRefusedError(OtokuiError):
    code = "webhook-refused"
    message = QT_TRANSLATE_NOOP(_CTX, "The relay answered LINE's test with an error.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Check the relay's address (the relay's admin page shows it) and test again.")


class RelayProtocolError(OtokuiError):
    code = "relay-protocol"
    message = QT_TRANSLATE_NOOP(_CTX, "The relay answered in a way Otokui does not understand.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Check that the address is an Otokui relay and that it is up to date.")


class RelayUrlError(OtokuiError):
    code = "relay-url"
    message = QT_TRANSLATE_NOOP(_CTX, "This is not a usable relay address.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Enter the relay's https:// address (http:// only for one on this computer).")


class NotPairedError(OtokuiError):
    code = "not-paired"
    message = QT_TRANSLATE_NOOP(_CTX, "This customer book is not connected to a relay yet.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Connect it in Settings → LINE, or with `python main.py connect`.")


class AlreadyPairedError(OtokuiError):
    code = "already-paired"
    message = QT_TRANSLATE_NOOP(_CTX, "This customer book is already connected to a relay.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Unpair it first (Settings → LINE, or `python main.py unpair`).")


class ChannelSecretMissingError(OtokuiError):
    """Without the channel secret the desktop cannot tell LINE's events from forgeries."""

    code = "line-channel-secret-missing"
    message = QT_TRANSLATE_NOOP(
        _CTX, "Otokui needs the LINE channel secret to check that messages really come "
        "from LINE.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Enter the channel secret (LINE Developers console, Basic settings) in "
        "Settings → LINE. Messages wait on the relay until then; nothing is lost.")
