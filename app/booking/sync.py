"""Bookings made on the relay's pages, applied into the book on sync (a FrontKind).

An item (``otokui-booking/1``, relay.booking.front) is a booking or a friend's
cancellation. The book trusts no relay: the friend is read from the link token with the
book's own secret (AES-SIV: a relay cannot make one naming a friend), and the booking goes
through :class:`~app.booking.service.BookingService` with its capacity check, by the
hold's id (applied once, however often the item is pulled). Applied holds are listed for
the next ``booking publish`` to acknowledge.

When the book refuses a booking the relay took — the owner booked the same time in the
desktop meanwhile, or deleted the menu — nothing is resolved silently: the booking is kept
as a **conflict** (setting ``booking.conflicts``: hold, menu, staff, time, customer,
reason), shown by ``booking conflicts``, and its hold stays taken on the relay until the
owner decides (``booking resolve HOLD --book`` books it anyway, ``--drop`` lets it go).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from app.booking.errors import BookingNotSetUpError, BookingRefusedError, SlotTakenError
from app.booking.service import (
    APPLIED_HOLDS_KEY,
    BOOKING_LINK_ID,
    DROPPED_KEY,
    HOLDING,
    BookingService,
    json_list,
    link_secret,
)
from app.store.models import BookSetting, Customer
from app.store.models_booking import Booking
from app.sync.front_items import FrontItemError, FrontKind
from relay.booking.front import MAGIC
from relay.forms import links

if TYPE_CHECKING:
    from app.book import Book

CONFLICTS_KEY = "booking.conflicts"
#: Friends waiting for a taken time (キャンセル待ち), from the relay's sealed wait items:
#: ``{"wait_id", "customer_id", "menu_id", "staff_id", "start", "state", "booking_id"}``;
#: state ``waiting``, ``booked`` (a freed time went to them) or ``removed`` (by the owner).
WAITERS_KEY = "booking.waiters"


def _setting(book: Book, key: str) -> list[Any]:
    with book.db.read() as s:
        row = s.get(BookSetting, key)
        return json_list(row.value if row is not None else None)


def conflicts(book: Book) -> list[dict[str, Any]]:
    """Bookings the relay took that the book could not (for the owner to decide)."""
    return _setting(book, CONFLICTS_KEY)


def _add(book: Book, key: str, value: Any, same: str | None = None) -> None:
    with book.db.write() as s:
        row = s.get(BookSetting, key)
        items = json_list(row.value if row is not None else None)
        if same is not None and any(isinstance(x, dict) and x.get(same) == value[same]
                                    for x in items):
            return
        if same is None and value in items:
            return
        items.append(value)
        if row is None:
            s.add(BookSetting(key=key, value=items))
        else:
            row.value = items
    book.announce("bookings")


def _remove_conflict(book: Book, hold_id: str) -> dict[str, Any] | None:
    with book.db.write() as s:
        row = s.get(BookSetting, CONFLICTS_KEY)
        if row is None:
            return None
        items = [x for x in json_list(row.value) if isinstance(x, dict)]
        found: dict[str, Any] | None = next(
            (x for x in items if x.get("hold_id") == hold_id), None)
        row.value = [x for x in items if x.get("hold_id") != hold_id]
    book.announce("bookings")
    return found


def _friend(book: Book, body: dict[str, Any], taken_at: int) -> int:
    """The customer an item names (created when the friend is not in the book yet): by
    the link token, read with the book's own secret; by the LINE user id LINE Login
    verified for the relay (LIFF); or, for a freed time given to a waiter, by the waiter
    the earlier wait item named."""
    token, user_id = body["token"], body.get("line_user_id")
    if token:
        try:
            user_id, claims = links.friend_of(token, BOOKING_LINK_ID, link_secret(book))
        except links.LinkError as exc:
            raise FrontItemError(f"booking link {exc.code}") from None
        if taken_at > claims.expires_at * 1000:
            raise FrontItemError("booking link expired")
    elif user_id is None and isinstance(body.get("wait_id"), str):
        waiter = next((w for w in _setting(book, WAITERS_KEY)
                       if isinstance(w, dict) and w.get("wait_id") == body["wait_id"]), None)
        if waiter is None:
            raise FrontItemError("unknown waiter")
        return int(waiter["customer_id"])
    if not (isinstance(user_id, str) and len(user_id) == 33 and user_id.startswith("U")
            and all(c in "0123456789abcdef" for c in user_id[1:])):
        raise FrontItemError("no friend")
    from app.audit import AuditService
    from app.customers import CustomerService

    with book.db.write() as s:
        cid = s.scalar(select(Customer.id).where(Customer.line_user_id == user_id))
        if cid is None:
            customer = CustomerService.create_in(s, {"line_user_id": user_id})
            AuditService.timeline_add(s, customer.id, "created")
            cid = customer.id
    return int(cid)


def _parse(plaintext: bytes) -> dict[str, Any]:
    try:
        body = json.loads(plaintext[len(MAGIC):].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise FrontItemError("not JSON") from None
    if not isinstance(body, dict) or body.get("type") not in ("booking", "cancel", "wait") \
            or not isinstance(body.get("hold_id"), str) or len(body["hold_id"]) != 32 \
            or not isinstance(body.get("token"), str):
        raise FrontItemError("fields")
    return body


def apply_item(book: Book, plaintext: bytes) -> str:
    body = _parse(plaintext)
    hold_id = body["hold_id"]
    if body["type"] == "cancel":
        return _cancel(book, body)
    if body["type"] == "wait":
        return _wait(book, body)
    try:
        start = dt.datetime.strptime(str(body.get("start")), "%Y-%m-%dT%H:%M")
        taken_at = int(body.get("taken_at", 0))
    except (TypeError, ValueError):
        raise FrontItemError("start") from None
    menu_id, staff_id = body.get("menu_id"), body.get("staff_id")
    answers = body.get("answers") or {}
    if not isinstance(menu_id, str) or not (staff_id is None or isinstance(staff_id, str)) \
            or not isinstance(answers, dict):
        raise FrontItemError("fields")
    customer_id = _friend(book, body, taken_at)
    service = BookingService(book)
    try:
        info = service.make(menu_id=menu_id, start=start, staff_id=staff_id,
                            customer_id=customer_id, answers=answers, source="relay",
                            booking_id=hold_id, instant=body.get("instant") is True)
    except BookingNotSetUpError:
        raise FrontItemError("reservations are not set up in this book") from None
    except (SlotTakenError, BookingRefusedError) as exc:
        reason = "taken" if isinstance(exc, SlotTakenError) else "refused"
        _add(book, CONFLICTS_KEY, {"hold_id": hold_id, "menu_id": menu_id,
                                   "staff_id": staff_id, "start": body["start"],
                                   "customer_id": customer_id, "answers": answers,
                                   "reason": reason}, same="hold_id")
        return "conflict"
    _add(book, APPLIED_HOLDS_KEY, hold_id)
    if isinstance(body.get("wait_id"), str):
        _waiter_state(book, body["wait_id"], "booked", booking_id=hold_id)
    return "booked" if info.created else "already"


def _wait(book: Book, body: dict[str, Any]) -> str:
    customer_id = _friend(book, body, int(body.get("at", 0) or 0))
    try:
        dt.datetime.strptime(str(body.get("start")), "%Y-%m-%dT%H:%M")
    except ValueError:
        raise FrontItemError("start") from None
    staff_id = body.get("staff_id")
    if not isinstance(body.get("menu_id"), str) or not (staff_id is None
                                                        or isinstance(staff_id, str)):
        raise FrontItemError("fields")
    _add(book, WAITERS_KEY, {"wait_id": body["hold_id"], "customer_id": customer_id,
                             "menu_id": body["menu_id"], "staff_id": staff_id,
                             "start": body["start"], "state": "waiting", "booking_id": None,
                             "at": int(body.get("at", 0) or 0)}, same="wait_id")
    return "waiting"


def waiters(book: Book) -> list[dict[str, Any]]:
    """Everyone on a waitlist, oldest first (the 予約 window's キャンセル待ち tab)."""
    return sorted((w for w in _setting(book, WAITERS_KEY) if isinstance(w, dict)),
                  key=lambda w: (str(w.get("start")), int(w.get("at") or 0)))


def _waiter_state(book: Book, wait_id: str, state: str, *,
                  booking_id: str | None = None) -> bool:
    with book.db.write() as s:
        row = s.get(BookSetting, WAITERS_KEY)
        items = [dict(x) for x in json_list(row.value if row is not None else None)
                 if isinstance(x, dict)]
        found = False
        for w in items:
            if w.get("wait_id") == wait_id and w.get("state") == "waiting":
                w["state"] = state
                w["booking_id"] = booking_id
                found = True
        if row is not None and found:
            row.value = items
    if found:
        book.announce("bookings")
    return found


def remove_waiter(book: Book, wait_id: str) -> bool:
    """The owner takes a friend off a waitlist: gone from the window now, and from the
    relay with the next ``booking publish`` (``unwait``), so no freed time goes to them.
    False when they are not waiting (already booked or removed)."""
    return _waiter_state(book, wait_id, "removed")


def _cancel(book: Book, body: dict[str, Any]) -> str:
    hold_id = body["hold_id"]
    customer_id = _friend(book, body, int(body.get("at", 0) or 0))
    with book.db.read() as s:
        row = s.get(Booking, hold_id)
        status = None if row is None else row.status
        owner = None if row is None else row.customer_id
    if row is None:
        return "cancelled_conflict" if _remove_conflict(book, hold_id) else "unknown"
    if owner != customer_id:
        raise FrontItemError("not this friend's booking")
    if status not in HOLDING:
        return "already"
    # The relay checked the deadline when the friend cancelled; the book does not again
    # (the item may come down long after).
    BookingService(book).cancel(hold_id)
    return "cancelled"


def resolve(book: Book, hold_id: str, *, book_it: bool) -> str:
    """The owner's decision on a conflict: book it anyway (capacity not checked: the
    owner chose to double-book) or drop it (the next publish lets the hold go)."""
    found = next((c for c in conflicts(book) if c.get("hold_id") == hold_id), None)
    if found is None:
        raise BookingRefusedError("no such conflict")
    if book_it:
        from app.store.models import utcnow

        setup = BookingService(book).setup()
        menu = setup.menu(found["menu_id"])
        start = dt.datetime.strptime(found["start"], "%Y-%m-%dT%H:%M")
        duration = menu.duration if menu else 60
        with book.db.write() as s:
            if s.get(Booking, hold_id) is None:
                end = start + dt.timedelta(minutes=duration)
                s.add(Booking(id=hold_id, customer_id=found["customer_id"],
                              menu_id=found["menu_id"], staff_id=found["staff_id"],
                              class_id=None, start=start, end=end, busy_start=start,
                              busy_end=end, status="booked", source="relay",
                              price=menu.price if menu else 0,
                              answers=found.get("answers") or {},
                              note="重複を承知で確定", revision=0, created_at=utcnow(),
                              updated_at=utcnow()))
        _add(book, APPLIED_HOLDS_KEY, hold_id)
    else:
        _add(book, DROPPED_KEY, hold_id)
    _remove_conflict(book, hold_id)
    return "booked" if book_it else "dropped"


BOOKING_ITEMS = FrontKind("booking", (MAGIC,), apply_item)
