"""The domain-event outbox: emitted with the change, once per key, handled once."""

from __future__ import annotations

import pytest

from app import domain_events as de
from app.store.models import DomainEvent


def test_emit_is_idempotent_by_key_and_pending_is_oldest_first(book) -> None:
    c = book.customers.create(name="山田 花子")
    with book.db.write() as s:
        assert de.emit(s, de.TAG_ADDED, key="t:1", customer_id=c, data={"tag_id": 3})
        assert not de.emit(s, de.TAG_ADDED, key="t:1", customer_id=c, data={"tag_id": 9})
        assert de.emit(s, de.FRIEND_FOLLOWED, key="line:e2", customer_id=c)
    with book.db.read() as s:
        rows = de.pending(s)
        assert [(r.key, r.kind, r.data) for r in rows] == [
            ("t:1", de.TAG_ADDED, {"tag_id": 3}), ("line:e2", de.FRIEND_FOLLOWED, {})]


def test_a_rolled_back_change_leaves_no_event(book) -> None:
    c = book.customers.create(name="佐藤")
    with pytest.raises(RuntimeError), book.db.write() as s:
        de.emit(s, de.FRIEND_BLOCKED, key="line:x", customer_id=c)
        raise RuntimeError("the change failed")
    with book.db.read() as s:
        assert de.pending(s) == []


def test_handled_once_and_deleted_with_the_customer(book) -> None:
    c = book.customers.create(name="鈴木")
    with book.db.write() as s:
        de.emit(s, de.POSTBACK, key="line:p", customer_id=c, data={"data": "a=1"})
    with book.db.write() as s:
        (row,) = de.pending(s)
        assert de.mark_handled(s, row.id)
        assert not de.mark_handled(s, row.id)
    with book.db.read() as s:
        assert de.pending(s) == []
    with book.db.read() as s:
        assert s.query(DomainEvent).count() == 1
    book.customers.delete([c])
    with book.db.read() as s:
        assert s.query(DomainEvent).count() == 0


def test_unknown_kinds_and_bad_keys_are_refused(book) -> None:
    with book.db.write() as s:
        with pytest.raises(ValueError):
            de.emit(s, "nonsense", key="k", customer_id=None)
        with pytest.raises(ValueError):
            de.emit(s, de.POSTBACK, key="", customer_id=None)
