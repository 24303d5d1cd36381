"""The audit log, for the owner: who did what to whose data, when — filtered, searched and
exported as CSV (Excel-ready). Entries name customers by number only (app.audit)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Text, cast, or_, select

from app.store.models import AuditEntry

if TYPE_CHECKING:
    from app.book import Book


@dataclass(frozen=True)
class AuditFilter:
    action: str | None = None
    text: str = ""  # searched in the target and the details
    since: dt.datetime | None = None  # UTC, inclusive
    until: dt.datetime | None = None  # UTC, exclusive


def entries(book: Book, f: AuditFilter | None = None, *, limit: int = 100_000
            ) -> list[AuditEntry]:
    f = f or AuditFilter()
    q = select(AuditEntry).order_by(AuditEntry.id.desc())
    if f.action:
        q = q.where(AuditEntry.action == f.action)
    if f.since:
        q = q.where(AuditEntry.at >= f.since)
    if f.until:
        q = q.where(AuditEntry.at < f.until)
    with book.db.read() as s:
        rows = list(s.scalars(q.limit(limit)))
    needle = f.text.strip().lower()
    if needle:
        rows = [r for r in rows if needle in r.target.lower()
                or needle in json.dumps(r.detail, ensure_ascii=False).lower()
                or needle in r.action.lower()]
    return rows


def write_csv(rows: list[AuditEntry], path: Path) -> int:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        w = csv.writer(out)
        w.writerow(["id", "at_utc", "action", "target", "count", "detail"])
        for r in rows:
            w.writerow([r.id, r.at.isoformat(sep=" ", timespec="seconds"), r.action, r.target,
                        r.count, json.dumps(r.detail, ensure_ascii=False)])
    return len(rows)


# --- for the window's lazy table: the ids first, the rows a page at a time ---------------
#: Search texts SQL can match itself (no quote, backslash or %: their JSON and LIKE forms
#: differ); others are matched in Python, as :func:`entries` does.
_PLAIN = re.compile(r"[\w\s:.@/+-]+")


def _like(needle: str) -> str:
    return "%" + needle.replace("!", "!!").replace("_", "!_") + "%"


def entry_ids(book: Book, f: AuditFilter | None = None) -> list[int]:
    """The ids of the entries matching ``f``, newest first (what the viewer's model
    holds; it reads the rows of the ones on screen with :func:`fetch`). The same entries
    as :func:`entries` (tested)."""
    f = f or AuditFilter()
    needle = f.text.strip().lower()
    in_sql = bool(needle) and _PLAIN.fullmatch(needle) is not None
    cols = (AuditEntry.id, AuditEntry.action, AuditEntry.target, AuditEntry.detail) \
        if needle and not in_sql else (AuditEntry.id,)
    q = select(*cols).order_by(AuditEntry.id.desc())
    if in_sql:
        # The details are stored as JSON with non-ASCII escaped (\uXXXX): the needle is
        # searched in that form there. LIKE ignores ASCII case, as .lower() does.
        escaped = json.dumps(needle)[1:-1]
        q = q.where(or_(AuditEntry.target.like(_like(needle), escape="!"),
                        AuditEntry.action.like(_like(needle), escape="!"),
                        cast(AuditEntry.detail, Text).like(_like(escaped), escape="!")))
    if f.action:
        q = q.where(AuditEntry.action == f.action)
    if f.since:
        q = q.where(AuditEntry.at >= f.since)
    if f.until:
        q = q.where(AuditEntry.at < f.until)
    with book.db.read() as s:
        if not needle or in_sql:
            return list(s.scalars(q))
        # The details are JSON (non-ASCII escaped in the column): searched as the viewer
        # shows them, like entries().
        return [i for i, action, target, detail in s.execute(q)
                if needle in target.lower() or needle in action.lower()
                or needle in json.dumps(detail, ensure_ascii=False).lower()]


def fetch(book: Book, ids: list[int]) -> dict[int, AuditEntry]:
    out: dict[int, AuditEntry] = {}
    with book.db.read() as s:
        for start in range(0, len(ids), 900):
            chunk = ids[start:start + 900]
            out.update({e.id: e for e in s.scalars(
                select(AuditEntry).where(AuditEntry.id.in_(chunk)))})
    return out


def actions(book: Book) -> list[str]:
    """The actions present in the log (for the viewer's filter)."""
    with book.db.read() as s:
        return sorted(s.scalars(select(AuditEntry.action).distinct()))


def write_csv_ids(book: Book, ids: list[int], path: Path) -> int:
    """The viewer's export: the listed entries, in its order, as CSV."""
    rows: list[AuditEntry] = []
    for start in range(0, len(ids), 5000):
        chunk = ids[start:start + 5000]
        got = fetch(book, chunk)
        rows.extend(got[i] for i in chunk if i in got)
    return write_csv(rows, path)
