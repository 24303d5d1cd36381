"""Membership, beacon, video watched to the end, group and room messages, several events
in one webhook, and content from LINE's data host: emulator → relay → sync → book."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.line.errors import LineContentGoneError
from app.line.gateway import LineGateway
from app.store.models import LineEvent, Message
from tests.sync.conftest import Connected
from tests.sync.support import ACCESS_TOKEN, fast_worker, message_lines, post_events


def _blob_count(book) -> int:
    folder = book.attachments.folder
    return sum(1 for _ in folder.iterdir()) if folder.exists() else 0


def test_membership_beacon_and_video_show_in_the_timeline(connected: Connected) -> None:
    book, e = connected.book, connected.emulator
    uid = e.add_user("村上 真理")
    for step in (lambda: e.membership(uid, "joined", 3189),
                 lambda: e.beacon(uid, "d41d8cd98f", "enter"),
                 lambda: e.beacon(uid, "d41d8cd98f", "stay"),
                 lambda: e.beacon(uid, "d41d8cd98f", "banner"),
                 lambda: e.video_play_complete(uid, "spring-sale-2026"),
                 lambda: e.membership(uid, "renewed", 3189),
                 lambda: e.membership(uid, "left", 3189)):
        e.advance_clock(1)
        step()
    # Someone the book does not know yet, first seen at the beacon: a customer now.
    walker = e.add_user("通りがかり 太郎", notify=False)
    e.advance_clock(1)
    e.beacon(walker)
    e.wait_for_deliveries(10)

    report = fast_worker(book).run_once()
    assert (report.failed, report.kept) == (0, 1)  # the beacon "stay": recorded only
    cid = book.customers.by_line_user_id(uid)
    assert message_lines(book, cid) == [
        ("system", "followed"), ("system", "membership_joined"), ("system", "beacon_enter"),
        ("system", "beacon_banner"), ("system", "video_watched"),
        ("system", "membership_renewed"), ("system", "membership_left")]
    lines = book.messages.messages(cid)
    assert lines[1].payload["membership_id"] == 3189
    assert lines[4].payload["tracking_id"] == "spring-sale-2026"
    # LINE gives these events a reply token: answering the beacon is free.
    assert lines[2].reply_token
    conv = book.messages.conversation(cid)
    assert conv is not None and conv.unread_count == 0  # system lines are never unread
    kinds = [t.kind for t in book.audit.timeline(cid)]
    for kind in ("line_membership_joined", "line_beacon_enter", "line_video_watched",
                 "line_membership_left"):
        assert kind in kinds
    new = book.customers.by_line_user_id(walker)
    assert new is not None and book.customers.get(new).display_name == "通りがかり 太郎"
    assert message_lines(book, new) == [("system", "beacon_enter")]
    with book.db.read() as s:
        stay = s.scalars(select(LineEvent).where(LineEvent.status == "kept")).one()
    assert stay.type == "beacon" and stay.raw["beacon"]["type"] == "stay"


def test_group_and_room_messages_join_the_customers_conversation(
        connected: Connected) -> None:
    book, e = connected.book, connected.emulator
    uid = e.add_user("木村 葵")
    stranger = e.add_user("グループの人", notify=False)  # in the group, not in the book
    e.advance_clock(1)
    with e.in_group() as group_id:
        said = e.send_text(uid, "グループからこんにちは")
        e.advance_clock(1)
        e.send_image(uid)
        e.advance_clock(1)
        e.send_image(stranger)
        e.send_text(stranger, "知らない人の発言")
    e.advance_clock(1)
    with e.in_group(room_id="R" + "a" * 32):
        e.send_file(uid, "地図.pdf", b"%PDF-1.4 map")
    e.advance_clock(1)
    e.send_text(uid, "個別トークです")
    e.wait_for_deliveries(10)
    assert said["source"] == {"type": "group", "groupId": group_id, "userId": uid}

    report = fast_worker(book).run_once()
    assert report.failed == 0 and report.kept == 2  # the stranger's two messages
    assert book.customers.by_line_user_id(stranger) is None
    cid = book.customers.by_line_user_id(uid)
    lines = book.messages.messages(cid)
    assert [m.type for m in lines] == ["system", "text", "image", "file", "text"]
    group_text, group_photo, room_file, direct = lines[1:]
    assert group_text.payload["chat"] == {"type": "group", "id": group_id}
    assert group_photo.payload["chat"] == {"type": "group", "id": group_id}
    assert room_file.payload["chat"] == {"type": "room", "id": "R" + "a" * 32}
    assert "chat" not in direct.payload
    # The content was fetched through the same path as one-to-one messages.
    assert group_photo.content_state == "stored" and group_photo.attachment_id is not None
    assert book.attachments.read_bytes(room_file.attachment_id, audit=False) == \
        b"%PDF-1.4 map"
    # Tokens that act on the group are not kept with the message: no reply goes there.
    for row in (group_text, group_photo, room_file):
        assert row.reply_token is None and row.quote_token is None
        assert row.mark_as_read_token is None
    assert direct.reply_token and direct.quote_token and direct.mark_as_read_token
    with book.db.read() as s:
        raw = s.scalars(select(LineEvent.raw).where(
            LineEvent.webhook_event_id == said["webhookEventId"])).one()
    assert raw["replyToken"] == said["replyToken"]  # the record keeps the event whole
    # The stranger's photo was not downloaded: the only files are the customer's two.
    assert _blob_count(book) == 2
    conv = book.messages.conversation(cid)
    assert conv is not None and conv.unread_count == 4


def test_group_message_without_a_user_id_is_kept(connected: Connected) -> None:
    book, e = connected.book, connected.emulator
    uid = e.add_user("林 大輔")
    e.wait_for_deliveries(10)
    fast_worker(book).run_once()
    with e.in_group():
        event = e.send_image(uid)
    e.wait_for_deliveries(10)
    fast_worker(book).run_once()
    anonymous = {**event, "webhookEventId": "01JANONYMOUSGROUPMSG000000",
                 "message": {**event["message"], "id": "999999999999999999"},
                 "source": {"type": "group", "groupId": event["source"]["groupId"]}}
    assert post_events(connected.relay, e.bot_user_id, anonymous) == 200
    report = fast_worker(book).run_once()
    assert (report.kept, report.failed) == (1, 0)
    with book.db.read() as s:
        assert s.scalar(select(Message.id).where(
            Message.line_message_id == "999999999999999999")) is None
    assert _blob_count(book) == 1


def test_events_that_happen_together_arrive_in_one_webhook(connected: Connected) -> None:
    book, e = connected.book, connected.emulator
    first = e.add_user("石井 健")
    second = e.add_user("石井 花")
    e.wait_for_deliveries(10)
    with e.together():
        e.send_text(first, "まとめて一")
        e.send_image(first)
        e.send_text(second, "まとめて二")
        e.membership(second, "joined", 7)
        e.block(first)
    e.wait_for_deliveries(10)
    batched = [d for d in e.deliveries() if d["batchSize"] == 5]
    assert len(batched) == 5 and all(d["ok"] for d in batched)

    report = fast_worker(book).run_once()
    assert report.applied == 7 and report.failed == 0
    a, b = (book.customers.by_line_user_id(u) for u in (first, second))
    assert message_lines(book, a) == [("system", "followed"), ("text", "まとめて一"),
                                      ("image", ""), ("system", "blocked")]
    assert message_lines(book, b) == [("system", "followed"), ("text", "まとめて二"),
                                      ("system", "membership_joined")]
    assert book.customers.get(a).blocked_at is not None


def test_content_is_fetched_from_the_data_host(connected: Connected) -> None:
    e, line = connected.emulator, connected.line
    uid = e.add_user("岡田 陽子", notify=False)
    mid = e.send_image(uid)["message"]["id"]
    with LineGateway(ACCESS_TOKEN, api_base=line.base_url, data_base=line.data_url) as gw:
        assert gw.content(mid).data[:3] == b"\xff\xd8\xff"
        assert gw.profile(uid) is not None
    # One base for both hosts (what a book kept before the two were apart): LINE, like
    # the emulator, has no content on the API host.
    with LineGateway(ACCESS_TOKEN, api_base=line.base_url) as gw, \
            pytest.raises(LineContentGoneError):
        gw.content(mid)
    assert connected.book.line.data_base == line.data_url


def test_a_group_message_taken_back_leaves_the_conversation(connected: Connected) -> None:
    book, e = connected.book, connected.emulator
    uid = e.add_user("森 さくら")
    e.advance_clock(1)
    with e.in_group() as group_id:
        photo = e.send_image(uid)
        e.advance_clock(1)
        e.send_text(uid, "残るメッセージ")
    e.wait_for_deliveries(10)
    fast_worker(book).run_once()
    cid = book.customers.by_line_user_id(uid)
    assert book.messages.messages(cid)[1].attachment_id is not None
    e.advance_clock(1)
    with e.in_group(group_id):
        gone = e.unsend(uid, photo["message"]["id"])
    assert gone["source"]["type"] == "group"
    e.wait_for_deliveries(10)
    report = fast_worker(book).run_once()
    assert (report.applied, report.failed) == (1, 0)
    _follow, img, text = book.messages.messages(cid)
    assert img.unsent and img.attachment_id is None and text.text == "残るメッセージ"
    assert _blob_count(book) == 0
