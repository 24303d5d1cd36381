"""Customers (友だち): create, edit, delete, and the rows the table shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from app import search, textnorm, values
from app.audit import change_data
from app.errors import NotFoundError, ValidationError
from app.i18n import QT_TRANSLATE_NOOP
from app.phones import check_phone
from app.store.db import driver_cursor, rowcount
from app.store.models import Customer, CustomerTag, utcnow

if TYPE_CHECKING:
    from app.book import Book

_CTX = "customers"

#: Built-in fields the owner edits, in the order forms and CSV files show them.
OWNER_FIELDS = ("name", "furigana", "phone", "email", "postal_code", "address", "birthday",
                "memo")
#: Fields that come from LINE.
LINE_FIELDS = ("line_user_id", "display_name", "picture_url", "status_message", "language",
               "followed_at", "blocked_at")
EDITABLE = frozenset(OWNER_FIELDS + LINE_FIELDS + ("is_owner",))
_SEARCHED = frozenset({"display_name", "name", "furigana", "phone", "email", "memo",
                       "address"})


@dataclass
class CustomerRow:
    """One row of the customer table: what the lazy model caches per id."""

    id: int
    display_name: str
    name: str
    furigana: str
    phone: str
    picture_url: str | None
    line_user_id: str | None
    followed_at: dt.datetime | None
    blocked_at: dt.datetime | None
    updated_at: dt.datetime
    tag_ids: list[int] = field(default_factory=list)
    #: Values of the custom fields shown as columns, as display text.
    field_text: dict[int, str] = field(default_factory=dict)

    @property
    def line_status(self) -> str:
        if not self.line_user_id:
            return "not_on_line"
        return "blocked" if self.blocked_at else "friend"


def clean_value(name: str, raw: Any) -> Any:
    """Validate one built-in field; raise ValidationError with the reason."""
    if name == "birthday":
        return values.parse_date(raw)
    if name in ("followed_at", "blocked_at"):
        return values.parse_datetime(raw)
    if name == "is_owner":
        return bool(raw)
    if name == "line_user_id":
        value = (str(raw).strip() if raw is not None else "") or None
        if value is not None and (not value.startswith("U") or len(value) != 33):
            raise ValidationError(value[:40], message=QT_TRANSLATE_NOOP(
                _CTX, "A LINE user ID is U followed by 32 letters and digits."))
        return value
    if name in ("picture_url", "status_message", "language"):
        return (str(raw) if raw is not None else "") or None
    value = "" if raw is None else str(raw).strip()
    if name == "email" and value and ("@" not in value or " " in value):
        raise ValidationError(value[:40], message=QT_TRANSLATE_NOOP(
            _CTX, "This is not an email address."))
    if name == "phone" and value:
        value = check_phone(value)
    if name == "postal_code" and value:
        digits = textnorm.phone_digits(value)
        if len(digits) != 7:
            raise ValidationError(value[:40], message=QT_TRANSLATE_NOOP(
                _CTX, "A postal code has 7 digits (for example 150-0001)."))
        value = f"{digits[:3]}-{digits[3:]}"
    if name in ("name", "furigana", "display_name", "phone", "email") and len(value) > 200:
        raise ValidationError(name, message=QT_TRANSLATE_NOOP(_CTX, "The text is too long."))
    return value


def apply_fields(customer: Customer, data: dict[str, Any]) -> list[str]:
    """Set built-in fields on ``customer``; returns the names that changed."""
    changed = []
    for name, raw in data.items():
        if name not in EDITABLE:
            raise ValidationError(name, message=QT_TRANSLATE_NOOP(_CTX, "Unknown field."))
        value = clean_value(name, raw)
        if getattr(customer, name) != value:
            setattr(customer, name, value)
            changed.append(name)
    if "phone" in changed:
        customer.phone_digits = textnorm.phone_digits(customer.phone)
    if "email" in changed:
        customer.email_key = textnorm.email_key(customer.email)
    if "furigana" in changed:
        customer.furigana_key = textnorm.normalize(customer.furigana)
    return changed


def touch_customer(s: Session, customer_id: int, *, reindex: bool) -> None:
    s.execute(update(Customer).where(Customer.id == customer_id).values(updated_at=utcnow()))
    if reindex:
        s.flush()
        search.reindex(s, [customer_id])


class CustomerService:
    def __init__(self, book: Book) -> None:
        self._book = book

    def create(self, *, field_values: dict[int, Any] | None = None,
               check_required: bool = False, **data: Any) -> int:
        """A new customer with built-in ``data`` and custom ``field_values`` (id → raw).

        With ``check_required`` (a customer entered by the owner), every required custom
        field must have a value, else :class:`ValidationError` names the first one missing
        and nothing is stored. Friends who arrive from LINE by themselves are created
        without the check: they cannot fill in the shop's fields; the detail pane marks
        what is missing.
        """
        from app.audit import AuditService
        from app.fields import REQUIRED_MESSAGE, missing_required
        from app.store.models import CustomField

        raw_values = dict(field_values or {})
        with self._book.db.write() as s:
            if check_required or raw_values:
                fields = list(s.scalars(select(CustomField)))
                by_id = {f.id: f for f in fields}
                if check_required:
                    missing = missing_required(fields, raw_values)
                    if missing:
                        raise ValidationError(missing[0].name[:60], message=REQUIRED_MESSAGE)
            customer = self.create_in(s, data)
            AuditService.timeline_add(s, customer.id, "created")
            cid = customer.id
            for fid, raw in raw_values.items():
                f = by_id.get(fid)
                if f is None:
                    raise NotFoundError(f"field {fid}")
                if raw is None or raw == [] or (isinstance(raw, str) and not raw.strip()):
                    continue
                self._book.fields.set_value_in(s, cid, fid, raw, field=f)
        self._book.announce("customers", [cid])
        return cid

    @staticmethod
    def create_in(s: Session, data: dict[str, Any], *, line_id_known_new: bool = False
                  ) -> Customer:
        """A new customer inside a write. ``line_id_known_new``: the caller has already
        read that no customer has this LINE user id (the sync reads them for a whole
        batch); the check here would flush the session's pending rows once per customer."""
        customer = Customer(display_name="", name="", furigana="", furigana_key="", phone="",
                            phone_digits="",
                            email="", email_key="", postal_code="", address="", memo="",
                            is_owner=False, created_at=utcnow(), updated_at=utcnow())
        apply_fields(customer, data)
        if customer.line_user_id and not line_id_known_new and s.scalar(
                select(Customer.id).where(Customer.line_user_id == customer.line_user_id)):
            raise ValidationError(customer.line_user_id[:12], message=QT_TRANSLATE_NOOP(
                _CTX, "A customer with this LINE user ID already exists."))
        s.add(customer)
        s.flush()
        search.reindex(s, [customer.id])
        return customer

    def update(self, customer_id: int, **data: Any) -> list[str]:
        from app.audit import AuditService
        from app.fields import emit_field_changed

        with self._book.db.write() as s:
            customer = s.get(Customer, customer_id)
            if customer is None:
                raise NotFoundError(f"customer {customer_id}")
            before = {n: getattr(customer, n) for n in data if n in EDITABLE}
            changed = apply_fields(customer, data)
            if changed:
                customer.updated_at = utcnow()
                for name in changed:
                    # Old and new values go into the timeline (inside the encrypted book),
                    # never into the log file.
                    AuditService.timeline_add(
                        s, customer_id, "field_changed", field=name,
                        **change_data(before.get(name), getattr(customer, name)))
                    emit_field_changed(s, customer_id, name)
                if _SEARCHED.intersection(changed):
                    s.flush()
                    search.reindex(s, [customer_id])
        if changed:
            self._book.announce("customers", [customer_id])
        return changed

    def get(self, customer_id: int) -> Customer:
        with self._book.db.read() as s:
            customer = s.get(Customer, customer_id)
            if customer is None:
                raise NotFoundError(f"customer {customer_id}")
            s.expunge(customer)
            return customer

    def by_line_user_id(self, line_user_id: str) -> int | None:
        with self._book.db.read() as s:
            return s.scalar(select(Customer.id).where(Customer.line_user_id == line_user_id))

    def count(self) -> int:
        with self._book.db.read() as s:
            return int(s.execute(text("SELECT count(*) FROM customer")).scalar_one())

    def delete(self, customer_ids: list[int]) -> int:
        """Delete customers with everything kept about them, attachments included."""
        from app.audit import AuditAction, AuditService

        ids = [int(i) for i in customer_ids]
        if not ids:
            return 0
        blobs: list[str] = []
        with self._book.db.write() as s:
            deleted = 0
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                marks = ",".join(str(i) for i in chunk)
                blobs += list(s.execute(text(
                    f"SELECT blob_name FROM attachment WHERE customer_id IN ({marks})"
                )).scalars())
                deleted += rowcount(s.execute(text(
                    f"DELETE FROM customer WHERE id IN ({marks})")))
            AuditService.add(s, AuditAction.CUSTOMERS_DELETED, target="customers",
                             count=deleted, ids=ids[:1000])
        # The rows are gone for good; now the ciphertexts.
        self._book.attachments.remove_blobs(blobs)
        self._book.announce("customers", ids)
        self._book.announce("tags")
        return deleted

    def rows(self, customer_ids: list[int]) -> dict[int, CustomerRow]:
        """Table rows for ``customer_ids`` (one page at a time, as the lazy model asks).

        This is the table's hot path, so it reads plain DB-API tuples.
        """
        from app.fields import FieldType, display, from_row

        result: dict[int, CustomerRow] = {}
        if not customer_ids:
            return result
        shown_by_id = {f.id: f for f in self._book.fields.list() if f.show_in_list}
        types = {fid: FieldType(f.type) for fid, f in shown_by_id.items()}
        with self._book.db.read() as s:
            cur = driver_cursor(s)
            for start in range(0, len(customer_ids), 900):
                marks = ",".join(str(int(i)) for i in customer_ids[start:start + 900])
                for (cid, display_name, name, furigana, phone, picture, line_id, followed,
                     blocked, updated) in cur.execute(
                        "SELECT id, display_name, name, furigana, phone, picture_url, "
                        "line_user_id, followed_at, blocked_at, updated_at "
                        f"FROM customer WHERE id IN ({marks})").fetchall():
                    result[cid] = CustomerRow(
                        id=cid, display_name=display_name, name=name, furigana=furigana,
                        phone=phone, picture_url=picture, line_user_id=line_id,
                        followed_at=_dt(followed), blocked_at=_dt(blocked),
                        updated_at=_dt(updated))
                for cid, tid in cur.execute(
                        "SELECT ct.customer_id, ct.tag_id FROM customer_tag ct "
                        "JOIN tag t ON t.id = ct.tag_id "
                        f"WHERE ct.customer_id IN ({marks}) ORDER BY t.position, t.id"
                ).fetchall():
                    result[cid].tag_ids.append(tid)
                if shown_by_id:
                    fmarks = ",".join(str(i) for i in shown_by_id)
                    for cid, fid, text_value, num_value, date_value in cur.execute(
                            "SELECT customer_id, field_id, text_value, num_value, date_value "
                            f"FROM field_value WHERE customer_id IN ({marks}) "
                            f"AND field_id IN ({fmarks})").fetchall():
                        f = shown_by_id[fid]
                        if types[fid] in (FieldType.TEXT, FieldType.SINGLE_CHOICE):
                            shown = text_value or ""  # the common case, without conversions
                        else:
                            shown = display(f, from_row(f, _Values(text_value, num_value,
                                                                   date_value)))
                        result[cid].field_text[fid] = shown
            cur.close()
        return result

    def tag_ids_of(self, customer_id: int) -> list[int]:
        with self._book.db.read() as s:
            return list(s.scalars(select(CustomerTag.tag_id)
                                  .where(CustomerTag.customer_id == customer_id)))


class _Values:
    __slots__ = ("date_value", "num_value", "text_value")

    def __init__(self, text_value: Any, num_value: Any, date_value: Any) -> None:
        self.text_value, self.num_value, self.date_value = text_value, num_value, date_value


def _dt(value: Any) -> Any:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))
