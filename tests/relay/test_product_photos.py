"""Product photos on the relay's product page: sent with the catalogue, shown as <img> on
the page, served by their own URL as what they are (JPEG/PNG by their bytes); a disguised
or oversized file is refused with the whole catalogue."""

from __future__ import annotations

import base64
import secrets
from pathlib import Path

import pytest

from relay.forms import links
from relay.payments.http import MAX_PHOTO_BYTES
from tests.relay.harness import ManualClock, ThreadRelay

JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF\x00" + secrets.token_bytes(2000) + b"\xff\xd9"
EXE = b"MZ\x90\x00" + secrets.token_bytes(500)


@pytest.fixture
def relay(tmp_path: Path):  # type: ignore[no-untyped-def]
    r = ThreadRelay(f"sqlite:///{tmp_path / 'r.db'}", tmp_path / "r.log",
                    clock=ManualClock(), payments_key=b"k" * 20)
    yield r
    r.stop()


def _put(relay: ThreadRelay, products: list[dict[str, object]]) -> tuple[int, str, bytes]:
    """Switch payments on; returns the status, the page id and the link secret."""
    device = relay.pair()
    page_id = secrets.token_hex(8)
    secret = secrets.token_bytes(32)
    mac_key, _ = links.keys_for(secret, page_id)
    answer = relay.http.put("/v1/payments", headers=device.auth, json={
        "page_id": page_id, "link_key": base64.b64encode(mac_key).decode(),
        "secret_key": "sk_test_abcdef", "webhook_secret": "whsec_abcdef",
        "products": products})
    return answer.status_code, page_id, secret


def test_a_photo_is_shown_and_served(relay: ThreadRelay) -> None:
    status, page_id, secret = _put(relay, [
        {"code": "P1", "name": "コーヒー豆", "price": 1980, "tax_rate": 8,
         "photo": base64.b64encode(JPEG).decode()},
        {"code": "P2", "name": "カット", "price": 4400}])
    assert status == 200
    token = links.make_token(secret, page_id, "U" + "1" * 32, 2**31 - 1)
    got = relay.http.get(f"/shop/{page_id}/photo/P1")
    assert got.status_code == 200 and got.content == JPEG
    assert got.headers["content-type"] == "image/jpeg"
    assert got.headers["x-content-type-options"] == "nosniff"
    assert relay.http.get(f"/shop/{page_id}/photo/P2").status_code == 404  # none
    assert relay.http.get(f"/shop/{page_id}/photo/nope").status_code == 404
    assert relay.http.get("/shop/zz/photo/P1").status_code == 404
    page = relay.http.get(f"/shop/{page_id}/{token}")
    assert page.status_code == 200, page.text
    assert f'src="/shop/{page_id}/photo/P1"' in page.text and 'alt="コーヒー豆"' in page.text
    assert page.text.count("product-photo") == 1  # P2 has none


@pytest.mark.parametrize("photo", [
    base64.b64encode(EXE).decode(),                                  # an .exe, whatever its name
    base64.b64encode(b"\xff\xd8\xff" + b"\x00" * MAX_PHOTO_BYTES).decode(),  # too big
    "not base64!"])
def test_a_disguised_or_oversized_photo_is_refused(relay: ThreadRelay, photo: str) -> None:
    status, _page, _key = _put(relay, [{"code": "P1", "name": "豆", "price": 1980,
                                        "photo": photo}])
    assert status == 400
