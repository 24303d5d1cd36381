"""The receipt blob's format, shared by the desktop (which seals) and the relay (which
opens with the key a request brings). AES-256-GCM, a fresh random key and nonce per
receipt, the receipt id as associated data (a blob moved under another id does not open).
Only ``cryptography``: the desktop imports this without the relay's web stack."""

from __future__ import annotations

import base64
import binascii
import re

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"ORC1"
NONCE_BYTES = 12
KEY_BYTES = 32
TAG_BYTES = 16
_KEY = re.compile(r"^[A-Za-z0-9_-]{43}$")


def aad(receipt_id: str) -> bytes:
    return b"otokui-receipt/1\n" + receipt_id.encode("ascii")


def seal(receipt_id: str, key: bytes, nonce: bytes, pdf: bytes) -> bytes:
    return MAGIC + nonce + AESGCM(key).encrypt(nonce, pdf, aad(receipt_id))


def well_formed(blob: bytes) -> bool:
    return blob.startswith(MAGIC) and len(blob) >= len(MAGIC) + NONCE_BYTES + TAG_BYTES


def open_blob(receipt_id: str, key: bytes, blob: bytes) -> bytes | None:
    """The PDF, or None for a wrong key (or a blob not made for this id)."""
    if not well_formed(blob):
        return None
    nonce = blob[len(MAGIC):len(MAGIC) + NONCE_BYTES]
    try:
        return AESGCM(key).decrypt(nonce, blob[len(MAGIC) + NONCE_BYTES:], aad(receipt_id))
    except InvalidTag:
        return None


def key_text(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode("ascii").rstrip("=")


def key_of(text: str) -> bytes | None:
    if not _KEY.match(text):
        return None
    try:
        key = base64.urlsafe_b64decode(text + "=")
    except (binascii.Error, ValueError):
        return None
    return key if len(key) == KEY_BYTES else None
