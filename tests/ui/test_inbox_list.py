"""The inbox's conversation list: lazy model, unread counts, status marks, filters, search,
read marks, notifications, and the page built and torn down with the book."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester, QTest

from app.message_search import search_conversations
from app.messages import ConversationStatus
from tests.ui.test_inbox_support import BASE, add_messages
from ui.inbox.conversation_list import ConversationList, row_texts
from ui.inbox.conversation_model import ROW_ROLE, ConversationListModel
from ui.inbox.notifier import Notifier, notification_for
from ui.inbox.page import InboxPage
from ui.inbox.texts import list_time


def _chat(book, seeded) -> dict[str, int]:
    c = seeded.customers
    add_messages(book, c["田中"], [
        {"text": "予約の確認です", "at": BASE},
        {"text": "カットをお願いします", "at": BASE + dt.timedelta(minutes=1)},
    ])
    add_messages(book, c["鈴木"], [
        {"type": "sticker", "payload": {"keywords": ["OK"]},
         "at": BASE + dt.timedelta(hours=2)},
    ])
    add_messages(book, c["佐藤"], [
        {"text": "ありがとうございました", "at": BASE - dt.timedelta(days=3)},
    ])
    book.messages.mark_read(c["佐藤"])
    return c


def test_model_is_a_valid_lazy_list(qtbot, book, seeded) -> None:
    c = _chat(book, seeded)
    model = ConversationListModel(book)
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    model.set_filter(model.filter)
    # Newest activity first; rows fetched only when asked for.
    assert model.ids() == [c["鈴木"], c["田中"], c["佐藤"]]
    fetches = model.fetches
    rows = [model.index(i).data(ROW_ROLE) for i in range(3)]
    assert model.fetches == fetches + 1  # one page for all three
    assert [r.unread_count for r in rows] == [1, 2, 0]
    assert model.index(1).data(Qt.ItemDataRole.DisplayRole) == "田中 太郎"
    name, preview, when = row_texts(rows[1])
    assert (name, preview) == ("田中 太郎", "カットをお願いします")
    assert when == list_time(rows[1].last_at_ms)
    assert row_texts(rows[0])[1] == "Sent a sticker"
    assert model.index(5).data(ROW_ROLE) is None
    assert model.data(model.index(-1)) is None


def test_list_time_today_and_earlier() -> None:
    today = dt.date(2026, 11, 29)
    at = int(dt.datetime(2026, 11, 29, 14, 5).timestamp() * 1000)
    assert list_time(at, today) == "14:05"
    earlier = int(dt.datetime(2026, 11, 28, 9, 0).timestamp() * 1000)
    assert list_time(earlier, today) == "11月28日"
    last_year = int(dt.datetime(2025, 3, 1, 9, 0).timestamp() * 1000)
    assert list_time(last_year, today) == "2025年3月1日"
    assert list_time(None, today) == ""


def test_filters_unread_status_tag_and_search(qtbot, book, seeded) -> None:
    c = _chat(book, seeded)
    panel = ConversationList(book)
    qtbot.addWidget(panel)
    assert panel.model.ids() == [c["鈴木"], c["田中"], c["佐藤"]]
    panel.unread.setChecked(True)
    assert panel.model.ids() == [c["鈴木"], c["田中"]]
    panel.unread.setChecked(False)
    book.messages.set_status(c["田中"], ConversationStatus.IN_PROGRESS)
    panel.status.setCurrentIndex(panel.status.findData("in_progress"))
    assert panel.model.ids() == [c["田中"]]
    panel.status.setCurrentIndex(0)
    panel.tag.setCurrentIndex(panel.tag.findData(seeded.tags["常連"]))
    assert panel.model.ids() == [c["田中"]]
    panel.tag.setCurrentIndex(0)
    # Search in message text, folded like the book's search (katakana finds hiragana).
    panel.search.setText("かっと")
    panel.apply_filter()
    assert panel.model.ids() == [c["田中"]]
    panel.search.setText("見つからない言葉")
    panel.apply_filter()
    assert panel.model.ids() == [] and panel.empty.isVisibleTo(panel)
    assert panel.empty.text() == "No conversation matches."


def test_message_search_finds_every_message_of_any_age(book, seeded) -> None:
    c = _chat(book, seeded)
    assert search_conversations(book, "予約").customer_ids == [c["田中"]]
    assert search_conversations(book, "  ").customer_ids == []
    # The index holds every message: no scan limit hides the oldest one.
    found = search_conversations(book, "予約", scan_limit=2)
    assert found.customer_ids == [c["田中"]] and found.complete
    # Three characters and more (trigram), two and one (bigram tokens), folded like the
    # book's search: full-width, katakana/hiragana, case.
    assert search_conversations(book, "ありがとう").customer_ids == [c["佐藤"]]
    assert search_conversations(book, "カット").customer_ids == [c["田中"]]
    assert search_conversations(book, "かっと").customer_ids == [c["田中"]]
    assert search_conversations(book, "確認").customer_ids == [c["田中"]]
    assert search_conversations(book, "予").customer_ids == [c["田中"]]
    assert search_conversations(book, "た").customer_ids == [c["佐藤"]]  # its last character
    assert search_conversations(book, "ｶｯﾄ").customer_ids == [c["田中"]]


def test_a_common_word_lists_the_newest_matches_first_and_says_there_may_be_more(
        book, seeded) -> None:
    c = seeded.customers
    order = ["田中", "山田", "佐藤", "鈴木", "高橋"]  # each writes 予約, in this order
    for n, who in enumerate(order):
        add_messages(book, c[who], [{"text": f"予約{n}です", "at": BASE + dt.timedelta(hours=n)}])
    newest_first = [c[w] for w in reversed(order)]
    assert search_conversations(book, "予約").customer_ids == newest_first
    # Read newest first and stopped at the limit: the result says there may be more.
    few = search_conversations(book, "予約", limit=3)
    assert few.customer_ids == newest_first[:3] and not few.complete
    # The inbox's filters leave few conversations: those are searched whole.
    among = search_conversations(book, "予約", among=[c["田中"], c["佐藤"]], limit=1)
    assert among.customer_ids == [c["佐藤"], c["田中"]] and among.complete
    assert search_conversations(book, "予約", among=[]).customer_ids == []
    assert search_conversations(book, "予", among=[c["山田"]]).customer_ids == [c["山田"]]


def test_message_search_follows_edits_unsends_and_deletions(book, seeded) -> None:
    """Triggers keep the index exact whoever writes: here plain SQL, as any writer."""
    from sqlalchemy import text

    c = _chat(book, seeded)
    with book.db.read() as s:
        mid = s.execute(text("SELECT id FROM message WHERE text = '予約の確認です'")).scalar_one()
    with book.db.write() as s:
        s.execute(text("UPDATE message SET text = '日程の変更です' WHERE id = :i"), {"i": mid})
    assert search_conversations(book, "予約").customer_ids == []
    assert search_conversations(book, "日程の変更").customer_ids == [c["田中"]]
    assert search_conversations(book, "変更").customer_ids == [c["田中"]]
    with book.db.write() as s:
        s.execute(text("UPDATE message SET unsent_at_ms = 1, text = '' WHERE id = :i"),
                  {"i": mid})
    assert search_conversations(book, "日程").customer_ids == []
    with book.db.write() as s:
        s.execute(text("DELETE FROM message WHERE customer_id = :c"), {"c": c["佐藤"]})
    assert search_conversations(book, "ありがとう").customer_ids == []
    with book.db.read() as s:
        indexed = s.execute(text("SELECT count(*) FROM message_fts")).scalar_one()
        searchable = s.execute(text("SELECT count(*) FROM message WHERE text != '' "
                                    "AND unsent_at_ms IS NULL")).scalar_one()
    assert indexed == searchable == 1  # カットをお願いします


def test_symbols_only_queries_read_recent_messages_and_say_so(book, seeded) -> None:
    add_messages(book, seeded.customers["佐藤"],
                 [{"text": "了解です！？", "at": BASE - dt.timedelta(days=9)}])
    c = _chat(book, seeded)  # four newer messages
    assert search_conversations(book, "！？").customer_ids == [c["佐藤"]]
    partial = search_conversations(book, "！？", scan_limit=2)
    assert partial.customer_ids == [] and not partial.complete


def test_the_upgrade_indexes_messages_written_before_it(book, seeded) -> None:
    """A book of the previous release (schema 0006) has messages but no index: the
    migration indexes them all."""
    from alembic import command
    from alembic.config import Config

    from app.store import migrate

    c = _chat(book, seeded)
    cfg = Config()
    cfg.set_main_option("script_location", str(migrate.MIGRATIONS))
    with book.db._write_lock, book.db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0006")
    assert migrate.current_revision(book.db) == "0006"
    migrate.upgrade(book.db)
    assert search_conversations(book, "予約").customer_ids == [c["田中"]]
    assert search_conversations(book, "た").customer_ids == [c["佐藤"]]


def test_status_mark_from_the_context_menu_and_after_reopening(qtbot, book, seeded) -> None:
    c = _chat(book, seeded)
    page = InboxPage(book)
    qtbot.addWidget(page)
    menu = page.list.status_menu(c["田中"])
    done = next(a for a in menu.actions() if a.data() == "done")
    done.trigger()
    page.book_changed({"messages"}, {"messages": {c["田中"]}})
    row = page.list.model.row_of(c["田中"])
    assert page.list.model.index(row).data(ROW_ROLE).status == "done"
    assert page.list.model.index(row).data(ROW_ROLE).unread_count == 2
    page.release()
    book.close()
    reopened = seeded.profile.open(seeded.passphrase)
    try:
        again = InboxPage(reopened)
        qtbot.addWidget(again)
        row = again.list.model.row_of(c["田中"])
        conv = again.list.model.index(row).data(ROW_ROLE)
        assert (conv.status, conv.unread_count) == ("done", 2)
        assert reopened.messages.unread_total() == 3
        again.release()
    finally:
        reopened.close()
        seeded.book = seeded.profile.open(seeded.passphrase)  # for the fixture's close


def test_opening_a_conversation_marks_it_read(qtbot, book, seeded) -> None:
    c = _chat(book, seeded)
    page = InboxPage(book)
    qtbot.addWidget(page)
    totals: list[int] = []
    page.unread_changed.connect(totals.append)
    assert page.list.select(c["田中"])
    assert page.customer_id == c["田中"]
    assert book.messages.conversation(c["田中"]).unread_count == 0
    assert totals[-1] == 1  # 鈴木's sticker is still unread
    assert page.detail.customer_id == c["田中"]
    assert page.composer.isEnabled()


def test_notifications_for_new_messages_hide_content_when_asked(qtbot, book, seeded,
                                                                settings) -> None:
    c = _chat(book, seeded)
    notifier = Notifier(settings)
    notifier.attach(book)
    assert notifier.tooltip == "Otokui — 3 unread"
    # By default who wrote and what stay out of the system's notification store.
    add_messages(book, c["鈴木"], [{"text": "個人的な内容", "at": BASE + dt.timedelta(hours=3)}])
    notifier.messages_changed({c["鈴木"]})
    assert [(n.customer_id, n.title, n.body) for n in notifier.sent] == [
        (c["鈴木"], "Otokui", "You have a new message")]
    settings.notify_hide_content = False  # the owner chose to see them
    add_messages(book, c["鈴木"], [{"text": "今日は空いてますか",
                                   "at": BASE + dt.timedelta(hours=4)}])
    notifier.messages_changed({c["鈴木"]})
    assert (notifier.sent[-1].title, notifier.sent[-1].body) == ("鈴木 一郎",
                                                                "今日は空いてますか")
    # The conversation the owner has open is not announced; nothing new, nothing said.
    add_messages(book, c["田中"], [{"text": "追加です", "at": BASE + dt.timedelta(hours=5)}])
    notifier.messages_changed({c["田中"]}, open_id=c["田中"])
    notifier.messages_changed({c["佐藤"]})
    assert len(notifier.sent) == 2
    settings.notify_messages = False
    add_messages(book, c["佐藤"], [{"text": "また行きます", "at": BASE + dt.timedelta(hours=6)}])
    notifier.messages_changed(None)
    assert len(notifier.sent) == 2
    assert notifier.tooltip == "Otokui — 7 unread"
    conv = book.messages.conversation(c["鈴木"])
    assert notification_for(conv, hide_content=True).body == "You have a new message"


def test_mode_switch_and_lock_tear_the_inbox_down(qtbot, window, seeded) -> None:
    _chat(window.book, seeded)
    window.content.events.flush()
    inbox = window.inbox
    assert inbox.mode == "customers" and inbox.page is not None
    QTest.keySequence(window, "Ctrl+2")
    assert inbox.mode == "inbox" and window.stack.currentWidget() is inbox.page
    assert inbox.inbox_button.text() == "Chat (3)"
    page = inbox.page
    page.list.select(seeded.customers["田中"])
    QTest.keySequence(window, "Ctrl+1")
    assert window.stack.currentWidget() is window.content
    inbox.set_mode("inbox")
    assert window.lock()
    assert inbox.page is None and not inbox.act_inbox.isEnabled()
    assert window.stack.indexOf(page) == -1
    window.unlock_widget.field.setText(seeded.passphrase)
    window.unlock_widget.submit()
    qtbot.waitUntil(lambda: inbox.page is not None, timeout=20_000)
    assert inbox.mode == "inbox"
    assert inbox.page.customer_id == seeded.customers["田中"]
    assert window.settings.window_mode == "inbox"


def _pointer(widget, kind) -> None:
    from PySide6.QtCore import QEvent, QPointF
    from PySide6.QtGui import QEnterEvent
    from PySide6.QtWidgets import QApplication

    event = QEnterEvent(QPointF(5, 5), QPointF(5, 5), QPointF(5, 5)) if kind == "enter" \
        else QEvent(QEvent.Type.Leave)
    QApplication.sendEvent(widget, event)


def test_rows_stay_put_under_the_pointer_and_sort_when_it_leaves(qtbot, book, seeded) -> None:
    """New activity does not move the row the owner is about to click."""
    c = _chat(book, seeded)
    page = InboxPage(book)
    qtbot.addWidget(page)
    page.show()
    lst = page.list
    assert lst.select(c["田中"])
    before = [c["鈴木"], c["田中"], c["佐藤"]]
    assert lst.model.ids() == before
    _pointer(lst.view.viewport(), "enter")
    add_messages(book, c["佐藤"], [{"text": "明日行けますか", "at": BASE + dt.timedelta(hours=5)}])
    add_messages(book, c["高橋"], [{"text": "はじめまして", "at": BASE + dt.timedelta(hours=6)}])
    page.book_changed({"messages"}, {"messages": {c["佐藤"], c["高橋"]}})
    # Same places; the row's new content is shown; the owner is told why.
    assert lst.model.ids() == before
    row = lst.model.index(2).data(ROW_ROLE)
    assert (row.customer_id, row.last_preview) == (c["佐藤"], "明日行けますか")
    assert lst.current_id() == c["田中"]
    assert lst.held_note.isVisibleTo(lst)
    _pointer(lst.view.viewport(), "leave")
    assert lst.model.ids() == [c["高橋"], c["佐藤"], c["鈴木"], c["田中"]]
    assert lst.current_id() == c["田中"]  # the open conversation stays chosen
    assert not lst.held_note.isVisibleTo(lst)
    # Without the pointer over it, the list sorts at once.
    add_messages(book, c["田中"], [{"text": "変更です", "at": BASE + dt.timedelta(hours=7)}])
    page.book_changed({"messages"}, {"messages": {c["田中"]}})
    assert lst.model.ids()[0] == c["田中"]
    page.release()


def test_status_after_reply_is_chosen_in_settings(qtbot, book, settings) -> None:
    from ui.inbox.settings_tab import InboxSettingsWidget

    tab = InboxSettingsWidget(book, settings)
    qtbot.addWidget(tab)
    assert tab.after_reply.currentData() == "done"  # the default: an answer is 対応済み
    tab.after_reply.setCurrentIndex(tab.after_reply.findData("in_progress"))
    tab.apply()
    assert book.sending.status_after_reply() == "in_progress"
