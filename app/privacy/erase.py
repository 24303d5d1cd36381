"""Deletion on request (削除・利用停止): one customer, everywhere in the book.

* every row of every table that refers to them (the same schema walk as disclosure, so a
  table a later feature adds is deleted too), the customer row last; LINE events that name
  their LINE user id without being linked to them;
* attachments crypto-erased: the rows holding their per-file keys go, then the encrypted
  files are removed;
* the search indexes (FTS5 keeps deleted tokens in old segments until they merge): each is
  rebuilt with ``optimize``;
* ``secure_delete`` on for the deletion, then ``VACUUM`` and a WAL checkpoint: no freed page
  or old page version in the book file or its WAL keeps a byte of the person;
* a tombstone (SHA-256 of the LINE user id and the time) so that events pulled later but
  dated before the deletion are dropped by sync (:func:`drop_erased`), not applied again;
* an audit entry naming the customer's number only.

Sales the shop must keep for tax (帳簿書類, 7 years) are anonymised instead of deleted, when
those tables exist: orders (``shop_order``, with their lines) keep their number, amounts,
status and dates and lose the customer; bookings that took place (``visited``) keep their
menu, staff, times and price and lose the customer, the answers given when booking and the
note. Other bookings (future, cancelled, no-show) go with the person.

The relay holds only sealed items it cannot attribute to anyone; items still queued for
the person arrive at the next sync and are dropped by the tombstone. Backups made while the
person was in the book still hold them: :attr:`Erased.backups` lists their dates.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import delete, select, text

from app.privacy.disclose import customer_tables
from app.privacy.errors import PrivacyCustomerNotFoundError
from app.store.models import AuditEntry, Base, Customer, utcnow
from app.store.models_privacy import PrivacyErasure

if TYPE_CHECKING:
    from app.book import Book

log = logging.getLogger("otokui.privacy")

FTS_TABLES = ("customer_fts", "customer_grams", "message_fts", "message_grams")
E = TypeVar("E")


@dataclass(frozen=True)
class Erased:
    customer_id: int
    rows: dict[str, int]
    files: int
    #: When backups were written while the person was in the book (they still hold them).
    backups: list[dt.datetime]
    #: Rows kept for tax without the person, per table.
    anonymised: dict[str, int] = field(default_factory=dict)


def anonymise_kept(s: Any, customer_id: int) -> dict[str, int]:
    """Detach from the customer the sales records the shop keeps for tax (see the module
    doc); the tables are looked up by name, so a book without them is fine."""
    meta = Base.metadata.tables
    done: dict[str, int] = {}
    if "shop_order" in meta:
        t = meta["shop_order"]
        done["shop_order"] = _count(s.execute(
            t.update().where(t.c.customer_id == customer_id).values(customer_id=None)))
    if "booking" in meta:
        t = meta["booking"]
        done["booking"] = _count(s.execute(
            t.update().where(t.c.customer_id == customer_id, t.c.status == "visited")
            .values(customer_id=None, answers={}, note="")))
    return {k: v for k, v in done.items() if v}


def user_hash(line_user_id: str) -> bytes:
    return hashlib.sha256(line_user_id.encode("utf-8")).digest()


def erase_customer(book: Book, customer_id: int, *, now: dt.datetime | None = None,
                   compact: bool = True, audit_action: str = "privacy_deleted") -> Erased:
    when = now or utcnow()
    meta = Base.metadata.tables
    tables = customer_tables()
    counts: dict[str, int] = {}
    with book.db.write() as s:
        s.execute(text("PRAGMA secure_delete = ON"))
        customer = s.get(Customer, customer_id)
        if customer is None:
            raise PrivacyCustomerNotFoundError(str(customer_id))
        uid, created = customer.line_user_id, customer.created_at
        blobs = list(s.scalars(select(meta["attachment"].c.blob_name)
                               .where(meta["attachment"].c.customer_id == customer_id)))
        # before the walk: what is kept no longer points at the person, so it stays
        anonymised = anonymise_kept(s, customer_id)
        # children first (they point at rows about to go), then the rows naming the person
        for name, how in sorted(tables.items(), key=lambda kv: not kv[1].startswith("via:")):
            t = meta[name]
            if how.startswith("via:"):
                parent, column = how[4:].split(".")
                pt = meta[parent]
                ids = select(pt.c.id).where(pt.c[tables[parent]] == customer_id)
                counts[name] = _count(s.execute(delete(t).where(t.c[column].in_(ids))))
        for name, how in tables.items():
            if how.startswith("via:") or name == "attachment":
                continue
            t = meta[name]
            counts[name] = _count(s.execute(delete(t).where(t.c[how] == customer_id)))
        # messages refer to attachments; attachments after them
        t = meta["attachment"]
        counts["attachment"] = _count(s.execute(delete(t).where(t.c.customer_id == customer_id)))
        if uid:
            # events kept without a customer (kinds not applied) still name the user id
            counts["line_event"] = counts.get("line_event", 0) + _count(s.execute(text(
                "DELETE FROM line_event WHERE raw LIKE :pat"), {"pat": f"%{uid}%"}))
            s.merge(PrivacyErasure(user_hash=user_hash(uid),
                                   erased_at_ms=int(when.replace(tzinfo=dt.UTC)
                                                    .timestamp() * 1000)))
        s.delete(customer)
        s.flush()
        for fts in FTS_TABLES:
            s.execute(text(f"INSERT INTO {fts}({fts}) VALUES ('optimize')"))  # noqa: S608
        backups = [a for a in s.scalars(select(AuditEntry.at).where(
            AuditEntry.action == "backup", AuditEntry.at >= created))]
        book.audit.add(s, audit_action, target=f"customer:{customer_id}",
                       count=sum(counts.values()), files=len(blobs),
                       anonymised=sum(anonymised.values()))
    book.attachments.remove_blobs(blobs)
    if compact:
        compact_book(book)
    book.announce("customers", [customer_id])
    book.announce("tags")
    log.info("customer %d deleted on request (%d rows, %d files)", customer_id,
             sum(counts.values()), len(blobs))
    return Erased(customer_id, {k: v for k, v in counts.items() if v}, len(blobs), backups,
                  anonymised)


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def compact_book(book: Book) -> None:
    """Rewrite the book file without free pages, then empty the WAL."""
    db = book.db
    with db._write_lock:
        conn = db.raw_connection()  # autocommit: VACUUM cannot run inside a transaction
        try:
            conn.execute("PRAGMA secure_delete = ON")
            conn.execute("VACUUM")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    db.checkpoint()


def erased_hashes(s: Any, user_ids: Iterable[str]) -> dict[str, int]:
    """user id → when it was erased, for those of ``user_ids`` that were."""
    by_hash = {user_hash(u): u for u in set(user_ids)}
    if not by_hash:
        return {}
    rows = s.execute(select(PrivacyErasure.user_hash, PrivacyErasure.erased_at_ms)
                     .where(PrivacyErasure.user_hash.in_(list(by_hash)))).all()
    return {by_hash[bytes(h)]: int(ms) for h, ms in rows}


def drop_erased(book: Book, events: list[E], user_of: Any, ts_of: Any) -> list[E]:
    """The events minus those about a deleted person dated before their deletion."""
    users = {u for e in events if (u := user_of(e))}
    if not users:
        return events
    with book.db.read() as s:
        erased = erased_hashes(s, users)
    if not erased:
        return events
    kept = [e for e in events
            if not ((u := user_of(e)) in erased and (ts_of(e) or 0) <= erased[u])]
    if len(kept) != len(events):
        log.info("dropped %d events about people deleted on request", len(events) - len(kept))
    return kept
