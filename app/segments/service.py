# ruff: noqa: S608
"""``book.segments``: counting, listing and saving segments."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy import text, update

from app.errors import NotFoundError, ValidationError
from app.fields import FieldType
from app.i18n import QT_TRANSLATE_NOOP
from app.search import CustomerQuery
from app.segments.check import _BookFacts, _Checker, _FieldInfo, as_group
from app.segments.compiler import _Clock, _Compiler, _flatten, _Plan, _query_numbers
from app.segments.functions import install_functions
from app.segments.jsonform import loads, to_json
from app.segments.model import (
    AND,
    MAX_NAME,
    Condition,
    Group,
    SavedSegmentInfo,
    SegmentCounts,
)
from app.store.models import SavedSegment, utcnow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.book import Book
    from app.customers import CustomerRow

log = logging.getLogger("otokui.segments")
_CTX = "segments"  # the translation context (the i18n scan reads it from this module)


class SegmentService:
    """``book.segments``: counting, listing and saving segments."""

    def __init__(self, book: Book) -> None:
        self._book = book
        install_functions(book.db.engine)

    # --- checking and compiling -----------------------------------------------------------

    @staticmethod
    def _facts(s: Session) -> _BookFacts:
        conn = s.connection()
        fields = {}
        for fid, ftype, choices in conn.execute(text(
                "SELECT id, type, choices FROM custom_field")):
            try:
                parsed = json.loads(choices) if isinstance(choices, str) else choices
                fields[fid] = _FieldInfo(FieldType(ftype), tuple(parsed or ()))
            except (ValueError, TypeError):
                continue  # a field this version cannot read is treated as missing
        tags = {tid: count for tid, count in conn.execute(text(
            "SELECT id, customer_count FROM tag"))}
        # For estimates only: the largest id is one index page away; count(*) reads them all.
        total = int(conn.execute(text("SELECT coalesce(max(id), 0) FROM customer")).scalar_one())
        blocked = int(conn.execute(text(
            "SELECT count(*) FROM customer WHERE blocked_at IS NOT NULL")).scalar_one())
        return _BookFacts(fields, tags, total, blocked)

    def validate(self, cond: Condition | None) -> Group:
        """``cond`` checked against the book now, normalised; raises ConditionError."""
        with self._book.db.read() as s:
            return self._check(cond, self._facts(s))

    @staticmethod
    def _check(cond: Condition | None, facts: _BookFacts) -> Group:
        return _Checker(facts).node(as_group(cond), (), 1)  # type: ignore[return-value]

    def _plan(self, cond: Condition | None, facts: _BookFacts, now: dt.datetime | None,
              prefix: str = "sg") -> _Plan:
        root = self._check(cond, facts)
        compiler = _Compiler(facts, _Clock(now), prefix)
        # The root's own conditions join the blocked test in one AND, so the smallest
        # source of all of them is the one read.
        parts = ([compiler.node(i) for i in _flatten(root)] if root.op == AND
                 else [compiler.node(root)])
        return _Plan(compiler, parts, compiler.blocked())

    # --- counting -------------------------------------------------------------------------

    def counts(self, cond: Condition | None, *, now: dt.datetime | None = None
               ) -> SegmentCounts:
        """Recipients, and matched-but-blocked customers ("ほか N人はブロック中"), at once."""
        with self._book.db.read() as s:
            plan = self._plan(cond, self._facts(s), now)
            row = s.execute(text(
                f"SELECT ({plan.recipients_count()}), "
                f"(SELECT count(*) FROM ({plan.matched_blocked()}))"), plan.params).one()
        return SegmentCounts(int(row[0]), int(row[1]))

    def count(self, cond: Condition | None, *, now: dt.datetime | None = None) -> int:
        """How many customers ``cond`` selects as recipients (never the blocked ones)."""
        with self._book.db.read() as s:
            plan = self._plan(cond, self._facts(s), now)
            return int(s.execute(text(plan.recipients_count()), plan.params).scalar_one())

    def blocked_count(self, cond: Condition | None, *, now: dt.datetime | None = None) -> int:
        """How many customers ``cond`` matches who blocked the shop (not recipients)."""
        with self._book.db.read() as s:
            plan = self._plan(cond, self._facts(s), now)
            return int(s.execute(text(
                f"SELECT count(*) FROM ({plan.matched_blocked()})"), plan.params).scalar_one())

    def ids(self, cond: Condition | None, *, now: dt.datetime | None = None) -> list[int]:
        """The recipients' ids, ascending."""
        with self._book.db.read() as s:
            plan = self._plan(cond, self._facts(s), now)
            return list(s.execute(text(f"SELECT id FROM ({plan.recipients()}) ORDER BY id"),
                                  plan.params).scalars())

    def preview(self, cond: Condition | None, limit: int = 50, *,
                now: dt.datetime | None = None) -> list[CustomerRow]:
        """Table rows of the first ``limit`` recipients (by id): who the count means."""
        limit = max(0, min(int(limit), 1000))
        with self._book.db.read() as s:
            plan = self._plan(cond, self._facts(s), now)
            ids = list(s.execute(text(
                f"SELECT id FROM ({plan.recipients()}) ORDER BY id LIMIT :sg_limit"),
                plan.params | {"sg_limit": limit}).scalars())
        rows = self._book.customers.rows(ids)
        return [rows[i] for i in ids if i in rows]

    def segment_query(self, cond: Condition | None, base: CustomerQuery | None = None, *,
                      now: dt.datetime | None = None) -> CustomerQuery:
        """A table view of the segment's recipients, with ``base``'s search, tags and sort.

        The segment becomes one ``extra_where`` clause (``c.id IN (…)``) of the query, so
        :class:`app.search.SearchService` searches and sorts within it as in any view.
        Relative conditions ("this month", "the last 30 days") are fixed when this is
        called: make the query again to follow the calendar (on each refresh, for example).
        """
        with self._book.db.read() as s:
            # A prefix of its own, so two segments in one query never share a parameter.
            prefix = f"sgq{next(_query_numbers)}_"
            plan = self._plan(cond, self._facts(s), now, prefix=prefix)
        base = base or CustomerQuery()
        return dataclasses.replace(
            base, extra_where=(*base.extra_where, (f"c.id IN ({plan.recipients()})",
                                                   plan.params)))

    def saved_query(self, segment_id: int, base: CustomerQuery | None = None, *,
                    now: dt.datetime | None = None) -> CustomerQuery:
        """The table view of a saved segment (sidebar); ConditionError when it is unusable."""
        return self.segment_query(self.get(segment_id).condition, base, now=now)

    # --- saved segments -------------------------------------------------------------------

    @staticmethod
    def _clean_name(name: str) -> str:
        name = " ".join(str(name).split())
        if not name or len(name) > MAX_NAME:
            raise ValidationError(name[:40], message=QT_TRANSLATE_NOOP(
                _CTX, "A segment needs a name of up to 100 characters."))
        return name

    @staticmethod
    def _name_taken(s: Session, name: str, other_than: int | None = None) -> bool:
        found = s.execute(text("SELECT id FROM segment WHERE name = :n"), {"n": name}).first()
        return found is not None and found[0] != other_than

    def save(self, name: str, cond: Condition) -> int:
        """Save a segment under a unique name; the condition must be valid now."""
        name = self._clean_name(name)
        with self._book.db.write() as s:
            root = self._check(cond, self._facts(s))
            if self._name_taken(s, name):
                raise ValidationError(name[:40], message=QT_TRANSLATE_NOOP(
                    _CTX, "A segment with this name already exists."))
            position = s.execute(text(
                "SELECT coalesce(max(position), 0) + 1 FROM segment")).scalar_one()
            now = utcnow()
            seg = SavedSegment(name=name, condition=to_json(root), position=int(position),
                               created_at=now, updated_at=now)
            s.add(seg)
            s.flush()
            segment_id = seg.id
        self._book.announce("segments", [segment_id])
        return segment_id

    def update(self, segment_id: int, *, name: str | None = None,
               cond: Condition | None = None) -> None:
        """Rename a segment and/or replace its condition (which must be valid now)."""
        changes: dict[str, Any] = {"updated_at": utcnow()}
        with self._book.db.write() as s:
            if name is not None:
                name = self._clean_name(name)
                if self._name_taken(s, name, other_than=segment_id):
                    raise ValidationError(name[:40], message=QT_TRANSLATE_NOOP(
                        _CTX, "A segment with this name already exists."))
                changes["name"] = name
            if cond is not None:
                changes["condition"] = to_json(self._check(cond, self._facts(s)))
            # Not through the ORM object: loading it would parse the stored condition,
            # which may be the damaged one this update replaces.
            found = s.connection().execute(update(SavedSegment).where(SavedSegment.id == segment_id)
                                           .values(**changes)).rowcount
            if not found:
                raise NotFoundError(f"segment {segment_id}")
        self._book.announce("segments", [segment_id])

    def delete(self, segment_id: int) -> None:
        with self._book.db.write() as s:
            gone = s.connection().execute(text("DELETE FROM segment WHERE id = :i"),
                                          {"i": segment_id}).rowcount
        if not gone:
            raise NotFoundError(f"segment {segment_id}")
        self._book.announce("segments", [segment_id])

    def reorder(self, segment_ids: list[int]) -> None:
        """Sidebar order: ``segment_ids`` first, in this order."""
        with self._book.db.write() as s:
            s.execute(text("UPDATE segment SET position = :p WHERE id = :i"),
                      [{"p": pos, "i": int(sid)} for pos, sid in enumerate(segment_ids, 1)])
        self._book.announce("segments")

    def list(self) -> list[SavedSegmentInfo]:
        """Saved segments in sidebar order, each checked against the book as it is now."""
        with self._book.db.read() as s:
            facts = self._facts(s)
            rows = s.execute(text(
                "SELECT id, name, condition, position, created_at, updated_at FROM segment "
                "ORDER BY position, id")).all()
        return [self._info(row, facts) for row in rows]

    def get(self, segment_id: int) -> SavedSegmentInfo:
        with self._book.db.read() as s:
            facts = self._facts(s)
            row = s.execute(text(
                "SELECT id, name, condition, position, created_at, updated_at FROM segment "
                "WHERE id = :i"), {"i": segment_id}).first()
        if row is None:
            raise NotFoundError(f"segment {segment_id}")
        return self._info(row, facts)

    def by_name(self, name: str) -> SavedSegmentInfo:
        """The saved segment called ``name`` (for ``main.py broadcast --segment NAME``)."""
        with self._book.db.read() as s:
            found = s.execute(text("SELECT id FROM segment WHERE name = :n"),
                              {"n": " ".join(str(name).split())}).first()
        if found is None:
            raise NotFoundError("segment")
        return self.get(found[0])

    def _info(self, row: Any, facts: _BookFacts) -> SavedSegmentInfo:
        sid, name, raw, position, created, updated = row
        condition: Group | None = None
        problem: ValidationError | None = None
        try:
            condition = loads(raw if isinstance(raw, str | bytes) else json.dumps(raw))
            self._check(condition, facts)
        except ValidationError as exc:
            problem = exc
            log.info("saved segment %d cannot be used now (%s)", sid, exc.detail or exc.code)
        return SavedSegmentInfo(sid, name, condition, int(position), _as_datetime(created),
                                _as_datetime(updated), problem)


def _as_datetime(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))
