"""Unusable device keys (issue 10): refused at pairing, and never a stop for other devices.

An X25519 public key of 32 zero bytes (or another low-order point) makes every HPKE seal
fail. The relay used to accept one at pairing and then answer every webhook with 500 until
that device was revoked, so no device got anything.
"""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from relay.sealing import encode_public_key, is_usable_public_key
from tests.relay.harness import Device, ThreadRelay, run_cli

#: Low-order points of Curve25519 (as listed in RFC 7748 test practice): all zeros, one,
#: and a point of order 8. Each makes the shared secret all zeros.
LOW_ORDER_POINTS = [
    bytes(32),
    bytes([1]) + bytes(31),
    bytes.fromhex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
]


def _pair_raw(relay: ThreadRelay, code: str, raw_key: bytes):  # type: ignore[no-untyped-def]
    return relay.http.post("/v1/devices", json={
        "pairing_code": code, "name": "壊れた鍵のPC",
        "public_key": base64.b64encode(raw_key).decode()})


def _older_relay_paired(relay: ThreadRelay, raw_key: bytes) -> str:
    """A device with this key, as a relay that did not check keys would have paired it."""
    code = relay.pairing_code()
    return relay.store.pair_device(code, "古い鍵のPC", raw_key,
                                   int(relay.clock() * 1000)).device_id


def test_low_order_public_keys_are_refused_at_pairing(relay: ThreadRelay) -> None:
    code = relay.pairing_code()
    for raw in LOW_ORDER_POINTS:
        assert not is_usable_public_key(raw)
        response = _pair_raw(relay, code, raw)
        assert response.status_code == 400, raw.hex()
        assert response.json()["error"] == "bad_public_key"
        assert "new key pair" in response.json()["message"]
    # A refused key is a malformed request, not a wrong code: the code still pairs.
    good = X25519PrivateKey.generate()
    assert is_usable_public_key(base64.b64decode(encode_public_key(good.public_key())))
    assert relay.http.post("/v1/devices", json={
        "pairing_code": code, "name": "PC",
        "public_key": encode_public_key(good.public_key())}).status_code == 201


def test_a_device_that_cannot_be_sealed_for_does_not_stop_the_others(
        relay: ThreadRelay, paired: Device) -> None:
    zero = _older_relay_paired(relay, bytes(32))
    damaged = _older_relay_paired(relay, bytes(range(31)))  # not even 32 bytes any more
    laptop = relay.pair("ノートPC")

    sent = [relay.line.text() for _ in range(3)]
    assert relay.deliver(sent[0]).status_code == 200
    assert relay.deliver(*sent[1:]).status_code == 200

    expected = [e["webhookEventId"] for e in sent]
    for device in (paired, laptop):
        assert [e["webhookEventId"] for e in relay.pull_opened(device)] == expected
    # The skipped devices are counted and shown to the owner.
    listed = run_cli(relay.db_url, "devices")
    assert listed.returncode == 0, listed.stderr
    for device_id in (zero, damaged):
        line = next(ln for ln in listed.stdout.splitlines() if ln.startswith(device_id))
        assert "3 events NOT sealed" in line
        assert f"python -m relay revoke {device_id}" in listed.stdout
    healthy = next(ln for ln in listed.stdout.splitlines() if ln.startswith(paired.device_id))
    assert "NOT sealed" not in healthy
    log = relay.log_text()
    assert f"device {zero}: events cannot be sealed to its public key" in log
    assert f"device {damaged}: events cannot be sealed to its public key" in log
    assert "the other 2 device(s) got them" in log


def test_when_no_device_can_be_sealed_for_webhooks_wait_for_redelivery(
        relay: ThreadRelay) -> None:
    broken = _older_relay_paired(relay, bytes(32))
    event = relay.line.text()
    response = relay.deliver(event)
    assert response.status_code == 503  # not 500, and nothing remembered as seen
    assert relay.queue_depth() == 0
    assert "no device could be sealed for, so nothing was stored" in relay.log_text()

    assert run_cli(relay.db_url, "revoke", broken).returncode == 0
    device = relay.pair()
    assert relay.deliver(event).status_code == 200  # LINE's redelivery is stored now
    opened = relay.pull_opened(device)
    assert [e["webhookEventId"] for e in opened] == [event["webhookEventId"]]
    assert opened[0]["type"] == "message"
