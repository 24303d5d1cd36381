"""The rules' notices in the main window (ui/automation/notices.py): the bar over the
window when a rule's notify fired (also announced from another thread), 「お客様を開く」
and 「確認済みにする」, the desktop notification, and notices fired while it was closed."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt

from app.automation import notices
from app.automation.engine import run_pending
from app.automation.service import RuleService
from ui.inbox.integration import CUSTOMERS, INBOX

RULE = {"name": "新規のお知らせ", "enabled": True,
        "when": {"kind": "tag_added", "tag": "新規"},
        "then": [{"kind": "notify", "text": "新しいお客様です"}]}


def _fire_in_a_thread(book) -> None:
    """The engine as the sync worker runs it: off the window's thread."""
    worker = threading.Thread(target=lambda: run_pending(book, send=False))
    worker.start()
    worker.join()


def test_the_bar_shows_the_notices_opens_the_customer_and_marks_them_seen(
        window, seeded, qtbot) -> None:
    book = seeded.book
    bar = window.automation.notices.bar
    assert not bar.isVisible()
    RuleService(book).save(RULE)
    yamada, sato = seeded.customers["山田"], seeded.customers["佐藤"]
    book.tags.add([yamada], [seeded.tags["新規"]])
    book.tags.add([sato], [seeded.tags["新規"]])
    _fire_in_a_thread(book)
    qtbot.waitUntil(lambda: bar.isVisible() and bar.all_button.isVisible())
    # The one waiting longest first, and how many more.
    assert bar.text.text() == "Notice from a rule: 山田 花子 — 新しいお客様です"
    assert bar.more.text() == "1 more"
    assert "新規のお知らせ" in bar.toolTip()
    # Told on the desktop once (without its words: "hide content" is on by default).
    told = [n for n in window.inbox.notifier.sent if n.notice]
    assert [(n.customer_id, n.body) for n in told] == [(sato, "You have a notice from a rule")]

    # From the chat, with a search that leaves her out: the customer book, her selected.
    window.inbox.set_mode(INBOX)
    window.content.search.setText("佐藤")
    window.apply_search()
    qtbot.mouseClick(bar.open_button, Qt.MouseButton.LeftButton)
    assert window.inbox.mode == CUSTOMERS
    assert window.selected_ids() == [yamada]

    qtbot.mouseClick(bar.seen_button, Qt.MouseButton.LeftButton)
    assert bar.text.text() == "Notice from a rule: 佐藤 健 — 新しいお客様です"
    assert not bar.more.isVisible() and not bar.all_button.isVisible()
    assert notices.unseen_count(book) == 1
    qtbot.mouseClick(bar.seen_button, Qt.MouseButton.LeftButton)
    assert not bar.isVisible()
    assert notices.unseen_count(book) == 0
    # Nothing new: the next announcement tells nothing again.
    window.content.events.flush()
    assert [n for n in window.inbox.notifier.sent if n.notice] == told


def test_mark_all_seen_and_notices_fired_while_the_window_was_closed(
        book, seeded, settings, qtbot) -> None:
    from ui.main_window import MainWindow

    RuleService(book).save(RULE)
    book.tags.add([seeded.customers["山田"], seeded.customers["佐藤"]], [seeded.tags["新規"]])
    run_pending(book, send=False)  # headless (rule run, sync --once): nobody was looking
    win = MainWindow(book, settings)
    qtbot.addWidget(win)
    win.resize(1300, 800)
    win.show()
    qtbot.waitExposed(win)
    try:
        bar = win.automation.notices.bar
        assert bar.isVisible() and bar.more.text() == "1 more"
        assert not [n for n in win.inbox.notifier.sent if n.notice]  # the bar says it
        qtbot.mouseClick(bar.all_button, Qt.MouseButton.LeftButton)
        assert not bar.isVisible() and notices.unseen_count(book) == 0
    finally:
        win.close()


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_the_desktop_notice_with_its_words_opens_the_customer_when_clicked(
        window, seeded, qtbot) -> None:
    book = seeded.book
    window.settings.notify_hide_content = False
    RuleService(book).save(RULE)
    tanaka = seeded.customers["田中"]
    book.tags.add([tanaka], [seeded.tags["新規"]])
    _fire_in_a_thread(book)
    notifier = window.inbox.notifier
    qtbot.waitUntil(lambda: any(n.notice for n in notifier.sent))
    [told] = [n for n in notifier.sent if n.notice]
    assert (told.customer_id, told.title, told.body) == \
        (tanaka, "Notice from a rule", "田中 太郎 — 新しいお客様です")
    window.inbox.set_mode(INBOX)
    notifier._clicked()  # what the tray's messageClicked calls
    assert window.inbox.mode == CUSTOMERS
    assert window.selected_ids() == [tanaka]
