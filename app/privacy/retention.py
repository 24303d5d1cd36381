"""Retention rules: blocked friends deleted after N months, messages after N years,
attachments after N years. One :func:`plan` decides what goes; the preview shows it and
:func:`run` deletes exactly that plan's rows (tested: the preview equals what runs), then
audits the run. ``privacy retention --dry-run`` prints the plan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select, text

from app.messages import recompute_summary
from app.privacy.erase import FTS_TABLES, compact_book, erase_customer
from app.store.models import Attachment, Customer, Message, utcnow

if TYPE_CHECKING:
    from app.book import Book

SETTINGS_KEY = "privacy.retention"


@dataclass(frozen=True)
class RetentionRules:
    blocked_months: int | None = None
    message_years: int | None = None
    attachment_years: int | None = None

    @classmethod
    def from_dict(cls, data: Any) -> RetentionRules:
        data = data if isinstance(data, dict) else {}

        def n(key: str) -> int | None:
            v = data.get(key)
            return v if isinstance(v, int) and not isinstance(v, bool) and v > 0 else None
        return cls(n("blocked_months"), n("message_years"), n("attachment_years"))

    def to_dict(self) -> dict[str, int | None]:
        return {"blocked_months": self.blocked_months, "message_years": self.message_years,
                "attachment_years": self.attachment_years}


@dataclass(frozen=True)
class RetentionPlan:
    at: dt.datetime
    customers: list[int] = field(default_factory=list)
    messages: list[int] = field(default_factory=list)
    attachments: list[int] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{len(self.customers)} blocked customers, {len(self.messages)} messages, "
                f"{len(self.attachments)} attachments")


def rules(book: Book) -> RetentionRules:
    return RetentionRules.from_dict(book.settings.get(SETTINGS_KEY))


def save_rules(book: Book, value: RetentionRules) -> None:
    book.settings.set(SETTINGS_KEY, value.to_dict())


def _months_before(when: dt.datetime, months: int) -> dt.datetime:
    y, m = divmod(when.year * 12 + when.month - 1 - months, 12)
    return when.replace(year=y, month=m + 1, day=min(when.day, 28))


def plan(book: Book, value: RetentionRules | None = None, *,
         now: dt.datetime | None = None) -> RetentionPlan:
    r = value or rules(book)
    at = now or utcnow()
    customers: list[int] = []
    messages: list[int] = []
    attachments: list[int] = []
    with book.db.read() as s:
        if r.blocked_months:
            cut = _months_before(at, r.blocked_months)
            customers = list(s.scalars(select(Customer.id).where(
                Customer.blocked_at.is_not(None), Customer.blocked_at < cut)
                .order_by(Customer.id)))
        gone = set(customers)
        if r.message_years:
            cut_ms = int(_months_before(at, 12 * r.message_years)
                         .replace(tzinfo=dt.UTC).timestamp() * 1000)
            messages = [i for i, c in s.execute(select(Message.id, Message.customer_id).where(
                Message.at_ms < cut_ms).order_by(Message.id)) if c not in gone]
        if r.attachment_years:
            cut = _months_before(at, 12 * r.attachment_years)
            attachments = [i for i, c in s.execute(
                select(Attachment.id, Attachment.customer_id)
                .where(Attachment.added_at < cut).order_by(Attachment.id)) if c not in gone]
    return RetentionPlan(at, customers, messages, attachments)


def run(book: Book, the_plan: RetentionPlan) -> RetentionPlan:
    """Delete what ``the_plan`` lists (nothing else), audited; returns it."""
    for cid in the_plan.customers:
        erase_customer(book, cid, now=the_plan.at, compact=False,
                       audit_action="retention_deleted")
    blobs: list[str] = []
    with book.db.write() as s:
        touched: set[int] = set()
        for start in range(0, len(the_plan.messages), 500):
            chunk = the_plan.messages[start:start + 500]
            touched |= set(s.scalars(select(Message.customer_id)
                                     .where(Message.id.in_(chunk))))
            s.execute(delete(Message).where(Message.id.in_(chunk)))
        for start in range(0, len(the_plan.attachments), 500):
            chunk = the_plan.attachments[start:start + 500]
            blobs += list(s.scalars(select(Attachment.blob_name)
                                    .where(Attachment.id.in_(chunk))))
            s.execute(delete(Attachment).where(Attachment.id.in_(chunk)))
        for fts in FTS_TABLES:
            s.execute(text(f"INSERT INTO {fts}({fts}) VALUES ('optimize')"))  # noqa: S608
        for cid in touched:
            if s.get(Customer, cid) is not None:
                recompute_summary(s, cid)
        book.audit.add(s, "retention_run", target="retention",
                       count=len(the_plan.customers) + len(the_plan.messages)
                       + len(the_plan.attachments),
                       customers=len(the_plan.customers), messages=len(the_plan.messages),
                       attachments=len(the_plan.attachments))
    book.attachments.remove_blobs(blobs)
    compact_book(book)
    book.announce("customers")
    return the_plan


def customer_labels(book: Book, ids: list[int], *, limit: int = 500) -> list[tuple[int, str]]:
    """(number, name or LINE name) of the first ``limit`` customers a plan deletes: what
    the window's preview lists."""
    out: list[tuple[int, str]] = []
    with book.db.read() as s:
        chunk = ids[:limit]
        for start in range(0, len(chunk), 900):
            part = chunk[start:start + 900]
            out += [(i, name or line_name) for i, name, line_name in s.execute(
                select(Customer.id, Customer.name, Customer.display_name)
                .where(Customer.id.in_(part)).order_by(Customer.id))]
    return out
