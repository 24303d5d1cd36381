"""Each figure as a table (header + rows): what ``main.py report`` writes as CSV and what
the 分析 window exports, so both carry the same numbers. Headers are English identifiers
(stable for scripts); the window shows its own Japanese labels."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.analytics import figures, shop_figures
from app.analytics.crosstab import CrossTab
from app.analytics.period import Period

Table = tuple[list[str], list[list[Any]]]


def _friends(s: Session, p: Period, grain: str) -> Table:
    return friends_table(figures.friends(s, p, grain),
                         figures.friends(s, p.previous(), grain))


def friends_table(fig: figures.FriendsFigure, previous: figures.FriendsFigure) -> Table:
    before = previous.total()
    rows: list[list[Any]] = [[r.bucket.isoformat(), r.added, r.blocked, r.unblocked, r.net]
                             for r in fig.rows]
    t = fig.total()
    rows.append(["total", t.added, t.blocked, t.unblocked, t.net])
    rows.append(["previous_total", before.added, before.blocked, before.unblocked,
                 before.net])
    return ["bucket", "added", "blocked", "unblocked", "net"], rows


def _blocks(s: Session, p: Period, grain: str) -> Table:
    return (["broadcast_id", "name", "started_at_utc", "delivered", "blocked_24h", "rate"],
            [[b.broadcast_id, b.name, b.started_at.isoformat(sep=" "), b.delivered,
              b.blocked_24h, round(b.rate, 4)] for b in figures.block_after_broadcasts(s, p)])


def _tags(s: Session, p: Period, grain: str) -> Table:
    return (["tag_id", "tag", "customers", "share"],
            [[t.tag_id, t.name, t.customers, round(t.share, 4)]
             for t in figures.tag_distribution(s)])


def _messages(s: Session, p: Period, grain: str) -> Table:
    fig = figures.messages(s, p, grain)
    before = figures.messages(s, p.previous(), grain)
    rows: list[list[Any]] = [[r.bucket.isoformat(), r.received, r.sent] for r in fig.rows]
    rows.append(["total", sum(r.received for r in fig.rows), sum(r.sent for r in fig.rows)])
    rows.append(["previous_total", sum(r.received for r in before.rows),
                 sum(r.sent for r in before.rows)])
    return ["bucket", "received", "sent"], rows


def _response(s: Session, p: Period, grain: str) -> Table:
    rows = []
    for label, period in (("period", p), ("previous", p.previous())):
        fig = figures.messages(s, period, grain)
        rows.append([label, fig.responses, fig.response_median_s, fig.response_p90_s,
                     fig.unanswered_chats])
    return ["period", "responses", "median_seconds", "p90_seconds", "unanswered_chats_now"], rows


def _broadcasts(s: Session, p: Period, grain: str) -> Table:
    fig = figures.broadcasts(s, p)
    rows: list[list[Any]] = [
        [r.broadcast_id, r.name, r.state,
         r.started_at.isoformat(sep=" ") if r.started_at else "", r.recipients, r.sent,
         r.failed, r.skipped, r.not_sent] for r in fig.results]
    rows.append(["month_used", "", "", "", "", fig.month_used, "", "", ""])
    return (["broadcast_id", "name", "state", "started_at_utc", "recipients", "sent", "failed",
             "skipped", "not_sent"], rows)


def _forms(s: Session, p: Period, grain: str) -> Table:
    rows: list[list[Any]] = []
    for f in figures.forms(s, p):
        rows.append([f.form_id, f.title, "", "", "", f.answers, ""])
        for item in f.items:
            for c in item.choices:
                rows.append([f.form_id, f.title, item.key, item.label, c.label, c.count,
                             round(c.share, 4)])
    return ["form_id", "title", "item_key", "item", "choice", "count", "share"], rows


def _bookings(s: Session, p: Period, grain: str) -> Table:
    return bookings_table(shop_figures.bookings(s, p, grain))


def _busiest(s: Session, p: Period, grain: str) -> Table:
    return busiest_table(shop_figures.bookings(s, p, grain))


def bookings_table(fig: shop_figures.BookingsFigure) -> Table:
    rows: list[list[Any]] = [[r.bucket.isoformat(), r.booked, r.visited, r.no_show,
                              r.cancelled] for r in fig.rows]
    rate = fig.no_show_rate
    rows.append(["no_show_rate", "", "", "" if rate is None else round(rate, 4), ""])
    return ["bucket", "booked", "visited", "no_show", "cancelled"], rows


def busiest_table(fig: shop_figures.BookingsFigure) -> Table:
    heat = fig.heat
    hours = sorted({h for _, h in heat}) or list(range(10, 20))
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    return (["weekday", *(f"{h:02d}" for h in hours)],
            [[days[d], *(heat.get((d, h), 0) for h in hours)] for d in range(7)])


def _sales(s: Session, p: Period, grain: str) -> Table:
    fig = shop_figures.sales(s, p, grain)
    rows: list[list[Any]] = [
        [r.bucket.isoformat(), r.orders, r.net,
         "" if r.average is None else round(r.average, 1)] for r in fig.rows]
    rate = fig.repeat_rate
    rows.append(["repeat_rate", fig.buyers, fig.repeat_buyers,
                 "" if rate is None else round(rate, 4)])
    return ["bucket", "orders", "net_sales", "average_order"], rows


def _routes(s: Session, p: Period, grain: str) -> Table:
    from app.routes.figures import route_counts

    return (["route_id", "route", "arrivals", "friends", "first_route"],
            [[c.route_id, c.name, c.arrivals, c.friends, c.first]
             for c in route_counts(s, p)])


#: The figures by the name the CLI takes (docs/analytics.md lists them).
FIGURES: dict[str, Callable[[Session, Period, str], Table]] = {
    "friends": _friends,
    "block-rate": _blocks,
    "tags": _tags,
    "messages": _messages,
    "response-time": _response,
    "broadcasts": _broadcasts,
    "forms": _forms,
    "bookings": _bookings,
    "busiest-hours": _busiest,
    "sales": _sales,
    "routes": _routes,
}


def crosstab_table(tab: CrossTab, none_label: str = "(none)") -> Table:
    """Counts with the row and column totals; shares are counts over those totals."""
    def label(v: Any) -> str:
        return v.label if v.key is not None else none_label
    header = ["", *(label(c) for c in tab.cols), "total"]
    rows: list[list[Any]] = [[label(r), *tab.counts[i], tab.row_totals[i]]
                             for i, r in enumerate(tab.rows)]
    rows.append(["total", *tab.col_totals, tab.total])
    return header, rows


def write_csv(table: Table, path: Path) -> None:
    """UTF-8 with a BOM so that Excel opens the Japanese right."""
    header, rows = table
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
