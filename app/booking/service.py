"""Bookings in the book: make, change, cancel, approve, visited, no-show; availability.

Every write checks capacity inside the book's write transaction (the desktop's writes take
turns), so two bookings made here never share the last seat; bookings taken by the relay
are checked there against the published capacity and applied here idempotently by id.
Each change emits its domain event (booking.made/changed/cancelled/visited/no_show) in the
same transaction. "来店" adds one to the customer's visit count (custom field 来店回数) and
records the date (最終来店日).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import domain_events as ev
from app.booking import messages
from app.booking.availability import Busy, Slot, compute, window
from app.booking.errors import (
    BookingNotSetUpError,
    BookingRefusedError,
    SlotTakenError,
)
from app.booking.setup import Menu, Setup, parse_setup
from app.store.models import BookSetting, CustomField, FieldValue, utcnow
from app.store.models_booking import Booking

if TYPE_CHECKING:
    from app.book import Book

SETUP_KEY = "booking.setup"
VISITS_FIELD = "来店回数"
LAST_VISIT_FIELD = "最終来店日"


class Status(StrEnum):
    BOOKED = "booked"
    PENDING = "pending"
    VISITED = "visited"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


#: The statuses as the owner and the friend read them (the product's words).
LABELS: dict[Status, str] = {
    Status.BOOKED: "予約済み", Status.PENDING: "承認待ち", Status.VISITED: "来店",
    Status.NO_SHOW: "無断キャンセル", Status.CANCELLED: "キャンセル",
}
#: Statuses that hold time (count against capacity and the per-friend limit).
HOLDING = (Status.BOOKED.value, Status.PENDING.value)


@dataclass(frozen=True)
class BookingInfo:
    id: str
    customer_id: int | None
    menu_id: str
    staff_id: str | None
    class_id: str | None
    start: dt.datetime
    end: dt.datetime
    status: Status
    source: str
    price: int
    answers: dict[str, Any]
    note: str
    created: bool = True  # False: it existed already (an idempotent re-apply)

    @property
    def status_label(self) -> str:
        return LABELS[self.status]


def _info(row: Booking, created: bool = True) -> BookingInfo:
    return BookingInfo(row.id, row.customer_id, row.menu_id, row.staff_id, row.class_id,
                       row.start, row.end, Status(row.status), row.source, row.price,
                       dict(row.answers or {}), row.note, created)


def shop_now() -> dt.datetime:
    """Now in the shop's wall-clock time (Japan, UTC+9, no daylight saving)."""
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=9)).replace(tzinfo=None)


class BookingService:
    def __init__(self, book: Book) -> None:
        self._book = book

    # --- setup ------------------------------------------------------------------------
    def save_setup(self, data: Any) -> Setup:
        """Check and keep the setup (raises BookingSetupError, having saved nothing)."""
        setup = parse_setup(data)
        with self._book.db.write() as s:
            row = s.get(BookSetting, SETUP_KEY)
            if row is None:
                s.add(BookSetting(key=SETUP_KEY, value=dict(setup.raw)))
            else:
                row.value = dict(setup.raw)
        self._book.announce("bookings")
        return setup

    def setup(self) -> Setup:
        with self._book.db.read() as s:
            row = s.get(BookSetting, SETUP_KEY)
            raw = row.value if row is not None else None
        if raw is None:
            raise BookingNotSetUpError()
        return parse_setup(raw)

    # --- availability -----------------------------------------------------------------
    def availability(self, start: dt.date, days: int, *, now: dt.datetime | None = None,
                     shown_only: bool = False) -> list[Slot]:
        setup = self.setup()
        with self._book.db.read() as s:
            busy = _busy(s, start - dt.timedelta(days=1), start + dt.timedelta(days=days + 1))
        return compute(setup, busy, start, days, now=now, shown_only=shown_only)

    # --- writes -----------------------------------------------------------------------
    def make(self, *, menu_id: str, start: dt.datetime, staff_id: str | None = None,
             customer_id: int | None = None, answers: dict[str, Any] | None = None,
             source: str = "desktop", note: str = "", booking_id: str | None = None,
             now: dt.datetime | None = None, notify: bool | None = None,
             instant: bool = False) -> BookingInfo:
        """Book ``menu_id`` at ``start`` (``staff_id`` None: no preference).

        ``now`` applies the friend's rules (notice, horizon, open-booking limit); the owner
        books without them. ``booking_id`` makes it idempotent (the relay's id).
        ``notify``: queue the confirmation message (default: for a friend's booking, not
        the owner's); a booking waiting for approval gets it when approved. ``instant``:
        the relay's autopilot sent it (app/autopilot/pages.py settles it).
        """
        setup = self.setup()
        menu = setup.menu(menu_id)
        klass = setup.klass(menu_id)
        if menu is None and klass is None:
            raise BookingRefusedError(f"no menu {menu_id}")
        with self._book.db.write() as s:
            if booking_id is not None:
                existing = s.get(Booking, booking_id)
                if existing is not None:
                    return _info(existing, created=False)
            if now is not None and customer_id is not None:
                open_count = s.scalar(select(func.count()).select_from(Booking).where(
                    Booking.customer_id == customer_id, Booking.status.in_(HOLDING),
                    Booking.start >= now)) or 0
                if open_count >= setup.max_open_per_friend:
                    raise BookingRefusedError("too many open bookings")
            chosen = _free_slot(s, setup, menu_id, start, staff_id, now)
            if menu is not None:
                busy_start, busy_end = window(menu, start)
                end = start + dt.timedelta(minutes=menu.duration)
                price = menu.price
            else:
                assert klass is not None
                end = start + dt.timedelta(minutes=klass.duration)
                busy_start, busy_end, price = start, end, klass.price
            row = Booking(
                id=booking_id or uuid.uuid4().hex, customer_id=customer_id, menu_id=menu_id,
                staff_id=chosen.staff_id, class_id=None if menu else menu_id, start=start,
                end=end, busy_start=busy_start, busy_end=busy_end,
                status=(Status.PENDING if setup.approval and source != "desktop"
                        else Status.BOOKED).value,
                source=source, price=price, answers=answers or {}, note=note, revision=0,
                created_at=utcnow(), updated_at=utcnow())
            s.add(row)
            s.flush()
            ev.emit(s, ev.BOOKING_MADE, key=f"booking:made:{row.id}", customer_id=customer_id,
                    data={"booking_id": row.id})
            if instant and customer_id is not None:
                from app.autopilot.pages import expect_in

                expect_in(s, f"booking:{row.id}", customer_id, messages.render_in(
                    s, setup, row, setup.messages.confirmation) or "", f"予約確認 {row.id}")
            elif (source != "desktop" if notify is None else notify) and \
                    row.status == Status.BOOKED:
                messages.queue_in(s, setup, row, messages.CONFIRMATION, now or shop_now())
            info = _info(row)
        self._announce(info)
        return info

    def change(self, booking_id: str, *, start: dt.datetime | None = None,
               staff_id: str | None = None, end: dt.datetime | None = None,
               notify: bool = False) -> BookingInfo:
        """Move a booking (another time and/or staff member), capacity checked; ``end``
        resizes it (the calendar's drag): the longer time must not overlap another
        booking of the same staff member (buffers included)."""
        setup = self.setup()
        with self._book.db.write() as s:
            row = self._get(s, booking_id)
            if row.status not in HOLDING:
                raise BookingRefusedError(f"status {row.status}")
            menu = setup.menu(row.menu_id)
            new_start = start or row.start
            new_staff = staff_id if staff_id is not None else row.staff_id
            # Free its own time first, so moving by a few minutes is not blocked by itself.
            old_status = row.status
            row.status = Status.CANCELLED.value
            s.flush()
            chosen = _free_slot(s, setup, row.menu_id, new_start, new_staff, None)
            row.status = old_status
            row.staff_id = chosen.staff_id
            duration = (end - new_start) if end is not None else row.end - row.start
            if duration <= dt.timedelta(0):
                raise BookingRefusedError("ends before it starts")
            row.start, row.end = new_start, new_start + duration
            if menu is not None:
                busy_start, _ = window(menu, new_start)
                busy_end = row.end + dt.timedelta(minutes=menu.buffer_after)
            else:
                busy_start, busy_end = row.start, row.end
            if menu is not None and busy_end > window(menu, new_start)[1]:
                _check_longer(s, row, busy_start, busy_end, setup.seats)
            row.busy_start, row.busy_end = busy_start, busy_end
            row.revision += 1
            row.updated_at = utcnow()
            ev.emit(s, ev.BOOKING_CHANGED, key=f"booking:changed:{row.id}:{row.revision}",
                    customer_id=row.customer_id, data={"booking_id": row.id})
            if notify:  # the change notice, with the new time (``notify``: owner's choice)
                messages.queue_in(s, setup, row, messages.CHANGE, shop_now())
            info = _info(row)
        self._announce(info)
        return info

    def cancel(self, booking_id: str, *, now: dt.datetime | None = None,
               notify: bool | None = None) -> BookingInfo:
        """Cancel; with ``now`` (a friend cancelling) only before the deadline.
        ``notify``: queue the cancellation notice (default: when the friend cancels)."""
        setup = self.setup()
        with self._book.db.write() as s:
            row = self._get(s, booking_id)
            if row.status not in HOLDING:
                raise BookingRefusedError(f"status {row.status}")
            if now is not None and now > row.start - dt.timedelta(
                    hours=setup.cancel_deadline_hours):
                raise BookingRefusedError("after the cancellation deadline")
            row.status = Status.CANCELLED.value
            row.revision += 1
            row.updated_at = utcnow()
            ev.emit(s, ev.BOOKING_CANCELLED, key=f"booking:cancelled:{row.id}",
                    customer_id=row.customer_id, data={"booking_id": row.id})
            if now is not None if notify is None else notify:
                messages.queue_in(s, setup, row, messages.CANCELLATION, now or shop_now())
            info = _info(row)
        self._announce(info)
        return info

    def approve(self, booking_id: str) -> BookingInfo:
        """承認: a pending booking becomes 予約済み (booking.changed)."""
        setup = self.setup()
        return self._transition(
            booking_id, Status.PENDING, Status.BOOKED, ev.BOOKING_CHANGED, "changed",
            also=lambda s, row: messages.queue_in(s, setup, row, messages.CONFIRMATION,
                                                  shop_now()))

    def mark_visited(self, booking_id: str) -> BookingInfo:
        """来店: the visit count +1 and the date on the customer, in the same transaction."""
        return self._transition(booking_id, Status.BOOKED, Status.VISITED,
                                ev.BOOKING_VISITED, "visited", also=self._count_visit)

    def mark_no_show(self, booking_id: str) -> BookingInfo:
        return self._transition(booking_id, Status.BOOKED, Status.NO_SHOW,
                                ev.BOOKING_NO_SHOW, "no_show")

    def _transition(self, booking_id: str, before: Status, after: Status, kind: str,
                    key: str, also: Callable[[Session, Booking], object] | None = None
                    ) -> BookingInfo:
        """One status change: checked, counted (revision), its event in the same
        transaction; ``also`` runs inside it too (the visit count)."""
        with self._book.db.write() as s:
            row = self._get(s, booking_id)
            if row.status != before:
                raise BookingRefusedError(f"status {row.status}")
            row.status = after.value
            row.revision += 1
            row.updated_at = utcnow()
            if also is not None:
                also(s, row)
            # approve → changed keys by revision (a booking may be changed many times);
            # visited/no_show happen once, keyed by the booking alone.
            suffix = f":{row.revision}" if key == "changed" else ""
            ev.emit(s, kind, key=f"booking:{key}:{row.id}{suffix}",
                    customer_id=row.customer_id, data={"booking_id": row.id})
            info = _info(row)
        self._announce(info)
        return info

    def _count_visit(self, s: Session, row: Booking) -> None:
        if row.customer_id is None:
            return
        fields = self._book.fields
        visits = _field(s, VISITS_FIELD, "number")
        current = s.get(FieldValue, (row.customer_id, visits.id))
        count = int(current.num_value or 0) if current is not None else 0
        fields.set_value_in(s, row.customer_id, visits.id, count + 1, field=visits,
                            reason="booking")
        last = _field(s, LAST_VISIT_FIELD, "date")
        fields.set_value_in(s, row.customer_id, last.id, row.start.date(), field=last,
                            reason="booking")

    # --- reads ------------------------------------------------------------------------
    def ids(self, start: dt.date, end: dt.date, *, status: Status | None = None,
            staff_id: str | None = None, menu_id: str | None = None,
            customer_id: int | None = None) -> list[str]:
        """Ids only, in time order (the list's model holds these; rows come lazily)."""
        q = select(Booking.id).where(
            Booking.start >= dt.datetime.combine(start, dt.time()),
            Booking.start < dt.datetime.combine(end + dt.timedelta(days=1), dt.time()))
        if status is not None:
            q = q.where(Booking.status == status.value)
        if staff_id is not None:
            q = q.where(Booking.staff_id == staff_id)
        if menu_id is not None:
            q = q.where(Booking.menu_id == menu_id)
        if customer_id is not None:
            q = q.where(Booking.customer_id == customer_id)
        with self._book.db.read() as s:
            return list(s.scalars(q.order_by(Booking.start, Booking.id)))

    def shown(self, start: dt.date, end: dt.date) -> list[BookingInfo]:
        """What the calendar paints from ``start`` to ``end`` (both included): bookings
        not cancelled, without answers and notes — plain columns, no ORM objects, since
        a busy week is hundreds of them and the view is redrawn on every change."""
        cols = (Booking.id, Booking.customer_id, Booking.menu_id, Booking.staff_id,
                Booking.class_id, Booking.start, Booking.end, Booking.status,
                Booking.source, Booking.price)
        q = select(*cols).where(
            Booking.start >= dt.datetime.combine(start, dt.time()),
            Booking.start < dt.datetime.combine(end + dt.timedelta(days=1), dt.time()),
            Booking.status != Status.CANCELLED.value).order_by(Booking.start, Booking.id)
        with self._book.db.read() as s:
            return [BookingInfo(i, c, m, st, k, a, b, Status(x), src, pr, {}, "")
                    for i, c, m, st, k, a, b, x, src, pr in s.execute(q)]

    def pending_ids(self) -> list[str]:
        """The approval queue: every 承認待ち booking, oldest start first."""
        with self._book.db.read() as s:
            return list(s.scalars(select(Booking.id).where(
                Booking.status == Status.PENDING.value).order_by(Booking.start, Booking.id)))

    def booking_history(self, customer_id: int, limit: int) -> list[BookingInfo]:
        """The customer's latest bookings, newest first (the detail pane)."""
        with self._book.db.read() as s:
            return [_info(r) for r in s.scalars(select(Booking).where(
                Booking.customer_id == customer_id).order_by(
                Booking.start.desc(), Booking.id).limit(limit))]

    def infos(self, ids: list[str]) -> dict[str, BookingInfo]:
        """The bookings of ``ids`` (one page of a lazy model); missing ids are left out."""
        out: dict[str, BookingInfo] = {}
        with self._book.db.read() as s:
            for first in range(0, len(ids), 500):
                for row in s.scalars(select(Booking).where(
                        Booking.id.in_(ids[first:first + 500]))):
                    out[row.id] = _info(row)
        return out

    def names(self, customer_ids: set[int]) -> dict[int, str]:
        """Customers' names as the calendar shows them (name, else the LINE name)."""
        from app.store.models import Customer

        out: dict[int, str] = {}
        wanted = sorted(customer_ids)
        with self._book.db.read() as s:
            for first in range(0, len(wanted), 500):
                for cid, name, display in s.execute(select(
                        Customer.id, Customer.name, Customer.display_name).where(
                        Customer.id.in_(wanted[first:first + 500]))):
                    out[cid] = name or display or ""
        return out

    def get(self, booking_id: str) -> BookingInfo:
        with self._book.db.read() as s:
            return _info(self._get(s, booking_id))

    def list(self, start: dt.date, end: dt.date, *, status: Status | None = None,
             customer_id: int | None = None) -> list[BookingInfo]:
        """Bookings starting from ``start`` to ``end`` (both days included)."""
        q = select(Booking).where(
            Booking.start >= dt.datetime.combine(start, dt.time()),
            Booking.start < dt.datetime.combine(end + dt.timedelta(days=1), dt.time()))
        if status is not None:
            q = q.where(Booking.status == status.value)
        if customer_id is not None:
            q = q.where(Booking.customer_id == customer_id)
        with self._book.db.read() as s:
            return [_info(r) for r in s.scalars(q.order_by(Booking.start, Booking.id))]

    def export_csv(self, start: dt.date, end: dt.date, path: Path, *,
                   only: Collection[str] | None = None) -> int:
        """The bookings as CSV (UTF-8 with BOM, so Excel opens it in Japanese); ``only``:
        just these ids (the window's filtered list)."""
        setup = self.setup()
        names = {m.id: m.name for m in setup.menus} | {c.id: c.name for c in setup.classes}
        staff = {s.id: s.name for s in setup.staff}
        rows = self.list(start, end)
        if only is not None:
            keep = set(only)
            rows = [r for r in rows if r.id in keep]
        customers: dict[int, str] = {}
        with self._book.db.read() as s:
            from app.store.models import Customer

            ids = {r.customer_id for r in rows if r.customer_id is not None}
            for c in s.scalars(select(Customer).where(Customer.id.in_(ids))):
                customers[c.id] = c.name or c.display_name
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(["予約ID", "日時", "終了", "メニュー", "担当", "お客様", "状態", "料金",
                        "経路"])
            for r in rows:
                w.writerow([r.id, r.start.strftime("%Y-%m-%d %H:%M"),
                            r.end.strftime("%H:%M"), names.get(r.menu_id, r.menu_id),
                            staff.get(r.staff_id or "", ""),
                            customers.get(r.customer_id or 0, ""), r.status_label, r.price,
                            r.source])
        return len(rows)

    # --- helpers ----------------------------------------------------------------------
    @staticmethod
    def _get(s: Session, booking_id: str) -> Booking:
        row = s.get(Booking, booking_id)
        if row is None:
            raise BookingRefusedError("no such booking")
        return row

    def _announce(self, info: BookingInfo) -> None:
        self._book.announce("bookings")
        if info.customer_id is not None:
            self._book.announce("customers", [info.customer_id])


def _busy(s: Session, first: dt.date, last: dt.date) -> list[Busy]:
    rows = s.execute(select(Booking.staff_id, Booking.class_id, Booking.busy_start,
                            Booking.busy_end).where(
        Booking.status.in_(HOLDING),
        Booking.busy_end > dt.datetime.combine(first, dt.time()),
        Booking.busy_start < dt.datetime.combine(last, dt.time())))
    return [Busy(staff_id, class_id, a, b) for staff_id, class_id, a, b in rows]


def _check_longer(s: Session, row: Booking, busy_start: dt.datetime,
                  busy_end: dt.datetime, seats: int) -> None:
    """A booking made longer than its menu must not overlap another one's busy time (of
    the same staff member; without staff, no more than ``seats`` at once, counted
    roughly: any overlap counts for the whole window)."""
    q = select(func.count()).select_from(Booking).where(
        Booking.id != row.id, Booking.status.in_(HOLDING),
        Booking.busy_start < busy_end, Booking.busy_end > busy_start)
    q = q.where(Booking.staff_id == row.staff_id) if row.staff_id is not None \
        else q.where(Booking.staff_id.is_(None))
    if (s.scalar(q) or 0) >= (1 if row.staff_id is not None else seats):
        raise SlotTakenError(f"{row.menu_id} {row.start:%Y-%m-%d %H:%M}")


def _free_slot(s: Session, setup: Setup, menu_id: str, start: dt.datetime,
               staff_id: str | None, now: dt.datetime | None) -> Slot:
    """The free slot for this booking, inside the write transaction, or SlotTakenError."""
    if now is not None and start < now:
        raise SlotTakenError("in the past")
    day = start.date()
    busy = _busy(s, day - dt.timedelta(days=1), day + dt.timedelta(days=2))
    slots = [x for x in compute(setup, busy, day, 1, now=now, menus=[menu_id])
             if x.start == start and (staff_id is None or x.staff_id == staff_id)]
    if not slots:
        raise SlotTakenError(f"{menu_id} {start:%Y-%m-%d %H:%M}")
    return slots[0]


def _field(s: Session, name: str, ftype: str) -> CustomField:
    """The custom field ``name``, created (in this transaction) when missing."""
    fld = s.scalar(select(CustomField).where(CustomField.name == name))
    if fld is None:
        position = (s.scalar(select(func.max(CustomField.position))) or 0) + 1
        fld = CustomField(name=name, type=ftype, choices=[], required=False,
                          show_in_list=False, position=position, created_at=utcnow())
        s.add(fld)
        s.flush()
    return fld


def menu_of(setup: Setup, menu_id: str) -> Menu | None:
    return setup.menu(menu_id)


def slot_key(slot: Slot) -> str:
    """The relay's name for a class session: ``class|-|YYYY-MM-DDTHH:MM``."""
    return f"{slot.menu_id}|{slot.staff_id or '-'}|{slot.start:%Y-%m-%dT%H:%M}"


def step_key(staff_id: str | None, start: dt.datetime) -> str:
    """The relay's name for one step of one resource: ``*|staff|YYYY-MM-DDTHH:MM``
    (``-``: the shop's seats). ``*`` is no menu id, so it never meets a class's key."""
    return f"*|{staff_id or '-'}|{start:%Y-%m-%dT%H:%M}"


LINK_SECRET_KEY = "booking.link_secret"  # noqa: S105 - a setting's name
#: Holds the book has applied (sent as ``acked`` with the next publish).
APPLIED_HOLDS_KEY = "booking.applied_holds"
#: Conflicts the owner let go (app.booking.sync.resolve): sent as ``closed``.
DROPPED_KEY = "booking.dropped_holds"


def json_list(value: Any) -> list[Any]:
    """A setting's value that should be a list (anything else reads as empty)."""
    return list(value) if isinstance(value, list) else []


def link_secret(book: Book) -> bytes:
    """The book's secret for per-friend booking links (made on first use, never sent)."""
    import secrets

    from relay.forms import links

    with book.db.write() as s:
        row = s.get(BookSetting, LINK_SECRET_KEY)
        if row is None:
            row = BookSetting(key=LINK_SECRET_KEY,
                              value=secrets.token_bytes(links.LINK_SECRET_BYTES).hex())
            s.add(row)
        return bytes.fromhex(str(row.value))


def public_config(setup: Setup) -> dict[str, Any]:
    """What the pages need to show and compute a menu's window: the shop's own words and
    numbers, nothing about any customer (docs/reservations.md)."""
    staff = [{"id": x.id, "name": x.name} for x in setup.staff]
    menus: list[dict[str, Any]] = [
        {"kind": "menu", "id": m.id, "name": m.name, "duration": m.duration,
         "price": m.price, "buffer_before": m.buffer_before, "buffer_after": m.buffer_after,
         "staff": [x.id for x in setup.staff_for(m)], "questions": [dict(q) for q in m.questions]}
        for m in setup.menus if m.shown]
    menus += [{"kind": "class", "id": c.id, "name": c.name, "duration": c.duration,
               "price": c.price, "buffer_before": 0, "buffer_after": 0, "staff": [],
               "questions": [dict(q) for q in c.questions]}
              for c in setup.classes if c.shown]
    return {"step": setup.slot_step, "min_notice_minutes": setup.min_notice_minutes,
            "book_ahead_days": setup.book_ahead_days,
            "cancel_deadline_hours": setup.cancel_deadline_hours,
            "max_open_per_friend": setup.max_open_per_friend, "approval": setup.approval,
            "staff": staff, "menus": menus}


def publish_payload(book: Book, now: dt.datetime) -> dict[str, Any]:
    """Free capacity per resource and step (and per class session), the menus, the link
    key, and the holds applied since the last publish."""
    import base64

    from app.booking.availability import class_slots, resource_steps
    from relay.forms import links

    service = BookingService(book)
    setup = service.setup()
    days = setup.book_ahead_days + 2
    first = now.date()
    with book.db.read() as s:
        busy = _busy(s, first - dt.timedelta(days=1), first + dt.timedelta(days=days + 1))
        row = s.get(BookSetting, APPLIED_HOLDS_KEY)
        acked = json_list(row.value if row is not None else None)
        dropped = s.get(BookSetting, DROPPED_KEY)
        closed = json_list(dropped.value if dropped is not None else None)
        closed += list(s.scalars(select(Booking.id).where(
            Booking.source == "relay", Booking.status.not_in(HOLDING),
            Booking.start >= dt.datetime.combine(first, dt.time()))))
    slots = {step_key(staff, when): free
             for (staff, when), free in resource_steps(setup, busy, first, days).items()}
    slots.update({slot_key(x): x.free for x in class_slots(setup, busy, first, days, now=now)})
    mac_key, _ = links.keys_for(link_secret(book), BOOKING_LINK_ID)
    with book.db.read() as s:
        row = s.get(BookSetting, "booking.waiters")  # app.booking.sync.WAITERS_KEY
        unwait = [w["wait_id"] for w in json_list(row.value if row is not None else None)
                  if isinstance(w, dict) and w.get("state") == "removed"
                  and str(w.get("start", "")) >= first.isoformat()]
    return {"slots": slots, "config": public_config(setup),
            "link_key": base64.b64encode(mac_key).decode("ascii"), "acked": acked,
            "closed": closed, "unwait": unwait}


#: The "form id" booking links are made for (relay.forms.links needs 16 hex digits).
BOOKING_LINK_ID = "b00cb00cb00cb00c"


def publish(book: Book, *, now: dt.datetime | None = None) -> int:
    """Send the friend-visible free capacity (no personal data) to the relay; returns how
    many slots it keeps. Raises NotPairedError without a relay."""
    now = now or shop_now()
    payload = publish_payload(book, now)
    with book.line.relay_client() as relay:
        response = relay._request("PUT", "/v1/booking/availability", json=payload)
    if response.status_code != 200:
        from app.sync.errors import RelayProtocolError

        raise RelayProtocolError(f"HTTP {response.status_code}")
    sent = set(payload["acked"]) | set(payload["closed"])
    with book.db.write() as s:
        for key in (APPLIED_HOLDS_KEY, DROPPED_KEY):
            row = s.get(BookSetting, key)
            if row is not None:
                row.value = [h for h in json_list(row.value) if h not in sent]
    kept = relay._json(response).get("slots")
    from app.autopilot.pages import publish_if_on

    publish_if_on(book)  # with the autopilot on: the page's key, the confirmation's text
    return int(kept) if isinstance(kept, int) else 0


def booking_link(book: Book, line_user_id: str, *, days: int = 30,
                 now_s: float | None = None) -> str:
    """A friend's own booking page: ``{relay}/b/{token}`` (relay.forms.links' token, for
    :data:`BOOKING_LINK_ID`): who the friend is travels sealed, nothing personal in it."""
    import time

    from app.forms.errors import FormLinkUserError, FormNeedsRelayError
    from relay.forms import links

    user = (line_user_id or "").strip()
    if not (user.startswith("U") and len(user) == 33 and user.isascii()
            and user[1:].isalnum()):
        raise FormLinkUserError()
    base = book.line.relay_url
    if not base:
        raise FormNeedsRelayError()
    expires = int((time.time() if now_s is None else now_s) + days * 86400)
    token = links.make_token(link_secret(book), BOOKING_LINK_ID, user, expires)
    return f"{base.rstrip('/')}/b/{token}"


LIFF_ID_KEY = "booking.liff_id"
_LIFF_ID = re.compile(r"^[0-9]{6,20}-[A-Za-z0-9]{4,20}$")


def liff_link(book: Book, liff_id: str | None = None, *, mine: bool = False) -> str:
    """The shop's booking page through LIFF, the same URL for every friend:
    ``https://liff.line.me/{liff id}/b`` (``…/b/mine``: my bookings). LINE opens it as
    ``{relay}/l/b`` and the relay knows the friend by LINE Login's ID token. ``liff_id``
    given once is remembered (setting ``booking.liff_id``)."""
    from app.booking.errors import BookingLiffIdError

    with book.db.write() as s:
        row = s.get(BookSetting, LIFF_ID_KEY)
        if liff_id is not None:
            liff_id = liff_id.strip()
            if not _LIFF_ID.match(liff_id):
                raise BookingLiffIdError(liff_id)
            if row is None:
                s.add(BookSetting(key=LIFF_ID_KEY, value=liff_id))
            else:
                row.value = liff_id
        elif row is not None:
            liff_id = str(row.value)
    if not liff_id:
        raise BookingLiffIdError()
    return f"https://liff.line.me/{liff_id}/b" + ("/mine" if mine else "")
