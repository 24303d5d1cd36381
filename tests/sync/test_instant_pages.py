"""The public pages' LINE messages with the relay's autopilot on: sent by the relay the
moment it accepts the post, never again by the desktop. All real: the book (SQLCipher),
the relay on loopback, the LINE emulator (which enforces retry keys), the page posted over
HTTP as a browser posts it. The desktop is not running while the friend answers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from app.autopilot.client import AutopilotClient
from app.autopilot.pages import ITEM_MAGIC
from app.purchases import online
from app.store.models_instant import InstantSend
from emulator import RunningEmulator, run_in_thread
from emulator.stripe import RunningStripe, run_stripe_in_thread
from relay.autopilot_pages import ITEM_MAGIC as RELAY_ITEM_MAGIC
from relay.autopilot_pages import writable
from tests.relay.form_pages import csrf_of
from tests.relay.harness import (
    ManualClock,
    ThreadRelay,
    assert_nothing_personal,
    free_port,
    stored_bytes,
)
from tests.sync.conftest import Connected
from tests.sync.support import ACCESS_TOKEN, CHANNEL_SECRET, fast_worker, wait_until

KEY = b"the-relay-autopilot-key-0123456789"
SK = "sk_test_" + "instantpages0123456789"
WHSEC = "whsec_" + "instantpages0123456789"
CONFIRMATION = ("ご購入ありがとうございます。お支払いを確認しました。\n"
                "・コーヒー豆 × 2\n合計 ¥3,960（税込）")
THANKS = "{表示名}さん、ご回答ありがとうございました！"
FORM: dict[str, Any] = {
    "title": "アンケート", "line_thank_you": THANKS,
    "items": [{"key": "note", "type": "long_text", "label": "ご感想", "to": "memo"}]}
NOTE = "とても良かったです、また来ます"


@pytest.fixture
def emu_port() -> int:
    return free_port()


@pytest.fixture
def stripe_api() -> Iterator[RunningStripe]:
    running = run_stripe_in_thread(api_key=SK, webhook_secret=WHSEC)
    yield running
    running.stop()


@pytest.fixture
def relay(tmp_path: Path, emu_port: int, stripe_api: RunningStripe) -> Iterator[ThreadRelay]:
    running = ThreadRelay(f"sqlite:///{tmp_path / 'relay.db'}", tmp_path / "relay.log",
                          clock=ManualClock(), autopilot_key=KEY,
                          line_api_base=f"http://127.0.0.1:{emu_port}",
                          payments_key=b"payments-key-" + b"x" * 20,
                          stripe_api_base=stripe_api.base_url)
    stripe_api.stripe.webhook_url = f"{running.base_url}/stripe/webhook"
    yield running
    running.stop()


@pytest.fixture
def line(relay: ThreadRelay, emu_port: int) -> Iterator[RunningEmulator]:
    running = run_in_thread(channel_secret=CHANNEL_SECRET, access_token=ACCESS_TOKEN,
                            webhook_url=f"{relay.base_url}/line/webhook", quota=None, seed=5,
                            port=emu_port)
    yield running
    running.stop()


def _pushes(line: RunningEmulator, uid: str) -> list[str]:
    """Every text the friend received (push, or multicast from the desktop's engine)."""
    return [m["text"] for s in line.emulator.inbox(uid) for m in s["messages"]]


def _answer(connected: Connected, url: str) -> None:
    relay = connected.relay
    path = url.removeprefix(relay.base_url)
    sent = relay.http.post(path, data={"note": NOTE, "_csrf": csrf_of(relay.http.get(path).text)})
    assert sent.status_code == 200, sent.text
    assert "送信しました" in sent.text


def _friend(connected: Connected, name: str) -> str:
    e = connected.emulator
    uid = e.add_user(name)
    e.wait_for_deliveries(len(e.users()))
    fast_worker(connected.book).run_once()
    return uid


def _form(connected: Connected) -> str:
    book = connected.book
    info = book.forms.create(FORM)
    book.forms.publish(info.form_id)
    book.forms.upload(info.form_id)
    return info.form_id


def _out(connected: Connected, uid: str) -> list[str]:
    cid = connected.book.customers.by_line_user_id(uid)
    assert cid is not None
    return [m.text for m in connected.book.messages.messages(cid) if m.direction == "out"]


def test_magic_matches_the_relay() -> None:
    assert ITEM_MAGIC == RELAY_ITEM_MAGIC


def test_only_texts_the_relay_can_write_go_instantly() -> None:
    assert writable("ありがとう") == "ありがとう"
    assert writable("{名前}様、ありがとう") is None  # the book's name: the desktop's
    assert writable("{日時}にお待ちしています", {"日時": "12月7日(月) 10:00"}) \
        == "12月7日(月) 10:00にお待ちしています"
    assert writable("｛表示名｝さん") not in (None, "｛表示名｝さん")
    assert writable("  ") is None


def test_the_thank_you_goes_out_at_once_and_the_desktop_only_records_it(
        connected: Connected) -> None:
    book, line, relay = connected.book, connected.line, connected.relay
    uid = _friend(connected, "さくら")
    form_id = _form(connected)
    client = AutopilotClient(book)
    client.turn_on()
    # A form published after switching on: the relay learns its friend key too.
    later = book.forms.create({**FORM, "title": "二つ目"})
    book.forms.publish(later.form_id)
    book.forms.upload(later.form_id)

    # The desktop is closed now: the friend answers at 23:00.
    _answer(connected, book.forms.link(form_id, uid, days=7))
    thanks = "さくらさん、ご回答ありがとうございました！"
    assert _pushes(line, uid) == [thanks]  # at once: the page's answer came after the push
    _answer(connected, book.forms.link(later.form_id, uid, days=7))
    assert _pushes(line, uid) == [thanks, thanks]

    # The desktop opens and syncs: the thank-yous are in the chat, sent by the relay, and
    # the desktop sends nothing.
    fast_worker(book).run_once()
    assert _out(connected, uid) == [thanks, thanks]
    assert _pushes(line, uid) == [thanks, thanks]
    fast_worker(book).run_once()
    assert _pushes(line, uid) == [thanks, thanks]
    assert _out(connected, uid) == [thanks, thanks]
    with book.db.read() as s:
        assert set(s.scalars(select(InstantSend.state))) == {"done"}
    cid = book.customers.by_line_user_id(uid)
    assert cid is not None and book.customers.get(cid).memo == NOTE
    # The customer's timeline says the relay sent them (once per answer).
    assert [e.data for e in book.audit.timeline(cid) if e.kind == "autopilot_sent"] == [
        {"what": "form"}, {"what": "form"}]

    # After the send, the relay holds no readable user id, name, answer or sent text.
    personal = [uid, thanks, "さくら", NOTE]
    assert_nothing_personal("the relay's database", stored_bytes(relay.db_url), personal)
    assert_nothing_personal("the relay's log", relay.log_path.read_bytes(), personal)


def test_without_the_autopilot_the_desktop_sends_as_today(connected: Connected) -> None:
    book, line = connected.book, connected.line
    uid = _friend(connected, "ゆうこ")
    form_id = _form(connected)
    _answer(connected, book.forms.link(form_id, uid, days=7))
    assert _pushes(line, uid) == []  # the relay has no token: it cannot send
    fast_worker(book).run_once()
    thanks = "ゆうこさん、ご回答ありがとうございました！"
    wait_until(lambda: _pushes(line, uid), what="the desktop's thank-you")
    fast_worker(book).run_once()
    assert _pushes(line, uid) == [thanks]


def test_a_push_lost_on_the_way_is_sent_once(connected: Connected) -> None:
    """LINE took the push and the answer was lost: the relay tries again with the same
    retry key, LINE answers 409, and that counts as sent."""
    book, line = connected.book, connected.line
    uid = _friend(connected, "みき")
    form_id = _form(connected)
    AutopilotClient(book).turn_on()
    line.emulator.faults.add("push", "accept_then_drop")
    _answer(connected, book.forms.link(form_id, uid, days=7))
    assert _pushes(line, uid) == ["みきさん、ご回答ありがとうございました！"]
    fast_worker(book).run_once()
    assert _out(connected, uid) == ["みきさん、ご回答ありがとうございました！"]
    assert len(_pushes(line, uid)) == 1


def test_when_line_refuses_the_desktop_sends_it(connected: Connected) -> None:
    book, line = connected.book, connected.line
    uid = _friend(connected, "あおい")
    form_id = _form(connected)
    AutopilotClient(book).turn_on()
    line.emulator.faults.add("push", "429", count=3)  # the month's quota, say
    _answer(connected, book.forms.link(form_id, uid, days=7))
    assert _pushes(line, uid) == []
    fast_worker(book).run_once()  # the relay said "failed": the desktop sends it
    wait_until(lambda: _pushes(line, uid), what="the desktop's thank-you")
    fast_worker(book).run_once()
    assert _pushes(line, uid) == ["あおいさん、ご回答ありがとうございました！"]


def _pay(connected: Connected, url: str) -> str:
    """The friend's purchase on the product page, paid on the Stripe stand-in; the
    session id."""
    with httpx.Client() as client:
        page = client.get(url)
        sent = client.post(url, data={"_csrf": csrf_of(page.text), "qty.P1": "2"})
        assert sent.status_code == 303, sent.text
        pay_url = sent.headers["location"]
        paid = client.post(pay_url, data={"action": "pay", "email": "buyer@example.jp"})
        assert paid.status_code == 303, paid.text
    return str(pay_url.rsplit("/", 1)[1])


def _shop(connected: Connected, uid: str) -> str:
    book = connected.book
    book.purchases.add_product("P1", "コーヒー豆", 1980, tax_rate=8, stock=10)
    assert online.switch_on(book, SK, WHSEC) == 1
    return online.link(book, uid, days=7)


def test_the_order_confirmation_goes_out_when_stripe_says_paid(
        connected: Connected, stripe_api: RunningStripe) -> None:
    book, line, relay = connected.book, connected.line, connected.relay
    uid = _friend(connected, "はなこ")
    AutopilotClient(book).turn_on()
    url = _shop(connected, uid)  # switched on after the autopilot: its key is published too

    sid = _pay(connected, url)
    # Stripe's webhook was answered: the confirmation is at LINE already, desktop closed.
    assert _pushes(line, uid) == [CONFIRMATION]
    [event] = stripe_api.stripe.events()
    assert stripe_api.stripe.deliver(event["id"]) == 200  # Stripe again: nothing twice
    assert _pushes(line, uid) == [CONFIRMATION]

    fast_worker(book).run_once()
    cid = book.customers.by_line_user_id(uid)
    assert cid is not None
    [order] = book.purchases.history(cid)
    assert order.number == sid
    assert _out(connected, uid) == [CONFIRMATION]
    fast_worker(book).run_once()
    assert _pushes(line, uid) == [CONFIRMATION]
    personal = [uid, "はなこ", "buyer@example.jp", CONFIRMATION, "P1*2*1980"]
    assert_nothing_personal("the relay's database", stored_bytes(relay.db_url), personal)
    assert_nothing_personal("the relay's log", relay.log_path.read_bytes(), personal)


def test_without_the_autopilot_the_desktop_confirms_the_order(
        connected: Connected, stripe_api: RunningStripe) -> None:
    book, line = connected.book, connected.line
    uid = _friend(connected, "たろう")
    _pay(connected, _shop(connected, uid))
    assert _pushes(line, uid) == []
    fast_worker(book).run_once()
    wait_until(lambda: _pushes(line, uid), what="the desktop's confirmation")
    fast_worker(book).run_once()
    assert _pushes(line, uid) == [CONFIRMATION]
