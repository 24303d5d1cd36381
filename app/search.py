"""Finding customers: Japanese substring search and the filters of the book's views.

Search covers names, furigana, phone, email, memo, address and text fields. Each customer
has one row in the FTS5 ``trigram`` table ``customer_fts`` holding those fields normalised
(:mod:`app.textnorm`), so a query of three or more characters is an index look-up. One- and
two-character queries (a surname such as 田中 is two) cannot use trigrams; the same text is
also indexed as bigram tokens in ``customer_grams`` (see :func:`grams`), where they are one
token (or a prefix), also an index look-up.
"""

from __future__ import annotations

import re
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


#: The index that holds each built-in sort column in its order (the key, then the id, which
#: every SQLite index carries last): on a large book the table pages through these instead
#: of sorting every customer first (see :meth:`SearchService.page`).
SORT_INDEXES = {
    "display_name": "ix_customer_display_name",
    "furigana": "ix_customer_furigana_key",
    "phone": "ix_customer_phone_digits",
    "followed_at": "ix_customer_followed_at",
    "updated_at": "ix_customer_updated_at",
    "birthday": "ix_customer_birthday",
}

#: Where a page stopped: (segment, sort key of the last id, last id); see ``page``.
Cursor = tuple[int, Any, int | None]


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
        conn.execute(text(f"DELETE FROM customer_grams WHERE rowid IN ({marks})"))
        bodies = [{"id": r.id, "body": search_body(r.display_name, r.name, r.furigana, r.memo,
                                                   r.address, *extra.get(r.id, []),
                                                   phone=r.phone, email=r.email)}
                  for r in rows]
        conn.execute(text("INSERT INTO customer_fts(rowid, body) VALUES (:id, :body)"), bodies)
        conn.execute(text("INSERT INTO customer_grams(rowid, body) VALUES (:id, :body)"),
                     [{"id": b["id"], "body": grams(b["body"])} for b in bodies])


def _fts_phrase(query: str) -> str:
    return '"' + query.replace('"', '""') + '"'


def grams(body: str) -> str:
    """Tokens for ``customer_grams``: every bigram of each field, and its last character.

    A two-character query is then one token; a one-character query is a prefix query
    ("佐"* finds 佐藤 and 佐々木, and a field that ends in 佐).
    """
    tokens: list[str] = []
    for part in body.split(SEPARATOR):
        chars = token_chars(part)
        tokens += [chars[i:i + 2] for i in range(len(chars) - 1)]
        if chars:
            tokens.append(chars[-1])
    return " ".join(tokens)


def text_source(query: str) -> tuple[str, dict[str, Any]] | None:
    """A SELECT of the ids of customers matching ``query``; None for an empty query."""
    norm = textnorm.normalize(query)
    if not norm:
        return None
    if textnorm.looks_like_phone(query):
        digits = textnorm.phone_digits(query)
        if len(digits) >= 3:
            norm = digits
    if len(norm) >= 3:
        return ("SELECT rowid FROM customer_fts WHERE customer_fts MATCH :q",
                {"q": _fts_phrase(norm)})
    if token_chars(norm) == norm:
        # One character: every bigram starting with it, or the last character of a field.
        term = _fts_phrase(norm) + ("*" if len(norm) == 1 else "")
        return ("SELECT rowid FROM customer_grams WHERE customer_grams MATCH :q", {"q": term})
    return ("SELECT rowid FROM customer_fts WHERE instr(body, :q) > 0", {"q": norm})


_NOT_TOKEN = re.compile(r"[\W_]+")


def token_chars(text_: str) -> str:
    """The characters the bigram index keeps: letters and digits (kana, kanji, ー …)."""
    return _NOT_TOKEN.sub("", text_)


def build_query(q: CustomerQuery, select: str, *, bare_ok: bool = False
                ) -> tuple[str, dict[str, Any]]:
    """SQL selecting ``select`` over the customers ``q`` chooses (alias ``c``).

    Index-backed conditions (search text, tags) become one candidate set, computed first
    with INTERSECT/EXCEPT over the indexes and then joined to ``customer`` by primary key
    (CROSS JOIN keeps SQLite from scanning every customer in id order instead): on an
    encrypted book, reading fewer pages is what makes filters fast.
    """
    params: dict[str, Any] = {}
    sources: list[str] = []
    source = text_source(q.text)
    if source:
        sources.append(source[0])
        params.update(source[1])
    for i, tag_id in enumerate(q.tags_all):
        sources.append(f"SELECT customer_id FROM customer_tag WHERE tag_id = :ta{i}")
        params[f"ta{i}"] = int(tag_id)
    if q.tags_any:
        names = []
        for i, tag_id in enumerate(q.tags_any):
            names.append(f":tn{i}")
            params[f"tn{i}"] = int(tag_id)
        sources.append("SELECT DISTINCT customer_id FROM customer_tag WHERE tag_id IN "
                       f"({', '.join(names)})")
    excluded = []
    for i, tag_id in enumerate(q.tags_none):
        excluded.append(f"SELECT customer_id FROM customer_tag WHERE tag_id = :tx{i}")
        params[f"tx{i}"] = int(tag_id)

    where: list[str] = []
    if q.view == "blocked":
        where.append("c.blocked_at IS NOT NULL")
    elif q.view == "friends":
        where.append("c.line_user_id IS NOT NULL AND c.blocked_at IS NULL")
    elif q.view == "not_on_line":
        where.append("c.line_user_id IS NULL")
    for sql, extra in q.extra_where:
        where.append(sql)
        params.update(extra)

    if sources:
        candidates = " INTERSECT ".join(sources)
        if excluded:
            candidates += " EXCEPT " + " EXCEPT ".join(excluded)
        head = f"WITH sel(id) AS MATERIALIZED ({candidates}) "
        if where or not bare_ok:
            head += f"SELECT {select} FROM sel CROSS JOIN customer c ON c.id = sel.id"
        else:  # ids only, in id order: the customer rows need not be read at all
            head += f"SELECT {select.replace('c.id', 'sel.id')} FROM sel"
    else:
        head = f"SELECT {select} FROM customer c"
        where += [f"c.id NOT IN ({e})" for e in excluded]
    return head, params if not where else params | {"__where__": " AND ".join(where)}


class SearchService:
    def __init__(self, book: Book) -> None:
        self._book = book

    def ids(self, q: CustomerQuery) -> list[int]:
        """Ids of the customers ``q`` selects, in its order (what the table model holds)."""
        by_id = q.sort in ("id", "")
        source = text_source(q.text) if by_id else None
        if source and not (q.tags_all or q.tags_any or q.tags_none or q.extra_where) \
                and q.view == "all":
            # A search alone, by id: the FTS5 table yields its rowids in order (ascending
            # or descending), so neither a materialised set nor a sort is needed, and the
            # driver's own cursor reads the ids (a common surname on a million customers
            # is tens of thousands of them; SQLAlchemy rows cost several times more).
            direction = "DESC" if q.descending else "ASC"
            with self._book.db.read() as s:
                raw = s.connection().connection.driver_connection
                assert raw is not None  # a pooled connection always has its driver's
                rows = raw.execute(f"{source[0]} ORDER BY rowid {direction}",
                                   source[1]).fetchall()
            return [r[0] for r in rows]
        head, params = build_query(q, "c.id", bare_ok=by_id)
        where = params.pop("__where__", "")
        direction = "DESC" if q.descending else "ASC"
        if by_id and " FROM sel" in head and "CROSS JOIN" not in head:
            with self._book.db.read() as s:
                return list(s.execute(text(f"{head} ORDER BY sel.id {direction}"),
                                      params).scalars())
        join = ""
        if q.sort.startswith("field:"):
            params["sort_field"] = int(q.sort.split(":", 1)[1])
            join = (" LEFT JOIN field_value sv ON sv.customer_id = c.id "
                    "AND sv.field_id = :sort_field")
            value = "coalesce(sv.num_value, sv.date_value, sv.text_value)"
            order = f"{value} IS NULL, {value} {direction}"
        elif q.sort in ("id", ""):
            order = f"c.id {direction}"
        else:
            column = SORT_COLUMNS.get(q.sort, "c.id")
            # Empty values last in either direction: owners look for filled ones first.
            order = f"({column} IS NULL OR {column} = ''), {column} {direction}"
        sql = head + join + (f" WHERE {where}" if where else "")
        sql += f" ORDER BY {order}, c.id {direction}"
        with self._book.db.read() as s:
            return list(s.execute(text(sql), params).scalars())

    @staticmethod
    def pageable(q: CustomerQuery) -> bool:
        """Whether ``q``'s order can be read page by page from an index (:meth:`page`).

        Filters by the search text and by tags choose their customers from other indexes
        first (``build_query``) and are sorted whole; so are custom-field sorts.
        """
        return (not q.text and not q.tags_all and not q.tags_any
                and (q.sort in ("id", "") or q.sort in SORT_INDEXES))

    @staticmethod
    def _segments(q: CustomerQuery) -> list[tuple[str, bool]]:
        """The order of :meth:`ids` as consecutive index ranges: (condition, keyed).

        ``ids`` orders by (empty?, key, id): filled keys first by (key, id); then the empty
        ones, NULL before '' ascending (as SQLite sorts them) and '' before NULL descending,
        each by id. Keyed segments continue after (key, id), the others after id.
        """
        if q.sort in ("id", ""):
            return [("", False)]
        col = SORT_COLUMNS[q.sort]
        empties = [(f"{col} IS NULL", False), (f"{col} = ''", False)]
        if q.descending:
            empties.reverse()
        return [(f"{col} IS NOT NULL AND {col} <> ''", True), *empties]

    def page(self, q: CustomerQuery, after: Cursor | None, limit: int
             ) -> tuple[list[int], Cursor | None]:
        """Up to ``limit`` ids of ``q`` in :meth:`ids`'s order, continuing after ``after``.

        Only for :meth:`pageable` queries. Each page is an index range scan from where the
        last one stopped (keyset paging), so the first page of a million customers costs
        what a page costs, not a sort of the million. Returns the ids and the cursor to
        continue from, None when there is nothing after them.
        """
        if not self.pageable(q):
            raise ValueError(f"not pageable: {q!r}")
        head, params = build_query(q, "c.id")
        where = params.pop("__where__", "")
        by_id = q.sort in ("id", "")
        col = "c.id" if by_id else SORT_COLUMNS[q.sort]
        if not by_id:  # the planner would otherwise filter by a view's index and sort
            head = head.replace("FROM customer c",
                                f"FROM customer c INDEXED BY {SORT_INDEXES[q.sort]}")
        direction, cmp = ("DESC", "<") if q.descending else ("ASC", ">")
        segments = self._segments(q)
        segment, key, last = after if after is not None else (0, None, None)
        out: list[int] = []
        with self._book.db.read() as s:
            raw = s.connection().connection.driver_connection
            assert raw is not None  # a pooled connection always has its driver's
            while segment < len(segments) and len(out) < limit:
                cond, keyed = segments[segment]
                conds = [c for c in (where, cond) if c]
                p = dict(params, limit=limit - len(out))
                if last is not None:
                    conds.append(f"({col}, c.id) {cmp} (:after_key, :after_id)" if keyed
                                 else f"c.id {cmp} :after_id")
                    p.update(after_key=key, after_id=last)
                select = head.replace("SELECT c.id", f"SELECT c.id, {col}", 1)
                order = f"{col} {direction}, c.id {direction}" if keyed else \
                    f"c.id {direction}"
                sql = (select + (f" WHERE {' AND '.join(conds)}" if conds else "")
                       + f" ORDER BY {order} LIMIT :limit")
                # The driver's own cursor: a page can be hundreds of thousands of ids (a
                # drag to the bottom), and plain tuples cost a fifth of SQLAlchemy rows.
                rows = raw.execute(sql, p).fetchall()
                out += [r[0] for r in rows]
                if len(rows) == p["limit"]:
                    last, key = rows[-1][0], rows[-1][1]
                    break
                segment, key, last = segment + 1, None, None
        return out, ((segment, key, last) if segment < len(segments) else None)

    def position(self, q: CustomerQuery, customer_id: int) -> int | None:
        """The row of ``customer_id`` in ``q``'s order (a pageable query); None if not in it.

        Counts what comes before it along the same index ranges as :meth:`page`, so the
        table can find a selected customer without reading every id before it.
        """
        head, params = build_query(q, "c.id")
        where = params.pop("__where__", "")
        by_id = q.sort in ("id", "")
        col = "c.id" if by_id else SORT_COLUMNS[q.sort]
        conds = [c for c in (where, "c.id = :pos_id") if c]
        with self._book.db.read() as s:
            found = s.execute(text(head.replace("SELECT c.id", f"SELECT c.id, {col}", 1)
                                   + f" WHERE {' AND '.join(conds)}"),
                              dict(params, pos_id=int(customer_id))).first()
            if found is None:
                return None
            key = found[1]
            segments = self._segments(q)
            if by_id:
                mine = 0
            elif key is None:
                mine = next(i for i, (c, _k) in enumerate(segments) if c.endswith("IS NULL"))
            elif key == "":
                mine = next(i for i, (c, _k) in enumerate(segments) if c.endswith("= ''"))
            else:
                mine = 0
            cmp = "<" if not q.descending else ">"
            count_head = head.replace("SELECT c.id", "SELECT count(*)", 1)
            if not by_id:
                count_head = count_head.replace(
                    "FROM customer c", f"FROM customer c INDEXED BY {SORT_INDEXES[q.sort]}")
            total = 0
            for i, (cond, keyed) in enumerate(segments[:mine + 1]):
                conds = [c for c in (where, cond) if c]
                p = dict(params)
                if i == mine:
                    conds.append(f"({col}, c.id) {cmp} (:pos_key, :pos_id)" if keyed
                                 else f"c.id {cmp} :pos_id")
                    p.update(pos_key=key, pos_id=int(customer_id))
                total += int(s.execute(text(count_head + (
                    f" WHERE {' AND '.join(conds)}" if conds else "")), p).scalar_one())
        return total

    def count(self, q: CustomerQuery) -> int:
        if q == CustomerQuery(view="friends", sort=q.sort, descending=q.descending):
            # Counted straight, friends need both columns of every customer row (0.8 s on
            # a million); the index of the two states (migration 0009) holds just them.
            # The expressions are the index's, word for word, or SQLite does not use it.
            with self._book.db.read() as s:
                return int(s.execute(text(
                    "SELECT count(*) FROM customer INDEXED BY ix_customer_friend_state "
                    "WHERE (line_user_id IS NOT NULL) = 1 AND (blocked_at IS NOT NULL) = 0"))
                    .scalar_one())
        head, params = build_query(q, "count(*)", bare_ok=True)
        where = params.pop("__where__", "")
        sql = head + (f" WHERE {where}" if where else "")
        with self._book.db.read() as s:
            return int(s.execute(text(sql), params).scalar_one())
