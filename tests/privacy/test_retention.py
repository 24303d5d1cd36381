"""Retention rules: the preview is exactly what runs; audited; nothing else is touched."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select, update

from app.book import Book
from app.messages import IN
from app.privacy import retention
from app.store.models import Attachment, Customer, Message

NOW = dt.datetime(2026, 12, 5, 12, 0)


def _ms(at: dt.datetime) -> int:
    return int(at.replace(tzinfo=dt.UTC).timestamp() * 1000)


def _fill(book: Book) -> dict[str, int]:
    ids = {n: book.customers.create(name=n) for n in ("old_block", "new_block", "friend")}
    with book.db.write() as s:
        s.execute(update(Customer).where(Customer.id == ids["old_block"])
                  .values(blocked_at=NOW - dt.timedelta(days=400)))
        s.execute(update(Customer).where(Customer.id == ids["new_block"])
                  .values(blocked_at=NOW - dt.timedelta(days=30)))
        for days, text in ((6 * 365, "古い"), (10, "新しい")):
            s.add(Message(customer_id=ids["friend"], direction=IN, type="text", text=text,
                          at_ms=_ms(NOW - dt.timedelta(days=days))))
    old = book.attachments.add_bytes(ids["friend"], b"old file" * 10, file_name="old.txt")
    book.attachments.add_bytes(ids["friend"], b"new file" * 10, file_name="new.txt")
    with book.db.write() as s:
        s.execute(update(Attachment).where(Attachment.id == old)
                  .values(added_at=NOW - dt.timedelta(days=4 * 365)))
    return ids


def test_the_preview_is_what_runs(book: Book) -> None:
    ids = _fill(book)
    rules = retention.RetentionRules(blocked_months=12, message_years=5, attachment_years=3)
    preview = retention.plan(book, rules, now=NOW)
    assert preview.customers == [ids["old_block"]]
    assert len(preview.messages) == 1 and len(preview.attachments) == 1
    with book.db.read() as s:
        before = {
            "customers": set(s.scalars(select(Customer.id))),
            "messages": set(s.scalars(select(Message.id))),
            "attachments": set(s.scalars(select(Attachment.id)))}
    retention.run(book, preview)
    with book.db.read() as s:
        after = {
            "customers": set(s.scalars(select(Customer.id))),
            "messages": set(s.scalars(select(Message.id))),
            "attachments": set(s.scalars(select(Attachment.id)))}
        texts = list(s.scalars(select(Message.text)))
    assert before["customers"] - after["customers"] == set(preview.customers)
    assert before["messages"] - after["messages"] == set(preview.messages)
    assert before["attachments"] - after["attachments"] == set(preview.attachments)
    assert texts == ["新しい"]
    assert retention.plan(book, rules, now=NOW).summary() == \
        "0 blocked customers, 0 messages, 0 attachments"
    actions = [e.action for e in book.audit.entries()]
    assert actions[0] == "retention_run" and "retention_deleted" in actions


def test_cli_dry_run_deletes_nothing(book: Book) -> None:
    from tests.sync.conftest import PASSPHRASE

    _fill(book)
    root = book.profile.root
    with book.db.read() as s:
        count = len(list(s.scalars(select(Customer.id))))
    book.close()
    done = subprocess.run(
        [sys.executable, "main.py", "--profile", str(root), "privacy", "retention",
         "--dry-run", "--blocked-months", "12", "--message-years", "5"],
        capture_output=True, text=True, check=False, cwd=Path(__file__).parents[2],
        env={**os.environ, "OTOKUI_PASSPHRASE": PASSPHRASE})
    assert done.returncode == 0, done.stderr
    assert "1 blocked customers, 1 messages, 0 attachments" in done.stdout
    assert "Dry run" in done.stdout
    from app.profile import Profile

    again = Profile(root).open(passphrase=PASSPHRASE)
    try:
        assert again.customers.count() == count
        assert retention.rules(again).blocked_months == 12
    finally:
        again.close()
