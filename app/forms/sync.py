"""The sync's hook for form items: answers and files sealed by the relay, next to events.

Plugged into :mod:`app.sync.front_items`, which applies every form item of a pulled batch
in one write transaction (each item in its own savepoint, so a bad one is set aside and
the rest stay) before the batch's events. Applying is idempotent (by answer id, by file
id): an item applied and then pulled again after a crash is recognised and skipped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.forms.apply import (
    apply_form_answer,
    apply_form_answer_in,
    store_form_file,
    store_form_file_in,
)
from app.sync.front_items import FrontEffects, FrontItemError, FrontKind
from relay.forms.items import ANSWER_MAGIC, FILE_MAGIC, ItemFormatError, read_file

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.book import Book


def apply_form_item(book: Book, plaintext: bytes) -> str:
    """Apply one opened form item in its own transaction; what became of it ("applied",
    "pending", "refused", "duplicate", "file"). Raises FrontItemError when it is not a
    well-formed item."""
    try:
        if plaintext.startswith(FILE_MAGIC):
            return "file" if store_form_file(book, read_file(plaintext)) else "duplicate"
        return apply_form_answer(book, plaintext).status
    except ItemFormatError as exc:
        raise FrontItemError(str(exc)) from exc


def apply_form_item_in(book: Book, s: Session, plaintext: bytes,
                       effects: FrontEffects) -> str:
    """:func:`apply_form_item` inside the sync's write transaction for the batch."""
    try:
        if plaintext.startswith(FILE_MAGIC):
            stored = store_form_file_in(book, s, read_file(plaintext), effects)
            return "file" if stored else "duplicate"
        return apply_form_answer_in(book, s, plaintext, effects).status
    except ItemFormatError as exc:
        raise FrontItemError(str(exc)) from exc


FORM_ITEMS = FrontKind("form", (ANSWER_MAGIC, FILE_MAGIC), apply_form_item, apply_form_item_in)
