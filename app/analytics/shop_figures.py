"""Bookings and sales on the 分析 dashboard (issue 17): bookings per bucket with the no-show
rate, the busiest hours (weekday × hour), sales per bucket with the average order and the
repeat rate. Plain functions of a read session, like app/analytics/figures.py.

Times: a booking's start is the shop's wall-clock time (app/booking); an order's time is
UTC (app/purchases) and is bucketed by its local (JST) day.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import DateTime, bindparam, select, text
from sqlalchemy.orm import Session

from app.analytics.period import Period, bucket_of, buckets, local_date
from app.store.models_booking import Booking
from app.store.models_purchases import Order

VISITED, NO_SHOW, CANCELLED = "visited", "no_show", "cancelled"


@dataclass(frozen=True)
class BookingsRow:
    bucket: dt.date
    booked: int  # every booking starting in the bucket but the cancelled ones
    visited: int
    no_show: int
    cancelled: int


@dataclass(frozen=True)
class BookingsFigure:
    period: Period
    grain: str
    rows: list[BookingsRow]
    #: (weekday 0 = Monday, hour) -> bookings starting then (cancelled ones left out).
    heat: dict[tuple[int, int], int]

    @property
    def no_show_rate(self) -> float | None:
        """No-shows among the bookings whose day came (来店 or 無断キャンセル)."""
        visited = sum(r.visited for r in self.rows)
        missed = sum(r.no_show for r in self.rows)
        return missed / (visited + missed) if visited + missed else None


def bookings(s: Session, period: Period, grain: str = "week") -> BookingsFigure:
    lo = dt.datetime.combine(period.start, dt.time())
    hi = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time())
    counts: Counter[tuple[dt.date, str]] = Counter()
    heat: Counter[tuple[int, int]] = Counter()
    for start, status in s.execute(select(Booking.start, Booking.status).where(
            Booking.start >= lo, Booking.start < hi)):
        b = bucket_of(start.date(), grain)
        counts[(b, status)] += 1
        if status != CANCELLED:
            counts[(b, "")] += 1
            heat[(start.weekday(), start.hour)] += 1
    return BookingsFigure(period, grain, [
        BookingsRow(b, counts[(b, "")], counts[(b, VISITED)], counts[(b, NO_SHOW)],
                    counts[(b, CANCELLED)]) for b in buckets(period, grain)], dict(heat))


@dataclass(frozen=True)
class SalesRow:
    bucket: dt.date
    orders: int
    net: int  # totals less refunds, yen (tax included)

    @property
    def average(self) -> float | None:
        return self.net / self.orders if self.orders else None


@dataclass(frozen=True)
class SalesFigure:
    period: Period
    grain: str
    rows: list[SalesRow]
    #: Customers who ordered in the period, and of them those with an earlier order too.
    buyers: int
    repeat_buyers: int

    @property
    def repeat_rate(self) -> float | None:
        return self.repeat_buyers / self.buyers if self.buyers else None


def sales(s: Session, period: Period, grain: str = "month") -> SalesFigure:
    lo, hi = period.utc_bounds()
    orders: Counter[dt.date] = Counter()
    net: Counter[dt.date] = Counter()
    buyers: set[int] = set()
    for at, total, refunded, cid in s.execute(
            select(Order.ordered_at, Order.total, Order.refunded, Order.customer_id)
            .where(Order.ordered_at >= lo, Order.ordered_at < hi)):
        b = bucket_of(local_date(at), grain)
        orders[b] += 1
        net[b] += int(total or 0) - int(refunded or 0)
        if cid is not None:
            buyers.add(cid)
    # A repeat buyer ordered before the period too, or twice within it: per buyer of the
    # period, a seek in (customer, time) instead of reading every earlier order.
    repeat = s.scalar(text(
        "SELECT count(*) FROM (SELECT o.customer_id FROM shop_order AS o "
        "WHERE o.ordered_at >= :lo AND o.ordered_at < :hi AND o.customer_id IS NOT NULL "
        "GROUP BY o.customer_id HAVING count(*) >= 2 OR EXISTS (SELECT 1 FROM shop_order "
        "AS e WHERE e.customer_id = o.customer_id AND e.ordered_at < :lo))").bindparams(
        bindparam("lo", lo, DateTime), bindparam("hi", hi, DateTime))) or 0 if buyers else 0
    return SalesFigure(period, grain, [SalesRow(b, orders[b], net[b])
                                       for b in buckets(period, grain)], len(buyers), repeat)
