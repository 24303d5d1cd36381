"""The booking pages' logic: the published menus, a menu's window in steps, free times,
and taking (or giving back) a booking in one transaction with the item sealed for the
devices.

A menu of ``duration`` minutes with buffers, at ``start`` with staff ``x``, keeps busy
``[start - buffer_before, start + duration + buffer_after)``; on the relay that is every
published step ``*|x|T`` of ``slot_step`` minutes the window touches
(:func:`window_keys`). A class session is its own key ``class|-|T``. :func:`confirm`
takes all of them or none (the conditional UPDATE of relay.booking.holds), records the
hold, the entry "my bookings" lists and the sealed item, all in one durable transaction:
a booking is never taken without reaching the devices, nor sent without its capacity.

The sealed items (``otokui-booking/1``) carry the link token (the desktop finds the
friend in it) and the answers to the menu's questions; the relay keeps neither.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from relay.booking.holds import HELD, RELEASED, Hold, SlotFull
from relay.booking.schema import (
    booking_config,
    booking_entries,
    booking_holds,
    booking_slots,
    booking_waiters,
)
from relay.store import Store

MAGIC = b"otokui-booking/1\n"
STEPS = (5, 10, 15, 30, 60)


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class MenuInfo:
    kind: str  # menu | class
    id: str
    name: str
    duration: int
    price: int
    buffer_before: int
    buffer_after: int
    staff: tuple[str, ...]
    questions: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Config:
    step: int
    min_notice_minutes: int
    book_ahead_days: int
    cancel_deadline_hours: int
    max_open_per_friend: int
    approval: bool
    staff: dict[str, str]  # id → name, in the shop's order
    menus: dict[str, MenuInfo]

    def menu(self, menu_id: str) -> MenuInfo | None:
        return self.menus.get(menu_id)


def _int(data: dict[str, Any], key: str, lo: int, hi: int) -> int:
    v = data.get(key)
    if not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
        raise ConfigError(key)
    return v


def _id(v: Any) -> str:
    if not isinstance(v, str) or not 0 < len(v) <= 64 or not all(
            c.isascii() and (c.isalnum() or c in "-_") for c in v):
        raise ConfigError("id")
    return v


def _text(v: Any, limit: int = 200) -> str:
    if not isinstance(v, str) or not 0 < len(v) <= limit:
        raise ConfigError("text")
    return v


def parse_config(data: Any) -> Config:
    """The published config, checked (the pages trust nothing they did not check)."""
    if not isinstance(data, dict):
        raise ConfigError("config")
    staff_list = data.get("staff", [])
    menus_list = data.get("menus", [])
    if not isinstance(staff_list, list) or not isinstance(menus_list, list) \
            or len(staff_list) > 200 or len(menus_list) > 500:
        raise ConfigError("lists")
    staff: dict[str, str] = {}
    for x in staff_list:
        if not isinstance(x, dict):
            raise ConfigError("staff")
        staff[_id(x.get("id"))] = _text(x.get("name"), 100)
    menus: dict[str, MenuInfo] = {}
    for m in menus_list:
        if not isinstance(m, dict) or m.get("kind") not in ("menu", "class"):
            raise ConfigError("menus")
        ids = m.get("staff", [])
        questions = m.get("questions", [])
        if not isinstance(ids, list) or not isinstance(questions, list) or len(questions) > 50 \
                or not all(isinstance(q, dict) for q in questions):
            raise ConfigError("menus")
        allowed = tuple(_id(s) for s in ids)
        if any(s not in staff for s in allowed):
            raise ConfigError("menus.staff")
        info = MenuInfo(m["kind"], _id(m.get("id")), _text(m.get("name")),
                        _int(m, "duration", 1, 1440), _int(m, "price", 0, 10_000_000),
                        _int(m, "buffer_before", 0, 1440), _int(m, "buffer_after", 0, 1440),
                        allowed, tuple(questions))
        menus[info.id] = info
    step = _int(data, "step", 1, 60)
    if step not in STEPS:
        raise ConfigError("step")
    approval = data.get("approval", False)
    if not isinstance(approval, bool):
        raise ConfigError("approval")
    return Config(step, _int(data, "min_notice_minutes", 0, 525_600),
                  _int(data, "book_ahead_days", 0, 3650),
                  _int(data, "cancel_deadline_hours", 0, 87_600),
                  _int(data, "max_open_per_friend", 1, 1000), approval, staff, menus)


@dataclass(frozen=True)
class Published:
    config: Config
    link_mac_key: bytes | None


def published(store: Store, shop_id: str) -> Published | None:
    with store.read_transaction() as conn:
        row = conn.execute(select(booking_config.c.config, booking_config.c.link_mac_key)
                           .where(booking_config.c.shop_id == shop_id)).first()
    if row is None:
        return None
    try:
        config = parse_config(json.loads(row[0]))
    except (ConfigError, ValueError):  # checked before it was stored: a bug
        raise RuntimeError("the published booking config no longer parses") from None
    return Published(config, None if row[1] is None else bytes(row[1]))


def fmt(when: dt.datetime) -> str:
    return f"{when:%Y-%m-%dT%H:%M}"


def window_keys(config: Config, menu: MenuInfo, staff_id: str | None,
                start: dt.datetime) -> list[str]:
    """Every key a booking of ``menu`` at ``start`` takes."""
    if menu.kind == "class":
        return [f"{menu.id}|-|{fmt(start)}"]
    step = config.step
    midnight = dt.datetime.combine(start.date(), dt.time())
    a = int((start - midnight).total_seconds() // 60) - menu.buffer_before
    b = int((start - midnight).total_seconds() // 60) + menu.duration + menu.buffer_after
    first = (a // step) * step
    return [f"*|{staff_id or '-'}|{fmt(midnight + dt.timedelta(minutes=t))}"
            for t in range(first, b, step)]


def free_keys(store: Store, shop_id: str) -> dict[str, int]:
    with store.read_transaction() as conn:
        return {str(k): int(c) - int(t) for k, c, t in conn.execute(
            select(booking_slots.c.slot_key, booking_slots.c.capacity,
                   booking_slots.c.taken).where(
                booking_slots.c.shop_id == shop_id,
                booking_slots.c.taken < booking_slots.c.capacity))}


def candidates(config: Config, menu: MenuInfo, staff_id: str | None) -> list[str | None]:
    """Whom a booking may go to: the one chosen, or (指名なし) every allowed staff member
    in the shop's order; ``None`` for a shop without staff and for classes."""
    if menu.kind == "class" or not config.staff:
        return [None]
    allowed = list(menu.staff) or list(config.staff)
    if staff_id is not None:
        return [staff_id] if staff_id in allowed else []
    return [s for s in config.staff if s in allowed]


def generation(store: Store, shop_id: str) -> tuple[int, ...]:
    """Changes whenever the free capacity or the published menus may have: a publish (its
    stamp: the config row and every slot row of a publish carry it, so one row by the
    primary key tells), a hold taken (one more
    hold row), one let go (one more released). Nothing else changes
    ``taken``: :func:`relay.booking.holds.take_all`, :func:`cancel` and :func:`promote_in`
    each add or release a hold in the same transaction. (A first version summed the
    9,000 slot rows on every page load: 6 ms of the days page's 22.)"""
    # One statement (one round trip; it runs on every page load): the two stamps as
    # scalar subqueries beside the hold counts. Holds are never deleted, so these two
    # counts only grow: any change moves one. (Both come from the index on shop, state,
    # acked without reading the rows.)
    published = select(booking_slots.c.published_at).where(
        booking_slots.c.shop_id == shop_id).limit(1).scalar_subquery()
    config = select(booking_config.c.published_at).where(
        booking_config.c.shop_id == shop_id).scalar_subquery()
    with store.read_transaction() as conn:
        row = conn.execute(select(
            config, published, func.count(),
            func.count().filter(booking_holds.c.state == RELEASED))
            .select_from(booking_holds).where(booking_holds.c.shop_id == shop_id)).one()
    return (int(row[0] or 0), int(row[1] or 0), int(row[2]), int(row[3]))


class FreeIndex:
    """The published free capacity, indexed for the pages: per resource and day, an array
    of free steps with prefix sums, so checking a window is two lookups (a days page walks
    every start of the horizon for every staff member)."""

    def __init__(self, free: dict[str, int], step: int) -> None:
        self.step = step
        self.steps = (24 * 60) // step
        days: dict[tuple[str, str], list[int]] = {}
        self.sessions: dict[tuple[str, str], list[dt.datetime]] = {}
        for key, n in free.items():
            if n <= 0:
                continue
            kind, who, when = key.split("|")
            if kind != "*":
                self.sessions.setdefault((kind, when[:10]), []).append(
                    dt.datetime.fromisoformat(when))
                continue
            minute = int(when[11:13]) * 60 + int(when[14:16])
            if minute % step:
                continue
            row = days.setdefault((who, when[:10]), [0] * self.steps)
            row[minute // step] = 1
        self.prefix = {k: list(accumulate(v, initial=0)) for k, v in days.items()}

    def window_free(self, staff: str, day: str, first: int, last: int) -> bool:
        """Whether steps ``first`` … ``last - 1`` of ``staff``'s ``day`` are all free."""
        prefix = self.prefix.get((staff, day))
        if prefix is None or first < 0 or last > self.steps:
            return False  # a window crossing midnight is not offered (never too free)
        return prefix[last] - prefix[first] == last - first


def free_starts(config: Config, index: FreeIndex, menu: MenuInfo, staff_id: str | None,
                day: dt.date, now: dt.datetime) -> list[tuple[dt.datetime, str | None]]:
    """The starts of ``day`` a friend may book now, each with the staff it would go to
    (the same steps :func:`window_keys` takes)."""
    earliest = now + dt.timedelta(minutes=config.min_notice_minutes)
    if day > now.date() + dt.timedelta(days=config.book_ahead_days):
        return []
    day_text = day.isoformat()
    out: list[tuple[dt.datetime, str | None]] = []
    if menu.kind == "class":
        return [(when, None) for when in sorted(index.sessions.get((menu.id, day_text), []))
                if when >= earliest]
    midnight = dt.datetime.combine(day, dt.time())
    who = [(s, s or "-") for s in candidates(config, menu, staff_id)]
    step = config.step
    for t in range(0, 24 * 60, step):
        when = midnight + dt.timedelta(minutes=t)
        if when < earliest:
            continue
        first = (t - menu.buffer_before) // step
        last = -(-(t + menu.duration + menu.buffer_after) // step)
        for s, name in who:
            if index.window_free(name, day_text, first, last):
                out.append((when, s))
                break
    return out


@dataclass(frozen=True)
class Entry:
    hold_id: str
    menu_id: str
    staff_id: str | None
    start: dt.datetime
    end: dt.datetime
    state: str


def _entry(row: Any) -> Entry:
    return Entry(str(row.hold_id), str(row.menu_id),
                 None if row.staff_id == "-" else str(row.staff_id),
                 dt.datetime.fromisoformat(row.start), dt.datetime.fromisoformat(row.end),
                 str(row.state))


class TooMany(Exception):
    """The friend holds ``max_open_per_friend`` open bookings already."""


class NoDevice(Exception):
    """No paired device to seal for: nothing was taken."""


def confirm(store: Store, shop_id: str, config: Config, menu: MenuInfo,
            who: list[str | None], start: dt.datetime, friend_hash: bytes,
            request_key: str, now: dt.datetime, now_ms: int,
            item: Callable[[str, str | None], bytes],
            also: Callable[[Any], None] | None = None) -> tuple[Hold, Entry]:
    """Take the booking for the first of ``who`` whose window is free, record it and queue
    ``item(hold_id, staff_id)`` sealed, in one transaction; the same ``request_key`` again
    returns the first booking. Raises SlotFull, TooMany or NoDevice (nothing kept)."""
    last: Exception = SlotFull(fmt(start))
    for staff_id in who:
        keys = sorted(set(window_keys(config, menu, staff_id, start)))
        for _ in range(3):
            try:
                return _confirm(store, shop_id, config, menu, staff_id, keys, start,
                                friend_hash, request_key, now, now_ms, item, also)
            except IntegrityError:
                continue  # the same request won a race a moment ago: find its hold
            except SlotFull as exc:
                last = exc
                break
    raise last


def _confirm(store: Store, shop_id: str, config: Config, menu: MenuInfo,
             staff_id: str | None, keys: list[str], start: dt.datetime, friend_hash: bytes,
             request_key: str, now: dt.datetime, now_ms: int,
             item: Callable[[str, str | None], bytes],
             also: Callable[[Any], None] | None = None) -> tuple[Hold, Entry]:
    with store.write_transaction() as conn:
        existing = conn.execute(select(
            booking_holds.c.hold_id, booking_holds.c.slot_key, booking_holds.c.count)
            .where(booking_holds.c.shop_id == shop_id,
                   booking_holds.c.request_key == request_key)).first()
        if existing is not None:
            entry = conn.execute(select(booking_entries).where(
                booking_entries.c.hold_id == existing[0])).first()
            assert entry is not None
            return (Hold(str(existing[0]), str(existing[1]), int(existing[2]), created=False),
                    _entry(entry))
        open_count = conn.execute(select(func.count()).select_from(booking_entries).where(
            booking_entries.c.shop_id == shop_id, booking_entries.c.friend_hash == friend_hash,
            booking_entries.c.state == HELD, booking_entries.c.start >= fmt(now))).scalar_one()
        if open_count >= config.max_open_per_friend:
            raise TooMany
        took = conn.execute(update(booking_slots).where(and_(
            booking_slots.c.shop_id == shop_id, booking_slots.c.slot_key.in_(keys),
            booking_slots.c.taken + 1 <= booking_slots.c.capacity)).values(
            taken=booking_slots.c.taken + 1))
        if took.rowcount != len(keys):
            raise SlotFull(keys[0])  # leaving the block rolls the partial UPDATE back
        hold_id = secrets.token_hex(16)
        joined = ",".join(keys)
        conn.execute(insert(booking_holds).values(
            hold_id=hold_id, shop_id=shop_id, slot_key=joined, count=1,
            request_key=request_key, state=HELD, acked=0, created_at=now_ms))
        end = start + dt.timedelta(minutes=menu.duration)
        values = {"hold_id": hold_id, "shop_id": shop_id, "friend_hash": friend_hash,
                  "menu_id": menu.id, "staff_id": staff_id or "-", "start": fmt(start),
                  "end": fmt(end), "state": HELD, "created_at": now_ms}
        conn.execute(insert(booking_entries).values(**values))
        if store.queue_items_in(conn, [item(hold_id, staff_id)], now_ms, shop_id) is None:
            raise NoDevice
        if also is not None:  # the autopilot's claim on the confirmation
            also(conn)
        return Hold(hold_id, joined, 1, created=True), Entry(
            hold_id, menu.id, staff_id, start, end, HELD)


def entries(store: Store, shop_id: str, friend_hash: bytes) -> list[Entry]:
    with store.read_transaction() as conn:
        rows = conn.execute(select(booking_entries).where(
            booking_entries.c.shop_id == shop_id,
            booking_entries.c.friend_hash == friend_hash).order_by(booking_entries.c.start))
        return [_entry(r) for r in rows]


def cancel(store: Store, shop_id: str, hold_id: str, friend_hash: bytes, now_ms: int,
           item: bytes, now: dt.datetime) -> bool:
    """Give the friend's booking back (once) and queue the sealed cancel item, in one
    transaction. False when it is not this friend's open booking."""
    with store.write_transaction() as conn:
        row = conn.execute(select(booking_holds.c.slot_key, booking_holds.c.count,
                                  booking_holds.c.acked).where(
            booking_holds.c.shop_id == shop_id, booking_holds.c.hold_id == hold_id,
            booking_holds.c.state == HELD)).first()
        mine = conn.execute(select(booking_entries.c.hold_id).where(
            booking_entries.c.hold_id == hold_id, booking_entries.c.shop_id == shop_id,
            booking_entries.c.friend_hash == friend_hash,
            booking_entries.c.state == HELD)).first()
        if row is None or mine is None:
            return False
        keys, count, acked = str(row[0]).split(","), int(row[1]), bool(row[2])
        conn.execute(update(booking_holds).where(booking_holds.c.hold_id == hold_id)
                     .values(state=RELEASED))
        conn.execute(update(booking_entries).where(booking_entries.c.hold_id == hold_id)
                     .values(state=RELEASED))
        # An acked hold is counted in the published capacity: give it back there.
        if acked:
            conn.execute(update(booking_slots).where(
                booking_slots.c.shop_id == shop_id, booking_slots.c.slot_key.in_(keys))
                .values(capacity=booking_slots.c.capacity + count))
        else:
            conn.execute(update(booking_slots).where(
                booking_slots.c.shop_id == shop_id, booking_slots.c.slot_key.in_(keys))
                .values(taken=booking_slots.c.taken - count))
        if store.queue_items_in(conn, [item], now_ms, shop_id) is None:
            raise NoDevice
        # The freed time goes to the first waiter it fits, in this same transaction.
        promote_in(store, conn, shop_id, now, now_ms)
        return True


def _who(body: dict[str, Any], line_user_id: str | None, wait_id: str | None = None
         ) -> dict[str, Any]:
    """Who the item is for, besides ``token`` (a per-friend link, or ``""``): the LINE user
    id LINE Login verified (LIFF), or the waiter whose sealed wait item named the friend."""
    if line_user_id:
        body["line_user_id"] = line_user_id
    if wait_id:
        body["wait_id"] = wait_id
    return body


def booking_item(*, hold_id: str, menu_id: str, staff_id: str | None, start: dt.datetime,
                 token: str, answers: dict[str, list[str]], taken_at_ms: int,
                 line_user_id: str | None = None, wait_id: str | None = None,
                 instant: bool = False) -> bytes:
    """``instant``: the relay's autopilot sends the confirmation (relay.autopilot_pages)."""
    body = _who({"type": "booking", "hold_id": hold_id, "menu_id": menu_id,
                 "staff_id": staff_id, "start": fmt(start), "token": token,
                 "answers": answers, "taken_at": taken_at_ms}, line_user_id, wait_id)
    if instant:
        body["instant"] = True
    return MAGIC + json.dumps(body, ensure_ascii=False, sort_keys=True).encode()


def cancel_item(*, hold_id: str, token: str, at_ms: int,
                line_user_id: str | None = None) -> bytes:
    body = _who({"type": "cancel", "hold_id": hold_id, "token": token, "at": at_ms},
                line_user_id)
    return MAGIC + json.dumps(body, sort_keys=True).encode()


def wait_item(*, wait_id: str, menu_id: str, staff_id: str | None, start: dt.datetime,
              token: str, at_ms: int, line_user_id: str | None = None) -> bytes:
    """A friend joined a waitlist: the book shows who waits (the 予約 window) and files
    the booking a freed time later becomes (``wait_id``) under that friend."""
    body = _who({"type": "wait", "hold_id": wait_id, "menu_id": menu_id,
                 "staff_id": staff_id, "start": fmt(start), "token": token, "at": at_ms},
                line_user_id)
    return MAGIC + json.dumps(body, sort_keys=True).encode()


# --- キャンセル待ち ------------------------------------------------------------------------

WAITING = "waiting"
BOOKED = "booked"


@dataclass(frozen=True)
class Waiter:
    wait_id: str
    menu_id: str
    staff_id: str | None
    start: dt.datetime
    state: str
    hold_id: str | None


def wait(store: Store, shop_id: str, friend_hash: bytes, token: str, menu: MenuInfo,
         staff_id: str | None, start: dt.datetime, wait_id: str, now_ms: int,
         item: bytes | None = None) -> bool:
    """Put the friend on the list for this menu and time (once); False if already on it.
    ``item`` (the sealed wait item) is queued for the devices in the same transaction."""
    with store.write_transaction() as conn:
        if conn.execute(select(booking_waiters.c.wait_id).where(
                booking_waiters.c.shop_id == shop_id,
                booking_waiters.c.friend_hash == friend_hash,
                booking_waiters.c.menu_id == menu.id,
                booking_waiters.c.staff_id == (staff_id or "-"),
                booking_waiters.c.start == fmt(start),
                booking_waiters.c.state == WAITING)).first() is not None:
            return False
        conn.execute(insert(booking_waiters).values(
            wait_id=wait_id, shop_id=shop_id, friend_hash=friend_hash, token=token,
            menu_id=menu.id, staff_id=staff_id or "-", start=fmt(start), state=WAITING,
            hold_id=None, created_at=now_ms))
        if item is not None and store.queue_items_in(conn, [item], now_ms, shop_id) is None:
            raise NoDevice
    return True


REMOVED = "removed"


def unwait(store: Store, shop_id: str, wait_ids: list[str]) -> int:
    """Take waiters off their lists (the owner's decision in the book)."""
    with store.write_transaction() as conn:
        return int(conn.execute(update(booking_waiters).where(
            booking_waiters.c.shop_id == shop_id, booking_waiters.c.wait_id.in_(wait_ids),
            booking_waiters.c.state == WAITING).values(state=REMOVED)).rowcount)


def waiting(store: Store, shop_id: str, friend_hash: bytes) -> list[Waiter]:
    with store.read_transaction() as conn:
        rows = conn.execute(select(booking_waiters).where(
            booking_waiters.c.shop_id == shop_id,
            booking_waiters.c.friend_hash == friend_hash,
            booking_waiters.c.state == WAITING).order_by(booking_waiters.c.start))
        return [Waiter(str(r.wait_id), str(r.menu_id),
                       None if r.staff_id == "-" else str(r.staff_id),
                       dt.datetime.fromisoformat(r.start), str(r.state), r.hold_id)
                for r in rows]


def promote_in(store: Store, conn: Any, shop_id: str, now: dt.datetime, now_ms: int) -> int:
    """Give freed capacity to the waiters, first come first served, inside the caller's
    write transaction: each waiter whose whole window is free now gets the booking (hold,
    entry, sealed item with the waiter's token). Returns how many were booked."""
    row = conn.execute(select(booking_config.c.config).where(
        booking_config.c.shop_id == shop_id)).first()
    if row is None:
        return 0
    config = parse_config(json.loads(row[0]))
    booked = 0
    earliest = fmt(now + dt.timedelta(minutes=config.min_notice_minutes))
    for w in conn.execute(select(booking_waiters).where(
            booking_waiters.c.shop_id == shop_id, booking_waiters.c.state == WAITING,
            booking_waiters.c.start >= earliest)
            .order_by(booking_waiters.c.created_at)).all():
        menu = config.menu(str(w.menu_id))
        if menu is None:
            continue
        start = dt.datetime.fromisoformat(w.start)
        for staff_id in candidates(config, menu, None if w.staff_id == "-" else w.staff_id):
            keys = sorted(set(window_keys(config, menu, staff_id, start)))
            # Lock the rows first (PostgreSQL; SQLite holds the write lock already) so the
            # UPDATE below takes all of them or is not made at all.
            free_rows = conn.execute(select(booking_slots.c.slot_key).where(
                booking_slots.c.shop_id == shop_id, booking_slots.c.slot_key.in_(keys),
                booking_slots.c.taken + 1 <= booking_slots.c.capacity)
                .with_for_update()).all()
            if len(free_rows) != len(keys):
                continue
            conn.execute(update(booking_slots).where(
                booking_slots.c.shop_id == shop_id, booking_slots.c.slot_key.in_(keys))
                .values(taken=booking_slots.c.taken + 1))
            hold_id = secrets.token_hex(16)
            conn.execute(insert(booking_holds).values(
                hold_id=hold_id, shop_id=shop_id, slot_key=",".join(keys), count=1,
                request_key=str(w.wait_id), state=HELD, acked=0, created_at=now_ms))
            end = start + dt.timedelta(minutes=menu.duration)
            conn.execute(insert(booking_entries).values(
                hold_id=hold_id, shop_id=shop_id, friend_hash=w.friend_hash,
                menu_id=menu.id, staff_id=staff_id or "-", start=fmt(start), end=fmt(end),
                state=HELD, created_at=now_ms))
            conn.execute(update(booking_waiters).where(
                booking_waiters.c.wait_id == w.wait_id).values(state=BOOKED, hold_id=hold_id))
            item = booking_item(hold_id=hold_id, menu_id=menu.id, staff_id=staff_id,
                                start=start, token=str(w.token), answers={},
                                taken_at_ms=now_ms, wait_id=str(w.wait_id))
            if store.queue_items_in(conn, [item], now_ms, shop_id) is None:
                raise NoDevice
            booked += 1
            break
    return booked


def promote(store: Store, shop_id: str, now: dt.datetime, now_ms: int) -> int:
    with store.write_transaction() as conn:
        return promote_in(store, conn, shop_id, now, now_ms)
