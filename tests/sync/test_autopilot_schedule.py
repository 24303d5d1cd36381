"""Scheduled sends handed to the relay's autopilot, end to end: real book (SQLCipher), real
relay on loopback with a clock moved by hand, the LINE emulator with the real line-bot-sdk.

Booking reminders and sequence steps are handed over by the desktop's own ticks, then the
desktop is closed (the book shut: nothing of the desktop runs) and the relay's clock moves:
each arrives once, at its time. A cancelled booking's or a stopped run's are withdrawn and
never sent. With the autopilot switched off they come back and the desktop sends them itself.
After sync the book shows them sent (and the sequence's progress and timeline)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from app.autopilot import schedule as handoff
from app.autopilot.client import AutopilotClient
from app.autopilot.sync import SCHEDULE_MAGIC
from app.booking.messages import BookingMessages
from app.booking.service import BookingService
from app.line.send.delivery import RetryPolicy
from app.profile import Profile
from app.store.models_booking import Booking
from emulator import RunningEmulator, run_in_thread
from relay.autopilot_schedule import ITEM_MAGIC as RELAY_MAGIC
from tests.broadcast.conftest import Shop, make_shop
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
    PASSPHRASE,
    fast_worker,
    personal_values,
    wait_until,
)

ROOT = Path(__file__).resolve().parents[2]
KEY = b"the-relay-autopilot-key-0123456789"
SUN, MON = dt.date(2026, 12, 6), dt.date(2026, 12, 7)
#: The relay's clock starts at Sunday 09:00 Japan time (00:00 UTC).
START = dt.datetime(2026, 12, 6, 0, 0, tzinfo=dt.UTC)
DAY_BEFORE, SAME_DAY = "【前日】", "【当日】"
MESSAGES = {
    "reminders": [{"days_before": 1, "at": "18:00", "text": "【前日】明日{日時}お待ちしています"},
                  {"hours_before": 2, "text": "【当日】{日時}、{担当}がお待ちしています"}],
}
STEPS = {"name": "ご来店後フォロー", "steps": [
    {"after": {"hours": 1}, "text": "{名前}様、ありがとうございました（1通目）"},
    {"after": {"day": 1, "at": "10:00"}, "text": "その後いかがですか（2通目）"}],
    "stop_on": {"block": True}}


@pytest.fixture
def emu_port() -> int:
    return free_port()


@pytest.fixture
def relay(tmp_path: Path, emu_port: int) -> Iterator[ThreadRelay]:
    running = ThreadRelay(f"sqlite:///{tmp_path / 'relay.db'}", tmp_path / "relay.log",
                          clock=ManualClock(START.timestamp()), autopilot_key=KEY,
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
    data = stored_bytes(relay.db_url)
    assert_nothing_personal("the relay's database", data, personal)
    assert ACCESS_TOKEN.encode() not in data
    assert_nothing_personal("the relay's log", relay.log_path.read_bytes(),
                            [*personal, ACCESS_TOKEN])


@pytest.fixture
def shop(connected: Connected) -> Shop:
    s = make_shop(connected, 4)
    s.book.sequences.retry_policy = RetryPolicy(attempts=6, base=0.01, cap=0.05)
    return s


def at(day: dt.date, hhmm: str) -> dt.datetime:
    h, m = hhmm.split(":")
    return dt.datetime.combine(day, dt.time(int(h), int(m)))


def _setup_bookings(shop: Shop) -> BookingService:
    data = json.loads((Path(__file__).parents[1] / "booking" / "salon_example.json")
                      .read_text(encoding="utf-8"))
    service = BookingService(shop.book)
    service.save_setup(data | {"messages": MESSAGES})
    return service


def _backdate(shop: Shop) -> None:
    # Made a month before (the wall clock stamped them): a reminder due before its booking
    # was made is never sent, whoever sends it.
    with shop.book.db.write() as s:
        s.execute(update(Booking).values(created_at=dt.datetime(2026, 11, 1)))


def _runner(shop: Shop) -> BookingMessages:
    m = BookingMessages(shop.book)
    m.retry_policy = RetryPolicy(attempts=6, base=0.01, cap=0.05)
    return m


def _move_relay_clock(relay: ThreadRelay, to_shop_time: dt.datetime) -> None:
    relay.clock.now = (to_shop_time - dt.timedelta(hours=9)).replace(
        tzinfo=dt.UTC).timestamp()
    _passes(relay)


def _passes(relay: ThreadRelay, n: int = 2) -> None:
    schedule = relay.service.schedule
    start = schedule.passes
    schedule.wake()
    wait_until(lambda: schedule.passes >= start + n, what="the relay's schedule loop")


def _count(shop: Shop, uid: str, mark: str) -> int:
    return sum(1 for texts in shop.received(uid) if any(mark in t for t in texts))


def _states(run: BookingMessages, booking_id: str) -> dict[str, str]:
    return {m.kind: m.state for m in run.history(booking_id)}


def test_magic_matches_the_relay() -> None:
    assert SCHEDULE_MAGIC == RELAY_MAGIC == handoff.ITEM_MAGIC


def test_reminders_arrive_once_at_their_time_with_the_desktop_closed(
        shop: Shop, relay: ThreadRelay) -> None:
    service, run = _setup_bookings(shop), _runner(shop)
    (cid, uid), (cid2, uid2) = shop.friends[0], shop.friends[1]
    kept = service.make(menu_id="cut", start=at(MON, "14:00"), staff_id="suzuki",
                        customer_id=cid)
    cancelled = service.make(menu_id="cut", start=at(MON, "10:00"), staff_id="sato",
                             customer_id=cid2)
    _backdate(shop)
    AutopilotClient(shop.book).turn_on()

    # The desktop's tick (the window's timer, `booking run-due`) hands both reminders.
    assert run.run_due(at(SUN, "09:00")).sent == 0
    assert _states(run, kept.id) == {"reminder:0": "handed", "reminder:1": "handed"}
    assert _states(run, cancelled.id) == {"reminder:0": "handed", "reminder:1": "handed"}
    # The owner cancels one: the next tick withdraws its reminders (the relay never had
    # the chance to send them); they are not the desktop's either, the booking is gone.
    service.cancel(cancelled.id)
    run.run_due(at(SUN, "09:01"))
    assert _states(run, cancelled.id) == {}
    assert _states(run, kept.id) == {"reminder:0": "handed", "reminder:1": "handed"}
    status = handoff.relay_status(shop.book)
    assert status["queued"] == 2

    with shop.closed():  # nothing of the desktop runs from here
        _move_relay_clock(relay, at(SUN, "17:59"))
        assert _count(shop, uid, DAY_BEFORE) == 0
        _move_relay_clock(relay, at(SUN, "18:00"))
        wait_until(lambda: _count(shop, uid, DAY_BEFORE) == 1, what="the day-before reminder")
        _move_relay_clock(relay, at(MON, "11:59"))
        assert _count(shop, uid, SAME_DAY) == 0
        _move_relay_clock(relay, at(MON, "12:00"))
        wait_until(lambda: _count(shop, uid, SAME_DAY) == 1, what="the same-day reminder")
        _move_relay_clock(relay, at(MON, "20:00"))
        _passes(relay, 3)

    assert shop.received(uid) == [["【前日】明日12月7日(月) 14:00お待ちしています"],
                                  ["【当日】12月7日(月) 14:00、鈴木がお待ちしています"]]
    assert shop.received(uid2) == []
    run = _runner(shop)  # the book opened again
    # The desktop opens and syncs: the relay's reports mark them sent, at the relay's time.
    fast_worker(shop.book).run_once()
    history = {m.kind: m for m in run.history(kept.id)}
    assert {k: m.state for k, m in history.items()} == {"reminder:0": "sent",
                                                        "reminder:1": "sent"}
    assert history["reminder:0"].sent_at == at(SUN, "18:00")
    assert history["reminder:1"].minutes_late == 0
    # Its own engine sends nothing of them: exactly one side sent.
    assert run.run_due(at(MON, "13:00")).sent == 0
    assert _count(shop, uid, DAY_BEFORE) == 1 and _count(shop, uid, SAME_DAY) == 1
    # Sent: the relay keeps no text, only the record.
    data = stored_bytes(relay.db_url)
    for text in ("お待ちしています", uid):
        assert text.encode() not in data


def test_autopilot_off_brings_them_back_to_the_desktop(shop: Shop, relay: ThreadRelay) -> None:
    service, run = _setup_bookings(shop), _runner(shop)
    cid, uid = shop.friends[0]
    booking = service.make(menu_id="cut", start=at(MON, "14:00"), staff_id="suzuki",
                           customer_id=cid)
    _backdate(shop)
    client = AutopilotClient(shop.book)
    client.turn_on()
    run.run_due(at(SUN, "09:00"))
    assert _states(run, booking.id) == {"reminder:0": "handed", "reminder:1": "handed"}
    client.turn_off()  # withdrawn first: still unsent, so the desktop's again
    assert _states(run, booking.id) == {}
    _move_relay_clock(relay, at(MON, "20:00"))
    assert shop.received(uid) == []
    assert run.run_due(at(SUN, "18:00")).sent == 1
    assert run.run_due(at(MON, "12:00")).sent == 1
    assert _count(shop, uid, DAY_BEFORE) == 1 and _count(shop, uid, SAME_DAY) == 1
    assert handoff.tick(shop.book, START.replace(tzinfo=None)).handed == 0  # off: nothing


def test_sequence_steps_arrive_once_in_order_and_a_stopped_run_never(
        shop: Shop, relay: ThreadRelay) -> None:
    book = shop.book
    (cid, uid), (cid2, uid2) = shop.friends[0], shop.friends[1]
    now = START.replace(tzinfo=None)
    book.sequences.clock = lambda: now
    sid = book.sequences.import_json(STEPS)
    AutopilotClient(book).turn_on()
    assert book.sequences.start(sid, [cid, cid2], cause="test") == 2
    assert book.sequences.run_due(now).sent == 0  # both steps of both friends handed
    assert handoff.relay_status(shop.book)["queued"] == 4
    book.sequences.stop(sid, [cid2], cause="test")
    book.sequences.run_due(now)  # withdraws the stopped run's steps
    assert handoff.relay_status(shop.book)["queued"] == 2

    with shop.closed():
        _move_relay_clock(relay, at(SUN, "10:00"))
        wait_until(lambda: len(shop.received(uid)) == 1, what="step 1")
        _move_relay_clock(relay, at(MON, "09:59"))
        assert len(shop.received(uid)) == 1
        _move_relay_clock(relay, at(MON, "10:00"))
        wait_until(lambda: len(shop.received(uid)) == 2, what="step 2")
        _move_relay_clock(relay, at(MON, "20:00"))
        _passes(relay, 3)
    book = shop.book
    assert shop.received(uid) == [["顧客 0様、ありがとうございました（1通目）"],
                                  ["その後いかがですか（2通目）"]]
    assert shop.received(uid2) == []
    fast_worker(book).run_once()
    progress = {p.customer_id: p for p in book.sequences.progress(sid)}
    assert progress[cid].state == "done" and progress[cid].steps_sent == 2
    assert progress[cid2].state == "stopped" and progress[cid2].steps_sent == 0
    kinds = [e.kind for e in book.audit.timeline(cid)]
    assert kinds.count("sequence_step_sent") == 2
    book.sequences.clock = lambda: now + dt.timedelta(days=3)
    assert book.sequences.run_due(now + dt.timedelta(days=3)).sent == 0
    assert len(shop.received(uid)) == 2



def test_birthday_coupon_arrives_on_the_day_with_the_desktop_closed(
        shop: Shop, relay: ThreadRelay) -> None:
    from app.sequences import birthday
    from app.sequences.birthday import BirthdaySettings

    book = shop.book
    (cid, uid), (cid2, uid2) = shop.friends[0], shop.friends[1]
    tue = dt.date(2026, 12, 8)
    book.customers.update(cid, birthday=dt.date(1990, 12, 8))
    book.customers.update(cid2, birthday=dt.date(1990, 12, 20))  # beyond 7 days: not yet
    birthday.save(book, BirthdaySettings(enabled=True, at="10:00", coupon_days=30))
    AutopilotClient(book).turn_on()
    now = START.replace(tzinfo=None)  # Sunday 09:00 Japan time; the birthday is Tuesday
    assert book.sequences.run_due(now).sent == 0
    assert handoff.relay_status(book)["queued"] == 1

    with shop.closed():
        _move_relay_clock(relay, at(tue, "09:59"))
        assert shop.received(uid) == []
        _move_relay_clock(relay, at(tue, "10:00"))
        wait_until(lambda: len(shop.received(uid)) == 1, what="the birthday message")
        _move_relay_clock(relay, at(tue, "23:00"))
        _passes(relay, 3)
    book = shop.book
    [[text]] = shop.received(uid)
    code = text.split("クーポンコード：")[1].strip()
    coupon = book.coupons.get(code)
    assert coupon.customer_id == cid and coupon.expires_on == tue + dt.timedelta(days=30)
    assert shop.received(uid2) == []
    fast_worker(book).run_once()
    assert book.sequences.run_due(now + dt.timedelta(days=2, hours=2)).sent == 0
    assert len(shop.received(uid)) == 1


def test_a_moved_booking_is_handed_again_and_the_cli_shows_the_queue(
        shop: Shop, relay: ThreadRelay, profile: Profile) -> None:
    service = _setup_bookings(shop)
    cid, uid = shop.friends[0]
    booking = service.make(menu_id="cut", start=at(MON, "14:00"), staff_id="suzuki",
                           customer_id=cid)
    _backdate(shop)
    AutopilotClient(shop.book).turn_on()
    with shop.closed():  # the commands own the profile meanwhile
        done = _otokui(profile, "autopilot", "schedule", "--now", at(SUN, "09:00").isoformat())
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip().splitlines()[-1].startswith("2 handed, 0 taken back")
        status = _otokui(profile, "autopilot", "status")
        assert status.returncode == 0, status.stderr
        assert "\tqueued 2\t" in status.stdout.splitlines()[-1]
    # Moved to 16:00: both texts change (and one time); withdrawn and handed anew.
    BookingService(shop.book).change(booking.id, start=at(MON, "16:00"))
    run = _runner(shop)
    run.run_due(at(SUN, "09:05"))
    assert _states(run, booking.id) == {"reminder:0": "handed", "reminder:1": "handed"}
    assert handoff.relay_status(shop.book)["queued"] == 2
    with shop.closed():
        _move_relay_clock(relay, at(MON, "13:59"))
        assert shop.received(uid) == [["【前日】明日12月7日(月) 16:00お待ちしています"]]
        _move_relay_clock(relay, at(MON, "14:00"))
        wait_until(lambda: len(shop.received(uid)) == 2, what="the moved reminder")
        _move_relay_clock(relay, at(MON, "20:00"))
        _passes(relay, 3)
    assert shop.received(uid) == [["【前日】明日12月7日(月) 16:00お待ちしています"],
                                  ["【当日】12月7日(月) 16:00、鈴木がお待ちしています"]]


def _otokui(profile: Profile, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OTOKUI_PASSPHRASE": PASSPHRASE, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "main.py", "--profile", str(profile.root), *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_a_token_the_relay_lost_brings_the_sends_back_to_the_desktop(
        shop: Shop, relay: ThreadRelay) -> None:
    service, run = _setup_bookings(shop), _runner(shop)
    cid, uid = shop.friends[0]
    booking = service.make(menu_id="cut", start=at(MON, "14:00"), staff_id="suzuki",
                           customer_id=cid)
    _backdate(shop)
    client = AutopilotClient(shop.book)
    client.turn_on()
    run.run_due(at(SUN, "09:00"))
    assert _states(run, booking.id) == {"reminder:0": "handed", "reminder:1": "handed"}
    # The token the relay holds is revoked at LINE (the desktop's own one still works).
    client._call("PUT", "/v1/autopilot", {"access_token": "a-revoked-token-0123456789",
                                          "replies": []})
    _move_relay_clock(relay, at(SUN, "18:00"))
    wait_until(lambda: handoff.relay_status(shop.book)["state"] == "token_invalid",
               what="the relay's 401")
    assert shop.received(uid) == []
    # The desktop's next tick takes both back and sends the due one itself, once.
    assert run.run_due(at(SUN, "18:00")).sent == 1
    assert handoff.relay_status(shop.book)["queued"] == 0
    assert run.run_due(at(MON, "12:00")).sent == 1
    _move_relay_clock(relay, at(MON, "20:00"))
    assert _count(shop, uid, DAY_BEFORE) == 1 and _count(shop, uid, SAME_DAY) == 1


def test_a_deleted_sequences_steps_are_withdrawn(shop: Shop, relay: ThreadRelay) -> None:
    book = shop.book
    cid, uid = shop.friends[0]
    now = START.replace(tzinfo=None)
    book.sequences.clock = lambda: now
    sid = book.sequences.import_json(STEPS)
    AutopilotClient(book).turn_on()
    book.sequences.start(sid, [cid], cause="test")
    book.sequences.run_due(now)
    assert handoff.relay_status(book)["queued"] == 2
    book.sequences.delete(sid)  # its runs and their sends go with it
    assert handoff.tick(book, now).withdrawn == 2
    assert handoff.relay_status(book)["queued"] == 0
    _move_relay_clock(relay, at(MON, "20:00"))
    assert shop.received(uid) == []
