"""relay.sealing: the exact HPKE suite, the sealed format, and opening failures."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand

from relay.sealing import (
    ENC_LENGTH,
    INFO,
    SealError,
    decode_public_key,
    encode_public_key,
    open_sealed,
    seal,
    seal_bytes,
)

# Sealed by relay contract v1 for the fixed key below. If this stops opening, every desktop
# in the field stops reading its relay: that is a new contract version, not a refactor.
GOLDEN_KEY = bytes.fromhex("a8" * 16 + "5c" * 16)
GOLDEN_SEALED = (
    "dPhffig9wcqTb+Cf4gJ4nC9AdnS1ZIC6kJGPJ8J2/jU/ei+Nt56WQaadYfc48x9egm/fVeNhwVuBXPQld61ZX6Ln5rY"
    "y88EalP6pDf9Y97iuJF6wyo5207Uote7OsDOOH4yVkZTbTWiEtnmEcTNmb999abF8hpGXUY/R785P3MiNeUM/w0ua"
    "bzZl7drq4le9WM4WDlP0Jt5Vo2DhzPLOYBfGdxLlxiee9P1z2MVRzH58o+EdG4n5rzb0hC/Vj1r+E3OK9tdRNZU5"
    "McBIbCevD3xwWvF2eMsh")
GOLDEN_EVENT = {"type": "message", "message": {"type": "text", "id": "1", "text": "テスト"},
                "webhookEventId": "01J8ZK3V4D5E6F7G8H9J0KMNPQ",
                "destination": "U0000000000000000000000000000test"}


def _rfc9180_open(sealed: bytes, private_key: X25519PrivateKey, info: bytes) -> bytes:
    """RFC 9180 base-mode open, written out from the RFC with primitives only.

    DHKEM(X25519, HKDF-SHA256) = 0x0020, HKDF-SHA256 = 0x0001, ChaCha20-Poly1305 = 0x0003.
    This is what a desktop in any language has to do; it shares no code with the relay.
    """
    kem_suite = b"KEM" + struct.pack(">H", 0x0020)
    hpke_suite = b"HPKE" + struct.pack(">HHH", 0x0020, 0x0001, 0x0003)

    def extract(salt: bytes, ikm: bytes) -> bytes:
        return hmac.digest(salt or bytes(32), ikm, hashlib.sha256)

    def labeled_extract(suite: bytes, salt: bytes, label: bytes, ikm: bytes) -> bytes:
        return extract(salt, b"HPKE-v1" + suite + label + ikm)

    def labeled_expand(suite: bytes, prk: bytes, label: bytes, ctx: bytes, length: int) -> bytes:
        labeled = struct.pack(">H", length) + b"HPKE-v1" + suite + label + ctx
        return HKDFExpand(SHA256(), length, labeled).derive(prk)

    enc, ciphertext = sealed[:32], sealed[32:]
    dh = private_key.exchange(X25519PublicKey.from_public_bytes(enc))
    recipient = private_key.public_key().public_bytes(serialization.Encoding.Raw,
                                                      serialization.PublicFormat.Raw)
    eae_prk = labeled_extract(kem_suite, b"", b"eae_prk", dh)
    shared_secret = labeled_expand(kem_suite, eae_prk, b"shared_secret", enc + recipient, 32)

    psk_id_hash = labeled_extract(hpke_suite, b"", b"psk_id_hash", b"")
    info_hash = labeled_extract(hpke_suite, b"", b"info_hash", info)
    context = b"\x00" + psk_id_hash + info_hash  # mode_base = 0
    secret = labeled_extract(hpke_suite, shared_secret, b"secret", b"")
    key = labeled_expand(hpke_suite, secret, b"key", context, 32)
    base_nonce = labeled_expand(hpke_suite, secret, b"base_nonce", context, 12)
    return ChaCha20Poly1305(key).decrypt(base_nonce, ciphertext, b"")  # first message: seq 0


def test_sealed_events_are_rfc9180_base_mode_with_the_contract_suite() -> None:
    key = X25519PrivateKey.generate()
    plaintext = b'{"type":"follow","source":{"userId":"U1"}}'
    sealed = seal_bytes(plaintext, key.public_key())
    assert len(sealed) == ENC_LENGTH + len(plaintext) + 16
    assert _rfc9180_open(sealed, key, b"otokui relay v1") == plaintext
    assert INFO == b"otokui relay v1"


def test_golden_vector_still_opens() -> None:
    key = X25519PrivateKey.from_private_bytes(GOLDEN_KEY)
    assert open_sealed(GOLDEN_SEALED, key) == GOLDEN_EVENT
    assert _rfc9180_open(base64.b64decode(GOLDEN_SEALED), key, INFO).decode() != ""


def test_seal_and_open_round_trip_and_every_seal_differs() -> None:
    key = X25519PrivateKey.generate()
    event = {"type": "message", "message": {"text": "おはようございます🌅"}}
    first, second = seal(event, key.public_key()), seal(event, key.public_key())
    assert first != second  # a fresh ephemeral key each time
    assert open_sealed(first, key) == open_sealed(second, key) == event


def test_opening_failures_raise_seal_error_without_quoting_data() -> None:
    key = X25519PrivateKey.generate()
    secret_text = "口座番号 1234567"
    sealed = base64.b64decode(seal({"text": secret_text}, key.public_key()))

    def flip(data: bytes, index: int) -> str:
        changed = bytearray(data)
        changed[index] ^= 0x01
        return base64.b64encode(bytes(changed)).decode()

    bad = {
        "wrong key": (base64.b64encode(sealed).decode(), X25519PrivateKey.generate()),
        "altered ciphertext": (flip(sealed, len(sealed) - 20), key),
        "altered tag": (flip(sealed, len(sealed) - 1), key),
        "altered enc": (flip(sealed, 3), key),
        "truncated": (base64.b64encode(sealed[:40]).decode(), key),
        "empty": ("", key),
        "not base64": ("not base64!", key),
        "urlsafe alphabet": (base64.urlsafe_b64encode(sealed).decode().replace("=", ""), key),
        "all-zero enc": (base64.b64encode(bytes(32) + sealed[32:]).decode(), key),
    }
    for case, (value, private_key) in bad.items():
        with pytest.raises(SealError) as caught:
            open_sealed(value, private_key)
        assert secret_text not in str(caught.value), case


def test_open_sealed_wants_a_json_object() -> None:
    key = X25519PrivateKey.generate()
    for plaintext in (b"[1, 2]", b"not json", b"\xff\xfe"):
        value = base64.b64encode(seal_bytes(plaintext, key.public_key())).decode()
        with pytest.raises(SealError):
            open_sealed(value, key)


def test_public_key_encoding() -> None:
    key = X25519PrivateKey.generate().public_key()
    encoded = encode_public_key(key)
    assert len(base64.b64decode(encoded)) == 32
    assert decode_public_key(encoded) == key
    for bad in ("", "***", base64.b64encode(bytes(31)).decode(),
                base64.b64encode(bytes(33)).decode()):
        with pytest.raises(SealError):
            decode_public_key(bad)
