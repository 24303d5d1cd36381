"""Searching conversations by what was written in them (the inbox's search box).

Every message's text is in two full-text indexes kept by triggers (migration 0007,
:mod:`app.store.sqlfunctions`): ``message_fts`` (trigram) for queries of three or more
characters, ``message_grams`` (bigram tokens, as the customer search's ``customer_grams``)
for one and two. Text is normalised as the customer search does (:func:`app.textnorm.
normalize`: width, kana and case folded, spaces dropped), so "よやく" finds "ヨヤク". An
unsent message leaves the index with its text.

Only a one- or two-character query of punctuation or symbols (no letters or digits, which
the bigram index does not keep) reads the messages themselves: the newest
:data:`SCAN_LIMIT`, and the result says whether that was all of them (``complete``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import text

from app import textnorm
from app.search import token_chars

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from app.book import Book

#: How many of the newest text messages a symbols-only query reads.
SCAN_LIMIT = 50_000


@dataclass(frozen=True)
class MessageSearchResult:
    #: Customer ids whose conversation matched, in the inbox's order (newest activity first).
    customer_ids: list[int]
    #: False when the book has more text messages than were scanned.
    complete: bool


def _phrase(query: str) -> str:
    return '"' + query.replace('"', '""') + '"'


def search_conversations(book: Book, query: str, *,
                         scan_limit: int = SCAN_LIMIT) -> MessageSearchResult:
    """Conversations with a message containing ``query`` (normalised substring)."""
    needle = textnorm.normalize(query)
    if not needle:
        return MessageSearchResult([], True)
    with book.db.read() as s:
        conn = s.connection()
        if len(needle) >= 3:
            return MessageSearchResult(_ordered(conn, "message_fts", _phrase(needle)), True)
        if token_chars(needle) == needle:
            # One character: every bigram starting with it, or a message's last character.
            return MessageSearchResult(_ordered(
                conn, "message_grams", _phrase(needle) + ("*" if len(needle) == 1 else "")),
                True)
        found, complete = _scan(conn, needle, scan_limit)
        if not found:
            return MessageSearchResult([], complete)
        order = [int(r[0]) for r in conn.execute(text(
            "SELECT customer_id FROM conversation "
            "ORDER BY last_at_ms IS NULL, last_at_ms DESC, customer_id DESC"))
            if int(r[0]) in found]
    # A conversation's summary row is written with its messages; should one be missing,
    # its customer is still found (last).
    return MessageSearchResult(order + sorted(found.difference(order), reverse=True),
                               complete)


def _ordered(conn: Connection, index: str, query: str) -> list[int]:
    """Customers with a message the ``index`` matches, in the inbox's order.

    The index is read first (CROSS JOIN keeps SQLite from scanning the messages instead),
    then only those customers' conversation rows; a customer whose summary row is missing
    comes last rather than not at all.
    """
    # ``index`` is one of this module's two table names, never the owner's text.
    return [int(r[0]) for r in conn.execute(text(
        "SELECT x.customer_id FROM ("  # noqa: S608
        "SELECT DISTINCT m.customer_id AS customer_id "
        f"FROM {index} f CROSS JOIN message m ON m.id = f.rowid WHERE {index} MATCH :q) x "
        "LEFT JOIN conversation v ON v.customer_id = x.customer_id "
        "ORDER BY v.last_at_ms IS NULL, v.last_at_ms DESC, x.customer_id DESC"),
        {"q": query})]


def _scan(conn: Connection, needle: str, scan_limit: int) -> tuple[set[int], bool]:
    found: set[int] = set()
    scanned = 0
    rows = conn.execute(text(
        "SELECT customer_id, text FROM message WHERE text != '' AND unsent_at_ms IS NULL "
        "ORDER BY id DESC LIMIT :n"), {"n": scan_limit + 1})
    for customer_id, body in rows:
        scanned += 1
        if scanned > scan_limit:
            break
        if customer_id not in found and needle in textnorm.normalize(body):
            found.add(int(customer_id))
    return found, scanned <= scan_limit
