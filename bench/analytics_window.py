"""What the 分析 window computes in the background for one dashboard (every figure's table,
the previous period's series, sales), against ``figures.dashboard`` on the same book, and
each table's share.

    .venv/bin/python -m bench.analytics_window [CUSTOMERS MESSAGES]   # default 20000 200000

The book is bench/analytics.py's (``bench/out/analytics-N``, reused when its stamp matches).
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time

from app.analytics import figures
from app.analytics.dashboard import compute
from app.analytics.period import Period
from app.analytics.tables import FIGURES
from bench.analytics import CLOCK, build
from bench.book import PASSPHRASE


def main() -> int:
    n, m = (int(sys.argv[1]), int(sys.argv[2])) if len(sys.argv) > 2 else (20_000, 200_000)
    profile = build(n, m)
    end = (CLOCK - dt.timedelta(days=1)).date()
    period = Period(end.replace(day=1), end)
    book = profile.open(PASSPHRASE)
    try:
        t = time.perf_counter()
        compute(book, period, "day", True)
        cold = time.perf_counter() - t
        warm, base = [], []
        for _ in range(3):
            t = time.perf_counter()
            compute(book, period, "day", True)
            warm.append(time.perf_counter() - t)
            t = time.perf_counter()
            with book.db.read() as s:
                figures.dashboard(s, period, "day")
            base.append(time.perf_counter() - t)
        print(f"{n:,} customers, {m:,} messages, {period.start}..{period.end}: window "
              f"cold {cold * 1000:.0f} ms, warm p50 {statistics.median(warm) * 1000:.0f} ms; "
              f"figures.dashboard p50 {statistics.median(base) * 1000:.0f} ms "
              f"(ratio {statistics.median(warm) / statistics.median(base):.2f})")
        with book.db.read() as s:
            for name, fn in FIGURES.items():
                t = time.perf_counter()
                fn(s, period, "day")
                print(f"  table {name}: {(time.perf_counter() - t) * 1000:.0f} ms")
    finally:
        book.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
