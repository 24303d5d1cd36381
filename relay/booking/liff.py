"""The booking pages opened through LIFF: the friend is known by LINE's ID token.

The shop's LIFF URL ``https://liff.line.me/{liff id}/b`` (or ``…/b/mine``) opens
``{relay}/l/b`` (the LIFF app's endpoint is ``{relay}/l``, as for forms and routes). That
page loads the LIFF SDK; ``booking-liff.js`` posts the ID token at once (a button does it
without script). The relay verifies it with LINE Login (relay.forms.liff) and answers 303
to ``/b/{session}``: the same plain pages a per-friend link opens, with no script.

A **session** token is the relay's own, not the book's: ``version 2 | expires (4 bytes)
| AES-SIV(key, LINE user id, AD = [label, expires])``, URL-safe base64, where the key is
derived (HKDF) from the pages' secret. It lives :data:`SESSION_SECONDS`; the relay opens
it on each request to know the friend ("my bookings" is keyed by a hash of
``liff:{user id}``), and the sealed booking carries the user id to the devices. Nothing
of it is stored: a waiter from LIFF is kept by that hash only, and the book learns who
waits from the sealed wait item (relay.booking.front.wait).
"""

from __future__ import annotations

import base64
import binascii
import re
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = 2
SESSION_SECONDS = 24 * 3600
_HEADER = struct.Struct(">BI")
_LABEL = b"otokui booking liff session v1"
_USER_ID = re.compile(r"^U[0-9a-f]{32}$")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,200}$")


class SessionError(ValueError):
    """``expired`` or ``forged`` (also: not a session token at all)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def session_key(page_secret: bytes) -> bytes:
    return HKDF(hashes.SHA256(), 64, salt=None, info=_LABEL).derive(page_secret)


def is_session(token: str) -> bool:
    """A LIFF session (version 2) rather than a per-friend link (version 1)."""
    try:
        return base64.urlsafe_b64decode(token[:4])[:1] == bytes([VERSION])
    except (binascii.Error, ValueError):
        return False


def make_session(key: bytes, user_id: str, now_s: int) -> str:
    if not _USER_ID.match(user_id):
        raise ValueError("not a LINE user id")
    header = _HEADER.pack(VERSION, now_s + SESSION_SECONDS)
    sealed = AESSIV(key).encrypt(user_id.encode("ascii"), [_LABEL, header])
    return base64.urlsafe_b64encode(header + sealed).rstrip(b"=").decode("ascii")


def open_session(key: bytes, token: str, now_s: int) -> str:
    """The LINE user id a session names, or :class:`SessionError`."""
    if not _TOKEN.match(token):
        raise SessionError("forged")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        raise SessionError("forged") from None
    if len(raw) <= _HEADER.size + 16:
        raise SessionError("forged")
    version, expires = _HEADER.unpack_from(raw)
    if version != VERSION:
        raise SessionError("forged")
    try:
        user_id = AESSIV(key).decrypt(raw[_HEADER.size:], [_LABEL, raw[:_HEADER.size]])
    except InvalidTag:
        raise SessionError("forged") from None
    if now_s >= expires:
        raise SessionError("expired")
    text = user_id.decode("ascii", "replace")
    if not _USER_ID.match(text):
        raise SessionError("forged")
    return text
