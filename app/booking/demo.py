"""The demo's salon bookings: 3 staff, 5 menus and a week of simulated bookings (this
week, Monday to Sunday) on the demo's friends and a few walk-ins.

Nobody is added to the book and no customer's fields or tags change: the days already
past are marked 来店 / 無断キャンセル directly (the demo's 来店回数 already count those
visits), so the demo's segments — 常連・VIP by tags, the 来店回数 thresholds — keep their
members. The messages (confirmation, reminders, thank-you) are set up too, so the
window's timer shows them going out to the emulator.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING, Any

from sqlalchemy import update

from app.booking.errors import SlotTakenError
from app.booking.service import BookingService, Status, shop_now
from app.store.models_booking import Booking

if TYPE_CHECKING:
    from app.book import Book

DEMO_SETUP: dict[str, Any] = {
    "hours": {"daily": [["10:00", "19:00"]]},
    "holidays": {"japan": False},
    "slot_step": 15,
    "book_ahead_days": 30,
    "min_notice_minutes": 60,
    "cancel_deadline_hours": 24,
    "max_open_per_friend": 2,
    "approval": False,
    "staff": [
        {"id": "sato", "name": "佐藤", "shifts": {"daily": [["10:00", "19:00"]], "wed": []}},
        {"id": "suzuki", "name": "鈴木", "shifts": {"daily": [["11:00", "19:00"]],
                                                   "thu": []}},
        {"id": "takahashi", "name": "高橋", "shifts": {"daily": [["10:00", "17:00"]],
                                                      "sun": []}},
    ],
    "menus": [
        {"id": "cut", "name": "カット", "duration": 60, "price": 4400, "buffer_after": 10},
        {"id": "color", "name": "カラー", "duration": 90, "price": 7700, "buffer_after": 15,
         "staff": ["sato", "suzuki"]},
        {"id": "perm", "name": "パーマ", "duration": 120, "price": 9900, "buffer_after": 15,
         "staff": ["sato"]},
        {"id": "spa", "name": "ヘッドスパ", "duration": 30, "price": 3300},
        {"id": "treatment", "name": "トリートメント", "duration": 45, "price": 3850},
    ],
    "messages": {
        "confirmation": "{名前}様、{日時}に{メニュー}（担当 {担当}）のご予約を承りました。",
        "reminders": [{"days_before": 1, "at": "18:00",
                       "text": "{名前}様、明日{日時}のご来店をお待ちしております。"}],
        "thank_you": {"hours_after": 2,
                      "text": "{名前}様、本日はご来店ありがとうございました！"},
        "change": "{名前}様、ご予約を{日時}に変更いたしました。",
        "cancellation": "{名前}様、{日時}のご予約を取り消しました。",
    },
}
#: How the menus are chosen (カット most often).
MENU_WEIGHTS = (("cut", 5), ("color", 3), ("perm", 1), ("spa", 2), ("treatment", 2))
WALK_IN_SHARE = 0.15


def add_demo_bookings(book: Book, line_user_ids: list[str], *,
                      rng: random.Random | None = None, today: dt.date | None = None
                      ) -> int:
    """The salon's setup and this week's bookings; how many were made."""
    rng = rng or random.Random()  # noqa: S311 - simulated bookings, not a secret
    now = shop_now() if today is None else dt.datetime.combine(today, dt.time(12, 0))
    service = BookingService(book)
    service.save_setup(DEMO_SETUP)
    customers = [cid for uid in line_user_ids
                 if (cid := book.customers.by_line_user_id(uid)) is not None]
    monday = now.date() - dt.timedelta(days=now.date().weekday())
    menus = [m for m, _w in MENU_WEIGHTS]
    weights = [w for _m, w in MENU_WEIGHTS]
    past: list[str] = []
    future: list[str] = []
    for n in range(7):
        day = monday + dt.timedelta(days=n)
        for staff in DEMO_SETUP["staff"]:
            t = dt.datetime.combine(day, dt.time(10, 0))
            while t.hour < 18:
                t += dt.timedelta(minutes=15 * rng.choice((0, 0, 1, 2, 4)))
                menu = rng.choices(menus, weights)[0]
                who = None if not customers or rng.random() < WALK_IN_SHARE \
                    else rng.choice(customers)
                try:
                    b = service.make(menu_id=menu, start=t, staff_id=staff["id"],
                                     customer_id=who, notify=False)
                except SlotTakenError:  # not their shift, or the menu is not theirs
                    t += dt.timedelta(minutes=30)
                    continue
                (past if b.end <= now else future).append(b.id)
                t = b.end + dt.timedelta(minutes=15)
    _settle(book, past, future, rng)
    return len(past) + len(future)


def _settle(book: Book, past: list[str], future: list[str], rng: random.Random) -> None:
    """The week's history: past bookings came (mostly), a few did not or were cancelled;
    two future ones wait for approval. Written directly: no visit is counted twice."""
    outcome: dict[str, list[str]] = {s.value: [] for s in Status}
    for bid in past:
        roll = rng.random()
        status = Status.VISITED if roll < 0.85 else (
            Status.NO_SHOW if roll < 0.93 else Status.CANCELLED)
        outcome[status.value].append(bid)
    for bid in future:
        if rng.random() < 0.06:
            outcome[Status.CANCELLED.value].append(bid)
    outcome[Status.PENDING.value] = [b for b in future[-9::4]
                                     if b not in outcome[Status.CANCELLED.value]][:2]
    with book.db.write() as s:
        for value, ids in outcome.items():
            if ids and value != Status.BOOKED.value:
                s.execute(update(Booking).where(Booking.id.in_(ids)).values(
                    status=value, source="relay" if value == Status.PENDING.value
                    else Booking.source))
    book.announce("bookings")
