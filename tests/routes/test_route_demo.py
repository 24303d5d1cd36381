"""The demo's inflow routes: published, scanned through the relay's real page, the
scans brought by the sync; the salon's segments count the same customers as before."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import func, select

from app.analytics.period import JST, Period
from app.demo import start_demo
from app.routes.demo import ROUTES, SCANS
from app.routes.figures import route_counts
from app.store.models import Customer
from app.store.models_routes import RouteArrival
from tests.sync.support import fast_worker, wait_until


def test_the_demo_has_routes_with_arrivals(tmp_path: Path) -> None:
    demo = start_demo(tmp_path / "demo", friends=30, interval=(600, 600), seed=5,
                      start_sync=False)
    try:
        book = demo.book
        demo.stop_friends()
        with book.db.read() as s:
            known = s.scalar(select(func.count()).select_from(RouteArrival)) or 0
            customers = s.scalar(select(func.count()).select_from(Customer))
        assert known > 0
        before = [book.segments.count(x.condition) for x in book.segments.list()]
        worker = fast_worker(book)

        def anonymous() -> int:
            with book.db.read() as s:
                return int(s.scalar(select(func.count()).select_from(RouteArrival).where(
                    RouteArrival.customer_id.is_(None))) or 0)
        wait_until(lambda: worker.run_once() is not None and anonymous() == sum(SCANS),
                   what="the scans' arrivals")
        today = dt.datetime.now(JST).date()
        with book.db.read() as s:
            counts = route_counts(s, Period(today - dt.timedelta(days=70), today))
            assert s.scalar(select(func.count()).select_from(Customer)) == customers
        assert [c.name for c in counts] == [name for name, _ in ROUTES]
        assert sum(c.arrivals for c in counts) == known + sum(SCANS)
        assert [book.segments.count(x.condition) for x in book.segments.list()] == before
    finally:
        demo.stop()
