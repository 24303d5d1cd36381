"""The purchases tables (migration 0014_purchases): the catalogue, orders and their lines.

Amounts are whole yen, tax included (Japanese retail prices are quoted so); the tax in an
amount is worked out per rate when a receipt is made (app/purchases/receipt.py).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.store.models import Base, utcnow


class Product(Base):
    """A product or service the shop sells."""

    __tablename__ = "product"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The shop's own code (SKU); unique, matched on import.
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(Text, default="")
    #: Price in yen, tax included.
    price: Mapped[int] = mapped_column(Integer, default=0)
    #: Consumption tax rate in percent: 10 (standard) or 8 (reduced).
    tax_rate: Mapped[int] = mapped_column(Integer, default=10)
    shown: Mapped[bool] = mapped_column(Boolean, default=True)
    #: None: not counted.
    stock: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    #: The picture on the relay's product page (JPEG or PNG, checked by its bytes; not
    #: personal data), and its type.
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    photo_type: Mapped[str | None] = mapped_column(String(16), default=None)


class Order(Base):
    """One purchase: at the counter, from a POS/EC CSV, or online."""

    __tablename__ = "shop_order"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The order's number as printed on the receipt (ours or the POS's); unique.
    number: Mapped[str] = mapped_column(String(64), unique=True)
    #: The history outlives nothing: an order goes with its customer's deletion.
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), index=True)
    #: "counter", "csv", "online".
    source: Mapped[str] = mapped_column(String(16), default="counter")
    #: "paid", "partially_refunded", "refunded".
    status: Mapped[str] = mapped_column(String(24), default="paid")
    total: Mapped[int] = mapped_column(Integer, default=0)
    refunded: Mapped[int] = mapped_column(Integer, default=0)
    ordered_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class OrderLine(Base):
    __tablename__ = "order_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(
        ForeignKey("shop_order.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("product.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(Text, default="")
    unit_price: Mapped[int] = mapped_column(Integer, default=0)
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    tax_rate: Mapped[int] = mapped_column(Integer, default=10)
    amount: Mapped[int] = mapped_column(Integer, default=0)
