"""Broadcasts in the main window: the 配信 menu and the Customers menu's entries, the
toolbar button and shortcut, "broadcast to the selected customers", marking the owner's own
LINE account, the sidebar's "配信…" entries, the history, and everything gone while
locked."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMenu

#: Bringing an open dialog forward: the offscreen test platform cannot raise windows.
raises_windows = pytest.mark.qt_log_ignore(r"This plugin does not support raise\(\)",
                                           extend=True)


def _customers_menu(window) -> QMenu:
    return next(a.menu() for a in window.menuBar().actions()
                if a.menu() is not None and window.act_new in a.menu().actions())


def test_menu_toolbar_and_shortcut(window) -> None:
    integration = window.broadcasts
    # The 配信 menu between お客様 and ツール; sending to the selection also under お客様.
    bar = [a.menu() for a in window.menuBar().actions()]
    assert bar.index(window.broadcast_menu) == bar.index(_customers_menu(window)) + 1
    assert [a.objectName() for a in window.broadcast_menu.actions() if not a.isSeparator()] \
        == ["actNewBroadcast", "actBroadcastSelected", "actBroadcastHistory", "actSequences"]
    names = [a.objectName() for a in _customers_menu(window).actions()]
    assert "actBroadcastSelected" in names and "actOwnLine" in names
    assert "actNewBroadcast" not in names
    assert "actNewBroadcast" in [a.objectName() for a in window.toolbar.actions()]
    assert integration.act_new.shortcut().toString() == "Ctrl+Shift+M"
    assert not integration.act_new.icon().isNull()
    assert integration.act_new.isEnabled() and integration.act_history.isEnabled()
    assert not integration.act_selected.isEnabled()  # nothing selected
    menu = QMenu()
    integration.add_table_actions(menu)  # the table's context menu
    assert [a.objectName() for a in menu.actions()] == ["actBroadcastSelected", "actOwnLine"]


@raises_windows
def test_broadcast_to_the_selection_keeps_the_text_when_opened_again(window, seeded,
                                                                    qtbot) -> None:
    integration = window.broadcasts
    tanaka = seeded.customers["田中"]
    assert window.select_customer(tanaka)
    assert integration.act_selected.isEnabled()
    integration.act_selected.trigger()
    composer = integration.composer
    assert composer is not None and composer.isVisible()
    assert composer.recipients_box.rb_selected.isChecked() and \
        composer.recipients_box.selected_ids == [tanaka]
    composer.message.set_text("{名前}様 先日はありがとうございました")
    # Not paired with LINE: the plan cannot be made; the owner is told, the text stays.
    with qtbot.waitSignal(composer.plan_failed, timeout=10_000):
        composer.replan()
    assert composer.error.isVisible() and composer.error.text()
    assert composer.preview.shown == ["{名前}様 先日はありがとうございました"]
    integration.act_new.trigger()  # the same composer comes forward, text and all
    assert integration.composer is composer
    assert composer.message.texts() == ["{名前}様 先日はありがとうございました"]


def test_marking_the_owners_own_line_account(window, seeded, book) -> None:
    integration = window.broadcasts
    assert window.select_customer(seeded.customers["鈴木"])
    act = integration.act_owner
    assert act.isEnabled() and not act.isChecked()
    act.trigger()
    assert book.customers.get(seeded.customers["鈴木"]).is_owner
    assert book.broadcasts.owner() == seeded.customers["鈴木"]
    assert window.select_customer(seeded.customers["田中"]) and not act.isChecked()
    assert window.select_customer(seeded.customers["鈴木"]) and act.isChecked()
    act.trigger()
    assert not book.customers.get(seeded.customers["鈴木"]).is_owner


@raises_windows
def test_the_sidebar_opens_the_composer_for_a_tag_or_a_segment(window, seeded, book) -> None:
    from app.segments import Group, TagCondition

    sidebar = window.content.sidebar
    vip = seeded.tags["VIP"]
    sidebar.tag_broadcast_requested.emit(vip)
    composer = window.broadcasts.composer
    assert composer is not None and composer.isVisible()
    assert composer.recipients_box.rb_tag.isChecked() and \
        composer.recipients_box.tag_combo.currentData() == vip
    regulars = book.segments.save("常連さん", Group(items=(
        TagCondition("any", (seeded.tags["常連"],)),)))
    sidebar.segment_broadcast_requested.emit(regulars)  # saved after the composer opened
    assert window.broadcasts.composer is composer
    assert composer.recipients_box.rb_segment.isChecked() and \
        composer.recipients_box.segment_combo.currentData() == regulars
    assert composer.recipients_box.segment_combo.currentText() == "常連さん"


def test_history_from_the_menu_and_nothing_left_when_locked(window, qtbot) -> None:
    integration = window.broadcasts
    integration.act_history.trigger()
    history = integration.history
    assert history is not None and history.isVisible()
    assert history.model.rowCount() == 0 and history.details.text() == "No broadcasts yet."
    integration.act_new.trigger()
    composer = integration.composer
    assert window.lock()
    assert not history.isVisible() and not composer.isVisible()
    assert integration.history is None and integration.composer is None
    assert not any(a.isEnabled() for a in integration.actions)
    assert integration.tick() == []


def test_the_news_of_a_broadcast_leaves_the_demo_badge_in_view(book, settings, qtbot) -> None:
    """The status bar's message after a broadcast does not cover the demo's badge."""
    from app.broadcast import BroadcastReport, Counts
    from ui.main_window import MainWindow

    win = MainWindow(book, settings, demo=True)
    qtbot.addWidget(win)
    win.resize(1300, 800)
    win.show()
    qtbot.waitExposed(win)
    assert win.demo_badge.isVisible()
    runner = win.broadcasts.runner
    assert runner is not None
    runner.finished.emit(1, BroadcastReport(1, "done", Counts(recipients=12, sent=12)))
    assert "sent 12" in win.statusBar().currentMessage()
    assert win.demo_badge.isVisible()
    bar = win.statusBar()
    assert bar.rect().contains(win.demo_badge.geometry())
    win.close()


@raises_windows
def test_what_was_written_comes_back_after_locking_and_unlocking(window, seeded,
                                                                 qtbot) -> None:
    """Locking closes the composer; unlocking the same book opens it again as it was."""
    import datetime as dt

    from ui.broadcast.recipients import SELECTED

    integration = window.broadcasts
    chosen = [seeded.customers["田中"], seeded.customers["佐藤"]]
    integration.new_broadcast()
    composer = integration.composer
    composer.set_selected(chosen)
    composer.choose_recipients(SELECTED)
    composer.name_edit.setText("年末のご案内")
    composer.message.set_text("{名前}様 年末年始の営業のお知らせです")
    composer.message.add_bubble("28日から3日までお休みします")
    later = (dt.datetime.now() + dt.timedelta(days=2)).replace(second=0, microsecond=0)
    composer.schedule_box.set_at(later)
    assert window.lock()
    assert integration.composer is None

    window._unlocked(seeded.profile.open(seeded.passphrase))
    qtbot.waitUntil(lambda: integration.composer is not None
                    and integration.composer.isVisible(), timeout=10_000)
    back = integration.composer
    assert back is not composer
    assert back.name_edit.text() == "年末のご案内"
    assert back.message.texts() == ["{名前}様 年末年始の営業のお知らせです",
                                    "28日から3日までお休みします"]
    assert back.recipients_box.rb_selected.isChecked() and \
        back.recipients_box.selected_ids == chosen
    assert back.schedule_box.at() == later
    # Only once: after it was sent or closed empty, the next unlock opens nothing.
    back.message.set_text("")
    back.message.remove_bubble(back.message.editors[-1])
    back.name_edit.setText("")
    assert window.lock()
    window._unlocked(seeded.profile.open(seeded.passphrase))
    qtbot.wait(50)
    assert integration.composer is None
