"""The receipt sent to the buyer on LINE, all real: the book, the relay on loopback HTTP,
the LINE emulator. The desktop encrypts the PDF with a fresh key and uploads only the
ciphertext; the buyer's message carries ``{relay}/receipt/{id}/{key}``; the relay decrypts
in memory to serve it. A wrong key is 404; past its expiry the receipt is deleted (410,
then 404); the owner can delete it sooner; the relay's files hold no readable receipt."""

from __future__ import annotations

import re
import secrets

import httpx
import pytest

from app.purchases.receipt import set_issuer
from app.purchases.receipt_link import (
    ReceiptNoFriendError,
    delete_receipt,
    send_receipt,
)
from app.purchases.service import SaleLine
from relay.receipts import crypto
from relay.receipts.http import purge
from tests.relay.harness import stored_bytes
from tests.sync.conftest import Connected
from tests.sync.support import fast_worker

URL = re.compile(r"(http://127\.0\.0\.1:\d+/receipt/[0-9a-f]{32}/[A-Za-z0-9_-]{43})")


def _shop(connected: Connected) -> tuple[str, int]:
    book, e = connected.book, connected.emulator
    uid = e.add_user("はなこ")
    e.wait_for_deliveries(1)
    fast_worker(book).run_once()
    cid = book.customers.by_line_user_id(uid)
    assert cid is not None
    beans = book.purchases.add_product("P1", "コーヒー豆", 1980, tax_rate=8)
    order_id = book.purchases.quick_sale(cid, [SaleLine(product_id=beans, quantity=2)])
    set_issuer(book, "喫茶おとくい", "T1234567890123")
    return uid, order_id


def _texts(connected: Connected, uid: str) -> list[str]:
    return [m["text"] for sent in connected.emulator.inbox(uid) for m in sent["messages"]
            if m["type"] == "text"]


def test_the_buyer_opens_the_receipt_and_the_relay_cannot_read_it(connected: Connected) -> None:
    book, relay = connected.book, connected.relay
    uid, order_id = _shop(connected)
    sent = send_receipt(book, order_id, days=7)
    [text] = _texts(connected, uid)
    found = URL.search(text)
    assert found is not None and found.group(1) == sent.url
    assert "領収書" in text and book.purchases.get(order_id).number in text
    got = httpx.get(sent.url)
    assert got.status_code == 200 and got.headers["content-type"] == "application/pdf"
    assert got.content.startswith(b"%PDF") and len(got.content) == sent.size
    assert got.headers["cache-control"] == "no-store"
    # A wrong key (well formed), a key of the wrong shape, another id: the same 404.
    base, key = sent.url.rsplit("/", 1)
    other = crypto.key_text(secrets.token_bytes(32))
    assert httpx.get(f"{base}/{other}").status_code == 404
    assert httpx.get(f"{base}/{key[:-1]}").status_code == 404
    assert httpx.get(f"{relay.base_url}/receipt/{secrets.token_hex(16)}/{key}"
                     ).status_code == 404
    # Nothing of the receipt readable on the relay: no PDF bytes, not the key.
    stored = stored_bytes(relay.db_url)
    log = relay.log_path.read_bytes()
    raw = crypto.key_of(key)
    assert raw is not None
    for where in (stored, log):
        assert b"%PDF" not in where
        assert got.content[200:264] not in where and got.content[-64:] not in where
        assert key.encode() not in where and raw not in where and raw.hex().encode() not in where
    # Sending again is another link (another key): the message is sent once per link.
    again = send_receipt(book, order_id, days=7)
    assert again.url != sent.url and len(_texts(connected, uid)) == 2


def test_expiry_and_deletion(connected: Connected) -> None:
    book, relay = connected.book, connected.relay
    _uid, order_id = _shop(connected)
    short = send_receipt(book, order_id, days=1, now=relay.clock())
    kept = send_receipt(book, order_id, days=30, now=relay.clock())
    assert httpx.get(short.url).status_code == 200
    relay.clock.advance(86400 + 1)
    expired = httpx.get(short.url)
    assert expired.status_code == 410 and "公開期間が終わりました" in expired.text
    assert httpx.get(short.url).status_code == 404  # deleted when it was asked for
    assert httpx.get(kept.url).status_code == 200
    assert delete_receipt(book, kept.receipt_id) is True
    assert httpx.get(kept.url).status_code == 404
    assert delete_receipt(book, kept.receipt_id) is False
    # The purge loop removes expired ones nobody asked for.
    third = send_receipt(book, order_id, days=1, now=relay.clock())
    relay.clock.advance(86400 + 1)
    assert purge(relay.store, int(relay.clock() * 1000)) == 1
    assert httpx.get(third.url).status_code == 404


def test_refusals(connected: Connected) -> None:
    book, relay = connected.book, connected.relay
    _shop(connected)
    counter = book.purchases.quick_sale(None, [SaleLine(name="ギフト券", unit_price=1000)])
    with pytest.raises(ReceiptNoFriendError):
        send_receipt(book, counter)
    device = relay.pair()
    headers = {"Authorization": f"Bearer {device.token}"}
    rid = secrets.token_hex(16)
    far = int((relay.clock() + 500 * 86400) * 1000)
    soon = int((relay.clock() + 3600) * 1000)
    with httpx.Client(base_url=relay.base_url) as client:
        assert client.put(f"/v1/receipts/{rid}", content=b"ORC1" + b"x" * 40,
                          params={"expires_at": far}, headers=headers).status_code == 400
        assert client.put(f"/v1/receipts/{rid}", content=b"plain %PDF bytes" * 4,
                          params={"expires_at": soon}, headers=headers).status_code == 400
        assert client.put(f"/v1/receipts/{rid}", content=b"ORC1" + b"x" * 40,
                          params={"expires_at": soon}).status_code == 401
        assert client.put(f"/v1/receipts/{rid}", content=b"ORC1" + b"x" * 40,
                          params={"expires_at": soon}, headers=headers).status_code == 200
        assert client.put(f"/v1/receipts/{rid}", content=b"ORC1" + b"y" * 40,
                          params={"expires_at": soon}, headers=headers).status_code == 409


def test_sent_from_the_orders_list(connected: Connected, qtbot) -> None:
    """The window's 「領収書をLINEで送る」 (in the background), on a connected book."""
    from ui.purchases.orders import OrdersDialog

    book = connected.book
    uid, order_id = _shop(connected)
    dialog = OrdersDialog(book)
    qtbot.addWidget(dialog)
    assert not dialog.send_receipt_button.isEnabled()
    assert dialog.select_number(book.purchases.get(order_id).number)
    assert dialog.send_receipt_button.isEnabled()
    dialog.send_receipt_button.click()
    qtbot.waitUntil(lambda: dialog.sending is None, timeout=30000)
    assert dialog.message.text() == "Sent the receipt's link on LINE."
    [text] = _texts(connected, uid)
    found = URL.search(text)
    assert found is not None
    assert httpx.get(found.group(1)).content.startswith(b"%PDF")
