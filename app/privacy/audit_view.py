"""The audit log, for the owner: who did what to whose data, when — filtered, searched and
exported as CSV (Excel-ready). Entries name customers by number only (app.audit)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

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
