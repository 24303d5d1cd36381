"""Sealing events for paired devices, and opening them again on the desktop.

Every event the relay stores is sealed separately for each paired device with HPKE
(RFC 9180) in base mode:

* KEM  ``DHKEM(X25519, HKDF-SHA256)``  (:data:`KEM`)
* KDF  ``HKDF-SHA256``                 (:data:`KDF`)
* AEAD ``ChaCha20-Poly1305``           (:data:`AEAD`)
* ``info`` = ``b"otokui relay v1"``    (:data:`INFO`), no AAD.

The sealed form is ``enc`` (the 32-byte encapsulated key) followed by the AEAD ciphertext,
exactly what :meth:`cryptography.hazmat.primitives.hpke.Suite.encrypt` returns; on the wire
(``GET /v1/events``) it travels as standard base64 with padding.

The plaintext is one LINE webhook delivery exactly as LINE sent it, with its
``x-line-signature`` (:func:`delivery_plaintext`)::

    b"otokui-line-delivery/1\n" + signature (ASCII base64) + b"\n" + the raw body

so that the desktop checks LINE's signature with the channel secret itself and does not
have to trust the relay (see docs/security.md, "The relay's trust boundary"). Relays
before this format sealed one event object as JSON per item; desktops set those aside
as unsigned.

This module is the public helper the desktop mirrors: it imports nothing from Qt, ``app/``
or the rest of the relay, so ``from relay.sealing import open_sealed`` is cheap.

    >>> from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    >>> key = X25519PrivateKey.generate()
    >>> sealed = seal({"type": "follow"}, key.public_key())
    >>> open_sealed(sealed, key)
    {'type': 'follow'}
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

__all__ = [
    "AEAD",
    "DELIVERY_MAGIC",
    "ENC_LENGTH",
    "INFO",
    "KDF",
    "KEM",
    "PUBLIC_KEY_LENGTH",
    "SUITE",
    "SealError",
    "decode_public_key",
    "delivery_plaintext",
    "encode_public_key",
    "is_usable_public_key",
    "open_sealed",
    "open_sealed_bytes",
    "seal",
    "seal_bytes",
    "split_delivery",
]

#: The suite constants of relay contract version 1. Changing any of them is a new contract.
KEM = hpke.KEM.X25519
KDF = hpke.KDF.HKDF_SHA256
AEAD = hpke.AEAD.CHACHA20_POLY1305
INFO = b"otokui relay v1"
SUITE = hpke.Suite(KEM, KDF, AEAD)

#: Length of ``enc`` at the start of a sealed event (an X25519 public key).
ENC_LENGTH = 32
#: Length of a raw X25519 public key, as devices send it when pairing.
PUBLIC_KEY_LENGTH = 32
#: The first bytes of a sealed delivery's plaintext (sealed item format 2).
DELIVERY_MAGIC = b"otokui-line-delivery/1\n"
#: An x-line-signature is 44 characters (base64 of 32 bytes); anything much longer is junk.
MAX_SIGNATURE_CHARS = 128
#: ChaCha20-Poly1305 tag length: the shortest possible sealed value is ``enc`` + tag.
_TAG_LENGTH = 16


class SealError(ValueError):
    """A sealed event could not be opened: not base64, wrong key, altered, or not JSON.

    The message never contains any part of the sealed data or the plaintext.
    """


def encode_public_key(public_key: X25519PublicKey) -> str:
    """Base64 of the raw 32-byte public key, as ``POST /v1/devices`` expects it."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def decode_public_key(public_key_b64: str) -> X25519PublicKey:
    """Parse the base64 of a raw 32-byte X25519 public key; raise :class:`SealError`."""
    try:
        raw = base64.b64decode(public_key_b64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SealError("public key is not base64") from exc
    if len(raw) != PUBLIC_KEY_LENGTH:
        raise SealError("public key is not a raw 32-byte X25519 key")
    return X25519PublicKey.from_public_bytes(raw)


def is_usable_public_key(raw: bytes) -> bool:
    """Whether events can be sealed to this raw 32-byte X25519 public key.

    Some 32-byte values are not usable: all zeros and the other low-order points make
    the X25519 exchange produce the all-zero secret, which HPKE refuses (RFC 9180, 7.1.4),
    so every seal would fail. A trial seal is the one check that cannot disagree with what
    sealing later does.
    """
    if len(raw) != PUBLIC_KEY_LENGTH:
        return False
    try:
        seal_bytes(b"", X25519PublicKey.from_public_bytes(raw))
    except ValueError:
        return False
    return True


def seal_bytes(plaintext: bytes, public_key: X25519PublicKey) -> bytes:
    """Seal ``plaintext`` for one device: ``enc || ciphertext`` (raw bytes)."""
    return SUITE.encrypt(plaintext, public_key, info=INFO)


def seal(event: dict[str, Any], public_key: X25519PublicKey) -> str:
    """Seal one event object for one device; base64 text, as the events API carries it."""
    plaintext = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(seal_bytes(plaintext, public_key)).decode("ascii")


def delivery_plaintext(signature: str, body: bytes) -> bytes:
    """What is sealed for one webhook delivery: its signature and its body, byte for byte."""
    sig = signature.strip().encode("ascii")
    if not 0 < len(sig) <= MAX_SIGNATURE_CHARS or b"\n" in sig:
        raise SealError("not a usable signature")
    return DELIVERY_MAGIC + sig + b"\n" + body


def split_delivery(plaintext: bytes) -> tuple[str, bytes]:
    """The (signature, body) of a sealed delivery's plaintext; :class:`SealError` if not one."""
    if not plaintext.startswith(DELIVERY_MAGIC):
        raise SealError("not a sealed delivery")
    sig, newline, body = plaintext[len(DELIVERY_MAGIC):].partition(b"\n")
    if not newline or not 0 < len(sig) <= MAX_SIGNATURE_CHARS or not sig.isascii():
        raise SealError("sealed delivery without a signature line")
    return sig.decode("ascii"), body


def open_sealed_bytes(sealed: bytes, private_key: X25519PrivateKey) -> bytes:
    """Open raw ``enc || ciphertext`` with the device's private key; return the plaintext."""
    if len(sealed) < ENC_LENGTH + _TAG_LENGTH:
        raise SealError("sealed event is too short")
    try:
        return SUITE.decrypt(sealed, private_key, info=INFO)
    except InvalidTag as exc:
        raise SealError("sealed event does not open with this key (wrong key or altered)") \
            from exc
    except ValueError as exc:  # a malformed enc (e.g. a low-order point) is refused here
        raise SealError("sealed event is malformed") from exc


def open_sealed(sealed_b64: str, private_key: X25519PrivateKey) -> dict[str, Any]:
    """Open one ``sealed`` value from ``GET /v1/events`` and return the LINE event object.

    Raises :class:`SealError` when the value is not base64, was sealed for another key, was
    altered, or does not hold a JSON object.
    """
    try:
        sealed = base64.b64decode(sealed_b64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SealError("sealed event is not base64") from exc
    plaintext = open_sealed_bytes(sealed, private_key)
    try:
        event = json.loads(plaintext.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise SealError("sealed event does not hold JSON") from exc
    if not isinstance(event, dict):
        raise SealError("sealed event does not hold a JSON object")
    return event
