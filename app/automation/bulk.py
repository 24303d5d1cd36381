"""Tag and points writes of an engine batch, collected and written in bulk.

A batch of 500 events through 50 rules fires thousands of "add tag" and "add points"
actions, one customer each. Written one by one they were most of what the rules cost
(four statements per tag, three per points entry: docs/performance-automation.md).
The actions marked ``deferred`` in :data:`app.automation.actions.ACTIONS` put their
writes here instead, and :meth:`BatchWrites.flush` writes them with a few statements
per tag and one executemany per table.

What makes waiting correct: the engine flushes before anything could read what waits
here: before a rule's condition (If) is checked and before any action that is not
deferred runs (a message's placeholders read fields, ``set_field`` may write the same
points field, a sequence start reads tags; a message naming no field, whose placeholders
read only names, says so: ``ActionSpec.reads_waiting``); and before the batch's
transaction commits
or its savepoint is released. Deferred actions only write. One thing would change the
outcome if it waited: a tag added and then removed (or the reverse) on one customer in
the same batch, so the second of those flushes the first (order kept).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from app import domain_events
from app.store.models import DomainEvent, FieldValue, utcnow


@dataclass
class BatchWrites:
    #: (tag id, add?, depth) → tag name and the customers, in order of first request.
    tags: dict[tuple[int, bool, int], tuple[str, dict[int, None]]] = field(
        default_factory=dict)
    #: (customer, tag) → add? for what waits: a request of the other sign flushes first.
    signs: dict[tuple[int, int], bool] = field(default_factory=dict)
    #: One row per points firing, in order (the upsert adds them up in SQL).
    points: list[dict[str, Any]] = field(default_factory=list)
    ledger: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.tags or self.points)

    def tag(self, s: Session, customer_id: int, tag_id: int, name: str, *, add: bool,
            depth: int) -> None:
        """Add (or remove) a tag on one customer when the batch is flushed."""
        if self.signs.get((customer_id, tag_id), add) != add:
            self.flush(s)
        self.signs[(customer_id, tag_id)] = add
        self.tags.setdefault((tag_id, add, depth), (name, {}))[1][customer_id] = None

    def add_points(self, customer_id: int, field_ref: str, *, points: int, ftype: str,
                   reason: str, depth: int) -> None:
        """Add ``points`` to a number or points field (``custom:<id>``) when flushed; a
        points field also gets its ledger line; either emits ``field.changed``."""
        now = utcnow()
        fid = int(field_ref[7:])
        self.points.append({"c": customer_id, "f": fid, "d": float(points),
                            "at": now.isoformat(sep=" ")})
        if ftype == "points":
            self.ledger.append({"c": customer_id, "f": fid, "d": int(points), "r": reason,
                                "at": now.isoformat(sep=" ")})
        self.events.append({
            "key": f"field:{customer_id}:{field_ref}:{uuid.uuid4().hex}",
            "kind": domain_events.FIELD_CHANGED, "customer_id": customer_id,
            "data": {"field": field_ref}, "depth": depth, "at": now})

    def flush(self, s: Session) -> None:
        """Write everything waiting, inside ``s`` (the engine's transaction)."""
        from app.tags import TagService

        tags, self.tags, self.signs = self.tags, {}, {}
        for (tid, add, depth), (name, cids) in tags.items():
            TagService.apply_in(s, list(cids), {tid: name}, add=add, depth=depth)
        if self.points:
            conn = s.connection()
            # Driver SQL, as TagService.apply_in: nothing for SQLAlchemy to compile.
            conn.exec_driver_sql(
                "INSERT INTO field_value(customer_id, field_id, num_value, updated_at) "
                "VALUES (:c, :f, :d, :at) ON CONFLICT(customer_id, field_id) DO UPDATE SET "
                "num_value = coalesce(num_value, 0) + :d, updated_at = :at", self.points)
            if self.ledger:
                conn.exec_driver_sql(
                    "INSERT INTO points_entry(customer_id, field_id, delta, reason, at) "
                    "VALUES (:c, :f, :d, :r, :at)", self.ledger)
            conn.execute(sqlite_insert(DomainEvent).on_conflict_do_nothing(
                index_elements=["key"]), self.events)
            for row in self.points:
                # An ORM copy loaded earlier in the batch is stale now: read it again.
                held = s.identity_map.get(identity_key(FieldValue, (row["c"], row["f"])))
                if held is not None:
                    s.expire(held)
            self.points, self.ledger, self.events = [], [], []
