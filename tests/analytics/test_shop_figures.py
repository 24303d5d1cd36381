"""Bookings (per bucket, no-show rate, busiest hours) and sales (per bucket, average order,
repeat rate) against plain-Python counts over a random real book; `report` writes them."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.analytics import shop_figures, tables
from app.analytics.period import Period, bucket_of
from app.book import Book
from app.profile import Profile
from app.store.models import Customer
from app.store.models_booking import Booking
from app.store.models_purchases import Order

PERIOD = Period(dt.date(2026, 10, 1), dt.date(2026, 11, 30))
STATUSES = ("booked", "pending", "visited", "no_show", "cancelled")


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[tuple[Book, list[tuple[dt.datetime, str]],
                                          list[tuple[dt.datetime, int, int, int | None]]]]:
    book = Profile(tmp_path / "profile").create(passphrase="しっかりした合言葉 2026")
    rnd = random.Random(5)
    bookings: list[tuple[dt.datetime, str]] = []
    orders: list[tuple[dt.datetime, int, int, int | None]] = []
    try:
        with book.db.write() as s:
            people = [Customer(name=f"客{i}") for i in range(40)]
            s.add_all(people)
            s.flush()
            ids = [c.id for c in people]
            for i in range(600):  # Sept to Dec, shop hours, local wall-clock times
                start = dt.datetime(2026, 9, 1, 10) + dt.timedelta(
                    days=rnd.randrange(120), hours=rnd.randrange(9), minutes=15 * rnd.randrange(4))
                status = rnd.choice(STATUSES)
                s.add(Booking(id=f"b{i:04d}", customer_id=rnd.choice(ids), menu_id="cut",
                              start=start, end=start + dt.timedelta(minutes=60),
                              busy_start=start, busy_end=start + dt.timedelta(minutes=75),
                              status=status))
                bookings.append((start, status))
            for i in range(400):  # UTC times: the local day may be the next one
                at = dt.datetime(2026, 8, 1) + dt.timedelta(minutes=rnd.randrange(150 * 1440))
                total = rnd.choice((1980, 4400, 7700))
                refunded = rnd.choice((0, 0, 0, 1000, total))
                cid = rnd.choice([*ids, None])
                s.add(Order(number=f"N{i:05d}", customer_id=cid, total=total,
                            refunded=refunded, ordered_at=at))
                orders.append((at, total, refunded, cid))
        yield book, bookings, orders
    finally:
        book.close()


def test_bookings_per_bucket_rate_and_heat(shop: tuple) -> None:
    book, bookings, _ = shop
    with book.db.read() as s:
        fig = shop_figures.bookings(s, PERIOD, "week")
    inside = [(st, status) for st, status in bookings if PERIOD.start <= st.date() <= PERIOD.end]
    want: Counter[tuple[dt.date, str]] = Counter(
        (bucket_of(st.date(), "week"), status) for st, status in inside)
    for r in fig.rows:
        assert (r.visited, r.no_show, r.cancelled) == (
            want[(r.bucket, "visited")], want[(r.bucket, "no_show")],
            want[(r.bucket, "cancelled")])
        assert r.booked == sum(want[(r.bucket, x)] for x in STATUSES if x != "cancelled")
    visited = sum(1 for _, x in inside if x == "visited")
    missed = sum(1 for _, x in inside if x == "no_show")
    assert fig.no_show_rate == missed / (visited + missed)
    assert fig.heat == dict(Counter((st.weekday(), st.hour) for st, x in inside
                                    if x != "cancelled"))
    assert sum(fig.heat.values()) == sum(r.booked for r in fig.rows) > 0


def test_sales_per_bucket_average_and_repeat(shop: tuple) -> None:
    book, _, orders = shop
    lo, hi = PERIOD.utc_bounds()
    with book.db.read() as s:
        fig = shop_figures.sales(s, PERIOD, "month")
    inside = [o for o in orders if lo <= o[0] < hi]

    def local_month(at: dt.datetime) -> dt.date:
        return (at + dt.timedelta(hours=9)).date().replace(day=1)
    for r in fig.rows:
        mine = [o for o in inside if local_month(o[0]) == r.bucket]
        assert r.orders == len(mine) and r.net == sum(t - f for _, t, f, _ in mine)
        assert r.average == (r.net / r.orders if r.orders else None)
    buyers = {c for *_, c in inside if c is not None}
    in_period = Counter(c for *_, c in inside if c is not None)
    before = {c for at, _, _, c in orders if at < lo and c is not None}
    repeat = {c for c in buyers if c in before or in_period[c] >= 2}
    assert (fig.buyers, fig.repeat_buyers) == (len(buyers), len(repeat)) and repeat
    assert fig.repeat_rate == len(repeat) / len(buyers)


def test_report_tables_carry_the_same_numbers(shop: tuple) -> None:
    book, _, _ = shop
    with book.db.read() as s:
        fig = shop_figures.bookings(s, PERIOD, "week")
        sales = shop_figures.sales(s, PERIOD, "month")
        header, rows = tables.FIGURES["bookings"](s, PERIOD, "week")
        heat_header, heat_rows = tables.FIGURES["busiest-hours"](s, PERIOD, "week")
        sales_header, sales_rows = tables.FIGURES["sales"](s, PERIOD, "month")
    assert header[:2] == ["bucket", "booked"]
    assert [r[1] for r in rows[:-1]] == [r.booked for r in fig.rows]
    assert rows[-1][3] == round(fig.no_show_rate or 0, 4)
    assert sum(sum(r[1:]) for r in heat_rows) == sum(fig.heat.values())
    assert heat_header[0] == "weekday" and len(heat_rows) == 7
    assert sales_header == ["bucket", "orders", "net_sales", "average_order"]
    assert [r[2] for r in sales_rows[:-1]] == [r.net for r in sales.rows]
    assert sales_rows[-1][1:3] == [sales.buyers, sales.repeat_buyers]


def test_report_writes_bookings_and_sales(shop: tuple, tmp_path: Path) -> None:
    from tests.core.test_cli import otokui

    book, _, _ = shop
    with book.db.read() as s:
        want = tables.FIGURES["sales"](s, PERIOD, "month")
    root = book.profile.root
    book.close()
    out = tmp_path / "sales.csv"
    done = otokui(root, "report", "sales", "--from", "2026-10-01", "--to", "2026-11-30",
                  "--by", "month", "--csv", str(out), passphrase="しっかりした合言葉 2026")
    assert done.returncode == 0, done.stderr
    got = out.read_text(encoding="utf-8-sig").splitlines()
    assert got[0] == ",".join(want[0]) and len(got) == len(want[1]) + 1
    for name in ("bookings", "busiest-hours"):
        done = otokui(root, "report", name, "--from", "2026-10-01", "--to", "2026-11-30",
                      passphrase="しっかりした合言葉 2026")
        assert done.returncode == 0, done.stderr
