"""The analytics' indexes on the shared tables (migrations 0016, 0025) and the summaries
the figures read (migration 0033)."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.store.models import Base, Customer, Message, TimelineEvent
from app.store.models_booking import Booking
from app.store.models_purchases import Order

# Covering: the period's messages are read from the index alone, not from rows scattered
# over the table (each an encrypted page to decrypt).
ix_message_at = Index("ix_message_at", Message.at_ms, Message.customer_id, Message.direction,
                      Message.type, Message.unsent_at_ms)
ix_timeline_kind_at = Index("ix_timeline_kind_at", TimelineEvent.kind, TimelineEvent.at)
# The owner's own entry (at most one row), found without reading every customer's page:
# figures count customers "but the owner" as all rows minus these (migration 0025).
ix_customer_owner = Index("ix_customer_owner", Customer.id,
                          sqlite_where=text("is_owner = 1"))

# Bookings and sales figures (migration 0033): a period's bookings and orders read from
# the index alone (each row read was an encrypted page), and "did this buyer order
# before?" answered by a seek per buyer instead of reading every earlier order.
ix_booking_start_status = Index("ix_booking_start_status", Booking.start, Booking.status)
ix_order_time_cover = Index("ix_order_time_cover", Order.ordered_at, Order.customer_id,
                            Order.total, Order.refunded)
ix_order_customer_time = Index("ix_order_customer_time", Order.customer_id, Order.ordered_at)
# The cross tabulation's birthday months: each month's customers from the index alone,
# already grouped (the expression must be written the same in the query: crosstab.py).
BIRTHDAY_MONTH_SQL = "CAST(substr(birthday, 6, 2) AS INTEGER)"
ix_customer_birthday_month = Index("ix_customer_birthday_month", text(BIRTHDAY_MONTH_SQL),
                                   Customer.id)


# --- summaries the figures read (migration 0033, app/analytics/summaries.py) ---------------

class MessageDay(Base):
    """Counted messages per local (JST) day and direction, kept exact by triggers on
    ``message`` (insert, unsend, delete): the dashboard reads a month as 30 rows."""

    __tablename__ = "message_day"

    #: Days since 1970-01-01 in Japan's time: (at_ms + 9 h) // 1 day.
    day: Mapped[int] = mapped_column(Integer, primary_key=True)
    direction: Mapped[str] = mapped_column(String(3), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


class MessageWait(Base):
    """A friend's wait for the shop: from the first message of a run of theirs (a message
    the shop had not answered yet) to the shop's next message (NULL while unanswered).
    Recomputed per friend from their messages when any of them changes
    (:class:`MessageWaitDirty`), so messages arriving late or out of order are exact."""

    __tablename__ = "message_wait"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    start_ms: Mapped[int] = mapped_column(BigInteger)
    answered_ms: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (
        # Covering for the period's waits; the customer for recomputing one friend's.
        Index("ix_message_wait_start", "start_ms", "answered_ms", "customer_id"),
        Index("ix_message_wait_customer", "customer_id"),
    )


class MessageWaitDirty(Base):
    """Friends whose messages changed since their waits were computed (a trigger on
    ``message`` adds them; :func:`app.analytics.summaries.refresh` empties it, and reads
    recompute these friends' waits on the fly until then)."""

    __tablename__ = "message_wait_dirty"

    customer_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class CustomerPrefecture(Base):
    """The prefecture (JIS code 1–47) each customer's address is in, when one is: kept by
    triggers on ``customer`` through ``otokui_prefecture_code`` (app/store/sqlfunctions.py), so
    the cross tabulation reads 100,000 small rows instead of every address."""

    __tablename__ = "customer_prefecture"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    code: Mapped[int] = mapped_column(Integer)

    # Each prefecture's customers in order, without sorting the table (crosstab.py).
    __table_args__ = (Index("ix_customer_prefecture_code", "code", "customer_id"),)
