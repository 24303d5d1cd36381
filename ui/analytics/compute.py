"""What the dashboard computes in the background: every figure as the table
``main.py report`` writes (app/analytics/tables.py), so a chart, its CSV and the CLI carry
the same numbers. Qt-free: it runs on a worker thread with a read session of its own."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.analytics import figures
from app.analytics.period import Period
from app.analytics.tables import FIGURES, Table

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.book import Book

#: Sales per month: app/purchases computes them (``book.purchases.sales_by_month``, months
#: in UTC as it counts them); no ``main.py report`` figure yet, so the card's CSV is this.
SALES = "sales"


@dataclass(frozen=True)
class DashboardTables:
    period: Period
    grain: str
    compare: bool
    #: Each figure's table by its CLI name (FIGURES).
    tables: dict[str, Table]
    #: The previous period's tables of the series figures (when comparing).
    previous: dict[str, Table] = field(default_factory=dict)


def compute(book: Book, period: Period, grain: str, compare: bool) -> DashboardTables:
    with book.db.read() as s:
        now = {name: fn(s, period, grain) for name, fn in FIGURES.items()}
        before = previous_series(s, period.previous(), grain) if compare else {}
    now[SALES] = sales_table(book, period)
    return DashboardTables(period, grain, compare, now, before)


def previous_series(s: Session, period: Period, grain: str) -> dict[str, Table]:
    """The previous period's series, in the shape of their tables' bucket rows (what the
    charts draw as a line); not through tables.FIGURES, which would also compute the period
    before that one for its totals."""
    friends = figures.friends(s, period, grain)
    messages = figures.messages(s, period, grain)
    return {
        "friends": (["bucket", "added", "blocked", "unblocked", "net"],
                    [[r.bucket.isoformat(), r.added, r.blocked, r.unblocked, r.net]
                     for r in friends.rows]),
        "messages": (["bucket", "received", "sent"],
                     [[r.bucket.isoformat(), r.received, r.sent] for r in messages.rows]),
    }


def sales_table(book: Book, period: Period) -> Table:
    """The months the period touches: orders and net sales (refunds taken off)."""
    first, last = f"{period.start:%Y-%m}", f"{period.end:%Y-%m}"
    return (["month", "orders", "net_sales"],
            [[m, n, total] for m, n, total in book.purchases.sales_by_month()
             if first <= m <= last])
