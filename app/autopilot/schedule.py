"""Handing scheduled sends to the relay's autopilot, and taking them back (issue 13, 14).

While the autopilot is on, each tick of the desktop's engines (``booking run-due``, the
sequences' ``run_due``, the window's timers, ``autopilot schedule``) calls :func:`tick`:

1. **stale** handed sends are withdrawn: a booking moved, cancelled or its texts changed;
   a sequence run stopped, finished, restarted or the sequence edited; the friend blocked.
2. sends due within :data:`HORIZON` (7 days, less an hour for the clocks' drift) are
   **planned ahead** in the book — a ``booking_message`` row (reminders, thank-you) or a
   ``sequence_send`` row (steps, birthday messages), with its text — in state ``handing``,
   then handed over (``PUT /v1/autopilot/scheduled``) and marked ``handed``. Neither state
   is ever sent by the desktop's own engine: exactly one side sends. A ``handing`` row whose
   answer was lost is handed again at the next tick (the relay keeps one row per key).
3. the relay's **reports** (sealed items ``otokui-autopilot-schedule/1``, applied by the
   sync like every item) mark the rows sent (or failed) with the relay's time; a sequence
   step then moves the friend's progress and goes into the timeline, as the desktop's own
   sends do.

Withdrawing asks the relay which were still unsent: those rows are deleted, so the desktop's
engine plans and sends them itself when due (with the texts of then). Rows the relay is
sending stay ``handed`` until its report; ones it settled take its outcome. Switching the
autopilot off withdraws everything first; a relay whose autopilot says off or
``token_invalid`` gets everything withdrawn at the next tick.

Keys: ``b:<booking_message id>`` and ``s:<sequence_send id>``; a row deleted and planned
again has a new id, so a key is never handed twice for different texts.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select

from app.errors import OtokuiError
from app.store.models import Customer
from app.store.models_booking import Booking, BookingMessage
from app.store.models_sequences import SequenceRun, SequenceSend, StepSequence
from app.sync.errors import RelayProtocolError
from app.sync.front_items import FrontItemError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.book import Book

log = logging.getLogger("otokui.autopilot.schedule")

#: Must equal relay.autopilot_schedule.ITEM_MAGIC (tests check it).
ITEM_MAGIC = b"otokui-autopilot-schedule/1\n"
HANDING, HANDED = "handing", "handed"
HANDOFF_STATES = (HANDING, HANDED)
#: The relay refuses sends more than 7 days ahead of its clock; an hour's margin.
HORIZON = dt.timedelta(days=7) - dt.timedelta(hours=1)
SHOP_OFFSET = dt.timedelta(hours=9)
CHUNK = 100
_HEX = re.compile(r"^[0-9a-f]{1,40}$")


@dataclass
class TickReport:
    handed: int = 0
    withdrawn: int = 0
    taken_back: int = 0  # withdrawn because the relay's autopilot is off or lost its token
    error: str = ""
    relay_state: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


def is_on(book: Book) -> bool:
    from app.autopilot.client import KEY_ON

    return bool(book.settings.get(KEY_ON, False))


def _ms(utc_naive: dt.datetime) -> int:
    return int(utc_naive.replace(tzinfo=dt.UTC).timestamp() * 1000)


def _utc_from_ms(ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).replace(tzinfo=None)


class RelayRefused(RelayProtocolError):
    """The relay answered a scheduled-sends call with an error (its code kept)."""

    def __init__(self, status: int = 0, code: str = "") -> None:
        super().__init__(f"HTTP {status} {code}")
        self.status, self.code = status, code


def _call(book: Book, method: str, path: str, body: dict[str, Any] | None) -> dict[str, Any]:
    with book.line.relay_client() as relay:
        kwargs: dict[str, Any] = {} if body is None else {"json": body}
        answer = relay._request(method, path, **kwargs)
        try:
            data = json.loads(answer.content or b"{}")
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        if answer.status_code != 200:
            raise RelayRefused(answer.status_code, str(data.get("error", "")))
        return data


# --- the book's side: what to hand, what is stale ------------------------------------------

@dataclass(frozen=True)
class Planned:
    key: str
    due_utc: dt.datetime
    to: str
    messages: list[dict[str, Any]]
    #: A booking's id, which is its hold on the relay: a friend's cancellation on the
    #: booking pages releases it, and the relay drops the reminder (state "dropped").
    hold: str | None = None


def _booking_wanted(s: Session, setup: Any, row: BookingMessage, b: Booking | None
                    ) -> tuple[str, str] | None:
    """(user id, text) this booking message should now have, or None: not to be sent."""
    from app.booking import messages as bm

    if b is None:
        return None
    msgs = setup.messages
    if row.kind.startswith(f"{bm.REMINDER}:"):
        n = int(row.kind.split(":", 1)[1])
        if b.status != "booked" or n >= len(msgs.reminders) \
                or msgs.reminders[n].due(b.start) != row.due_at:
            return None
        template = msgs.reminders[n].text
    elif row.kind == bm.THANK_YOU:
        if b.status != "visited" or not msgs.thank_you \
                or b.end + dt.timedelta(hours=msgs.thank_you_hours_after) != row.due_at:
            return None
        template = msgs.thank_you
    else:
        return None
    uid = bm._friend(s, b.customer_id)
    text = bm._render(s, setup, b, template)
    return (uid, text) if uid and text else None


def _plan_bookings(book: Book, now_utc: dt.datetime) -> None:
    """Rows (state handing) for the reminders and thank-yous due within the horizon."""
    from app.booking import messages as bm
    from app.booking.errors import BookingNotSetUpError
    from app.booking.service import BookingService

    try:
        setup = BookingService(book).setup()
    except BookingNotSetUpError:
        return
    now = now_utc + SHOP_OFFSET
    until = now + HORIZON
    msgs = setup.messages
    with book.db.write() as s:
        planned = {(b, k) for b, k in s.execute(
            select(BookingMessage.booking_id, BookingMessage.kind).join(
                Booking, Booking.id == BookingMessage.booking_id).where(
                Booking.end >= now - dt.timedelta(days=1)))}
        rows: list[tuple[Booking, str, str, dt.datetime]] = []
        if msgs.reminders:
            for b in s.scalars(select(Booking).where(
                    Booking.status == "booked", Booking.start > now,
                    Booking.start <= until + dt.timedelta(days=60),
                    Booking.customer_id.is_not(None))):
                made = b.created_at + SHOP_OFFSET
                for n, r in enumerate(msgs.reminders):
                    due = r.due(b.start)
                    if made < due and now < due <= until \
                            and (b.id, f"{bm.REMINDER}:{n}") not in planned:
                        rows.append((b, f"{bm.REMINDER}:{n}", r.text, due))
        if msgs.thank_you:
            after = dt.timedelta(hours=msgs.thank_you_hours_after)
            for b in s.scalars(select(Booking).where(
                    Booking.status == "visited", Booking.end > now - after,
                    Booking.customer_id.is_not(None))):
                due = b.end + after
                if now < due <= until and (b.id, bm.THANK_YOU) not in planned:
                    rows.append((b, bm.THANK_YOU, msgs.thank_you, due))
        for b, kind, template, due in rows:
            if bm._friend(s, b.customer_id) is None:
                continue
            text = bm._render(s, setup, b, template)
            if text:
                s.add(BookingMessage(booking_id=b.id, kind=kind, state=HANDING, due_at=due,
                                     attempts=0, messages=[{"type": "text", "text": text}]))


def _stale_bookings(book: Book) -> list[str]:
    from app.booking.errors import BookingNotSetUpError
    from app.booking.service import BookingService

    try:
        setup = BookingService(book).setup()
    except BookingNotSetUpError:
        setup = None
    stale = []
    with book.db.read() as s:
        for row in s.scalars(select(BookingMessage).where(
                BookingMessage.state.in_(HANDOFF_STATES))):
            wanted = None if setup is None else _booking_wanted(
                s, setup, row, s.get(Booking, row.booking_id))
            if wanted is None or [{"type": "text", "text": wanted[1]}] != list(row.messages):
                stale.append(f"b:{row.id}")
    return stale


def _plan_sequences(book: Book, now_utc: dt.datetime) -> None:
    """Rows (state handing) for the steps due within the horizon, in order: a step is
    planned only when every step before it is sent or handed (never leaving one behind
    for the desktop that the relay's later step would overtake)."""
    seqs = book.sequences
    until = now_utc + HORIZON
    with book.db.write() as s:
        runs = list(s.scalars(select(SequenceRun).where(SequenceRun.state == "running")))
        for run in runs:
            seq = s.get(StepSequence, run.sequence_id)
            cust = s.get(Customer, run.customer_id)
            if seq is None or cust is None or cust.line_user_id is None \
                    or seqs.stop_reason(s, run, seq, cust) is not None:
                continue
            steps = seqs.steps_of(seq)
            have = {x.step: x.state for x in s.scalars(select(SequenceSend).where(
                SequenceSend.run_id == run.id, SequenceSend.round == run.round))}
            for n in range(run.next_step, len(steps)):
                state = have.get(n)
                if state in (*HANDOFF_STATES, "sent", "failed"):
                    continue
                if state is not None:
                    break  # the desktop is sending it (retrying): the rest waits
                due = steps[n].due(run.started_at)
                if due <= now_utc or due > until:
                    break
                texts = seqs.texts_for(s, run, seq, cust, steps[n], due)
                s.add(SequenceSend(run_id=run.id, round=run.round, step=n, state=HANDING,
                                   retry_key=seqs.new_key(), key_made_ms=seqs.wall_ms(),
                                   attempts=0,
                                   messages=[{"type": "text", "text": t} for t in texts]))
                s.flush()


def _stale_sequences(book: Book) -> list[str]:
    seqs = book.sequences
    stale = []
    with book.db.read() as s:
        for send in s.scalars(select(SequenceSend).where(
                SequenceSend.state.in_(HANDOFF_STATES))):
            run = s.get(SequenceRun, send.run_id)
            seq = s.get(StepSequence, run.sequence_id) if run is not None else None
            cust = s.get(Customer, run.customer_id) if run is not None else None
            if run is None or seq is None or run.state != "running" \
                    or run.round != send.round or cust is None or cust.line_user_id is None \
                    or seqs.stop_reason(s, run, seq, cust) is not None \
                    or _ms(seq.updated_at) > send.key_made_ms:
                stale.append(f"s:{send.id}")
    return stale


def _to_hand(book: Book) -> list[Planned]:
    out: list[Planned] = []
    with book.db.read() as s:
        for row, uid in s.execute(
                select(BookingMessage, Customer.line_user_id)
                .join(Booking, Booking.id == BookingMessage.booking_id)
                .join(Customer, Customer.id == Booking.customer_id)
                .where(BookingMessage.state == HANDING, Customer.line_user_id.is_not(None))):
            hold = row.booking_id if _HEX.match(row.booking_id) else None
            out.append(Planned(f"b:{row.id}", row.due_at - SHOP_OFFSET, str(uid),
                               list(row.messages), hold))
        for send, run, uid in s.execute(
                select(SequenceSend, SequenceRun, Customer.line_user_id)
                .join(SequenceRun, SequenceRun.id == SequenceSend.run_id)
                .join(Customer, Customer.id == SequenceRun.customer_id)
                .where(SequenceSend.state == HANDING, Customer.line_user_id.is_not(None))):
            seq = s.get(StepSequence, run.sequence_id)
            if seq is None:
                continue
            step = book.sequences.steps_of(seq)[send.step] \
                if send.step < len(seq.steps) else None
            if step is None:
                continue
            out.append(Planned(f"s:{send.id}", step.due(run.started_at), str(uid),
                               list(send.messages)))
    return out


def relay_status(book: Book) -> dict[str, Any]:
    """The relay's queue for this shop: state, queued, sending, sent, failed, unknown."""
    return _call(book, "GET", "/v1/autopilot/scheduled", None)


def handed_keys(book: Book) -> list[str]:
    with book.db.read() as s:
        return [f"b:{i}" for i in s.scalars(select(BookingMessage.id).where(
            BookingMessage.state.in_(HANDOFF_STATES)))] + \
            [f"s:{i}" for i in s.scalars(select(SequenceSend.id).where(
                SequenceSend.state.in_(HANDOFF_STATES)))]


# --- outcomes ------------------------------------------------------------------------------

def _settle(book: Book, key: str, state: str, at_ms: int | None) -> bool:
    """Apply one outcome to the row of ``key``: ``withdrawn`` (deleted: the desktop's
    again), ``handed``, ``sent``, ``failed``/``unknown``, ``dropped`` (the friend cancelled
    the booking on the relay's pages: deleted, as withdrawn; the booking's cancellation
    comes by sync); False if the row was not handed."""
    from app.sequences.model import RunReport

    kind, _, raw = key.partition(":")
    if not raw.isdigit():
        return False
    rid = int(raw)
    if state == "dropped":
        state = "withdrawn"
    when = _utc_from_ms(at_ms) if at_ms is not None else None
    with book.db.write() as s:
        if kind == "b":
            row = s.get(BookingMessage, rid)
            if row is None or row.state not in HANDOFF_STATES:
                return False
            if state == "withdrawn":
                s.execute(delete(BookingMessage).where(BookingMessage.id == rid))
            elif state == HANDED:
                row.state = HANDED
            elif state == "sent":
                row.state = "sent"
                row.sent_at = (when or dt.datetime.now(dt.UTC).replace(tzinfo=None)) \
                    + SHOP_OFFSET
                row.attempts += 1
            else:
                row.state, row.reason = "failed", "unknown" if state == "unknown" \
                    else "refused by LINE (autopilot)"
            return True
        if kind == "s":
            send = s.get(SequenceSend, rid)
            if send is None or send.state not in HANDOFF_STATES:
                return False
            if state == "withdrawn":
                s.execute(delete(SequenceSend).where(SequenceSend.id == rid))
                return True
            if state == HANDED:
                send.state = HANDED
                return True
            run = s.get(SequenceRun, send.run_id)
            send.attempts += 1
            if state == "sent":
                send.state = "sent"
            else:
                send.state = "failed"
                send.reason = "unknown" if state == "unknown" else "refused by LINE (autopilot)"
            if run is not None and run.round == send.round and run.next_step <= send.step:
                book.sequences.settled(s, run, send, RunReport(), sent=state == "sent")
            return True
    return False


def _apply_withdraw(book: Book, answer: dict[str, Any]) -> int:
    back = 0
    for k in answer.get("withdrawn", []):
        back += _settle(book, str(k), "withdrawn", None)
    for k in answer.get("dropped", []):
        _settle(book, str(k), "dropped", None)
    for state in ("sent", "failed", "unknown"):
        for k in answer.get(state, []):
            _settle(book, str(k), state, None)
    return back


def withdraw(book: Book, keys: list[str]) -> int:
    """Take these keys back from the relay; how many were unsent (now the desktop's)."""
    back = 0
    for i in range(0, len(keys), CHUNK):
        answer = _call(book, "POST", "/v1/autopilot/scheduled/withdraw",
                       {"keys": keys[i:i + CHUNK]})
        back += _apply_withdraw(book, answer)
    return back


def take_back_all(book: Book) -> int:
    """Before the autopilot is switched off: everything handed comes back."""
    return withdraw(book, handed_keys(book))


def _hand(book: Book, items: list[Planned]) -> int:
    handed = 0
    for i in range(0, len(items), CHUNK):
        chunk = items[i:i + CHUNK]
        answer = _call(book, "PUT", "/v1/autopilot/scheduled", {"items": [
            {"key": p.key, "due_at": _ms(p.due_utc), "to": p.to, "messages": p.messages,
             **({"hold": p.hold} if p.hold else {})} for p in chunk]})
        for k in answer.get("accepted", []):
            handed += _settle(book, str(k), HANDED, None)
        for r in answer.get("refused", []):  # beyond the relay's horizon: the desktop's
            if isinstance(r, dict):
                _settle(book, str(r.get("key")), "withdrawn", None)
        for k, state in (answer.get("settled") or {}).items():
            _settle(book, str(k), HANDED if state == "sending" else str(state), None)
    return handed


def tick(book: Book, now_utc: dt.datetime, *, bookings: bool = True,
         sequences: bool = True) -> TickReport:
    """One hand-over pass (module doc); never raises for the relay's failures (the
    desktop's own engine runs regardless, without the rows that stay handed)."""
    report = TickReport()
    if not is_on(book):
        return report
    try:
        stale = (_stale_bookings(book) if bookings else []) + \
            (_stale_sequences(book) if sequences else [])
        if stale:
            report.withdrawn = withdraw(book, stale)
        status = relay_status(book)
        report.relay_state = str(status.get("state", ""))
        report.detail = status
        if report.relay_state != "on":
            report.taken_back = take_back_all(book)
            return report
        # Sends this desktop handed whose rows are gone (a sequence or a customer
        # deleted): withdrawn, so the relay never sends what the book no longer has.
        mine = set(handed_keys(book))
        orphans = [str(k) for k in status.get("pending_keys", []) if str(k) not in mine]
        if orphans:
            withdraw(book, orphans)
            report.withdrawn += len(orphans)
        if bookings:
            _plan_bookings(book, now_utc)
        if sequences:
            from app.sequences import birthday

            # Birthdays of the coming days start now (at their own day's beginning), so
            # their message is with the relay even if the desktop stays closed until then.
            birthday.start_due(book, now_utc, ahead_days=HORIZON.days - 1)
            _plan_sequences(book, now_utc)
        todo = _to_hand(book)
        if todo:
            report.handed = _hand(book, todo)
    except RelayRefused as exc:
        report.error = exc.code or str(exc)
        if exc.code in ("autopilot_off", "token_invalid"):
            report.relay_state = exc.code
            try:
                report.taken_back = take_back_all(book)
            except (OtokuiError, OSError) as again:
                log.info("taking scheduled sends back failed: %s", type(again).__name__)
    except (OtokuiError, OSError) as exc:
        report.error = type(exc).__name__
        log.info("handing scheduled sends to the relay failed: %s", report.error)
    if report.handed or report.withdrawn or report.taken_back:
        book.announce("bookings")
        book.announce("sequences")
    return report


# --- the relay's reports (sync) ------------------------------------------------------------

def apply_report(book: Book, plaintext: bytes) -> str:
    try:
        data = json.loads(plaintext[len(ITEM_MAGIC):])
    except ValueError as exc:
        raise FrontItemError("not JSON") from exc
    if not isinstance(data, dict) or not isinstance(data.get("key"), str) \
            or data.get("state") not in ("sent", "failed", "unknown", "dropped") \
            or not isinstance(data.get("at"), int):
        raise FrontItemError("missing fields")
    done = _settle(book, data["key"], data["state"], data["at"])
    if done:
        book.announce("bookings")
        book.announce("sequences")
    return "recorded" if done else "duplicate"
