"""The book emits domain events where it changes, in the same transaction, once per
happening: LINE events applied by the sync (applied twice → emitted once) and tags."""

from __future__ import annotations

from sqlalchemy import select

from app import domain_events as de
from app.store.models import DomainEvent
from tests.sync.conftest import Connected
from tests.sync.support import fast_worker


def _events(book) -> list[tuple[str, int | None, dict]]:
    with book.db.read() as s:
        return [(d.kind, d.customer_id, d.data)
                for d in s.scalars(select(DomainEvent).order_by(DomainEvent.id))]


def test_sync_emits_follow_message_postback_block_once(connected: Connected) -> None:
    book, e = connected.book, connected.emulator
    uid = e.add_user("村上 真理")
    e.advance_clock(1)
    e.send_text(uid, "予約したい")
    e.advance_clock(1)
    e.send_postback(uid, "coupon=spring")
    e.advance_clock(1)
    e.block(uid)
    e.advance_clock(1)
    e.unblock(uid)
    e.wait_for_deliveries(5)
    fast_worker(book).run_once()
    cid = book.customers.by_line_user_id(uid)
    got = _events(book)
    assert [k for k, _, _ in got] == [de.FRIEND_FOLLOWED, de.MESSAGE_RECEIVED, de.POSTBACK,
                                      de.FRIEND_BLOCKED, de.FRIEND_FOLLOWED]
    assert {c for _, c, _ in got} == {cid}
    assert got[0][2] == {"again": False} and got[4][2] == {"again": True}
    assert got[2][2] == {"data": "coupon=spring"}
    assert got[1][2]["type"] == "text" and got[1][2]["line_message_id"]
    # Nothing personal in the events' data (the text is read from the book by the rules).
    assert "予約" not in repr(got)
    # The relay's items pulled again (e.g. after a crash before the ack): nothing emitted twice.
    with book.db.write() as s:
        rows = [{"key": d.key, "kind": d.kind, "customer_id": d.customer_id, "data": d.data}
                for d in s.scalars(select(DomainEvent))]
        for r in rows:
            assert de.emit(s, r["kind"], key=r["key"], customer_id=r["customer_id"],
                           data=r["data"]) is False
    assert len(_events(book)) == 5


def test_tags_emit_added_and_removed(book) -> None:
    cid = book.customers.create(display_name="佐藤 花子")
    tid = book.tags.create("常連")
    assert book.tags.add([cid], [tid]) == 1
    assert book.tags.add([cid], [tid]) == 0  # already there: no event
    book.tags.remove([cid], [tid])
    got = _events(book)
    assert got == [(de.TAG_ADDED, cid, {"tag_id": tid}), (de.TAG_REMOVED, cid, {"tag_id": tid})]


def test_fields_emit_changed_only_when_the_value_changes(book) -> None:
    cid = book.customers.create(display_name="佐藤 花子")
    fid = book.fields.create("ポイント", "points")
    book.fields.add_points(cid, fid, 10)
    book.customers.update(cid, name="佐藤 花子")
    book.customers.update(cid, name="佐藤 花子")  # the same: no change, no event
    got = [(k, d) for k, _, d in _events(book) if k == de.FIELD_CHANGED]
    assert got == [(de.FIELD_CHANGED, {"field": f"custom:{fid}"}),
                   (de.FIELD_CHANGED, {"field": "name"})]
