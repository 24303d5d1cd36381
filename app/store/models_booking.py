"""Reservations' tables (migration 0013_bookings; see app/booking/).

Times of a booking are the shop's wall-clock time (naive, Japan), as the owner and the
friend read them; ``created_at``/``updated_at`` are UTC like the rest of the book.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.store.models import Base, utcnow


class Booking(Base):
    """One booking (予約): a menu, maybe a staff member, a time, a status."""

    __tablename__ = "booking"

    #: Opaque id (hex), the same on the relay's hold and in the sealed details.
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"))
    menu_id: Mapped[str] = mapped_column(String(64))
    #: The staff member doing it; None for seat/room shops and classes.
    staff_id: Mapped[str | None] = mapped_column(String(64))
    #: Set when the menu is a class (fixed time, N seats).
    class_id: Mapped[str | None] = mapped_column(String(64))
    start: Mapped[dt.datetime] = mapped_column(DateTime)
    end: Mapped[dt.datetime] = mapped_column(DateTime)
    #: What the booking keeps busy, buffers included.
    busy_start: Mapped[dt.datetime] = mapped_column(DateTime)
    busy_end: Mapped[dt.datetime] = mapped_column(DateTime)
    #: booked | pending | visited | no_show | cancelled (app.booking.service.Status).
    status: Mapped[str] = mapped_column(String(16))
    #: desktop | relay
    source: Mapped[str] = mapped_column(String(16), default="desktop")
    price: Mapped[int] = mapped_column(Integer, default=0)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    #: Bumped by every change; keys the booking.changed events.
    revision: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        Index("ix_booking_start", "start"),
        Index("ix_booking_customer_id", "customer_id"),
    )


class BookingMessage(Base):
    """One LINE message about one booking (migration 0022_booking_ui): confirmation,
    reminder:N, thank_you, change:REVISION, cancellation — one row per booking and kind,
    so one retry key per booking+kind and never two sends of it.

    "queued" (asked for, never tried) → "sending" (its ``X-Line-Retry-Key`` stored before
    the first try: only retried with that key) → "sent" | "failed". ``due_at``/``sent_at``
    are shop time (Japan), so how late a send went (the desktop was off) is their gap."""

    __tablename__ = "booking_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    booking_id: Mapped[str] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[dt.datetime] = mapped_column(DateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    retry_key: Mapped[str | None] = mapped_column(String(36), unique=True)
    key_made_ms: Mapped[int | None] = mapped_column(BigInteger)
    messages: Mapped[list[Any]] = mapped_column(JSON, default=list)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    request_id: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("booking_id", "kind"),
        Index("ix_booking_message_state", "state"),
    )
