"""The conversation view: every kind of message, day separators, marks, paging, media."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import QLabel, QPushButton

from tests.ui.test_inbox_support import BASE, add_messages, every_kind
from ui.inbox.bubbles import DaySeparator, MessageBubble, SystemLine
from ui.inbox.conversation_view import PAGE, ConversationView


def _texts(widget) -> list[str]:
    return [label.text() for label in widget.findChildren(QLabel) if label.text()]


def test_every_kind_of_message_is_drawn(qtbot, book, seeded) -> None:
    cid = seeded.customers["鈴木"]  # no tags: no tag lines among the messages
    ids = every_kind(book, cid)
    view = ConversationView(book)
    qtbot.addWidget(view)
    view.resize(700, 900)
    view.show()
    view.open(cid)
    kinds = [type(w).__name__ for w in view.widgets]
    # Two days: a separator before each, system lines and postbacks as grey lines.
    assert kinds.count("DaySeparator") == 2
    seps = [w.text() for w in view.widgets if isinstance(w, DaySeparator)]
    assert seps == ["2026年11月27日 (金)", "2026年11月28日 (土)"]
    lines = [w.text() for w in view.widgets if isinstance(w, SystemLine)]
    assert [t.split("  ")[0] for t in lines] == [
        "Added you as a friend", "Tapped a button: action=reserve", "Blocked your account"]
    b = view.bubbles
    assert "明日の15時に予約できますか" in _texts(b[ids["text"]])
    assert "ありがとう (love)" in _texts(b[ids["emoji"]])  # LINE emoji as their text
    sticker = _texts(b[ids["sticker"]])
    assert "Sticker" in sticker and "OK、了解" in sticker
    assert b[ids["image"]].thumb is not None
    qtbot.waitUntil(lambda: b[ids["image"]].thumb.pixmap() is not None
                    and not b[ids["image"]].thumb.pixmap().isNull(), timeout=10_000)
    assert "Video  1:05" in _texts(b[ids["video"]])
    assert b[ids["video"]].findChild(QPushButton, "saveMedia") is not None
    assert "Downloading…" in _texts(b[ids["audio_pending"]])
    assert b[ids["audio_pending"]].findChild(QPushButton, "saveMedia") is None
    assert "menu.pdf  (15 B)" in _texts(b[ids["file"]])
    location = _texts(b[ids["location"]])
    assert "渋谷店" in location and "東京都渋谷区道玄坂1-2-3" in location
    link = b[ids["location"]].findChild(QLabel, "mapLink")
    assert "query=35.658%2C139.7016" in link.text()
    assert "This message was unsent." in _texts(b[ids["unsent"]])
    assert b[ids["edited"]].meta_label.text().startswith("Edited ")
    assert b[ids["sent"]].state_label.text() == "Sent"
    assert b[ids["sending"]].state_label.text() == "Sending…"
    failed = b[ids["failed"]]
    assert failed.state_label.text() == "Not sent"
    assert failed.retry_button is not None and failed.discard_button is not None
    assert "LINE refused the message; it was not sent." in _texts(failed)
    assert b[ids["text"]].retry_button is None
    assert not b[ids["text"]].outgoing and b[ids["sent"]].outgoing
    # Incoming on the left, outgoing on the right.
    assert b[ids["text"]].bubble.x() < 100 < b[ids["sent"]].bubble.x()
    seen: list[int] = []
    view.retry_requested.connect(seen.append)
    failed.retry_button.click()
    assert seen == [ids["failed"]]


def test_keeping_and_saving_received_media(qtbot, book, seeded, tmp_path: Path) -> None:
    cid = seeded.customers["田中"]
    ids = every_kind(book, cid)
    view = ConversationView(book)
    qtbot.addWidget(view)
    view.open(cid)
    notes: list[str] = []
    view.notice.connect(notes.append)
    view.bubbles[ids["image"]].findChild(QPushButton, "keepImage").click()
    row = book.messages.get(ids["image"])
    att = book.attachments.get(row.attachment_id)
    assert (att.kind, att.date_label, att.labelled_date) == ("photo", "Received on LINE",
                                                             dt.date(2026, 11, 27))
    assert notes == ["The photo is kept among this customer's attachments."]
    video = book.messages.get(ids["video"]).attachment_id
    op = view.save_media_to(video, tmp_path / "video.mp4")
    with qtbot.waitSignal(op.finished, timeout=10_000):
        pass
    assert (tmp_path / "video.mp4").read_bytes().startswith(b"\x00\x00\x00\x18ftypmp42")


def test_latest_page_first_then_older_pages(qtbot, book, seeded) -> None:
    cid = seeded.customers["鈴木"]
    add_messages(book, cid, [{"text": f"メッセージ {i}", "at": BASE + dt.timedelta(minutes=4 * i)}
                             for i in range(450)])
    view = ConversationView(book)
    qtbot.addWidget(view)
    view.resize(600, 700)
    view.show()
    view.open(cid)
    assert len(view.rows) == PAGE and view.rows[-1].text == "メッセージ 449"
    assert view.has_older and view.older.isVisible()
    bar = view.scroll_area.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.value() == bar.maximum() and bar.maximum() > 0)
    # The newest bubbles first; the rest of the page follows just after the first paint.
    assert 0 < len(view.bubbles) < PAGE
    qtbot.waitUntil(lambda: len(view.bubbles) == PAGE)
    assert view.load_older() == PAGE
    assert view.rows[0].text == "メッセージ 50"
    view.flush_pending()
    qtbot.waitUntil(lambda: bar.value() > 0)  # what was on screen stays on screen
    assert view.load_older() == 50
    assert not view.has_older and view.rows[0].text == "メッセージ 0"
    view.flush_pending()
    assert view.load_older() == 0
    texts = [b.row.text for b in view.widgets if isinstance(b, MessageBubble)]
    assert texts == [f"メッセージ {i}" for i in range(450)]
    # One day separator per day, even across pages.
    days = [w.text() for w in view.widgets if isinstance(w, DaySeparator)]
    assert len(days) == len(set(days)) == 2


def test_new_messages_appear_and_the_placeholder_without_a_conversation(qtbot, book,
                                                                       seeded) -> None:
    cid = seeded.customers["鈴木"]
    view = ConversationView(book)
    qtbot.addWidget(view)
    view.show()
    assert view.placeholder.isVisible()
    add_messages(book, cid, [{"text": "こんにちは"}])
    view.open(cid)
    assert not view.placeholder.isVisible() and view.title.text() == "鈴木 一郎"
    add_messages(book, cid, [{"text": "追加の質問です", "at": BASE + dt.timedelta(hours=1)}])
    view.book_changed({"messages"}, {"messages": {cid}})
    assert [r.text for r in view.rows] == ["こんにちは", "追加の質問です"]
    view.status.setCurrentIndex(view.status.findData("in_progress"))
    view.status.activated.emit(view.status.currentIndex())
    assert book.messages.conversation(cid).status == "in_progress"


def test_tag_lines_show_when_current_tags_were_added(qtbot, book, seeded) -> None:
    cid = seeded.customers["鈴木"]
    add_messages(book, cid, [{"text": "こんにちは", "at": BASE}])
    view = ConversationView(book)
    qtbot.addWidget(view)
    view.open(cid)
    assert not [w for w in view.widgets if isinstance(w, SystemLine)]
    book.tags.add([cid], [seeded.tags["新規"]])  # now: after the message
    view.book_changed({"tags", "customers"}, {"tags": None, "customers": {cid}})
    lines = [w.text().split("  ")[0] for w in view.widgets if isinstance(w, SystemLine)]
    assert lines == ["Tag added: 新規"]
    assert isinstance(view.widgets[-1], SystemLine)  # the newest line
    assert all(r.id > 0 for r in view.rows if r.type != "system")


def test_clicking_a_photo_opens_the_preview_and_locking_closes_it(qtbot, book, seeded) -> None:
    from PySide6.QtCore import Qt

    cid = seeded.customers["鈴木"]
    ids = every_kind(book, cid)
    view = ConversationView(book)
    qtbot.addWidget(view)
    view.show()
    view.open(cid)
    thumb = view.bubbles[ids["image"]].thumb
    qtbot.mouseClick(thumb, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(view.previews) == 1, timeout=10_000)
    preview = view.previews[0]
    assert preview.isVisible()
    view.release()  # what the lock does
    assert not preview.isVisible() and view.book is None and view.bubbles == {}


def test_malformed_payloads_and_unknown_kinds_do_not_break_the_view(qtbot, book,
                                                                    seeded) -> None:
    cid = seeded.customers["鈴木"]
    ids = add_messages(book, cid, [
        {"type": "sticker", "payload": {"keywords": "notalist"}},
        {"type": "file", "payload": {"fileName": {"x": 1}, "fileSize": "big"}},
        {"type": "video", "payload": {"duration": "long"}},
        {"type": "location", "payload": {"title": "<b>店</b>", "latitude": '"><script>',
                                         "longitude": 1}},
        {"type": "system", "payload": {"event": 42}},
        {"type": "postback", "payload": {}},
        {"type": "flex", "payload": {"altText": "新しい種類"}},
        {"type": "image", "content_state": "unavailable"},
    ])
    view = ConversationView(book)
    qtbot.addWidget(view)
    view.open(cid)
    b = view.bubbles
    assert _texts(b[ids[0]])[:1] == ["Sticker"] and "n、o" not in " ".join(_texts(b[ids[0]]))
    assert "Video" in _texts(b[ids[2]])
    location = b[ids[3]]
    assert "<b>店</b>" in _texts(location)  # shown as text, not markup
    link = location.findChild(QLabel, "mapLink")
    assert "<script>" not in link.text()
    assert b[ids[6]].thumb is None
    assert "A message of a kind Otokui cannot show yet (open LINE to see it)." in _texts(
        b[ids[6]])
    assert "LINE no longer has this content." in _texts(b[ids[7]])
    assert b[ids[7]].thumb is None  # no attachment: nothing to decrypt
    lines = [w.text().split("  ")[0] for w in view.widgets if isinstance(w, SystemLine)]
    assert lines == ["Friend status changed", "Tapped a button"]
