"""Searching conversations by what was written in them (the inbox's search box).

Every message's text is in two full-text indexes kept by triggers (migration 0007,
:mod:`app.store.sqlfunctions`): ``message_fts`` (trigram) for queries of three or more
characters, ``message_grams`` (bigram tokens, as the customer search's ``customer_grams``)
for one and two. Text is normalised as the customer search does (:func:`app.textnorm.
normalize`: width, kana and case folded, spaces dropped), so "よやく" finds "ヨヤク". An
unsent message leaves the index with its text.

Conversations come newest match first: the customer whose most recent matching message
is newest leads. A common word can match most of a large book's messages (キャンセル in a
tenth of a million): the index is then read newest first and stops at
:data:`MAX_CONVERSATIONS` conversations, and the result says there may be more
(``complete`` false; another word narrows it). When the inbox's other filters (unread, a
status, a tag) leave few conversations, only their messages are looked at, and all of
them are found.

Only a one- or two-character query of punctuation or symbols (no letters or digits, which
the bigram index does not keep) reads the messages themselves: the newest
:data:`SCAN_LIMIT`.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import text

from app import textnorm
from app.search import token_chars

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from app.book import Book

#: How many conversations a search lists at most (newest match first).
MAX_CONVERSATIONS = 500
#: Up to this many conversations allowed by the inbox's filters, their messages are
#: searched directly (all matches found) rather than the index newest first.
FEW_CONVERSATIONS = 1_500
#: How many of the newest text messages a symbols-only query reads.
SCAN_LIMIT = 50_000
_BATCH = 1_000


@dataclass(frozen=True)
class MessageSearchResult:
    #: Customer ids whose conversation matched, newest matching message first.
    customer_ids: list[int]
    #: False when there may be more matching conversations than those listed.
    complete: bool


def _phrase(query: str) -> str:
    return '"' + query.replace('"', '""') + '"'


def search_conversations(book: Book, query: str, *, among: Collection[int] | None = None,
                         limit: int = MAX_CONVERSATIONS,
                         scan_limit: int = SCAN_LIMIT) -> MessageSearchResult:
    """Conversations with a message containing ``query`` (normalised substring).

    ``among``: only these customers' conversations (the inbox's other filters).
    """
    needle = textnorm.normalize(query)
    if not needle:
        return MessageSearchResult([], True)
    wanted = set(among) if among is not None else None
    if wanted is not None and not wanted:
        return MessageSearchResult([], True)
    if len(needle) >= 3:
        index, match = "message_fts", _phrase(needle)
    elif token_chars(needle) == needle:
        # One character: every bigram starting with it, or a message's last character.
        index, match = "message_grams", _phrase(needle) + ("*" if len(needle) == 1 else "")
    else:
        index, match = "", ""
    with book.db.read() as s:
        conn = s.connection()
        if not index:
            return _scan(conn, needle, wanted, limit, scan_limit)
        if wanted is not None and len(wanted) <= FEW_CONVERSATIONS:
            return MessageSearchResult(_among(conn, index, match, wanted), True)
        return _newest_first(conn, index, match, wanted, limit)


def _among(conn: Connection, index: str, match: str, wanted: set[int]) -> list[int]:
    """Every one of ``wanted`` with a match, by their own messages (an index per customer)."""
    # ``index`` is one of this module's two table names, never the owner's text.
    return [int(r[0]) for r in conn.execute(text(
        "SELECT m.customer_id FROM json_each(:among) a "  # noqa: S608
        "CROSS JOIN message m ON m.customer_id = a.value "
        f"WHERE m.id IN (SELECT rowid FROM {index} WHERE {index} MATCH :q) "
        "GROUP BY m.customer_id ORDER BY max(m.id) DESC"),
        {"q": match, "among": json.dumps(sorted(wanted))})]


def _newest_first(conn: Connection, index: str, match: str, wanted: set[int] | None,
                  limit: int) -> MessageSearchResult:
    """The index read newest message first, until ``limit`` conversations are found."""
    found: dict[int, None] = {}
    last = None
    while True:
        rows = conn.execute(text(
            "SELECT f.rowid, m.customer_id FROM "  # noqa: S608
            f"(SELECT rowid FROM {index} WHERE {index} MATCH :q "
            + ("AND rowid < :last " if last is not None else "")
            + "ORDER BY rowid DESC LIMIT :n) f CROSS JOIN message m ON m.id = f.rowid"),
            {"q": match, "last": last, "n": _BATCH}).all()
        for _rowid, customer_id in rows:
            if wanted is None or customer_id in wanted:
                found.setdefault(int(customer_id))
                if len(found) > limit:
                    return MessageSearchResult(list(found)[:limit], False)
        if len(rows) < _BATCH:
            return MessageSearchResult(list(found), True)
        last = min(int(r[0]) for r in rows)


def _scan(conn: Connection, needle: str, wanted: set[int] | None, limit: int,
          scan_limit: int) -> MessageSearchResult:
    found: dict[int, None] = {}
    rows = conn.execute(text(
        "SELECT customer_id, text FROM message WHERE text != '' AND unsent_at_ms IS NULL "
        "ORDER BY id DESC LIMIT :n"), {"n": scan_limit + 1})
    for scanned, (customer_id, body) in enumerate(rows, start=1):
        if scanned > scan_limit:
            return MessageSearchResult(list(found), False)
        if (wanted is None or customer_id in wanted) and customer_id not in found \
                and needle in textnorm.normalize(body):
            found[int(customer_id)] = None
            if len(found) >= limit:
                return MessageSearchResult(list(found), False)
    return MessageSearchResult(list(found), True)
