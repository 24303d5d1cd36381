"""Products and orders from POS/EC CSV files; orders to CSV.

The file is read like the customer import (app/csvio.py: UTF-8 or Shift_JIS, commas or
tabs, headers matched loosely). Columns are recognised by header names (Japanese or
English, see :data:`ORDER_COLUMNS`); the import is all or nothing: one bad row names
itself and nothing is written. Orders are grouped by order number (one row per line);
an order number already in the book is skipped, so importing the same file twice adds
nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.csvio import RowProblem, _guard, _load, header_key
from app.errors import ImportRowsError, ValidationError
from app.i18n import QT_TRANSLATE_NOOP
from app.purchases.amounts import BAD_AMOUNT, parse_yen
from app.store.models import Customer, CustomField, FieldValue

if TYPE_CHECKING:
    from app.book import Book

_CTX = "purchases"
T = TypeVar("T")
JST = ZoneInfo("Asia/Tokyo")
#: The custom field holding the shop's member numbers (created by ``member import``).
MEMBER_FIELD = "会員番号"

PRODUCT_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("code", "sku", "コード", "商品コード", "品番"),
    "name": ("name", "商品名", "名前", "品名", "サービス名"),
    "price": ("price", "価格", "税込価格", "販売価格", "単価"),
    "tax_rate": ("taxrate", "tax", "税率"),
    "shown": ("shown", "表示", "公開"),
    "stock": ("stock", "在庫", "在庫数"),
}
ORDER_COLUMNS: dict[str, tuple[str, ...]] = {
    "number": ("order", "orderid", "ordernumber", "注文番号", "注文id", "伝票番号", "取引id"),
    "at": ("date", "datetime", "orderedat", "日時", "注文日時", "購入日時", "日付", "購入日"),
    "line_id": ("lineid", "lineuserid", "line", "lineユーザーid"),
    "member": ("member", "membernumber", "memberid", "会員番号", "会員id"),
    "phone": ("phone", "tel", "電話", "電話番号"),
    "email": ("email", "mail", "メール", "メールアドレス"),
    "name": ("item", "product", "productname", "商品名", "商品", "品名"),
    "quantity": ("quantity", "qty", "数量", "個数"),
    "unit_price": ("unitprice", "price", "単価", "価格"),
    "amount": ("amount", "subtotal", "金額", "小計"),
    "tax_rate": ("taxrate", "tax", "税率"),
}


@dataclass(frozen=True)
class ProductRow:
    code: str
    name: str
    price: int
    tax_rate: int
    shown: bool
    stock: int | None


@dataclass
class OrderImportReport:
    rows: int
    orders: int  # new orders (dry run: would be)
    matched: int  # of those, matched to a customer
    #: (row, order number) of orders matched to nobody (imported without a customer).
    unmatched: list[tuple[int, str]] = field(default_factory=list)
    #: Order numbers already in the book (skipped).
    already: list[str] = field(default_factory=list)
    dry_run: bool = False


def _columns(headers: list[str], known: dict[str, tuple[str, ...]]) -> dict[str, int]:
    keys = {alias: target for target, aliases in known.items() for alias in aliases}
    found: dict[str, int] = {}
    for i, h in enumerate(headers):
        target = keys.get(header_key(h))
        if target is not None and target not in found:
            found[target] = i
    return found


def _cell(cells: list[str], cols: dict[str, int], key: str) -> str:
    i = cols.get(key)
    return cells[i].strip() if i is not None and i < len(cells) else ""


def _rate(text: str) -> int:
    norm = unicodedata.normalize("NFKC", text).strip().replace("%", "")
    if not norm:
        return 10
    if norm in ("軽減", "reduced"):
        return 8
    if norm in ("10", "8"):
        return int(norm)
    raise ValidationError(text[:40], message=QT_TRANSLATE_NOOP(
        _CTX, "The tax rate must be 10% or 8%."))


def _count(text: str, *, default: int | None) -> int | None:
    norm = unicodedata.normalize("NFKC", text).strip().replace(",", "")
    if not norm:
        return default
    if not norm.isascii() or not norm.isdigit():
        raise ValidationError(text[:40], message=QT_TRANSLATE_NOOP(
            _CTX, "This is not a whole number."))
    return int(norm)


def _when(text: str) -> dt.datetime:
    """A Japanese shop's local time (JST) → UTC, as the book stores times."""
    norm = unicodedata.normalize("NFKC", text).strip().replace("/", "-").replace("T", " ")
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            local = dt.datetime.strptime(norm, fmt)
        except ValueError:
            continue
        return local.replace(tzinfo=JST).astimezone(dt.UTC).replace(tzinfo=None)
    raise ValidationError(text[:40], message=QT_TRANSLATE_NOOP(
        _CTX, "This is not a date (write 2026-12-05 or 2026/12/05 10:30)."))


def _missing(headers: list[str], needed: list[str], cols: dict[str, int]) -> None:
    absent = [n for n in needed if n not in cols]
    if absent:
        raise ImportRowsError([RowProblem(1, "", QT_TRANSLATE_NOOP(
            _CTX, "A required column is missing."), ",".join(absent))])


def read_products(path: Path) -> list[ProductRow]:
    _enc, headers, records = _load(path, "auto")
    cols = _columns(headers, PRODUCT_COLUMNS)
    _missing(headers, ["code", "name", "price"], cols)
    out: list[ProductRow] = []
    problems: list[RowProblem] = []
    for row, cells in records:
        if not any(c.strip() for c in cells):
            continue
        try:
            shown_text = header_key(_cell(cells, cols, "shown"))
            out.append(ProductRow(
                code=_cell(cells, cols, "code"), name=_cell(cells, cols, "name"),
                price=_problem_at(row, headers, cols, "price",
                                  lambda t: parse_yen(t), cells),
                tax_rate=_problem_at(row, headers, cols, "tax_rate", _rate, cells),
                shown=shown_text not in ("0", "no", "false", "非表示", "しない", "いいえ"),
                stock=_problem_at(row, headers, cols, "stock",
                                  lambda t: _count(t, default=None), cells)))
        except _RowError as exc:
            problems.append(exc.problem)
    if problems:
        raise ImportRowsError(problems)
    return out


class _RowError(Exception):
    def __init__(self, problem: RowProblem) -> None:
        self.problem = problem


def _problem_at(row: int, headers: list[str], cols: dict[str, int], key: str,
                convert: Callable[[str], T], cells: list[str]) -> T:
    value = _cell(cells, cols, key)
    try:
        return convert(value)
    except ValidationError as exc:
        column = headers[cols[key]] if key in cols else key
        raise _RowError(RowProblem(row, column, exc.message, value[:40])) from None


@dataclass
class _Pending:
    row: int
    number: str
    at: dt.datetime
    keys: dict[str, str]
    lines: list[tuple[str, int, int, int]]  # name, unit price, quantity, rate


def import_orders(book: Book, path: Path, *, dry_run: bool) -> OrderImportReport:
    from app.purchases.service import PurchaseService
    from app.store.models_purchases import Order
    from app.textnorm import email_key, phone_digits

    _enc, headers, records = _load(path, "auto")
    cols = _columns(headers, ORDER_COLUMNS)
    _missing(headers, ["number", "at", "name"], cols)
    if "unit_price" not in cols and "amount" not in cols:
        _missing(headers, ["unit_price"], cols)
    pending: OrderedDict[str, _Pending] = OrderedDict()
    problems: list[RowProblem] = []
    nrows = 0
    for row, cells in records:
        if not any(c.strip() for c in cells):
            continue
        nrows += 1
        number = _cell(cells, cols, "number")
        if not number:
            problems.append(RowProblem(row, headers[cols["number"]], QT_TRANSLATE_NOOP(
                _CTX, "The order number is empty."), ""))
            continue
        try:
            at = _problem_at(row, headers, cols, "at", _when, cells)
            qty = _problem_at(row, headers, cols, "quantity",
                              lambda t: _count(t, default=1) or 0, cells)
            rate = _problem_at(row, headers, cols, "tax_rate", _rate, cells)
            if _cell(cells, cols, "unit_price"):
                unit = _problem_at(row, headers, cols, "unit_price", parse_yen, cells)
            else:
                amount = _problem_at(row, headers, cols, "amount", parse_yen, cells)
                if qty == 0 or amount % qty:
                    raise _RowError(RowProblem(row, headers[cols["amount"]], BAD_AMOUNT,
                                               str(amount)))
                unit = amount // qty
        except _RowError as exc:
            problems.append(exc.problem)
            continue
        name = _cell(cells, cols, "name")
        p = pending.get(number)
        if p is None:
            p = pending[number] = _Pending(row, number, at, {}, [])
        for key in ("line_id", "member", "phone", "email"):
            value = _cell(cells, cols, key)
            if value and key not in p.keys:
                p.keys[key] = value
        p.lines.append((name, unit, qty, rate))
    if problems:
        raise ImportRowsError(problems)

    report = OrderImportReport(rows=nrows, orders=0, matched=0, dry_run=dry_run)
    with book.db.write() as s:
        existing = set(s.scalars(select(Order.number).where(Order.number.in_(list(pending)))))
        by_line: dict[str | None, int] = {
            r[0]: r[1] for r in s.execute(select(Customer.line_user_id, Customer.id)
                                          .where(Customer.line_user_id.is_not(None)))}
        by_phone: dict[str, set[int]] = {}
        by_email: dict[str, set[int]] = {}
        for cid, digits, ekey in s.execute(select(Customer.id, Customer.phone_digits,
                                                  Customer.email_key)):
            if digits:
                by_phone.setdefault(digits, set()).add(cid)
            if ekey:
                by_email.setdefault(ekey, set()).add(cid)
        by_member: dict[str, set[int]] = {}
        mfield = s.scalar(select(CustomField.id).where(CustomField.name == MEMBER_FIELD))
        if mfield is not None:
            for mcid, mvalue in s.execute(select(FieldValue.customer_id, FieldValue.text_value)
                                          .where(FieldValue.field_id == mfield)):
                if mvalue:
                    by_member.setdefault(_member_key(mvalue), set()).add(mcid)

        def match(keys: dict[str, str]) -> int | None:
            if "line_id" in keys and keys["line_id"] in by_line:
                return by_line[keys["line_id"]]
            for key, index, norm in (("member", by_member, _member_key),
                                     ("phone", by_phone, phone_digits),
                                     ("email", by_email, email_key)):
                if key in keys:
                    found = index.get(norm(keys[key]), set())
                    if len(found) == 1:
                        return next(iter(found))
            return None

        touched: set[int] = set()
        new_orders: list[tuple[_Pending, int | None]] = []
        for p in pending.values():
            if p.number in existing:
                report.already.append(p.number)
                continue
            who = match(p.keys)
            report.orders += 1
            if who is None:
                report.unmatched.append((p.row, p.number))
            else:
                report.matched += 1
                touched.add(who)
            new_orders.append((p, who))
        if not dry_run:
            _write_orders(s, new_orders)
            PurchaseService.refresh_customers_in(s, touched)
            from app.audit import AuditAction, AuditService

            AuditService.add(s, AuditAction.IMPORT_CSV, target="orders", count=report.orders)
    return report


def _write_orders(s: Session, orders: list[tuple[_Pending, int | None]]) -> None:
    """The orders in bulk (10,000 in seconds, not minutes): the same rows as
    :meth:`PurchaseService.record_in` writes one by one, summaries refreshed after."""
    from sqlalchemy import insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    from app import domain_events
    from app.store.models import DomainEvent, TimelineEvent, utcnow
    from app.store.models_purchases import Order, OrderLine

    now = utcnow()
    for start in range(0, len(orders), 2000):
        chunk = orders[start:start + 2000]
        returning = insert(Order).returning(Order.id, Order.number,
                                            sort_by_parameter_order=True)
        ids = s.execute(returning, [
            {"number": p.number, "customer_id": who, "source": "csv", "status": "paid",
             "total": sum(u * q for _n, u, q, _r in p.lines), "refunded": 0,
             "ordered_at": p.at, "created_at": now} for p, who in chunk]).all()
        s.execute(insert(OrderLine), [
            {"order_id": oid, "product_id": None, "name": n, "unit_price": u, "quantity": q,
             "tax_rate": r, "amount": u * q}
            for (oid, _num), (p, _who) in zip(ids, chunk, strict=True)
            for n, u, q, r in p.lines])
        matched = [(p, who) for p, who in chunk if who is not None]
        if matched:
            s.execute(insert(TimelineEvent), [
                {"customer_id": who, "at": now, "kind": "order_paid",
                 "data": {"number": p.number,
                          "total": sum(u * q for _n, u, q, _r in p.lines)}}
                for p, who in matched])
            # What domain_events.emit writes, for many orders in one statement.
            s.execute(sqlite_insert(DomainEvent).on_conflict_do_nothing(
                index_elements=["key"]), [
                {"key": f"order:{p.number}:paid", "kind": domain_events.ORDER_PAID,
                 "customer_id": who, "data": {"order_id": p.number}, "depth": 0, "at": now}
                for p, who in matched])


def _member_key(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip().upper()


EXPORT_HEADERS = ["注文番号", "日時", "お客様ID", "名前", "経路", "状態", "合計", "返金",
                  "10%対象", "8%対象", "明細"]


def export_orders(book: Book, path: Path, orders: list[Any] | None = None) -> int:
    """Every order (or those given: the window's filtered list) as CSV (UTF-8 with BOM,
    Excel-ready); returns the count."""
    from app.audit import AuditAction

    orders = book.purchases.list() if orders is None else orders
    names: dict[int, str] = {}
    with book.db.read() as s:
        for cid, name, display in s.execute(select(Customer.id, Customer.name,
                                                   Customer.display_name)):
            names[cid] = name or display
    tmp = Path(path).with_name(Path(path).name + ".part")
    with tmp.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(EXPORT_HEADERS)
        for o in orders:
            local = o.ordered_at.replace(tzinfo=dt.UTC).astimezone(JST)
            rates = o.totals_by_rate()
            w.writerow([_guard(o.number), local.strftime("%Y-%m-%d %H:%M"),
                        "" if o.customer_id is None else o.customer_id,
                        _guard(names.get(o.customer_id or 0, "")), o.source, o.status,
                        o.total, o.refunded, rates.get(10, 0), rates.get(8, 0),
                        _guard(" / ".join(f"{ln.name}×{ln.quantity}" for ln in o.lines))])
    tmp.replace(path)
    book.audit.record(AuditAction.EXPORT_CSV, target="orders", count=len(orders))
    return len(orders)
