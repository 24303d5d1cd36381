"""Taking the last seat exactly once: holds against published capacity.

:func:`take` is one write transaction: a hold with the same ``request_key`` is returned as
it is (a double-posted confirm makes one booking); otherwise a **conditional UPDATE**
(``taken = taken + 1 WHERE taken + count <= capacity``) either takes capacity or changes
nothing, and only when it took does the hold row go in. On SQLite the transaction holds the
write lock from its start (``BEGIN IMMEDIATE``, relay.store); on PostgreSQL the UPDATE
locks the slot's row and re-checks its condition on the committed row after waiting, so
any number of relay instances sharing the database give the last seat to exactly one
request. Two requests with the same ``request_key`` racing on PostgreSQL: the unique
constraint refuses the second insert; it rolls back (its UPDATE too) and finds the first.

:func:`publish` replaces the desktop's view: capacity = the free capacity the desktop
computed (counting every booking it has applied), taken = the holds it has not applied
yet (``acked`` = 0), so a hold is never counted twice nor forgotten.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from relay.booking.schema import booking_config, booking_entries, booking_holds, booking_slots
from relay.store import Store

HELD = "held"
RELEASED = "released"


@dataclass(frozen=True)
class Hold:
    hold_id: str
    slot_key: str
    count: int
    created: bool  # False: the same request was taken before


class SlotFull(Exception):
    """No capacity left (or the slot is not published)."""


def publish(store: Store, shop_id: str, free: Mapping[str, int], now_ms: int, *,
            config: str | None = None, link_mac_key: bytes | None = None,
            acked: Sequence[str] = (), closed: Sequence[str] = ()) -> int:
    """Replace the shop's slots with ``free`` (slot key → free capacity), in the same
    transaction: mark ``acked`` holds applied by the desktop (its capacity counts them
    now), let go of holds whose bookings the owner ``closed`` (cancelled in the book:
    the capacity published already has them back), and keep the pages' ``config``."""
    with store.write_transaction() as conn:
        if acked:
            conn.execute(update(booking_holds).where(
                booking_holds.c.shop_id == shop_id,
                booking_holds.c.hold_id.in_(list(acked))).values(acked=1))
        if closed:
            conn.execute(update(booking_holds).where(
                booking_holds.c.shop_id == shop_id, booking_holds.c.state == HELD,
                booking_holds.c.hold_id.in_(list(closed))).values(state=RELEASED))
            conn.execute(update(booking_entries).where(
                booking_entries.c.shop_id == shop_id,
                booking_entries.c.hold_id.in_(list(closed))).values(state=RELEASED))
        # Each publish gets its own stamp, later than the last (even within one clock
        # millisecond): the pages tell a new publish by it (relay.booking.front.generation).
        last = max(int(conn.execute(select(booking_slots.c.published_at).where(
            booking_slots.c.shop_id == shop_id).limit(1)).scalar() or 0), int(conn.execute(
                select(booking_config.c.published_at).where(
                    booking_config.c.shop_id == shop_id)).scalar() or 0))
        stamp = max(now_ms, last + 1)
        if config is not None:
            conn.execute(delete(booking_config).where(booking_config.c.shop_id == shop_id))
            conn.execute(insert(booking_config).values(
                shop_id=shop_id, config=config, link_mac_key=link_mac_key,
                published_at=stamp))
        unacked: dict[str, int] = {}
        for keys, count in conn.execute(
                select(booking_holds.c.slot_key, booking_holds.c.count)
                .where(booking_holds.c.shop_id == shop_id, booking_holds.c.state == HELD,
                       booking_holds.c.acked == 0)):
            for key in str(keys).split(","):
                unacked[key] = unacked.get(key, 0) + int(count)
        conn.execute(delete(booking_slots).where(booking_slots.c.shop_id == shop_id))
        rows = [{"shop_id": shop_id, "slot_key": key, "capacity": cap,
                 "taken": int(unacked.get(key, 0)), "published_at": stamp}
                for key, cap in free.items() if cap > 0]
        if rows:
            conn.execute(insert(booking_slots), rows)
    return len(rows)


def free(store: Store, shop_id: str) -> dict[str, int]:
    """Slot key → what is still free, for the pages."""
    with store.read_transaction() as conn:
        return {k: cap - taken for k, cap, taken in conn.execute(
            select(booking_slots.c.slot_key, booking_slots.c.capacity,
                   booking_slots.c.taken).where(
                booking_slots.c.shop_id == shop_id,
                booking_slots.c.taken < booking_slots.c.capacity))}


def take(store: Store, shop_id: str, slot_key: str, request_key: str, now_ms: int,
         count: int = 1) -> Hold:
    """Take ``count`` of the slot for this request, or raise :class:`SlotFull`."""
    return take_all(store, shop_id, [slot_key], request_key, now_ms, count)


def take_all(store: Store, shop_id: str, slot_keys: list[str], request_key: str,
             now_ms: int, count: int = 1) -> Hold:
    """Take ``count`` of **every** slot in ``slot_keys`` (e.g. each step a booking's
    window covers) or of none: one conditional UPDATE, all-or-nothing on its row count."""
    keys = sorted(set(slot_keys))  # one order for every request: no lock-order deadlock
    if not keys or any("," in k for k in keys):
        raise ValueError("slot keys")
    for _ in range(2):
        try:
            return _take(store, shop_id, keys, request_key, now_ms, count)
        except IntegrityError:
            continue  # the same request won a race a moment ago: find its hold
    return _take(store, shop_id, keys, request_key, now_ms, count)


def _take(store: Store, shop_id: str, keys: list[str], request_key: str, now_ms: int,
          count: int) -> Hold:
    with store.write_transaction() as conn:
        existing = conn.execute(select(
            booking_holds.c.hold_id, booking_holds.c.slot_key, booking_holds.c.count)
            .where(booking_holds.c.shop_id == shop_id,
                   booking_holds.c.request_key == request_key)).first()
        if existing is not None:
            return Hold(str(existing[0]), str(existing[1]), int(existing[2]), created=False)
        took = conn.execute(update(booking_slots).where(and_(
            booking_slots.c.shop_id == shop_id, booking_slots.c.slot_key.in_(keys),
            booking_slots.c.taken + count <= booking_slots.c.capacity)).values(
            taken=booking_slots.c.taken + count))
        if took.rowcount != len(keys):
            raise SlotFull(keys[0])  # leaving the block rolls the partial UPDATE back
        hold_id = secrets.token_hex(16)
        joined = ",".join(keys)
        conn.execute(insert(booking_holds).values(
            hold_id=hold_id, shop_id=shop_id, slot_key=joined, count=count,
            request_key=request_key, state=HELD, acked=0, created_at=now_ms))
        return Hold(hold_id, joined, count, created=True)


def release(store: Store, shop_id: str, hold_id: str) -> bool:
    """A cancelled booking gives its capacity back (once)."""
    with store.write_transaction() as conn:
        row = conn.execute(select(booking_holds.c.slot_key, booking_holds.c.count,
                                  booking_holds.c.acked).where(
            booking_holds.c.shop_id == shop_id, booking_holds.c.hold_id == hold_id,
            booking_holds.c.state == HELD)).first()
        if row is None:
            return False
        slot_key, count, acked = str(row[0]), int(row[1]), bool(row[2])
        conn.execute(update(booking_holds).where(booking_holds.c.hold_id == hold_id)
                     .values(state=RELEASED))
        # An acked hold is counted in the published capacity: give it back there.
        change = (booking_slots.c.capacity + count if acked
                  else booking_slots.c.taken - count)
        column = "capacity" if acked else "taken"
        conn.execute(update(booking_slots).where(
            booking_slots.c.shop_id == shop_id,
            booking_slots.c.slot_key.in_(slot_key.split(","))).values({column: change}))
        return True


def ack(store: Store, shop_id: str, hold_ids: list[str]) -> int:
    """The desktop applied these bookings (its next publish counts them)."""
    if not hold_ids:
        return 0
    with store.write_transaction() as conn:
        return conn.execute(update(booking_holds).where(
            booking_holds.c.shop_id == shop_id, booking_holds.c.hold_id.in_(hold_ids))
            .values(acked=1)).rowcount
