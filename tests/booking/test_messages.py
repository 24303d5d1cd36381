"""Booking messages against the LINE emulator with the real line-bot-sdk: confirmation,
reminders at their set times on a fake clock (once each, late when the desktop was off),
thank-you after the visit, change and cancellation notices; `booking run-due` killed in
the middle of a push and run again: each message once."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from app.booking.errors import BookingSetupError
from app.booking.messages import BookingMessages
from app.booking.service import BookingService
from app.booking.setup import parse_setup
from app.line.send.delivery import RetryPolicy
from app.profile import Profile
from app.store.models_booking import Booking
from tests.broadcast.conftest import Shop, make_shop
from tests.sync.conftest import (  # noqa: F401 - fixtures used by name
    Connected,
    book,
    connected,
    emulator,
    line,
    profile,
    relay,
)
from tests.sync.support import PASSPHRASE, wait_until

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = Path(__file__).with_name("salon_example.json")
MON = dt.date(2026, 12, 7)
MESSAGES = {
    "confirmation": "{名前}様、{日時}に{メニュー}（担当 {担当}）のご予約を承りました。",
    "reminders": [{"days_before": 1, "at": "18:00", "text": "【前日】明日{日時}お待ちしています"},
                  {"hours_before": 2, "text": "【当日】{日時}、{担当}がお待ちしています"}],
    "thank_you": {"hours_after": 3, "text": "【御礼】本日はありがとうございました"},
    "change": "【変更】{日時}に変更しました",
    "cancellation": "【取消】{日時}のご予約を取り消しました",
}


def at(day: dt.date, hhmm: str) -> dt.datetime:
    h, m = hhmm.split(":")
    return dt.datetime.combine(day, dt.time(int(h), int(m)))


def setup(**changes: Any) -> dict[str, Any]:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["messages"] = MESSAGES
    return data | changes


@pytest.fixture
def shop(connected: Connected) -> Shop:  # noqa: F811 - the fixture, by name
    s = make_shop(connected, 4)
    BookingService(s.book).save_setup(setup())
    return s


def backdate(shop: Shop, to: dt.datetime = dt.datetime(2026, 11, 1)) -> None:
    """The bookings made a month before (UTC): the tests' clock is fake, the wall clock
    that stamped them is not (a reminder due before its booking was made is not sent)."""
    with shop.book.db.write() as s:
        s.execute(update(Booking).values(created_at=to))


def texts(shop: Shop, uid: str, mark: str) -> list[str]:
    return [t for texts in shop.received(uid) for t in texts if mark in t]


def runner(shop: Shop) -> BookingMessages:
    m = BookingMessages(shop.book)
    m.retry_policy = RetryPolicy(attempts=6, base=0.01, cap=0.05)
    return m


def test_the_messages_format_is_checked() -> None:
    bad = setup(messages={"reminders": [{"days_before": 1, "text": "x"}]})
    with pytest.raises(BookingSetupError) as e:
        parse_setup(bad)
    assert "messages.reminders[0].at" in str(e.value.detail)
    with pytest.raises(BookingSetupError):
        parse_setup(setup(messages={"reminders": [{"hours_before": 2, "days_before": 1,
                                                   "text": "x"}]}))
    with pytest.raises(BookingSetupError):
        parse_setup(setup(messages={"thanks": "x"}))
    ok = parse_setup(setup())
    assert ok.messages.reminders[0].due(at(MON, "10:00")) == at(MON - dt.timedelta(days=1),
                                                                 "18:00")
    assert ok.messages.reminders[1].due(at(MON, "10:00")) == at(MON, "08:00")


def test_each_message_once_at_its_time(shop: Shop) -> None:
    service, run = BookingService(shop.book), runner(shop)
    (cid, uid), (cid2, uid2) = shop.friends[0], shop.friends[1]
    booking = service.make(menu_id="cut", start=at(MON, "14:00"), staff_id="suzuki",
                           customer_id=cid, notify=True)
    # The owner's own booking without notify: no confirmation.
    quiet = service.make(menu_id="cut", start=at(MON, "10:00"), staff_id="sato",
                         customer_id=cid2)
    backdate(shop)
    day_before = MON - dt.timedelta(days=1)
    r = run.run_due(at(day_before, "09:00"))
    assert r.sent == 1
    assert texts(shop, uid, "ご予約を承りました") == [
        "顧客 0様、12月7日(月) 14:00にカット（担当 鈴木）のご予約を承りました。"]
    assert texts(shop, uid2, "ご予約を承りました") == []
    # The day before at 18:00, not a minute earlier; once.
    assert run.run_due(at(day_before, "17:59")).sent == 0
    r = run.run_due(at(day_before, "18:00"))
    assert r.sent == 2 and r.late == []  # both customers' 前日 reminders
    assert run.run_due(at(day_before, "18:01")).sent == 0
    assert texts(shop, uid, "【前日】") == ["【前日】明日12月7日(月) 14:00お待ちしています"]
    assert len(texts(shop, uid2, "【前日】")) == 1
    # Two hours before; the desktop was off at 08:00 for the 10:00 booking: sent late.
    r = run.run_due(at(MON, "09:30"))
    assert r.sent == 1 and r.late == [(quiet.id, "reminder:1", 90)]
    assert run.run_due(at(MON, "12:00")).sent == 1
    assert texts(shop, uid, "【当日】") == ["【当日】12月7日(月) 14:00、鈴木がお待ちしています"]
    late = [m for m in run.history(quiet.id) if m.kind == "reminder:1"]
    assert late[0].minutes_late == 90
    # The visit, then the thank-you 3 hours after the end (15:00 → 18:00).
    service.mark_visited(booking.id)
    assert run.run_due(at(MON, "17:59")).sent == 0
    assert run.run_due(at(MON, "18:00")).sent == 1
    assert run.run_due(at(MON, "20:00")).sent == 0
    assert len(texts(shop, uid, "【御礼】")) == 1
    # A move with notice, then the quiet one cancelled with notice.
    service.change(quiet.id, start=at(MON, "11:00"), notify=True)
    service.cancel(quiet.id, notify=True)
    assert run.run_due(at(MON, "10:30")).sent == 2
    assert texts(shop, uid2, "【変更】") == ["【変更】12月7日(月) 11:00に変更しました"]
    assert texts(shop, uid2, "【取消】") == ["【取消】12月7日(月) 11:00のご予約を取り消しました"]
    # A booking made after its reminders' times gets none of them (not "late").
    cid3, uid3 = shop.friends[3]
    service.make(menu_id="spa", start=at(MON, "18:00"), staff_id="sato", customer_id=cid3)
    backdate(shop, dt.datetime(2026, 12, 7, 8, 0))  # 17:00 in Japan, the day itself
    assert run.run_due(at(MON, "17:30")).sent == 0
    assert shop.received(uid3) == []
    # Nothing is ever sent twice, whatever the clock says afterwards.
    before = len(shop.e.sent())
    for now in (at(MON, "08:00"), at(MON, "23:00"), at(MON + dt.timedelta(days=1), "12:00")):
        assert run.run_due(now).sent == 0
    assert len(shop.e.sent()) == before
    kinds = sorted(m.kind for m in run.history(booking.id))
    assert kinds == ["confirmation", "reminder:0", "reminder:1", "thank_you"]


def test_a_cancelled_booking_gets_no_reminder(shop: Shop) -> None:
    service, run = BookingService(shop.book), runner(shop)
    cid, uid = shop.friends[2]
    b = service.make(menu_id="cut", start=at(MON, "14:00"), staff_id="sato",
                     customer_id=cid)
    backdate(shop)
    service.cancel(b.id)  # the owner, without notice
    assert run.run_due(at(MON, "13:00")).sent == 0
    assert shop.received(uid) == []


ENV = {**os.environ, "OTOKUI_PASSPHRASE": PASSPHRASE, "PYTHONPATH": str(ROOT)}


def otokui(profile: Profile, *args: str) -> subprocess.CompletedProcess[str]:  # noqa: F811
    return subprocess.run([sys.executable, "main.py", "--profile", str(profile.root), *args],
                          cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=120)


def test_run_due_killed_mid_push_and_restarted(shop: Shop,
                                               profile: Profile) -> None:  # noqa: F811
    service = BookingService(shop.book)
    for n, (cid, _uid) in enumerate(shop.friends):
        service.make(menu_id="cut", start=at(MON, "10:00") + dt.timedelta(hours=2 * n),
                     staff_id="sato", customer_id=cid)
    backdate(shop)
    now = at(MON - dt.timedelta(days=1), "18:00")
    with shop.closed():
        shop.e.inject_fault("push", "delay", count=1, seconds=6)
        proc = subprocess.Popen(
            [sys.executable, "main.py", "--profile", str(profile.root), "booking", "run-due",
             "--now", now.isoformat()], cwd=ROOT, env=ENV, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        try:
            def held_at_line() -> bool:
                # The delay is taken when the push has reached LINE (the emulator holds
                # it): killing the sender then is "mid-push", whatever the machine's load.
                assert proc.poll() is None, proc.communicate()
                return not shop.e.faults.pending()

            wait_until(held_at_line, timeout=60, what="a reminder's push held by LINE")
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        # LINE takes the held push after the sender died.
        wait_until(lambda: sum(len(texts(shop, u, "【前日】")) for _, u in shop.friends) == 1,
                   timeout=30, what="LINE took the push")
        done = otokui(profile, "booking", "run-due", "--now", now.isoformat())
        assert done.returncode == 0, done.stderr
        again = otokui(profile, "booking", "run-due", "--now",
                       (now + dt.timedelta(minutes=30)).isoformat())
        assert again.returncode == 0, again.stderr
        assert again.stdout.strip().splitlines()[-1] == "0"
    assert [len(texts(shop, u, "【前日】")) for _, u in shop.friends] == [1, 1, 1, 1]
