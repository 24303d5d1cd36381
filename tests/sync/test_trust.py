"""Only what LINE signed is applied: a hostile relay cannot invent, unsend or block.

The real relay and the real emulator carry genuine events; the "hostile relay" writes
sealed items straight into the relay's queue through its own store, as a compromised
relay process (or whoever holds its database) could. It can seal anything to the
desktop's key, but it cannot sign as LINE without the channel secret.
"""

from __future__ import annotations

import json
import logging

import pytest

from app.sync.apply import UNVERIFIED
from app.sync.delivery import BAD_SIGNATURE, UNSIGNED
from app.sync.errors import ChannelSecretMissingError
from app.sync.set_aside import SetAside
from app.sync.worker import SyncState
from relay.sealing import delivery_plaintext
from tests.relay.line_events import sign
from tests.sync.conftest import Connected
from tests.sync.hostile import (
    WRONG_SECRET,
    body_of,
    event,
    queue_plaintext,
    queue_signed,
    text_event,
)
from tests.sync.support import CHANNEL_SECRET, fast_worker, message_lines, wait_until

SECRET = CHANNEL_SECRET.encode()


def test_a_hostile_relay_cannot_invent_unsend_or_block(
        connected: Connected, caplog: pytest.LogCaptureFixture) -> None:
    book, relay, e = connected.book, connected.relay, connected.emulator
    uid = e.add_user("松本 由美")
    e.send_text(uid, "土曜日の11時に予約をお願いします")
    e.wait_for_deliveries(10)
    assert fast_worker(book).run_once().applied == 2
    cid = book.customers.by_line_user_id(uid)
    [message] = [m for m in book.messages.messages(cid) if m.type == "text"]
    dest = e.bot_user_id
    stranger = "U" + "5" * 32

    # 1. An invented customer and message, in the old (unsigned) format.
    queue_plaintext(relay, json.dumps({**text_event(stranger, "偽の注文です"),
                                       "destination": dest}).encode())
    # 2. The real message "unsent", signed with a secret that is not the channel's.
    queue_signed(relay, body_of(dest, event("unsend", uid,
                                            unsend={"messageId": message.line_message_id})),
                 WRONG_SECRET)
    # 3. The customer "blocked", under a genuine signature copied from another body.
    genuine = sign(SECRET, body_of(dest, event("follow", uid)))
    queue_plaintext(relay, delivery_plaintext(genuine, body_of(dest, event("unfollow", uid))))
    # 4. A message with a made-up signature.
    queue_plaintext(relay, delivery_plaintext("bm90IGEgc2lnbmF0dXJl",
                                              body_of(dest, text_event(uid, "キャンセルします"))))

    worker = fast_worker(book)
    with caplog.at_level(logging.WARNING, logger="otokui.sync"):
        report = worker.run_once()
    assert (report.applied, report.kept, report.failed, report.unverified) == (0, 0, 0, 4)
    # Nothing applied: no new customer, the message intact, the customer not blocked.
    assert book.customers.by_line_user_id(stranger) is None
    assert message_lines(book, cid) == [("system", "followed"),
                                        ("text", "土曜日の11時に予約をお願いします")]
    [again] = [m for m in book.messages.messages(cid) if m.type == "text"]
    assert not again.unsent and again.text == "土曜日の11時に予約をお願いします"
    assert book.customers.get(cid).blocked_at is None
    # Set aside, reported, and the queue moved on.
    assert relay.queue_depth() == 0
    assert worker.status.set_aside == 4
    assert "4 item(s) not signed by LINE" in caplog.text
    items = SetAside(book).items()
    assert sorted(i.reason for i in items) == [BAD_SIGNATURE] * 3 + [UNSIGNED]
    assert all(i.status == UNVERIFIED for i in items)
    # Signed deliveries can be checked again; an unsigned one cannot.
    assert {i.reason: i.retryable for i in items} == {BAD_SIGNATURE: True, UNSIGNED: False}

    # Checking them again (the secret has not changed) applies nothing either.
    retried = SetAside(book).retry([i.id for i in items])
    assert (retried.applied, retried.unverified) == (0, 3)
    assert book.customers.get(cid).blocked_at is None
    assert len(SetAside(book).items()) == 4

    # Genuine events still arrive after them.
    e.send_text(uid, "やはり11時半でお願いします")
    e.wait_for_deliveries(10)
    assert fast_worker(book).run_once().applied == 1
    assert message_lines(book, cid)[-1] == ("text", "やはり11時半でお願いします")

    # Dismissed, they are gone.
    assert SetAside(book).dismiss([i.id for i in SetAside(book).items()]) == 4
    assert SetAside(book).items() == [] and SetAside(book).count() == 0


def test_a_wrong_channel_secret_sets_aside_and_retry_applies_once_corrected(
        connected: Connected) -> None:
    book, e = connected.book, connected.emulator
    book.line.set_channel_secret(WRONG_SECRET.decode())
    uid = e.add_user("吉田 健")
    e.send_text(uid, "配達は何時ごろになりますか")
    e.wait_for_deliveries(10)
    report = fast_worker(book).run_once()
    assert report.applied == 0 and report.unverified >= 1
    assert book.customers.by_line_user_id(uid) is None

    book.line.set_channel_secret(CHANNEL_SECRET)
    side = SetAside(book)
    retried = side.retry([i.id for i in side.items()])
    assert retried.applied == 2 and retried.unverified == 0
    cid = book.customers.by_line_user_id(uid)
    assert message_lines(book, cid) == [("system", "followed"),
                                        ("text", "配達は何時ごろになりますか")]
    assert side.items() == []


def test_without_the_channel_secret_nothing_is_pulled_until_it_is_set(
        connected: Connected) -> None:
    book, relay, e = connected.book, connected.relay, connected.emulator
    book.line.clear_channel_secret()
    assert not book.line.info().channel_secret_set
    uid = e.add_user("井上 真理")
    e.wait_for_deliveries(10)
    with pytest.raises(ChannelSecretMissingError):
        fast_worker(book).run_once()
    assert relay.queue_depth() == 1  # waiting on the relay, not set aside

    worker = fast_worker(book, secret_poll=0.05)
    worker.start()
    try:
        wait_until(lambda: worker.status.state == SyncState.NEEDS_SECRET, what="needs_secret")
        assert book.customers.by_line_user_id(uid) is None
        book.line.set_channel_secret(CHANNEL_SECRET)
        wait_until(lambda: book.customers.by_line_user_id(uid), what="the follow")
    finally:
        worker.stop()
    assert book.line.info().channel_secret_set


def test_the_channel_secret_is_checked_when_kept(connected: Connected) -> None:
    from app.errors import ValidationError

    for bad in ("", "0123", "emulated-channel-access-token/0123456789abcdefABCDEF=",
                "g" * 32, CHANNEL_SECRET + "0"):
        with pytest.raises(ValidationError):
            connected.book.line.set_channel_secret(bad)
    assert connected.book.line.channel_secret() == SECRET  # unchanged
