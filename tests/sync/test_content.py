"""Content downloads that fail, events that will not apply or open: the queue moves on."""

from __future__ import annotations

import base64
import json

from sqlalchemy import select

from app.line.connection import KEY_DEVICE
from app.store.models import LineEvent
from app.sync.sealing import new_private_key, raw_private_key
from tests.sync.conftest import Connected
from tests.sync.support import fast_worker, message_lines, post_events


def test_expired_content_does_not_block_the_queue(connected: Connected) -> None:
    book, e = connected.book, connected.emulator
    uid = e.add_user("山口 健太")
    photo = e.send_image(uid)
    e.advance_clock(1)
    e.send_text(uid, "写真が消えてしまいました")
    e.advance_clock(1)
    e.unsend(uid, photo["message"]["id"])  # LINE deletes the content: the download 404s
    e.wait_for_deliveries(10)

    worker = fast_worker(book, limit=1)
    worker.run_once(max_batches=3)  # follow, photo, text: the unsend is not here yet
    cid = book.customers.by_line_user_id(uid)
    _follow, img, text = book.messages.messages(cid)
    assert (img.type, img.content_state, img.attachment_id) == ("image", "unavailable", None)
    assert text.text == "写真が消えてしまいました"
    worker.run_once()
    assert book.messages.messages(cid)[1].unsent


def test_content_unreachable_now_is_fetched_later(connected: Connected) -> None:
    book, e = connected.book, connected.emulator
    uid = e.add_user("松本 由美")
    e.inject_fault("content", "500", count=2)  # the download and the first retry fail
    e.send_image(uid, image_format="png", width=32, height=32)
    video = e.send_video(uid, duration_ms=4000, transcoding_seconds=30)
    e.wait_for_deliveries(10)

    worker = fast_worker(book)
    report = worker.run_once()
    assert report.applied == 3 and report.pending_content == 2
    assert report.line_problem == "line-unavailable"
    cid = book.customers.by_line_user_id(uid)
    assert [m.content_state for m in book.messages.messages(cid)[1:]] == ["pending", "pending"]
    assert worker.status.pending_content == 2

    worker.run_once()  # LINE answers again; the video is still being transcoded (202)
    img, vid = book.messages.messages(cid)[1:]
    assert img.content_state == "stored"
    assert book.attachments.read_bytes(img.attachment_id, audit=False).startswith(b"\x89PNG")
    assert book.attachments.get(img.attachment_id).mime_type == "image/png"
    assert vid.content_state == "pending"

    e.advance_clock(31)
    worker.run_once()
    vid = book.messages.messages(cid)[2]
    assert vid.content_state == "stored" and vid.line_message_id == video["message"]["id"]
    assert book.attachments.get(vid.attachment_id).file_name.endswith(".mp4")
    assert book.messages.pending_content() == []


def test_an_event_that_will_not_apply_is_kept_and_the_rest_applied(
        connected: Connected) -> None:
    book, e, relay = connected.book, connected.emulator, connected.relay
    e.configure(webhook_url=None)
    uid = e.add_user("井上 拓也")
    e.send_text(uid, "ふつうのメッセージ")
    e.send_text(uid, "もう一つ")
    follow, good, odd = e.events(uid)
    # Valid JSON, but not text the book can store: applied with the lone surrogate as "?".
    odd["message"]["text"] = "壊れた文字\ud800を含む"
    bad_user = {**good, "webhookEventId": "01JBADUSER0000000000000000",
                "source": {"type": "user", "userId": "U-not-a-line-user-id"}}
    assert post_events(relay, e.bot_user_id, follow, odd, good, bad_user) == 200

    report = fast_worker(book).run_once()
    assert (report.applied, report.failed) == (3, 1)
    cid = book.customers.by_line_user_id(uid)
    lines = message_lines(book, cid)
    assert lines[0] == ("system", "followed")
    assert sorted(lines[1:]) == [("text", "ふつうのメッセージ"), ("text", "壊れた文字?を含む")]
    with book.db.read() as s:
        failed = {r.webhook_event_id: r for r in s.scalars(
            select(LineEvent).where(LineEvent.status == "failed"))}
    assert set(failed) == {bad_user["webhookEventId"]}
    assert failed[bad_user["webhookEventId"]].error == "malformed event"
    assert failed[bad_user["webhookEventId"]].raw["message"]["id"] == good["message"]["id"]
    assert relay.queue_depth() == 0
    # A failed event is known: it does not come back as new.
    assert post_events(relay, e.bot_user_id, bad_user) == 200  # (the relay forgot nothing)
    assert fast_worker(book).run_once().applied == 0


def test_events_that_will_not_open_are_kept_sealed(connected: Connected) -> None:
    book, e = connected.book, connected.emulator
    uid = e.add_user("林 さくら")
    e.send_text(uid, "この鍵では開けられません")
    e.wait_for_deliveries(10)
    # The book now holds another private key than the one the relay seals for (a restored
    # old backup, say): the events cannot be opened, and must neither block nor vanish.
    device = book.line.device()
    assert device is not None
    other_key = base64.b64encode(raw_private_key(new_private_key())).decode()
    book.settings.set(KEY_DEVICE, {**device.to_json(), "private_key": other_key})
    report = fast_worker(book).run_once()
    assert (report.unreadable, report.applied) == (2, 0)
    assert book.customers.by_line_user_id(uid) is None
    with book.db.read() as s:
        kept = list(s.scalars(select(LineEvent).where(LineEvent.status == "unreadable")))
    assert len(kept) == 2 and all(k.raw["sealed"] and k.relay_seq for k in kept)
    assert "この鍵" not in json.dumps([k.raw for k in kept], ensure_ascii=False)
    assert connected.relay.queue_depth() == 0
