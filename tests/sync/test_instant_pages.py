"""The public pages' LINE messages with the relay's autopilot on: sent by the relay the
moment it accepts the post, never again by the desktop. All real: the book (SQLCipher),
the relay on loopback, the LINE emulator (which enforces retry keys), the page posted over
HTTP as a browser posts it. The desktop is not running while the friend answers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.autopilot.client import AutopilotClient
from app.autopilot.pages import ITEM_MAGIC
from app.store.models_instant import InstantSend
from emulator import RunningEmulator, run_in_thread
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
THANKS = "{表示名}さん、ご回答ありがとうございました！"
FORM: dict[str, Any] = {
    "title": "アンケート", "line_thank_you": THANKS,
    "items": [{"key": "note", "type": "long_text", "label": "ご感想", "to": "memo"}]}
NOTE = "とても良かったです、また来ます"


@pytest.fixture
def emu_port() -> int:
    return free_port()


@pytest.fixture
def relay(tmp_path: Path, emu_port: int) -> Iterator[ThreadRelay]:
    running = ThreadRelay(f"sqlite:///{tmp_path / 'relay.db'}", tmp_path / "relay.log",
                          clock=ManualClock(), autopilot_key=KEY,
                          line_api_base=f"http://127.0.0.1:{emu_port}")
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
    return [m["text"] for s in line.emulator.inbox(uid) if s.get("endpoint") == "push"
            for m in s["messages"]]


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
