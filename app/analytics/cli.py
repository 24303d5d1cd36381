"""``python main.py report FIGURE …``: the dashboard's figures from scripts (docs/analytics.md).

Prints the table (tab-separated) or writes it as CSV with ``--csv``; the numbers are those
the 分析 window shows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

NAMES = ("friends", "block-rate", "tags", "messages", "response-time", "broadcasts", "forms",
         "bookings", "busiest-hours", "sales", "routes", "crosstab")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("report", help="a figure of the 分析 dashboard, as a table or CSV")
    p.add_argument("figure", choices=NAMES)
    p.add_argument("--from", dest="date_from", metavar="DATE", help="first day (YYYY-MM-DD; "
                   "default: the first of this month)")
    p.add_argument("--to", dest="date_to", metavar="DATE", help="last day, included "
                   "(default: the end of this month)")
    p.add_argument("--by", choices=("day", "week", "month"), default="day",
                   help="bucket size of the series (default day)")
    p.add_argument("--csv", metavar="FILE", help="write CSV (Excel-ready) instead of printing")
    p.add_argument("--rows", metavar="DIM", default="tag", help="crosstab: tag, choice:FIELD, "
                   "number:FIELD, birthday_month, prefecture or route (FIELD: the field's name)")
    p.add_argument("--cols", metavar="DIM", default="prefecture", help="crosstab: as --rows")
    p.add_argument("--ranges", metavar="A-B,…", default="", help="crosstab number ranges, "
                   "inclusive, open ends allowed: -9,10-19,20-")


def _ranges(text: str) -> tuple[tuple[float | None, float | None], ...]:
    out = []
    for part in filter(None, (x.strip() for x in text.split(","))):
        lo, _, hi = part.partition("-")
        out.append((float(lo) if lo else None, float(hi) if hi else None))
    return tuple(out)


def _dimension(book: Any, text: str, ranges: str) -> Any:
    from app.analytics.crosstab import Dimension

    kind, _, field_name = text.partition(":")
    if kind in ("choice", "number"):
        field_id = next((f.id for f in book.fields.list() if f.name == field_name), None)
        if field_id is None:
            raise SystemExit(f"otokui: no field named {field_name!r}")
        return Dimension(kind, field_id=field_id, ranges=_ranges(ranges))
    return Dimension(kind)


def run(args: argparse.Namespace, open_book: Any, profile: Any) -> int:
    from pathlib import Path

    from app.analytics import summaries, tables
    from app.analytics.crosstab import crosstab
    from app.analytics.period import JST, Period

    today = dt.datetime.now(JST).date()
    month = Period.this_month(today)
    try:
        start = dt.date.fromisoformat(args.date_from) if args.date_from else month.start
        end = dt.date.fromisoformat(args.date_to) if args.date_to else month.end
        period = Period(start, end)
    except ValueError as exc:
        print(f"otokui: {exc}", file=sys.stderr)
        return 2
    with open_book(profile) as book:
        try:
            if args.figure == "crosstab":
                rows = _dimension(book, args.rows, args.ranges)
                cols = _dimension(book, args.cols, args.ranges)
                with book.db.read() as s:
                    table = tables.crosstab_table(crosstab(s, rows, cols))
            else:
                # Stores the waits of friends who wrote since the last time (the figure is
                # the same without it, only slower: app/analytics/summaries.py).
                summaries.refresh(book)
                with book.db.read() as s:
                    table = tables.FIGURES[args.figure](s, period, args.by)
        except ValueError as exc:
            print(f"otokui: {exc}", file=sys.stderr)
            return 2
    if args.csv:
        tables.write_csv(table, Path(args.csv))
        print(f"Wrote {len(table[1])} rows to {args.csv}.")
    else:
        header, body = table
        print("\t".join(header))
        for row in body:
            print("\t".join("" if v is None else str(v) for v in row))
    return 0
