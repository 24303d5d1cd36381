"""Finding customers: Japanese substring search and the filters of the book's views.

Search covers names, furigana, phone, email, memo, address and text fields. Each customer
has one row in the FTS5 ``trigram`` table ``customer_fts`` holding those fields normalised
(:mod:`app.textnorm`), so a query of three or more characters is an index look-up. One- and
two-character queries (a surname such as 田中 is two) cannot use trigrams; the same text is
also indexed one character per token in ``customer_chars``, where they are phrase queries
(``"田 中"``: the two characters next to each other), also an index look-up.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from app import textnorm

if TYPE_CHECKING:
    from app.book import Book

SEPARATOR = "\x1f"  # between fields, so a match never spans two of them


@dataclass(frozen=True)
class CustomerQuery:
    """What the table shows: a view, tag filters, a search text and an order."""

    text: str = ""
    #: "all", "blocked", "friends" (on LINE and not blocked), "not_on_line"
    view: str = "all"
    tags_all: tuple[int, ...] = ()
    tags_any: tuple[int, ...] = ()
    tags_none: tuple[int, ...] = ()
    #: Column key to sort by: see :data:`SORT_COLUMNS`, or "field:<id>".
    sort: str = "id"
    descending: bool = False
    extra_where: tuple[tuple[str, dict[str, Any]], ...] = field(default_factory=tuple)


SORT_COLUMNS = {
    "id": "c.id",
    "display_name": "c.display_name",
    "name": "c.name",
    "furigana": "c.furigana_key",
    "phone": "c.phone_digits",
    "followed_at": "c.followed_at",
    "updated_at": "c.updated_at",
    "created_at": "c.created_at",
    "birthday": "c.birthday",
}


def search_body(*parts: str | None, phone: str | None = None, email: str | None = None) -> str:
    pieces = [textnorm.normalize(p) for p in parts if p]
    if phone:
        pieces.append(textnorm.phone_digits(phone))
    if email:
        pieces.append(textnorm.email_key(email))
    return SEPARATOR.join(p for p in pieces if p)


def reindex(session: Session, customer_ids: list[int]) -> None:
    """Rebuild the search rows of ``customer_ids`` from the book (inside a write)."""
    if not customer_ids:
        return
    from app.fields import SEARCHED_TYPES

    searched = tuple(t.value for t in SEARCHED_TYPES)
    conn = session.connection()
    for start in range(0, len(customer_ids), 500):
        chunk = customer_ids[start:start + 500]
        marks = ",".join(str(int(i)) for i in chunk)
        rows = conn.execute(text(
            "SELECT id, display_name, name, furigana, phone, email, memo, address "
            f"FROM customer WHERE id IN ({marks})")).all()
        extra: dict[int, list[str]] = {}
        for cid, value in conn.execute(text(
            "SELECT v.customer_id, v.text_value FROM field_value v "
            "JOIN custom_field f ON f.id = v.field_id "
            f"WHERE v.customer_id IN ({marks}) AND f.type IN {searched!r}")):
            if value:
                extra.setdefault(cid, []).append(value)
        conn.execute(text(f"DELETE FROM customer_fts WHERE rowid IN ({marks})"))
        conn.execute(text(f"DELETE FROM customer_chars WHERE rowid IN ({marks})"))
        bodies = [{"id": r.id, "body": search_body(r.display_name, r.name, r.furigana, r.memo,
                                                   r.address, *extra.get(r.id, []),
                                                   phone=r.phone, email=r.email)}
                  for r in rows]
        conn.execute(text("INSERT INTO customer_fts(rowid, body) VALUES (:id, :body)"), bodies)
        conn.execute(text("INSERT INTO customer_chars(rowid, body) VALUES (:id, :body)"),
                     [{"id": b["id"], "body": spaced(b["body"])} for b in bodies])


def _fts_phrase(query: str) -> str:
    return '"' + query.replace('"', '""') + '"'


def spaced(text_: str) -> str:
    """One token per character for ``customer_chars`` (the separator splits fields)."""
    return " ".join(text_).replace(SEPARATOR, "/")


def text_condition(query: str) -> tuple[str, dict[str, Any]] | None:
    """SQL restricting ``c.id`` to customers matching ``query``; None for an empty query."""
    norm = textnorm.normalize(query)
    if not norm:
        return None
    if textnorm.looks_like_phone(query):
        digits = textnorm.phone_digits(query)
        if len(digits) >= 3:
            norm = digits
    if len(norm) >= 3:
        return ("c.id IN (SELECT rowid FROM customer_fts WHERE customer_fts MATCH :q)",
                {"q": _fts_phrase(norm)})
    chars = [ch for ch in norm if ch.isalnum() or unicodedata.category(ch)[0] in "LNM"]
    if not chars:  # only punctuation: nothing a token index can find
        return ("c.id IN (SELECT rowid FROM customer_fts WHERE instr(body, :q) > 0)",
                {"q": norm})
    return ("c.id IN (SELECT rowid FROM customer_chars WHERE customer_chars MATCH :q)",
            {"q": _fts_phrase(" ".join(chars))})


def build_where(q: CustomerQuery) -> tuple[list[str], dict[str, Any]]:
    where: list[str] = []
    params: dict[str, Any] = {}
    if q.view == "blocked":
        where.append("c.blocked_at IS NOT NULL")
    elif q.view == "friends":
        where.append("c.line_user_id IS NOT NULL AND c.blocked_at IS NULL")
    elif q.view == "not_on_line":
        where.append("c.line_user_id IS NULL")
    cond = text_condition(q.text)
    if cond:
        where.append(cond[0])
        params.update(cond[1])
    for i, tag_id in enumerate(q.tags_all):
        where.append(f"c.id IN (SELECT customer_id FROM customer_tag WHERE tag_id = :ta{i})")
        params[f"ta{i}"] = int(tag_id)
    if q.tags_any:
        names = []
        for i, tag_id in enumerate(q.tags_any):
            names.append(f":tn{i}")
            params[f"tn{i}"] = int(tag_id)
        where.append("c.id IN (SELECT customer_id FROM customer_tag WHERE tag_id IN "
                     f"({', '.join(names)}))")
    for i, tag_id in enumerate(q.tags_none):
        where.append(
            f"c.id NOT IN (SELECT customer_id FROM customer_tag WHERE tag_id = :tx{i})")
        params[f"tx{i}"] = int(tag_id)
    for sql, extra in q.extra_where:
        where.append(sql)
        params.update(extra)
    return where, params


class SearchService:
    def __init__(self, book: Book) -> None:
        self._book = book

    def ids(self, q: CustomerQuery) -> list[int]:
        """Ids of the customers ``q`` selects, in its order (what the table model holds)."""
        where, params = build_where(q)
        direction = "DESC" if q.descending else "ASC"
        join = ""
        if q.sort.startswith("field:"):
            params["sort_field"] = int(q.sort.split(":", 1)[1])
            join = ("LEFT JOIN field_value sv ON sv.customer_id = c.id "
                    "AND sv.field_id = :sort_field")
            order = (f"coalesce(sv.num_value, sv.date_value, sv.text_value) IS NULL, "
                     f"coalesce(sv.num_value, sv.date_value, sv.text_value) {direction}")
        else:
            column = SORT_COLUMNS.get(q.sort, "c.id")
            # Empty values last in either direction: owners look for filled ones first.
            order = f"({column} IS NULL OR {column} = ''), {column} {direction}"
        sql = f"SELECT c.id FROM customer c {join}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY {order}, c.id {direction}"
        with self._book.db.read() as s:
            return list(s.execute(text(sql), params).scalars())

    def count(self, q: CustomerQuery) -> int:
        where, params = build_where(q)
        sql = "SELECT count(*) FROM customer c"
        if where:
            sql += " WHERE " + " AND ".join(where)
        with self._book.db.read() as s:
            return int(s.execute(text(sql), params).scalar_one())
