"""Per-friend link tokens (relay.forms.links): the relay checks, the desktop identifies."""

from __future__ import annotations

import base64
import os

import pytest

from relay.forms import links

FORM = "0123456789abcdef"
OTHER_FORM = "fedcba9876543210"
USER = "U" + "0123456789abcdef" * 2
NOW = 1_800_000_000


@pytest.fixture
def secret() -> bytes:
    return os.urandom(32)


def test_a_link_verifies_on_the_relay_and_names_the_friend_on_the_desktop(
        secret: bytes) -> None:
    token = links.make_token(secret, FORM, USER, NOW + 3600)
    assert USER not in token and len(token) <= links.MAX_TOKEN_CHARS
    mac_key, _ = links.keys_for(secret, FORM)
    claims = links.verify_token(token, FORM, mac_key, NOW)
    assert claims.expires_at == NOW + 3600 and len(claims.friend_ref) == 32
    user, desk_claims = links.friend_of(token, FORM, secret)
    assert user == USER and desk_claims == claims


def test_one_friend_has_one_ref_per_form_and_no_more(secret: bytes) -> None:
    mac, _ = links.keys_for(secret, FORM)
    a = links.verify_token(links.make_token(secret, FORM, USER, NOW + 10), FORM, mac, NOW)
    b = links.verify_token(links.make_token(secret, FORM, USER, NOW + 99), FORM, mac, NOW)
    assert a.friend_ref == b.friend_ref  # two links to one friend: one answer
    other_user = "U" + "f" * 32
    c = links.verify_token(links.make_token(secret, FORM, other_user, NOW + 10), FORM, mac, NOW)
    assert c.friend_ref != a.friend_ref
    other_mac, _ = links.keys_for(secret, OTHER_FORM)
    d = links.verify_token(links.make_token(secret, OTHER_FORM, USER, NOW + 10), OTHER_FORM,
                           other_mac, NOW)
    assert d.friend_ref != a.friend_ref  # forms cannot be linked by the relay
    assert links.friend_ref_hash(FORM, a.friend_ref) != links.friend_ref_hash(
        OTHER_FORM, a.friend_ref)


def test_expired_links_are_refused_by_the_relay(secret: bytes) -> None:
    mac, _ = links.keys_for(secret, FORM)
    token = links.make_token(secret, FORM, USER, NOW + 60)
    links.verify_token(token, FORM, mac, NOW + 59)
    with pytest.raises(links.LinkError) as caught:
        links.verify_token(token, FORM, mac, NOW + 60)
    assert caught.value.code == "expired"


def test_every_changed_byte_is_refused(secret: bytes) -> None:
    mac, _ = links.keys_for(secret, FORM)
    token = links.make_token(secret, FORM, USER, NOW + 60)
    raw = bytearray(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    for i in range(len(raw)):
        changed = bytearray(raw)
        changed[i] ^= 0x01
        forged = base64.urlsafe_b64encode(bytes(changed)).rstrip(b"=").decode()
        with pytest.raises(links.LinkError) as caught:
            links.verify_token(forged, FORM, mac, NOW)
        assert caught.value.code in ("forged", "malformed")
        with pytest.raises(links.LinkError):
            links.friend_of(forged, FORM, secret)


def test_another_forms_token_or_key_is_refused(secret: bytes) -> None:
    token = links.make_token(secret, FORM, USER, NOW + 60)
    other_mac, _ = links.keys_for(secret, OTHER_FORM)
    with pytest.raises(links.LinkError) as caught:
        links.verify_token(token, OTHER_FORM, other_mac, NOW)
    assert caught.value.code == "forged"
    with pytest.raises(links.LinkError):
        links.friend_of(token, FORM, os.urandom(32))  # another book's secret


def test_a_relay_holding_the_mac_key_cannot_name_a_friend(secret: bytes) -> None:
    """The relay can make tokens that pass its own check, but not ones the desktop opens."""
    mac, _ = links.keys_for(secret, FORM)
    body = bytes([1]) + (NOW + 60).to_bytes(4, "big") + os.urandom(16 + 33)
    forged = base64.urlsafe_b64encode(body + links._tag(mac, FORM, body)).rstrip(b"=").decode()
    links.verify_token(forged, FORM, mac, NOW)  # passes the relay's check ...
    with pytest.raises(links.LinkError) as caught:
        links.friend_of(forged, FORM, secret)  # ... but names nobody on the desktop
    assert caught.value.code == "forged"


@pytest.mark.parametrize("token", ["", "a", "!!!!", "A" * 500, "AAAA" * 5, "é" * 40, None])
def test_malformed_tokens_are_refused(secret: bytes, token: object) -> None:
    mac, _ = links.keys_for(secret, FORM)
    with pytest.raises(links.LinkError) as caught:
        links.verify_token(token, FORM, mac, NOW)  # type: ignore[arg-type]
    assert caught.value.code == "malformed"


def test_bad_inputs_to_make_a_token(secret: bytes) -> None:
    with pytest.raises(ValueError):
        links.make_token(secret, FORM, "", NOW)
    with pytest.raises(ValueError):
        links.make_token(secret, "not-a-form", USER, NOW)
    with pytest.raises(ValueError):
        links.make_token(b"short", FORM, USER, NOW)
    with pytest.raises(ValueError):
        links.make_token(secret, FORM, USER, 2**32)
