"""Searching conversations by what was written in them (the inbox's search box).

The honest simple option: a scan, not an index. The newest :data:`SCAN_LIMIT` text
messages (and sticker keywords' text) are read newest first, normalised like the
customer search (:func:`app.textnorm.normalize`: width, kana and case folded, spaces
dropped) and matched as substrings, so "ヨヤク" finds "予約" only if written so, and
"よやく" finds "ヨヤク". A full-text table (FTS5 trigram, keyed by ``message.id``) would
need the sync's bulk writer (:mod:`app.sync.apply`) to feed it on every insert, edit and
unsend; until it does, a scan over recent messages keeps to the tables as they are.
Older messages than the limit are not searched, and the result says so (``complete``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import text

from app import textnorm

if TYPE_CHECKING:
    from app.book import Book

#: How many of the newest text messages a search reads (about 0.1 s on the 2-core machine).
SCAN_LIMIT = 50_000


@dataclass(frozen=True)
class MessageSearchResult:
    #: Customer ids whose conversation matched, in the inbox's order (newest activity first).
    customer_ids: list[int]
    #: False when the book has more text messages than were scanned.
    complete: bool


def search_conversations(book: Book, query: str, *,
                         scan_limit: int = SCAN_LIMIT) -> MessageSearchResult:
    """Conversations with a message containing ``query`` (normalised substring)."""
    needle = textnorm.normalize(query)
    if not needle:
        return MessageSearchResult([], True)
    found: set[int] = set()
    scanned = 0
    with book.db.read() as s:
        conn = s.connection()
        rows = conn.execute(text(
            "SELECT customer_id, text FROM message "
            "WHERE text != '' AND unsent_at_ms IS NULL "
            "ORDER BY id DESC LIMIT :n"), {"n": scan_limit + 1})
        for customer_id, body in rows:
            scanned += 1
            if scanned > scan_limit:
                break
            if customer_id in found:
                continue
            if needle in textnorm.normalize(body):
                found.add(int(customer_id))
        if not found:
            return MessageSearchResult([], scanned <= scan_limit)
        order = [int(r[0]) for r in conn.execute(text(
            "SELECT customer_id FROM conversation "
            "ORDER BY last_at_ms IS NULL, last_at_ms DESC, customer_id DESC"))
            if int(r[0]) in found]
    return MessageSearchResult(order, scanned <= scan_limit)
