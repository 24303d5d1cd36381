"""The audit-log viewer and "who is affected" on a large log (docs/performance-privacy.md).

    .venv/bin/python -m bench.privacy_audit [ENTRIES]

A made-up book with 2,000 customers and ENTRIES (default 100,000) audit entries naming
them. Prints: the viewer's id list (all entries), one page of rows, a search done in SQL
(``entry_ids``) against the same search done in Python over every entry (``entries``, the
baseline, measured in the same run), and who is affected over a month of the log.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    import keyring
    from sqlalchemy import update

    from app.privacy import incidents
    from app.privacy.audit_view import AuditFilter, entries, entry_ids, fetch
    from app.profile import Profile
    from app.store.models import AuditEntry, Customer
    from tests.support.keyrings import MemoryKeyring

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    keyring.set_keyring(MemoryKeyring())  # a made-up book: never the real password store
    book = Profile(Path(tempfile.mkdtemp()) / "p").create(passphrase="bench passphrase")  # noqa: S106
    ids = [book.customers.create(name=f"客{i}") for i in range(2000)]
    start = dt.datetime(2026, 11, 1)
    with book.db.write() as s:
        s.execute(update(Customer).values(created_at=dt.datetime(2026, 10, 1)))
        for i in range(n):
            s.add(AuditEntry(action="attachment_opened" if i % 3 else "privacy_disclosed",
                             target=f"customer:{ids[i % 2000]}", detail={"n": i},
                             at=start + dt.timedelta(seconds=i * 20)))

    def timed(fn):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        out = fn()
        return out, (time.perf_counter() - t) * 1000

    all_ids, t_ids = timed(lambda: entry_ids(book))
    _page, t_page = timed(lambda: fetch(book, all_ids[:200]))
    found, t_sql = timed(lambda: entry_ids(book, AuditFilter(text="customer:17")))
    base, t_py = timed(lambda: entries(book, AuditFilter(text="customer:17")))
    assert found == [e.id for e in base]
    who, t_aff = timed(lambda: incidents.affected(book, dt.date(2026, 11, 1),
                                                  dt.date(2026, 11, 30)))
    print(f"{n:,} entries, 2,000 customers")
    print(f"viewer ids (all): {t_ids:.0f} ms; a page of 200 rows: {t_page:.0f} ms")
    print(f"search in SQL: {t_sql:.0f} ms; in Python (baseline): {t_py:.0f} ms "
          f"({t_py / max(t_sql, 0.001):.0f}x); {len(found):,} found")
    print(f"who is affected over a month: {t_aff:.0f} ms ({len(who.people):,} customers, "
          f"{len(who.named):,} named)")
    book.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
