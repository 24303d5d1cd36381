"""A booking's confirmation with the relay's autopilot on: the friend books on the relay's
page while the desktop is closed and the confirmation is at LINE at once; after the sync
the booking's history says it was sent and the desktop's booking messages send nothing.
Without the autopilot the desktop sends it as before. All real: book, relay on loopback,
the LINE emulator, the pages over HTTP."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.autopilot.client import AutopilotClient
from app.booking.messages import BookingMessages
from app.booking.service import booking_link
from emulator import RunningEmulator, run_in_thread
from tests.relay.harness import (
    ManualClock,
    ThreadRelay,
    assert_nothing_personal,
    free_port,
    stored_bytes,
)
from tests.sync.conftest import Connected
from tests.sync.support import ACCESS_TOKEN, CHANNEL_SECRET, fast_worker
from tests.sync.test_booking_front import EXAMPLE, NOW, NOW_S, csrf, path_of, set_up

KEY = b"the-relay-autopilot-key-0123456789"
TEMPLATE = "{表示名}さん、{日時}に{メニュー}（担当 {担当}）のご予約を承りました。"


@pytest.fixture
def emu_port() -> int:
    return free_port()


@pytest.fixture
def relay(tmp_path: Path, emu_port: int) -> Iterator[ThreadRelay]:
    running = ThreadRelay(f"sqlite:///{tmp_path / 'relay.db'}", tmp_path / "relay.log",
                          clock=ManualClock(NOW_S), autopilot_key=KEY,
                          line_api_base=f"http://127.0.0.1:{emu_port}")
    yield running
    running.stop()


@pytest.fixture
def line(relay: ThreadRelay, emu_port: int) -> Iterator[RunningEmulator]:
    running = run_in_thread(channel_secret=CHANNEL_SECRET, access_token=ACCESS_TOKEN,
                            webhook_url=f"{relay.base_url}/line/webhook", quota=None, seed=3,
                            port=emu_port)
    yield running
    running.stop()


def _setup() -> dict[str, Any]:
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return {**example, "messages": {"confirmation": TEMPLATE}}


def _received(line: RunningEmulator, uid: str) -> list[str]:
    return [m["text"] for s in line.emulator.inbox(uid) for m in s["messages"]]


def _book(connected: Connected, url: str) -> None:
    with httpx.Client(base_url=connected.relay.base_url) as http:
        confirm = path_of(url) + "/m/color/any/2026-12-07T10:00"
        done = http.post(confirm, data={"_csrf": csrf(http.get(confirm).text),
                                        "allergy": "なし"})
        assert done.status_code == 200 and "予約しました" in done.text, done.text


def test_the_confirmation_goes_out_at_once(connected: Connected) -> None:
    book, line, relay = connected.book, connected.line, connected.relay
    set_up(book, _setup())
    AutopilotClient(book).turn_on()
    uid = line.emulator.add_user("はなこ")
    _book(connected, booking_link(book, uid, now_s=NOW_S))
    sent = "はなこさん、12月7日(月) 10:00にカラー（担当 佐藤）のご予約を承りました。"
    assert _received(line, uid) == [sent]

    fast_worker(book).run_once()
    cid = book.customers.by_line_user_id(uid)
    assert cid is not None
    assert [m.text for m in book.messages.messages(cid) if m.direction == "out"] == [sent]
    [booking] = [b for b in BookingMessages(book).history() if b.kind == "confirmation"]
    assert booking.state == "sent"
    report = BookingMessages(book).run_due(NOW + dt.timedelta(minutes=5))
    assert report.sent == 0
    assert _received(line, uid) == [sent]
    personal = [uid, "はなこ", sent, "なし"]
    assert_nothing_personal("the relay's database", stored_bytes(relay.db_url), personal)
    assert_nothing_personal("the relay's log", relay.log_path.read_bytes(), personal)


def test_a_confirmation_only_the_desktop_can_write_is_the_desktops(
        connected: Connected) -> None:
    """{名前} is the name the shop typed in the book: the relay does not have it."""
    book, line = connected.book, connected.line
    set_up(book, {**_setup(), "messages": {"confirmation": "{名前}様、ご予約を承りました。"}})
    AutopilotClient(book).turn_on()
    uid = line.emulator.add_user("ゆき")
    line.emulator.wait_for_deliveries(1)
    fast_worker(book).run_once()  # the friend is in the book, with their LINE name
    _book(connected, booking_link(book, uid, now_s=NOW_S))
    assert _received(line, uid) == []
    fast_worker(book).run_once()
    assert BookingMessages(book).run_due(NOW + dt.timedelta(minutes=5)).sent == 1
    assert _received(line, uid) == ["ゆき様、ご予約を承りました。"]


def test_without_the_autopilot_the_desktop_confirms(connected: Connected) -> None:
    book, line = connected.book, connected.line
    set_up(book, _setup())
    uid = line.emulator.add_user("まこと")
    line.emulator.wait_for_deliveries(1)
    fast_worker(book).run_once()  # the friend is in the book, with their LINE name
    _book(connected, booking_link(book, uid, now_s=NOW_S))
    assert _received(line, uid) == []
    fast_worker(book).run_once()
    assert BookingMessages(book).run_due(NOW + dt.timedelta(minutes=5)).sent == 1
    assert BookingMessages(book).run_due(NOW + dt.timedelta(minutes=6)).sent == 0
    assert _received(line, uid) == [
        "まことさん、12月7日(月) 10:00にカラー（担当 佐藤）のご予約を承りました。"]
