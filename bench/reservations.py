"""Reservations: a month of availability for 5 staff and 10 menus.

Run from the repository root::

    .venv/bin/python -m bench.reservations            # 5 rounds, the month only
    .venv/bin/python -m bench.reservations --all      # month, week view, booking pages

``month``: ``app.booking.availability.compute`` over 31 days for 5 staff (shifts
10:00-19:00, one day off a week each) x 10 menus (30-120 minutes, buffers), 15-minute
step, with 4 bookings per staff member per day already taken (620 bookings).
``baseline``: the same computation with no booking and a single menu, same run: what the
day grids alone cost. Ratio = month / baseline. Target: month ≤ 50 ms.

``--week``: the 予約 window's week view (ui/booking/calendar.py) over a real encrypted book
holding 20,000 bookings (a year of a busy salon, 5 staff, ~55 a day) and 2,000 customers:
reading the shown week (one query by the start index, and the customers' names) and
painting it (``QWidget.grab`` at 1280×800, QT_QPA_PLATFORM=offscreen). ``baseline``: the
same view on a week without bookings, same run (the grid alone). Target: ≤ 200 ms.

``--pages``: bench.booking_pages (the relay in its own process, 50 friends at once): the
days page's and the menus page's p50/p95 and a bare page's on the same app, same run,
with the ratio. Target: p95 ≤ 100 ms. Every figure is printed with the load average
(the machine may be shared). Where a page's own time goes: bench.booking_profile.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from typing import Any

from app.booking.availability import Busy, compute
from app.booking.setup import WEEKDAYS, parse_setup

START = dt.date(2026, 12, 1)


def salon(menus: int = 10) -> dict[str, Any]:
    return {
        "hours": {"daily": [["10:00", "19:00"]]}, "slot_step": 15,
        "staff": [{"id": f"s{i}", "name": f"スタッフ{i}",
                   "shifts": {"daily": [["10:00", "19:00"]], WEEKDAYS[i]: []}}
                  for i in range(5)],
        "menus": [{"id": f"m{j}", "name": f"メニュー{j}", "duration": 30 + 10 * j,
                   "buffer_after": 10 if j % 2 else 0, "price": 1000 * (j + 1)}
                  for j in range(menus)],
    }


def busy() -> list[Busy]:
    out = []
    for d in range(31):
        day = dt.datetime.combine(START + dt.timedelta(days=d), dt.time())
        for i in range(5):
            for k in range(4):
                a = day + dt.timedelta(hours=10 + 2 * k, minutes=15 * i)
                out.append(Busy(f"s{i}", None, a, a + dt.timedelta(minutes=75)))
    return out


def timed(fn: Any) -> float:
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def load() -> str:
    """The machine's state next to each figure (it is shared: the lead re-runs quietly)."""
    import os

    one, five, _ = os.getloadavg()
    return f"[load average {one:.1f} / {five:.1f} (1 / 5 min), {os.cpu_count()} cores]"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--week", action="store_true", help="also the week view (20,000 bookings)")
    ap.add_argument("--pages", action="store_true",
                    help="also the booking pages, 50 friends at once, against a bare page")
    ap.add_argument("--all", action="store_true", help="month, week view and pages")
    ap.add_argument("--loads", type=int, default=10, help="pages: loads per friend a round")
    parsed = ap.parse_args(argv)
    rounds, week_view_wanted = parsed.rounds, parsed.week or parsed.all
    full, bare, held = parse_setup(salon()), parse_setup(salon(1)), busy()
    compute(full, held, START, 31)  # warm the holiday cache
    months, bases, n = [], [], 0
    for _ in range(rounds):
        bases.append(timed(lambda: compute(bare, [], START, 31)))
        months.append(timed(lambda: compute(full, held, START, 31)))
    n = len(compute(full, held, START, 31))
    month, base = statistics.median(months), statistics.median(bases)
    print(f"month (5 staff x 10 menus, {len(held)} bookings, {n} free slots): "
          f"median {month:.1f} ms, max {max(months):.1f} ms (target ≤ 50 ms) {load()}")
    print(f"baseline (no bookings, 1 menu): median {base:.1f} ms; ratio {month / base:.1f}")
    if week_view_wanted:
        week_view(rounds)
        print(f"  {load()}")
    if parsed.pages or parsed.all:
        from bench.booking_pages import run

        run(max(1, rounds // 2), 50, parsed.loads)
    return 0


def week_view(rounds: int, bookings: int = 20_000, customers: int = 2_000) -> None:
    """The week view over ``bookings`` bookings: read + paint, against an empty week."""
    import os
    import random
    import tempfile
    from pathlib import Path

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication
    from sqlalchemy import insert

    from app.booking.service import BookingService
    from app.profile import Profile
    from app.store.models import Customer
    from app.store.models_booking import Booking
    from ui.booking.calendar import CalendarView

    app = QApplication.instance() or QApplication([])
    rng = random.Random(14)
    with tempfile.TemporaryDirectory() as tmp:
        book = Profile(Path(tmp) / "p").create(passphrase="bench reservations week")  # noqa: S106
        try:
            service = BookingService(book)
            service.save_setup(salon())
            now = dt.datetime(2026, 1, 1)
            with book.db.write() as s:
                s.execute(insert(Customer), [
                    {"display_name": f"お客様{n}", "name": f"顧客 {n}", "created_at": now,
                     "updated_at": now} for n in range(customers)])
            first = dt.datetime.combine(START, dt.time(10))
            rows, day, slot = [], 0, 0
            while len(rows) < bookings:
                staff, k = slot % 5, slot // 5
                if k >= 11:  # 11 a day per staff member: 55 a day
                    day, slot = day + 1, 0
                    continue
                a = first + dt.timedelta(days=day, minutes=45 * k + 3 * staff)
                b = a + dt.timedelta(minutes=40)
                rows.append({"id": f"{len(rows):032x}", "customer_id": rng.randint(1, customers),
                             "menu_id": f"m{k % 10}", "staff_id": f"s{staff}", "class_id": None,
                             "start": a, "end": b, "busy_start": a, "busy_end": b,
                             "status": "booked", "source": "desktop", "price": 4400,
                             "answers": {}, "note": "", "revision": 0, "created_at": now,
                             "updated_at": now})
                slot += 1
            with book.db.write() as s:
                for n in range(0, len(rows), 2000):
                    s.execute(insert(Booking), rows[n:n + 2000])
            view = CalendarView(service)
            view.resize(1280, 800)
            view.reload(service.setup())
            view.mode = "week"
            busy_week = START + dt.timedelta(days=180)
            empty_week = START - dt.timedelta(days=30)

            def shown(anchor: dt.date) -> float:
                t = time.perf_counter()
                view.go(anchor)  # reads the week
                view.grab()  # paints it
                return (time.perf_counter() - t) * 1000

            shown(busy_week)  # warm the fonts and the statement cache
            weeks, bases = [], []
            for _ in range(rounds):
                bases.append(shown(empty_week))
                weeks.append(shown(busy_week))
            view.go(busy_week)
            n = len(view.bookings)
            w, base = statistics.median(weeks), statistics.median(bases)
            print(f"week view ({bookings} bookings in the book, {n} in the week, 5 staff): "
                  f"median {w:.1f} ms, max {max(weeks):.1f} ms (target ≤ 200 ms)")
            print(f"baseline (the same view, an empty week): median {base:.1f} ms; "
                  f"ratio {w / base:.1f}")
        finally:
            book.close()
    del app


if __name__ == "__main__":
    raise SystemExit(main())
