"""Connecting a book to LINE and its relay, and disconnecting it (Settings → LINE).

Connecting checks the channel access token with LINE first (so a single-use pairing code
is not spent on a typo), makes this desktop's X25519 key pair, pairs with the relay
(``POST /v1/devices`` with the one-time code and the public key), and keeps the device id,
the relay token and the private key in the encrypted book, the access token in the OS
keyring when there is one (see :mod:`app.line.connection`).
"""

from __future__ import annotations

import logging
import platform
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.errors import ValidationError
from app.i18n import QT_TRANSLATE_NOOP
from app.line.connection import Device, utc_now_text
from app.sync.errors import AlreadyPairedError, NotPairedError, RelayUnauthorizedError
from app.sync.relay_client import Health, RelayClient, normalize_relay_url
from app.sync.sealing import encode_public_key, new_private_key, raw_private_key

if TYPE_CHECKING:
    from app.book import Book

log = logging.getLogger("otokui.sync")

MAX_NAME_CHARS = 100


@dataclass(frozen=True)
class Connected:
    device_id: str
    #: Where the access token went: "keyring", "book", or None when none was given.
    token_store: str | None
    #: The LINE account's basic id (@xxxx) the token belongs to, when it was checked.
    bot_basic_id: str | None


def default_device_name() -> str:
    # Not the host name: the relay keeps this name in plain text, and host names are often
    # a person's name ("yamada-pc").
    system = {"Darwin": "Mac", "Windows": "Windows", "Linux": "Linux"}.get(
        platform.system(), "PC")
    return f"Otokui ({system})"


def check_access_token(access_token: str, api_base: str | None = None) -> str:
    """Ask LINE whose token this is; returns the basic id, raises if LINE refuses it."""
    from app.line.gateway import LineGateway

    with LineGateway(access_token, api_base=api_base) as gateway:
        return gateway.check_token()


def connect(book: Book, *, relay_url: str, pairing_code: str,
            access_token: str | None = None, api_base: str | None = None,
            data_base: str | None = None, device_name: str | None = None,
            use_keyring: bool | None = None, check_token: bool = True,
            channel_secret: str | None = None) -> Connected:
    """Pair this book with the relay and keep what it needs to sync.

    ``channel_secret``: LINE's channel secret, with which the desktop checks that every
    event really comes from LINE (it can also be set later, ``book.line``); the sync
    waits until it is set. ``api_base`` and ``data_base``: the Messaging API's and the
    content host's base URLs (None: LINE's own).
    """
    if book.line.is_paired():
        raise AlreadyPairedError()
    if channel_secret is not None:
        book.line.set_channel_secret(channel_secret)  # checked first: nothing spent on a typo
    url = normalize_relay_url(relay_url)
    code = (pairing_code or "").strip()
    if not code or len(code) > 64:
        raise ValidationError("pairing code", message=QT_TRANSLATE_NOOP(
            "line", "Enter the pairing code that `python -m relay pair` printed."))
    name = (device_name or "").strip()[:MAX_NAME_CHARS] or default_device_name()
    api_base = (api_base or "").strip().rstrip("/") or None
    basic_id = None
    if access_token and check_token:
        basic_id = check_access_token(access_token.strip(), api_base)
    key = new_private_key()
    with RelayClient(url) as relay:
        paired = relay.pair(code, name, encode_public_key(key.public_key()))
    book.line.save_pairing(url, Device(device_id=paired.device_id, token=paired.token,
                                       name=name, private_key_raw=raw_private_key(key),
                                       paired_at=utc_now_text()))
    book.line.set_api_base(api_base)
    book.line.set_data_base((data_base or "").strip().rstrip("/") or None)
    store = None
    if access_token:
        store = book.line.set_access_token(access_token, use_keyring=use_keyring)
    return Connected(paired.device_id, store, basic_id)


def unpair(book: Book, *, forget_if_unreachable: bool = False) -> None:
    """Revoke this desktop at the relay (``DELETE /v1/devices/{id}``) and forget the pairing.

    Events still queued for this desktop on the relay are deleted with it: sync first.
    When the relay cannot be reached the pairing is kept (and the error raised) unless
    ``forget_if_unreachable``; a relay that already revoked the token counts as done.
    """
    device = book.line.device()
    if device is None:
        raise NotPairedError()
    try:
        with book.line.relay_client() as relay:
            relay.unpair(device.device_id)
    except RelayUnauthorizedError:
        log.info("the relay had already revoked this device")
    except Exception:
        if not forget_if_unreachable:
            raise
        log.warning("the relay could not be told; forgetting the pairing here only")
    book.line.forget_pairing()


def relay_health(relay_url: str) -> Health:
    """``GET /healthz`` of a relay (before or after pairing)."""
    with RelayClient(normalize_relay_url(relay_url)) as relay:
        return relay.health()
