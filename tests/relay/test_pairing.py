"""Pairing codes, device tokens, unpairing and revocation (HTTP and the host commands)."""

from __future__ import annotations

import base64
import hashlib

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import create_engine, select

from relay.credentials import CODE_ALPHABET
from relay.schema import devices
from relay.sealing import encode_public_key
from tests.relay.harness import Device, ThreadRelay, run_cli


def _try_pair(relay: ThreadRelay, code: str) -> int:
    key = X25519PrivateKey.generate()
    return relay.http.post("/v1/devices", json={
        "pairing_code": code, "name": "事務所のMac",
        "public_key": encode_public_key(key.public_key())}).status_code


def _wrong(code: str) -> str:
    """A well-formed code that differs from ``code`` in its last character."""
    last = code[-1]
    return code[:-1] + CODE_ALPHABET[(CODE_ALPHABET.index(last) + 1) % len(CODE_ALPHABET)]


def test_pairing_answers_device_id_and_a_256_bit_token_stored_only_as_hash(
        relay: ThreadRelay) -> None:
    code = relay.pairing_code()
    key = X25519PrivateKey.generate()
    response = relay.http.post("/v1/devices", json={
        "pairing_code": code, "name": "レジ横のPC",
        "public_key": encode_public_key(key.public_key())})
    assert response.status_code == 201
    data = response.json()
    assert set(data) == {"device_id", "token"}
    token = data["token"]
    assert len(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))) >= 32

    engine = create_engine(relay.db_url)
    try:
        with engine.connect() as conn:
            row = conn.execute(select(devices).where(devices.c.id == data["device_id"])).one()
    finally:
        engine.dispose()
    assert row.token_hash == hashlib.sha256(token.encode()).digest()
    assert token.encode() not in repr(tuple(row)).encode()


def test_pairing_code_is_single_use(relay: ThreadRelay) -> None:
    code = relay.pairing_code()
    assert _try_pair(relay, code) == 201
    assert _try_pair(relay, code) == 403


def test_pairing_code_forgives_typing_style(relay: ThreadRelay) -> None:
    # Lowercase, no dash, and O/I typed for 0/1 all mean the same code.
    code = relay.pairing_code()
    typed = code.replace("-", " ").lower().replace("0", "o").replace("1", "i")
    assert _try_pair(relay, typed) == 201


def test_pairing_code_expires_after_10_minutes(relay: ThreadRelay) -> None:
    code = relay.pairing_code()
    relay.clock.advance(9 * 60 + 59)
    fresh = relay.pairing_code()         # a new code replaces the old one ...
    assert _try_pair(relay, code) == 403  # ... so the old one is void even within its time
    relay.clock.advance(9 * 60 + 59)
    assert _try_pair(relay, fresh) == 201  # still valid at 9:59

    late = relay.pairing_code()
    relay.clock.advance(10 * 60 + 1)
    assert _try_pair(relay, late) == 403


def test_an_address_with_5_wrong_codes_is_refused_but_the_code_stays_open(
        relay: ThreadRelay) -> None:
    code = relay.pairing_code()
    for _ in range(5):
        assert _try_pair(relay, _wrong(code)) == 403
    refused = _post_pair(relay, code)  # the right code, from the same address: not checked
    assert refused.status_code == 429
    assert refused.json()["error"] == "too_many_tries"
    assert 0 < int(refused.headers["retry-after"]) <= 600
    # No proxy is trusted, so a forged X-Forwarded-For changes nothing.
    assert _post_pair(relay, code, {"X-Forwarded-For": "198.51.100.20"}).status_code == 429
    log = relay.log_text()
    assert "an address sent 5 wrong pairing codes and is refused for 10 minutes" in log
    assert "set RELAY_TRUSTED_PROXIES" in log  # the address was loopback: likely a proxy
    assert "pairing code locked" not in log
    # The code itself is still open: the host (or any other address) can use it.
    relay.store.pair_device(code, "店のPC", bytes.fromhex("09" * 32), int(relay.clock() * 1000))

    relay.clock.advance(601)  # the address's lock is over (and that code expired)
    assert _try_pair(relay, relay.pairing_code()) == 201


def _post_pair(relay: ThreadRelay, code: str, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    key = X25519PrivateKey.generate()
    return relay.http.post("/v1/devices", headers=headers, json={
        "pairing_code": code, "name": "事務所のMac",
        "public_key": encode_public_key(key.public_key())})


def test_behind_a_trusted_proxy_each_client_address_is_counted_alone(make_relay) -> None:  # type: ignore[no-untyped-def]
    relay = make_relay(trusted_proxies=("127.0.0.1",))
    code = relay.pairing_code()
    attacker = {"X-Forwarded-For": "203.0.113.7"}
    for _ in range(5):
        assert _post_pair(relay, _wrong(code), attacker).status_code == 403
    assert _post_pair(relay, _wrong(code), attacker).status_code == 429
    # IPv6 is counted per /64: five addresses of one network share one count.
    for n in range(1, 6):
        headers = {"X-Forwarded-For": f"2001:db8:1:2::{n}"}
        assert _post_pair(relay, _wrong(code), headers).status_code == 403
    assert _post_pair(relay, code, {"X-Forwarded-For": "2001:db8:1:2::99"}).status_code == 429
    # The shop, from its own address, pairs with the code as if nothing had happened.
    shop = _post_pair(relay, code, {"X-Forwarded-For": "198.51.100.20"})
    assert shop.status_code == 201, shop.text
    assert "set RELAY_TRUSTED_PROXIES" not in relay.log_text()


def test_a_burst_of_parallel_guesses_from_one_address_gets_5_tries(make_relay) -> None:  # type: ignore[no-untyped-def]
    from concurrent.futures import ThreadPoolExecutor

    relay = make_relay(trusted_proxies=("127.0.0.1",))
    code = relay.pairing_code()
    attacker = {"X-Forwarded-For": "203.0.113.8"}
    with ThreadPoolExecutor(10) as pool:
        statuses = list(pool.map(lambda _: _post_pair(relay, _wrong(code), attacker)
                                 .status_code, range(30)))
    assert sorted(statuses) == [403] * 5 + [429] * 25
    assert _post_pair(relay, code, {"X-Forwarded-For": "198.51.100.21"}).status_code == 201


def test_the_code_is_void_after_many_wrong_tries_from_many_addresses(
        make_relay, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from relay import credentials

    monkeypatch.setattr(credentials, "CODE_MAX_FAILED_TRIES", 12)  # 1000 in production
    relay = make_relay(trusted_proxies=("127.0.0.1",))
    code = relay.pairing_code()
    for n in range(12):
        headers = {"X-Forwarded-For": f"203.0.113.{n // 4}"}
        assert _post_pair(relay, _wrong(code), headers).status_code == 403
    assert _post_pair(relay, code, {"X-Forwarded-For": "198.51.100.22"}).status_code == 403
    assert "pairing code locked after 12 wrong tries" in relay.log_text()


def test_four_wrong_tries_still_leave_the_code_usable(relay: ThreadRelay) -> None:
    code = relay.pairing_code()
    for attempt in ("", "X", "00000-00000", _wrong(code)):
        assert _try_pair(relay, attempt) in (400, 403)
    assert _try_pair(relay, code) == 201


def test_pairing_without_any_code_issued_is_refused(relay: ThreadRelay) -> None:
    assert _try_pair(relay, "7KQ2M-XF9RD") == 403


def test_malformed_pairing_requests_are_400(relay: ThreadRelay) -> None:
    code = relay.pairing_code()
    good_key = encode_public_key(X25519PrivateKey.generate().public_key())
    bad = [
        b"not json",
        b"[]",
        b'{"pairing_code": "' + code.encode() + b'", "name": "PC"}',
        b'{"pairing_code": "' + code.encode() + b'", "name": "", "public_key": "'
        + good_key.encode() + b'"}',
        b'{"pairing_code": 12345, "name": "PC", "public_key": "' + good_key.encode() + b'"}',
        b'{"pairing_code": "' + code.encode() + b'", "name": "PC", "public_key": "'
        + base64.b64encode(bytes(31)) + b'"}',
        b'{"pairing_code": "' + code.encode() + b'", "name": "PC", "public_key": "***"}',
        b'{"pairing_code": "' + code.encode() + b'", "name": "' + b"x" * 101
        + b'", "public_key": "' + good_key.encode() + b'"}',
        b"{" + b" " * 20_000 + b"}",
        # A name carrying a terminal escape sequence (it is printed by `relay devices`).
        b'{"pairing_code": "' + code.encode() + b'", "name": "PC\\u001b[2J", "public_key": "'
        + good_key.encode() + b'"}',
        b'{"pairing_code": "' + code.encode() + b'", "name": "PC\\u202e", "public_key": "'
        + good_key.encode() + b'"}',
        b'{"pairing_code": "' + code.encode() + b'", "name": "   ", "public_key": "'
        + good_key.encode() + b'"}',
    ]
    for body in bad:
        response = relay.http.post("/v1/devices", content=body)
        assert response.status_code == 400, body[:80]
    # None of those used up or locked the code.
    assert _try_pair(relay, code) == 201


def test_wrong_token_is_401_everywhere(relay: ThreadRelay, paired: Device) -> None:
    forged = Device(paired.device_id, paired.token[:-2] + "AA", paired.key)
    for headers in ({}, {"Authorization": "Bearer"}, {"Authorization": "Basic abc"},
                    {"Authorization": f"Token {paired.token}"}, forged.auth,
                    {"Authorization": "Bearer " + "A" * 5000}):
        assert relay.http.get("/v1/events", headers=headers).status_code == 401
        assert relay.http.get("/v1/events?limit=0", headers=headers).status_code == 401
        assert relay.http.post("/v1/events/ack", json={"upto": 1},
                               headers=headers).status_code == 401
        assert relay.http.delete(f"/v1/devices/{paired.device_id}",
                                 headers=headers).status_code == 401
    # The real token still works, case-insensitive scheme included.
    assert relay.http.get("/v1/events", headers={
        "authorization": f"bearer {paired.token}"}).status_code == 200


def test_device_unpairs_itself_and_its_token_stops_working(relay: ThreadRelay) -> None:
    first, second = relay.pair("1階"), relay.pair("2階")
    relay.deliver(relay.line.text())
    # One device may not revoke another.
    assert relay.http.delete(f"/v1/devices/{second.device_id}",
                             headers=first.auth).status_code == 403
    assert relay.http.delete(f"/v1/devices/{first.device_id}",
                             headers=first.auth).status_code == 204
    assert relay.http.get("/v1/events", headers=first.auth).status_code == 401
    assert relay.http.delete(f"/v1/devices/{first.device_id}",
                             headers=first.auth).status_code == 401
    # The other device is untouched and its queue holds only its own copy.
    assert len(relay.pull(second)["events"]) == 1
    assert relay.queue_depth() == 1


def test_host_commands_pair_list_and_revoke(relay: ThreadRelay) -> None:
    paired = run_cli(relay.db_url, "pair")
    assert paired.returncode == 0, paired.stderr
    code = paired.stdout.strip().splitlines()[-1]
    device = relay.pair_with_code(code, name="店長のノートPC")

    listed = run_cli(relay.db_url, "devices")
    assert listed.returncode == 0
    line = next(ln for ln in listed.stdout.splitlines() if ln.startswith(device.device_id))
    assert "店長のノートPC" in line and "active" in line

    revoked = run_cli(relay.db_url, "revoke", device.device_id)
    assert revoked.returncode == 0
    assert relay.http.get("/v1/events", headers=device.auth).status_code == 401
    listed = run_cli(relay.db_url, "devices")
    line = next(ln for ln in listed.stdout.splitlines() if ln.startswith(device.device_id))
    assert "revoked" in line

    again = run_cli(relay.db_url, "revoke", device.device_id)
    assert again.returncode == 1
    assert "no active device" in again.stderr
    assert run_cli(relay.db_url, "revoke", "not-an-id").returncode == 1
    # The code the command printed never reached a log.
    assert code not in relay.log_text()
