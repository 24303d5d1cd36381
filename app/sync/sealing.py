"""Opening the events the relay sealed for this desktop (relay contract v1).

HPKE (RFC 9180) base mode with the relay's suite: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
ChaCha20-Poly1305, ``info`` = ``b"otokui relay v1"``, no AAD. A sealed value is standard
base64 of ``enc`` (32 bytes) followed by the ciphertext, as ``cryptography``'s
``hpke.Suite.encrypt`` returns it. The plaintext is one LINE webhook delivery with its
signature (:mod:`app.sync.delivery`); relays before sealed-item format 2 sealed one
event object as UTF-8 JSON.

This mirrors the few lines of ``relay.sealing.open_sealed``: the desktop does not import
the relay's server (only its pure, shared form definition, relay.forms).
``tests/sync/test_sealing.py`` proves a value the relay sealed opens here and that the
constants agree. An opened item may also be a form answer or file (relay.forms.items,
applied by app.forms.sync).
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

KEM = hpke.KEM.X25519
KDF = hpke.KDF.HKDF_SHA256
AEAD = hpke.AEAD.CHACHA20_POLY1305
INFO = b"otokui relay v1"
SUITE = hpke.Suite(KEM, KDF, AEAD)
ENC_LENGTH = 32
_TAG_LENGTH = 16


class SealError(ValueError):
    """A sealed event does not open: not base64, another key, altered, or not a JSON object.

    The message never holds any part of the sealed data or of the plaintext.
    """


def new_private_key() -> X25519PrivateKey:
    return X25519PrivateKey.generate()


def raw_private_key(key: X25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                             serialization.NoEncryption())


def encode_public_key(public_key: X25519PublicKey) -> str:
    """Base64 of the raw 32-byte public key, as ``POST /v1/devices`` takes it."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def open_sealed_bytes(sealed_b64: str, private_key: X25519PrivateKey) -> bytes:
    """Open one ``sealed`` value of ``GET /v1/events``; return its plaintext."""
    if not isinstance(sealed_b64, str):
        raise SealError("sealed event is not text")
    try:
        sealed = base64.b64decode(sealed_b64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SealError("sealed event is not base64") from exc
    if len(sealed) < ENC_LENGTH + _TAG_LENGTH:
        raise SealError("sealed event is too short")
    try:
        return SUITE.decrypt(sealed, private_key, info=INFO)
    except InvalidTag as exc:
        raise SealError("sealed event does not open with this key (wrong key or altered)") \
            from exc
    except ValueError as exc:  # a malformed enc (e.g. a low-order point)
        raise SealError("sealed event is malformed") from exc


def open_sealed(sealed_b64: str, private_key: X25519PrivateKey) -> dict[str, Any]:
    """Open a sealed value holding one JSON object (the format before signed deliveries)."""
    plaintext = open_sealed_bytes(sealed_b64, private_key)
    try:
        event = json.loads(plaintext.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise SealError("sealed event does not hold JSON") from exc
    if not isinstance(event, dict):
        raise SealError("sealed event does not hold a JSON object")
    return event
