"""A form opened through LIFF with the relay's autopilot on: the relay knows the friend from
the ID token it verified with LINE Login (the emulator's), so the thank-you goes out at once
with no friend key at all; the desktop records it and sends nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.autopilot.client import AutopilotClient
from app.book import Book
from app.sync.pairing import connect
from emulator import ManualClock, RunningEmulator, run_in_thread
from tests.relay.form_pages import csrf_of
from tests.relay.harness import ManualClock as RelayClock
from tests.relay.harness import ThreadRelay, assert_nothing_personal, stored_bytes
from tests.sync.support import ACCESS_TOKEN, CHANNEL_SECRET, fast_worker
from tests.sync.test_form_liff import LIFF_ID

THANKS = "ご回答ありがとうございました！"
FORM = {"title": "ご予約前アンケート", "line_thank_you": THANKS, "items": [
    {"key": "note", "type": "long_text", "label": "ご要望", "to": "memo"}]}


@pytest.fixture
def line() -> Iterator[RunningEmulator]:
    running = run_in_thread(channel_secret=CHANNEL_SECRET, access_token=ACCESS_TOKEN,
                            webhook_url=None, quota=None, seed=13,
                            clock=ManualClock(start=RelayClock().now))
    yield running
    running.stop()


@pytest.fixture
def relay(tmp_path: Path, line: RunningEmulator) -> Iterator[ThreadRelay]:
    running = ThreadRelay(f"sqlite:///{tmp_path / 'relay.db'}", tmp_path / "relay.log",
                          clock=RelayClock(), liff_id=LIFF_ID,
                          line_login_channel_id=line.emulator.login.channel_id,
                          line_login_api=line.base_url,
                          liff_sdk_url=f"{line.base_url}/_emulator/liff/sdk.js",
                          autopilot_key=b"the-relay-autopilot-key-0123456789",
                          line_api_base=line.base_url)
    line.emulator.configure(webhook_url=f"{running.base_url}/line/webhook")
    yield running
    running.stop()


def test_a_liff_answer_gets_its_thank_you_at_once(book: Book, line: RunningEmulator,
                                                  relay: ThreadRelay) -> None:
    e = line.emulator
    connect(book, relay_url=relay.base_url, pairing_code=relay.pairing_code(),
            access_token=ACCESS_TOKEN, channel_secret=CHANNEL_SECRET, api_base=line.base_url)
    uid = e.add_user("さくら")
    e.wait_for_deliveries(1)
    fast_worker(book).run_once()
    info = book.forms.create(FORM)
    book.forms.publish(info.form_id)
    book.forms.upload(info.form_id)
    AutopilotClient(book).turn_on()

    path = f"/l/{info.form_id}"
    answer = relay.http.post(path, data={"note": "LIFFから", "_id_token": e.login.issue(uid),
                                         "_csrf": csrf_of(relay.http.get(path).text)})
    assert answer.status_code == 200, answer.text
    assert [m["text"] for s in e.inbox(uid) for m in s["messages"]] == [THANKS]

    fast_worker(book).run_once()
    cid = book.customers.by_line_user_id(uid)
    assert cid is not None
    assert [m.text for m in book.messages.messages(cid) if m.direction == "out"] == [THANKS]
    fast_worker(book).run_once()
    assert [m["text"] for s in e.inbox(uid) for m in s["messages"]] == [THANKS]
    relay.stop()
    personal = [uid, "さくら", "LIFFから"]
    assert_nothing_personal("the relay's database", stored_bytes(relay.db_url), personal)
    assert_nothing_personal("the relay's log", relay.log_path.read_bytes(), personal)
