"""The demo's salon: 3 staff, 5 menus, a week of bookings with every status, on existing
customers only, leaving their fields (来店回数) and tags — so the demo's segments — as
they were."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select

from app.book import Book
from app.booking.demo import add_demo_bookings
from app.booking.service import BookingService, Status
from app.search import CustomerQuery
from app.store.models import CustomerTag, FieldValue


def _values(book: Book) -> list[tuple[int, int, object, object]]:
    with book.db.read() as s:
        return sorted((v.customer_id, v.field_id, v.num_value, v.text_value)
                      for v in s.scalars(select(FieldValue)))


def _tagged(book: Book) -> list[tuple[int, int]]:
    with book.db.read() as s:
        return sorted((r.customer_id, r.tag_id) for r in s.scalars(select(CustomerTag)))


def test_a_week_of_salon_bookings_changes_no_customer(book: Book) -> None:
    visits = book.fields.create("来店回数", "number", show_in_list=True)
    uids = [f"U{n:032x}" for n in range(20)]
    ids = [book.customers.create(display_name=f"友だち{n}", line_user_id=u)
           for n, u in enumerate(uids)]
    for n, cid in enumerate(ids):
        book.fields.set_value(cid, visits, n)
    vip = book.tags.create("VIP")
    book.tags.add(ids[:5], [vip])
    before = (_values(book), book.customers.count(), _tagged(book))
    monday = dt.date(2026, 12, 7)
    made = add_demo_bookings(book, uids, rng=random.Random("t"),
                             today=monday + dt.timedelta(days=3))
    service = BookingService(book)
    setup = service.setup()
    assert (len(setup.staff), len(setup.menus)) == (3, 5)
    week = service.list(monday, monday + dt.timedelta(days=6))
    assert len(week) == made and made > 60
    assert {b.start.date() for b in week} == {monday + dt.timedelta(days=n) for n in range(7)}
    assert {b.staff_id for b in week} == {"sato", "suzuki", "takahashi"}
    assert {b.menu_id for b in week} == {"cut", "color", "perm", "spa", "treatment"}
    statuses = {b.status for b in week}
    assert statuses == set(Status)
    thursday_noon = dt.datetime.combine(monday + dt.timedelta(days=3), dt.time(12))
    assert all(b.status not in (Status.VISITED, Status.NO_SHOW) for b in week
               if b.end > thursday_noon)
    assert all(b.status not in (Status.BOOKED, Status.PENDING) for b in week
               if b.end <= thursday_noon)
    assert {b.customer_id for b in week} - {None} <= set(ids)
    assert len(service.pending_ids()) == 2
    # Nobody added, no value or tag changed: the segments keep their members.
    assert (_values(book), book.customers.count(), _tagged(book)) == before
    assert set(book.search.ids(CustomerQuery(tags_any=(vip,)))) == set(ids[:5])
