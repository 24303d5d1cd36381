"""What the dashboard computes in the background: every figure as the table
``main.py report`` writes (app/analytics/tables.py), so a chart, its CSV and the CLI carry
the same numbers. Qt-free: it runs on a worker thread with a read session of its own."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.analytics.period import Period
from app.analytics.tables import FIGURES, Table

if TYPE_CHECKING:
    from app.book import Book

#: The figures a chart compares with the previous period's series.
SERIES = ("friends", "messages")


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
        before = {name: FIGURES[name](s, period.previous(), grain)
                  for name in SERIES} if compare else {}
    return DashboardTables(period, grain, compare, now, before)
