"""``book.broadcasts``: plan, store, send, resume, cancel, schedule and look back.

docs/broadcasts.md has the owner's version. The parts of sending to LINE that one
customer's messages use too (retry keys, LINE's answers as verdicts, the retry loop, the
HTTP calls, the quota) come from :mod:`app.line.send`.
"""

from __future__ import annotations

import builtins
import csv
import datetime as dt
import io
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, text

from app import fsutil
from app.audit import AuditService
from app.broadcast import images, jobs
from app.broadcast.engine import STOP_CANCELLED, STOP_QUOTA, STOP_TOKEN, Run
from app.broadcast.errors import (
    BroadcastFinishedError,
    BroadcastImagesExpiredError,
    NoOwnerError,
    NoRecipientsError,
    PlanChangedError,
    QuotaExceededError,
    ScheduledTooLateForImagesError,
)
from app.broadcast.model import (
    CANCELLED,
    DONE,
    FAILED,
    FINAL_STATES,
    MULTICAST,
    NOT_SENT,
    PENDING,
    PUSH,
    READY,
    REASON_CANCELLED,
    REASON_IMAGES_EXPIRED,
    REASON_QUOTA,
    REASON_UNKNOWN,
    SCHEDULED,
    SENDING,
    STOPPED,
    TRYING,
    BroadcastImage,
    BroadcastInfo,
    BroadcastPlan,
    BroadcastReport,
    Counts,
    RecipientResult,
    Recipients,
)
from app.broadcast.ratelimit import DEFAULT_RATES, Rate, TokenBucket
from app.errors import NotFoundError, ValidationError
from app.i18n import QT_TRANSLATE_NOOP
from app.line.errors import LineTokenRejectedError
from app.line.send.bubbles import ImageBubble, TextBubble
from app.line.send.delivery import RETRY_KEY_SAFE_S, RetryPolicy, new_retry_key
from app.placeholders import is_personal, load_values, render, unknown_in
from app.segments import Group, TagCondition
from app.store.models import Broadcast, BroadcastRecipient, Customer, utcnow
from app.store.models import BroadcastImage as ImageRow

if TYPE_CHECKING:
    from app.book import Book
    from app.line.send.service import OutgoingResult

log = logging.getLogger("otokui.broadcasts")

_CTX = "broadcasts"
MULTICAST_MAX = 500
#: A scheduled broadcast this late is still "due" (the window's timer ticks, the computer
#: was busy); later than this it is "missed" and only sent when the owner says so.
DUE_GRACE = dt.timedelta(minutes=10)
AUDIT_CREATED = "broadcast_created"
AUDIT_EXPORT = "broadcast_export"
_BOM = b"\xef\xbb\xbf"


def _utc_naive(when: dt.datetime) -> dt.datetime:
    """Stored times are naive UTC; a naive ``when`` is this computer's local time."""
    if when.tzinfo is None:
        when = when.astimezone()
    return when.astimezone(dt.UTC).replace(tzinfo=None)


def _as_list(bubbles: Any) -> list[Any]:
    if isinstance(bubbles, str | TextBubble | ImageBubble):
        return [bubbles]
    return list(bubbles or [])


class BroadcastService:
    def __init__(self, book: Book) -> None:
        self._book = book
        #: Requests per endpoint; change before run() (tests, a channel with other senders).
        self.rates: dict[str, Rate] = dict(DEFAULT_RATES)
        self.retry_policy = RetryPolicy()
        #: Requests in flight at once (the bucket, not this, keeps the rate).
        self.threads = {MULTICAST: 4, PUSH: 32}
        #: Batches per write: settled outcomes are stored at least this often.
        self.wave = {MULTICAST: 20, PUSH: 400}
        self.clock: Callable[[], float] = time.time
        self._running: dict[int, threading.Event] = {}
        self._guard = threading.Lock()

    # --- planning -------------------------------------------------------------------------

    def _friends(self) -> dict[int, str]:
        """Every customer who can receive: on LINE and not blocked, id → LINE user id."""
        with self._book.db.read() as s:
            # A plain cursor: 100,000 ORM rows would cost more than the query.
            cur = jobs.cursor(s)
            try:
                return dict(cur.execute(
                    "SELECT id, line_user_id FROM customer WHERE line_user_id IS NOT NULL "
                    "AND line_user_id != '' AND blocked_at IS NULL").fetchall())
            finally:
                cur.close()

    def _resolve(self, recipients: Recipients) -> list[tuple[int, str]]:
        segs = self._book.segments
        if recipients.kind == "segment":
            cond = segs.get(int(recipients.segment_id or 0))
            if cond.problem is not None:
                raise cond.problem
            ids: list[int] | None = segs.ids(cond.condition)
        elif recipients.kind == "condition":
            ids = segs.ids(recipients.condition)
        elif recipients.kind == "tag":
            self._book.tags.get(int(recipients.tag_id or 0))  # NotFoundError if deleted
            ids = segs.ids(Group(items=(TagCondition("any", (int(recipients.tag_id or 0),)),)))
        elif recipients.kind == "customers":
            ids = list(recipients.customer_ids)
        elif recipients.kind == "all":
            ids = None
        else:
            raise ValidationError(recipients.kind)
        friends = self._friends()
        if ids is None:
            return sorted(friends.items())
        return sorted((i, friends[i]) for i in set(ids) if i in friends)

    def plan(self, bubbles: list[Any] | str, recipients: Recipients, *, name: str = "",
             at: dt.datetime | None = None) -> BroadcastPlan:
        """Who would receive it, what it costs and what remains of the month (asks LINE).

        ``bubbles``: 1-5 of text (str or TextBubble) and ImageBubble, checked as the inbox
        checks them (images are read here and uploaded by :meth:`create`).
        """
        items = images.check(bubbles)
        texts = tuple(i for i in items if isinstance(i, str))
        targets = tuple(self._resolve(recipients))
        quota = self._book.sending.quota(refresh=True)
        field_names = [f.name for f in self._book.fields.list()]
        unknown = tuple(dict.fromkeys(p for t in texts for p in unknown_in(t, field_names)))
        return BroadcastPlan(
            texts=texts, recipients=recipients, targets=targets,
            name=" ".join(str(name).split())[:100], at=at,
            personal=any(is_personal(t) for t in texts), cost=len(targets),
            quota_remaining=quota.remaining, unknown_placeholders=unknown, items=items)

    # --- storing ----------------------------------------------------------------------------

    def create(self, plan: BroadcastPlan, *, trim_to_quota: bool = False,
               confirmed: int | None = None) -> int:
        """Store the job: batches with their retry keys, one row per recipient.

        Over the month's quota it is refused (:class:`QuotaExceededError`) unless
        ``trim_to_quota``: then the first recipients (by id) up to the quota get it and
        the rest are recorded "not sent" (reason quota). ``confirmed``: how many the owner
        agreed to send to; a plan that now sends to another number raises
        :class:`PlanChangedError` and stores nothing.

        Images are uploaded to the relay here, once, before anything is stored; if that
        fails the relay client's error is raised (media not available, full, unreachable)
        and nothing is stored. A scheduled broadcast with images must leave the relay's
        copy 7 days of life after its time (:class:`ScheduledTooLateForImagesError`).
        """
        if confirmed is not None and plan.sending(trim_to_quota) != confirmed:
            # The owner said yes to other numbers: they decide again on the new ones.
            raise PlanChangedError(f"{confirmed} -> {plan.sending(trim_to_quota)}")
        if not plan.targets:
            raise NoRecipientsError()
        keep = len(plan.targets)
        if plan.exceeds_quota:
            if not trim_to_quota:
                raise QuotaExceededError(f"{plan.cost} > {plan.quota_remaining}")
            keep = int(plan.quota_remaining or 0)
            if keep == 0:
                raise QuotaExceededError(f"{plan.cost} > 0")
        items = plan.items or plan.texts
        uploaded = images.upload(self._book, items)
        try:
            bid = self._store(plan, keep, items, uploaded)
        except BaseException:
            # Nothing stored: the images on the relay would serve nobody.
            images.take_down(self._book, uploaded)
            raise
        self._book.announce("broadcasts", [bid])
        return bid

    def _store(self, plan: BroadcastPlan, keep: int, items: tuple[Any, ...],
               uploaded: list[images.Uploaded]) -> int:
        latest = images.latest_time(uploaded)
        if plan.at is not None and latest is not None and _utc_naive(plan.at) > latest:
            raise ScheduledTooLateForImagesError(
                f"latest {latest.isoformat(timespec='minutes')} UTC")
        content = images.content(items, uploaded)
        bubbles = content["bubbles"]
        sending, left = plan.targets[:keep], plan.targets[keep:]
        personal: dict[int, list[dict[str, Any]]] = {}
        if plan.personal:
            with self._book.db.read() as s:
                values = load_values(s, [cid for cid, _ in sending])
            for cid, _ in sending:
                v = values.get(cid)
                personal[cid] = [images.line_message(
                    b, render(b["text"], v).text if v is not None and b["type"] == "text"
                    else None) for b in bubbles]
        if plan.personal:
            groups = [[t] for t in sending]
        else:
            groups = [list(sending[i:i + MULTICAST_MAX])
                      for i in range(0, len(sending), MULTICAST_MAX)]
        now = utcnow()
        now_ms = int(self.clock() * 1000)
        with self._book.db.write() as s:
            job = Broadcast(
                name=plan.name, state=SCHEDULED if plan.at is not None else READY,
                endpoint=plan.endpoint, content=content,
                audience=plan.recipients.describe(),
                scheduled_at=_utc_naive(plan.at) if plan.at is not None else None,
                recipients=len(plan.targets), cost=len(sending), sent=0, failed=0,
                skipped=0, not_sent=len(left), created_at=now)
            s.add(job)
            s.flush()
            bid = job.id
            for u in uploaded:
                s.add(ImageRow(broadcast_id=bid, position=u.position,
                               content_type=u.image.content_type, size=len(u.image.data),
                               sha256=u.image.sha256, data=u.image.data))
            batch_ids = jobs.insert_batches(s, bid, [len(g) for g in groups],
                                            [new_retry_key() for _ in groups], now_ms)
            jobs.insert_recipients(s, bid, (
                (batch_id, cid, uid, PENDING, None, personal.get(cid))
                for batch_id, group in zip(batch_ids, groups, strict=True)
                for cid, uid in group))
            jobs.insert_recipients(s, bid, ((None, cid, uid, NOT_SENT, REASON_QUOTA, None)
                                            for cid, uid in left))
            AuditService.add(s, AUDIT_CREATED, target=f"broadcast:{bid}", count=len(sending),
                             endpoint=plan.endpoint, trimmed=len(left), images=len(uploaded))
        log.info("broadcast %d stored: %d recipients in %d batches (%s), %d images", bid,
                 len(sending), len(groups), plan.endpoint, len(uploaded))
        return bid

    # --- sending ----------------------------------------------------------------------------

    def run(self, broadcast_id: int, *, progress: Callable[[int, int], None] | None = None,
            cancel: Callable[[], bool] | None = None) -> BroadcastReport:
        """Send what is left of a stored broadcast; blocks (run it on a worker thread).

        ``progress(settled, recipients)`` after each wave; ``cancel()`` is polled between
        requests (as :meth:`cancel` does from another thread). Returns the report; state
        "interrupted" when LINE could not be reached (run it again: nobody gets it twice).
        """
        with self._guard:
            if broadcast_id in self._running:
                raise ValidationError(str(broadcast_id), message=QT_TRANSLATE_NOOP(
                    _CTX, "This broadcast is being sent already."))
            stop = threading.Event()
            self._running[broadcast_id] = stop
        try:
            return self._run(broadcast_id, stop, progress, cancel)
        finally:
            with self._guard:
                self._running.pop(broadcast_id, None)

    def _run(self, bid: int, stop: threading.Event,
             progress: Callable[[int, int], None] | None,
             cancel: Callable[[], bool] | None) -> BroadcastReport:
        with self._book.db.write() as s:
            job = s.get(Broadcast, bid)
            if job is None:
                raise NotFoundError(f"broadcast {bid}")
            if job.state in FINAL_STATES:
                if job.state == CANCELLED:
                    # Left "sending" by a process that died: they may have arrived.
                    jobs.settle_rest(s, bid, FAILED, REASON_UNKNOWN, include_trying=True)
                    return BroadcastReport(bid, job.state, jobs.store_counts(s, bid))
                return BroadcastReport(bid, job.state, jobs.counts(s, bid))
            endpoint, messages = job.endpoint, images.line_messages(job.content)
            ends = images.stored_expiry_ms(job.content)
            if ends is not None and ends < int(self.clock() * 1000) + images.SEND_MARGIN_MS:
                # The URLs would show customers a broken picture: the rest is not sent.
                jobs.settle_rest(s, bid, NOT_SENT, REASON_IMAGES_EXPIRED)
                jobs.settle_rest(s, bid, FAILED, REASON_UNKNOWN, include_trying=True)
                jobs.store_counts(s, bid)
                job.state, job.error = STOPPED, BroadcastImagesExpiredError.code
                job.finished_at = utcnow()
                expired = True
            else:
                expired = False
                job.state = SENDING
                job.started_at = job.started_at or utcnow()
                self._renew_keys(s, bid)
                start = jobs.store_counts(s, bid)
        self._book.announce("broadcasts", [bid])
        if expired:
            raise BroadcastImagesExpiredError()
        bucket = TokenBucket(self.rates[endpoint])
        runner = Run(self._book, bid, endpoint, messages, bucket=bucket,
                     policy=self.retry_policy, threads=self.threads[endpoint],
                     wave=self.wave[endpoint], stop=stop, progress=progress, cancel=cancel)
        reason = runner.go(start.recipients - start.pending, start.recipients)
        state, error = SENDING, None
        with self._book.db.write() as s:
            if reason == STOP_QUOTA:
                state, error = STOPPED, REASON_QUOTA
                jobs.settle_rest(s, bid, NOT_SENT, REASON_QUOTA)
            elif reason == STOP_CANCELLED:
                state = CANCELLED
                jobs.settle_rest(s, bid, NOT_SENT, REASON_CANCELLED)
            elif reason is None:
                state = DONE
            if state in (STOPPED, CANCELLED):
                # Tried, answer never heard, and no more tries now: it may have arrived.
                jobs.settle_rest(s, bid, FAILED, REASON_UNKNOWN, include_trying=True)
            counts = jobs.store_counts(s, bid)
            job = s.get(Broadcast, bid)
            assert job is not None
            if job.state != CANCELLED:  # cancel() from another process wins
                job.state = state
            job.error = error if reason != STOP_TOKEN else LineTokenRejectedError.code
            if state != SENDING:
                job.finished_at = utcnow()
            state = job.state
        self._book.announce("broadcasts", [bid])
        log.info("broadcast %d: %s (%d sent, %d failed, %d skipped, %d not sent)", bid,
                 state, counts.sent, counts.failed, counts.skipped, counts.not_sent)
        if reason == STOP_TOKEN:
            raise LineTokenRejectedError()
        return BroadcastReport(bid, "interrupted" if state == SENDING else state, counts,
                               runner.batches_sent, error)

    def _renew_keys(self, s: Any, bid: int) -> None:
        now_ms = int(self.clock() * 1000)
        old = jobs.old_batches(s, bid, now_ms - RETRY_KEY_SAFE_S * 1000)
        fresh = {b: (new_retry_key(), now_ms) for b, state in old if state == PENDING}
        jobs.renew_old_keys(s, bid, fresh)
        tried = [b for b, state in old if state == TRYING]
        if tried:
            # Tried, and LINE may have forgotten the key: sending again could make a second
            # copy; the owner is told these may have arrived.
            jobs.set_batches(s, [(b, FAILED, 0, None, None, REASON_UNKNOWN) for b in tried])

    def resume_all(self) -> list[BroadcastReport]:
        """Finish broadcasts a crash, a kill or a lost connection interrupted (and stored
        ones never started); call once after the book is opened. Scheduled ones wait."""
        with self._book.db.read() as s:
            ids = list(s.scalars(select(Broadcast.id).where(
                Broadcast.state.in_((SENDING, READY))).order_by(Broadcast.id)))
        reports = []
        for i in ids:
            if i in self._running:
                continue
            try:
                reports.append(self.run(i))
            except BroadcastImagesExpiredError:
                # Recorded as stopped with the reason; the others still go.
                reports.append(BroadcastReport(i, STOPPED, self.get(i).counts,
                                               error=BroadcastImagesExpiredError.code))
        return reports

    def cancel(self, broadcast_id: int) -> None:
        """Stop sending: batches not yet sent are not sent. Running here: it stops after
        the requests in flight; otherwise at once (stored, so no later run sends it)."""
        with self._book.db.write() as s:
            job = s.get(Broadcast, broadcast_id)
            if job is None:
                raise NotFoundError(f"broadcast {broadcast_id}")
            if job.state in FINAL_STATES:
                raise BroadcastFinishedError()
            running = self._running.get(broadcast_id)
            job.state = CANCELLED
            if running is None:
                # Not running here; maybe in another process (the app and the CLI): only
                # never-tried batches are settled here. That process sees the state before
                # its next wave and settles what it has in flight; batches a dead process
                # may have tried are settled by the next run() of this job.
                jobs.settle_rest(s, broadcast_id, NOT_SENT, REASON_CANCELLED)
                jobs.store_counts(s, broadcast_id)
                job.finished_at = utcnow()
        if running is not None:
            running.set()
        self._book.announce("broadcasts", [broadcast_id])

    # --- scheduling -----------------------------------------------------------------------

    def _scheduled(self, now: dt.datetime, late: bool) -> list[int]:
        now_utc = _utc_naive(now)
        with self._book.db.read() as s:
            q = select(Broadcast.id).where(Broadcast.state == SCHEDULED,
                                           Broadcast.scheduled_at <= now_utc)
            edge = Broadcast.scheduled_at < now_utc - DUE_GRACE
            q = q.where(edge if late else ~edge)
            return list(s.scalars(q.order_by(Broadcast.scheduled_at, Broadcast.id)))

    def due(self, now: dt.datetime) -> list[int]:
        """Scheduled broadcasts whose time has come (at most 10 minutes ago): run() them."""
        return self._scheduled(now, late=False)

    def missed(self, now: dt.datetime) -> list[int]:
        """Scheduled broadcasts whose time passed more than 10 minutes ago (the app was
        closed): never sent by themselves; offer them (run() to send, cancel() to drop)."""
        return self._scheduled(now, late=True)

    # --- history ----------------------------------------------------------------------------

    @staticmethod
    def _info(job: Broadcast, counts: Counts | None = None) -> BroadcastInfo:
        c = counts or Counts(job.recipients, job.sent, job.failed, job.skipped, job.not_sent,
                             max(0, job.recipients - job.sent - job.failed - job.skipped
                                 - job.not_sent))
        bubbles: list[str | BroadcastImage] = []
        for position, b in enumerate(images.stored_bubbles(job.content or {})):
            if b.get("type") == "image":
                bubbles.append(BroadcastImage(
                    position=position, content_type=str(b.get("content_type") or ""),
                    size=int(b.get("size") or 0), url=str(b["url"]),
                    preview_url=str(b["preview_url"]),
                    expires_at_ms=int(b.get("expires_at_ms") or 0)))
            else:
                bubbles.append(str(b.get("text") or ""))
        return BroadcastInfo(
            id=job.id, name=job.name, state=job.state, endpoint=job.endpoint,
            texts=tuple(job.content.get("texts") or ()), audience=dict(job.audience or {}),
            scheduled_at=job.scheduled_at, created_at=job.created_at,
            started_at=job.started_at, finished_at=job.finished_at, cost=job.cost,
            counts=c, error=job.error, bubbles=tuple(bubbles))

    def image(self, broadcast_id: int, position: int) -> bytes:
        """The book's own copy of an image the broadcast sent (``BroadcastImage.position``),
        for the history: it stays after the relay's copy expires."""
        with self._book.db.read() as s:
            data = s.scalar(select(ImageRow.data).where(ImageRow.broadcast_id == broadcast_id,
                                                        ImageRow.position == position))
        if data is None:
            raise NotFoundError(f"broadcast {broadcast_id} image {position}")
        return bytes(data)

    def list(self) -> list[BroadcastInfo]:
        """Every broadcast, newest first."""
        with self._book.db.read() as s:
            return [self._info(j) for j in s.scalars(select(Broadcast)
                                                     .order_by(Broadcast.id.desc()))]

    def get(self, broadcast_id: int) -> BroadcastInfo:
        with self._book.db.read() as s:
            job = s.get(Broadcast, broadcast_id)
            if job is None:
                raise NotFoundError(f"broadcast {broadcast_id}")
            return self._info(job, jobs.counts(s, broadcast_id))

    def results(self, broadcast_id: int, *, state: str | None = None
                ) -> builtins.list[RecipientResult]:
        """Per-recipient outcomes (sent, failed, skipped, not_sent, pending), by customer."""
        q = select(BroadcastRecipient.customer_id, BroadcastRecipient.state,
                   BroadcastRecipient.reason).where(
            BroadcastRecipient.broadcast_id == broadcast_id)
        if state is not None:
            q = q.where(BroadcastRecipient.state == state)
        with self._book.db.read() as s:
            return [RecipientResult(*r) for r in s.execute(q.order_by(
                BroadcastRecipient.customer_id))]

    def for_customer(self, customer_id: int
                     ) -> builtins.list[tuple[BroadcastInfo, RecipientResult]]:
        """The broadcasts a customer was among, newest first (their timeline's record)."""
        with self._book.db.read() as s:
            rows = s.execute(select(Broadcast, BroadcastRecipient.state,
                                    BroadcastRecipient.reason)
                             .join(BroadcastRecipient,
                                   BroadcastRecipient.broadcast_id == Broadcast.id)
                             .where(BroadcastRecipient.customer_id == customer_id)
                             .order_by(Broadcast.id.desc())).all()
            return [(self._info(job), RecipientResult(customer_id, st, reason))
                    for job, st, reason in rows]

    def export_csv(self, broadcast_id: int, path: Path, *,
                   result_words: Callable[[str], str] | None = None,
                   reason_words: Callable[[str], str] | None = None) -> int:
        """Per-recipient results as CSV (UTF-8 with BOM, for Excel); audited. Rows written.

        The CSV is for the owner: the window passes the words its history shows
        (``result_words("not_sent")`` → 未送信, ``reason_words("quota")`` → …), called on
        the calling thread; without them the codes are written (sent, not_sent, quota).
        """
        self.get(broadcast_id)
        path = Path(path)
        with self._book.db.read() as s:
            rows = s.execute(text(
                "SELECT r.customer_id, coalesce(nullif(c.name, ''), c.display_name, ''), "
                "r.state, coalesce(r.reason, '') FROM broadcast_recipient r "
                "LEFT JOIN customer c ON c.id = r.customer_id WHERE r.broadcast_id = :b "
                "ORDER BY r.customer_id"), {"b": broadcast_id}).all()
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(["顧客ID", "名前", "結果", "理由"])
        for cid, name, state, reason in rows:
            # A name starting with = + - @ would be a formula in Excel.
            name = "'" + name if name[:1] in ("=", "+", "-", "@") else name
            if result_words is not None:
                state = result_words(state)
            if reason and reason_words is not None:
                reason = reason_words(reason)
            writer.writerow([cid, name, state, reason])
        with self._book.db.write() as w:
            AuditService.add(w, AUDIT_EXPORT, target=f"broadcast:{broadcast_id}",
                             count=len(rows))
        with fsutil.atomic_write(path) as out:
            out.write(_BOM + buf.getvalue().encode("utf-8"))
        self._book.announce("audit")
        return len(rows)

    # --- test send ----------------------------------------------------------------------------

    def owner(self) -> int:
        with self._book.db.read() as s:
            cid = s.scalar(select(Customer.id).where(
                Customer.is_owner.is_(True), Customer.line_user_id.is_not(None))
                .order_by(Customer.id).limit(1))
        if cid is None:
            raise NoOwnerError()
        return int(cid)

    def test_send(self, bubbles: builtins.list[Any] | str) -> OutgoingResult:
        """Send the broadcast to the owner's own LINE account, rendered for the owner
        (through ``book.sending``: a free reply when the owner just wrote)."""
        items = images.check(bubbles)
        cid = self.owner()
        with self._book.db.read() as s:
            values = load_values(s, [cid])[cid]
        # Images go the inbox's way (uploaded for this one message, kept in the owner's
        # conversation): the broadcast itself uploads its own copy when it is stored.
        originals = _as_list(bubbles)
        sent: builtins.list[TextBubble | ImageBubble] = [
            TextBubble(render(item, values).text) if isinstance(item, str) else originals[i]
            for i, item in enumerate(items)]
        return self._book.sending.send(cid, sent)
