"""The sync's hook for form items: answers and files sealed by the relay, next to events.

The worker opens every item it pulls; those whose plaintext starts with a form item's
first line (relay.forms.items) come here instead of going to the LINE event applier.
Each is applied in its own write transaction, idempotently (by answer id, by file id),
before the batch's events are committed with the cursor: an item applied and then pulled
again after a crash is recognised and skipped. An item that is not a well-formed answer
or file, or that fails by a bug, is handed back as unreadable and kept sealed in
``line_event`` like any item that cannot be used (nothing lost, the queue moves on).
Failures of the book itself (busy, disk full) leave the whole batch on the relay.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy.exc import OperationalError

from app.errors import OtokuiError, ValidationError
from app.forms.apply import apply_form_answer, store_form_file
from relay.forms.items import FILE_MAGIC, ItemFormatError, read_file

if TYPE_CHECKING:
    from app.book import Book
    from app.sync.apply import Incoming

log = logging.getLogger("otokui.forms")


def apply_form_item(book: Book, plaintext: bytes) -> str:
    """Apply one opened form item; what became of it ("applied", "pending", "refused",
    "duplicate", "file"). Raises ItemFormatError when it is not a well-formed item."""
    if plaintext.startswith(FILE_MAGIC):
        return "file" if store_form_file(book, read_file(plaintext)) else "duplicate"
    return apply_form_answer(book, plaintext).status


def apply_form_items(book: Book, items: list[Incoming]) -> list[Incoming]:
    """Apply the form items of a pulled batch; the rest (and form items that could not be
    used, as unreadable) go on to the event applier."""
    from app.sync.apply import Incoming

    rest: list[Incoming] = []
    for item in items:
        if item.form is None:
            rest.append(item)
            continue
        try:
            outcome = apply_form_item(book, item.form)
        except ItemFormatError as exc:
            reason = f"not a form item: {exc}"
        except (OperationalError, OtokuiError) as exc:
            if isinstance(exc, ValidationError):
                log.exception("a form item could not be applied; kept sealed")
                reason = f"form item failed: {type(exc).__name__}"
            else:
                raise  # the book or the machine: the batch waits on the relay
        except Exception as exc:
            log.exception("a form item could not be applied; kept sealed")
            reason = f"form item failed: {type(exc).__name__}"
        else:
            log.debug("form item at seq %s: %s", item.seq, outcome)
            continue
        rest.append(Incoming(None, seq=item.seq, received_ms=item.received_ms,
                             sealed=item.sealed, error=reason))
    return rest
