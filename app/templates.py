"""Templates (定型文): message texts the owner writes once and sends often, in the book.

``book.templates``. A template is a title and a text with placeholders
(:mod:`app.placeholders`); the composer renders it for the open conversation's customer
and warns about what it could not fill. Kept in the book, so they travel with backups.
"""

from __future__ import annotations

import builtins
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from app import placeholders
from app.errors import NotFoundError, ValidationError
from app.i18n import QT_TRANSLATE_NOOP
from app.line.send.bubbles import MAX_TEXT_UNITS, utf16_len
from app.store.models import Customer, MessageTemplate, utcnow

if TYPE_CHECKING:
    from app.book import Book

log = logging.getLogger("otokui.templates")

_CTX = "templates"
MAX_TITLE_CHARS = 100


@dataclass(frozen=True)
class TemplateInfo:
    id: int
    title: str
    text: str
    position: int


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title or len(title) > MAX_TITLE_CHARS:
        raise ValidationError(title[:40], message=QT_TRANSLATE_NOOP(
            _CTX, "A template needs a title of at most 100 characters."))
    return title


def _clean_text(text: str) -> str:
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ValidationError(message=QT_TRANSLATE_NOOP(_CTX, "A template needs a text."))
    if utf16_len(text) > MAX_TEXT_UNITS:
        raise ValidationError(str(utf16_len(text)), message=QT_TRANSLATE_NOOP(
            _CTX, "A template can be at most 5,000 characters long (as LINE counts them)."))
    return text


class TemplateService:
    def __init__(self, book: Book) -> None:
        self._book = book

    def list(self) -> list[TemplateInfo]:
        with self._book.db.read() as s:
            return [TemplateInfo(t.id, t.title, t.text, t.position) for t in s.scalars(
                select(MessageTemplate).order_by(MessageTemplate.position, MessageTemplate.id))]

    def get(self, template_id: int) -> TemplateInfo:
        with self._book.db.read() as s:
            t = s.get(MessageTemplate, template_id)
            if t is None:
                raise NotFoundError(f"template {template_id}")
            return TemplateInfo(t.id, t.title, t.text, t.position)

    def create(self, title: str, text: str) -> int:
        title, text = _clean_title(title), _clean_text(text)
        with self._book.db.write() as s:
            position = (s.scalar(select(func.max(MessageTemplate.position))) or 0) + 1
            now = utcnow()
            t = MessageTemplate(title=title, text=text, position=position, created_at=now,
                                updated_at=now)
            s.add(t)
            s.flush()
            template_id = t.id
        self._book.announce("templates", [template_id])
        return template_id

    def update(self, template_id: int, *, title: str | None = None,
               text: str | None = None) -> None:
        new_title = None if title is None else _clean_title(title)
        new_text = None if text is None else _clean_text(text)
        with self._book.db.write() as s:
            t = s.get(MessageTemplate, template_id)
            if t is None:
                raise NotFoundError(f"template {template_id}")
            if new_title is not None:
                t.title = new_title
            if new_text is not None:
                t.text = new_text
            t.updated_at = utcnow()
        self._book.announce("templates", [template_id])

    def delete(self, template_id: int) -> None:
        with self._book.db.write() as s:
            t = s.get(MessageTemplate, template_id)
            if t is None:
                raise NotFoundError(f"template {template_id}")
            s.delete(t)
        self._book.announce("templates", [template_id])

    def reorder(self, template_ids: builtins.list[int]) -> None:
        """Put these templates first, in this order; the others keep their order after."""
        wanted = [int(i) for i in template_ids]
        if len(set(wanted)) != len(wanted):
            raise ValidationError(message=QT_TRANSLATE_NOOP(_CTX, "A template is listed twice."))
        with self._book.db.write() as s:
            rows = {t.id: t for t in s.scalars(select(MessageTemplate))}
            missing = [i for i in wanted if i not in rows]
            if missing:
                raise NotFoundError(f"template {missing[0]}")
            rest = sorted((t for i, t in rows.items() if i not in set(wanted)),
                          key=lambda t: (t.position, t.id))
            for position, t in enumerate([rows[i] for i in wanted] + rest, start=1):
                t.position = position
        self._book.announce("templates")

    # --- rendering ---------------------------------------------------------------------------

    def unknown_placeholders(self, text: str) -> builtins.list[str]:
        """For the template editor: placeholders no customer could fill (typos, old fields)."""
        return placeholders.unknown_in(text, [f.name for f in self._book.fields.list()])

    def render(self, template_text: str, customer_id: int) -> placeholders.Rendered:
        """``template_text`` for this customer: ``.text``, and what was ``unknown`` or
        ``empty`` (left visible, or filled with nothing) for the composer to warn about."""
        with self._book.db.read() as s:
            if s.get(Customer, customer_id) is None:
                raise NotFoundError(f"customer {customer_id}")
            values = placeholders.load_values(s, [customer_id])[customer_id]
        return placeholders.render(template_text, values)

    def render_template(self, template_id: int, customer_id: int) -> placeholders.Rendered:
        return self.render(self.get(template_id).text, customer_id)
