"""A form's answers as CSV, ready for Excel (UTF-8 with BOM, CRLF, formula guard).

One row per answer, oldest first: when it was sent (Japan time), its status, the customer
(number and name), the version, then one column per item. Items are the newest version's,
followed by those only older versions had (answers are read against their own version,
so nothing an older answer holds is left out). Cells Excel would run as a formula get an
apostrophe first, as :mod:`app.csvio` does. The export is recorded in the audit log.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from app import fsutil
from app.audit import AuditAction, AuditService
from app.csvio import _guard
from app.store.models import Customer, FormAnswer, FormVersion
from relay.forms.schema import JST, Item, parse_definition

if TYPE_CHECKING:
    from app.book import Book

HEADERS = ("回答ID", "送信日時", "状態", "お客様番号", "お客様", "版")
STATUS_JA = {"applied": "反映済み", "pending": "確認待ち", "refused": "反映せず",
             "replaced": "修正済み"}
_BOM = b"\xef\xbb\xbf"


def cell(item: Item | None, value: Any) -> str:
    """An answer's value as one cell's text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "同意" if value else ""
    if item is not None and item.type == "file" and isinstance(value, list):
        return "; ".join(str(v.get("name", "")) for v in value if isinstance(v, dict))
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        if "postal_code" in value:
            postal = value.get("postal_code")
            return (f"〒{postal} " if postal else "") + str(value.get("address", ""))
        kana = value.get("furigana")
        return str(value.get("name", "")) + (f"（{kana}）" if kana else "")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def export_answers(book: Book, ref: int | str, path: Path) -> int:
    from app.forms.service import FormService

    rows_written = 0
    with book.db.read() as s:
        form = FormService._form(s, ref)
        versions = {v.version: parse_definition(v.definition) for v in s.scalars(
            select(FormVersion).where(FormVersion.form_pk == form.id))}
        items: dict[str, Item] = {}
        for number in sorted(versions, reverse=True):
            for item in versions[number].items:
                if item.has_value and item.key not in items:
                    items[item.key] = item
        answers = list(s.execute(
            select(FormAnswer, Customer.name, Customer.display_name)
            .outerjoin(Customer, Customer.id == FormAnswer.customer_id)
            .where(FormAnswer.form_pk == form.id)
            .order_by(FormAnswer.submitted_at, FormAnswer.id)))
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow([_guard(h) for h in (*HEADERS, *(i.label for i in items.values()))])
        for answer, name, display_name in answers:
            sent = answer.submitted_at.replace(tzinfo=dt.UTC) \
                .astimezone(JST).strftime("%Y-%m-%d %H:%M")
            values = answer.answer_values or {}
            own = versions.get(answer.version)
            cells = [answer.answer_id, sent, STATUS_JA.get(answer.status, answer.status),
                     "" if answer.customer_id is None else str(answer.customer_id),
                     _guard(name or display_name or ""), str(answer.version)]
            for key, item in items.items():
                shown = own.item(key) if own is not None else None
                cells.append(_guard(cell(shown or item, values.get(key))))
            writer.writerow(cells)
            rows_written += 1
        form_id = form.form_id
    with fsutil.atomic_write(path) as out:
        out.write(_BOM + buf.getvalue().encode("utf-8"))
    AuditService(book).record(AuditAction.EXPORT_CSV, target=f"form:{form_id}",
                              count=rows_written)
    return rows_written
