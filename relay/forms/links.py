"""Per-friend form links: who the friend is, without anything personal in the URL.

The desktop makes a link for one friend and one form: ``{relay}/f/{form_id}/{token}``.
The relay must tell a real link from a forged or expired one, and keep "one answer per
friend", without learning who the friend is; the desktop, which trusts no relay, must get
the friend's LINE user id back from the sealed answer and know the relay did not make it.

Each form has a 32-byte **link secret**, made and kept by the desktop (in the book).
From it (HKDF-SHA256, the form id in ``info``):

* ``mac_key`` (32 bytes): given to the relay when the form is published
  (``PUT /v1/forms/{id}``, over the authenticated device API);
* ``friend_key`` (64 bytes, AES-SIV): never leaves the desktop.

The token (URL-safe base64, no padding) is::

    version (1 byte, 1) | expires (4 bytes, big-endian Unix seconds)
    | friend = AES-SIV(friend_key, LINE user id, AD = [b"otokui form friend v1", form id])
    | tag = HMAC-SHA256(mac_key, b"otokui form link v1\\0" + form id + b"\\0" + all before)[:16]

``friend`` is the SIV (16 bytes, deterministic: the same friend always gets the same one
for a form, a different one for another form) followed by the user id encrypted (33 bytes
for a LINE id). The relay checks ``tag`` (constant time), ``expires`` and the form, and
keeps one answer per friend by the SIV (:attr:`LinkClaims.friend_ref`), which tells it
nothing about who it is. The desktop opens ``friend`` with ``friend_key``: AES-SIV is
authenticated, so a relay (or anyone holding only ``mac_key``) cannot make a token naming
a friend. What it can do is replay a real token it has seen, within its expiry: see
docs/forms.md ("What the relay sees").

Pure ``cryptography``; imports nothing from the relay or ``app/``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = [
    "LINK_SECRET_BYTES",
    "LinkClaims",
    "LinkError",
    "friend_of",
    "friend_with_key",
    "keys_for",
    "make_token",
    "verify_token",
]

VERSION = 1
LINK_SECRET_BYTES = 32
MAC_KEY_BYTES = 32
TAG_BYTES = 16
SIV_BYTES = 16
MAX_USER_ID_BYTES = 64
_HEADER = struct.Struct(">BI")
_MIN_BYTES = _HEADER.size + SIV_BYTES + 1 + TAG_BYTES
_MAX_BYTES = _HEADER.size + SIV_BYTES + MAX_USER_ID_BYTES + TAG_BYTES
#: The longest token text; anything longer is refused before decoding.
MAX_TOKEN_CHARS = (_MAX_BYTES * 4 + 2) // 3
_FRIEND_AD = b"otokui form friend v1"
_MAC_LABEL = b"otokui form link v1\0"
_FORM_ID = re.compile(r"^[0-9a-f]{16}$")
_TOKEN_CHARS = re.compile(r"^[A-Za-z0-9_-]+$")


class LinkError(ValueError):
    """A token was refused. ``code``: ``malformed``, ``forged`` or ``expired``.

    ``forged`` covers a wrong MAC, another form's token, and (on the desktop) a friend
    part that does not open. The message quotes nothing of the token.
    """

    def __init__(self, code: str) -> None:
        super().__init__(f"form link refused: {code}")
        self.code = code


@dataclass(frozen=True)
class LinkClaims:
    """What the relay learns from a valid token: nothing about who the friend is."""

    expires_at: int    # Unix seconds
    #: 32 hex digits, the same for every link of one friend to one form (and different
    #: for another form): the relay's key for "one answer per friend".
    friend_ref: str


def is_form_id(value: str) -> bool:
    return isinstance(value, str) and _FORM_ID.match(value) is not None


def keys_for(link_secret: bytes, form_id: str) -> tuple[bytes, bytes]:
    """``(mac_key, friend_key)`` of a form: the first goes to the relay, the second never."""
    if len(link_secret) != LINK_SECRET_BYTES or not is_form_id(form_id):
        raise ValueError("a link secret is 32 bytes and a form id 16 hex digits")
    mac_key = HKDF(hashes.SHA256(), MAC_KEY_BYTES, None,
                   b"otokui form link mac v1:" + form_id.encode()).derive(link_secret)
    friend_key = HKDF(hashes.SHA256(), 64, None,
                      b"otokui form link friend v1:" + form_id.encode()).derive(link_secret)
    return mac_key, friend_key


def make_token(link_secret: bytes, form_id: str, line_user_id: str, expires_at: int) -> str:
    """The token of a per-friend link (desktop only: it needs the link secret)."""
    raw_id = line_user_id.encode("utf-8")
    if not 0 < len(raw_id) <= MAX_USER_ID_BYTES:
        raise ValueError("a LINE user id is 1-64 bytes")
    if not 0 < expires_at < 2**32:
        raise ValueError("expiry out of range")
    mac_key, friend_key = keys_for(link_secret, form_id)
    friend = AESSIV(friend_key).encrypt(raw_id, [_FRIEND_AD, form_id.encode()])
    body = _HEADER.pack(VERSION, expires_at) + friend
    return _b64(body + _tag(mac_key, form_id, body))


def verify_token(token: str, form_id: str, mac_key: bytes, now_s: int) -> LinkClaims:
    """The relay's check: format, MAC (constant time), expiry. Raises :class:`LinkError`."""
    body, tag = _split(token)
    if not hmac.compare_digest(tag, _tag(mac_key, form_id, body)):
        raise LinkError("forged")
    version, expires_at = _HEADER.unpack_from(body)
    if version != VERSION:
        raise LinkError("malformed")
    if now_s >= expires_at:
        raise LinkError("expired")
    siv = body[_HEADER.size:_HEADER.size + SIV_BYTES]
    return LinkClaims(expires_at, siv.hex())


def friend_of(token: str, form_id: str, link_secret: bytes) -> tuple[str, LinkClaims]:
    """The desktop's check: MAC, then the friend's LINE user id (AES-SIV opens only what
    the desktop sealed). Expiry is not checked here: the relay took the answer at its
    ``submitted_at``, which the caller compares with ``claims.expires_at``."""
    mac_key, friend_key = keys_for(link_secret, form_id)
    body, tag = _split(token)
    if not hmac.compare_digest(tag, _tag(mac_key, form_id, body)):
        raise LinkError("forged")
    version, expires_at = _HEADER.unpack_from(body)
    if version != VERSION:
        raise LinkError("malformed")
    friend = body[_HEADER.size:]
    try:
        raw_id = AESSIV(friend_key).decrypt(friend, [_FRIEND_AD, form_id.encode()])
    except InvalidTag:
        raise LinkError("forged") from None
    try:
        user_id = raw_id.decode("utf-8")
    except UnicodeDecodeError:
        raise LinkError("forged") from None
    return user_id, LinkClaims(expires_at, friend[:SIV_BYTES].hex())


def friend_with_key(token: str, form_id: str, friend_key: bytes) -> str:
    """The LINE user id in a token the caller has verified, opened with ``friend_key``
    alone: the relay's autopilot, given a page's friend key sealed with its environment key
    (relay.autopilot_pages), learns whom to send a page's message to, in memory only."""
    body, _ = _split(token)
    try:
        raw_id = AESSIV(friend_key).decrypt(body[_HEADER.size:], [_FRIEND_AD, form_id.encode()])
        return raw_id.decode("utf-8")
    except (InvalidTag, UnicodeDecodeError, ValueError):
        raise LinkError("forged") from None


def friend_ref_hash(form_id: str, friend_ref: str) -> bytes:
    """What the relay stores for "this friend answered this form": a hash, not the ref."""
    return hashlib.sha256(b"otokui form friend ref:" + form_id.encode() + b":"
                          + friend_ref.encode()).digest()


def _tag(mac_key: bytes, form_id: str, body: bytes) -> bytes:
    return hmac.new(mac_key, _MAC_LABEL + form_id.encode() + b"\0" + body,
                    hashlib.sha256).digest()[:TAG_BYTES]


def _split(token: str) -> tuple[bytes, bytes]:
    if (not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN_CHARS
            or not _TOKEN_CHARS.match(token)):
        raise LinkError("malformed")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        raise LinkError("malformed") from None
    if not _MIN_BYTES <= len(raw) <= _MAX_BYTES:
        raise LinkError("malformed")
    return raw[:-TAG_BYTES], raw[-TAG_BYTES:]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
