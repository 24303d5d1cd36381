"""Retention rules (保存期間): personal data kept no longer than the shop says it keeps it.

Three rules, each off unless set (book settings, ``privacy.retention``):

* ``blocked_months``: friends who blocked the account that long ago (and did not come
  back) are erased, everything about them (:func:`app.privacy.erase.erase`);
* ``messages_years``: messages older than that are deleted (the customers stay);
* ``attachments_years``: attachments added longer ago than that are deleted (crypto-erase).

:func:`plan` says what a run would delete at a given time; :func:`run` deletes exactly
that plan (it is computed again with the same clock, inside the run, and the two are the
same: tests/privacy/test_retention.py). The owner sees the plan first ("these 213
customers will be deleted"); every run is in the audit log with its counts.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import text

from app.errors import ValidationError
from app.i18n import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from app.book import Book

log = logging.getLogger("otokui.privacy")

_CTX = "privacy"
_KEY: Final = "privacy.retention"
_RULE_NAMES: Final = ("blocked_months", "messages_years", "attachments_years")
_BAD_RULE = QT_TRANSLATE_NOOP(_CTX, "A retention period must be a whole number from 1 to 100.")
_BAD_RULE_ADVICE = QT_TRANSLATE_NOOP(_CTX, "Enter the number of months or years, or leave "
                                           "it empty to keep the data.")


@dataclass(frozen=True)
class RetentionRules:
    blocked_months: int | None = None
    messages_years: int | None = None
    attachments_years: int | None = None

    def __post_init__(self) -> None:
        for name in _RULE_NAMES:
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                      or not 1 <= value <= 100):
                raise ValidationError(name, message=_BAD_RULE, advice=_BAD_RULE_ADVICE)

    @property
    def any(self) -> bool:
        return any(getattr(self, n) is not None for n in _RULE_NAMES)


@dataclass(frozen=True)
class RetentionPlan:
    now: dt.datetime
    #: Customers to erase (blocked too long ago), ascending.
    customer_ids: list[int]
    #: How many messages and attachments go (of customers who stay).
    messages: int
    attachment_ids: list[int]

    @property
    def empty(self) -> bool:
        return not (self.customer_ids or self.messages or self.attachment_ids)


def rules(book: Book) -> RetentionRules:
    value: Any = book.settings.get(_KEY, {})
    if not isinstance(value, dict):
        return RetentionRules()
    return RetentionRules(**{k: value.get(k) for k in _RULE_NAMES})


def set_rules(book: Book, new: RetentionRules) -> None:
    book.settings.set(_KEY, {n: getattr(new, n) for n in _RULE_NAMES})


def _months_before(now: dt.datetime, months: int) -> dt.datetime:
    year, month = divmod(now.year * 12 + now.month - 1 - months, 12)
    day = min(now.day, 28)  # the 29th-31st of a shorter month: the 28th, never later
    return now.replace(year=year, month=month + 1, day=day)


def _bounds(r: RetentionRules, now: dt.datetime) -> dict[str, Any]:
    return {
        "blocked": _months_before(now, r.blocked_months) if r.blocked_months else None,
        "messages_ms": int((_months_before(now, 12 * r.messages_years)
                            .replace(tzinfo=dt.UTC).timestamp()) * 1000)
        if r.messages_years else None,
        "attachments": _months_before(now, 12 * r.attachments_years)
        if r.attachments_years else None,
    }


def plan(book: Book, r: RetentionRules, now: dt.datetime) -> RetentionPlan:
    """What a run of ``r`` at ``now`` (naive UTC, as the book stores times) deletes."""
    b = _bounds(r, now)
    with book.db.read() as s:
        customers: list[int] = []
        if b["blocked"] is not None:
            customers = [int(i) for i in s.execute(text(
                "SELECT id FROM customer WHERE blocked_at IS NOT NULL AND blocked_at < :t "
                "AND (followed_at IS NULL OR followed_at < blocked_at) ORDER BY id"),
                {"t": b["blocked"]}).scalars()]
        gone = set(customers)
        messages = 0
        if b["messages_ms"] is not None:
            rows = s.execute(text("SELECT customer_id, count(*) FROM message "
                                  "WHERE at_ms < :t GROUP BY customer_id"),
                             {"t": b["messages_ms"]}).all()
            messages = sum(int(n) for cid, n in rows if cid not in gone)
        attachments: list[int] = []
        if b["attachments"] is not None:
            attachments = [int(i) for i, cid in s.execute(text(
                "SELECT id, customer_id FROM attachment WHERE added_at < :t ORDER BY id"),
                {"t": b["attachments"]}).all() if cid not in gone]
    return RetentionPlan(now, customers, messages, attachments)


def run(book: Book, r: RetentionRules, now: dt.datetime) -> RetentionPlan:
    """Delete what :func:`plan` lists for ``r`` at ``now``; the plan carried out."""
    from app.audit import AuditAction
    from app.privacy.erase import erase, scrub

    done = plan(book, r, now)
    for cid in done.customer_ids:
        erase(book, cid)
    b = _bounds(r, now)
    if b["messages_ms"] is not None and done.messages:
        with book.db.write() as s:
            s.execute(text("DELETE FROM message WHERE at_ms < :t"), {"t": b["messages_ms"]})
            # A conversation whose every message went keeps no preview of them.
            s.execute(text("UPDATE conversation SET last_preview = '' WHERE last_at_ms < :t"),
                      {"t": b["messages_ms"]})
    for aid in done.attachment_ids:
        book.attachments.delete(aid)
    if done.messages or done.attachment_ids:
        scrub(book)
    book.audit.record(AuditAction.RETENTION_RUN, target="retention",
                      count=len(done.customer_ids) + done.messages + len(done.attachment_ids),
                      customers=len(done.customer_ids), messages=done.messages,
                      attachments=len(done.attachment_ids))
    if done.messages:
        book.announce("messages", [])
    log.info("retention run: %d customers, %d messages, %d attachments",
             len(done.customer_ids), done.messages, len(done.attachment_ids))
    return done
