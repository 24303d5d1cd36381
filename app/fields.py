"""Custom fields the owner defines, and their values, validated per type."""

from __future__ import annotations

import builtins
import datetime as dt
import json
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app import values
from app.errors import NotFoundError, ValidationError
from app.i18n import QT_TRANSLATE_NOOP
from app.store.models import CustomField, FieldValue, PointsEntry, utcnow

if TYPE_CHECKING:
    from app.book import Book

_CTX = "fields"


class FieldType(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    NUMBER = "number"
    DATE = "date"
    DATETIME = "datetime"
    SINGLE_CHOICE = "single_choice"
    MULTI_CHOICE = "multi_choice"
    POINTS = "points"
    IMAGE = "image"
    FILE = "file"


#: Types whose values are attachments, not values in ``field_value``.
ATTACHMENT_TYPES = frozenset({FieldType.IMAGE, FieldType.FILE})
#: Types included in full-text search.
SEARCHED_TYPES = frozenset({FieldType.TEXT, FieldType.LONG_TEXT})
TEXT_LIMIT = 1000
LONG_TEXT_LIMIT = 20000
MULTI_SEPARATOR = ";"

TYPE_LABELS = {
    FieldType.TEXT: QT_TRANSLATE_NOOP(_CTX, "Text"),
    FieldType.LONG_TEXT: QT_TRANSLATE_NOOP(_CTX, "Long text"),
    FieldType.NUMBER: QT_TRANSLATE_NOOP(_CTX, "Number"),
    FieldType.DATE: QT_TRANSLATE_NOOP(_CTX, "Date"),
    FieldType.DATETIME: QT_TRANSLATE_NOOP(_CTX, "Date and time"),
    FieldType.SINGLE_CHOICE: QT_TRANSLATE_NOOP(_CTX, "Single choice"),
    FieldType.MULTI_CHOICE: QT_TRANSLATE_NOOP(_CTX, "Multiple choice"),
    FieldType.POINTS: QT_TRANSLATE_NOOP(_CTX, "Points"),
    FieldType.IMAGE: QT_TRANSLATE_NOOP(_CTX, "Image"),
    FieldType.FILE: QT_TRANSLATE_NOOP(_CTX, "File"),
}


def emit_field_changed(s: Session, customer_id: int, field: str, *, depth: int = 0) -> None:
    """The ``field.changed`` domain event (``field``: a built-in name or ``custom:<id>``)."""
    import uuid

    from app.domain_events import FIELD_CHANGED, emit

    emit(s, FIELD_CHANGED, key=f"field:{customer_id}:{field}:{uuid.uuid4().hex}",
         customer_id=customer_id, data={"field": field}, depth=depth)


def _invalid(detail: str, message: str) -> ValidationError:
    return ValidationError(detail[:60], message=message)


def validate(field: CustomField, raw: Any) -> Any:
    """Turn ``raw`` (typed value or text as typed in a CSV) into the field's value.

    Returns None for "empty". Raises :class:`ValidationError` with a reason otherwise.
    """
    ftype = FieldType(field.type)
    if raw is None or (isinstance(raw, str) and raw.strip() == "") or raw == []:
        if field.required:
            raise _invalid(field.name, REQUIRED_MESSAGE)
        return None
    if ftype in (FieldType.TEXT, FieldType.LONG_TEXT):
        text = str(raw)
        if ftype is FieldType.TEXT and ("\n" in text or len(text) > TEXT_LIMIT):
            raise _invalid(field.name, QT_TRANSLATE_NOOP(
                _CTX, "Text fields take one line of up to 1,000 characters."))
        if len(text) > LONG_TEXT_LIMIT:
            raise _invalid(field.name, QT_TRANSLATE_NOOP(_CTX, "The text is too long."))
        return text
    if ftype is FieldType.NUMBER:
        return values.parse_number(raw)
    if ftype is FieldType.POINTS:
        return values.parse_int(raw)
    if ftype is FieldType.DATE:
        return values.parse_date(raw)
    if ftype is FieldType.DATETIME:
        return values.parse_datetime(raw)
    if ftype is FieldType.SINGLE_CHOICE:
        text = str(raw).strip()
        if text not in field.choices:
            raise _invalid(text, QT_TRANSLATE_NOOP(_CTX, "This is not one of the choices."))
        return text
    if ftype is FieldType.MULTI_CHOICE:
        items = raw if isinstance(raw, list | tuple) else str(raw).split(MULTI_SEPARATOR)
        chosen = [str(i).strip() for i in items if str(i).strip()]
        unknown = [c for c in chosen if c not in field.choices]
        if unknown:
            raise _invalid(unknown[0], QT_TRANSLATE_NOOP(_CTX, "This is not one of the choices."))
        # Keep the owner's order of choices, not the order typed.
        return [c for c in field.choices if c in chosen]
    raise _invalid(field.name, QT_TRANSLATE_NOOP(
        _CTX, "Images and files are added as attachments."))


def to_columns(field: CustomField, value: Any) -> dict[str, Any]:
    """Where a validated value is stored in ``field_value``."""
    ftype = FieldType(field.type)
    cols: dict[str, Any] = {"text_value": None, "num_value": None, "date_value": None}
    if value is None:
        return cols
    if ftype is FieldType.MULTI_CHOICE:
        cols["text_value"] = json.dumps(value, ensure_ascii=False)
    elif ftype in (FieldType.NUMBER, FieldType.POINTS):
        cols["num_value"] = float(value)
    elif ftype is FieldType.DATE:
        cols["date_value"] = value.isoformat()
    elif ftype is FieldType.DATETIME:
        cols["date_value"] = value.isoformat(timespec="seconds")
    else:
        cols["text_value"] = value
    return cols


def from_row(field: CustomField, row: Any) -> Any:
    """A stored value back in its type (``row``: a FieldValue or a row with its columns)."""
    if row is None:
        return None
    ftype = FieldType(field.type)
    if ftype is FieldType.MULTI_CHOICE:
        return json.loads(row.text_value) if row.text_value else []
    if ftype is FieldType.NUMBER:
        return row.num_value
    if ftype is FieldType.POINTS:
        return int(row.num_value or 0)
    if ftype is FieldType.DATE:
        return dt.date.fromisoformat(row.date_value) if row.date_value else None
    if ftype is FieldType.DATETIME:
        return dt.datetime.fromisoformat(row.date_value) if row.date_value else None
    return row.text_value


def display(field: CustomField, value: Any) -> str:
    """Text for a table cell or a CSV export."""
    if value is None or value == []:
        return ""
    ftype = FieldType(field.type)
    if ftype is FieldType.MULTI_CHOICE:
        return MULTI_SEPARATOR.join(value)
    if ftype in (FieldType.NUMBER, FieldType.POINTS):
        return values.format_number(value)
    if ftype is FieldType.DATE:
        return str(value.isoformat())
    if ftype is FieldType.DATETIME:
        return str(value.strftime("%Y-%m-%d %H:%M"))
    return str(value)


REQUIRED_MESSAGE = QT_TRANSLATE_NOOP(_CTX, "This field is required.")


def required_on_create(fields: list[CustomField]) -> list[CustomField]:
    """The fields a new customer must have a value in.

    Points always have a balance (0), and image and file fields are attachments added
    afterwards, so neither can be asked for when a customer is made.
    """
    return [f for f in fields if f.required
            and FieldType(f.type) not in ATTACHMENT_TYPES | {FieldType.POINTS}]


def missing_required(fields: list[CustomField], values: dict[int, Any]) -> list[CustomField]:
    """The required fields (of :func:`required_on_create`) with no value in ``values``."""
    def empty(v: Any) -> bool:
        return v is None or v == [] or (isinstance(v, str) and not v.strip())

    return [f for f in required_on_create(fields) if empty(values.get(f.id))]


class FieldService:
    def __init__(self, book: Book) -> None:
        self._book = book

    # --- definitions ---------------------------------------------------------------------
    def list(self) -> list[CustomField]:
        with self._book.db.read() as s:
            return list(s.scalars(select(CustomField).order_by(CustomField.position,
                                                               CustomField.id)))

    def get(self, field_id: int) -> CustomField:
        with self._book.db.read() as s:
            field = s.get(CustomField, field_id)
            if field is None:
                raise NotFoundError(f"field {field_id}")
            return field

    def by_name(self) -> dict[str, CustomField]:
        return {f.name: f for f in self.list()}

    def create(self, name: str, type: FieldType | str, *, choices: builtins.list[str] | None = None,
               required: bool = False, show_in_list: bool = False) -> int:
        name = name.strip()
        ftype = FieldType(type)
        if not name:
            raise ValidationError(message=QT_TRANSLATE_NOOP(_CTX, "A field needs a name."))
        choices = self._clean_choices(ftype, choices)
        with self._book.db.write() as s:
            if s.scalar(select(CustomField.id).where(CustomField.name == name)):
                raise ValidationError(name, message=QT_TRANSLATE_NOOP(
                    _CTX, "A field with this name already exists."))
            position = (s.scalar(select(func.max(CustomField.position))) or 0) + 1
            field = CustomField(name=name, type=ftype.value, choices=choices,
                                required=required, show_in_list=show_in_list,
                                position=position)
            s.add(field)
            s.flush()
            field_id = field.id
        self._book.announce("fields", [field_id])
        return field_id

    @staticmethod
    def _clean_choices(ftype: FieldType, choices: builtins.list[str] | None) -> builtins.list[str]:
        if ftype not in (FieldType.SINGLE_CHOICE, FieldType.MULTI_CHOICE):
            return []
        cleaned: list[str] = []
        for c in choices or []:
            c = c.strip()
            if c and c not in cleaned:
                if MULTI_SEPARATOR in c:
                    raise ValidationError(c, message=QT_TRANSLATE_NOOP(
                        _CTX, "A choice cannot contain a semicolon (;)."))
                cleaned.append(c)
        if not cleaned:
            raise ValidationError(message=QT_TRANSLATE_NOOP(
                _CTX, "A choice field needs at least one choice."))
        return cleaned

    def update(self, field_id: int, *, name: str | None = None,
               choices: builtins.list[str] | None = None, required: bool | None = None,
               show_in_list: bool | None = None) -> None:
        with self._book.db.write() as s:
            field = s.get(CustomField, field_id)
            if field is None:
                raise NotFoundError(f"field {field_id}")
            if name is not None and name.strip() != field.name:
                name = name.strip()
                if not name or s.scalar(select(CustomField.id).where(CustomField.name == name)):
                    raise ValidationError(name, message=QT_TRANSLATE_NOOP(
                        _CTX, "A field with this name already exists."))
                field.name = name
            if choices is not None:
                field.choices = self._clean_choices(FieldType(field.type), choices)
            if required is not None:
                field.required = required
            if show_in_list is not None:
                field.show_in_list = show_in_list
        self._book.announce("fields", [field_id])

    def reorder(self, field_ids: builtins.list[int]) -> None:
        with self._book.db.write() as s:
            for position, fid in enumerate(field_ids, start=1):
                field = s.get(CustomField, fid)
                if field is not None:
                    field.position = position
        self._book.announce("fields")

    def delete(self, field_id: int) -> None:
        from app.audit import AuditAction, AuditService

        with self._book.db.write() as s:
            field = s.get(CustomField, field_id)
            if field is None:
                raise NotFoundError(f"field {field_id}")
            count = s.scalar(select(func.count()).select_from(FieldValue)
                             .where(FieldValue.field_id == field_id)) or 0
            s.delete(field)
            AuditService.add(s, AuditAction.FIELD_DELETED, target=f"field:{field_id}",
                             count=count)
        self._book.announce("fields", [field_id])
        self._book.announce("customers")

    # --- values --------------------------------------------------------------------------
    def values_of(self, customer_id: int) -> dict[int, Any]:
        with self._book.db.read() as s:
            fields = {f.id: f for f in s.scalars(select(CustomField))}
            rows = s.scalars(select(FieldValue).where(FieldValue.customer_id == customer_id))
            return {r.field_id: from_row(fields[r.field_id], r) for r in rows
                    if r.field_id in fields}

    def set_value(self, customer_id: int, field_id: int, raw: Any) -> Any:
        with self._book.db.write() as s:
            value = self.set_value_in(s, customer_id, field_id, raw)
        self._book.announce("customers", [customer_id])
        return value

    def set_value_in(self, s: Session, customer_id: int, field_id: int, raw: Any,
                     *, field: CustomField | None = None, reason: str = "",
                     depth: int = 0) -> Any:
        """Validate and store a value inside the caller's write transaction (a
        ``field.changed`` domain event with it when the value changed; ``depth`` > 0 when a
        rule does it)."""
        from app.audit import AuditService

        field = field or s.get(CustomField, field_id)
        if field is None:
            raise NotFoundError(f"field {field_id}")
        value = validate(field, raw)
        ftype = FieldType(field.type)
        row = s.get(FieldValue, (customer_id, field_id))
        before = from_row(field, row)
        if ftype is FieldType.POINTS:
            # Setting points sets the balance; the difference is kept as history.
            old = int(row.num_value or 0) if row else 0
            new = value or 0
            if new != old:
                s.add(PointsEntry(customer_id=customer_id, field_id=field_id, delta=new - old,
                                  reason=reason, at=utcnow()))
        cols = to_columns(field, value)
        if value is None:
            if row is not None:
                s.delete(row)
        elif row is None:
            s.add(FieldValue(customer_id=customer_id, field_id=field_id, updated_at=utcnow(),
                             **cols))
        else:
            for k, v in cols.items():
                setattr(row, k, v)
            row.updated_at = utcnow()
        from app.audit import change_data

        AuditService.timeline_add(s, customer_id, "field_changed", field=field.name,
                                  **change_data(before, value))
        if before != value:
            emit_field_changed(s, customer_id, f"custom:{field_id}", depth=depth)
        from app.customers import touch_customer

        touch_customer(s, customer_id, reindex=ftype in SEARCHED_TYPES)
        return value

    def add_points(self, customer_id: int, field_id: int, delta: int, reason: str = "") -> int:
        """Add (or with a negative delta, use) points; returns the new balance."""
        from app.audit import AuditService
        from app.customers import touch_customer

        with self._book.db.write() as s:
            field = s.get(CustomField, field_id)
            if field is None or field.type != FieldType.POINTS:
                raise NotFoundError(f"points field {field_id}")
            row = s.get(FieldValue, (customer_id, field_id))
            balance = int(row.num_value or 0) if row else 0
            balance += int(delta)
            s.add(PointsEntry(customer_id=customer_id, field_id=field_id, delta=int(delta),
                              reason=reason, at=utcnow()))
            if row is None:
                s.add(FieldValue(customer_id=customer_id, field_id=field_id,
                                 num_value=float(balance), updated_at=utcnow()))
            else:
                row.num_value = float(balance)
                row.updated_at = utcnow()
            AuditService.timeline_add(s, customer_id, "points", field=field.name,
                                      delta=int(delta))
            if delta:
                emit_field_changed(s, customer_id, f"custom:{field_id}")
            touch_customer(s, customer_id, reindex=False)
        self._book.announce("customers", [customer_id])
        return balance

    def points_history(self, customer_id: int, field_id: int) -> builtins.list[PointsEntry]:
        with self._book.db.read() as s:
            return list(s.scalars(
                select(PointsEntry).where(PointsEntry.customer_id == customer_id,
                                          PointsEntry.field_id == field_id)
                .order_by(PointsEntry.at, PointsEntry.id)))

    def clear_values_in(self, s: Session, customer_id: int) -> None:
        s.execute(delete(FieldValue).where(FieldValue.customer_id == customer_id))
