"""The desktop opens what the relay seals, with its own copy of the suite (no relay import)."""

from __future__ import annotations

import base64
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

import relay.sealing as relay_sealing
from app.sync import sealing

ROOT = Path(__file__).resolve().parents[2]
EVENT = {"type": "message", "message": {"type": "text", "id": "1", "text": "予約したいです🍰"},
         "destination": "U" + "0" * 32}


def test_a_relay_sealed_event_opens_on_the_desktop() -> None:
    key = sealing.new_private_key()
    sealed = relay_sealing.seal(EVENT, key.public_key())
    assert sealing.open_sealed(sealed, key) == EVENT
    # Same contract constants, and the key encodings agree both ways.
    assert (sealing.KEM, sealing.KDF, sealing.AEAD, sealing.INFO) == (
        relay_sealing.KEM, relay_sealing.KDF, relay_sealing.AEAD, relay_sealing.INFO)
    encoded = sealing.encode_public_key(key.public_key())
    assert encoded == relay_sealing.encode_public_key(key.public_key())
    assert relay_sealing.decode_public_key(encoded).public_bytes_raw() == \
        key.public_key().public_bytes_raw()
    again = X25519PrivateKey.from_private_bytes(sealing.raw_private_key(key))
    assert sealing.open_sealed(sealed, again) == EVENT


def test_what_does_not_open_is_refused_without_echoing_it() -> None:
    key = sealing.new_private_key()
    sealed = relay_sealing.seal(EVENT, key.public_key())
    raw = base64.b64decode(sealed)
    flipped = raw[:40] + bytes([raw[40] ^ 1]) + raw[41:]
    cases = {
        "another key": sealed,
        "altered": base64.b64encode(flipped).decode(),
        "truncated": base64.b64encode(raw[:-1]).decode(),
        "too short": base64.b64encode(raw[:40]).decode(),
        "not base64": "***" + sealed,
        "low-order enc": base64.b64encode(bytes(32) + raw[32:]).decode(),
        "not JSON": base64.b64encode(relay_sealing.seal_bytes(b"\xff\xfe",
                                                              key.public_key())).decode(),
        "not an object": base64.b64encode(relay_sealing.seal_bytes(b"[1, 2]",
                                                                   key.public_key())).decode(),
    }
    for name, value in cases.items():
        use = sealing.new_private_key() if name == "another key" else key
        with pytest.raises(sealing.SealError) as info:
            sealing.open_sealed(value, use)
        assert "予約" not in str(info.value) and sealed[:20] not in str(info.value), name
    with pytest.raises(sealing.SealError):
        sealing.open_sealed(None, key)  # type: ignore[arg-type]


def test_the_desktop_does_not_import_the_relay() -> None:
    """Only the relay's pure, shared form definition (relay.forms: schema, links, items)
    is the desktop's to import; never the server, its store or its dependencies."""
    shared = "('relay', 'relay.forms', 'relay.forms.schema', 'relay.forms.links', " \
             "'relay.forms.items')"
    code = ("import sys, app.cli, app.sync.worker, app.sync.pairing, app.sync.apply, "
            "app.line.gateway, app.messages, app.demo, app.forms, app.forms.sync\n"
            "from app.line.gateway import LineGateway\n"
            "LineGateway('t', api_base='http://127.0.0.1:9').close()\n"
            f"bad = sorted(m for m in sys.modules if m not in {shared} and m.split('.')[0] "
            "in ('relay', 'emulator', 'uvicorn', 'starlette', 'PySide6'))\n"
            "print(bad)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
