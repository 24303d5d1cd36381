"""Emulator → relay → sync → book: what a friend does arrives in the book, exactly."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from app.messages import recompute_summary
from app.store.models import Conversation, LineEvent
from emulator.media import image
from tests.sync.conftest import Connected
from tests.sync.support import fast_worker, message_lines, post_events

PHOTO, _ = image("jpeg", 64, 48, seed=3)


def test_friends_and_messages_arrive_with_their_content(connected: Connected) -> None:
    book, e = connected.book, connected.emulator
    uid = e.add_user("山田 花子", language="ja", status_message="よろしくお願いします")
    e.advance_clock(1)
    e.send_text(uid, "明日の15時に予約できますか？ (love)", emojis=[
        {"index": 14, "length": 6, "productId": "5ac1bfd5040ab15980c9b435", "emojiId": "001"}])
    e.advance_clock(1)
    e.send_sticker(uid, "446", "1988", keywords=["Happy", "OK"])
    e.advance_clock(1)
    photo = e.send_image(uid, PHOTO)
    e.advance_clock(1)
    e.send_file(uid, "見積書.pdf", b"%PDF-1.4 estimate")
    e.advance_clock(1)
    e.send_location(uid, 35.681, 139.767, title="東京駅", address="東京都千代田区丸の内1丁目")
    e.wait_for_deliveries(10)

    report = fast_worker(book).run_once()
    assert report.applied == 6 and report.failed == report.unreadable == 0

    cid = book.customers.by_line_user_id(uid)
    customer = book.customers.get(cid)
    assert (customer.display_name, customer.language, customer.status_message) == (
        "山田 花子", "ja", "よろしくお願いします")
    assert customer.followed_at is not None and customer.blocked_at is None
    assert message_lines(book, cid) == [
        ("system", "followed"), ("text", "明日の15時に予約できますか？ (love)"),
        ("sticker", ""), ("image", ""), ("file", ""), ("location", "")]
    text, sticker, img, pdf, loc = book.messages.messages(cid)[1:]
    assert text.payload["emojis"][0]["emojiId"] == "001"
    assert text.quote_token and text.mark_as_read_token and text.reply_token
    assert text.reply_token_received_ms is not None
    assert sticker.payload == {"packageId": "446", "stickerId": "1988",
                               "stickerResourceType": "STATIC", "keywords": ["Happy", "OK"]}
    assert loc.payload["title"] == "東京駅" and loc.payload["latitude"] == 35.681
    assert pdf.payload == {"fileName": "見積書.pdf", "fileSize": 17}

    # The photo: downloaded at once, encrypted at rest, the same bytes when opened.
    assert img.line_message_id == photo["message"]["id"]
    assert img.content_state == "stored" and img.attachment_id is not None
    assert book.attachments.read_bytes(img.attachment_id, audit=False) == PHOTO
    att = book.attachments.get(img.attachment_id)
    assert att.mime_type == "image/jpeg" and att.file_name.endswith(".jpg")
    assert PHOTO[100:140] not in book.attachments.blob_path(att.blob_name).read_bytes()
    assert book.attachments.read_bytes(pdf.attachment_id, audit=False) == b"%PDF-1.4 estimate"
    assert book.attachments.get(pdf.attachment_id).file_name == "見積書.pdf"

    conv = book.messages.conversation(cid)
    assert conv is not None
    assert (conv.unread_count, conv.last_type, conv.status) == (5, "location", "open")
    assert conv.last_at_ms == loc.at_ms

    # Everything was acknowledged: the relay holds nothing more for this desktop.
    assert connected.relay.queue_depth() == 0


def test_postback_account_link_unsend_and_unknown_types(connected: Connected) -> None:
    book, e = connected.book, connected.emulator
    uid = e.add_user("佐藤 翔太")
    e.advance_clock(1)
    e.send_postback(uid, "action=reserve&menu=cut", {"datetime": "2026-12-05T14:30"})
    e.advance_clock(1)
    link_token = e.api_link_token(uid).body["linkToken"]
    e.account_link(uid, link_token, "nonce-0123456789abcdef")
    e.advance_clock(1)
    secret = e.send_text(uid, "間違えて送りました 090-1234-5678")
    e.advance_clock(1)
    e.send_text(uid, "すみません、来週でお願いします")
    e.advance_clock(1)
    e.unsend(uid, secret["message"]["id"])
    e.wait_for_deliveries(10)
    # A type Otokui does not act on (and a group message of someone not in the book):
    # kept whole, never dropped.
    base = e.events(uid)[0]
    membership = {**base, "type": "somethingNew", "webhookEventId": "01JSOMETHINGNEW00000000000",
                  "somethingNew": {"type": "joined", "membershipId": 3189}}
    group_text = {**e.events(uid)[4], "webhookEventId": "01JGROUPMESSAGE00000000000",
                  "source": {"type": "group", "groupId": "C" + "0" * 32,
                             "userId": "U" + "1" * 32}}
    assert post_events(connected.relay, e.bot_user_id, membership, group_text) == 200

    report = fast_worker(book).run_once()
    assert (report.applied, report.kept, report.failed) == (6, 2, 0)

    cid = book.customers.by_line_user_id(uid)
    lines = book.messages.messages(cid)
    assert [m.type for m in lines] == ["system", "postback", "system", "text", "text"]
    assert lines[1].payload == {"data": "action=reserve&menu=cut",
                                "params": {"datetime": "2026-12-05T14:30"}}
    assert lines[2].payload == {"event": "account_link", "result": "ok",
                                "nonce": "nonce-0123456789abcdef"}
    # Unsent: marked, and its text is gone from the message and from the raw event.
    unsent = lines[3]
    assert unsent.unsent and unsent.text == "" and unsent.payload == {}
    assert lines[4].text == "すみません、来週でお願いします" and not lines[4].unsent
    with book.db.read() as s:
        raws = {r.type: r for r in s.scalars(select(LineEvent))
                if r.type in ("somethingNew", "message")}
        all_raw = json.dumps([r.raw for r in s.scalars(select(LineEvent))],
                             ensure_ascii=False)
        kept = list(s.scalars(select(LineEvent).where(LineEvent.status == "kept")))
    assert "090-1234-5678" not in all_raw
    assert raws["somethingNew"].raw["somethingNew"]["membershipId"] == 3189
    assert {k.type for k in kept} == {"somethingNew", "message"}
    assert all(k.raw["destination"] == e.bot_user_id for k in kept)
    conv = book.messages.conversation(cid)
    assert conv is not None and conv.unread_count == 1  # the unsent one no longer counts


def test_summary_kept_exact_and_status_reopens(connected: Connected) -> None:
    book, e = connected.book, connected.emulator
    uids = [e.add_user(f"客{i}") for i in range(3)]
    for n in range(4):
        for uid in uids:
            e.advance_clock(1)
            e.send_text(uid, f"{n}番目のメッセージです")
    e.wait_for_deliveries(10)
    worker = fast_worker(book, limit=5)  # several batches, summaries carried across them
    worker.run_once()
    cids = [book.customers.by_line_user_id(u) for u in uids]
    assert book.messages.conversation_ids() == list(reversed(cids))  # newest activity first
    assert book.messages.unread_total() == 12

    token = book.messages.mark_read(cids[0])
    assert token == book.messages.messages(cids[0])[-1].mark_as_read_token
    book.messages.set_status(cids[0], "done")
    book.messages.set_status(cids[1], "in_progress")
    assert book.messages.conversation_ids(unread_only=True) == [cids[2], cids[1]]
    assert book.messages.conversation_ids(status="done") == [cids[0]]

    e.advance_clock(5)
    e.send_text(uids[0], "もう一つ質問があります")
    e.wait_for_deliveries(10)
    worker.run_once()
    conv = book.messages.conversation(cids[0])
    assert conv is not None and (conv.unread_count, conv.status) == (1, "open")
    assert conv.last_preview == "もう一つ質問があります"
    # The incrementally kept summaries equal a recount from the messages.
    with book.db.write() as s:
        before = {c.customer_id: (c.unread_count, c.last_at_ms, c.last_type, c.last_preview)
                  for c in s.scalars(select(Conversation))}
        for cid in cids:
            recompute_summary(s, cid)
        s.flush()
        after = {c.customer_id: (c.unread_count, c.last_at_ms, c.last_type, c.last_preview)
                 for c in s.scalars(select(Conversation))}
    assert before == after


def test_export_messages_as_json_lines(connected: Connected, tmp_path: Path) -> None:
    book, e = connected.book, connected.emulator
    uid = e.add_user("鈴木 美咲")
    e.advance_clock(1)
    e.send_text(uid, "営業時間を教えてください")
    e.wait_for_deliveries(10)
    fast_worker(book).run_once()
    out = tmp_path / "messages.jsonl"
    assert book.messages.export_jsonl(out) == 2
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["line_user_id"], r["direction"], r["type"], r["text"]) for r in rows] == [
        (uid, "in", "system", ""), (uid, "in", "text", "営業時間を教えてください")]
    assert rows[1]["time"].endswith("+00:00") and rows[0]["time"] < rows[1]["time"]
    assert out.stat().st_mode & 0o077 == 0
    assert book.audit.entries()[0].action == "export_messages"
