"""The sync worker: a background thread that keeps the book filled from the relay.

Loop: long-poll ``GET /v1/events?after=<cursor>``, open each sealed item with this
desktop's private key, check LINE's signature on it with the channel secret
(:mod:`app.sync.delivery`; without a secret the worker waits, state ``needs_secret``,
and the events wait on the relay), apply the batch
(:class:`app.sync.apply.EventApplier`: the events, the record of their ``webhookEventId``
and the new cursor commit in one transaction), and only then acknowledge the batch to the
relay, which deletes it. A crash between commit
and acknowledgement is harmless: the next start acknowledges up to the cursor first, and
an event pulled again is recognised by its ``webhookEventId`` and skipped.

When the relay cannot be reached (offline, relay down, 5xx) the worker backs off
(exponential, with jitter, capped), says so through :attr:`SyncWorker.status_changed`, and
resumes by itself; events wait on the relay (and LINE redelivers what the relay did not
answer). When the relay answers 401 the desktop is no longer paired: the worker reports
``unpaired`` and stops, since retrying cannot help.

Qt-free: status and results are plain-Python signals (:mod:`app.signals`) emitted on the
worker's thread; the UI re-emits them on its own thread.

Test hook: with ``OTOKUI_TEST_CRASH_AFTER_COMMIT=1`` in the environment the process exits
at once (status 70) after committing a non-empty batch and before acknowledging it; the
end-to-end tests use it to prove an event is applied once across such a crash. Nothing
else reads this variable.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from app.autopilot.sync import reconcile as autopilot_reconcile
from app.errors import BookBusyError, OtokuiError
from app.line.errors import LineTokenMissingError
from app.signals import Signal
from app.sync.apply import BatchReport, EventApplier, Incoming
from app.sync.delivery import items_of
from app.sync.errors import (
    ChannelSecretMissingError,
    NotPairedError,
    RelayProtocolError,
    RelayUnauthorizedError,
    RelayUnreachableError,
)
from app.sync.front_items import apply_front_items, kind_of
from app.sync.relay_client import MAX_LIMIT, RelayClient, RelayLimits, SealedEvent
from app.sync.sealing import SealError, open_sealed_bytes
from app.sync.set_aside import SetAside

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    from app.book import Book
    from app.line.gateway import LineGateway

log = logging.getLogger("otokui.sync")

CRASH_HOOK_ENV = "OTOKUI_TEST_CRASH_AFTER_COMMIT"
CRASH_EXIT_CODE = 70
DEFAULT_WAIT = 25.0
PENDING_CONTENT_EVERY = 30.0
#: How often a worker without the channel secret looks for it again (seconds).
SECRET_POLL = 2.0


class SyncState(StrEnum):
    STARTING = "starting"
    CONNECTED = "connected"      # up to date, waiting for new events
    SYNCING = "syncing"          # applying a batch
    OFFLINE = "offline"          # the relay cannot be reached: backing off (see retry_in)
    UNPAIRED = "unpaired"        # the relay refuses this desktop's token: pair again
    NOT_PAIRED = "not_paired"    # the book was never connected to a relay
    NEEDS_SECRET = "needs_secret"  # noqa: S105 - no channel secret yet: events wait
    ERROR = "error"              # the book refused a batch: backing off
    STOPPED = "stopped"


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar and Settings → LINE show. Never holds personal data."""

    state: SyncState
    #: The error code behind OFFLINE, UNPAIRED or ERROR (e.g. "relay-unreachable").
    detail: str = ""
    #: Seconds until the next attempt while backing off.
    retry_in: float | None = None
    events_applied: int = 0
    messages_received: int = 0
    duplicates_skipped: int = 0
    #: Media still to download (LINE was unreachable or still transcoding).
    pending_content: int = 0
    #: A LINE API problem met while fetching profiles or content (e.g. token refused).
    line_problem: str | None = None
    last_sync_at: dt.datetime | None = None
    #: Events and items kept without being applied (failed, not LINE's, unreadable),
    #: counting those only summarised: what 「受信できなかったイベント」 lists.
    set_aside: int = 0


class Backoff:
    """Exponential backoff with jitter: base, 2x base, 4x base ... up to ``cap`` seconds.

    Each delay is drawn from the upper half of its step ("equal jitter"), so desktops that
    lost the relay together do not come back in lockstep, yet never retry at once.
    """

    def __init__(self, base: float = 1.0, cap: float = 60.0,
                 rng: Callable[[], float] = random.random) -> None:
        self.base, self.cap, self._rng = base, cap, rng
        self.attempts = 0

    def next(self) -> float:
        step = min(self.cap, self.base * (2.0 ** min(self.attempts, 30)))
        self.attempts += 1
        return step / 2 + self._rng() * step / 2

    def reset(self) -> None:
        self.attempts = 0


class SyncWorker:
    """Pulls, opens, applies and acknowledges; ``start()``/``stop()``, or ``run_once()``."""

    def __init__(self, book: Book, *, wait: float = DEFAULT_WAIT, limit: int = MAX_LIMIT,
                 backoff: Backoff | None = None,
                 pending_content_every: float = PENDING_CONTENT_EVERY,
                 relay_limits: RelayLimits | None = None,
                 max_set_aside: int | None = None, secret_poll: float = SECRET_POLL) -> None:
        self._book = book
        self.wait = wait
        self.limit = limit
        self.relay_limits = relay_limits
        self.max_set_aside = max_set_aside
        self.secret_poll = secret_poll
        self._secret: bytes | None = None
        self.backoff = backoff or Backoff()
        self.pending_content_every = pending_content_every
        #: Emitted with a :class:`SyncStatus` whenever the state or the counts change.
        self.status_changed = Signal()
        #: Emitted with the :class:`~app.sync.apply.BatchReport` of every committed batch.
        self.batch_applied = Signal()
        self._status = SyncStatus(SyncState.STOPPED)
        self._status_lock = threading.Lock()
        self._stop = threading.Event()
        # Held while the worker touches the book: stop() waits for it, so after stop()
        # returns the worker never writes again (it may still sit in a long-poll).
        self._book_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._acked = 0
        self._next_pending_retry = 0.0

    # --- status ---------------------------------------------------------------------------

    @property
    def status(self) -> SyncStatus:
        return self._status

    def _set(self, **changes: object) -> None:
        with self._status_lock:
            new = replace(self._status, **changes)  # type: ignore[arg-type]
            if new == self._status:
                return
            self._status = new
        self.status_changed.emit(new)

    def _count(self, report: BatchReport) -> None:
        s = self._status
        self._set(events_applied=s.events_applied + report.applied + report.kept,
                  messages_received=s.messages_received + report.messages,
                  duplicates_skipped=s.duplicates_skipped + report.duplicates,
                  line_problem=report.line_problem,
                  last_sync_at=dt.datetime.now(dt.UTC))

    # --- the thread -------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._set(state=SyncState.STARTING, detail="", retry_in=None)
        self._thread = threading.Thread(target=self._run, name="otokui-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop; returns once the worker will not touch the book again.

        A long-poll in flight is abandoned rather than awaited (nothing is half-done
        during one); the thread ends when it returns.
        """
        self._stop.set()
        with self._book_lock:
            pass
        thread = self._thread
        if thread is not None:
            thread.join(min(timeout, 1.0))
        if self._status.state not in (SyncState.UNPAIRED, SyncState.NOT_PAIRED):
            self._set(state=SyncState.STOPPED, retry_in=None)

    def is_running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        try:
            with self._book_lock:
                setup = self._setup()
        except NotPairedError:
            self._set(state=SyncState.NOT_PAIRED, detail=NotPairedError.code)
            return
        relay, device_id, key, gateway = setup
        applier = self._applier(gateway)
        try:
            self._loop(relay, device_id, key, applier, gateway)
        finally:
            relay.close()
            if gateway is not None:
                gateway.close()

    def _loop(self, relay: RelayClient, device_id: str, key: X25519PrivateKey,
              applier: EventApplier, gateway: LineGateway | None) -> None:
        while not self._stop.is_set():
            try:
                cursor = self._cursor
                if self._acked < cursor:
                    relay.ack(cursor)
                    self._acked = cursor
                with self._book_lock:
                    self._secret = self._book.line.channel_secret()
                if self._secret is None:
                    # Nothing can be told from a forgery without it: pull nothing, so the
                    # events wait on the relay (kept RELAY_RETENTION_DAYS) until it is set.
                    self._set(state=SyncState.NEEDS_SECRET,
                              detail=ChannelSecretMissingError.code, retry_in=None)
                    self._stop.wait(self.secret_poll)
                    continue
                if self._status.state != SyncState.CONNECTED:
                    self._set(state=SyncState.CONNECTED, detail="", retry_in=None)
                sealed = relay.pull(cursor, limit=self.limit, wait=self.wait)
                if self._stop.is_set():
                    return
                if sealed:
                    self._set(state=SyncState.SYNCING)
                    self._drain(applier, relay, device_id, key, sealed)
                with self._book_lock:
                    if self._stop.is_set():
                        return
                    self._maybe_retry_content(applier)
                self.backoff.reset()
            except RelayUnauthorizedError:
                log.warning("the relay refused this desktop's token: no longer paired")
                self._set(state=SyncState.UNPAIRED, detail=RelayUnauthorizedError.code,
                          retry_in=None)
                return
            except (RelayUnreachableError, RelayProtocolError) as exc:
                self._back_off(SyncState.OFFLINE, exc.code, exc.detail)
            except BookBusyError as exc:
                self._back_off(SyncState.ERROR, exc.code, "")
            except Exception as exc:
                log.exception("sync failed; will try again")
                code = exc.code if isinstance(exc, OtokuiError) else type(exc).__name__
                self._back_off(SyncState.ERROR, code, "")

    def _back_off(self, state: SyncState, code: str, detail: str) -> None:
        if self._stop.is_set():
            return
        delay = self.backoff.next()
        log.info("sync %s (%s %s); next try in %.1f s", state.value, code, detail, delay)
        self._set(state=state, detail=code, retry_in=round(delay, 3))
        self._stop.wait(delay)

    # --- one batch --------------------------------------------------------------------------

    _cursor = 0

    def _setup(self) -> tuple[RelayClient, str, X25519PrivateKey, LineGateway | None]:
        line = self._book.line
        device = line.device()
        if device is None:
            raise NotPairedError()
        relay = line.relay_client(self.relay_limits)
        self._cursor = line.cursor()
        self._secret = line.channel_secret()
        self._set(set_aside=SetAside(self._book).count())
        self._acked = 0  # unknown: acknowledge up to the cursor once, it is idempotent
        try:
            gateway = line.gateway()
        except LineTokenMissingError:
            gateway = None
        if gateway is None:
            self._set(line_problem=LineTokenMissingError.code)
        return relay, device.device_id, device.private_key(), gateway

    def _drain(self, applier: EventApplier, relay: RelayClient, device_id: str,
               key: X25519PrivateKey, sealed: list[SealedEvent], *,
               max_batches: int | None = None) -> tuple[BatchReport, int]:
        """Apply ``sealed`` and, while batches come full, the ones after it.

        Returns the total and the number of batches applied.

        While one batch is applied the next is pulled and opened on a helper thread:
        SQLite releases the interpreter while it writes, so the two overlap (a backlog
        after a weekend offline drains faster). Only this thread touches the book.
        """
        total = BatchReport()
        secret = self._secret
        assert secret is not None
        items = _open_all(sealed, key, secret)
        batches = 0
        with ThreadPoolExecutor(1, thread_name_prefix="otokui-sync-prefetch") as pool:
            while sealed:
                batches += 1
                following: Future[tuple[list[SealedEvent], list[Incoming]]] | None = None
                if len(sealed) >= self.limit and (max_batches is None
                                                  or batches < max_batches):
                    following = pool.submit(self._fetch, relay, key, secret,
                                            sealed[-1].seq)
                with self._book_lock:
                    if self._stop.is_set():
                        break
                    total.add(self._apply(applier, relay, device_id, sealed, items))
                if following is None:
                    break
                sealed, items = following.result()
        return total, batches

    def _fetch(self, relay: RelayClient, key: X25519PrivateKey, secret: bytes,
               after: int) -> tuple[list[SealedEvent], list[Incoming]]:
        sealed = relay.pull(after, limit=self.limit, wait=0)
        return sealed, _open_all(sealed, key, secret)

    def _apply(self, applier: EventApplier, relay: RelayClient, device_id: str,
               sealed: list[SealedEvent], items: list[Incoming]) -> BatchReport:
        upto = sealed[-1].seq
        items = apply_front_items(self._book, items)
        report = applier.apply_batch(items, device_id=device_id, upto_seq=upto)
        autopilot_reconcile(self._book)  # replies the relay sent for this batch's events
        self._link_accounts()
        self._send_owed()
        self._cursor = upto
        if report.unreadable:
            log.warning("%d event(s) did not open with this desktop's key; kept sealed",
                        report.unreadable)
        if report.unverified:
            log.warning("%d item(s) not signed by LINE (or not matching the channel secret) "
                        "were set aside, not applied", report.unverified)
        if report.overflow:
            log.warning("%d more item(s) that could not be used were only counted",
                        report.overflow)
        if report.failed:
            log.warning("%d event(s) could not be applied; kept whole", report.failed)
        log.info("applied a batch: %d new, %d kept as they are, %d duplicates, up to seq %d",
                 report.applied, report.kept, report.duplicates, upto)
        if os.environ.get(CRASH_HOOK_ENV) == "1":  # test hook only: see the module docstring
            os._exit(CRASH_EXIT_CODE)
        self._count(report)
        if report.failed or report.unverified or report.unreadable or report.overflow:
            self._set(set_aside=SetAside(self._book).count())
        self.batch_applied.emit(report)
        relay.ack(upto)
        self._acked = upto
        self._run_rules()
        return report

    def _link_accounts(self) -> None:
        """LINE account links this batch brought (app/members/account_link.py); a failure
        leaves them noted for the next batch and never stops the sync."""
        from app.members.account_link import apply_pending

        try:
            apply_pending(self._book)
        except Exception:  # logged; the sync goes on
            log.warning("account links could not be applied after a batch", exc_info=True)

    def _send_owed(self) -> None:
        """LINE messages this batch's items made owed (a form's thank-you, app/members/
        messages.py); a failure leaves them owed for the next batch."""
        from app.members.messages import pending_count, send_pending

        try:
            if pending_count(self._book):
                send_pending(self._book)
        except Exception:  # logged; the sync goes on
            log.warning("owed LINE messages could not be sent after a batch", exc_info=True)

    def _run_rules(self) -> None:
        """The automation rules on what this batch emitted (app/automation/engine.py); a
        failure there never stops the sync (the events stay pending for the next batch)."""
        from app.automation.engine import run_pending
        from app.autopilot.client import publish_if_needed

        try:
            # A rule changed while the autopilot is on: the relay's instant replies first.
            publish_if_needed(self._book)
        except Exception:  # logged; marked, tried again after the next batch
            log.warning("the instant replies could not be published to the relay",
                        exc_info=True)
        try:
            run_pending(self._book)
        except Exception:  # logged; the sync goes on
            log.warning("the rules could not run after a batch", exc_info=True)

    def _applier(self, gateway: LineGateway | None) -> EventApplier:
        if self.max_set_aside is None:
            return EventApplier(self._book, gateway)
        return EventApplier(self._book, gateway, max_set_aside=self.max_set_aside)

    def _maybe_retry_content(self, applier: EventApplier, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now < self._next_pending_retry:
            return
        self._next_pending_retry = now + self.pending_content_every
        _stored, still = applier.retry_pending_content()
        self._set(pending_content=still)

    # --- headless ---------------------------------------------------------------------------

    def run_once(self, *, max_batches: int | None = None) -> BatchReport:
        """Pull and apply until the relay's queue is empty, in this thread; then return.

        Errors are raised (:class:`~app.sync.errors.RelayUnauthorizedError`,
        :class:`~app.sync.errors.RelayUnreachableError`, ...) for the caller to report.
        """
        total = BatchReport()
        relay, device_id, key, gateway = self._setup()
        if self._secret is None:
            relay.close()
            if gateway is not None:
                gateway.close()
            raise ChannelSecretMissingError()
        applier = self._applier(gateway)
        try:
            if self._cursor:
                relay.ack(self._cursor)
                self._acked = self._cursor
            batches = 0
            while max_batches is None or batches < max_batches:
                sealed = relay.pull(self._cursor, limit=self.limit, wait=0)
                if not sealed:
                    break
                report, applied = self._drain(applier, relay, device_id, key, sealed,
                                              max_batches=None if max_batches is None
                                              else max_batches - batches)
                total.add(report)
                batches += applied
            self._maybe_retry_content(applier, force=True)
            total.pending_content = self._status.pending_content
        finally:
            relay.close()
            if gateway is not None:
                gateway.close()
        return total


def _open_all(sealed: list[SealedEvent], key: X25519PrivateKey,
              secret: bytes) -> list[Incoming]:
    """Every pulled item opened and checked: its events, or itself set aside."""
    out: list[Incoming] = []
    for item in sealed:
        try:
            plaintext = open_sealed_bytes(item.sealed, key)
        except SealError as exc:
            out.append(Incoming(None, seq=item.seq, received_ms=item.received_at,
                                sealed=item.sealed, error=str(exc)))
            continue
        if kind_of(plaintext) is not None:  # not LINE's: checked by its feature, not by a
            out.append(Incoming(None, seq=item.seq, received_ms=item.received_at,  # signature
                                sealed=item.sealed, front=plaintext))
            continue
        out.extend(items_of(plaintext, seq=item.seq, received_ms=item.received_at,
                            channel_secret=secret, sealed=item.sealed))
    return out
