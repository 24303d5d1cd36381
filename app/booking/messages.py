"""The friend's LINE messages about bookings: confirmation, reminders, thank-you, change
and cancellation notices, each sent exactly once.

Exactly once, as the step sequences do it (app/sequences/service.py): one
``booking_message`` row per booking and kind (unique), so a kind is never planned twice.
Before the first try the row gets a fresh ``X-Line-Retry-Key`` (state "sending": it may
have been tried from now on); the push goes through :func:`app.line.send.delivery.deliver`
and its outcome is written afterwards. A process killed between the two leaves the row
"sending": the next run retries it with the same key, and LINE answers 409 if it had taken
it, which counts as sent.

Two ways a message comes due:

* asked for (:func:`queue_in`, in the same transaction as the change): the confirmation
  (a friend's booking, an approval, or the owner's choice), the change notice (the owner
  chose to notify), the cancellation notice; due at once;
* by the clock (:meth:`BookingMessages.run_due` plans them): each reminder at its time
  before the start (while the booking is still 予約済み and has not started), and the
  thank-you some hours after a 来店 (within a week).

The clock is the shop's (Japan) wall-clock time, given by the caller (the CLI's ``--now``,
the window's timer), so a run after the desktop was off sends what came due meanwhile and
records how late (``sent_at`` − ``due_at``).
"""

from __future__ import annotations

import builtins
import datetime as dt
import functools
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.line.gateway import LineGateway
from app.line.send.delivery import (
    RetryPolicy,
    Verdict,
    deliver,
    key_still_honoured,
    new_retry_key,
)
from app.placeholders import load_values, render
from app.store.models import Customer
from app.store.models_booking import Booking, BookingMessage

if TYPE_CHECKING:
    from app.book import Book
    from app.booking.setup import Setup

log = logging.getLogger("otokui.booking")

QUEUED = "queued"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
REASON_UNKNOWN = "unknown"  # tried, key too old to retry: it may have arrived

CONFIRMATION = "confirmation"
THANK_YOU = "thank_you"
CHANGE = "change"
CANCELLATION = "cancellation"
REMINDER = "reminder"
#: A thank-you is not sent for a visit longer ago than this (an old book opened again).
THANKS_WITHIN = dt.timedelta(days=7)
#: The booking placeholders (the customer's own, {名前} …, are app.placeholders').
_BOOKING_PLACEHOLDER = re.compile(r"[{｛](日時|メニュー|担当)[}｝]")
WEEKDAYS_JA = "月火水木金土日"
#: Japan's wall-clock time from UTC (no daylight saving): created_at is UTC.
SHOP_OFFSET = dt.timedelta(hours=9)


@dataclass
class RunReport:
    sent: int = 0
    failed: int = 0
    #: (booking id, kind, minutes late) of every message sent more than a minute late.
    late: builtins.list[tuple[str, str, int]] = field(default_factory=builtins.list)
    interrupted: str = ""  # "quota", "token" or "unreachable": run again later
    detail: str = ""


@dataclass(frozen=True)
class MessageInfo:
    booking_id: str
    kind: str
    state: str
    due_at: dt.datetime
    sent_at: dt.datetime | None
    reason: str | None

    @property
    def minutes_late(self) -> int:
        if self.sent_at is None:
            return 0
        return max(0, int((self.sent_at - self.due_at).total_seconds() // 60))


def when_text(start: dt.datetime) -> str:
    """``12月7日(月) 10:00``: how the messages write a booking's time."""
    return f"{start.month}月{start.day}日({WEEKDAYS_JA[start.weekday()]}) {start:%H:%M}"


def _render(s: Session, setup: Setup, row: Booking, template: str) -> str | None:
    """The text for this booking's customer, or None (no text, or not a LINE friend)."""
    if not template or row.customer_id is None:
        return None
    names = {m.id: m.name for m in setup.menus} | {c.id: c.name for c in setup.classes}
    staff = {x.id: x.name for x in setup.staff}
    values = {"日時": when_text(row.start), "メニュー": names.get(row.menu_id, row.menu_id),
              "担当": staff.get(row.staff_id or "", "")}
    text = _BOOKING_PLACEHOLDER.sub(lambda m: values[m.group(1)], template)
    customer = load_values(s, [row.customer_id]).get(row.customer_id)
    return render(text, customer).text if customer is not None else None


render_in = _render  # for app/autopilot/pages.py: the text the desktop would send


def settle_instant_in(s: Session, booking_id: str, sent: str | None, fallback: str) -> None:
    """The relay's autopilot sent this booking's confirmation (``sent``: its text), or
    could not: then it is queued here as without the autopilot (``fallback``)."""
    if s.scalar(select(BookingMessage.id).where(
            BookingMessage.booking_id == booking_id,
            BookingMessage.kind == CONFIRMATION)) is not None or s.get(Booking, booking_id) \
            is None:
        return
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None) + SHOP_OFFSET
    if sent is not None:
        s.add(BookingMessage(booking_id=booking_id, kind=CONFIRMATION, state=SENT,
                             due_at=now, sent_at=now, attempts=1,
                             messages=[{"type": "text", "text": sent}]))
    elif fallback:
        s.add(BookingMessage(booking_id=booking_id, kind=CONFIRMATION, state=QUEUED,
                             due_at=now, attempts=0,
                             messages=[{"type": "text", "text": fallback}]))


def _friend(s: Session, customer_id: int | None) -> str | None:
    if customer_id is None:
        return None
    c = s.get(Customer, customer_id)
    if c is None or c.line_user_id is None or c.blocked_at is not None:
        return None
    return c.line_user_id


def queue_in(s: Session, setup: Setup, row: Booking, kind: str, now: dt.datetime) -> bool:
    """Ask for a confirmation, change or cancellation notice of ``row``, in the caller's
    transaction; False when there is nothing to send (no text, not a friend, or this
    kind — for a change, this revision — was asked for already)."""
    templates = {CONFIRMATION: setup.messages.confirmation, CHANGE: setup.messages.change,
                 CANCELLATION: setup.messages.cancellation}
    if _friend(s, row.customer_id) is None:
        return False
    text = _render(s, setup, row, templates[kind])
    if not text:
        return False
    key = f"{CHANGE}:{row.revision}" if kind == CHANGE else kind
    if s.scalar(select(BookingMessage.id).where(BookingMessage.booking_id == row.id,
                                                BookingMessage.kind == key)) is not None:
        return False
    s.add(BookingMessage(booking_id=row.id, kind=key, state=QUEUED, due_at=now,
                         messages=[{"type": "text", "text": text}], attempts=0))
    s.flush()
    return True


class BookingMessages:
    def __init__(self, book: Book, *, wall: Callable[[], float] = time.time) -> None:
        self._book = book
        #: The real clock, for how old a retry key is (LINE keeps them ~24 h).
        self.wall = wall
        self.retry_policy = RetryPolicy()

    # --- planning -----------------------------------------------------------------------
    def _plan(self, now: dt.datetime, setup: Setup) -> None:
        """Rows for the reminders and thank-yous due at ``now`` and not planned yet."""
        msgs = setup.messages
        lead = max((r.days_before * 24 * 60 + 24 * 60 if r.days_before is not None
                    else (r.hours_before or 0) * 60 for r in msgs.reminders), default=0)
        with self._book.db.write() as s:
            planned = {(b, k) for b, k in s.execute(
                select(BookingMessage.booking_id, BookingMessage.kind).join(
                    Booking, Booking.id == BookingMessage.booking_id).where(
                    Booking.end >= now - THANKS_WITHIN - dt.timedelta(days=1)))}
            rows: list[tuple[Booking, str, str, dt.datetime]] = []
            if msgs.reminders:
                for b in s.scalars(select(Booking).where(
                        Booking.status == "booked", Booking.start > now,
                        Booking.start <= now + dt.timedelta(minutes=lead),
                        Booking.customer_id.is_not(None))):
                    # A reminder whose time had passed when the booking was made is not
                    # sent (the confirmation just said it all): made is the shop's time.
                    made = b.created_at + SHOP_OFFSET
                    for n, r in enumerate(msgs.reminders):
                        due = r.due(b.start)
                        if made < due <= now and (b.id, f"{REMINDER}:{n}") not in planned:
                            rows.append((b, f"{REMINDER}:{n}", r.text, due))
            if msgs.thank_you:
                after = dt.timedelta(hours=msgs.thank_you_hours_after)
                for b in s.scalars(select(Booking).where(
                        Booking.status == "visited", Booking.end <= now - after,
                        Booking.end >= now - after - THANKS_WITHIN,
                        Booking.customer_id.is_not(None))):
                    if (b.id, THANK_YOU) not in planned:
                        rows.append((b, THANK_YOU, msgs.thank_you, b.end + after))
            for b, kind, template, due in rows:
                if _friend(s, b.customer_id) is None:
                    continue
                text = _render(s, setup, b, template)
                if text:
                    s.add(BookingMessage(booking_id=b.id, kind=kind, state=QUEUED,
                                         due_at=due, attempts=0,
                                         messages=[{"type": "text", "text": text}]))

    def due(self) -> list[int]:
        """Rows to send now (queued, or being retried), oldest due first."""
        with self._book.db.read() as s:
            return list(s.scalars(select(BookingMessage.id).where(
                BookingMessage.state.in_((QUEUED, SENDING))).order_by(
                BookingMessage.due_at, BookingMessage.id)))

    # --- sending ------------------------------------------------------------------------
    def run_due(self, now: dt.datetime, gateway: LineGateway | None = None) -> RunReport:
        """Plan and send every message due at ``now`` (shop time); blocks (a worker thread
        or the CLI). Stops early on the monthly quota or when LINE cannot be reached: the
        next call resumes with the same keys."""
        from app.booking.errors import BookingNotSetUpError
        from app.booking.service import BookingService

        report = RunReport()
        try:
            setup = BookingService(self._book).setup()
        except BookingNotSetUpError:
            return report
        from app.autopilot import schedule as handoff

        if handoff.is_on(self._book):  # reminders due within 7 days go to the relay
            handoff.tick(self._book, now - SHOP_OFFSET, sequences=False)
        try:
            self._plan(now, setup)
        except IntegrityError:
            # Another runner planned the same message meanwhile (the unique row): it
            # sends it; this run sends what is queued.
            log.info("booking messages planned by another run")
        todo = self.due()
        if not todo:
            return report
        own = gateway is None
        gw = gateway or LineGateway(self._book.line.access_token(),
                                    api_base=self._book.line.api_base)
        try:
            for mid in todo:
                if not self._send(mid, now, gw, report):
                    break
        finally:
            if own:
                gw.close()
        self._book.announce("bookings")
        return report

    def _prepare(self, mid: int, report: RunReport
                 ) -> tuple[str, str, builtins.list[dict[str, Any]]] | None:
        with self._book.db.write() as s:
            row = s.get(BookingMessage, mid)
            if row is None or row.state not in (QUEUED, SENDING):
                return None
            booking = s.get(Booking, row.booking_id)
            uid = _friend(s, booking.customer_id if booking else None)
            if uid is None:
                row.state, row.reason = FAILED, "not a friend"
                report.failed += 1
                return None
            now_ms = int(self.wall() * 1000)
            if row.state == SENDING:
                assert row.retry_key is not None and row.key_made_ms is not None
                if not key_still_honoured(row.key_made_ms, now_ms):
                    row.state, row.reason = FAILED, REASON_UNKNOWN
                    report.failed += 1
                    return None
            else:
                row.state, row.retry_key, row.key_made_ms = SENDING, new_retry_key(), now_ms
            assert row.retry_key is not None
            return uid, row.retry_key, list(row.messages)

    def _send(self, mid: int, now: dt.datetime, gw: LineGateway, report: RunReport) -> bool:
        todo = self._prepare(mid, report)
        if todo is None:
            return True
        uid, key, messages = todo
        log.info("booking message %d: trying", mid)  # tests wait for this line
        d = deliver(functools.partial(gw.push, uid, messages, key), self.retry_policy)
        a = d.final
        with self._book.db.write() as s:
            row = s.get(BookingMessage, mid)
            assert row is not None
            row.attempts += d.attempts
            row.request_id = a.request_id or row.request_id
            if a.verdict.sent:
                row.state, row.sent_at = SENT, now
                report.sent += 1
                late = int((now - row.due_at).total_seconds() // 60)
                if late >= 1:
                    report.late.append((row.booking_id, row.kind, late))
                return True
            if a.verdict is Verdict.REFUSED and a.status != 401 and not d.maybe_accepted:
                row.state, row.reason = FAILED, (a.reason or f"HTTP {a.status}")[:500]
                report.failed += 1
                return True
            report.interrupted = ("quota" if a.verdict is Verdict.QUOTA else
                                  "token" if a.status == 401 else "unreachable")
            report.detail = f"{a.verdict}, HTTP {a.status}"
        log.info("booking messages interrupted: %s (%s)", report.interrupted, report.detail)
        return False

    # --- reading ------------------------------------------------------------------------
    def history(self, booking_id: str | None = None, *, since: dt.datetime | None = None
                ) -> builtins.list[MessageInfo]:
        """Messages of one booking, or all sent since ``since`` (shop time)."""
        q = select(BookingMessage)
        if booking_id is not None:
            q = q.where(BookingMessage.booking_id == booking_id)
        if since is not None:
            q = q.where(BookingMessage.sent_at >= since)
        with self._book.db.read() as s:
            return [MessageInfo(r.booking_id, r.kind, r.state, r.due_at, r.sent_at, r.reason)
                    for r in s.scalars(q.order_by(BookingMessage.due_at, BookingMessage.id))]

