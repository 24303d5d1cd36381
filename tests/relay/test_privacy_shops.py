"""One relay, several shops: each shop's privacy policy at its own public page
(``/privacy/<shop id>``), the default shop's still at ``/privacy``, and each form's page
linking the policy of its own shop (real relay on loopback HTTP)."""

from __future__ import annotations

import os
from typing import Any

from tests.relay.test_shops import two_shops  # noqa: F401


def _policy(name: str, version: int = 1) -> dict[str, Any]:
    return {"version": version, "title": "プライバシーポリシー", "business_name": name,
            "effective_date": "2026-12-01",
            "sections": [{"heading": "1. 事業者の名称", "paragraphs": [f"名称：{name}"]}]}


def test_each_shop_has_its_own_policy_page(two_shops: Any) -> None:  # noqa: F811
    relay, (a, device_a), (b, device_b) = two_shops
    put = relay.http.put(f"/shops/{a}/v1/privacy-policy", json=_policy("花屋さくら"),
                         headers=device_a.auth)
    assert put.status_code == 201, put.text
    # the same version number for the other shop is its own, not a conflict
    put = relay.http.put(f"/shops/{b}/v1/privacy-policy", json=_policy("カフェ<青空>"),
                         headers=device_b.auth)
    assert put.status_code == 201, put.text
    page_a = relay.http.get(f"/privacy/{a}")
    assert page_a.status_code == 200 and "名称：花屋さくら" in page_a.text
    assert "カフェ" not in page_a.text
    page_b = relay.http.get(f"/privacy/{b}")
    assert "カフェ&lt;青空&gt;" in page_b.text and "<青空>" not in page_b.text
    assert page_b.headers["content-security-policy"]
    # the default shop has published nothing: its page says so
    default = relay.http.get("/privacy")
    assert default.status_code == 200 and "まだこのページに掲載されていません" in default.text
    assert relay.http.get("/privacy/0123456789").status_code == 404  # no such shop
    assert relay.http.get("/privacy/..%2f..%2fetc").status_code == 404
    shown = relay.http.get(f"/shops/{a}/v1/privacy-policy", headers=device_a.auth)
    assert shown.json() == {"version": 1, "effective_date": "2026-12-01",
                            "path": f"/privacy/{a}"}
    # another shop's device cannot publish for this one
    assert relay.http.put(f"/shops/{a}/v1/privacy-policy", json=_policy("x", 2),
                          headers=device_b.auth).status_code == 401


def test_a_forms_consent_links_its_shops_policy(two_shops: Any) -> None:  # noqa: F811
    relay, (a, device_a), _b = two_shops
    form_id = os.urandom(8).hex()
    definition = {"title": "ご来店アンケート", "items": [
        {"key": "consent", "type": "consent", "label": "同意します", "required": True}]}
    put = relay.http.put(f"/shops/{a}/v1/forms/{form_id}", headers=device_a.auth,
                         json={"version": 1, "definition": definition})
    assert put.status_code == 201, put.text
    page = relay.http.get(f"/f/{form_id}")
    assert page.status_code == 200, page.text
    assert f'href="/privacy/{a}"' in page.text
