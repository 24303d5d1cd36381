"""Coupons: a code unique to one customer, an expiry, used once (marked by the owner).

A coupon is issued when a message carrying ``{クーポン}`` (or ``{coupon}``) is rendered for a
customer: one per customer and *purpose* ("birthday:2026", "sequence:3"), so a retried or
resumed send shows the same code. The owner marks it used at the till
(:meth:`CouponService.use`, the 使う button, ``python main.py coupon use CODE``); the
customer's timeline records both.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import AuditService
from app.errors import NotFoundError, ValidationError
from app.store.models import utcnow
from app.store.models_sequences import Coupon

if TYPE_CHECKING:
    from app.book import Book

#: No 0/O, 1/I/L: read aloud or typed from a phone screen at the till.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
PLACEHOLDER_RE = re.compile(r"[{｛](クーポン|coupon)[}｝]")
ISSUED, USED = "issued", "used"
JST = dt.timezone(dt.timedelta(hours=9))


@dataclass(frozen=True)
class CouponInfo:
    code: str
    customer_id: int
    purpose: str
    title: str
    expires_on: dt.date | None
    status: str
    used_at: dt.datetime | None

    def expired(self, today: dt.date) -> bool:
        return self.expires_on is not None and today > self.expires_on


def _info(c: Coupon) -> CouponInfo:
    return CouponInfo(c.code, c.customer_id, c.purpose, c.title, c.expires_on, c.status,
                      c.used_at)


def today_jst() -> dt.date:
    return dt.datetime.now(JST).date()


def issue_in(s: Session, customer_id: int, purpose: str, *, title: str = "",
             expires_on: dt.date | None = None) -> str:
    """The customer's coupon for ``purpose`` (made once; the same code afterwards)."""
    found = s.scalar(select(Coupon.code).where(Coupon.customer_id == customer_id,
                                               Coupon.purpose == purpose))
    if found is not None:
        return str(found)
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if s.scalar(select(Coupon.id).where(Coupon.code == code)) is None:
            break
    s.add(Coupon(code=code, customer_id=customer_id, purpose=purpose, title=title,
                 expires_on=expires_on, status=ISSUED))
    AuditService.timeline_add(s, customer_id, "coupon_issued", code=code, title=title)
    s.flush()
    return code


def render_in(s: Session, customer_id: int, text: str, purpose: str, *, title: str = "",
              expires_on: dt.date | None = None) -> str:
    """``text`` with ``{クーポン}`` replaced by the customer's code (issued on first use)."""
    if not PLACEHOLDER_RE.search(text):
        return text
    code = issue_in(s, customer_id, purpose, title=title, expires_on=expires_on)
    return PLACEHOLDER_RE.sub(code, text)


def normalise(code: str) -> str:
    """What the owner typed: full-width, lower case, spaces and hyphens forgiven."""
    import unicodedata

    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", code)).upper()


class CouponService:
    def __init__(self, book: Book) -> None:
        self._book = book

    def for_customer(self, customer_id: int) -> list[CouponInfo]:
        with self._book.db.read() as s:
            return [_info(c) for c in s.scalars(select(Coupon).where(
                Coupon.customer_id == customer_id).order_by(Coupon.id.desc()))]

    def get(self, code: str) -> CouponInfo:
        with self._book.db.read() as s:
            c = s.scalar(select(Coupon).where(Coupon.code == normalise(code)))
            if c is None:
                raise NotFoundError(f"coupon {code}")
            return _info(c)

    def issue(self, customer_id: int, purpose: str, *, title: str = "",
              expires_on: dt.date | None = None) -> str:
        with self._book.db.write() as s:
            code = issue_in(s, customer_id, purpose, title=title, expires_on=expires_on)
        self._book.announce("customers", [customer_id])
        return code

    def use(self, code: str, *, today: dt.date | None = None) -> CouponInfo:
        """Mark the coupon used; refused when it was used already or has expired."""
        today = today or today_jst()
        with self._book.db.write() as s:
            c = s.scalar(select(Coupon).where(Coupon.code == normalise(code)))
            if c is None:
                raise NotFoundError(f"coupon {code}")
            if c.status == USED:
                raise ValidationError(f"coupon {c.code} was used already")
            if c.expires_on is not None and today > c.expires_on:
                raise ValidationError(f"coupon {c.code} expired on {c.expires_on}")
            c.status, c.used_at = USED, utcnow()
            AuditService.timeline_add(s, c.customer_id, "coupon_used", code=c.code,
                                      title=c.title)
            info = _info(c)
        self._book.announce("customers", [info.customer_id])
        return info
