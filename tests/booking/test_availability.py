"""Availability: shifts, shop hours, holidays, buffers, step, notice, classes, seats."""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.booking.availability import Busy, compute
from app.booking.setup import parse_setup

MON = dt.date(2026, 12, 7)   # a Monday
TUE = dt.date(2026, 12, 8)   # closed (no hours)
THU = dt.date(2026, 12, 10)  # 佐藤's day off
SAT = dt.date(2026, 12, 12)  # 鈴木 has no shift; the class is on


def at(day: dt.date, hhmm: str) -> dt.datetime:
    h, m = hhmm.split(":")
    return dt.datetime.combine(day, dt.time(int(h), int(m)))


def starts(slots: list[Any], menu: str, staff: str | None) -> list[str]:
    return [f"{s.start:%H:%M}" for s in slots if s.menu_id == menu and s.staff_id == staff]


def test_a_day_of_cut_slots_follows_shift_step_and_buffer(example: dict[str, Any]) -> None:
    setup = parse_setup(example)
    slots = compute(setup, [], MON, 1)
    sato = starts(slots, "cut", "sato")
    # 60 min + 15 buffer after must end by 19:00: last start 17:45.
    assert sato[0] == "10:00" and sato[-1] == "17:45" and len(sato) == 32
    assert starts(slots, "cut", "suzuki")[0] == "12:00"
    assert starts(slots, "color", "suzuki") == []  # color is 佐藤 only


def test_closed_days_holidays_and_days_off(example: dict[str, Any]) -> None:
    setup = parse_setup(example)
    assert compute(setup, [], TUE, 1) == []
    assert compute(setup, [], dt.date(2027, 1, 1), 1) == []  # 元日, a national holiday
    assert compute(setup, [], dt.date(2026, 12, 31), 1) == []  # the shop's own holiday
    thu = compute(setup, [], THU, 1)
    assert starts(thu, "cut", "sato") == [] and starts(thu, "cut", "suzuki")
    sat = compute(setup, [], SAT, 1)
    assert starts(sat, "cut", "suzuki") == [] and starts(sat, "cut", "sato")


def test_a_booking_blocks_its_window_with_buffers(example: dict[str, Any]) -> None:
    setup = parse_setup(example)
    # 佐藤 busy 12:00-13:15 (a cut with its buffer).
    busy = [Busy("sato", None, at(MON, "12:00"), at(MON, "13:15"))]
    sato = starts(compute(setup, busy, MON, 1), "cut", "sato")
    assert "10:45" in sato          # 10:45 + 75 = 12:00: just fits
    assert "11:00" not in sato      # would overlap
    assert "12:30" not in sato
    assert "13:15" in sato
    assert "12:00" in starts(compute(setup, busy, MON, 1), "cut", "suzuki")


def test_notice_horizon_and_hidden_menus(example: dict[str, Any]) -> None:
    setup = parse_setup(example)
    now = at(MON, "11:05")
    slots = compute(setup, [], MON, 1, now=now, shown_only=True)
    assert starts(slots, "cut", "sato")[0] == "13:15"  # at least 120 minutes' notice
    assert not [s for s in slots if s.menu_id == "spa"]
    far = compute(setup, [], MON + dt.timedelta(days=61), 1, now=now)
    assert far == []


def test_class_seats(example: dict[str, Any]) -> None:
    setup = parse_setup(example)
    nine = at(SAT, "09:00")
    lesson = [s for s in compute(setup, [], SAT, 1) if s.menu_id == "lesson"]
    assert [(s.start, s.free) for s in lesson] == [(nine, 2)]
    one = [Busy(None, "lesson", nine, nine + dt.timedelta(hours=1))]
    assert [s.free for s in compute(setup, one, SAT, 1) if s.menu_id == "lesson"] == [1]
    assert not [s for s in compute(setup, one * 2, SAT, 1) if s.menu_id == "lesson"]


def test_seats_without_staff(example: dict[str, Any]) -> None:
    data = {k: v for k, v in example.items() if k not in ("staff", "classes")}
    data["menus"] = [m for m in data["menus"] if not m.get("staff")]
    data["seats"] = 2
    setup = parse_setup(data)
    ten = at(MON, "10:00")
    assert starts(compute(setup, [], MON, 1), "cut", None)[0] == "10:00"
    one = [Busy(None, None, ten, ten + dt.timedelta(minutes=75))]
    first = next(s for s in compute(setup, one, MON, 1) if s.menu_id == "cut")
    assert (first.start, first.free) == (ten, 1)
    full = next(s for s in compute(setup, one * 2, MON, 1) if s.menu_id == "cut")
    assert full.start == at(MON, "11:15")
