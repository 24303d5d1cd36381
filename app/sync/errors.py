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
        _CTX, "Codes are single use and valid for 10 minutes. Run `python -m relay pair` on "
        "the relay's host again and enter the new code.")


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
