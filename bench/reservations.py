"""Reservations: a month of availability for 5 staff and 10 menus.

Run from the repository root::

    .venv/bin/python -m bench.reservations            # 5 rounds

``month``: ``app.booking.availability.compute`` over 31 days for 5 staff (shifts
10:00-19:00, one day off a week each) x 10 menus (30-120 minutes, buffers), 15-minute
step, with 4 bookings per staff member per day already taken (620 bookings).
``baseline``: the same computation with no booking and a single menu, same run: what the
day grids alone cost. Ratio = month / baseline. Target: month ≤ 50 ms.
The page-latency and week-view figures of issue 14 are not measured yet (no pages, no
window).
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    rounds = ap.parse_args(argv).rounds
    full, bare, held = parse_setup(salon()), parse_setup(salon(1)), busy()
    compute(full, held, START, 31)  # warm the holiday cache
    months, bases, n = [], [], 0
    for _ in range(rounds):
        bases.append(timed(lambda: compute(bare, [], START, 31)))
        months.append(timed(lambda: compute(full, held, START, 31)))
    n = len(compute(full, held, START, 31))
    month, base = statistics.median(months), statistics.median(bases)
    print(f"month (5 staff x 10 menus, {len(held)} bookings, {n} free slots): "
          f"median {month:.1f} ms, max {max(months):.1f} ms (target ≤ 50 ms)")
    print(f"baseline (no bookings, 1 menu): median {base:.1f} ms; ratio {month / base:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
