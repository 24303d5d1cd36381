"""Running a stored broadcast: batches through LINE under its rate limits, exactly once.

One wave at a time (up to ``wave`` batches): never-tried batches are checked for customers
who blocked since planning, the wave is marked "may have been tried" in one write, its
requests go out on a few threads (each waiting for its endpoint's token bucket), and their
outcomes are written in one write. Retries of one request (timeouts, dropped answers, 5xx,
rate-limit 429s) use its stored ``X-Line-Retry-Key`` through
:func:`app.line.send.delivery.deliver`: a request LINE had accepted answers 409 and counts
as sent. A crash anywhere leaves batches "pending" (never tried: sent normally later) or
"sending" (maybe tried: retried with the same key, so LINE delivers at most once).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.broadcast import jobs
from app.broadcast.model import (
    CANCELLED,
    FAILED,
    MULTICAST,
    NOT_SENT,
    PENDING,
    REASON_QUOTA,
    SENT,
    TRYING,
)
from app.broadcast.ratelimit import TokenBucket
from app.line.gateway import LineGateway
from app.line.send.delivery import Answer, Delivery, RetryPolicy, Verdict, deliver

if TYPE_CHECKING:
    from app.book import Book

log = logging.getLogger("otokui.broadcasts")

#: Why a run stopped before every batch was settled.
STOP_QUOTA = "quota"
STOP_CANCELLED = "cancelled"
STOP_UNREACHABLE = "unreachable"   # LINE kept failing: resume later with the same keys
STOP_TOKEN = "token"  # noqa: S105 - 401: the access token was refused


@dataclass
class Outcome:
    batch_id: int
    was: str
    delivery: Delivery | None   # None: not tried in this run
    size: int = 0               # recipients it carried


class Run:
    """One run() of one job; ``stop`` is shared with cancel() from other threads."""

    def __init__(self, book: Book, broadcast_id: int, endpoint: str,
                 messages: list[dict[str, Any]], *,
                 bucket: TokenBucket, policy: RetryPolicy, threads: int, wave: int,
                 stop: threading.Event,
                 progress: Callable[[int, int], None] | None,
                 cancel: Callable[[], bool] | None) -> None:
        self.book = book
        self.id = broadcast_id
        self.endpoint = endpoint
        #: The LINE message objects every multicast sends (texts, images' relay URLs),
        #: exactly as stored with the job: a retry or a resumed run sends the same request.
        self.messages = messages
        self.bucket = bucket
        self.policy = policy
        self.threads = threads
        self.wave = wave
        self.stop = stop
        self.progress = progress
        self.cancel = cancel
        self.reason: str | None = None
        self.batches_sent = 0
        self.settled = 0
        self.total = 0

    def _cancelled(self) -> bool:
        if self.cancel is not None and not self.stop.is_set() and self.cancel():
            self.reason = self.reason or STOP_CANCELLED
            self.stop.set()
        if self.stop.is_set() and self.reason is None:
            self.reason = STOP_CANCELLED  # set by BroadcastService.cancel()
        return self.stop.is_set()

    def _prepare(self, after_seq: int) -> list[tuple[tuple[int, int, str, str, int],
                                                      list[tuple[int, str, Any]]]]:
        """The next wave: blockers since planning skipped, the rest marked "may have been
        tried" before any request (one write)."""
        with self.book.db.write() as s:
            if jobs.state(s, self.id) == CANCELLED:
                # cancel() from another process (the CLI while the app sends, or back).
                self.reason = self.reason or STOP_CANCELLED
                self.stop.set()
                return []
            rows = jobs.next_batches(s, self.id, self.wave, after_seq)
            if not rows:
                return []
            skipped = jobs.skip_gone(s, [r[0] for r in rows if r[2] == PENDING])
            if skipped:
                jobs.add_counts(s, self.id, {"skipped": skipped})
                self.settled += skipped
            members = jobs.members(s, [r[0] for r in rows])
            live = [(r, members[r[0]]) for r in rows if members[r[0]]]
            jobs.mark_trying(s, [r[0] for r, _ in live])
        return live or [(rows[-1], [])]  # an all-skipped wave: keep walking

    def go(self, settled: int, total: int) -> str | None:
        """Send until every batch is settled or something stops the run; the reason.

        While one wave is in flight, the one before it is recorded and the next one
        prepared, so the book's work overlaps LINE's.
        """
        self.settled, self.total = settled, total
        sender = LineGateway(self.book.line.access_token(), api_base=self.book.line.api_base)
        try:
            with ThreadPoolExecutor(max_workers=self.threads,
                                    thread_name_prefix="broadcast") as pool:
                wave = [] if self._cancelled() else self._prepare(-1)
                flying: list[Future[Outcome]] = []
                while wave or flying:
                    launched: list[Future[Outcome]] = []
                    if wave and self._cancelled():
                        # Prepared but never tried: back to what they were.
                        self._record([Outcome(r[0], r[2], None, len(m)) for r, m in wave
                                      if m])
                        wave = []
                    elif wave:
                        launched = [pool.submit(self._send, sender, r, m) for r, m in wave
                                    if m]
                    if flying:
                        self._record([f.result() for f in flying])
                    upcoming = self._prepare(wave[-1][0][1]) \
                        if wave and not self._cancelled() else []
                    flying, wave = launched, upcoming
        finally:
            sender.close()
        return self.reason

    def _send(self, sender: LineGateway, row: tuple[int, int, str, str, int],
              members: list[tuple[int, str, Any]]) -> Outcome:
        batch_id, _, was, key, _ = row
        if self.stop.is_set() and was == PENDING:
            return Outcome(batch_id, was, None, len(members))
        if self.endpoint == MULTICAST:
            to = [uid for _, uid, _ in members]

            def attempt() -> Answer:
                self.bucket.acquire()
                return sender.multicast(to, self.messages, key)
        else:
            _, uid, messages = members[0]

            def attempt() -> Answer:
                self.bucket.acquire()
                return sender.push(uid, messages or self.messages, key)

        delivery = deliver(attempt, self.policy, keep_going=lambda: not self._cancelled())
        if delivery.final.verdict is Verdict.QUOTA:
            self.reason = STOP_QUOTA
            self.stop.set()
        elif delivery.final.verdict is Verdict.REFUSED and delivery.final.status == 401:
            self.reason = STOP_TOKEN
            self.stop.set()
        elif not delivery.final.verdict.final and not self.stop.is_set():
            self.reason = STOP_UNREACHABLE
            self.stop.set()
        return Outcome(batch_id, was, delivery, len(members))

    def _record(self, outcomes: list[Outcome]) -> None:
        rows: list[tuple[int, str, int, str | None, str | None, str | None]] = []
        for o in outcomes:
            if o.delivery is None:
                # Not tried in this run: back to what it was (a batch that may have been
                # tried by a dead process keeps "sending" and its key).
                rows.append((o.batch_id, PENDING if o.was == PENDING else TRYING, 0,
                             None, None, None))
                continue
            d = o.delivery
            a = d.final
            if a.verdict.sent:
                rows.append((o.batch_id, SENT, d.attempts, a.request_id,
                             a.accepted_request_id, None))
                self.batches_sent += 1
            elif a.verdict is Verdict.QUOTA and not d.maybe_accepted:
                rows.append((o.batch_id, NOT_SENT, d.attempts, a.request_id, None,
                             REASON_QUOTA))
            elif a.verdict is Verdict.REFUSED and a.status != 401 and not d.maybe_accepted:
                rows.append((o.batch_id, FAILED, d.attempts, a.request_id, None,
                             (a.reason or f"HTTP {a.status}")[:500]))
            else:
                # LINE may have it (or could not be reached, or refused the token): keep it
                # "sending" with its key; the next run() asks again and LINE answers 409
                # if it had accepted it.
                rows.append((o.batch_id, TRYING, d.attempts, a.request_id, None, None))
        delta: dict[str, int] = {}
        for o, row in zip(outcomes, rows, strict=True):
            if row[1] not in (PENDING, TRYING):
                delta[row[1]] = delta.get(row[1], 0) + o.size
        with self.book.db.write() as s:
            jobs.set_batches(s, rows)
            jobs.add_counts(s, self.id, delta)
        self.settled += sum(delta.values())
        self.book.announce("broadcasts", [self.id])
        if self.progress is not None:
            self.progress(self.settled, self.total)
