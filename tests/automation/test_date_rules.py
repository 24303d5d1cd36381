"""Date triggers on a fake clock: each occurrence fires once per customer (keyed by rule,
customer and date), on its day at its time, never twice (scans again, clocks jumping back
and forward, a process SIGKILLed), and not days late."""

from __future__ import annotations

import datetime as dt
import signal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.automation.dates import scan_due
from app.automation.engine import CRASH_HOOK_ENV, run_pending
from app.automation.service import RuleService
from app.customers import CustomerService
from app.errors import ValidationError
from app.profile import Profile
from app.store.models import DomainEvent
from tests.sync.support import PASSPHRASE
from tests.sync.test_durability import otokui


def jst(y: int, m: int, d: int, hh: int, mm: int = 0) -> dt.datetime:
    """A Japan-time wall clock as the naive UTC the engine takes."""
    return dt.datetime(y, m, d, hh, mm) - dt.timedelta(hours=9)


def _tagged(book, tag: str) -> set[int]:
    tid = next((t.id for t in book.tags.list() if t.name == tag), None)
    if tid is None:
        return set()
    with book.db.read() as s:
        from app.store.models import CustomerTag

        return set(s.scalars(select(CustomerTag.customer_id).where(CustomerTag.tag_id == tid)))


def _tick(book, now: dt.datetime) -> int:
    """What the window's timer does: the date rules due, then the engine."""
    n = scan_due(book, now)
    run_pending(book, send=False)
    return n


def test_birthday_three_days_before_at_ten_once(book) -> None:
    hanako = book.customers.create(display_name="花子", birthday=dt.date(1990, 12, 10))
    other = book.customers.create(display_name="太郎", birthday=dt.date(1985, 12, 11))
    book.customers.create(display_name="誕生日なし")
    rid = RuleService(book).save({
        "name": "誕生日の3日前", "enabled": True,
        "when": {"kind": "date", "date": "birthday", "days": -3, "at": "10:00"},
        "then": [{"kind": "add_tag", "tag": "誕生日が近い"},
                 {"kind": "notify", "text": "もうすぐ誕生日"}]})
    assert RuleService(book).get(rid).when == "誕生日の3日前 10:00"
    assert _tick(book, jst(2026, 12, 7, 9, 59)) == 0  # the day, before the time
    assert _tagged(book, "誕生日が近い") == set()
    assert _tick(book, jst(2026, 12, 7, 10, 0)) == 1
    assert _tagged(book, "誕生日が近い") == {hanako}
    book.tags.remove([hanako], [next(t.id for t in book.tags.list()
                                     if t.name == "誕生日が近い")])
    # Scanned again, the clock jumping back a day and forward again: not a second time.
    for now in (jst(2026, 12, 7, 10, 1), jst(2026, 12, 6, 11, 0), jst(2026, 12, 7, 23, 59)):
        assert _tick(book, now) == 0
    assert _tagged(book, "誕生日が近い") == set()
    # The next day is 太郎's (11 December − 3 days); 花子's day is not caught up again.
    assert _tick(book, jst(2026, 12, 8, 10, 0)) == 1
    assert _tagged(book, "誕生日が近い") == {other}
    # A year later, a new occurrence.
    assert _tick(book, jst(2027, 12, 7, 12, 0)) == 1
    assert _tagged(book, "誕生日が近い") == {hanako, other}
    info = RuleService(book).get(rid)
    assert (info.fired, info.actions_done) == (3, 6)


def test_a_whole_day_missed_is_not_sent_late(book) -> None:
    cid = book.customers.create(display_name="花子", birthday=dt.date(1990, 12, 10))
    RuleService(book).save({
        "name": "誕生日当日", "enabled": True,
        "when": {"kind": "date", "date": "birthday", "at": "09:00"},
        "then": [{"kind": "add_tag", "tag": "おめでとう"}]})
    assert _tick(book, jst(2026, 12, 11, 9, 0)) == 0  # the desktop was off on the 10th
    assert _tagged(book, "おめでとう") == set()
    assert _tick(book, jst(2026, 12, 10, 23, 30)) == 1  # later that day is fine
    assert _tagged(book, "おめでとう") == {cid}


def test_29_february_on_28_february_in_other_years(book) -> None:
    cid = book.customers.create(display_name="うるう", birthday=dt.date(2004, 2, 29))
    RuleService(book).save({
        "name": "誕生日当日", "enabled": True,
        "when": {"kind": "date", "date": "birthday", "at": "09:00"},
        "then": [{"kind": "add_tag", "tag": "おめでとう"}]})
    assert _tick(book, jst(2027, 2, 28, 9, 0)) == 1
    assert _tagged(book, "おめでとう") == {cid}
    assert _tick(book, jst(2028, 2, 28, 9, 0)) == 0  # a leap year: the 29th
    assert _tick(book, jst(2028, 2, 29, 9, 0)) == 1


def test_a_date_field_once_and_yearly_then_broken_when_deleted(book) -> None:
    rules = RuleService(book)
    renew = book.fields.create("契約更新日", "date")
    visit = book.fields.create("初回来店", "datetime")
    a = book.customers.create(display_name="A")
    b = book.customers.create(display_name="B")
    book.fields.set_value(a, renew, "2026-12-20")
    book.fields.set_value(b, renew, "2025-12-20")
    book.fields.set_value(b, visit, "2020-12-19T15:30")
    once = rules.save({"name": "更新の翌日", "enabled": True,
                       "when": {"kind": "date", "date": "契約更新日", "days": 1, "at": "09:30"},
                       "then": [{"kind": "add_tag", "tag": "更新済み確認"}]})
    rules.save({"name": "来店記念日", "enabled": True,
                "when": {"kind": "date", "date": "初回来店", "yearly": True, "at": "09:30"},
                "then": [{"kind": "add_tag", "tag": "記念日"}]})
    assert rules.get(once).when == "項目「契約更新日」の日付の1日後 09:30"
    assert _tick(book, jst(2026, 12, 19, 9, 30)) == 1  # b's anniversary of the visit
    assert _tagged(book, "記念日") == {b}
    assert _tick(book, jst(2026, 12, 21, 9, 30)) == 1  # a's date + 1 (b's is 2025: once)
    assert _tagged(book, "更新済み確認") == {a}
    # Refused: not a date field, an unknown field, a bad time or offset.
    book.fields.create("メモ欄", "text")
    for when in ({"date": "メモ欄"}, {"date": "ない項目"}, {"date": "birthday", "at": "25:00"},
                 {"date": "birthday", "days": 400}, {"date": ""}):
        with pytest.raises(ValidationError):
            rules.save({"name": "x", "when": {"kind": "date", **when},
                        "then": [{"kind": "add_tag", "tag": "t"}]})
    book.fields.delete(renew)
    assert rules.get(once).broken is not None
    book.fields.set_value(b, visit, "2020-12-22")
    assert _tick(book, jst(2026, 12, 22, 9, 30)) == 1  # the other rule still runs


def test_killed_after_the_scan_and_inside_the_batch_each_once(tmp_path: Path) -> None:
    profile_dir = tmp_path / "profile"
    book = Profile(profile_dir).create(passphrase=PASSPHRASE)
    try:
        with book.db.write() as s:
            for i in range(600):  # more than one engine batch (500)
                CustomerService.create_in(s, {"display_name": f"お客様 {i}",
                                              "birthday": dt.date(1990, 12, 10)})
        book.fields.create("ポイント", "points")
        RuleService(book).save({
            "name": "誕生日ポイント", "enabled": True,
            "when": {"kind": "date", "date": "birthday", "at": "10:00"},
            "then": [{"kind": "add_points", "field": "ポイント", "points": 100}]})
    finally:
        book.close()
    now = jst(2026, 12, 10, 10, 5).isoformat()
    for point in ("in_batch", "after_batch"):
        killed = otokui(profile_dir, "rule", "run", "--now", now, **{CRASH_HOOK_ENV: point})
        assert killed.returncode == -signal.SIGKILL, killed.stderr
    later = jst(2026, 12, 10, 18, 0).isoformat()
    done = otokui(profile_dir, "rule", "run", "--now", later)
    assert done.returncode == 0, done.stderr
    again = otokui(profile_dir, "sequence", "run-due", "--now", later)
    assert again.returncode == 0, again.stderr
    book = Profile(profile_dir).open(PASSPHRASE)
    try:
        [info] = RuleService(book).list()
        assert (info.fired, info.actions_done) == (600, 600)
        with book.db.read() as s:
            from app.store.models import FieldValue, PointsEntry

            assert set(s.scalars(select(FieldValue.num_value))) == {100.0}
            assert s.scalar(select(func.count()).select_from(PointsEntry)) == 600
            assert s.scalar(select(func.count()).select_from(DomainEvent).where(
                DomainEvent.kind == "date.reached")) == 600
    finally:
        book.close()
