"""Deletion and stop of use (削除・利用停止, APPI art. 35): one person gone everywhere.

:func:`erase` deletes, in one write transaction, the rows of every table with something
about the customer (:func:`app.privacy.schema.personal_tables`: read from the schema, so
tables added later are covered, including those whose rows outlive a customer on their own:
form answers, broadcast recipients); then their attachments' ciphertexts (crypto-erase: the
per-file keys were in the deleted rows), and rewrites the search indexes so no token of
theirs is left in a segment. The book runs with ``PRAGMA secure_delete`` (app/store/db.py),
so freed pages are zeroed before they are encrypted and written; the write-ahead log is
checkpointed and truncated at the end. tests/privacy/test_erase.py decrypts every page of
the book file afterwards and finds none of the person's name, phone or memo.

What cannot be taken back from the book alone is reported, not hidden: the backups written
while the person was in the book (they still hold them until they are replaced), and the
audit log, which is append-only and names customers by id only.

A LINE friend who is deleted may still have events on the relay, sent before the deletion
and not yet pulled. The book keeps a keyed hash of their LINE user id with the time of the
deletion (:func:`erased_since`; never the id itself), and the sync drops, unread, every
event of theirs dated before it (app/sync/apply.py). What they send afterwards is new
contact, and arrives like any friend's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from sqlalchemy import select, text

from app.privacy.schema import personal_tables
from app.store.db import rowcount
from app.store.models import AuditEntry, Base

if TYPE_CHECKING:
    from app.book import Book

log = logging.getLogger("otokui.privacy")

#: Search indexes rewritten after a deletion (``optimize`` merges their segments, leaving
#: out what was deleted).
SEARCH_INDEXES: Final = ("customer_fts", "customer_grams", "message_fts", "message_grams")
_SALT_KEY: Final = "privacy.erasure_salt"
_ERASED_KEY: Final = "privacy.erased"
#: Erased people remembered for the sync (a keyed hash and a time each; the oldest go).
MAX_ERASED: Final = 10_000


@dataclass(frozen=True)
class ErasureReport:
    customer_id: int
    #: Rows deleted per table (only tables with rows about them).
    rows: dict[str, int]
    attachments: int
    #: Backups written while the person was in the book: (when, customers in it).
    backups: list[tuple[dt.datetime, int]]


def person_key(book: Book, line_user_id: str) -> str:
    """A keyed hash of a LINE user id (the key is random and kept in the book)."""
    salt = book.settings.get_str(_SALT_KEY)
    if salt is None:
        salt = secrets.token_hex(32)
        book.settings.set(_SALT_KEY, salt)
    return hmac.new(bytes.fromhex(salt), line_user_id.encode(), hashlib.sha256).hexdigest()


def erased_since(book: Book) -> dict[str, int]:
    """{keyed hash of an erased LINE user id: when they were erased, epoch ms}."""
    value = book.settings.get(_ERASED_KEY, [])
    return {str(k): int(v) for k, v in value} if isinstance(value, list) else {}


def is_erased(book: Book, erased: dict[str, int], line_user_id: str, at_ms: int) -> bool:
    """Whether an event of ``line_user_id`` dated ``at_ms`` predates their deletion."""
    if not erased:
        return False
    when = erased.get(person_key(book, line_user_id))
    return when is not None and at_ms <= when


def erase(book: Book, customer_id: int, *, now_ms: int | None = None) -> ErasureReport:
    """Delete ``customer_id`` and everything about them from the book."""
    from app.audit import AuditAction, AuditService

    customer = book.customers.get(customer_id)  # NotFoundError when there is none
    uid = customer.line_user_id or ""
    created = customer.created_at
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    if uid:
        marks = [[k, v] for k, v in erased_since(book).items()]
        marks.append([person_key(book, uid), now_ms])
        book.settings.set(_ERASED_KEY, marks[-MAX_ERASED:])
    params = {"cid": customer_id, "uid": uid}
    counts: dict[str, int] = {}
    with book.db.write() as s:
        blobs = list(s.execute(text(
            "SELECT blob_name FROM attachment WHERE customer_id = :cid"), params).scalars())
        # Children first (their conditions read their parents' rows), the card last.
        for table in reversed(personal_tables(Base.metadata)):
            n = rowcount(s.execute(text(
                f"DELETE FROM {table.name} WHERE {table.where}"), params))  # noqa: S608
            if n:
                counts[table.name] = n
        AuditService.add(s, AuditAction.PRIVACY_ERASED, target="customer", count=1,
                         customer_id=customer_id)
        backups = [(e.at, e.count) for e in s.scalars(
            select(AuditEntry).where(AuditEntry.action == AuditAction.BACKUP,
                                     AuditEntry.at >= created).order_by(AuditEntry.at))]
    book.attachments.remove_blobs(blobs)
    scrub(book)
    book.announce("customers", [customer_id])
    book.announce("tags")
    book.announce("messages", [customer_id])
    log.info("a customer was erased: %d tables, %d attachments", len(counts), len(blobs))
    return ErasureReport(customer_id, counts, len(blobs), backups)


def scrub(book: Book) -> None:
    """Leave no trace of deleted rows: search indexes rewritten, the log truncated."""
    with book.db.write() as s:
        for index in SEARCH_INDEXES:
            s.execute(text(f"INSERT INTO {index}({index}) VALUES ('optimize')"))  # noqa: S608
    book.db.checkpoint()
