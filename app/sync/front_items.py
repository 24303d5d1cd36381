"""Items from the relay's public front: what friends sent through its pages.

Besides LINE's deliveries, the relay seals what friends send through the shop's public
pages (a form answer and its files; later a booking, an order paid on the checkout, a
member-linking request, the route a friend came by …). Each such item starts with its own
first line (``otokui-<kind>/<version>\\n``), which tells it apart from a LINE delivery
(``otokui-line-delivery/1``); it is checked by the feature that owns it (it trusts no
relay: it validates everything again), not by LINE's signature.

A feature plugs in with one :class:`FrontKind` in :func:`kinds`: the first lines it owns,
and the function that applies one opened item to the book, idempotently (an item pulled
again after a crash must be recognised and skipped), returning a short outcome word for
the log, raising :class:`FrontItemError` when the item is not well formed.

:func:`apply_front_items` applies a pulled batch's front items before the batch's events
are committed with the cursor. A kind that also gives ``apply_in`` (apply inside an open
write transaction) has its items of the batch applied in **one** write transaction, each
in its own savepoint: a thousand answers cost one commit (one fsync) instead of a
thousand, and an item that fails is rolled back alone while the others stay. Kinds with
``apply`` only get a transaction per item. An item that is not well formed, or that
fails by a bug, is handed back as unreadable and kept sealed in ``line_event`` like any
item that cannot be used (nothing lost, the queue moves on). Failures of the book itself
(busy, disk full) roll the whole transaction back and leave the batch on the relay (it is
pulled again; applying is idempotent).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.exc import OperationalError

from app.errors import OtokuiError, ValidationError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.book import Book
    from app.sync.apply import Incoming

log = logging.getLogger("otokui.sync")


class FrontItemError(ValueError):
    """A front item that is not well formed (kept sealed, reported as unreadable)."""


@dataclass
class FrontEffects:
    """What applying items inside a transaction leaves for after it: blobs stored (to
    remove if the transaction is rolled back) and changes to announce once committed."""

    blobs: list[str] = field(default_factory=list)
    changes: dict[str, set[int]] = field(default_factory=dict)

    def add(self, kind: str, *ids: int) -> None:
        self.changes.setdefault(kind, set()).update(ids)

    def merge(self, other: FrontEffects) -> None:
        self.blobs += other.blobs
        for kind, ids in other.changes.items():
            self.add(kind, *ids)

    def announce(self, book: Book) -> None:
        for kind, ids in self.changes.items():
            book.announce(kind, sorted(ids))


class FrontBatch(Protocol):
    """A kind's own handling of a pulled batch (optional): shared look-ups and rows
    written in bulk. ``settle`` is told whether the item just applied was kept (its
    savepoint committed) or set aside; ``finish`` runs before the transaction commits."""

    def apply_in(self, s: Session, plaintext: bytes, effects: FrontEffects) -> str: ...

    def settle(self, kept: bool) -> None: ...

    def finish(self, s: Session) -> None: ...


@dataclass(frozen=True)
class FrontKind:
    name: str
    #: The first bytes (the first line with its newline) of the items this kind owns.
    magics: tuple[bytes, ...]
    #: Apply one opened item; returns an outcome word; raises FrontItemError if malformed.
    apply: Callable[[Book, bytes], str]
    #: The same inside the caller's write transaction (optional; see the module's doc):
    #: blobs it stores and changes to announce go to the FrontEffects.
    apply_in: Callable[[Book, Session, bytes, FrontEffects], str] | None = None
    #: With ``apply_in``: a FrontBatch for the batch's items of this kind (optional).
    batch: Callable[[Book, Session, list[bytes]], FrontBatch] | None = None


@cache
def kinds() -> tuple[FrontKind, ...]:
    """Every feature's front items (imported on first use, not at start)."""
    from app.autopilot.pages import INSTANT_ITEMS
    from app.autopilot.sync import AUTOPILOT_ITEMS
    from app.booking.sync import BOOKING_ITEMS
    from app.forms.sync import FORM_ITEMS
    from app.members.sync import MEMBER_LINK_ITEMS
    from app.purchases.sync import ORDER_ITEMS
    from app.routes.sync import ROUTE_ITEMS

    return (FORM_ITEMS, AUTOPILOT_ITEMS, MEMBER_LINK_ITEMS, ROUTE_ITEMS, BOOKING_ITEMS,
            ORDER_ITEMS, INSTANT_ITEMS)


def kind_of(plaintext: bytes) -> FrontKind | None:
    for kind in kinds():
        if plaintext.startswith(kind.magics):
            return kind
    return None


def apply_front_items(book: Book, items: list[Incoming]) -> list[Incoming]:
    """Apply the front items of a pulled batch; the rest (and front items that could not
    be used, as unreadable) go on to the LINE event applier, in their order."""
    rest: list[Incoming | None] = []
    batched: list[tuple[int, FrontKind, Incoming]] = []
    for item in items:
        kind = kind_of(item.front) if item.front is not None else None
        if kind is None:
            rest.append(item)
        elif kind.apply_in is not None:
            batched.append((len(rest), kind, item))
            rest.append(None)  # filled below if it is set aside
        else:
            rest.append(_apply_alone(book, kind, item))
    if batched:
        for index, set_aside in _apply_together(book, batched):
            rest[index] = set_aside
    return [item for item in rest if item is not None]


def _set_aside(item: Incoming, reason: str) -> Incoming:
    from app.sync.apply import Incoming

    return Incoming(None, seq=item.seq, received_ms=item.received_ms, sealed=item.sealed,
                    error=reason)


def _failure(kind: FrontKind, exc: Exception) -> str:
    """Why an item is set aside; re-raises what is the book's or the machine's fault."""
    if isinstance(exc, FrontItemError):
        return f"not a {kind.name} item: {exc}"
    if isinstance(exc, OperationalError | OtokuiError) and not isinstance(exc, ValidationError):
        raise exc  # the book or the machine: the batch waits on the relay
    log.error("a %s item could not be applied; kept sealed", kind.name, exc_info=exc)
    return f"{kind.name} item failed: {type(exc).__name__}"


def _apply_alone(book: Book, kind: FrontKind, item: Incoming) -> Incoming | None:
    assert item.front is not None
    try:
        outcome = kind.apply(book, item.front)
    except Exception as exc:
        return _set_aside(item, _failure(kind, exc))
    log.debug("%s item at seq %s: %s", kind.name, item.seq, outcome)
    return None


def _apply_together(book: Book, batched: list[tuple[int, FrontKind, Incoming]],
                    ) -> list[tuple[int, Incoming]]:
    """Apply items in one write transaction, each in a savepoint; the set-aside ones."""
    done = FrontEffects()
    set_aside: list[tuple[int, Incoming]] = []
    try:
        with book.db.write() as s:
            batches: dict[str, FrontBatch] = {}
            for _, kind, _ in batched:
                if kind.batch is not None and kind.name not in batches:
                    batches[kind.name] = kind.batch(book, s, [
                        i.front for _, k, i in batched if k is kind and i.front is not None])
            for index, kind, item in batched:
                assert item.front is not None and kind.apply_in is not None
                effects = FrontEffects()
                ctx = batches.get(kind.name)
                savepoint = s.begin_nested()
                try:
                    outcome = ctx.apply_in(s, item.front, effects) if ctx is not None \
                        else kind.apply_in(book, s, item.front, effects)
                    savepoint.commit()
                except Exception as exc:
                    if savepoint.is_active:
                        savepoint.rollback()
                    if ctx is not None:
                        ctx.settle(False)
                    book.attachments.remove_blobs(effects.blobs)
                    set_aside.append((index, _set_aside(item, _failure(kind, exc))))
                    continue
                if ctx is not None:
                    ctx.settle(True)
                done.merge(effects)
                log.debug("%s item at seq %s: %s", kind.name, item.seq, outcome)
            for ctx in batches.values():
                ctx.finish(s)
    except BaseException:
        book.attachments.remove_blobs(done.blobs)
        raise
    log.info("applied %d public-front item(s) in one transaction (%d set aside)",
             len(batched) - len(set_aside), len(set_aside))
    done.announce(book)
    return set_aside
