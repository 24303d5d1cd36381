"""The rules engine: pending domain events through the enabled rules, once each.

Each pass (:func:`run_pending`) reads a batch of events not yet handled and, in **one
write transaction**, runs every matching rule's actions and marks each event handled:
the actions and the marks commit together or not at all, so a rule acts at most once per
event even when the process is killed at any point (a kill before the commit leaves the
batch to do again, with nothing done). An action that fails (a value the field refuses)
is rolled back alone (a savepoint per rule and event) and noted; the event is still
marked, so it is not retried forever.

Events caused by rules carry ``depth`` + 1; beyond :data:`MAX_DEPTH` they are marked
handled without running anything (cycles are also refused when a rule is saved, this is
the belt to those braces). Messages are stored (``rule_send``) with the handling and sent
after the commit: see :func:`send_pending`.

Conditions (If) are checked inside the transaction, against the book as the batch has
changed it so far: tag and points actions wait to be written in bulk
(:mod:`app.automation.bulk`) and are written before any condition is checked and before
any other action runs, so every rule sees what earlier firings did.
"""

from __future__ import annotations

import logging
import os
import signal
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.orm import Session

from app import domain_events
from app.automation import model
from app.automation.actions import ACTIONS, FIELD_MEMO, TAG_NAMES, Ctx, write_rows
from app.automation.bulk import BatchWrites
from app.errors import OtokuiError
from app.i18n import QT_TRANSLATE_NOOP
from app.store.models import DomainEvent, Message, SavedSegment, utcnow
from app.store.models_rules import Rule, RuleSend

if TYPE_CHECKING:
    from app.book import Book

log = logging.getLogger("otokui.rules")

MAX_DEPTH: Final = 3
BATCH: Final = 500
#: Test hook only (tests/automation/test_kill.py): "in_batch" kills this process with
#: SIGKILL inside the first batch's transaction after its actions ran, "after_batch"
#: right after the first batch committed.
CRASH_HOOK_ENV: Final = "OTOKUI_TEST_RULES_CRASH"


def _crash_hook(point: str) -> None:
    if os.environ.get(CRASH_HOOK_ENV) == point:
        os.kill(os.getpid(), signal.SIGKILL)


@dataclass
class EngineReport:
    events: int = 0
    fired: int = 0
    actions: int = 0
    failed: int = 0
    skipped_deep: int = 0
    sent: int = 0
    send_failed: int = 0
    notices: list[tuple[int, str]] = field(default_factory=list)
    customers: set[int] = field(default_factory=set)


@dataclass
class _Active:
    id: int
    name: str
    when: dict[str, Any]
    cond: dict[str, Any] | None
    then: list[dict[str, Any]]
    #: A keyword rule's words, folded once (None: another kind; see :func:`_firing`).
    words: tuple[str, ...] | None = None
    #: Published to the relay's autopilot (app/automation/instant.py).
    instant: bool = False


def _active_rules(s: Session) -> dict[str, list[_Active]]:
    """The enabled, unbroken rules by the event kind they listen to."""
    out: dict[str, list[_Active]] = {}
    for r in s.scalars(select(Rule).where(Rule.enabled.is_(True)).order_by(Rule.id)):
        if model.broken(s, r.spec) is not None:
            continue
        when = r.spec["when"]
        words = (tuple(model.fold(w) for w in when["words"]) if when["kind"] == "keyword"
                 else None)
        out.setdefault(model.TRIGGERS[when["kind"]], []).append(
            _Active(r.id, r.name, when, r.spec.get("if"), r.spec["then"], words,
                    bool(r.spec.get("instant"))))
    return out


#: What the active rules depend on: the rules themselves and whether what they name
#: (tags, fields, forms, segments, sequences) still exists. Read once per batch; the
#: rules are loaded and checked again only when it changed (checking 50 rules cost more
#: than a batch's matching: docs/performance-automation.md).
_RULES_STATE = text(
    "SELECT (SELECT group_concat(id || ':' || enabled || ':' || updated_at) FROM rule),"
    " (SELECT count(*) || ':' || coalesce(max(id), 0) FROM tag),"
    " (SELECT count(*) || ':' || coalesce(max(id), 0) FROM custom_field),"
    " (SELECT count(*) || ':' || coalesce(max(id), 0) FROM form),"
    " (SELECT count(*) || ':' || coalesce(max(id), 0) FROM segment),"
    " (SELECT count(*) || ':' || coalesce(max(id), 0) FROM step_sequence)")


class _RulesMemo:
    """The active rules, kept across the batches of one run while nothing they depend
    on changed (:data:`_RULES_STATE`)."""

    def __init__(self) -> None:
        self._state: Any = None
        self._rules: dict[str, list[_Active]] = {}

    def get(self, s: Session) -> dict[str, list[_Active]]:
        state = tuple(s.execute(_RULES_STATE).one())
        if state != self._state:
            self._rules, self._state = _active_rules(s), state
        return self._rules


def _firing(rules: list[_Active], kind: str, data: dict[str, Any], text_of: str | None
            ) -> list[_Active]:
    """The rules this event fires: ``model.matches``, with the message folded once and a
    keyword rule's words folded when the rules were loaded (a batch of messages through
    40 keyword rules is a loop of ``in`` tests, so it is written as one)."""
    folded = model.fold(text_of) if text_of else ""
    out: list[_Active] = []
    for rule in rules:
        words = rule.words
        if words is None:
            if model.matches(rule.when, kind, data, text_of, rule.id):
                out.append(rule)
        elif folded:
            if rule.when.get("match") == "all":
                if all(w in folded for w in words):
                    out.append(rule)
            else:
                for w in words:
                    if w in folded:
                        out.append(rule)
                        break
    return out


def condition_holds(book: Book, s: Session, cond: dict[str, Any] | None, customer_id: int,
                    cache: dict[str, Any] | None = None) -> bool:
    """Whether the customer is in the rule's segment (saved or inline), inside ``s``."""
    if not cond:
        return True
    from app.segments import from_json
    from app.segments.service import SegmentService

    raw = cond.get("condition")
    if "segment_id" in cond:
        seg = s.get(SavedSegment, cond["segment_id"])
        if seg is None:
            return False
        raw = seg.condition
    facts = (cache or {}).get("facts") or SegmentService._facts(s)
    if cache is not None:
        cache["facts"] = facts
    plan = book.segments._plan(from_json(raw), facts, None, prefix="rule")
    sql = (f"SELECT 1 FROM ({plan.recipients()}) WHERE id = :_rule_cid "  # noqa: S608
           f"UNION ALL SELECT 1 FROM ({plan.matched_blocked()}) WHERE id = :_rule_cid")
    return s.execute(text(sql), {**plan.params, "_rule_cid": customer_id}).first() is not None


def _texts(s: Session, events: list[Any]) -> dict[str, str]:
    ids = [e.data.get("line_message_id") for e in events
           if e.kind == domain_events.MESSAGE_RECEIVED and e.data.get("line_message_id")]
    out: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        for lid, body in s.execute(select(Message.line_message_id, Message.text)
                                   .where(Message.line_message_id.in_(ids[start:start + 500]))):
            if lid is not None:
                out[lid] = body or ""
    return out


def run_pending(book: Book, *, send: bool = True, max_batches: int = 1000) -> EngineReport:
    """Handle every pending domain event (then send what the rules stored, unless
    ``send`` is False)."""
    from app.autopilot.schedule import is_on

    report = EngineReport()
    memo = _RulesMemo()
    # Read once a run: an instant rule's message waits for the relay only while the
    # autopilot is on (app/automation/instant.py).
    autopilot = is_on(book)
    for _ in range(max_batches):
        with book.db.write() as s:
            if not s.scalar(select(Rule.id).where(Rule.enabled.is_(True)).limit(1)):
                # No rule on (the common case, and the sync's hot path): every pending
                # event is handled with nothing to do, in one UPDATE; no rule switched on
                # later acts on what happened before it.
                done = s.execute(update(DomainEvent).where(DomainEvent.handled_at.is_(None))
                                 .values(handled_at=utcnow()))
                report.events += int(getattr(done, "rowcount", 0) or 0)
                break
            events = domain_events.pending(s, limit=BATCH)
            if not events:
                break
            _handle(book, s, events, report, memo.get(s), autopilot=autopilot)
            _crash_hook("in_batch")
        _crash_hook("after_batch")
    if report.customers:
        book.announce("customers", sorted(report.customers))
    if report.fired:
        book.announce("rules", [])
    if report.notices:
        # Written with the batch (timeline lines): the window shows the unseen ones
        # (app/automation/notices.py), whichever thread ran the rules.
        book.announce("notices", [])
    if send:
        send_pending(book, report)
    return report


def _handle(book: Book, s: Session, events: list[Any], report: EngineReport,
            rules: dict[str, list[_Active]], *, autopilot: bool = False) -> None:
    if not any(ev.kind in rules for ev in events):
        # The common case (no rule listens to any of them): one UPDATE for the batch.
        ids = [ev.id for ev in events]
        s.execute(update(DomainEvent).where(DomainEvent.id.in_(ids),
                                            DomainEvent.handled_at.is_(None))
                  .values(handled_at=utcnow()))
        report.events += len(ids)
        return
    texts = _texts(s, events)
    s.info[TAG_NAMES] = {}  # tag names remembered for this batch (actions.tag_name)
    s.info[FIELD_MEMO] = {}  # and the points fields (actions._points_run)
    # The whole batch is marked in one statement, in the same transaction as the actions
    # (all commit or none): one UPDATE per event flushed the actions' pending rows each
    # time and was most of the engine's cost (docs/performance-automation.md).
    marked = domain_events.mark_all_handled(s, [ev.id for ev in events])
    firings: list[tuple[Any, _Active]] = []
    for ev in events:
        report.events += 1
        if ev.id not in marked:
            continue
        if ev.customer_id is None or not rules.get(ev.kind):
            continue
        if ev.depth > MAX_DEPTH:
            report.skipped_deep += 1
            continue
        text_of = texts.get(ev.data.get("line_message_id", ""))
        firings.extend((ev, rule) for rule in _firing(rules[ev.kind], ev.kind, ev.data,
                                                      text_of))
    if not firings:
        return
    # One savepoint for the whole batch (per-firing savepoints cost a flush and two
    # statements each); when an action fails, the batch's firings are rolled back and
    # run again one savepoint each, so that only the failing one is left out.
    try:
        with s.begin_nested():
            done = _fire(book, s, firings, isolate=False, autopilot=autopilot)
    except Exception:
        log.info("an action failed in a batch; its firings run again one by one")
        done = _fire(book, s, firings, isolate=True, autopilot=autopilot)
    report.fired += done.fired
    report.actions += done.actions
    report.failed += done.failed
    report.notices += done.notices
    report.customers |= done.customers
    if done.counts:
        s.connection().execute(
            update(Rule).where(Rule.id == bindparam("b_id")).values(
                fired=Rule.fired + bindparam("b_fired"),
                actions_done=Rule.actions_done + bindparam("b_n")),
            [{"b_id": rid, "b_fired": fired, "b_n": n}
             for rid, (fired, n) in done.counts.items()])


@dataclass
class _Fired:
    fired: int = 0
    actions: int = 0
    failed: int = 0
    notices: list[tuple[int, str]] = field(default_factory=list)
    customers: set[int] = field(default_factory=set)
    counts: dict[int, list[int]] = field(default_factory=dict)


def _fire(book: Book, s: Session, firings: list[tuple[Any, _Active]], *,
          isolate: bool, autopilot: bool = False) -> _Fired:
    """Run the firings' conditions and actions inside ``s``. Not ``isolate``: the first
    failure raises (the caller rolls the batch back). ``isolate``: each firing in its own
    savepoint; a failing one is rolled back alone, counted and logged."""
    out = _Fired()
    cache: dict[str, Any] = {}
    timeline: list[dict[str, Any]] = []
    sends: list[dict[str, Any]] = []
    # Tag and points writes wait here and go in bulk; written before anything could read
    # them: a condition, an action that is not deferred, the end of a firing's savepoint.
    writes = BatchWrites()
    for ev, rule in firings:
        savepoint = s.begin_nested() if isolate else None
        try:
            if rule.cond:
                writes.flush(s)
            if not condition_holds(book, s, rule.cond, ev.customer_id, cache):
                if savepoint is not None:
                    savepoint.rollback()
                continue
            ctx = Ctx(book, s, ev.customer_id, rule.id, rule.name, ev.key, ev.depth + 1, 0,
                      writes=writes, instant=rule.instant and autopilot)
            for i, action in enumerate(rule.then):
                ctx.index = i
                spec = ACTIONS[action["kind"]]
                if not spec.deferred and (spec.reads_waiting is None
                                          or spec.reads_waiting(action)):
                    writes.flush(s)
                spec.run(ctx, action)
            if savepoint is not None:
                writes.flush(s)
                write_rows(s, ctx.timeline, ctx.sends)
                savepoint.commit()
        except Exception:
            if savepoint is None:
                raise
            savepoint.rollback()
            # What the failed firing left waiting goes with it.
            writes = BatchWrites()
            out.failed += 1
            log.warning("a rule's action failed (rule %s); the event is handled",
                        rule.id, exc_info=True)
            continue
        timeline += ctx.timeline
        sends += ctx.sends
        out.fired += 1
        out.actions += len(rule.then)
        out.notices += ctx.notices
        out.customers.add(ev.customer_id)
        c = out.counts.setdefault(rule.id, [0, 0])
        c[0] += 1
        c[1] += len(rule.then)
    if not isolate:
        writes.flush(s)
        write_rows(s, timeline, sends)
    return out


#: Rule messages claimed and settled per transaction (a crash right after a claim leaves
#: at most this many unsent: at most once).
SEND_CHUNK: Final = 50


def send_pending(book: Book, report: EngineReport | None = None) -> EngineReport:
    """Send the messages rules stored: each as a reply while the friend's reply token is
    still valid, else as a push (book.sending: the inbox's one way to send, which rides
    out 429/5xx with its retry policy and the stored retry key). Rows are marked
    "sending" (committed) before any of them is sent, so a crash never sends one twice:
    at most once. Claims and outcomes are written per chunk of :data:`SEND_CHUNK` (one
    transaction each, not two per message), and one LINE client serves the whole run.
    A chunk goes through ``book.sending.send_many``: its messages stored in one
    transaction before the first is tried and settled in one after the last.
    """
    from app.automation import instant

    report = report or EngineReport()
    # Instant rules' messages the relay has answered for (or not, in time) first.
    instant.settle(book)
    with book.db.read() as s:
        rows = [(r.id, r.customer_id, r.text, r.images) for r in s.scalars(
            select(RuleSend).where(RuleSend.state == "pending").order_by(RuleSend.id))]
    if not rows:
        return report
    try:
        _send_rows(book, rows, report)
    finally:
        if any(images for *_, images in rows):
            _prune_images(book)
    return report


def _prune_images(book: Book) -> None:
    """Remove the photos of rules deleted while their messages waited to be sent."""
    from app.automation import images

    with book.db.write() as s:
        gone = images.prune(s)
    book.attachments.remove_blobs(gone)


def _bubbles(book: Book, text: str, photos: list[dict[str, Any]] | None) -> list[Any]:
    """The send's bubbles: the text (when there is one), then the photos, read from the
    book into memory (:class:`MissingImageError` when one is gone)."""
    from app.automation import images
    from app.line.send.bubbles import ImageBubble, TextBubble

    bubbles: list[Any] = [TextBubble(text)] if text.strip() else []
    if photos:
        with book.db.read() as s:
            data = images.read(book, s, photos)
        if data is None:
            raise MissingImageError(f"{len(photos)} photos")
        bubbles += [ImageBubble(d) for d in data]
    return bubbles


def _send_rows(book: Book, rows: list[tuple[int, int, str, Any]],
               report: EngineReport) -> None:
    from app.line.gateway import LineGateway

    gateway: LineGateway | None = None
    try:
        gateway = LineGateway(book.line.access_token(), api_base=book.line.api_base)
    except Exception:  # no token: each send below says so in its own words
        gateway = None
    try:
        for start in range(0, len(rows), SEND_CHUNK):
            chunk = rows[start:start + SEND_CHUNK]
            with book.db.write() as s:
                claimed = set(s.scalars(update(RuleSend).where(
                    RuleSend.id.in_([r[0] for r in chunk]), RuleSend.state == "pending")
                    .values(state="sending").returning(RuleSend.id)
                    .execution_options(synchronize_session=False)))
            mine = [row for row in chunk if row[0] in claimed]
            # Each send's bubbles; one whose photo is gone fails alone.
            results: dict[int, Any] = {}
            ready: list[tuple[int, tuple[int, list[Any]]]] = []
            for rid, cid, body, photos in mine:
                try:
                    ready.append((rid, (cid, _bubbles(book, body, photos))))
                except Exception as exc:
                    results[rid] = exc
            try:
                sent = book.sending.send_many([item for _, item in ready], automatic=True,
                                              sender=gateway)
                results.update(zip([rid for rid, _ in ready], sent, strict=True))
            except Exception as exc:  # the chunk as a whole failed: each send is failed
                results.update((rid, exc) for rid, _ in ready)
            outcomes: list[dict[str, Any]] = []
            for rid, *_ in mine:
                result = results[rid]
                state, via, error = "failed", None, None
                if isinstance(result, OtokuiError):
                    error = result.code
                elif isinstance(result, Exception):
                    error = type(result).__name__
                else:
                    state = "sent" if result.ok else "failed"
                    via, error = result.via, result.error_code
                outcomes.append({"b_id": rid, "b_state": state, "b_via": via, "b_error": error})
                if state == "sent":
                    report.sent += 1
                else:
                    report.send_failed += 1
            if outcomes:
                with book.db.write() as s:
                    s.connection().execute(
                        update(RuleSend).where(RuleSend.id == bindparam("b_id")).values(
                            state=bindparam("b_state"), via=bindparam("b_via"),
                            error=bindparam("b_error")), outcomes)
    finally:
        if gateway is not None:
            gateway.close()


class MissingImageError(OtokuiError):
    """A rule's photo is no longer in the book (its file was removed outside Otokui)."""

    code = "rule-image-missing"
    message = QT_TRANSLATE_NOOP(
        "RuleError", "A photo of this rule's message is missing from the book.")
    advice = QT_TRANSLATE_NOOP("RuleError", "Open the rule, add the photo again and save it.")
