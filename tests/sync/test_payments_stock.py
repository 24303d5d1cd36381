"""The product page never sells what the shop does not have (relay/payments/stock.py),
all real: the relay over loopback HTTP, Checkout Sessions made with the official
``stripe`` library against the Stripe stand-in, the desktop's publish and sync.
SQLite always; PostgreSQL too when ``OTOKUI_TEST_POSTGRES_URL`` is set."""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from app.purchases import online
from emulator.stripe import RunningStripe, run_stripe_in_thread, sign
from tests.relay.harness import ManualClock, ThreadRelay, postgres_database
from tests.sync.conftest import Connected
from tests.sync.support import fast_worker

SK = "sk_test_" + "4eC39HqLyjWDarjtT1zdp7dc"
WHSEC = "whsec_" + "testsecret0123456789"
CSRF = re.compile(r'name="_csrf" value="([^"]+)"')
HOUR = 3600


@pytest.fixture
def stripe_api() -> Iterator[RunningStripe]:
    running = run_stripe_in_thread(api_key=SK, webhook_secret=WHSEC)
    yield running
    running.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def relay(request: pytest.FixtureRequest, tmp_path: Path,
          stripe_api: RunningStripe) -> Iterator[ThreadRelay]:
    """The sync fixtures' relay with online payment, on SQLite or PostgreSQL."""
    def start(url: str) -> ThreadRelay:
        return ThreadRelay(url, tmp_path / "relay.log", clock=ManualClock(),
                           payments_key=b"payments-key-" + b"x" * 20,
                           stripe_api_base=stripe_api.base_url)

    if request.param == "sqlite":
        running = start(f"sqlite:///{tmp_path / 'relay.db'}")
        stripe_api.stripe.webhook_url = f"{running.base_url}/stripe/webhook"
        stripe_api.stripe.clock = running.clock  # Stripe's time and the relay's agree
        yield running
        running.stop()
        return
    base = os.environ.get("OTOKUI_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("OTOKUI_TEST_POSTGRES_URL is not set: no PostgreSQL server to test against")
    with postgres_database(base) as url:
        running = start(url)
        stripe_api.stripe.webhook_url = f"{running.base_url}/stripe/webhook"
        stripe_api.stripe.clock = running.clock  # Stripe's time and the relay's agree
        yield running
        running.stop()


@pytest.fixture
def shop(connected: Connected) -> tuple[Connected, str]:
    book, e = connected.book, connected.emulator
    uid = e.add_user("はなこ")
    e.wait_for_deliveries(1)
    fast_worker(book).run_once()
    book.purchases.add_product("P1", "コーヒー豆", 1980, tax_rate=8, stock=1)
    book.purchases.add_product("P2", "カット", 4400)  # not counted: never sold out
    assert online.switch_on(book, SK, WHSEC) == 2
    return connected, uid


def _open(client: httpx.Client, url: str) -> tuple[str, str]:
    page = client.get(url)
    assert page.status_code == 200, page.text
    csrf = CSRF.search(page.text)
    assert csrf
    return page.text, csrf.group(1)


def _post(client: httpx.Client, url: str, csrf: str, **qty: str) -> httpx.Response:
    return client.post(url, data={"_csrf": csrf, **{f"qty.{k}": v for k, v in qty.items()}})


def _p1(page: str) -> str:
    """The coffee beans' item on the page."""
    found = re.search(r'<div class="item" id="item-1">.*?</div>', page, re.S)
    assert found
    return found.group(0)


def test_the_last_item_is_reserved_refused_freed_by_expiry_then_sold(
        shop: tuple[Connected, str], stripe_api: RunningStripe) -> None:
    connected, uid = shop
    book, relay = connected.book, connected.relay
    url = online.link(book, uid, days=7)
    with httpx.Client() as client:
        page, csrf = _open(client, url)
        assert "残り1点" in _p1(page) and "disabled" not in _p1(page)
        # A stale tab still showing it in stock: the first checkout reserves the last one.
        _, stale = _open(client, url)
        first = _post(client, url, csrf, P1="1")
        assert first.status_code == 303, first.text
        page, _ = _open(client, url)
        assert "売り切れ" in _p1(page) and "disabled" in _p1(page)
        assert "残り" not in _p1(page)
        assert 'name="qty.P2"' in page and "<button type=\"submit\">" in page  # P2 still sells
        refused = _post(client, url, stale, P1="1")
        assert refused.status_code == 409
        assert "在庫がありません" in refused.text and "売り切れました" in refused.text
        assert len(stripe_api.stripe.sessions) == 1

        # Nobody pays: the session expires in an hour (expires_at asked of Stripe), then
        # the item is on sale again.
        sid = first.headers["location"].rsplit("/", 1)[1]
        assert stripe_api.stripe.sessions[sid]["expires_at"] == int(relay.clock()) + HOUR
        relay.clock.advance(HOUR - 60)
        assert "売り切れ" in _p1(_open(client, url)[0])
        relay.clock.advance(120)
        page, csrf = _open(client, url)
        assert "残り1点" in _p1(page)
        second = _post(client, url, csrf, P1="1", P2="1")
        assert second.status_code == 303, second.text
        paid = client.post(second.headers["location"], data={"action": "pay"})
        assert paid.status_code == 303
        page, _ = _open(client, url)
        assert "売り切れ" in _p1(page)

    # The desktop publishes before it has pulled the paid order (its stock still 1): the
    # relay keeps counting the sale, the page stays sold out.
    assert [p.stock for p in book.purchases.products() if p.code == "P1"] == [1]
    online.switch_on(book, SK, WHSEC)
    with httpx.Client() as client:
        assert "売り切れ" in _p1(_open(client, url)[0])
    fast_worker(book).run_once()
    assert [p.stock for p in book.purchases.products() if p.code == "P1"] == [0]
    online.switch_on(book, SK, WHSEC)  # now the book counts it, the relay no longer
    with httpx.Client() as client:
        assert "売り切れ" in _p1(_open(client, url)[0])
    # Restocked in the book: 2 on the page, not 1 (the sale is not counted twice).
    book.purchases.add_product("P1", "コーヒー豆", 1980, tax_rate=8, stock=2)
    online.switch_on(book, SK, WHSEC)
    with httpx.Client() as client:
        page, csrf = _open(client, url)
        assert "残り2点" in _p1(page)
        short = _post(client, url, csrf, P1="3")  # more than left (an edited form)
        assert short.status_code == 409 and "残り2点です" in short.text


def test_stripes_expired_webhook_frees_the_reservation(
        shop: tuple[Connected, str], stripe_api: RunningStripe) -> None:
    connected, uid = shop
    book, relay = connected.book, connected.relay
    url = online.link(book, uid, days=7)
    with httpx.Client() as client:
        _, csrf = _open(client, url)
        sent = _post(client, url, csrf, P1="1")
        assert sent.status_code == 303
        sid = sent.headers["location"].rsplit("/", 1)[1]
        assert "売り切れ" in _p1(_open(client, url)[0])
        session = dict(stripe_api.stripe.sessions[sid], status="expired")
        session.pop("_lines", None)
        event = {"id": "evt_" + secrets.token_hex(12), "object": "event",
                 "type": "checkout.session.expired", "created": int(relay.clock()),
                 "data": {"object": session}}
        payload = json.dumps(event).encode()
        forged = client.post(f"{relay.base_url}/stripe/webhook", content=payload, headers={
            "Stripe-Signature": sign(payload, "whsec_wrong", int(relay.clock()))})
        assert forged.status_code == 400
        assert "売り切れ" in _p1(_open(client, url)[0])
        hook = client.post(f"{relay.base_url}/stripe/webhook", content=payload, headers={
            "Stripe-Signature": sign(payload, WHSEC, int(relay.clock()))})
        assert hook.status_code == 200, hook.text
        assert "残り1点" in _p1(_open(client, url)[0])
        again = client.post(f"{relay.base_url}/stripe/webhook", content=payload, headers={
            "Stripe-Signature": sign(payload, WHSEC, int(relay.clock()))})
        assert again.status_code == 200
        assert "残り1点" in _p1(_open(client, url)[0])  # released once, not twice


def test_twenty_checkouts_at_once_for_the_last_item_make_exactly_one_session(
        shop: tuple[Connected, str], stripe_api: RunningStripe) -> None:
    connected, _ = shop
    book = connected.book
    # Twenty friends (each their own link: the per-link rate limit is not what is tested).
    urls = [online.link(book, "U" + secrets.token_hex(16), days=7) for _ in range(20)]
    with httpx.Client() as client:
        forms = [(u, _open(client, u)[1]) for u in urls]

    def buy(form: tuple[str, str]) -> httpx.Response:
        with httpx.Client(timeout=60) as own:
            return _post(own, form[0], form[1], P1="1")

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(buy, forms))
    assert sorted(a.status_code for a in answers) == [303] + [409] * 19
    assert all("在庫がありません" in a.text for a in answers if a.status_code == 409)
    assert len(stripe_api.stripe.sessions) == 1
    with httpx.Client() as client:
        assert "売り切れ" in _p1(_open(client, urls[0])[0])


def test_a_payment_arriving_after_its_hold_lapsed_is_still_counted(
        shop: tuple[Connected, str], stripe_api: RunningStripe) -> None:
    connected, uid = shop
    book, relay = connected.book, connected.relay
    url = online.link(book, uid, days=7)
    with httpx.Client() as client:
        _, csrf = _open(client, url)
        sent = _post(client, url, csrf, P1="1")
        relay.clock.advance(HOUR + 60)  # the relay let the hold go...
        assert "残り1点" in _p1(_open(client, url)[0])
        # ...but Stripe took the payment (its clock behind the relay's): it is sold.
        assert client.post(sent.headers["location"], data={"action": "pay"}).status_code == 303
        page, csrf = _open(client, url)
        assert "売り切れ" in _p1(page)
        assert _post(client, url, csrf, P1="1").status_code == 409
    fast_worker(book).run_once()
    assert [p.stock for p in book.purchases.products() if p.code == "P1"] == [0]
