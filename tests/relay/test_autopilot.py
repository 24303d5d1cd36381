"""The relay's autopilot against the LINE emulator: real relay (uvicorn on loopback), real
emulator, real HTTP. The follow greeting goes by the reply API (no push), after the sealed
delivery; a companion item tells the desktop what was sent; a refused token stops replies
but not storage; an event is answered at most once."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from emulator.server import RunningEmulator, run_in_thread
from relay.autopilot import ITEM_MAGIC, Reply, choose, fold, parse_replies
from relay.sealing import open_sealed_bytes
from tests.relay.harness import SECRET, Device, ThreadRelay

ACCESS_TOKEN = "emulator-access-token-0123456789"
KEY = b"autopilot-key-for-tests-0123456789"
REPLIES = [
    {"id": "g", "kind": "follow", "text": "{name}さん、友だち追加ありがとうございます！"},
    {"id": "k", "kind": "keyword", "keywords": ["営業時間", "定休日"], "match": "any",
     "text": "営業時間は10時〜19時、定休日は水曜です。"},
]


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:
    running = run_in_thread(channel_secret=SECRET.decode(), access_token=ACCESS_TOKEN)
    yield running
    running.stop()


def _relay(make_relay: Callable[..., ThreadRelay], emulator: RunningEmulator,
           key: bytes | None = KEY) -> ThreadRelay:
    relay = make_relay(autopilot_key=key, line_api_base=emulator.base_url)
    emulator.emulator.configure(webhook_url=f"{relay.base_url}/line/webhook")
    return relay


def _items(relay: ThreadRelay, device: Device) -> list[bytes]:
    return [open_sealed_bytes(base64.b64decode(e["sealed"]), device.key)
            for e in relay.pull(device)["events"]]


def _wait_for(predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("timed out")


def _sends(emulator: RunningEmulator, endpoint: str) -> list[dict[str, Any]]:
    return [s for s in emulator.emulator.sent() if s.get("endpoint") == endpoint]


def test_folding_and_matching() -> None:
    assert fold("ＥＩＧＹＯ　ジカン") == fold("eigyo じかん")
    replies = parse_replies([*REPLIES, {"id": "a", "kind": "keyword", "match": "all",
                                        "keywords": ["予約", "明日"], "text": "ok"}])
    msg = {"type": "message", "message": {"type": "text", "text": "明日の予約"}}
    assert choose(replies, msg) == replies[2]
    assert choose(replies, {"type": "message", "message": {"type": "text",
                                                           "text": "予約"}}) is None
    assert isinstance(choose(replies, {"type": "follow"}), Reply)
    for bad in ([{"id": "x", "kind": "keyword", "keywords": [], "text": "t"}],
                [{"id": "x", "kind": "follow", "text": "{tags}"}],
                [{"id": "x", "kind": "nope", "text": "t"}]):
        with pytest.raises(ValueError):
            parse_replies(bad)


def test_refused_without_the_environment_key(
        make_relay: Callable[..., ThreadRelay], emulator: RunningEmulator) -> None:
    relay = _relay(make_relay, emulator, key=None)
    device = relay.pair()
    answer = relay.http.put("/v1/autopilot", headers=device.auth,
                            json={"access_token": ACCESS_TOKEN, "replies": REPLIES})
    assert answer.status_code == 409
    assert answer.json()["error"] == "no_autopilot_key"
    assert relay.http.get("/v1/autopilot", headers=device.auth).json()["state"] == "off"
    assert relay.http.put("/v1/autopilot", json={}).status_code == 401


def test_greeting_by_reply_then_keyword_then_token_lost(
        make_relay: Callable[..., ThreadRelay], emulator: RunningEmulator) -> None:
    relay = _relay(make_relay, emulator)
    device = relay.pair()
    answer = relay.http.put("/v1/autopilot", headers=device.auth,
                            json={"access_token": ACCESS_TOKEN, "replies": REPLIES})
    assert answer.status_code == 200, answer.text
    emu = emulator.emulator
    user = emu.add_user("さくら")
    _wait_for(lambda: _sends(emulator, "reply"))
    assert _sends(emulator, "push") == []
    assert _sends(emulator, "reply")[0]["messages"][0]["text"].startswith("さくらさん、")
    items = _wait_for(lambda: (lambda got: got if len(got) == 2 else None)(
        _items(relay, device)))
    assert not items[0].startswith(ITEM_MAGIC)  # the delivery itself, first
    assert items[1].startswith(ITEM_MAGIC)
    done = json.loads(items[1][len(ITEM_MAGIC):])
    assert done["state"] == "sent" and done["user_id"] == user
    assert "さくらさん" in done["messages"][0]["text"] and done["reply_token"]

    emu.send_text(user, "ＥＩＧＹＯ？営業時間を教えて")
    _wait_for(lambda: len(_sends(emulator, "reply")) == 2)
    emu.send_text(user, "こんにちは")  # no reply matches
    _wait_for(lambda: len(_items(relay, device)) == 5)
    assert len(_sends(emulator, "reply")) == 2
    status = relay.http.get("/v1/autopilot", headers=device.auth).json()
    assert status == {"state": "on", "replies": 2, "sent": 2, "key_configured": True}

    # The token is reissued at LINE: the relay stops replying and keeps storing.
    emu.access_token = "a-new-token-the-relay-does-not-have"
    emu.send_text(user, "定休日は？")
    _wait_for(lambda: relay.http.get("/v1/autopilot", headers=device.auth)
              .json()["state"] == "token_invalid")
    emu.send_text(user, "営業時間？")
    _wait_for(lambda: len(_items(relay, device)) == 8)  # 2 deliveries + 1 failed item
    assert len(_sends(emulator, "reply")) == 2
    assert relay.http.delete("/v1/autopilot", headers=device.auth).status_code == 200
    assert relay.http.get("/v1/autopilot", headers=device.auth).json()["state"] == "off"


def test_a_redelivered_event_is_not_answered_twice(
        make_relay: Callable[..., ThreadRelay], emulator: RunningEmulator) -> None:
    relay = _relay(make_relay, emulator)
    device = relay.pair()
    relay.http.put("/v1/autopilot", headers=device.auth,
                   json={"access_token": ACCESS_TOKEN, "replies": REPLIES})
    event = relay.line.text("営業時間は？")
    event["replyToken"] = "a" * 32
    assert relay.deliver(event).status_code == 200
    _wait_for(lambda: len(_items(relay, device)) == 2)
    relay.deliver(event)  # LINE's redelivery of the same webhookEventId
    time.sleep(0.3)
    assert len(_items(relay, device)) == 2


def test_relay_killed_mid_reply_never_replies_twice(
        db_url: str, tmp_path: Path, emulator: RunningEmulator) -> None:
    """A real ``python -m relay serve`` is SIGKILLed while LINE has its reply call in hand;
    restarted on the same database and given LINE's redelivery, it does not reply again,
    and tells the devices the token is used (outcome unknown)."""
    from sqlalchemy import create_engine, text

    from tests.relay.harness import ProcessRelay, run_cli
    from tests.relay.line_events import LineEvents

    env = {"RELAY_AUTOPILOT_KEY": KEY.decode(), "RELAY_LINE_API_BASE": emulator.base_url}
    events = LineEvents()
    relay = ProcessRelay(db_url, tmp_path / "relay.log", events, extra_env=env)
    code = run_cli(db_url, "pair", env=relay.env).stdout.strip().splitlines()[-1]
    device = relay.pair_with_code(code)
    assert relay.http.put("/v1/autopilot", headers=device.auth, json={
        "access_token": ACCESS_TOKEN, "replies": REPLIES}).status_code == 200
    emu = emulator.emulator
    emu.inject_fault("reply", "delay", seconds=2.0)  # LINE holds the call; the relay dies
    event = events.text("営業時間を教えて")
    event["replyToken"] = "r" * 32
    body = events.body(event)
    assert relay.post_webhook(body).status_code == 200
    engine = create_engine(db_url)

    def claimed() -> bool:
        with engine.connect() as conn:
            return bool(conn.execute(text(
                "SELECT count(*) FROM relay_autopilot_sends")).scalar())

    _wait_for(claimed)
    relay.kill()
    restarted = ProcessRelay(db_url, tmp_path / "relay.log", events, port=relay.port,
                             extra_env=env)
    try:
        assert restarted.post_webhook(body).status_code == 200  # LINE's redelivery
        time.sleep(2.5)  # let the held call finish at the emulator, whatever it does
        calls = [s for s in emu.sent() if s.get("endpoint") == "reply"]
        assert len(calls) <= 1
        with engine.connect() as conn:
            states = conn.execute(text("SELECT state FROM relay_autopilot_sends")).scalars()
            assert list(states) == ["unknown"]
        items = _items(restarted, device)
        assert len(items) == 2 and items[1].startswith(ITEM_MAGIC)
        assert json.loads(items[1][len(ITEM_MAGIC):])["state"] == "unknown"
    finally:
        restarted.stop()
        engine.dispose()


def test_the_key_comes_from_the_environment_only() -> None:
    from relay.config import ConfigError, Settings

    env = {"LINE_CHANNEL_SECRET": SECRET.decode()}
    assert Settings.from_env(env).autopilot_key is None
    assert Settings.from_env({**env, "RELAY_AUTOPILOT_KEY": KEY.decode()}).autopilot_key == KEY
    with pytest.raises(ConfigError, match="RELAY_AUTOPILOT_KEY"):
        Settings.from_env({**env, "RELAY_AUTOPILOT_KEY": "short"})
    assert KEY not in repr(Settings.from_env({**env, "RELAY_AUTOPILOT_KEY": KEY.decode()})
                           ).encode()
