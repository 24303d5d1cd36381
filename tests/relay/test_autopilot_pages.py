"""The device API of the autopilot's page messages (``PUT|DELETE /v1/autopilot/pages``) on a
real relay over loopback HTTP: refused without a device, without RELAY_AUTOPILOT_KEY, with
bad keys or texts; the friend keys and texts stored sealed (nothing readable in the
database); a relay that cannot write a text leaves it to the desktop."""

from __future__ import annotations

import base64
import os
from collections.abc import Callable

from relay.autopilot_pages import InstantPages, retry_key, writable
from relay.forms import links
from tests.relay.harness import ThreadRelay, stored_bytes

KEY = b"autopilot-key-for-tests-0123456789"


def _pages(page_id: str, key: bytes) -> dict[str, object]:
    return {"pages": [{"page_id": page_id, "friend_key": base64.b64encode(key).decode()}],
            "texts": {"booking_confirmation": "{日時}にお待ちしています"}}


def test_publishing_the_keys(make_relay: Callable[..., ThreadRelay]) -> None:
    relay = make_relay(autopilot_key=KEY, line_api_base="http://127.0.0.1:9")
    device = relay.pair()
    page_id, secret = os.urandom(8).hex(), os.urandom(32)
    friend_key = links.keys_for(secret, page_id)[1]
    body = _pages(page_id, friend_key)
    assert relay.http.put("/v1/autopilot/pages", json=body).status_code == 401
    for bad, code in (({"pages": "x"}, "bad_pages"),
                      ({"pages": [{"page_id": "nope", "friend_key": ""}]}, "bad_page_id"),
                      ({"pages": [{"page_id": page_id, "friend_key": "AAAA"}]},
                       "bad_friend_key"),
                      ({"pages": [], "texts": {"other": "x"}}, "bad_texts")):
        answer = relay.http.put("/v1/autopilot/pages", headers=device.auth, json=bad)
        assert (answer.status_code, answer.json()["error"]) == (400, code)
    assert relay.http.put("/v1/autopilot/pages", headers=device.auth,
                          json=body).status_code == 200
    # Sealed with the environment's key: neither the key nor the text is readable.
    data = stored_bytes(relay.db_url)
    assert friend_key not in data and base64.b64encode(friend_key) not in data
    assert "お待ちしています".encode() not in data
    # Without the autopilot on (no token), nothing is planned or published to pages.
    instant: InstantPages = relay.service.instant
    assert instant.published_text("default", "booking_confirmation") is None
    token = links.make_token(secret, page_id, "U" + "a" * 32, 2**31)
    assert instant.plan("default", "form:x", "ありがとう", page_id=page_id,
                        token=token) is None
    assert relay.http.delete("/v1/autopilot/pages", headers=device.auth).status_code == 200


def test_without_the_environment_key_it_is_refused(
        make_relay: Callable[..., ThreadRelay]) -> None:
    relay = make_relay()
    device = relay.pair()
    answer = relay.http.put("/v1/autopilot/pages", headers=device.auth,
                            json=_pages(os.urandom(8).hex(), os.urandom(64)))
    assert (answer.status_code, answer.json()["error"]) == (409, "no_autopilot_key")


def test_the_friend_key_opens_only_its_pages_links() -> None:
    page_id, secret = os.urandom(8).hex(), os.urandom(32)
    token = links.make_token(secret, page_id, "U" + "b" * 32, 2**31)
    assert links.friend_with_key(token, page_id, links.keys_for(secret, page_id)[1]) \
        == "U" + "b" * 32
    other = os.urandom(8).hex()
    try:
        links.friend_with_key(token, other, links.keys_for(secret, other)[1])
    except links.LinkError as exc:
        assert exc.code == "forged"
    else:
        raise AssertionError("another page's key opened the link")


def test_retry_keys_are_uuids_stable_per_message() -> None:
    a = retry_key("default", "form:1")
    assert a == retry_key("default", "form:1") != retry_key("default", "form:2")
    assert a != retry_key("other", "form:1") and len(a) == 36 and a[14] == "4"
    assert writable("{display_name}さん") not in (None, "{display_name}さん")
    assert writable("{項目:ポイント}") is None
