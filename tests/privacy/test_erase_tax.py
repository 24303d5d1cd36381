"""Deletion keeps the sales the shop must keep for tax, without the person: orders and the
bookings that took place keep amounts and dates; the person's name and phone leave the
book file's bytes (its pages decrypted and scanned)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.book import Book
from app.privacy.erase import erase_customer
from app.store.models_booking import Booking
from app.store.models_purchases import Order, OrderLine
from tests.privacy.test_erase import book_plaintext

NAME, PHONE = "税務 次郎", "090-4242-8181"
AT = dt.datetime(2026, 10, 3, 2, 0)


def _booking(bid: str, cid: int, status: str, day: int, name: str = NAME,
             phone: str = PHONE) -> Booking:
    start = dt.datetime(2026, 10, day, 1, 0)
    return Booking(id=bid, customer_id=cid, menu_id="cut", staff_id="s1", start=start,
                   end=start + dt.timedelta(hours=1), busy_start=start,
                   busy_end=start + dt.timedelta(hours=1), status=status, price=5500,
                   answers={"電話": phone, "名前": name}, note=f"{name}さん、{phone}に折り返し")


def test_orders_and_visits_stay_without_the_person(book: Book) -> None:
    cid = book.customers.create(name=NAME, phone=PHONE)
    other = book.customers.create(name="別の 花子", phone="080-0000-1111")
    with book.db.write() as s:
        order = Order(number="R-0001", customer_id=cid, total=6600, ordered_at=AT)
        s.add(order)
        s.add(Order(number="R-0002", customer_id=other, total=1100, ordered_at=AT))
        s.flush()
        s.add(OrderLine(order_id=order.id, name="トリートメント", unit_price=6000,
                        quantity=1, tax_rate=10, amount=6600))
        s.add(_booking("b" * 32, cid, "visited", 3))
        s.add(_booking("c" * 32, cid, "booked", 30))
        s.add(_booking("d" * 32, other, "visited", 4, "別の 花子", "080-0000-1111"))
    book.db.checkpoint()
    assert NAME.encode() in book_plaintext(book)

    done = erase_customer(book, cid)
    assert done.anonymised == {"shop_order": 1, "booking": 1}
    with book.db.read() as s:
        orders = {o.number: (o.customer_id, o.total, o.ordered_at)
                  for o in s.scalars(select(Order))}
        lines = [(ln.name, ln.amount) for ln in s.scalars(select(OrderLine))]
        bookings = {b.id[0]: (b.customer_id, b.price, b.start, b.status, b.answers, b.note)
                    for b in s.scalars(select(Booking))}
    assert orders == {"R-0001": (None, 6600, AT), "R-0002": (other, 1100, AT)}
    assert lines == [("トリートメント", 6600)]
    assert bookings["b"] == (None, 5500, dt.datetime(2026, 10, 3, 1, 0), "visited", {}, "")
    assert "c" not in bookings  # a future booking goes with the person
    assert bookings["d"][0] == other and bookings["d"][5]  # the others are untouched
    data = book_plaintext(book)
    for trace in (NAME, PHONE, "09042428181"):
        assert trace.encode("utf-8") not in data, trace
    entry = book.audit.entries()[0]
    assert entry.action == "privacy_deleted" and entry.detail["anonymised"] == 2
