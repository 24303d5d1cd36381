"""Step sequences (ステップ配信): start friends on a sequence, send each step once, in order.

Exactly once, as the broadcast engine does it (app/broadcast/engine.py): before a step is
tried for a friend, a ``sequence_send`` row with a fresh ``X-Line-Retry-Key`` is written
(state "sending": it may have been tried from now on). The push goes through
:func:`app.line.send.delivery.deliver`; its outcome is written with the friend's progress
(``next_step``) in one transaction. A process killed between the two leaves the row
"sending": the next run retries it with the same key, and LINE answers 409 if it had taken
it, which counts as sent. So each step reaches each friend at most once, and a step is never
tried before the one before it is settled (in order).

The clock: a step is due when ``now`` >= the friend's start + its wait. Progress only moves
forward (``next_step``), so a clock that jumps back makes nothing due again; it only delays.

Editing a running sequence (:meth:`SequenceService.update`): a friend keeps their place by
count. One who has been sent k steps gets the new version's steps k+1 onwards, each at its
own wait from the friend's start (a step whose time has passed goes at the next run). A step
being retried keeps the text it was stored with (the retry must be the same request).
"""

from __future__ import annotations

import builtins
import datetime as dt
import functools
import logging
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select

from app import coupons
from app.audit import AuditService
from app.errors import NotFoundError, ValidationError
from app.line.gateway import LineGateway
from app.line.send.delivery import (
    RetryPolicy,
    Verdict,
    deliver,
    key_still_honoured,
    new_retry_key,
)
from app.placeholders import load_values, render
from app.sequences.model import (
    JST,
    Progress,
    RunReport,
    SequenceInfo,
    Step,
    parse_step,
    parse_steps,
)
from app.store.models import Customer, CustomerTag, Message, Tag, utcnow
from app.store.models_sequences import SequenceRun, SequenceSend, StepSequence

if TYPE_CHECKING:
    from app.book import Book

log = logging.getLogger("otokui.sequences")

RUNNING, DONE, STOPPED = "running", "done", "stopped"
SENDING, SENT, FAILED = "sending", "sent", "failed"
#: Why a friend's sequence stopped.
STOP_TAG, STOP_BLOCK, STOP_REPLY, STOP_HAND, STOP_GONE = (
    "tag", "blocked", "reply", "stopped", "not_on_line")
#: A send tried whose key LINE may have forgotten: it may have arrived, never tried again.
REASON_UNKNOWN = "unknown"


def _steps(seq: StepSequence) -> list[Step]:
    return [parse_step(s) for s in seq.steps]


class SequenceService:
    def __init__(self, book: Book) -> None:
        self._book = book
        #: Now, as naive UTC; tests and the demo replace it with a fake clock.
        self.clock: Callable[[], dt.datetime] = utcnow
        #: Wall-clock seconds for retry keys' age (LINE keeps a key 24 h of real time).
        self.wall: Callable[[], float] = time.time
        self.retry_policy = RetryPolicy()

    # --- definitions ------------------------------------------------------------------------
    def _stop_on(self, s: Any, raw: dict[str, Any] | None) -> dict[str, Any]:
        raw = raw or {}
        ids: list[int] = []
        for t in raw.get("tags", []):
            if isinstance(t, int):
                tag_id = s.get(Tag, t) and t
            else:
                tag_id = s.scalar(select(Tag.id).where(Tag.name == str(t)))
            if not tag_id:
                raise ValidationError(f"stop tag {t!r} (tag)")
            ids.append(int(tag_id))
        return {"tags": ids, "block": bool(raw.get("block", True)),
                "reply": bool(raw.get("reply", False))}

    def create(self, name: str, steps: list[Any], *,
               stop_on: dict[str, Any] | None = None) -> int:
        name = name.strip()
        if not name:
            raise ValidationError("name")
        parsed = parse_steps(steps)
        with self._book.db.write() as s:
            if s.scalar(select(StepSequence.id).where(StepSequence.name == name)):
                raise ValidationError(f"{name} (a sequence with this name exists)")
            seq = StepSequence(name=name, steps=[p.to_json() for p in parsed],
                               stop_on=self._stop_on(s, stop_on), version=1)
            s.add(seq)
            s.flush()
            sid = seq.id
        self._book.announce("sequences", [sid])
        return sid

    def update(self, sequence_id: int, *, name: str | None = None,
               steps: list[Any] | None = None, stop_on: dict[str, Any] | None = None) -> None:
        """A new version; friends already on it keep their place by count (module doc)."""
        with self._book.db.write() as s:
            seq = s.get(StepSequence, sequence_id)
            if seq is None:
                raise NotFoundError(f"sequence {sequence_id}")
            if name is not None and name.strip():
                seq.name = name.strip()
            if steps is not None:
                seq.steps = [p.to_json() for p in parse_steps(steps)]
            if stop_on is not None:
                seq.stop_on = self._stop_on(s, stop_on)
            seq.version += 1
            seq.updated_at = utcnow()
        self._book.announce("sequences", [sequence_id])

    def import_json(self, data: Any) -> int:
        """``{"name": …, "steps": [...], "stop_on": {...}}``; replaces one of the same name."""
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            raise ValidationError("sequence JSON: an object with name and steps")
        with self._book.db.read() as s:
            existing = s.scalar(select(StepSequence.id).where(
                StepSequence.name == data["name"].strip()))
        if existing is not None:
            self.update(existing, steps=data.get("steps"), stop_on=data.get("stop_on", {}))
            return int(existing)
        return self.create(data["name"], data.get("steps"),  # type: ignore[arg-type]
                           stop_on=data.get("stop_on"))

    def delete(self, sequence_id: int) -> None:
        with self._book.db.write() as s:
            s.execute(delete(StepSequence).where(StepSequence.id == sequence_id))
        self._book.announce("sequences", [sequence_id])

    def list(self) -> list[SequenceInfo]:
        with self._book.db.read() as s:
            counts: dict[tuple[int, str], int] = {
                (int(a), str(b)): int(c) for a, b, c in s.execute(
                    select(SequenceRun.sequence_id, SequenceRun.state, func.count())
                    .group_by(SequenceRun.sequence_id, SequenceRun.state))}
            return [self._info(q, counts) for q in
                    s.scalars(select(StepSequence).order_by(StepSequence.id))]

    def get(self, sequence_id: int) -> SequenceInfo:
        for info in self.list():
            if info.id == sequence_id:
                return info
        raise NotFoundError(f"sequence {sequence_id}")

    def find(self, name_or_id: str) -> int:
        with self._book.db.read() as s:
            sid = s.scalar(select(StepSequence.id).where(StepSequence.name == name_or_id))
            if sid is None and name_or_id.isdigit():
                sid = s.scalar(select(StepSequence.id).where(
                    StepSequence.id == int(name_or_id)))
        if sid is None:
            raise NotFoundError(f"sequence {name_or_id}")
        return int(sid)

    @staticmethod
    def _info(q: StepSequence, counts: dict[tuple[int, str], int]) -> SequenceInfo:
        stop = q.stop_on or {}
        return SequenceInfo(q.id, q.name, q.version, tuple(_steps(q)),
                            tuple(stop.get("tags", [])), bool(stop.get("block")),
                            bool(stop.get("reply")), counts.get((q.id, RUNNING), 0),
                            counts.get((q.id, DONE), 0), counts.get((q.id, STOPPED), 0))

    # --- starting and stopping -------------------------------------------------------------
    def start(self, sequence_id: int, customer_ids: Iterable[int], *, cause: str,
              at: dt.datetime | None = None) -> int:
        """Start friends on the sequence now; how many started. A friend already running it
        is not restarted; one who finished or was stopped starts again from the first step.
        Customers not on LINE or who blocked the shop are not started. ``at``: the start
        (naive UTC) when not now (birthdays start at the day's beginning)."""
        with self._book.db.write() as s:
            started = self.start_in(s, sequence_id, customer_ids, cause=cause, at=at)
        if started:
            self._book.announce("sequences", [sequence_id])
            self._book.announce("customers", started)
        return len(started)

    def start_in(self, s: Any, sequence_id: int, customer_ids: Iterable[int], *, cause: str,
                 at: dt.datetime | None = None) -> builtins.list[int]:
        """:meth:`start` inside the caller's transaction ``s`` (a rule's action: the start
        commits with the rule's handling of its event, so it happens exactly once); the
        ids started. The caller announces."""
        now = at or self.clock()
        ids = list(dict.fromkeys(int(i) for i in customer_ids))
        started: builtins.list[int] = []
        seq = s.get(StepSequence, sequence_id)
        if seq is None:
            raise NotFoundError(f"sequence {sequence_id}")
        for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
            friends = set(s.scalars(select(Customer.id).where(
                Customer.id.in_(chunk), Customer.line_user_id.is_not(None),
                Customer.blocked_at.is_(None))))
            runs = {r.customer_id: r for r in s.scalars(select(SequenceRun).where(
                SequenceRun.sequence_id == sequence_id,
                SequenceRun.customer_id.in_(chunk)))}
            for cid in chunk:
                if cid not in friends:
                    continue
                run = runs.get(cid)
                if run is not None and run.state == RUNNING:
                    continue
                if run is None:
                    s.add(SequenceRun(sequence_id=sequence_id, customer_id=cid,
                                      state=RUNNING, round=1, started_at=now,
                                      next_step=0, cause=cause))
                else:
                    run.state, run.round, run.started_at = RUNNING, run.round + 1, now
                    run.next_step, run.cause = 0, cause
                    run.stop_reason, run.ended_at = None, None
                AuditService.timeline_add(s, cid, "sequence_started", sequence=seq.name,
                                          cause=cause)
                started.append(cid)
        return started

    def tagged(self, tag_id: int) -> builtins.list[int]:
        """The customers with a tag (the window's "start for a tag")."""
        with self._book.db.read() as s:
            return [int(i) for i in s.scalars(select(CustomerTag.customer_id).where(
                CustomerTag.tag_id == tag_id).order_by(CustomerTag.customer_id))]

    def stop(self, sequence_id: int, customer_ids: Iterable[int], *, cause: str) -> int:
        """Stop friends' runs of the sequence (steps not yet sent are not sent); how many."""
        with self._book.db.write() as s:
            n = self.stop_in(s, sequence_id, customer_ids, cause=cause)
        if n:
            self._book.announce("sequences", [sequence_id])
        return n

    def stop_in(self, s: Any, sequence_id: int, customer_ids: Iterable[int], *,
                cause: str) -> int:
        """:meth:`stop` inside the caller's transaction (a rule's action); how many."""
        ids = [int(i) for i in customer_ids]
        seq = s.get(StepSequence, sequence_id)
        if seq is None:
            raise NotFoundError(f"sequence {sequence_id}")
        runs = list(s.scalars(select(SequenceRun).where(
            SequenceRun.sequence_id == sequence_id, SequenceRun.customer_id.in_(ids),
            SequenceRun.state == RUNNING)))
        for run in runs:
            self._end(s, run, seq.name, STOP_HAND, cause)
        return len(runs)

    @staticmethod
    def _end(s: Any, run: SequenceRun, name: str, reason: str, cause: str = "") -> None:
        run.state, run.stop_reason, run.ended_at = STOPPED, reason, utcnow()
        AuditService.timeline_add(s, run.customer_id, "sequence_stopped", sequence=name,
                                  reason=reason, cause=cause)

    def progress(self, sequence_id: int) -> builtins.list[Progress]:
        with self._book.db.read() as s:
            seq = s.get(StepSequence, sequence_id)
            if seq is None:
                raise NotFoundError(f"sequence {sequence_id}")
            steps = _steps(seq)
            out = []
            for run, display, name in s.execute(
                    select(SequenceRun, Customer.display_name, Customer.name)
                    .join(Customer, Customer.id == SequenceRun.customer_id)
                    .where(SequenceRun.sequence_id == sequence_id)
                    .order_by(SequenceRun.id)):
                nxt = steps[run.next_step].due(run.started_at) \
                    if run.state == RUNNING and run.next_step < len(steps) else None
                out.append(Progress(run.customer_id, name or display or "", run.state,
                                    run.next_step, run.started_at, nxt, run.stop_reason))
            return out

    # --- sending ---------------------------------------------------------------------------
    def due(self, now: dt.datetime) -> builtins.list[int]:
        """Runs with a step to send (or to retry) at ``now`` (naive UTC): their ids."""
        with self._book.db.read() as s:
            seqs = {q.id: _steps(q) for q in s.scalars(select(StepSequence))}
            retrying = set(s.scalars(select(SequenceSend.run_id).where(
                SequenceSend.state == SENDING)))
            out = []
            for rid, sid, start, nxt in s.execute(
                    select(SequenceRun.id, SequenceRun.sequence_id, SequenceRun.started_at,
                           SequenceRun.next_step).where(SequenceRun.state == RUNNING)
                    .order_by(SequenceRun.id)):
                steps = seqs.get(sid, [])
                if rid in retrying or nxt >= len(steps) or steps[nxt].due(start) <= now:
                    out.append(int(rid))
            return out

    def run_due(self, now: dt.datetime, gateway: LineGateway | None = None) -> RunReport:
        """Send every step due at ``now``, friend by friend, in order; blocks (a worker
        thread or the CLI). ``gateway``: the LINE client (made from the book's connection
        when None). Stops early on the monthly quota or when LINE cannot be reached: the
        next call resumes with the same keys."""
        from app.autopilot import schedule as handoff
        from app.sequences import birthday

        report = RunReport()
        birthday.start_due(self._book, now)
        if handoff.is_on(self._book):  # steps due within 7 days go to the relay
            handoff.tick(self._book, now, bookings=False)
        runs = self.due(now)
        if not runs:
            return report
        own = gateway is None
        gw = gateway or LineGateway(self._book.line.access_token(),
                                    api_base=self._book.line.api_base)
        try:
            for rid in runs:
                if not self._advance(rid, now, gw, report):
                    break
        finally:
            if own:
                gw.close()
        self._book.announce("sequences")
        return report

    def _advance(self, rid: int, now: dt.datetime, gw: LineGateway, report: RunReport) -> bool:
        """Send this friend's due steps in order; False when the whole run must stop."""
        while True:
            todo = self._prepare(rid, now, report)
            if todo is None:
                return True
            send_id, uid, key, messages = todo
            log.info("sequence send %d: trying", send_id)  # tests wait for this line

            d = deliver(functools.partial(gw.push, uid, messages, key), self.retry_policy)
            a = d.final
            with self._book.db.write() as s:
                send = s.get(SequenceSend, send_id)
                run = s.get(SequenceRun, rid)
                assert send is not None and run is not None
                send.attempts += d.attempts
                send.request_id = a.request_id or send.request_id
                if a.verdict.sent:
                    send.state = SENT
                    self._settled(s, run, send, report, sent=True)
                    continue_ = True
                elif a.verdict is Verdict.REFUSED and a.status != 401 and not d.maybe_accepted:
                    send.state, send.reason = FAILED, (a.reason or f"HTTP {a.status}")[:500]
                    self._settled(s, run, send, report, sent=False)
                    continue_ = True
                else:
                    # Quota, token refused, or LINE unreachable: the row stays "sending" with
                    # its key (never accepted, or maybe: the retry asks with the same key).
                    report.interrupted = ("quota" if a.verdict is Verdict.QUOTA else
                                          "token" if a.status == 401 else "unreachable")
                    continue_ = False
            if not continue_:
                report.detail = f"{a.verdict}, HTTP {a.status}"
                log.info("sequence sends interrupted: %s (%s)", report.interrupted,
                         report.detail)
                return False

    def _settled(self, s: Any, run: SequenceRun, send: SequenceSend, report: RunReport, *,
                 sent: bool) -> None:
        seq = s.get(StepSequence, run.sequence_id)
        name = seq.name if seq is not None else ""
        run.next_step = send.step + 1
        AuditService.timeline_add(s, run.customer_id,
                                  "sequence_step_sent" if sent else "sequence_step_failed",
                                  sequence=name, step=send.step + 1)
        if sent:
            report.sent += 1
        else:
            report.failed += 1
        if seq is None or run.next_step >= len(seq.steps):
            run.state, run.ended_at = DONE, utcnow()
            report.finished += 1

    def _prepare(self, rid: int, now: dt.datetime, report: RunReport
                 ) -> tuple[int, str, str, builtins.list[dict[str, Any]]] | None:
        """The next send of this run (stored before any try), or None: nothing due."""
        with self._book.db.write() as s:
            run = s.get(SequenceRun, rid)
            if run is None or run.state != RUNNING:
                return None
            seq = s.get(StepSequence, run.sequence_id)
            assert seq is not None
            steps = _steps(seq)
            send = s.scalar(select(SequenceSend).where(
                SequenceSend.run_id == rid, SequenceSend.round == run.round,
                SequenceSend.step == run.next_step))
            cust = s.get(Customer, run.customer_id)
            if send is not None and send.state in ("handing", "handed"):
                return None  # the relay's autopilot sends it (app/autopilot/schedule.py)
            if send is not None and send.state == SENDING:
                if cust is None or cust.line_user_id is None:
                    return None
                if key_still_honoured(send.key_made_ms, int(self.wall() * 1000)):
                    return send.id, cust.line_user_id, send.retry_key, list(send.messages)
                # LINE may have forgotten the key: retrying could deliver it twice, so it
                # is settled as failed (it may have arrived) and the next step follows.
                send.state, send.reason = FAILED, REASON_UNKNOWN
                self._settled(s, run, send, report, sent=False)
                if run.state != RUNNING:
                    return None
            if run.next_step >= len(steps):
                run.state, run.ended_at = DONE, utcnow()
                report.finished += 1
                return None
            reason = self._stop_reason(s, run, seq, cust)
            if reason is not None:
                self._end(s, run, seq.name, reason)
                report.stopped += 1
                return None
            step = steps[run.next_step]
            if step.due(run.started_at) > now:
                return None
            assert cust is not None and cust.line_user_id is not None
            texts = self.texts_for(s, run, seq, cust, step, now)
            send = SequenceSend(run_id=rid, round=run.round, step=run.next_step,
                                state=SENDING, retry_key=new_retry_key(),
                                key_made_ms=int(self.wall() * 1000), attempts=0,
                                messages=[{"type": "text", "text": t} for t in texts])
            s.add(send)
            s.flush()
            return send.id, cust.line_user_id, send.retry_key, list(send.messages)

    def texts_for(self, s: Any, run: SequenceRun, seq: StepSequence, cust: Customer,
                  step: Step, when: dt.datetime) -> builtins.list[str]:
        """A step's texts for a friend, placeholders and coupon filled in, as sent at
        ``when`` (naive UTC; a coupon's expiry counts from that day)."""
        values = load_values(s, [cust.id])[cust.id]
        # A birthday's coupon is the year's; a sequence's, that start's (round).
        purpose = run.cause if run.cause.startswith("birthday:") \
            else f"sequence:{seq.id}:{run.round}"
        sent_on = when.replace(tzinfo=dt.UTC).astimezone(JST).date()
        expires = None if step.coupon_days is None \
            else sent_on + dt.timedelta(days=step.coupon_days)
        return [render(coupons.render_in(s, cust.id, t, purpose, title=seq.name,
                                         expires_on=expires), values).text
                for t in step.texts]

    # The relay's autopilot plans steps ahead and settles them (app/autopilot/schedule.py).
    steps_of = staticmethod(_steps)

    def stop_reason(self, s: Any, run: SequenceRun, seq: StepSequence,
                    cust: Customer | None) -> str | None:
        return self._stop_reason(s, run, seq, cust)

    def settled(self, s: Any, run: SequenceRun, send: SequenceSend, report: RunReport, *,
                sent: bool) -> None:
        self._settled(s, run, send, report, sent=sent)

    def new_key(self) -> str:
        return new_retry_key()

    def wall_ms(self) -> int:
        return int(self.wall() * 1000)

    @staticmethod
    def _stop_reason(s: Any, run: SequenceRun, seq: StepSequence,
                     cust: Customer | None) -> str | None:
        if cust is None or cust.line_user_id is None:
            return STOP_GONE
        stop = seq.stop_on or {}
        if cust.blocked_at is not None:
            # A blocked friend cannot receive anything: the run stops whatever stop_on says.
            return STOP_BLOCK
        tags = [int(t) for t in stop.get("tags", [])]
        if tags and s.scalar(select(CustomerTag.tag_id).where(
                CustomerTag.customer_id == cust.id, CustomerTag.tag_id.in_(tags)).limit(1)):
            return STOP_TAG
        if stop.get("reply"):
            since = int(run.started_at.replace(tzinfo=dt.UTC).timestamp() * 1000)
            if s.scalar(select(Message.id).where(
                    Message.customer_id == cust.id, Message.direction == "in",
                    Message.type.not_in(("system", "postback")),
                    Message.at_ms >= since).limit(1)):
                return STOP_REPLY
        return None
