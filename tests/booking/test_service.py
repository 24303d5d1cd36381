"""Bookings in a real encrypted book: capacity, rules, statuses, visits, domain events."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from app import domain_events as ev
from app.book import Book
from app.booking.errors import BookingNotSetUpError, BookingRefusedError, SlotTakenError
from app.booking.service import BookingService, Status
from app.store.models import CustomField, DomainEvent, FieldValue
from tests.booking.test_availability import MON, SAT, at


def events(book: Book) -> list[tuple[str, str]]:
    with book.db.read() as s:
        # Only the bookings' own events (a visit also changes fields: field.changed).
        return [(e.kind, e.data["booking_id"]) for e in s.scalars(
            select(DomainEvent).order_by(DomainEvent.id)) if e.kind.startswith("booking.")]


def field_value(book: Book, customer_id: int, name: str) -> Any:
    with book.db.read() as s:
        fld = s.scalar(select(CustomField).where(CustomField.name == name))
        assert fld is not None
        row = s.get(FieldValue, (customer_id, fld.id))
        assert row is not None
        return row.num_value if fld.type == "number" else row.date_value


def test_not_set_up(book: Book) -> None:
    with pytest.raises(BookingNotSetUpError):
        BookingService(book).setup()


def test_make_takes_capacity_and_emits(book: Book, bookings: BookingService) -> None:
    cid = book.customers.create(name="予約 花子")
    b = bookings.make(menu_id="color", start=at(MON, "10:00"), customer_id=cid)
    assert (b.staff_id, b.status, b.status_label, b.price) == ("sato", Status.BOOKED,
                                                               "予約済み", 7700)
    assert b.end == at(MON, "11:30")
    with pytest.raises(SlotTakenError):  # 佐藤 is busy until 11:45 (buffer)
        bookings.make(menu_id="color", start=at(MON, "11:30"))
    bookings.make(menu_id="color", start=at(MON, "11:45"))
    # No preference: 佐藤 is busy at 10:00, 鈴木 starts at 12:00 — nobody is free.
    with pytest.raises(SlotTakenError):
        bookings.make(menu_id="cut", start=at(MON, "10:30"))
    other = bookings.make(menu_id="cut", start=at(MON, "14:00"))
    assert other.staff_id == "sato"
    again = bookings.make(menu_id="cut", start=at(MON, "14:00"))
    assert again.staff_id == "suzuki"
    with pytest.raises(SlotTakenError):
        bookings.make(menu_id="cut", start=at(MON, "14:00"))
    assert events(book)[0] == (ev.BOOKING_MADE, b.id)
    assert len(events(book)) == 4


def test_outside_the_shift_and_unknown_menu(bookings: BookingService) -> None:
    with pytest.raises(SlotTakenError):  # 90 minutes do not fit before 19:00
        bookings.make(menu_id="color", start=at(MON, "18:00"))
    with pytest.raises(SlotTakenError):
        bookings.make(menu_id="cut", start=at(MON, "10:07"))  # not on the 15-minute step
    with pytest.raises(BookingRefusedError):
        bookings.make(menu_id="deleted", start=at(MON, "10:00"))


def test_friend_rules_notice_past_and_limit(book: Book, bookings: BookingService) -> None:
    cid = book.customers.create(name="上限 太郎")
    now = at(MON, "09:00")
    with pytest.raises(SlotTakenError):
        bookings.make(menu_id="cut", start=at(MON, "10:00"), customer_id=cid, now=now)
    with pytest.raises(SlotTakenError):  # the past
        bookings.make(menu_id="cut", start=at(MON, "08:00"), customer_id=cid, now=now)
    bookings.make(menu_id="cut", start=at(MON, "13:00"), customer_id=cid, now=now)
    bookings.make(menu_id="cut", start=at(MON, "15:00"), customer_id=cid, now=now)
    with pytest.raises(BookingRefusedError):  # max_open_per_friend = 2
        bookings.make(menu_id="cut", start=at(MON, "17:00"), customer_id=cid, now=now)
    # The owner books without the friend's limits.
    bookings.make(menu_id="cut", start=at(MON, "17:00"), customer_id=cid)


def test_idempotent_by_id(book: Book, bookings: BookingService) -> None:
    first = bookings.make(menu_id="cut", start=at(MON, "10:00"), booking_id="abc123",
                          source="relay")
    again = bookings.make(menu_id="cut", start=at(MON, "10:00"), booking_id="abc123",
                          source="relay")
    assert first.created and not again.created and again.id == "abc123"
    assert len(bookings.list(MON, MON)) == 1 and len(events(book)) == 1


def test_change_cancel_deadline(book: Book, bookings: BookingService) -> None:
    b = bookings.make(menu_id="cut", start=at(MON, "10:00"), staff_id="sato")
    moved = bookings.change(b.id, start=at(MON, "10:30"))  # overlaps only itself
    assert moved.start == at(MON, "10:30") and moved.end == at(MON, "11:30")
    assert "10:00" in [f"{s.start:%H:%M}" for s in bookings.availability(MON, 1)
                       if s.menu_id == "spa" and s.staff_id == "sato"]
    with pytest.raises(BookingRefusedError):  # a friend, 23 hours before
        bookings.cancel(b.id, now=at(MON, "10:30") - dt.timedelta(hours=23))
    done = bookings.cancel(b.id, now=at(MON, "10:30") - dt.timedelta(hours=25))
    assert done.status is Status.CANCELLED and done.status_label == "キャンセル"
    with pytest.raises(BookingRefusedError):
        bookings.cancel(b.id)
    bookings.make(menu_id="cut", start=at(MON, "10:30"), staff_id="sato")  # freed
    assert [k for k, _ in events(book)] == [ev.BOOKING_MADE, ev.BOOKING_CHANGED,
                                            ev.BOOKING_CANCELLED, ev.BOOKING_MADE]


def test_visited_counts_and_dates_the_customer(book: Book, bookings: BookingService) -> None:
    cid = book.customers.create(name="来店 次郎")
    a = bookings.make(menu_id="cut", start=at(MON, "10:00"), customer_id=cid)
    b = bookings.make(menu_id="cut", start=at(MON, "14:00"), customer_id=cid)
    c = bookings.make(menu_id="cut", start=at(MON, "16:00"), customer_id=cid)
    bookings.mark_visited(a.id)
    assert field_value(book, cid, "来店回数") == 1
    v = bookings.mark_visited(b.id)
    assert v.status_label == "来店"
    assert field_value(book, cid, "来店回数") == 2
    assert field_value(book, cid, "最終来店日") == "2026-12-07"
    with pytest.raises(BookingRefusedError):
        bookings.mark_visited(b.id)  # once
    assert bookings.mark_no_show(c.id).status_label == "無断キャンセル"
    assert field_value(book, cid, "来店回数") == 2
    kinds = [k for k, _ in events(book)]
    assert kinds.count(ev.BOOKING_VISITED) == 2 and kinds.count(ev.BOOKING_NO_SHOW) == 1
    with book.db.read() as s:
        assert {e.customer_id for e in s.scalars(select(DomainEvent))} == {cid}


def test_approval_queue(book: Book, bookings: BookingService,
                        example: dict[str, Any]) -> None:
    example["approval"] = True
    bookings.save_setup(example)
    p = bookings.make(menu_id="lesson", start=at(SAT, "09:00"), source="relay")
    assert p.status_label == "承認待ち" and p.class_id == "lesson"
    assert bookings.list(SAT, SAT, status=Status.PENDING) == [p]
    bookings.make(menu_id="lesson", start=at(SAT, "09:00"))  # the owner: booked at once
    with pytest.raises(SlotTakenError):  # 2 seats, both held (pending holds too)
        bookings.make(menu_id="lesson", start=at(SAT, "09:00"))
    assert bookings.approve(p.id).status is Status.BOOKED


def test_failed_write_leaves_no_event(book: Book, bookings: BookingService) -> None:
    bookings.make(menu_id="cut", start=at(MON, "10:00"), staff_id="sato")
    with pytest.raises(SlotTakenError):
        bookings.make(menu_id="cut", start=at(MON, "10:00"), staff_id="sato")
    assert len(events(book)) == 1


def test_csv_export(book: Book, bookings: BookingService, tmp_path: Any) -> None:
    cid = book.customers.create(name="書出 三郎")
    bookings.make(menu_id="color", start=at(MON, "10:00"), customer_id=cid)
    path = tmp_path / "b.csv"
    assert bookings.export_csv(MON, MON, path) == 1
    text = path.read_text(encoding="utf-8-sig")
    assert "2026-12-07 10:00" in text and "カラー" in text and "佐藤" in text
    assert "書出 三郎" in text and "予約済み" in text


def test_resize_checks_the_next_booking(book: Book, bookings: BookingService) -> None:
    first = bookings.make(menu_id="cut", start=at(MON, "10:00"), staff_id="sato")
    bookings.make(menu_id="cut", start=at(MON, "12:00"), staff_id="sato")
    longer = bookings.change(first.id, end=at(MON, "11:30"))
    assert (longer.start, longer.end) == (at(MON, "10:00"), at(MON, "11:30"))
    with pytest.raises(SlotTakenError):  # 11:30 + 15 buffer runs into the 12:00 booking
        bookings.change(first.id, end=at(MON, "12:00"))
    with pytest.raises(BookingRefusedError):
        bookings.change(first.id, end=at(MON, "09:00"))
    assert bookings.get(first.id).end == at(MON, "11:30")


def test_ids_and_rows_for_the_lazy_list(book: Book, bookings: BookingService) -> None:
    cid = book.customers.create(name="一覧 花子")
    a = bookings.make(menu_id="cut", start=at(MON, "14:00"), staff_id="sato",
                      customer_id=cid)
    b = bookings.make(menu_id="cut", start=at(MON, "10:00"), staff_id="sato")
    assert bookings.ids(MON, MON) == [b.id, a.id]
    assert bookings.ids(MON, MON, customer_id=cid) == [a.id]
    assert bookings.ids(MON, MON, staff_id="suzuki") == []
    assert set(bookings.infos([a.id, "gone"])) == {a.id}
    assert bookings.names({cid}) == {cid: "一覧 花子"}
