"""What the 分析 window's dashboard computes in the background: every figure as the table
``main.py report`` writes (app/analytics/tables.py), so a chart, its CSV and the CLI carry
the same numbers; and the customer table's view of a cross tabulation cell. The window
(ui/analytics) calls these from a worker thread; each read opens its own session."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from app.analytics import figures, shop_figures, summaries
from app.analytics.period import Period
from app.analytics.tables import (
    FIGURES,
    Table,
    bookings_table,
    busiest_table,
    friends_table,
)
from app.errors import OtokuiError
from app.line.send.service import Quota
from app.search import CustomerQuery

log = logging.getLogger("otokui.analytics")

if TYPE_CHECKING:

    from app.book import Book

@dataclass(frozen=True)
class DashboardTables:
    period: Period
    grain: str
    compare: bool
    #: Each figure's table by its CLI name (FIGURES).
    tables: dict[str, Table]
    #: The previous period's tables of the series figures (when comparing).
    previous: dict[str, Table] = field(default_factory=dict)
    #: This month's messages as LINE counts them against the plan (every message the
    #: shop sent, not only broadcasts), when LINE could be asked; None offline or with no
    #: channel set up.
    quota: Quota | None = None


def compute(book: Book, period: Period, grain: str, compare: bool) -> DashboardTables:
    before = period.previous()
    # Store the waits of friends who wrote since the last dashboard, so this one and the
    # next read them instead of working them out (exact either way: summaries.py).
    summaries.refresh(book)
    with book.db.read() as s:
        # The messages figure is most of the time (docs/performance-analytics.md): read
        # once per period here, where the tables ``messages`` and ``response-time`` would
        # each read both periods again.
        unanswered = figures.unanswered_chats(s)
        msgs = {p: figures.messages(s, p, grain, unanswered) for p in (period, before)}
        # The bookings and busiest-hours tables are one figure read once.
        booked = shop_figures.bookings(s, period, grain)
        friends = {p: figures.friends(s, p, grain) for p in (period, before)}
        shared: dict[str, Table] = {
            "friends": friends_table(friends[period], friends[before]),
            "messages": messages_table(msgs[period], msgs[before]),
            "response-time": response_table(msgs[period], msgs[before]),
            "bookings": bookings_table(booked),
            "busiest-hours": busiest_table(booked),
        }
        now: dict[str, Table] = {
            name: shared[name] if name in shared else fn(s, period, grain)
            for name, fn in FIGURES.items()}
        series = previous_series(friends[before], msgs[before]) if compare else {}
    return DashboardTables(period, grain, compare, now, series, month_quota(book))


def month_quota(book: Book) -> Quota | None:
    """LINE's count of this month's messages and the plan's limit; None when LINE cannot
    be asked (no channel, offline, a rejected token): the card then shows the book's own
    count of broadcast deliveries alone."""
    try:
        return book.sending.quota()
    except OtokuiError as exc:
        log.info("analytics: the month's quota is not known (%s)", type(exc).__name__)
        return None


# The same rows as tables.py's ``messages`` and ``response-time`` (the test compares every
# card's CSV with tables.FIGURES), from figures already computed.
def messages_table(fig: figures.MessagesFigure, prev: figures.MessagesFigure) -> Table:
    rows: list[list[Any]] = [[r.bucket.isoformat(), r.received, r.sent] for r in fig.rows]
    rows.append(["total", sum(r.received for r in fig.rows), sum(r.sent for r in fig.rows)])
    rows.append(["previous_total", sum(r.received for r in prev.rows),
                 sum(r.sent for r in prev.rows)])
    return ["bucket", "received", "sent"], rows


def response_table(fig: figures.MessagesFigure, prev: figures.MessagesFigure) -> Table:
    return (["period", "responses", "median_seconds", "p90_seconds", "unanswered_chats_now"],
            [[label, f.responses, f.response_median_s, f.response_p90_s, f.unanswered_chats]
             for label, f in (("period", fig), ("previous", prev))])


def previous_series(friends: figures.FriendsFigure,
                    messages: figures.MessagesFigure) -> dict[str, Table]:
    """The previous period's series, in the shape of their tables' bucket rows (what the
    charts draw as a line); not through tables.FIGURES, which would also compute the period
    before that one for its totals."""
    return {
        "friends": (["bucket", "added", "blocked", "unblocked", "net"],
                    [[r.bucket.isoformat(), r.added, r.blocked, r.unblocked, r.net]
                     for r in friends.rows]),
        "messages": (["bucket", "received", "sent"],
                     [[r.bucket.isoformat(), r.received, r.sent] for r in messages.rows]),
    }


#: Marks the clause a cross tabulation cell puts in the customer table's query (an SQL
#: comment: it changes nothing in what the clause selects), so that it can be taken out.
CELL_MARK = "/* analytics cell */ "
#: The cell's customers, their ids given as one JSON list (no limit on how many).
CELL_CLAUSE = "/* analytics cell */ c.id IN (SELECT value FROM json_each(:analytics_cell))"


def with_cell(query: CustomerQuery, ids: Sequence[int]) -> CustomerQuery:
    """``query`` narrowed to these customers (a cell's), replacing an earlier cell."""
    kept = without_cell(query)
    clause = (CELL_CLAUSE, {"analytics_cell": json.dumps([int(i) for i in ids])})
    return replace(kept, extra_where=(*kept.extra_where, clause))


def without_cell(query: CustomerQuery) -> CustomerQuery:
    kept = tuple(c for c in query.extra_where if not c[0].startswith(CELL_MARK))
    return query if kept == query.extra_where else replace(query, extra_where=kept)
