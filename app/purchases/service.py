"""``book.purchases``: the catalogue, orders, a customer's history, sales, refunds.

Every order is written in one transaction with what follows from it: the stock, the
tags 購入者 and リピーター (from the second order on), the customer's purchase summary
fields (so segments can use them: they are ordinary number/date fields), a timeline
entry and the domain event ``order.paid`` (``order.refunded`` for refunds).
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.errors import NotFoundError, ValidationError
from app.i18n import QT_TRANSLATE_NOOP
from app.store.models import CustomField, FieldValue, utcnow
from app.store.models_purchases import Order, OrderLine, Product

if TYPE_CHECKING:
    from app.book import Book

_CTX = "purchases"

TAG_BUYER = "購入者"
TAG_REPEATER = "リピーター"
#: The summary fields kept per customer, usable in segments like any custom field.
FIELD_TOTAL = "購入合計"
FIELD_COUNT = "購入回数"
FIELD_LAST = "最終購入日"
TAX_RATES = (10, 8)
PAID, PARTIALLY_REFUNDED, REFUNDED = "paid", "partially_refunded", "refunded"


@dataclass(frozen=True)
class SaleLine:
    """One line of a sale: a catalogue product (``product_id``) or a free line (``name``
    and ``unit_price``, tax included)."""

    product_id: int | None = None
    quantity: int = 1
    name: str = ""
    unit_price: int | None = None
    tax_rate: int = 10


@dataclass(frozen=True)
class LineInfo:
    name: str
    unit_price: int
    quantity: int
    tax_rate: int
    amount: int


@dataclass(frozen=True)
class OrderInfo:
    id: int
    number: str
    customer_id: int | None
    source: str
    status: str
    total: int
    refunded: int
    ordered_at: dt.datetime
    lines: tuple[LineInfo, ...] = field(default_factory=tuple)

    def totals_by_rate(self) -> dict[int, int]:
        """Amount (tax included) per tax rate."""
        out: dict[int, int] = {}
        for line in self.lines:
            out[line.tax_rate] = out.get(line.tax_rate, 0) + line.amount
        return out


@dataclass(frozen=True)
class CustomerSummary:
    orders: int
    total: int
    last: dt.datetime | None


def tax_in(amount: int, rate: int) -> int:
    """The consumption tax inside a tax-included amount, rounded down once per rate (the
    qualified invoice rules allow one rounding per rate per invoice)."""
    return amount * rate // (100 + rate)


def check_rate(rate: int) -> int:
    if rate not in TAX_RATES:
        raise ValidationError(str(rate)[:10], message=QT_TRANSLATE_NOOP(
            _CTX, "The tax rate must be 10% or 8%."))
    return rate


def _check_count(value: int, what: str) -> int:
    if value < 0 or value > 10**9:
        raise ValidationError(what, message=QT_TRANSLATE_NOOP(
            _CTX, "A price or quantity is out of range."))
    return value


#: A product photo's size limit (the relay's too: relay/payments/http.py MAX_PHOTO_BYTES).
PHOTO_MAX_BYTES = 300_000


class PurchaseService:
    def __init__(self, book: Book) -> None:
        self._book = book

    # --- the catalogue ---------------------------------------------------------------------
    def add_product(self, code: str, name: str, price: int, *, tax_rate: int = 10,
                    shown: bool = True, stock: int | None = None) -> int:
        with self._book.db.write() as s:
            pid = self._upsert_product_in(s, code, name, price, tax_rate, shown, stock)
        self._book.announce("products", [pid])
        return pid

    @staticmethod
    def _upsert_product_in(s: Session, code: str, name: str, price: int, tax_rate: int,
                           shown: bool, stock: int | None) -> int:
        code, name = code.strip(), name.strip()
        if not code or not name:
            raise ValidationError(message=QT_TRANSLATE_NOOP(
                _CTX, "A product needs a code and a name."))
        _check_count(price, "price")
        check_rate(tax_rate)
        if stock is not None:
            _check_count(stock, "stock")
        product = s.scalar(select(Product).where(Product.code == code))
        if product is None:
            product = Product(code=code, created_at=utcnow())
            s.add(product)
        product.name, product.price, product.tax_rate = name, price, tax_rate
        product.shown, product.stock = shown, stock
        s.flush()
        return product.id

    def set_photo(self, code: str, data: bytes | None) -> None:
        """The product's photo for the relay's product page (None: none). JPEG or PNG by
        its bytes, at most PHOTO_MAX_BYTES (the page loads on phones)."""
        from app.line.send.bubbles import image_type

        kind = None
        if data is not None:
            kind = image_type(data)
            if kind is None:
                raise ValidationError(code, message=QT_TRANSLATE_NOOP(
                    _CTX, "A product photo must be a JPEG or PNG image."))
            if len(data) > PHOTO_MAX_BYTES:
                raise ValidationError(code, message=QT_TRANSLATE_NOOP(
                    _CTX, "The photo is too large: make it at most 300 KB (for example "
                          "1000 pixels wide) and try again."))
        with self._book.db.write() as s:
            product = s.scalar(select(Product).where(Product.code == code.strip()))
            if product is None:
                raise ValidationError(code, message=QT_TRANSLATE_NOOP(
                    _CTX, "There is no product with this code."))
            product.photo, product.photo_type = data, kind
            pid = product.id
        self._book.announce("products", [pid])

    def products(self, *, shown_only: bool = False) -> builtins.list[Product]:
        with self._book.db.read() as s:
            q = select(Product).order_by(Product.code)
            if shown_only:
                q = q.where(Product.shown.is_(True))
            rows = list(s.scalars(q))
            s.expunge_all()
            return rows

    def import_products(self, path: Path) -> int:
        """Products from CSV (see docs/purchases.md), all or nothing; returns the count."""
        from app.purchases.csvimport import read_products

        rows = read_products(Path(path))
        with self._book.db.write() as s:
            for r in rows:
                self._upsert_product_in(s, r.code, r.name, r.price, r.tax_rate, r.shown,
                                        r.stock)
        self._book.announce("products")
        return len(rows)

    # --- orders ----------------------------------------------------------------------------
    def quick_sale(self, customer_id: int | None, lines: Sequence[SaleLine], *,
                   at: dt.datetime | None = None) -> int:
        """A sale at the counter, paid; returns the order id."""
        with self._book.db.write() as s:
            built = []
            for line in lines:
                _check_count(line.quantity, "quantity")
                if line.quantity == 0:
                    continue
                if line.product_id is not None:
                    product = s.get(Product, line.product_id)
                    if product is None:
                        raise NotFoundError(f"product {line.product_id}")
                    if product.stock is not None:
                        if product.stock < line.quantity:
                            raise ValidationError(product.code, message=QT_TRANSLATE_NOOP(
                                _CTX, "Not enough in stock."))
                        product.stock -= line.quantity
                    price = product.price if line.unit_price is None else line.unit_price
                    built.append(OrderLine(product_id=product.id, name=product.name,
                                           unit_price=price, quantity=line.quantity,
                                           tax_rate=product.tax_rate))
                else:
                    if not line.name.strip() or line.unit_price is None:
                        raise ValidationError(message=QT_TRANSLATE_NOOP(
                            _CTX, "A line needs a product, or a name and a price."))
                    built.append(OrderLine(name=line.name.strip(),
                                           unit_price=_check_count(line.unit_price, "price"),
                                           quantity=line.quantity,
                                           tax_rate=check_rate(line.tax_rate)))
            if not built:
                raise ValidationError(message=QT_TRANSLATE_NOOP(
                    _CTX, "A sale needs at least one line."))
            number = self._next_number(s)
            oid = self.record_in(s, number=number, customer_id=customer_id, source="counter",
                                 lines=built, at=at or utcnow())
        self._announce(customer_id, oid)
        return oid

    @staticmethod
    def _next_number(s: Session) -> str:
        last = s.scalar(select(func.max(Order.id))) or 0
        n = last + 1
        while s.scalar(select(Order.id).where(Order.number == f"R{n:06d}")) is not None:
            n += 1
        return f"R{n:06d}"

    @classmethod
    def record_in(cls, s: Session, *, number: str, customer_id: int | None, source: str,
                  lines: builtins.list[OrderLine], at: dt.datetime,
                  summaries: bool = True) -> int:
        """Write one paid order and what follows from it, inside a write transaction."""
        from app import domain_events
        from app.audit import AuditService
        from app.store.models import Customer

        if customer_id is not None and s.get(Customer, customer_id) is None:
            raise NotFoundError(f"customer {customer_id}")
        for line in lines:
            line.amount = line.unit_price * line.quantity
        order = Order(number=number, customer_id=customer_id, source=source, status=PAID,
                      total=sum(line.amount for line in lines), refunded=0, ordered_at=at,
                      created_at=utcnow())
        s.add(order)
        s.flush()
        for line in lines:
            line.order_id = order.id
        s.add_all(lines)
        if customer_id is not None:
            AuditService.timeline_add(s, customer_id, "order_paid", number=number,
                                      total=order.total)
            domain_events.emit(s, domain_events.ORDER_PAID, key=f"order:{number}:paid",
                               customer_id=customer_id, data={"order_id": number})
            if summaries:
                cls.refresh_customers_in(s, [customer_id])
        return order.id

    @classmethod
    def refresh_customers_in(cls, s: Session, customer_ids: Iterable[int]) -> None:
        """Recompute the summary fields and purchase tags of ``customer_ids``."""
        from app.tags import TagService

        cids = sorted(set(customer_ids))
        if not cids:
            return
        fields = cls._summary_fields_in(s)
        buyer_tags = TagService.ensure_in(s, [TAG_BUYER])
        repeater_tags = TagService.ensure_in(s, [TAG_REPEATER])
        buyers, repeaters = [], []
        for start in range(0, len(cids), 500):
            chunk = cids[start:start + 500]
            rows = s.execute(
                select(Order.customer_id, func.count(), func.sum(Order.total - Order.refunded),
                       func.max(Order.ordered_at))
                .where(Order.customer_id.in_(chunk), Order.status != REFUNDED)
                .group_by(Order.customer_id)).all()
            for cid, count, total, last in rows:
                assert cid is not None
                cls._put(s, cid, fields[FIELD_TOTAL], num=float(total or 0))
                cls._put(s, cid, fields[FIELD_COUNT], num=float(count))
                cls._put(s, cid, fields[FIELD_LAST], date=last.date().isoformat())
                buyers.append(cid)
                if count >= 2:
                    repeaters.append(cid)
        if buyers:
            TagService.apply_in(s, buyers, buyer_tags, add=True)
        if repeaters:
            TagService.apply_in(s, repeaters, repeater_tags, add=True)

    @staticmethod
    def _put(s: Session, cid: int, fid: int, *, num: float | None = None,
             date: str | None = None) -> None:
        s.merge(FieldValue(customer_id=cid, field_id=fid, text_value=None, num_value=num,
                           date_value=date, updated_at=utcnow()))

    @staticmethod
    def _summary_fields_in(s: Session) -> dict[str, int]:
        from app.fields import FieldType

        out: dict[str, int] = {}
        for name, ftype in ((FIELD_TOTAL, FieldType.NUMBER), (FIELD_COUNT, FieldType.NUMBER),
                            (FIELD_LAST, FieldType.DATE)):
            fid = s.scalar(select(CustomField.id).where(CustomField.name == name))
            if fid is None:
                position = (s.scalar(select(func.max(CustomField.position))) or 0) + 1
                f = CustomField(name=name, type=ftype.value, choices=[], required=False,
                                show_in_list=False, position=position)
                s.add(f)
                s.flush()
                fid = f.id
            out[name] = fid
        return out

    def refund(self, order_id: int, amount: int | None = None) -> OrderInfo:
        """Refund all (``amount`` None) or part of an order; more than is left is refused."""
        from app import domain_events
        from app.audit import AuditService

        with self._book.db.write() as s:
            order = s.get(Order, order_id)
            if order is None:
                raise NotFoundError(f"order {order_id}")
            left = order.total - order.refunded
            amount = left if amount is None else amount
            if amount <= 0 or amount > left:
                raise ValidationError(f"{amount} > {left}", message=QT_TRANSLATE_NOOP(
                    _CTX, "A refund cannot be larger than what is left of the payment."))
            order.refunded += amount
            order.status = REFUNDED if order.refunded == order.total else PARTIALLY_REFUNDED
            if order.customer_id is not None:
                AuditService.timeline_add(s, order.customer_id, "order_refunded",
                                          number=order.number, amount=amount)
                domain_events.emit(s, domain_events.ORDER_REFUNDED,
                                   key=f"order:{order.number}:refund:{order.refunded}",
                                   customer_id=order.customer_id,
                                   data={"order_id": order.number})
                self.refresh_customers_in(s, [order.customer_id])
            cid = order.customer_id
        self._announce(cid, order_id)
        return self.get(order_id)

    def _announce(self, customer_id: int | None, order_id: int) -> None:
        self._book.announce("orders", [order_id])
        if customer_id is not None:
            self._book.announce("customers", [customer_id])

    # --- reading ---------------------------------------------------------------------------
    def get(self, order_id: int) -> OrderInfo:
        with self._book.db.read() as s:
            order = s.get(Order, order_id)
            if order is None:
                raise NotFoundError(f"order {order_id}")
            return _info(order, _lines(s, [order.id]).get(order.id, ()))

    def by_number(self, number: str) -> OrderInfo:
        with self._book.db.read() as s:
            oid = s.scalar(select(Order.id).where(Order.number == number))
        if oid is None:
            raise NotFoundError(f"order {number[:20]}")
        return self.get(oid)

    def history(self, customer_id: int) -> builtins.list[OrderInfo]:
        """The customer's orders, newest first, with their lines."""
        with self._book.db.read() as s:
            orders = list(s.scalars(select(Order).where(Order.customer_id == customer_id)
                                    .order_by(Order.ordered_at.desc(), Order.id.desc())))
            lines = _lines(s, [o.id for o in orders])
            return [_info(o, lines.get(o.id, ())) for o in orders]

    def summary(self, customer_id: int) -> CustomerSummary:
        with self._book.db.read() as s:
            count, total, last = s.execute(
                select(func.count(), func.sum(Order.total - Order.refunded),
                       func.max(Order.ordered_at))
                .where(Order.customer_id == customer_id, Order.status != REFUNDED)).one()
            return CustomerSummary(int(count), int(total or 0), last)

    def list(self, *, since: dt.date | None = None, until: dt.date | None = None,
             status: str | None = None, customer_id: int | None = None,
             limit: int | None = None) -> builtins.list[OrderInfo]:
        with self._book.db.read() as s:
            q = select(Order).order_by(Order.ordered_at.desc(), Order.id.desc())
            if since is not None:
                q = q.where(Order.ordered_at >= dt.datetime.combine(since, dt.time()))
            if until is not None:
                q = q.where(Order.ordered_at < dt.datetime.combine(
                    until + dt.timedelta(days=1), dt.time()))
            if status is not None:
                q = q.where(Order.status == status)
            if customer_id is not None:
                q = q.where(Order.customer_id == customer_id)
            if limit is not None:
                q = q.limit(limit)
            orders = list(s.scalars(q))
            lines = _lines(s, [o.id for o in orders])
            return [_info(o, lines.get(o.id, ())) for o in orders]

    def customer_names(self, customer_ids: Iterable[int]) -> dict[int, str]:
        """The names the orders list shows (the name, else the LINE display name)."""
        from app.store.models import Customer

        ids = sorted(set(customer_ids))
        out: dict[int, str] = {}
        with self._book.db.read() as s:
            for start in range(0, len(ids), 500):
                for cid, name, display in s.execute(
                        select(Customer.id, Customer.name, Customer.display_name)
                        .where(Customer.id.in_(ids[start:start + 500]))):
                    out[cid] = name or display or ""
        return out

    def sales_by_month(self) -> builtins.list[tuple[str, int, int]]:
        """(YYYY-MM, orders, net sales) per month, oldest first (times are UTC)."""
        with self._book.db.read() as s:
            rows = s.execute(text(
                "SELECT substr(ordered_at, 1, 7) AS m, count(*), sum(total - refunded) "
                "FROM shop_order GROUP BY m ORDER BY m")).all()
            return [(str(m), int(n), int(t or 0)) for m, n, t in rows]

    # --- files -----------------------------------------------------------------------------
    def import_orders(self, path: Path, *, dry_run: bool = False) -> Any:
        from app.purchases.csvimport import import_orders

        report = import_orders(self._book, Path(path), dry_run=dry_run)
        if not dry_run:
            self._book.announce("orders")
            self._book.announce("customers")
        return report

    def export_orders(self, path: Path,
                      orders: builtins.list[OrderInfo] | None = None) -> int:
        from app.purchases.csvimport import export_orders

        return export_orders(self._book, Path(path), orders)

    def receipt_pdf(self, order_id: int) -> bytes:
        from app.purchases.receipt import receipt_pdf

        return receipt_pdf(self._book, self.get(order_id))


def _lines(s: Session, order_ids: builtins.list[int]) -> dict[int, tuple[LineInfo, ...]]:
    out: dict[int, builtins.list[LineInfo]] = {}
    for start in range(0, len(order_ids), 900):
        chunk = order_ids[start:start + 900]
        for line in s.scalars(select(OrderLine).where(OrderLine.order_id.in_(chunk))
                              .order_by(OrderLine.id)):
            out.setdefault(line.order_id, []).append(LineInfo(
                line.name, line.unit_price, line.quantity, line.tax_rate, line.amount))
    return {k: tuple(v) for k, v in out.items()}


def _info(o: Order, lines: tuple[LineInfo, ...]) -> OrderInfo:
    return OrderInfo(o.id, o.number, o.customer_id, o.source, o.status, o.total, o.refunded,
                     o.ordered_at, lines)
