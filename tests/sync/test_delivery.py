"""LINE's delivery quirks: forged webhooks, duplicates, redeliveries, events out of order."""

from __future__ import annotations

import copy
import datetime as dt
import json

from sqlalchemy import func, select

from app.store.models import LineEvent, Message
from app.sync.apply import EventApplier, Incoming
from tests.relay.harness import SECRET
from tests.relay.line_events import sign
from tests.sync.conftest import Connected
from tests.sync.support import fast_worker, message_lines, post_events


def _body(destination: str, *events: dict) -> bytes:
    return json.dumps({"destination": destination, "events": list(events)},
                      ensure_ascii=False).encode("utf-8")


def test_forged_or_missing_signatures_store_nothing(connected: Connected) -> None:
    book, e, relay = connected.book, connected.emulator, connected.relay
    e.configure(webhook_url=None)  # events are made, not delivered: we deliver them
    uid = e.add_user("偽 太郎")
    e.send_text(uid, "この内容は本物です")
    genuine = _body(e.bot_user_id, *e.events(uid))
    forged = genuine.replace("本物".encode(), "偽物".encode())
    genuine_signature = sign(SECRET, genuine)

    assert relay.post_webhook(forged, signature=False).status_code == 401
    assert relay.post_webhook(forged, signature="A" * 44).status_code == 401
    assert relay.post_webhook(forged, signature=genuine_signature).status_code == 401
    assert relay.post_webhook(genuine, signature=sign(b"another channel secret!", genuine)
                              ).status_code == 401
    assert relay.post_webhook(b'{"destination": "U0", "events": [', signature=True
                              ).status_code == 400
    assert relay.queue_depth() == 0
    worker = fast_worker(book)
    assert worker.run_once().applied == 0
    assert book.customers.by_line_user_id(uid) is None
    assert book.messages.count() == 0

    # The same events with LINE's signature go through (so the refusals above were real).
    assert relay.post_webhook(genuine, signature=genuine_signature).status_code == 200
    assert worker.run_once().applied == 2
    cid = book.customers.by_line_user_id(uid)
    assert message_lines(book, cid) == [("system", "followed"), ("text", "この内容は本物です")]


def test_duplicates_and_redeliveries_land_once(connected: Connected) -> None:
    book, e = connected.book, connected.emulator
    e.configure(duplicates=True)
    uid = e.add_user("高橋 陽子")
    for n in range(3):
        e.advance_clock(1)
        e.send_text(uid, f"重複テスト{n}")
    e.wait_for_deliveries(10)
    # LINE never gets the relay's answer and redelivers: the relay had stored the event
    # already, and it must still land once. The emulator loses each first answer on purpose
    # (after the relay processed the POST), so this happens on every run, however fast.
    depth = connected.relay.queue_depth()
    e.configure(duplicates=False, redelivery=True, redelivery_delay_seconds=0.01)
    before = len(e.deliveries())
    for n in range(3):
        e.advance_clock(1)
        e.inject_fault("webhook", "answer_lost")
        e.send_text(uid, f"再送テスト{n}")
        e.wait_for_deliveries(20)
    attempts = e.deliveries()[before:]
    assert [(d["attempt"], d["ok"], d["error"]) for d in attempts] == [
        (0, False, "ReadTimeout"), (1, True, None)] * 3
    assert connected.relay.queue_depth() == depth + 3  # each stored once

    worker = fast_worker(book)
    worker.run_once()
    cid = book.customers.by_line_user_id(uid)
    texts = [t for kind, t in message_lines(book, cid) if kind == "text"]
    assert texts == [f"重複テスト{n}" for n in range(3)] + [f"再送テスト{n}" for n in range(3)]

    # A redelivery after the desktop applied and acknowledged the event: the relay's own
    # de-duplication catches it; and should it not (its memory is 14 days), the book does.
    again = copy.deepcopy(e.events(uid)[-1])
    again["deliveryContext"]["isRedelivery"] = True
    assert post_events(connected.relay, e.bot_user_id, again) == 200
    report = worker.run_once()
    assert report.applied == 0
    again["destination"] = e.bot_user_id
    direct = EventApplier(book).apply_batch([Incoming(again), Incoming(copy.deepcopy(again))])
    assert (direct.applied, direct.duplicates) == (0, 2)
    with book.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Message)
                        .where(Message.type == "text")) == 6


def test_out_of_order_events_are_applied_in_timestamp_order(connected: Connected) -> None:
    book, e = connected.book, connected.emulator
    e.configure(out_of_order=True, out_of_order_batch=6, out_of_order_hold_seconds=30)
    uid = e.add_user("伊藤 大輔")
    steps = [lambda: e.send_text(uid, "はじめまして"), lambda: e.block(uid),
             lambda: e.unblock(uid), lambda: e.send_text(uid, "また来ました"),
             lambda: e.send_text(uid, "予約できますか")]
    for step in steps:
        e.advance_clock(1)
        step()
    e.wait_for_deliveries(10)
    made = [ev["webhookEventId"] for ev in e.events(uid)]
    arrived = [d["webhookEventId"] for d in e.deliveries() if d["ok"]]
    assert sorted(arrived) == sorted(made) and arrived != made, "not shuffled"

    # One event per batch: each is applied in the order it arrived, across batches.
    fast_worker(book, limit=1).run_once()
    cid = book.customers.by_line_user_id(uid)
    assert message_lines(book, cid) == [
        ("system", "followed"), ("text", "はじめまして"), ("system", "blocked"),
        ("system", "unblocked"), ("text", "また来ました"), ("text", "予約できますか")]
    customer = book.customers.get(cid)
    assert customer.blocked_at is None  # the newest friendship event (unblock) decides
    first = e.events(uid)[0]["timestamp"]
    assert int(customer.followed_at.replace(tzinfo=dt.UTC).timestamp() * 1000) == first
    conv = book.messages.conversation(cid)
    assert conv is not None and conv.last_preview == "予約できますか"
    assert conv.unread_count == 3


def test_a_late_unfollow_does_not_block_again(connected: Connected) -> None:
    book, e, relay = connected.book, connected.emulator, connected.relay
    e.configure(webhook_url=None)  # we deliver, in the order we choose
    uid = e.add_user("中村 結衣")
    e.advance_clock(1)
    e.block(uid)
    e.advance_clock(1)
    e.unblock(uid)
    follow, unfollow, unblock = e.events(uid)
    worker = fast_worker(book)
    for event in (follow, unblock, unfollow):  # the unfollow is delayed past the unblock
        assert post_events(relay, e.bot_user_id, event) == 200
        worker.run_once()
    cid = book.customers.by_line_user_id(uid)
    assert book.customers.get(cid).blocked_at is None
    assert [p for _, p in message_lines(book, cid)] == ["followed", "blocked", "unblocked"]

    # And the other way round: a late follow does not unblock someone who blocked since.
    e.advance_clock(1)
    e.block(uid)
    late_block = e.events(uid)[-1]
    e.advance_clock(1)
    e.unblock(uid)
    late_unblock = e.events(uid)[-1]
    e.advance_clock(1)
    e.block(uid)
    newest_block = e.events(uid)[-1]
    for event in (late_block, newest_block, late_unblock):
        assert post_events(relay, e.bot_user_id, event) == 200
        worker.run_once()
    assert book.customers.get(cid).blocked_at is not None
    with book.db.read() as s:
        assert s.scalar(select(func.count()).select_from(LineEvent)) == 6
