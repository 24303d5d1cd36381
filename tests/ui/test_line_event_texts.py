"""What the owner reads for membership, beacon, video-watched lines and group messages:
in the conversation (grey lines, the group mark) and in the customer's timeline."""

from __future__ import annotations

import datetime as dt

from app.messages import IN, MessageRow
from app.store.models import TimelineEvent
from ui.inbox.bubbles import MessageBubble, SystemLine, chat_mark, system_text


def _row(mtype: str, payload: dict, text: str = "") -> MessageRow:
    return MessageRow(id=1, customer_id=1, direction=IN, type=mtype, text=text,
                      payload=payload, at_ms=1_800_000_000_000, line_message_id=None,
                      attachment_id=None, content_state=None, unsent=False, edited=False,
                      quote_token=None, mark_as_read_token=None, reply_token=None,
                      reply_token_received_ms=None, reply_token_used=False, state=None,
                      error=None)


def test_system_lines_of_the_new_events(qtbot) -> None:
    cases = {
        "membership_joined": "Joined the membership",
        "membership_left": "Left the membership",
        "membership_renewed": "Renewed the membership",
        "beacon_enter": "Came within the shop's beacon",
        "beacon_banner": "Tapped the shop's beacon banner",
        "video_watched": "Watched the video to the end",
    }
    for event, words in cases.items():
        assert system_text(_row("system", {"event": event})) == words
    watched = _row("system", {"event": "video_watched", "tracking_id": "spring-sale"})
    assert system_text(watched) == "Watched the video to the end (spring-sale)"
    line = SystemLine(_row("system", {"event": "beacon_enter"}))
    qtbot.addWidget(line)
    assert line.text().startswith("Came within the shop's beacon")


def test_group_and_room_messages_are_marked(qtbot) -> None:
    group = _row("text", {"chat": {"type": "group", "id": "C" + "0" * 32}}, "こんにちは")
    room = _row("text", {"chat": {"type": "room", "id": "R" + "0" * 32}}, "どうも")
    direct = _row("text", {}, "個別")
    assert (chat_mark(group), chat_mark(room), chat_mark(direct)) == \
        ("In a group", "In a multi-person chat", "")
    assert chat_mark(_row("text", {"chat": "nonsense"})) == ""
    bubble = MessageBubble(group)
    qtbot.addWidget(bubble)
    assert bubble.meta_label.text().startswith("In a group ")
    plain = MessageBubble(direct)
    qtbot.addWidget(plain)
    assert "group" not in plain.meta_label.text()


def test_the_timeline_names_what_happened_on_line(window, seeded) -> None:
    book = window.book
    cid = seeded.customers["田中"]
    with book.db.write() as s:
        for i, kind in enumerate(("line_followed", "line_membership_joined",
                                  "line_beacon_enter", "line_video_watched",
                                  "line_something_new")):
            s.add(TimelineEvent(customer_id=cid, kind=kind,
                                at=dt.datetime(2026, 12, 5, 10, i), data={}))
    assert window.select_customer(cid)
    pane = window.content.detail
    pane._fill_timeline()
    texts = [pane.timeline.item(i).text() for i in range(pane.timeline.count())]
    joined = "\n".join(texts)
    for words in ("Added the shop as a LINE friend", "Joined the membership",
                  "Came within the shop's beacon", "Watched the video to the end",
                  "LINE: something_new"):
        assert words in joined, words
    assert "line_membership_joined" not in joined


def test_japanese_words(qapp) -> None:
    from PySide6.QtCore import QCoreApplication

    from ui import i18n

    i18n.compile_if_stale()
    i18n.install_translators(qapp, "ja")  # the conftest fixture removes it afterwards
    assert system_text(_row("system", {"event": "membership_joined"})) == \
        "メンバーシップに加入しました"
    assert system_text(_row("system", {"event": "beacon_enter"})) == "お店のビーコン圏内に来ました"
    assert system_text(_row("system", {"event": "video_watched"})) == "動画を最後まで見ました"
    assert chat_mark(_row("text", {"chat": {"type": "group", "id": "C1"}})) == "グループで"
    assert QCoreApplication.translate("LineSettingsWidget", "Import friends") == \
        "友だちを取り込む"
