"""Online payment end to end, all real: the relay's product page over loopback HTTP, a
Checkout Session made with the official ``stripe`` library against the Stripe stand-in
(emulator/stripe.py), its hosted page paid, Stripe's signed webhook, the order sealed and
applied by the desktop's sync; refunds the same way; forged, replayed and unknown
webhooks refused with nothing stored."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import stripe
from sqlalchemy import func, select

from app.purchases import online
from app.purchases.service import TAG_BUYER
from emulator.stripe import RunningStripe, run_stripe_in_thread, sign
from relay.schema import queue
from tests.relay.harness import ManualClock, ThreadRelay, assert_nothing_personal, stored_bytes
from tests.sync.conftest import Connected
from tests.sync.support import fast_worker

SK = "sk_test_" + "4eC39HqLyjWDarjtT1zdp7dc"
WHSEC = "whsec_" + "testsecret0123456789"
CSRF = re.compile(r'name="_csrf" value="([^"]+)"')
BUYER_EMAIL = "hanako.buyer@example.jp"


@pytest.fixture
def stripe_api() -> Iterator[RunningStripe]:
    running = run_stripe_in_thread(api_key=SK, webhook_secret=WHSEC)
    yield running
    running.stop()


@pytest.fixture
def relay(tmp_path: Path, stripe_api: RunningStripe) -> Iterator[ThreadRelay]:
    """The sync fixtures' relay, with online payment possible (overrides conftest's)."""
    running = ThreadRelay(f"sqlite:///{tmp_path / 'relay.db'}", tmp_path / "relay.log",
                          clock=ManualClock(), payments_key=b"payments-key-" + b"x" * 20,
                          stripe_api_base=stripe_api.base_url)
    stripe_api.stripe.webhook_url = f"{running.base_url}/stripe/webhook"
    yield running
    running.stop()


@pytest.fixture
def shop(connected: Connected, stripe_api: RunningStripe) -> tuple[Connected, str, str]:
    book, e = connected.book, connected.emulator
    uid = e.add_user("はなこ")
    e.wait_for_deliveries(1)
    fast_worker(book).run_once()
    book.purchases.add_product("P1", "コーヒー豆", 1980, tax_rate=8, stock=10)
    book.purchases.add_product("P2", "カット", 4400)
    book.purchases.add_product("P3", "非公開の品", 100, shown=False)
    assert online.switch_on(book, SK, WHSEC) == 2
    return connected, uid, online.link(book, uid, days=7)


def _checkout(client: httpx.Client, url: str, **qty: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, page.text
    assert "コーヒー豆" in page.text and "非公開の品" not in page.text
    csrf = CSRF.search(page.text)
    assert csrf
    sent = client.post(url, data={"_csrf": csrf.group(1),
                                  **{f"qty.{k}": v for k, v in qty.items()}})
    assert sent.status_code == 303, sent.text
    return sent.headers["location"]


def _queued(relay: ThreadRelay) -> int:
    with relay.store.read_transaction() as conn:
        return int(conn.execute(select(func.count()).select_from(queue)).scalar_one())


def test_a_friend_pays_and_the_order_is_in_the_book_then_refunded(
        shop, stripe_api: RunningStripe) -> None:
    connected, uid, url = shop
    book, relay, fake = connected.book, connected.relay, stripe_api.stripe
    with httpx.Client() as client:
        pay_url = _checkout(client, url, P1="2", P2="0")
        assert pay_url.startswith(stripe_api.base_url + "/c/pay/cs_test_")
        paid = client.post(pay_url, data={"action": "pay", "email": BUYER_EMAIL,
                                          "name": "HANAKO YAMADA"})
        assert paid.status_code == 303 and paid.headers["location"].endswith("/shop/done")
        assert "お支払いが完了しました" in client.get(paid.headers["location"]).text
    [event] = fake.events()
    assert event["type"] == "checkout.session.completed"
    assert fake.answers[event["id"]] == [200]
    fast_worker(book).run_once()

    cid = book.customers.by_line_user_id(uid)
    [order] = book.purchases.history(cid)
    sid = pay_url.rsplit("/", 1)[1]
    assert (order.number, order.total, order.source, order.status) == (
        sid, 3960, "online", "paid")
    assert [(x.name, x.quantity, x.unit_price, x.tax_rate) for x in order.lines] == [
        ("コーヒー豆", 2, 1980, 8)]
    assert book.customers.get(cid).email == BUYER_EMAIL
    names = {t.id: t.name for t in book.tags.list()}
    assert TAG_BUYER in {names[t] for t in book.customers.tag_ids_of(cid)}
    assert [p.stock for p in book.purchases.products() if p.code == "P1"] == [8]

    # Stripe retries the same event (it never heard our 200): taken once.
    before = _queued(relay)
    assert fake.deliver(event["id"]) == 200
    assert _queued(relay) == before
    fast_worker(book).run_once()
    assert len(book.purchases.history(cid)) == 1
    # The buyer got the confirmation in LINE, once.
    texts = [m["text"] for sent in connected.emulator.inbox(uid) for m in sent["messages"]]
    assert texts == ["ご購入ありがとうございます。お支払いを確認しました。\n"
                     "・コーヒー豆 × 2\n合計 ¥3,960（税込）"]

    # Refunds, made at Stripe (the dashboard, or the API with the official library).
    client = stripe.StripeClient(SK, base_addresses={"api": stripe_api.base_url})
    pi = fake.sessions[sid]["payment_intent"]
    client.v1.refunds.create(params={"payment_intent": pi, "amount": 1000})
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.refunds.create(params={"payment_intent": pi, "amount": 5000})
    fast_worker(book).run_once()
    order = book.purchases.get(order.id)
    assert (order.refunded, order.status) == (1000, "partially_refunded")
    refund_events = [e for e in fake.events() if e["type"] == "charge.refunded"]
    fake.deliver(refund_events[0]["id"])  # again: nothing twice
    client.v1.refunds.create(params={"payment_intent": pi})
    fast_worker(book).run_once()
    order = book.purchases.get(order.id)
    assert (order.refunded, order.status) == (3960, "refunded")

    # The relay kept nothing readable about the buyer or what they bought.
    said = [BUYER_EMAIL, "HANAKO YAMADA", "P1*2*1980"]
    assert_nothing_personal("the relay's database", stored_bytes(relay.db_url), said)
    assert_nothing_personal("the relay's log", relay.log_path.read_bytes(), said)


def test_forged_replayed_and_unknown_webhooks_are_refused(
        shop, stripe_api: RunningStripe) -> None:
    connected, uid, url = shop
    relay, fake = connected.relay, stripe_api.stripe
    hook = f"{relay.base_url}/stripe/webhook"
    with httpx.Client() as client:
        pay_url = _checkout(client, url, P2="1")
        # A declined card: no payment, no event.
        declined = client.post(pay_url, data={"action": "pay", "card": "4000000000000002"})
        assert declined.status_code == 402 and fake.events() == []
        assert client.post(pay_url, data={"action": "pay"}).status_code == 303
    [event] = fake.events()
    before = _queued(relay)
    # Signed with another secret, or not signed: refused.
    assert fake.deliver(event["id"], secret="whsec_forged") == 400
    payload = json.dumps(event).encode()
    assert httpx.post(hook, content=payload).status_code == 400
    # A body changed after signing: refused.
    header = sign(payload, WHSEC, int(relay.clock()))
    assert httpx.post(hook, content=payload.replace(b"4400", b"1"),
                      headers={"Stripe-Signature": header}).status_code == 400
    # Replayed outside the window (the relay's clock 6 minutes later): refused.
    assert fake.deliver(event["id"], timestamp=int(relay.clock()) - 301) == 400
    # A session this relay never started (made straight at Stripe), paid: refused.
    direct = stripe.StripeClient(SK, base_addresses={"api": stripe_api.base_url})
    other = direct.v1.checkout.sessions.create(params={
        "mode": "payment", "success_url": "http://127.0.0.1/ok",
        "metadata": {"otokui_request": "0" * 32},
        "line_items": [{"quantity": 1, "price_data": {
            "currency": "jpy", "unit_amount": 500, "product_data": {"name": "x"}}}]})
    httpx.post(other.url, data={"action": "pay"})
    unknown = [e for e in fake.events() if e["data"]["object"]["id"] == other.id]
    assert fake.answers[unknown[0]["id"]] == [400]
    assert _queued(relay) == before
    fast_worker(connected.book).run_once()
    # Only the genuine payment is in the book.
    book = connected.book
    [order] = book.purchases.history(book.customers.by_line_user_id(uid))
    assert (order.number, order.total) == (pay_url.rsplit("/", 1)[1], 4400)
