"""The relay's autopilot end to end: real book (SQLCipher), real relay on loopback, the LINE
emulator. A friend follows while the desktop is closed (no sync worker running): the
greeting goes by the reply API (push count zero); after the desktop syncs, the chat shows
the greeting and no reply token is offered for the follow."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.autopilot.client import AutopilotClient
from app.autopilot.sync import ITEM_MAGIC
from app.errors import ValidationError
from emulator import RunningEmulator, run_in_thread
from relay.autopilot import ITEM_MAGIC as RELAY_ITEM_MAGIC
from tests.relay.harness import (
    ManualClock,
    ThreadRelay,
    assert_nothing_personal,
    free_port,
    stored_bytes,
)
from tests.sync.conftest import Connected
from tests.sync.support import (
    ACCESS_TOKEN,
    CHANNEL_SECRET,
    fast_worker,
    message_lines,
    personal_values,
    wait_until,
)

KEY = b"the-relay-autopilot-key-0123456789"


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
                            webhook_url=f"{relay.base_url}/line/webhook", quota=None, seed=7,
                            port=emu_port)
    yield running
    personal = personal_values(running.emulator)
    running.stop()
    relay.stop()
    # The relay holds readable only the replies' texts (the shop's) and the token,
    # encrypted: no friend's id, name or message, and not the token in clear.
    data = stored_bytes(relay.db_url)
    assert_nothing_personal("the relay's database", data, personal)
    assert ACCESS_TOKEN.encode() not in data
    assert_nothing_personal("the relay's log", relay.log_path.read_bytes(),
                            [*personal, ACCESS_TOKEN])


def _replies() -> list[dict[str, object]]:
    return [{"id": "greet", "kind": "follow", "text": "{name}さん、ようこそ！"},
            {"id": "hours", "kind": "keyword", "keywords": ["営業時間"],
             "text": "10時〜19時です。"}]


def _sends(line: RunningEmulator, endpoint: str) -> int:
    return sum(1 for s in line.emulator.sent() if s.get("endpoint") == endpoint)


def test_magic_matches_the_relay() -> None:
    assert ITEM_MAGIC == RELAY_ITEM_MAGIC


def test_greeting_and_keyword_with_the_desktop_closed(connected: Connected,
                                                      tmp_path: Path) -> None:
    book, line = connected.book, connected.line
    client = AutopilotClient(book)
    with pytest.raises(ValidationError):
        client.set_replies([{"kind": "keyword", "keywords": [], "text": "x"}])
    path = tmp_path / "replies.json"
    path.write_text(json.dumps({"replies": _replies()}, ensure_ascii=False), "utf-8")
    assert client.import_file(path) == 2
    client.turn_on()
    assert client.status().state == "on"

    # The desktop is closed: nothing syncs while the friend follows and asks.
    user = line.emulator.add_user("ゆきこ")
    wait_until(lambda: _sends(line, "reply") == 1, what="the greeting")
    line.emulator.send_text(user, "営業時間は？")
    wait_until(lambda: _sends(line, "reply") == 2, what="the keyword reply")
    assert _sends(line, "push") == 0
    greeting = next(s for s in line.emulator.sent() if s.get("endpoint") == "reply")
    assert greeting["messages"][0]["text"] == "ゆきこさん、ようこそ！"

    # Then the desktop opens and syncs.
    wait_until(lambda: connected.relay.queue_depth() >= 4, what="events and replies queued")
    fast_worker(book).run_once()
    cid = book.customers.by_line_user_id(user)
    assert cid is not None
    lines = message_lines(book, cid)
    assert ("text", "ゆきこさん、ようこそ！") in lines
    sent = [m for m in book.messages.messages(cid) if m.direction == "out"]
    assert [m.text for m in sent] == ["ゆきこさん、ようこそ！", "10時〜19時です。"]
    # Both reply tokens were used by the relay: none is offered.
    assert book.messages.latest_reply_token(cid) is None
    assert client.status().sent == 2
    client.turn_off()
    assert client.status().state == "off"
