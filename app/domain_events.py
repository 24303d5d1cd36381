"""The book's domain events: what happened that rules may act on (the outbox).

Every feature that changes the book in a way a rule may care about emits one event **in
the same transaction as the change** (:func:`emit`), so the event exists exactly when
the change does: a crash rolls back both, a commit keeps both. The rules engine
(automation) reads the events not yet handled (:func:`pending`) and marks each handled
(:func:`mark_handled`) in the transaction that carries out its actions, so a rule acts at
most once per event even when the process is killed at any point.

``key`` names the happening uniquely and makes emitting idempotent: the same LINE event
applied twice, or a form answer pulled again after a crash, emits once. Build it from
the happening's own identity (``"line:<webhookEventId>"``, ``"form:<answer id>"``,
``"tag+:<customer>:<tag>:<timeline id>"`` …), never from the clock alone.

``depth`` is how many rule actions led here (0 for what came from outside); the engine
uses it to bound chains of rules that trigger rules.

``data`` holds ids and small non-personal facts (a tag id, a form id, a choice label, a
postback's data), not copies of personal data: the rows are deleted with their customer
(``ON DELETE CASCADE``), and whatever a rule needs it reads from the book.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from sqlalchemy import Row, select, update
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from app.store.models import DomainEvent, utcnow

# --- the kinds (strings, stable: rules store them) --------------------------------------
FRIEND_FOLLOWED: Final = "friend.followed"      # data: {"again": bool} (unblocked)
FRIEND_BLOCKED: Final = "friend.blocked"
MESSAGE_RECEIVED: Final = "message.received"    # data: {"message_id": int}
POSTBACK: Final = "postback"                    # data: {"data": str}
FORM_ANSWERED: Final = "form.answered"          # data: {"form_id": str, "answer_id": str}
TAG_ADDED: Final = "tag.added"                  # data: {"tag_id": int}
TAG_REMOVED: Final = "tag.removed"              # data: {"tag_id": int}
FIELD_CHANGED: Final = "field.changed"          # data: {"field": str} (built-in or custom key)
DATE_REACHED: Final = "date.reached"            # data: {"rule_id": int, "on": "YYYY-MM-DD"}
BOOKING_MADE: Final = "booking.made"            # data: {"booking_id": str}
BOOKING_CHANGED: Final = "booking.changed"      # data: {"booking_id": str}
BOOKING_CANCELLED: Final = "booking.cancelled"  # data: {"booking_id": str}
BOOKING_VISITED: Final = "booking.visited"      # data: {"booking_id": str}
BOOKING_NO_SHOW: Final = "booking.no_show"      # data: {"booking_id": str}
ORDER_PAID: Final = "order.paid"                # data: {"order_id": str}
ORDER_REFUNDED: Final = "order.refunded"        # data: {"order_id": str}
MEMBER_LINKED: Final = "member.linked"          # data: {"member_number": str | None}
ROUTE_ARRIVED: Final = "route.arrived"          # data: {"route_id": str}

KINDS: Final = frozenset({
    FRIEND_FOLLOWED, FRIEND_BLOCKED, MESSAGE_RECEIVED, POSTBACK, FORM_ANSWERED, TAG_ADDED,
    TAG_REMOVED, FIELD_CHANGED, DATE_REACHED, BOOKING_MADE, BOOKING_CHANGED,
    BOOKING_CANCELLED, BOOKING_VISITED, BOOKING_NO_SHOW, ORDER_PAID, ORDER_REFUNDED,
    MEMBER_LINKED, ROUTE_ARRIVED,
})

KEY_MAX = 200


def emit(s: Session, kind: str, *, key: str, customer_id: int | None,
         data: dict[str, Any] | None = None, depth: int = 0,
         at: dt.datetime | None = None) -> bool:
    """Record that ``kind`` happened, inside the caller's write transaction ``s``.

    Returns False when an event with this ``key`` exists already (nothing written).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown domain event kind {kind!r}")
    if not key or len(key) > KEY_MAX:
        raise ValueError("a domain event needs a key of 1-200 characters")
    stmt = insert(DomainEvent).values(
        key=key, kind=kind, customer_id=customer_id, data=data or {}, depth=depth,
        at=at or utcnow()).on_conflict_do_nothing(index_elements=["key"])
    result = s.execute(stmt)
    return bool(getattr(result, "rowcount", 0))


def pending(s: Session, *, limit: int = 500, after_id: int = 0) -> list[Row[Any]]:
    """The oldest events not yet handled (after ``after_id``), oldest first: rows with
    the event's columns (read-only: the rules engine reads thousands; ORM objects cost
    more to build than the rules took to match them)."""
    return list(s.execute(
        select(DomainEvent.id, DomainEvent.key, DomainEvent.kind, DomainEvent.customer_id,
               DomainEvent.data, DomainEvent.depth, DomainEvent.at)
        .where(DomainEvent.handled_at.is_(None), DomainEvent.id > after_id)
        .order_by(DomainEvent.id).limit(limit)))


def mark_handled(s: Session, event_id: int, *, at: dt.datetime | None = None) -> bool:
    """Mark one event handled inside the transaction that did its work. False when it was
    handled already (another worker got there first: the caller must roll back)."""
    result = s.execute(update(DomainEvent).where(
        DomainEvent.id == event_id, DomainEvent.handled_at.is_(None)).values(
        handled_at=at or utcnow()))
    return bool(getattr(result, "rowcount", 0))


def mark_all_handled(s: Session, event_ids: list[int], *,
                     at: dt.datetime | None = None) -> set[int]:
    """Mark these events handled inside the transaction that does their work; returns
    those this call marked (the others were handled already: leave them alone)."""
    return set(s.scalars(
        update(DomainEvent).where(DomainEvent.id.in_(event_ids),
                                  DomainEvent.handled_at.is_(None))
        .values(handled_at=at or utcnow()).returning(DomainEvent.id)
        .execution_options(synchronize_session=False)))
