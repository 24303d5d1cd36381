"""Free capacity per slot, computed from the setup and the bookings that hold time.

Per resource and day (a staff member, or the shop's seats when there is no staff) the day
is a 1,440-minute array of how much is still free (0 outside the shift and the shop
hours); a slot is free when its whole window, buffers included, is. Prefix sums of
"closed" minutes make the staff check O(1) per candidate start, so a month for 5 staff x
10 menus stays in the tens of milliseconds (bench/reservations.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

import jpholiday

from app.booking.setup import ClassSession, Menu, Setup, Span, Staff

DAY = 24 * 60


@dataclass(frozen=True)
class Busy:
    """Time a booking holds (buffers included): what availability subtracts."""

    staff_id: str | None
    class_id: str | None
    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True, slots=True)
class Slot:
    menu_id: str
    staff_id: str | None  # None: seats/rooms or a class
    start: dt.datetime
    free: int


@lru_cache(maxsize=4096)
def is_holiday(day: dt.date) -> bool:
    return bool(jpholiday.is_holiday(day))


def shop_closed(setup: Setup, day: dt.date) -> bool:
    return day in setup.closed_dates or (setup.japan_holidays and is_holiday(day))


def _intersect(a: tuple[Span, ...], b: tuple[Span, ...]) -> list[Span]:
    out: list[Span] = []
    for s1, e1 in a:
        for s2, e2 in b:
            s, e = max(s1, s2), min(e1, e2)
            if s < e:
                out.append((s, e))
    return out


def _open_spans(setup: Setup, staff: Staff | None, day: dt.date) -> list[Span]:
    if shop_closed(setup, day):
        return []
    shop = setup.hours.get(day.weekday(), ())
    if staff is None:
        return list(shop)
    if day in staff.days_off:
        return []
    return _intersect(shop, staff.shifts.get(day.weekday(), ()))


def _day_minutes(day: dt.date, when: dt.datetime) -> int:
    """Minutes from ``day``'s midnight to ``when``, clamped to the day."""
    delta = when - dt.datetime.combine(day, dt.time())
    return max(0, min(DAY, int(delta.total_seconds() // 60)))


class DayGrid:
    """What is free for one resource on one day.

    One person (capacity 1): the free spans (open spans minus busy time), so candidate
    starts are walked only where they can fit. Seats (capacity > 1): free capacity minute
    by minute, with prefix sums of the minutes with none left.
    """

    __slots__ = ("capacity", "closed_prefix", "free", "free_spans", "spans")

    def __init__(self, spans: list[Span], capacity: int, busy: Iterable[tuple[int, int]]):
        self.spans = spans
        self.capacity = capacity
        self.free: list[int] = []
        self.closed_prefix: list[int] = []
        if capacity == 1:
            self.free_spans = _subtract(spans, sorted(busy))
            return
        self.free_spans = []
        free = [0] * DAY
        for a, b in spans:
            free[a:b] = [capacity] * (b - a)
        for a, b in busy:
            for m in range(a, b):
                if free[m] > 0:
                    free[m] -= 1
        self.free = free
        self.closed_prefix = list(accumulate((f == 0 for f in free), initial=0))

    def free_for(self, a: int, b: int) -> int:
        if a < 0 or b > DAY:
            return 0
        if self.closed_prefix[b] - self.closed_prefix[a]:
            return 0
        return min(self.free[a:b])


def _subtract(spans: list[Span], busy: list[tuple[int, int]]) -> list[Span]:
    """``spans`` minus the (sorted) ``busy`` intervals."""
    out: list[Span] = []
    for a, b in spans:
        cur = a
        for ba, bb in busy:
            if bb <= cur or ba >= b:
                continue
            if ba > cur:
                out.append((cur, ba))
            cur = max(cur, bb)
            if cur >= b:
                break
        if cur < b:
            out.append((cur, b))
    return out


def compute(setup: Setup, busy: Iterable[Busy], start: dt.date, days: int, *,
            now: dt.datetime | None = None, menus: Iterable[str] | None = None,
            shown_only: bool = False) -> list[Slot]:
    """Every bookable slot with free capacity from ``start`` for ``days`` days.

    ``now`` (shop time) applies the friend's rules: not before now + the minimum notice,
    not beyond the booking horizon. Without it every future-or-past slot is listed (the
    owner's own bookings).
    """
    wanted = set(menus) if menus is not None else None
    by_key: dict[tuple[str | None, dt.date], list[tuple[int, int]]] = {}
    class_taken: dict[tuple[str, dt.datetime], int] = {}
    first = dt.datetime.combine(start, dt.time())
    last = first + dt.timedelta(days=days + 1)
    for hold in busy:
        if hold.class_id is not None:
            key = (hold.class_id, hold.start)
            class_taken[key] = class_taken.get(key, 0) + 1
            continue
        if hold.end <= first - dt.timedelta(days=1) or hold.start >= last:
            continue
        d = hold.start.date()
        while dt.datetime.combine(d, dt.time()) < hold.end:
            by_key.setdefault((hold.staff_id if setup.staff else None, d), []).append(
                (_day_minutes(d, hold.start), _day_minutes(d, hold.end)))
            d += dt.timedelta(days=1)
    earliest = now + dt.timedelta(minutes=setup.min_notice_minutes) if now else None
    horizon = (now.date() + dt.timedelta(days=setup.book_ahead_days)) if now else None
    step = setup.slot_step
    slots: list[Slot] = []
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        if horizon is not None and day > horizon:
            break
        midnight = dt.datetime.combine(day, dt.time())
        grids: dict[str | None, DayGrid] = {}

        def grid(staff: Staff | None, day: dt.date = day,
                 grids: dict[str | None, DayGrid] = grids) -> DayGrid:
            key = staff.id if staff else None
            g = grids.get(key)
            if g is None:
                g = DayGrid(_open_spans(setup, staff, day), 1 if staff else setup.seats,
                            by_key.get((key, day), ()))
                grids[key] = g
            return g

        for menu in setup.menus:
            if (wanted is not None and menu.id not in wanted) or (shown_only and not menu.shown):
                continue
            resources: tuple[Staff | None, ...] = setup.staff_for(menu) or (None,)
            for staff in resources:
                g = grid(staff)
                sid = staff.id if staff else None
                if g.capacity == 1:
                    for fa, fb in g.free_spans:
                        for s in range(-(-(fa + menu.buffer_before) // step) * step,
                                       fb - menu.duration - menu.buffer_after + 1, step):
                            when = midnight + dt.timedelta(minutes=s)
                            if earliest is None or when >= earliest:
                                slots.append(Slot(menu.id, sid, when, 1))
                    continue
                for open_a, open_b in g.spans:
                    for s in range(-(-(open_a + menu.buffer_before) // step) * step,
                                   open_b - menu.duration - menu.buffer_after + 1, step):
                        a, b = s - menu.buffer_before, s + menu.duration + menu.buffer_after
                        if g.free[s] == 0:
                            continue
                        when = midnight + dt.timedelta(minutes=s)
                        if earliest is not None and when < earliest:
                            continue
                        free = g.free_for(a, b)
                        if free:
                            slots.append(Slot(menu.id, staff.id if staff else None, when, free))
        for klass in setup.classes:
            if (wanted is not None and klass.id not in wanted) or (
                    shown_only and not klass.shown):
                continue
            if not _class_on(setup, klass, day):
                continue
            when = midnight + dt.timedelta(minutes=klass.start)
            if earliest is not None and when < earliest:
                continue
            free = klass.seats - class_taken.get((klass.id, when), 0)
            if free > 0:
                slots.append(Slot(klass.id, None, when, free))
    return slots


def _class_on(setup: Setup, klass: ClassSession, day: dt.date) -> bool:
    if day in klass.dates:
        return True
    return day.weekday() in klass.weekdays and not shop_closed(setup, day)


def window(menu: Menu, start: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """What a booking of ``menu`` at ``start`` keeps busy, buffers included."""
    return (start - dt.timedelta(minutes=menu.buffer_before),
            start + dt.timedelta(minutes=menu.duration + menu.buffer_after))


def resource_steps(setup: Setup, busy: Iterable[Busy], start: dt.date, days: int
                   ) -> dict[tuple[str | None, dt.datetime], int]:
    """Free capacity of every resource (a staff member, or the shop's seats: ``None``) per
    ``slot_step`` from ``start`` for ``days`` days: what the relay takes a booking against.

    A step counts as free only when all of its minutes are (the least free minute, for
    seats), so a window the relay builds from whole steps is never freer than the book
    says. Steps with nothing free are left out.
    """
    by_key: dict[tuple[str | None, dt.date], list[tuple[int, int]]] = {}
    first = dt.datetime.combine(start, dt.time())
    last = first + dt.timedelta(days=days + 1)
    for hold in busy:
        if hold.class_id is not None or hold.end <= first - dt.timedelta(days=1) \
                or hold.start >= last:
            continue
        d = hold.start.date()
        while dt.datetime.combine(d, dt.time()) < hold.end:
            by_key.setdefault((hold.staff_id if setup.staff else None, d), []).append(
                (_day_minutes(d, hold.start), _day_minutes(d, hold.end)))
            d += dt.timedelta(days=1)
    step = setup.slot_step
    resources: tuple[Staff | None, ...] = setup.staff or (None,)
    out: dict[tuple[str | None, dt.datetime], int] = {}
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        midnight = dt.datetime.combine(day, dt.time())
        for staff in resources:
            sid = staff.id if staff else None
            g = DayGrid(_open_spans(setup, staff, day), 1 if staff else setup.seats,
                        by_key.get((sid, day), ()))
            if g.capacity == 1:
                for fa, fb in g.free_spans:
                    for t in range(-(-fa // step) * step, fb - step + 1, step):
                        out[(sid, midnight + dt.timedelta(minutes=t))] = 1
                continue
            for open_a, open_b in g.spans:
                for t in range(-(-open_a // step) * step, open_b - step + 1, step):
                    free = g.free_for(t, t + step)
                    if free:
                        out[(sid, midnight + dt.timedelta(minutes=t))] = free
    return out


def class_slots(setup: Setup, busy: Iterable[Busy], start: dt.date, days: int, *,
                now: dt.datetime | None = None) -> list[Slot]:
    """The classes' free seats (each session is its own slot)."""
    ids = [c.id for c in setup.classes]
    return compute(setup, busy, start, days, now=now, menus=ids, shown_only=True) \
        if ids else []
