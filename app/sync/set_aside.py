"""Events received but not applied: listed for the owner, applied again, or dismissed.

What 「受信できなかったイベント」 (ツール menu) shows. Three kinds of ``line_event`` rows:

* ``failed``: an event LINE signed that could not be applied (a malformed event, an
  implausible timestamp, a bug). Kept whole; *retry* applies it again.
* ``unverified``: an item whose LINE signature does not match the channel secret, an old
  relay's unsigned event, or a signed body that is not a webhook. Never applied as it is.
  A signed delivery is kept with its signature, so *retry* checks it again (after the
  channel secret was corrected); an unsigned one cannot be retried, only dismissed.
* ``unreadable``: an item that did not open with this desktop's key. Kept sealed.

Past :data:`app.sync.apply.MAX_SET_ASIDE` such rows, further ones are only counted, and
shown as one summary line (:meth:`SetAside.overflow`).

Dismissing forgets the content; a failed event's ``webhookEventId`` stays, so a
redelivery of it is still recognised as already seen.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select, update

from app.i18n import QT_TRANSLATE_NOOP
from app.store.db import rowcount
from app.store.models import LineEvent
from app.sync import delivery as _delivery
from app.sync.apply import (
    DISMISSED,
    FAILED,
    KEY_SET_ASIDE_OVERFLOW,
    SET_ASIDE_STATUSES,
    UNREADABLE,
    UNVERIFIED,
    BatchReport,
    EventApplier,
    Incoming,
    plausible_ms,
)
from app.sync.errors import ChannelSecretMissingError

if TYPE_CHECKING:
    from app.book import Book

log = logging.getLogger("otokui.sync")

_CTX = "sync"
LISTED_STATUSES = (FAILED, *SET_ASIDE_STATUSES)

#: What happened and what to do, by reason; shown in the window (translated, context
#: "sync"). Never anything from the event itself.
EXPLANATIONS: dict[str, str] = {
    _delivery.BAD_SIGNATURE: QT_TRANSLATE_NOOP(
        _CTX, "LINE's signature does not match the channel secret, so Otokui cannot tell "
        "it really came from LINE and did not apply it. If you changed the channel secret "
        "recently, correct it in Settings → LINE and try again. Otherwise someone may be "
        "sending false messages through the relay: dismiss it, and ask whoever runs the "
        "relay to check it."),
    _delivery.UNSIGNED: QT_TRANSLATE_NOOP(
        _CTX, "Stored by an older relay without LINE's signature, so Otokui cannot tell "
        "it really came from LINE and did not apply it. Check this customer's chat in the "
        "LINE Official Account Manager app, then dismiss it."),
    _delivery.MALFORMED: QT_TRANSLATE_NOOP(
        _CTX, "LINE's signature matches, but what it signed is not something Otokui can "
        "read. Check the chats in the LINE Official Account Manager app, then dismiss it."),
    UNREADABLE: QT_TRANSLATE_NOOP(
        _CTX, "It does not open with this computer's key (for example after restoring an "
        "older backup over a newer pairing). Dismiss it; pair again if this continues."),
    FAILED: QT_TRANSLATE_NOOP(
        _CTX, "It came from LINE but could not be added to the book. Try again after "
        "updating Otokui, or dismiss it."),
}
OVERFLOW_EXPLANATION = QT_TRANSLATE_NOOP(
    _CTX, "%1 more item(s) that could not be used were only counted, not kept.")


@dataclass(frozen=True)
class SetAsideItem:
    """One row as the diagnostics view shows it: nothing personal in it."""

    id: int
    status: str
    #: The LINE event type ("message", "unfollow" ...), "delivery", or "?" (unknown). For
    #: an unverified item this is only what it claims.
    kind: str
    #: LINE's time of a failed event (ms); None for items not LINE's or unreadable.
    at_ms: int | None
    received_ms: int | None
    #: The reason code (``line_event.error``): a code of app.sync.delivery, an exception's
    #: type name, or a short fixed text.
    reason: str
    retryable: bool

    @property
    def explanation(self) -> str:
        """The untranslated explanation (translate in context "sync")."""
        if self.status == UNVERIFIED:
            return EXPLANATIONS.get(self.reason, EXPLANATIONS[_delivery.BAD_SIGNATURE])
        return EXPLANATIONS[self.status]


class SetAside:
    def __init__(self, book: Book) -> None:
        self._book = book

    def items(self, limit: int = 1000) -> list[SetAsideItem]:
        """Newest first."""
        with self._book.db.read() as s:
            rows = s.execute(
                select(LineEvent.id, LineEvent.status, LineEvent.type, LineEvent.at_ms,
                       LineEvent.received_ms, LineEvent.error, LineEvent.raw)
                .where(LineEvent.status.in_(LISTED_STATUSES))
                .order_by(LineEvent.id.desc()).limit(limit)).all()
        return [SetAsideItem(r.id, r.status, r.type, r.at_ms, r.received_ms, r.error or "",
                             _retryable(r.status, r.raw)) for r in rows]

    def overflow(self) -> int:
        """How many items were only counted (past the kept maximum)."""
        value = self._book.settings.get(KEY_SET_ASIDE_OVERFLOW)
        count = value.get("count") if isinstance(value, dict) else None
        return count if isinstance(count, int) and count > 0 else 0

    def count(self) -> int:
        with self._book.db.read() as s:
            rows = s.scalar(select(func.count()).select_from(LineEvent)
                            .where(LineEvent.status.in_(LISTED_STATUSES))) or 0
        return rows + self.overflow()

    def dismiss(self, ids: Iterable[int]) -> int:
        """Forget these rows' content; returns how many were dismissed."""
        ids = sorted(set(ids))
        if not ids:
            return 0
        with self._book.db.write() as s:
            # Set-aside rows have no webhookEventId to remember: they go. A failed event's
            # id stays, so that LINE redelivering it is still seen as a duplicate.
            gone = rowcount(s.execute(delete(LineEvent).where(
                LineEvent.id.in_(ids), LineEvent.status.in_(SET_ASIDE_STATUSES))))
            kept = rowcount(s.execute(update(LineEvent).where(
                LineEvent.id.in_(ids), LineEvent.status == FAILED)
                .values(status=DISMISSED, raw={})))
        log.info("%d set-aside event(s) dismissed", gone + kept)
        self._book.announce("line")
        return gone + kept

    def dismiss_overflow(self) -> None:
        self._book.settings.set(KEY_SET_ASIDE_OVERFLOW, None)
        self._book.announce("line")

    def retry(self, ids: Iterable[int]) -> BatchReport:
        """Apply these rows again (those that can be); each replaces its row only in the
        transaction that applies it, so nothing is lost if this fails half-way."""
        wanted = sorted(set(ids))
        with self._book.db.read() as s:
            rows = s.execute(select(LineEvent.id, LineEvent.status, LineEvent.raw,
                                    LineEvent.relay_seq, LineEvent.received_ms)
                             .where(LineEvent.id.in_(wanted))).all()
        rows = [r for r in rows if _retryable(r.status, r.raw)]
        total = BatchReport()
        if not rows:
            return total
        secret = self._book.line.channel_secret()
        gateway = self._book.line.gateway()
        try:
            applier = EventApplier(self._book, gateway)
            for row in rows:
                items = self._again(row, secret)
                total.add(applier.apply_batch(items, replacing=[row.id]))
        finally:
            if gateway is not None:
                gateway.close()
        log.info("retried %d set-aside event(s): %d applied, %d failed or set aside again",
                 len(rows), total.applied + total.kept,
                 total.failed + total.unverified + total.unreadable)
        self._book.announce("line")
        return total

    @staticmethod
    def _again(row: Any, secret: bytes | None) -> list[Incoming]:
        seq, received = row.relay_seq, plausible_ms(row.received_ms)
        if row.status == FAILED:
            return [Incoming(dict(row.raw), seq=seq, received_ms=received)]
        if secret is None:
            raise ChannelSecretMissingError()
        signed = _delivery.SignedDelivery.from_json(row.raw.get("delivery"))
        assert signed is not None  # _retryable checked it
        return _delivery.delivery_items(signed, secret, seq=seq, received_ms=received)


def _retryable(status: str, raw: Any) -> bool:
    if not isinstance(raw, dict):
        return False
    if status == FAILED:
        return bool(raw) and not raw.get("unstorable")
    if status == UNVERIFIED:
        return _delivery.SignedDelivery.from_json(raw.get("delivery")) is not None
    return False
