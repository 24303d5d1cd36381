"""The sync's hook for form items: answers and files sealed by the relay, next to events.

Plugged into :mod:`app.sync.front_items`, which applies every form item of a pulled batch
in one write transaction (each item in its own savepoint, so a bad one is set aside and
the rest stay) before the batch's events. Applying is idempotent (by answer id, by file
id): an item applied and then pulled again after a crash is recognised and skipped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.forms.apply import (
    Batch,
    apply_form_answer,
    apply_form_answer_in,
    store_form_file,
    store_form_file_in,
)
from app.sync.front_items import FrontEffects, FrontItemError, FrontKind
from relay.forms.items import (
    ANSWER_MAGIC,
    FILE_MAGIC,
    AnswerItem,
    ItemFormatError,
    read_answer,
    read_file,
)

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


class FormBatch:
    """The form items of one pulled batch (:class:`app.sync.front_items.FrontBatch`):
    answers share their look-ups and write their timeline, events, tags and index in
    bulk (:class:`app.forms.apply.Batch`); files are stored one by one."""

    def __init__(self, book: Book, s: Session, plaintexts: list[bytes]) -> None:
        #: each answer read once (it is applied from the same bytes)
        self._read: dict[bytes, AnswerItem] = {}
        for plaintext in plaintexts:
            if plaintext.startswith(ANSWER_MAGIC):
                try:
                    self._read[plaintext] = read_answer(plaintext)
                except ItemFormatError:
                    continue  # set aside when it is applied
        self._book = book
        self._batch = Batch(s, list(self._read.values()))

    def apply_in(self, s: Session, plaintext: bytes, effects: FrontEffects) -> str:
        try:
            if plaintext.startswith(FILE_MAGIC):
                stored = store_form_file_in(self._book, s, read_file(plaintext), effects,
                                            self._batch)
                return "file" if stored else "duplicate"
            return apply_form_answer_in(self._book, s, self._read.get(plaintext, plaintext),
                                        effects, batch=self._batch).status
        except ItemFormatError as exc:
            raise FrontItemError(str(exc)) from exc

    def settle(self, kept: bool) -> None:
        self._batch.settle(kept)

    def finish(self, s: Session) -> None:
        self._batch.finish(s)


FORM_ITEMS = FrontKind("form", (ANSWER_MAGIC, FILE_MAGIC), apply_form_item, apply_form_item_in,
                       FormBatch)
