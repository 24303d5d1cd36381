"""The autopilot's scheduled sends against the LINE emulator: real relay (uvicorn on
loopback, or ``python -m relay serve`` killed mid-push), real HTTP, a clock moved by hand.
An item goes out once, at its time, with a retry key; a withdrawn one never; beyond 7 days
or with the autopilot off it is refused; a refused token keeps the items for the desktop;
the texts are never in the relay's files in plain form, and gone once sent."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from emulator.server import RunningEmulator, run_in_thread
from relay.autopilot_schedule import ITEM_MAGIC, ScheduleError, parse_items
from relay.sealing import open_sealed_bytes
from tests.relay.harness import SECRET, Device, ThreadRelay, stored_bytes

ACCESS_TOKEN = "emulator-access-token-0123456789"
KEY = b"autopilot-key-for-tests-0123456789"
HOUR_MS = 3600 * 1000
TEXT = "【前日】明日12月7日(月) 14:00、お待ちしています"


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:
    running = run_in_thread(channel_secret=SECRET.decode(), access_token=ACCESS_TOKEN)
    yield running
    running.stop()


def _wait_for(predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("timed out")


def _pushes(emulator: RunningEmulator) -> list[dict[str, Any]]:
    return [s for s in emulator.emulator.sent() if s.get("endpoint") == "push"]


def _reports(relay: ThreadRelay, device: Device) -> list[dict[str, Any]]:
    out = []
    for e in relay.pull(device)["events"]:
        plain = open_sealed_bytes(base64.b64decode(e["sealed"]), device.key)
        if plain.startswith(ITEM_MAGIC):
            out.append(json.loads(plain[len(ITEM_MAGIC):]))
    return out


def _passes(relay: ThreadRelay, n: int = 2) -> None:
    """Let the loop look ``n`` more times (after the clock moved): no sleeping on hope."""
    schedule = relay.service.schedule
    start = schedule.passes
    schedule.wake()
    _wait_for(lambda: schedule.passes >= start + n)


def _item(key: str, due_ms: int, to: str, text: str = TEXT) -> dict[str, Any]:
    return {"key": key, "due_at": due_ms, "to": to,
            "messages": [{"type": "text", "text": text}]}


def _on(relay: ThreadRelay, device: Device) -> None:
    answer = relay.http.put("/v1/autopilot", headers=device.auth,
                            json={"access_token": ACCESS_TOKEN, "replies": []})
    assert answer.status_code == 200, answer.text


@pytest.fixture
def relay(make_relay: Callable[..., ThreadRelay], emulator: RunningEmulator) -> ThreadRelay:
    return make_relay(autopilot_key=KEY, line_api_base=emulator.base_url)


def test_items_are_checked() -> None:
    uid = "U" + "0" * 32
    assert parse_items([_item("b:1", 5, uid)])[0].to == uid
    for bad in ([], [_item("b 1", 5, uid)], [_item("b:1", 5, "someone")],
                [_item("b:1", 5, uid), _item("b:1", 6, uid)],
                [{**_item("b:1", 5, uid), "messages": [{"type": "image", "url": "x"}]}],
                [{**_item("b:1", 5, uid), "due_at": "tomorrow"}]):
        with pytest.raises(ScheduleError):
            parse_items(bad)


def test_sent_once_at_its_time_and_withdrawn_never(relay: ThreadRelay,
                                                   emulator: RunningEmulator) -> None:
    device = relay.pair()
    user = emulator.emulator.add_user("はなこ")
    now = int(relay.clock() * 1000)
    put = relay.http.put("/v1/autopilot/scheduled", headers=device.auth,
                         json={"items": [_item("b:1", now + HOUR_MS, user)]})
    assert put.status_code == 409 and put.json()["error"] == "autopilot_off"
    assert relay.http.put("/v1/autopilot/scheduled",
                          json={"items": [_item("b:1", now, user)]}).status_code == 401
    _on(relay, device)
    put = relay.http.put("/v1/autopilot/scheduled", headers=device.auth, json={"items": [
        _item("b:1", now + HOUR_MS, user), _item("b:2", now + 2 * HOUR_MS, user, "取消予定"),
        _item("b:3", now + 7 * 24 * HOUR_MS + 60_000, user, "遠すぎる")]})
    assert put.status_code == 200, put.text
    assert put.json() == {"accepted": ["b:1", "b:2"], "settled": {},
                          "refused": [{"key": "b:3", "error": "beyond_horizon"}]}
    # Queued: the texts and the friend's id are in the relay's files only encrypted.
    before = stored_bytes(relay.db_url)
    for plain in (TEXT, "取消予定", user):
        assert plain.encode() not in before
    status = relay.http.get("/v1/autopilot/scheduled", headers=device.auth).json()
    assert status["queued"] == 2 and status["next_due_at"] == now + HOUR_MS

    _passes(relay)
    assert _pushes(emulator) == []  # not a minute early
    relay.clock.advance(59 * 60)
    _passes(relay)
    assert _pushes(emulator) == []
    # The owner cancels the second booking: withdrawn, never sent.
    answer = relay.http.post("/v1/autopilot/scheduled/withdraw", headers=device.auth,
                             json={"keys": ["b:2", "b:never-handed"]}).json()
    assert answer["withdrawn"] == ["b:2", "b:never-handed"]
    relay.clock.advance(60)
    _wait_for(lambda: relay.http.get("/v1/autopilot/scheduled", headers=device.auth)
              .json()["sent"] == 1)
    relay.clock.advance(3 * 3600)
    _passes(relay, 3)
    pushes = _pushes(emulator)
    assert len(pushes) == 1 and pushes[0]["messages"] == [{"type": "text", "text": TEXT}]
    assert pushes[0]["retryKey"]
    assert [m["text"] for e in emulator.emulator.inbox(user) for m in e["messages"]] == [TEXT]
    reports = _reports(relay, device)
    assert [(r["key"], r["state"]) for r in reports] == [("b:1", "sent")]
    assert reports[0]["at"] == now + HOUR_MS  # when it went, by the relay's (fake) clock
    # Sent: the row is a record (key, state, times); the text is gone.
    answer = relay.http.post("/v1/autopilot/scheduled/withdraw", headers=device.auth,
                             json={"keys": ["b:1"]}).json()
    assert answer["sent"] == ["b:1"] and answer["withdrawn"] == []
    again = relay.http.put("/v1/autopilot/scheduled", headers=device.auth,
                           json={"items": [_item("b:1", now + HOUR_MS, user)]}).json()
    assert again == {"accepted": [], "refused": [], "settled": {"b:1": "sent"}}
    after = stored_bytes(relay.db_url)
    for plain in (TEXT, "取消予定", "遠すぎる", user):
        assert plain.encode() not in after


def test_token_refused_keeps_the_items_for_the_desktop(relay: ThreadRelay,
                                                       emulator: RunningEmulator) -> None:
    device = relay.pair()
    user = emulator.emulator.add_user("たろう")
    _on(relay, device)
    now = int(relay.clock() * 1000)
    relay.http.put("/v1/autopilot/scheduled", headers=device.auth,
                   json={"items": [_item("s:1", now + 60_000, user),
                                   _item("s:2", now + 120_000, user)]})
    emulator.emulator.access_token = "reissued-token-the-relay-does-not-have"
    relay.clock.advance(600)
    _wait_for(lambda: relay.http.get("/v1/autopilot", headers=device.auth)
              .json()["state"] == "token_invalid")
    _passes(relay)
    assert _pushes(emulator) == []
    status = relay.http.get("/v1/autopilot/scheduled", headers=device.auth).json()
    assert status["state"] == "token_invalid" and status["queued"] == 2
    put = relay.http.put("/v1/autopilot/scheduled", headers=device.auth,
                         json={"items": [_item("s:3", now, user)]})
    assert put.status_code == 409 and put.json()["error"] == "token_invalid"
    answer = relay.http.post("/v1/autopilot/scheduled/withdraw", headers=device.auth,
                             json={"keys": ["s:1", "s:2"]}).json()
    assert answer["withdrawn"] == ["s:1", "s:2"]
    assert _reports(relay, device) == []


def test_autopilot_off_deletes_what_was_queued(relay: ThreadRelay,
                                               emulator: RunningEmulator) -> None:
    device = relay.pair()
    user = emulator.emulator.add_user("じろう")
    _on(relay, device)
    now = int(relay.clock() * 1000)
    relay.http.put("/v1/autopilot/scheduled", headers=device.auth,
                   json={"items": [_item("b:9", now + 60_000, user)]})
    assert relay.http.delete("/v1/autopilot", headers=device.auth).status_code == 200
    _passes(relay)
    status = relay.http.get("/v1/autopilot/scheduled", headers=device.auth).json()
    assert status["state"] == "off" and status["queued"] == 0
    relay.clock.advance(600)
    _passes(relay)
    assert _pushes(emulator) == []


def test_relay_killed_mid_push_sends_once(db_url: str, tmp_path: Path,
                                          emulator: RunningEmulator) -> None:
    """A real ``python -m relay serve`` is SIGKILLed while LINE holds its push; restarted
    on the same database it tries again with the same retry key: one message arrives."""
    from sqlalchemy import create_engine, text

    from tests.relay.harness import ProcessRelay, run_cli
    from tests.relay.line_events import LineEvents

    env = {"RELAY_AUTOPILOT_KEY": KEY.decode(), "RELAY_LINE_API_BASE": emulator.base_url}
    events = LineEvents()
    relay = ProcessRelay(db_url, tmp_path / "relay.log", events, extra_env=env)
    code = run_cli(db_url, "pair", env=relay.env).stdout.strip().splitlines()[-1]
    device = relay.pair_with_code(code)
    assert relay.http.put("/v1/autopilot", headers=device.auth, json={
        "access_token": ACCESS_TOKEN, "replies": []}).status_code == 200
    emu = emulator.emulator
    user = emu.add_user("さくら")
    emu.inject_fault("push", "delay", seconds=3.0)  # LINE holds the push; the relay dies
    assert relay.http.put("/v1/autopilot/scheduled", headers=device.auth, json={"items": [
        _item("b:42", int(time.time() * 1000), user)]}).status_code == 200
    engine = create_engine(db_url)

    def state() -> str | None:
        with engine.connect() as conn:
            return conn.execute(text("SELECT state FROM relay_autopilot_scheduled")).scalar()

    try:
        _wait_for(lambda: state() == "claimed")
        relay.kill()
        restarted = ProcessRelay(db_url, tmp_path / "relay.log", events, port=relay.port,
                                 extra_env=env)
        try:
            _wait_for(lambda: state() == "sent", timeout=20)
            time.sleep(3.5)  # let the held push finish at the emulator, whatever it does
            pushes = [s for s in emu.sent() if s.get("endpoint") == "push"]
            assert len(pushes) == 1
            assert len(emu.inbox(user)) == 1
            reports = [json.loads(p[len(ITEM_MAGIC):]) for p in (
                open_sealed_bytes(base64.b64decode(e["sealed"]), device.key)
                for e in restarted.pull(device)["events"]) if p.startswith(ITEM_MAGIC)]
            assert [(r["key"], r["state"]) for r in reports] == [("b:42", "sent")]
        finally:
            restarted.stop()
    finally:
        engine.dispose()


def test_a_reminder_of_a_booking_the_friend_cancelled_is_dropped(
        relay: ThreadRelay, emulator: RunningEmulator) -> None:
    """The friend cancels on the booking pages while the desktop is closed: the hold is
    released, and the reminder naming it is dropped at its time, never pushed."""
    from relay.booking import holds
    from relay.schema import DEFAULT_SHOP

    device = relay.pair()
    user = emulator.emulator.add_user("みどり")
    _on(relay, device)
    now = int(relay.clock() * 1000)
    holds.publish(relay.store, DEFAULT_SHOP, {"cut|sato|2026-12-07T10:00": 1,
                                              "cut|sato|2026-12-07T14:00": 1}, now)
    cancelled = holds.take(relay.store, DEFAULT_SHOP, "cut|sato|2026-12-07T10:00", "r1", now)
    kept = holds.take(relay.store, DEFAULT_SHOP, "cut|sato|2026-12-07T14:00", "r2", now)
    answer = relay.http.put("/v1/autopilot/scheduled", headers=device.auth, json={"items": [
        {**_item("b:1", now + HOUR_MS, user, "キャンセル済み"), "hold": cancelled.hold_id},
        {**_item("b:2", now + HOUR_MS, user), "hold": kept.hold_id}]})
    assert answer.status_code == 200 and answer.json()["accepted"] == ["b:1", "b:2"]
    assert holds.release(relay.store, DEFAULT_SHOP, cancelled.hold_id)
    relay.clock.advance(3600)
    _wait_for(lambda: relay.http.get("/v1/autopilot/scheduled", headers=device.auth)
              .json()["sent"] == 1)
    _passes(relay)
    assert [e["messages"][0]["text"] for e in emulator.emulator.inbox(user)] == [TEXT]
    status = relay.http.get("/v1/autopilot/scheduled", headers=device.auth).json()
    assert status["dropped"] == 1 and status["queued"] == 0
    assert sorted((r["key"], r["state"]) for r in _reports(relay, device)) == [
        ("b:1", "dropped"), ("b:2", "sent")]
    assert "キャンセル済み".encode() not in stored_bytes(relay.db_url)


def test_a_5xx_is_ridden_out_with_the_same_key(relay: ThreadRelay,
                                               emulator: RunningEmulator) -> None:
    device = relay.pair()
    user = emulator.emulator.add_user("あおい")
    _on(relay, device)
    now = int(relay.clock() * 1000)
    emulator.emulator.inject_fault("push", "500", count=1)
    relay.http.put("/v1/autopilot/scheduled", headers=device.auth,
                   json={"items": [_item("s:5", now, user)]})
    _passes(relay)
    status = relay.http.get("/v1/autopilot/scheduled", headers=device.auth).json()
    assert status["sending"] == 1 and _pushes(emulator) == []
    # Being sent: it cannot be withdrawn (the desktop waits for the report).
    answer = relay.http.post("/v1/autopilot/scheduled/withdraw", headers=device.auth,
                             json={"keys": ["s:5"]}).json()
    assert answer["sending"] == ["s:5"]
    _passes(relay)
    assert _pushes(emulator) == []  # paused: not before 5 s on the relay's clock
    relay.clock.advance(5)
    _wait_for(lambda: relay.http.get("/v1/autopilot/scheduled", headers=device.auth)
              .json()["sent"] == 1)
    assert len(_pushes(emulator)) == 1
    assert [(r["key"], r["state"]) for r in _reports(relay, device)] == [("s:5", "sent")]
