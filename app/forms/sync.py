"""The sync's hook for form items: answers and files sealed by the relay, next to events.

Plugged into :mod:`app.sync.front_items` (which applies every public-front item of a
pulled batch, each in its own write transaction, before the batch's events). Applying is
idempotent (by answer id, by file id): an item applied and then pulled again after a
crash is recognised and skipped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.forms.apply import apply_form_answer, store_form_file
from app.sync.front_items import FrontItemError, FrontKind
from relay.forms.items import ANSWER_MAGIC, FILE_MAGIC, ItemFormatError, read_file

if TYPE_CHECKING:
    from app.book import Book


def apply_form_item(book: Book, plaintext: bytes) -> str:
    """Apply one opened form item; what became of it ("applied", "pending", "refused",
    "duplicate", "file"). Raises FrontItemError when it is not a well-formed item."""
    try:
        if plaintext.startswith(FILE_MAGIC):
            return "file" if store_form_file(book, read_file(plaintext)) else "duplicate"
        return apply_form_answer(book, plaintext).status
    except ItemFormatError as exc:
        raise FrontItemError(str(exc)) from exc


FORM_ITEMS = FrontKind("form", (ANSWER_MAGIC, FILE_MAGIC), apply_form_item)
