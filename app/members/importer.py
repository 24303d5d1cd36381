"""``member import FILE.csv``: the shop's members as customers without LINE.

Columns (headers matched loosely, Japanese or English): 会員番号 (required, unique), 名前,
フリガナ, 電話, メール, 誕生日, ポイント. A member number already in the book updates that
customer (empty cells change nothing). All or nothing: a bad row is named and nothing is
written.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.csvio import RowProblem, _load
from app.errors import ImportRowsError, ValidationError
from app.i18n import QT_TRANSLATE_NOOP
from app.purchases.csvimport import MEMBER_FIELD, _cell, _columns, _count, _member_key
from app.store.models import Customer, CustomField, FieldValue

if TYPE_CHECKING:
    from app.book import Book

_CTX = "purchases"
POINTS_FIELD = "ポイント"
MEMBER_COLUMNS: dict[str, tuple[str, ...]] = {
    "member": ("member", "membernumber", "memberid", "会員番号", "会員id", "会員no"),
    "name": ("name", "名前", "氏名", "お名前"),
    "furigana": ("furigana", "kana", "フリガナ", "ふりがな"),
    "phone": ("phone", "tel", "電話", "電話番号"),
    "email": ("email", "mail", "メール", "メールアドレス"),
    "birthday": ("birthday", "誕生日", "生年月日"),
    "points": ("points", "ポイント", "保有ポイント"),
}


@dataclass
class MemberImportReport:
    rows: int
    created: int
    updated: int


def _birthday(text: str) -> dt.date | None:
    norm = unicodedata.normalize("NFKC", text).strip().replace("/", "-")
    if not norm:
        return None
    try:
        return dt.date.fromisoformat("-".join(p.zfill(2) for p in norm.split("-")))
    except ValueError:
        raise ValidationError(text[:40], message=QT_TRANSLATE_NOOP(
            _CTX, "This is not a date (write 2026-12-05 or 2026/12/05 10:30).")) from None


def member_fields_in(s: Session) -> tuple[int, int]:
    """The ids of the 会員番号 (text) and ポイント (points) fields, made when missing."""
    from sqlalchemy import func

    from app.fields import FieldType

    out = []
    for name, ftype in ((MEMBER_FIELD, FieldType.TEXT), (POINTS_FIELD, FieldType.POINTS)):
        f = s.scalar(select(CustomField).where(CustomField.name == name))
        if f is None:
            position = (s.scalar(select(func.max(CustomField.position))) or 0) + 1
            f = CustomField(name=name, type=ftype.value, choices=[], required=False,
                            show_in_list=False, position=position)
            s.add(f)
            s.flush()
        out.append(f.id)
    return out[0], out[1]


def member_index_in(s: Session, field_id: int) -> dict[str, int]:
    return {_member_key(v): cid for cid, v in s.execute(
        select(FieldValue.customer_id, FieldValue.text_value)
        .where(FieldValue.field_id == field_id)) if v}


def import_members(book: Book, path: Path) -> MemberImportReport:
    from app.audit import AuditAction, AuditService
    from app.customers import CustomerService, apply_fields, touch_customer

    _enc, headers, records = _load(Path(path), "auto")
    cols = _columns(headers, MEMBER_COLUMNS)
    if "member" not in cols:
        raise ImportRowsError([RowProblem(1, "", QT_TRANSLATE_NOOP(
            _CTX, "A required column is missing."), "会員番号")])
    rows: list[tuple[int, str, dict[str, object], int | None]] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for row, cells in records:
        if not any(c.strip() for c in cells):
            continue
        number = _cell(cells, cols, "member")
        key = _member_key(number)
        if not key or key in seen:
            problems.append(RowProblem(row, headers[cols["member"]], QT_TRANSLATE_NOOP(
                _CTX, "The member number is empty or appears twice."), number[:40],
                related_row=seen.get(key)))
            continue
        seen[key] = row
        data: dict[str, object] = {}
        for k in ("name", "furigana", "phone", "email"):
            if _cell(cells, cols, k):
                data[k] = _cell(cells, cols, k)
        try:
            birthday = _birthday(_cell(cells, cols, "birthday"))
            if birthday is not None:
                data["birthday"] = birthday
            points = _count(_cell(cells, cols, "points"), default=None)
            probe = Customer()
            apply_fields(probe, dict(data))  # validates phone, email … as the book does
        except ValidationError as exc:
            problems.append(RowProblem(row, "", exc.message, ""))
            continue
        rows.append((row, number.strip(), data, points))
    if problems:
        raise ImportRowsError(problems)
    report = MemberImportReport(len(rows), 0, 0)
    with book.db.write() as s:
        mfield, pfield = member_fields_in(s)
        index = member_index_in(s, mfield)
        for _row, number, data, points in rows:
            cid = index.get(_member_key(number))
            if cid is None:
                customer = CustomerService.create_in(s, dict(data))
                AuditService.timeline_add(s, customer.id, "created")
                cid = customer.id
                report.created += 1
                book.fields.set_value_in(s, cid, mfield, number)
            else:
                found = s.get(Customer, cid)
                assert found is not None
                if apply_fields(found, dict(data)):
                    touch_customer(s, cid, reindex=True)
                report.updated += 1
            if points is not None:
                book.fields.set_value_in(s, cid, pfield, points, reason="member import")
        AuditService.add(s, AuditAction.IMPORT_CSV, target="members", count=len(rows))
    book.announce("customers")
    book.announce("fields")
    return report
