"""One relay, several shops: each shop's forms at its own address, sealed to its own
devices, linking its own privacy policy, rate-limited, and out of the other shops' reach
(real relay on loopback HTTP, two shops paired as an operator adds them)."""

from __future__ import annotations

import base64
import os
from typing import Any

from relay.forms import links
from relay.forms.items import read_answer
from relay.sealing import open_sealed_bytes
from tests.relay.form_pages import Page, csrf_of
from tests.relay.harness import Device, ThreadRelay
from tests.relay.test_shops import two_shops  # noqa: F401

FORM = {"title": "カフェのアンケート", "one_answer_per_friend": True, "items": [
    {"key": "name", "type": "text", "label": "お名前", "required": True},
    {"key": "consent", "type": "consent", "label": "同意します", "required": True}]}
USER = "U" + "2" * 32


def _publish(relay: ThreadRelay, shop: str, device: Device, form_id: str,
             version: int = 1, expect: int = 201) -> tuple[bytes, Any]:
    secret = os.urandom(32)
    mac = base64.b64encode(links.keys_for(secret, form_id)[0]).decode()
    response = relay.http.put(f"/shops/{shop}/v1/forms/{form_id}", headers=device.auth,
                              json={"version": version, "definition": FORM, "link_key": mac})
    assert response.status_code == expect, response.text
    return secret, response


def _post(relay: ThreadRelay, path: str, csrf: str, name: str = "青空 花子") -> Any:
    from urllib.parse import urlencode
    return relay.http.post(path, content=urlencode(
        [("name", name), ("consent", "1"), ("_csrf", csrf)]).encode(),
        headers={"content-type": "application/x-www-form-urlencoded"})


def _pulled(relay: ThreadRelay, shop: str, device: Device) -> list[bytes]:
    response = relay.http.get(f"/shops/{shop}/v1/events", params={"after": 0},
                              headers=device.auth)
    assert response.status_code == 200, response.text
    return [open_sealed_bytes(base64.b64decode(e["sealed"]), device.key)
            for e in response.json()["events"]]


def test_a_shops_form_is_served_at_its_address_and_sealed_to_its_devices_only(
        two_shops: Any) -> None:  # noqa: F811
    relay, (a, device_a), (b, device_b) = two_shops
    form_id = os.urandom(8).hex()
    secret, _ = _publish(relay, b, device_b, form_id)
    token = links.make_token(secret, form_id, USER, int(relay.clock()) + 86400)
    link = f"/shops/{b}/f/{form_id}/{token}"
    page = relay.http.get(link)
    assert page.status_code == 200, page.text
    assert page.headers["content-security-policy"]
    parsed = Page(page.text)
    assert parsed.forms[0]["action"] == link  # posted back to the shop's own address
    assert f'href="/privacy/{b}"' in page.text  # shop B's policy, not the default's
    # Not at shop A's address: the same page as an unknown form, nothing said about B's.
    for other in (f"/shops/{a}/f/{form_id}/{token}", f"/shops/{a}/f/{form_id}",
                  f"/shops/0123456789/f/{form_id}"):
        refused = relay.http.get(other)
        assert refused.status_code == 404 and "フォームが見つかりません" in refused.text
    csrf = csrf_of(page.text)
    assert _post(relay, f"/shops/{a}/f/{form_id}/{token}", csrf).status_code == 404
    sent = _post(relay, link, csrf)
    assert sent.status_code == 200 and "送信しました" in sent.text, sent.text
    # Sealed for shop B's device only: shop A's device gets nothing, B's opens it.
    assert _pulled(relay, a, device_a) == []
    items = _pulled(relay, b, device_b)
    assert len(items) == 1
    answer = read_answer(items[0])
    assert answer.form_id == form_id and answer.fields["name"] == ["青空 花子"]
    assert answer.identity == {"kind": "link", "token": token}
    # One answer per friend, kept per form whatever the address.
    again = relay.http.get(link)
    assert again.status_code == 409
    # The public link at the shop's address takes answers too.
    public = f"/shops/{b}/f/{form_id}"
    assert _post(relay, public, csrf_of(relay.http.get(public).text),
                 "通りすがり").status_code == 200
    assert len(_pulled(relay, b, device_b)) == 2 and _pulled(relay, a, device_a) == []


def test_another_shops_device_cannot_see_change_or_delete_a_form(
        two_shops: Any) -> None:  # noqa: F811
    relay, (a, device_a), (b, device_b) = two_shops
    form_id = os.urandom(8).hex()
    _publish(relay, b, device_b, form_id)
    shown = relay.http.get(f"/shops/{a}/v1/forms/{form_id}", headers=device_a.auth)
    assert shown.status_code == 404 and shown.json()["error"] == "no_such_form"
    # A new version, or the same one again with A's link key: refused, nothing changes.
    _, taken = _publish(relay, a, device_a, form_id, version=2, expect=409)
    assert taken.json()["error"] == "form_id_taken"
    _publish(relay, a, device_a, form_id, version=1, expect=409)
    gone = relay.http.delete(f"/shops/{a}/v1/forms/{form_id}", headers=device_a.auth)
    assert gone.status_code == 404
    # B's device still sees its form as it published it, and the page still answers.
    mine = relay.http.get(f"/shops/{b}/v1/forms/{form_id}", headers=device_b.auth)
    assert mine.status_code == 200 and mine.json()["version"] == 1, mine.text
    assert relay.http.get(f"/shops/{b}/f/{form_id}").status_code == 200
    # A device token works only at its own shop's address (B's token at A's: 401).
    assert relay.http.get(f"/shops/{a}/v1/forms/{form_id}",
                          headers=device_b.auth).status_code == 401
    # B takes it down; then it is gone at B's address and A never saw it.
    assert relay.http.delete(f"/shops/{b}/v1/forms/{form_id}",
                             headers=device_b.auth).status_code == 204
    closed = relay.http.get(f"/shops/{b}/f/{form_id}")
    assert closed.status_code == 410
    assert relay.http.get(f"/shops/{a}/f/{form_id}").status_code == 404


def test_a_shops_pages_are_rate_limited_and_link_its_policy(two_shops: Any) -> None:  # noqa: F811
    relay, (a, device_a), (b, device_b) = two_shops
    policy = {"version": 1, "title": "プライバシーポリシー", "business_name": "カフェ青空",
              "effective_date": "2026-12-01",
              "sections": [{"heading": "1. 事業者", "paragraphs": ["名称：カフェ青空"]}]}
    assert relay.http.put(f"/shops/{b}/v1/privacy-policy", json=policy,
                          headers=device_b.auth).status_code == 201
    shop_policy = relay.http.get(f"/shops/{b}/privacy")
    assert shop_policy.status_code == 200 and "名称：カフェ青空" in shop_policy.text
    assert "カフェ青空" not in relay.http.get(f"/shops/{a}/privacy").text
    assert relay.http.get("/shops/0123456789/privacy").status_code == 404
    form_id = os.urandom(8).hex()
    secret, _ = _publish(relay, b, device_b, form_id)
    token = links.make_token(secret, form_id, USER, int(relay.clock()) + 86400)
    link = f"/shops/{b}/f/{form_id}/{token}"
    # Posts per link: 10, then 429 (a wrong post token each: nothing stored).
    codes = [_post(relay, link, "x").status_code for _ in range(11)]
    assert codes[:10] == [403] * 10 and codes[10] == 429
    relay.clock.advance(120)
    # Pages per address, counted across the shops' addresses (one limiter per relay).
    statuses = [relay.http.get(link if n % 2 else f"/shops/{b}/f/{form_id}").status_code
                for n in range(80)]
    assert 429 in statuses
    limited = relay.http.get(f"/shops/{b}/privacy")
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    relay.clock.advance(120)
    assert relay.http.get(link).status_code == 200
    assert _pulled(relay, b, device_b) == [] and _pulled(relay, a, device_a) == []
