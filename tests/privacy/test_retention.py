"""Retention rules: what the preview lists is exactly what a run deletes."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text

from app.errors import ValidationError
from app.privacy import retention
from app.privacy.retention import RetentionRules
from app.store.models import Message
from tests.privacy.conftest import TwoPeople

NOW = dt.datetime(2026, 12, 5, 12, 0)


def _age(people: TwoPeople) -> None:
    """The person who goes blocked 14 months ago; the one who stays wrote 3 years ago too."""
    book = people.book
    old_ms = int(dt.datetime(2023, 11, 1, tzinfo=dt.UTC).timestamp() * 1000)
    with book.db.write() as s:
        s.execute(text("UPDATE customer SET blocked_at = :b, followed_at = :f WHERE id = :c"),
                  {"b": dt.datetime(2025, 10, 1), "f": dt.datetime(2025, 1, 1),
                   "c": people.gone.cid})
        s.execute(text("UPDATE message SET at_ms = :t WHERE customer_id = :c"),
                  {"t": old_ms, "c": people.stays.cid})
        s.execute(text("UPDATE conversation SET last_at_ms = :t WHERE customer_id = :c"),
                  {"t": old_ms, "c": people.stays.cid})
        s.execute(text("UPDATE attachment SET added_at = :t WHERE customer_id = :c"),
                  {"t": dt.datetime(2020, 1, 1), "c": people.stays.cid})


def test_the_preview_is_what_runs(people: TwoPeople) -> None:
    book = people.book
    _age(people)
    rules = RetentionRules(blocked_months=12, messages_years=2, attachments_years=5)
    preview = retention.plan(book, rules, NOW)
    assert preview.customer_ids == [people.gone.cid]
    with book.db.read() as s:
        stays_messages = s.scalar(select(func.count()).select_from(Message)
                                  .where(Message.customer_id == people.stays.cid))
    assert preview.messages == stays_messages and preview.messages > 0
    assert len(preview.attachment_ids) == 1
    done = retention.run(book, rules, NOW)
    assert done == preview
    assert book.customers.by_line_user_id(people.gone.uid) is None
    assert book.customers.get(people.stays.cid).name == people.stays.name
    assert book.attachments.list(people.stays.cid) == []
    with book.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Message)) == 0
        previews = s.execute(text("SELECT last_preview FROM conversation")).scalars().all()
    assert all(p == "" for p in previews)
    assert retention.plan(book, rules, NOW).empty
    entry = book.audit.entries()[0]
    assert entry.action == "retention_run" and entry.detail["customers"] == 1


def test_nothing_is_due_within_the_periods(people: TwoPeople) -> None:
    _age(people)
    rules = RetentionRules(blocked_months=24, messages_years=5, attachments_years=10)
    assert retention.plan(people.book, rules, NOW).empty


def test_rules_are_checked_and_kept(people: TwoPeople) -> None:
    with pytest.raises(ValidationError):
        RetentionRules(blocked_months=0)
    with pytest.raises(ValidationError):
        RetentionRules(messages_years=101)
    retention.set_rules(people.book, RetentionRules(messages_years=3))
    assert retention.rules(people.book) == RetentionRules(messages_years=3)
