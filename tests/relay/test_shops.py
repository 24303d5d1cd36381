"""One relay, several shops: each shop's channel, devices, codes and events kept apart.

Real relay on loopback over HTTP, on SQLite and on PostgreSQL (see conftest). Shop A and
shop B are added the way an operator adds them; their desktops hand over their own channel
secrets when they pair.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import create_engine, select

from relay.schema import shops
from relay.sealing import encode_public_key
from tests.relay.harness import SECRET, Device, ThreadRelay, open_delivery, stored_bytes
from tests.relay.line_events import sign

ADMIN = b"admin-secret-for-tests-0123456789"
SECRET_A = b"aaaaaaaaaaaaaaaa0123456789abcdef"
SECRET_B = b"bbbbbbbbbbbbbbbb0123456789abcdef"


def _pair(relay: ThreadRelay, prefix: str, code: str, secret: bytes | None = None,
          expect: int = 201) -> tuple[Device | None, dict[str, Any]]:
    key = X25519PrivateKey.generate()
    body: dict[str, Any] = {"pairing_code": code, "name": "レジ横のPC",
                            "public_key": encode_public_key(key.public_key())}
    if secret is not None:
        body["channel_secret"] = secret.decode()
    response = relay.http.post(f"{prefix}/v1/devices", json=body)
    assert response.status_code == expect, response.text
    data = response.json()
    if expect != 201:
        return None, data
    return Device(data["device_id"], data["token"], key), data


def _code(relay: ThreadRelay, shop_id: str) -> str:
    return relay.store.create_pairing_code(int(relay.clock() * 1000), shop_id)


def _post(relay: ThreadRelay, prefix: str, body: bytes, secret: bytes):  # type: ignore[no-untyped-def]
    return relay.http.post(f"{prefix}/line/webhook", content=body, headers={
        "content-type": "application/json", "x-line-signature": sign(secret, body)})


def _pull(relay: ThreadRelay, prefix: str, device: Device,
          secret: bytes) -> list[dict[str, Any]]:
    """The events of the device's sealed deliveries, each delivery's LINE signature
    checked with its shop's channel secret, as that shop's desktop does."""
    response = relay.http.get(f"{prefix}/v1/events", params={"after": 0},
                              headers=device.auth)
    assert response.status_code == 200, response.text
    events: list[dict[str, Any]] = []
    for item in response.json()["events"]:
        signature, body = open_delivery(item["sealed"], device.key)
        assert signature == sign(secret, body)
        events.extend(json.loads(body)["events"])
    return events


@pytest.fixture
def two_shops(make_relay: Callable[..., ThreadRelay]):  # type: ignore[no-untyped-def]
    relay = make_relay(admin_secret=ADMIN)
    now = int(relay.clock() * 1000)
    a = relay.store.add_shop("花屋さくら", now)
    b = relay.store.add_shop("カフェ青空", now)
    device_a, answer_a = _pair(relay, f"/shops/{a}", _code(relay, a), SECRET_A)
    device_b, answer_b = _pair(relay, f"/shops/{b}", _code(relay, b), SECRET_B)
    assert answer_a["channel_secret"] == answer_b["channel_secret"] == "stored"
    return relay, (a, device_a), (b, device_b)


def test_events_of_shop_a_never_reach_shop_b(two_shops) -> None:  # type: ignore[no-untyped-def]
    relay, (a, device_a), (b, device_b) = two_shops
    event = relay.line.text("Aのお客様の予約")
    assert _post(relay, f"/shops/{a}", relay.line.body(event), SECRET_A).status_code == 200
    assert [e["webhookEventId"] for e in _pull(relay, f"/shops/{a}", device_a, SECRET_A)] == \
        [event["webhookEventId"]]
    assert _pull(relay, f"/shops/{b}", device_b, SECRET_B) == []
    assert relay.http.get(f"/shops/{a}/healthz").json()["queue_depth"] == 1
    assert relay.http.get(f"/shops/{b}/healthz").json()["queue_depth"] == 0


def test_a_signature_with_shop_bs_secret_is_refused_on_shop_as_path(two_shops) -> None:  # type: ignore[no-untyped-def]
    relay, (a, device_a), (_b, _device_b) = two_shops
    body = relay.line.body(relay.line.text())
    forged = _post(relay, f"/shops/{a}", body, SECRET_B)
    assert forged.status_code == 401
    assert forged.json() == {"error": "bad_signature"}
    # and neither the default shop's secret nor another shop's path helps
    assert _post(relay, f"/shops/{a}", body, SECRET).status_code == 401
    assert _post(relay, "", body, SECRET_A).status_code == 401
    assert _pull(relay, f"/shops/{a}", device_a, SECRET_A) == []


def test_pairing_codes_are_per_shop(two_shops) -> None:  # type: ignore[no-untyped-def]
    relay, (a, _), (b, _) = two_shops
    code_a = _code(relay, a)
    code_b = _code(relay, b)
    # A's code does nothing at B's address (nor at the default shop's) ...
    assert _pair(relay, f"/shops/{b}", code_a, expect=403)[1] == {"error": "pairing_refused"}
    assert _pair(relay, "", code_a, expect=403)[0] is None
    # ... and a new code for A leaves B's open code working.
    _code(relay, a)
    device, _ = _pair(relay, f"/shops/{b}", code_b)
    assert device is not None
    # A's first code was replaced by A's second one.
    assert _pair(relay, f"/shops/{a}", code_a, expect=403)[0] is None


def test_a_device_token_works_only_at_its_own_shops_address(two_shops) -> None:  # type: ignore[no-untyped-def]
    relay, (_a, device_a), (b, _device_b) = two_shops
    for path in (f"/shops/{b}/v1/events", "/v1/events"):
        response = relay.http.get(path, params={"after": 0}, headers=device_a.auth)
        assert response.status_code == 401
    response = relay.http.delete(f"/shops/{b}/v1/devices/{device_a.device_id}",
                                 headers=device_a.auth)
    assert response.status_code == 401
    response = relay.http.put(f"/shops/{b}/v1/channel-secret", headers=device_a.auth,
                              json={"channel_secret": SECRET_A.decode()})
    assert response.status_code == 401


def test_the_same_event_id_in_two_shops_is_stored_for_each(two_shops) -> None:  # type: ignore[no-untyped-def]
    relay, (a, device_a), (b, device_b) = two_shops
    event = relay.line.text("同じID")
    body = relay.line.body(event)
    assert _post(relay, f"/shops/{a}", body, SECRET_A).status_code == 200
    assert _post(relay, f"/shops/{b}", body, SECRET_B).status_code == 200
    assert _post(relay, f"/shops/{b}", body, SECRET_B).status_code == 200  # a duplicate in B
    assert len(_pull(relay, f"/shops/{a}", device_a, SECRET_A)) == 1
    assert len(_pull(relay, f"/shops/{b}", device_b, SECRET_B)) == 1


def test_channel_secrets_are_kept_sealed(two_shops) -> None:  # type: ignore[no-untyped-def]
    relay, (a, _), (b, _) = two_shops
    data = stored_bytes(relay.db_url)
    for secret in (SECRET_A, SECRET_B):
        assert secret not in data and secret.hex().encode() not in data
    engine = create_engine(relay.db_url)
    try:
        with engine.connect() as conn:
            sealed = dict(conn.execute(select(shops.c.id, shops.c.channel_secret)).all())
    finally:
        engine.dispose()
    assert sealed[a] and sealed[b] and sealed[a] != sealed[b]
    assert sealed["default"] is None
    assert relay.log_text().count(SECRET_A.decode()) == 0


def test_a_device_replaces_its_shops_channel_secret(two_shops) -> None:  # type: ignore[no-untyped-def]
    relay, (a, device_a), _ = two_shops
    new = b"cccccccccccccccc0123456789abcdef"
    body = relay.line.body(relay.line.text())
    assert _post(relay, f"/shops/{a}", body, new).status_code == 401
    response = relay.http.put(f"/shops/{a}/v1/channel-secret", headers=device_a.auth,
                              json={"channel_secret": new.decode().upper()})
    assert response.status_code == 200
    assert response.json() == {"channel_secret": "stored"}
    assert _post(relay, f"/shops/{a}", body, new).status_code == 200
    assert _post(relay, f"/shops/{a}", relay.line.body(relay.line.text()),
                 SECRET_A).status_code == 401
    bad = relay.http.put(f"/shops/{a}/v1/channel-secret", headers=device_a.auth,
                         json={"channel_secret": "not-a-secret"})
    assert bad.status_code == 400 and bad.json() == {"error": "bad_channel_secret"}


def test_unknown_shops_answer_404(two_shops) -> None:  # type: ignore[no-untyped-def]
    relay, _, _ = two_shops
    body = relay.line.body(relay.line.text())
    for shop in ("0123456789", "no-such", "../admin"):
        assert _post(relay, f"/shops/{shop}", body, SECRET_A).status_code == 404
    assert relay.http.get("/shops/0123456789/healthz").status_code == 404


def test_a_shop_without_devices_gets_503_so_line_redelivers(
        make_relay: Callable[..., ThreadRelay]) -> None:
    relay = make_relay(admin_secret=ADMIN)
    shop = relay.store.add_shop("新しいお店", int(relay.clock() * 1000))
    body = relay.line.body(relay.line.text())
    # No secret yet (its desktop has not paired): LINE is asked to come back later.
    response = _post(relay, f"/shops/{shop}", body, SECRET_A)
    assert response.status_code == 503 and response.json() == {"error": "no_channel_secret"}
    device, _ = _pair(relay, f"/shops/{shop}", _code(relay, shop), SECRET_A)
    assert device is not None
    relay.http.delete(f"/shops/{shop}/v1/devices/{device.device_id}", headers=device.auth)
    response = _post(relay, f"/shops/{shop}", body, SECRET_A)
    assert response.status_code == 503 and response.json() == {"error": "no_device_paired"}


def test_the_default_shop_compares_a_sent_secret_with_line_channel_secret(
        relay: ThreadRelay) -> None:
    _, same = _pair(relay, "", relay.pairing_code(), SECRET)
    assert same["channel_secret"] == "matches"
    _, differs = _pair(relay, "", relay.pairing_code(), SECRET_A)
    assert differs["channel_secret"] == "differs"
    # The environment's secret still checks the webhooks.
    assert relay.deliver(relay.line.text()).status_code == 200
    # Without RELAY_ADMIN_SECRET nothing can be sealed: pairing without a secret is as before.
    _device, plain = _pair(relay, "", relay.pairing_code())
    assert set(plain) == {"device_id", "token"}
    _, malformed = _pair(relay, "", relay.pairing_code(), b"xyz", expect=400)
    assert malformed == {"error": "bad_channel_secret"}


def test_a_relay_with_only_an_admin_secret_takes_the_default_shops_secret_from_its_desktop(
        make_relay: Callable[..., ThreadRelay]) -> None:
    relay = make_relay(admin_secret=ADMIN, channel_secret=None)
    body = relay.line.body(relay.line.text())
    assert _post(relay, "", body, SECRET_A).status_code == 503
    device, answer = _pair(relay, "", relay.pairing_code(), SECRET_A)
    assert answer["channel_secret"] == "stored"
    assert _post(relay, "", body, SECRET_A).status_code == 200
    assert device is not None and len(_pull(relay, "", device, SECRET_A)) == 1


def test_another_instance_sees_a_replaced_secret(
        make_relay: Callable[..., ThreadRelay]) -> None:
    """Two relays on one database (as behind a load balancer): a secret replaced through
    one is used by the other once its cached copy is a couple of seconds old."""
    first = make_relay(admin_secret=ADMIN)
    second = make_relay(admin_secret=ADMIN)
    seconds = [1000.0]
    second.service.shops.monotonic = lambda: seconds[0]  # the cache's clock, moved by hand
    shop = first.store.add_shop("二台目", int(first.clock() * 1000))
    device, _ = _pair(first, f"/shops/{shop}", _code(first, shop), SECRET_A)
    assert device is not None
    body = second.line.body(second.line.text())
    assert _post(second, f"/shops/{shop}", body, SECRET_A).status_code == 200  # cached now
    first.http.put(f"/shops/{shop}/v1/channel-secret", headers=device.auth,
                   json={"channel_secret": SECRET_B.decode()})
    body = second.line.body(second.line.text())
    # Within two seconds of reading it, the second relay trusts its copy ...
    seconds[0] += 1.0
    assert _post(second, f"/shops/{shop}", body, SECRET_B).status_code == 401
    # ... after that, a signature that fails makes it read the secret again.
    seconds[0] += 1.5
    assert _post(second, f"/shops/{shop}", body, SECRET_B).status_code == 200


def test_items_that_are_not_line_deliveries_reach_only_their_shop(two_shops) -> None:  # type: ignore[no-untyped-def]
    """Form answers (relay.forms) are queued for the shop whose device published the form."""
    relay, (a, device_a), (b, device_b) = two_shops
    seqs = relay.store.queue_items([b"an answer, sealed"], int(relay.clock() * 1000), a)
    assert seqs is not None and len(seqs) == 1

    def pulled(prefix: str, device: Device) -> int:
        response = relay.http.get(f"{prefix}/v1/events", params={"after": 0},
                                  headers=device.auth)
        return len(response.json()["events"])

    assert pulled(f"/shops/{a}", device_a) == 1
    assert pulled(f"/shops/{b}", device_b) == 0
