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

:func:`apply_front_items` applies a pulled batch's front items, each in its own write
transaction, before the batch's events are committed with the cursor. An item that is
not well formed, or that fails by a bug, is handed back as unreadable and kept sealed in
``line_event`` like any item that cannot be used (nothing lost, the queue moves on).
Failures of the book itself (busy, disk full) leave the whole batch on the relay.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy.exc import OperationalError

from app.errors import OtokuiError, ValidationError

if TYPE_CHECKING:
    from app.book import Book
    from app.sync.apply import Incoming

log = logging.getLogger("otokui.sync")


class FrontItemError(ValueError):
    """A front item that is not well formed (kept sealed, reported as unreadable)."""


@dataclass(frozen=True)
class FrontKind:
    name: str
    #: The first bytes (the first line with its newline) of the items this kind owns.
    magics: tuple[bytes, ...]
    #: Apply one opened item; returns an outcome word; raises FrontItemError if malformed.
    apply: Callable[[Book, bytes], str]


@cache
def kinds() -> tuple[FrontKind, ...]:
    """Every feature's front items (imported on first use, not at start)."""
    from app.forms.sync import FORM_ITEMS
    from app.members.sync import MEMBER_LINK_ITEMS

    return (FORM_ITEMS, MEMBER_LINK_ITEMS)


def kind_of(plaintext: bytes) -> FrontKind | None:
    for kind in kinds():
        if plaintext.startswith(kind.magics):
            return kind
    return None


def apply_front_items(book: Book, items: list[Incoming]) -> list[Incoming]:
    """Apply the front items of a pulled batch; the rest (and front items that could not
    be used, as unreadable) go on to the LINE event applier."""
    from app.sync.apply import Incoming

    rest: list[Incoming] = []
    for item in items:
        kind = kind_of(item.front) if item.front is not None else None
        if kind is None or item.front is None:
            rest.append(item)
            continue
        try:
            outcome = kind.apply(book, item.front)
        except FrontItemError as exc:
            reason = f"not a {kind.name} item: {exc}"
        except (OperationalError, OtokuiError) as exc:
            if isinstance(exc, ValidationError):
                log.exception("a %s item could not be applied; kept sealed", kind.name)
                reason = f"{kind.name} item failed: {type(exc).__name__}"
            else:
                raise  # the book or the machine: the batch waits on the relay
        except Exception as exc:
            log.exception("a %s item could not be applied; kept sealed", kind.name)
            reason = f"{kind.name} item failed: {type(exc).__name__}"
        else:
            log.debug("%s item at seq %s: %s", kind.name, item.seq, outcome)
            continue
        rest.append(Incoming(None, seq=item.seq, received_ms=item.received_ms,
                             sealed=item.sealed, error=reason))
    return rest
