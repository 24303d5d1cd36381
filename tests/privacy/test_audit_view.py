"""The audit log for the owner: filter by action and dates, search, CSV."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from app.book import Book
from app.privacy.audit_view import AuditFilter, entries, write_csv
from app.privacy.erase import erase_customer


def test_filter_search_and_csv(book: Book, tmp_path: Path) -> None:
    a = book.customers.create(name="甲")
    b = book.customers.create(name="乙")
    book.audit.record("export_csv", target="customers", count=2)
    erase_customer(book, a)
    erase_customer(book, b)
    deleted = entries(book, AuditFilter(action="privacy_deleted"))
    assert [e.target for e in deleted] == [f"customer:{b}", f"customer:{a}"]
    assert [e.target for e in entries(book, AuditFilter(text=f"customer:{a}"))] == \
        [f"customer:{a}"]
    future = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=1)
    assert entries(book, AuditFilter(since=future)) == []
    assert len(entries(book, AuditFilter(until=future))) >= 3
    out = tmp_path / "audit.csv"
    assert write_csv(deleted, out) == 2
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert rows[0][:3] == ["id", "at_utc", "action"] and rows[1][2] == "privacy_deleted"
    assert "甲" not in out.read_text(encoding="utf-8-sig")  # numbers, never names


def test_the_viewers_ids_are_the_entries(book: Book) -> None:
    """entry_ids (SQL search, for the window's lazy model) finds what entries() finds."""
    from app.privacy.audit_view import entry_ids

    book.audit.record("export_csv", target="form:AbC_1", count=3, note="来店アンケート")
    book.audit.record("attachment_opened", target="attachment:12")
    book.audit.record("backup", target="backup", count=2, path='C:\\"x" 100%')
    book.audit.record("privacy_incident_report", target="incident:1", kind="final")
    for text in ("", "abc_1", "ABC", "a_c", "アンケート", "来店", "attachment:1", "csv",
                 "final", "kind", '"x"', "100%", "\\", "%", "_", "incident:1 ", "nothing"):
        want = [e.id for e in entries(book, AuditFilter(text=text))]
        assert entry_ids(book, AuditFilter(text=text)) == want, text
    assert entry_ids(book, AuditFilter(action="backup", text="backup")) == \
        [e.id for e in entries(book, AuditFilter(action="backup"))]
