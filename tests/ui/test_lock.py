"""Locking: the content goes, the book closes, unlocking puts the owner back where they were."""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from app.search import CustomerQuery


def _unlock(window, qtbot, passphrase: str) -> None:
    widget = window.unlock_widget
    widget.field.setText(passphrase)
    widget.submit()


def _set_up_a_view(window, seeded) -> None:
    content = window.content
    content.sidebar.select_key(f"folder:{seeded.folders['来店']}")
    content.search.setText("田")
    window.apply_search()
    assert window.select_customer(seeded.customers["山田"])


def test_lock_now_hides_everything_and_closes_the_book(window, seeded, qtbot) -> None:
    _set_up_a_view(window, seeded)
    book = seeded.book
    window.act_lock.trigger()
    assert window.locked and window.content is None and window.book is None
    assert window.stack.currentWidget() is window.lock_page
    assert not window.act_export.isEnabled() and not window.act_new.isEnabled()
    with pytest.raises(ValueError):  # the key is gone: nothing can be read any more
        book.search.ids(CustomerQuery())
    # No customer data is left in the window's widgets.
    texts = [w.text() for w in window.findChildren(type(window.count_label))
             if hasattr(w, "text")]
    assert not any("山田" in t or "田中" in t for t in texts)


def test_unlock_restores_view_search_and_selection(window, seeded, qtbot) -> None:
    _set_up_a_view(window, seeded)
    before_ids = window.content.model.ids()
    window.lock()
    _unlock(window, qtbot, seeded.passphrase)
    qtbot.waitUntil(lambda: not window.locked, timeout=10_000)
    content = window.content
    assert content.search.text() == "田"
    assert content.sidebar.current_key() == f"folder:{seeded.folders['来店']}"
    assert content.model.ids() == before_ids
    assert content.view.selected_ids() == [seeded.customers["山田"]]
    assert content.detail.customer_id == seeded.customers["山田"]
    assert window.act_export.isEnabled()
    # The reopened book works.
    assert window.book.customers.count() == 5


def test_wrong_passphrase_says_so_and_changes_nothing(window, seeded, qtbot) -> None:
    window.lock()
    db = seeded.profile.db_path
    before = db.read_bytes()
    _unlock(window, qtbot, "not the passphrase")
    widget = window.unlock_widget
    qtbot.waitUntil(lambda: widget.message_label.text() == widget.wrong_passphrase_text(),
                    timeout=10_000)
    assert window.locked
    assert db.read_bytes() == before
    _unlock(window, qtbot, seeded.passphrase)
    qtbot.waitUntil(lambda: not window.locked, timeout=10_000)


class FakeClock:
    """Monotonic seconds that move only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def _fake_clock(window, qtbot) -> FakeClock:
    """Idle time on a fake clock, once the window's background work (loading the table, a
    preview) is done: an auto-lock while busy is postponed by a whole interval, which on
    a clock that stands still never comes."""
    qtbot.waitUntil(lambda: not window.busy, timeout=60_000)
    clock = FakeClock()
    window.idle.clock = clock
    window.idle.set_interval_ms(window.idle.interval_ms())  # restart counting on it
    return clock


def _key(window) -> None:
    QApplication.sendEvent(window.content.view.viewport(), QKeyEvent(
        QEvent.Type.KeyPress, Qt.Key.Key_Down, Qt.KeyboardModifier.NoModifier))


def test_auto_lock_after_idle_time(window, seeded, qtbot) -> None:
    assert window.idle.interval_ms() == 10 * 60_000  # the default: ten minutes
    clock = _fake_clock(window, qtbot)
    clock.advance(10 * 60 - 1)
    with qtbot.assertNotEmitted(window.idle.idle):
        window.idle.check()
    assert window.idle.active  # waiting for the last second
    clock.advance(1)
    with qtbot.waitSignal(window.idle.idle, timeout=10_000):
        window.idle.check()
    assert not window.idle.active
    qtbot.waitUntil(lambda: window.locked, timeout=10_000)  # the lock is queued
    assert window.book is None


def test_the_timer_runs_the_check(window, qtbot) -> None:
    """The real timer, not a test, wakes the check: it locks once the clock says so."""
    clock = _fake_clock(window, qtbot)
    window.idle.set_interval_ms(50)
    clock.advance(1)
    qtbot.waitUntil(lambda: window.locked, timeout=10_000)


def test_activity_postpones_auto_lock(window, qtbot) -> None:
    window.idle.set_interval_ms(500)
    clock = _fake_clock(window, qtbot)  # steps below are exact in binary: no rounding at 0.5 s
    with qtbot.assertNotEmitted(window.idle.idle):
        for _ in range(6):  # 2.25 s in all, never 0.5 s without a key press
            clock.advance(0.375)
            _key(window)
            window.idle.check()
        clock.advance(0.375)
        window.idle.check()
    assert window.idle.active and not window.locked
    clock.advance(0.125)  # 0.5 s since the last key press
    with qtbot.waitSignal(window.idle.idle, timeout=10_000):
        window.idle.check()
    qtbot.waitUntil(lambda: window.locked, timeout=10_000)


def test_input_while_locked_does_not_count(window, qtbot) -> None:
    clock = _fake_clock(window, qtbot)
    assert window.lock() is not False
    qtbot.waitUntil(lambda: window.locked, timeout=10_000)
    assert not window.idle.active
    QApplication.sendEvent(window, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A,
                                             Qt.KeyboardModifier.NoModifier))
    clock.advance(3600)
    with qtbot.assertNotEmitted(window.idle.idle):
        window.idle.check()  # paused: nothing happens


def test_auto_lock_setting_zero_means_never(window, settings, qtbot) -> None:
    settings.auto_lock_minutes = 0
    assert window.idle.interval_ms() == 0 and not window.idle.active
    settings.auto_lock_minutes = 5
    assert window.idle.interval_ms() == 5 * 60_000 and window.idle.active


def test_lock_waits_for_work_in_progress(window, seeded, qtbot, tmp_path) -> None:
    # A backup running in the background must finish before the book closes.
    op = window.backup_to(tmp_path / "b.otkb")
    assert window.busy
    assert window.lock() is False
    assert not window.locked
    with qtbot.waitSignal(op.finished, timeout=20_000):
        pass
    qtbot.waitUntil(lambda: window.locked, timeout=5000)  # locks once the work is done
    assert (tmp_path / "b.otkb").exists()


def test_ctrl_l_is_the_lock_shortcut(window) -> None:
    assert window.act_lock.shortcut().toString() == "Ctrl+L"


def test_auto_lock_closes_previews_and_dialogs_showing_customer_data(window, seeded, qtbot,
                                                                     tmp_path) -> None:
    from tests.ui.helpers import write_png

    assert window.select_customer(seeded.customers["田中"])
    pane = window.content.detail
    att = seeded.book.attachments.add(seeded.customers["田中"], write_png(tmp_path / "a.png"))
    pane.open_attachment(att)
    qtbot.waitUntil(lambda: bool(pane.previews), timeout=5000)
    preview = pane.previews[-1]
    history = pane.show_points_history(seeded.fields["ポイント"], "ポイント")
    assert preview.isVisible() and history.isVisible()
    clock = _fake_clock(window, qtbot)
    clock.advance(10 * 60)
    window.idle.check()
    qtbot.waitUntil(lambda: window.locked, timeout=10_000)
    # Closed, and deleted by Qt (they delete themselves on close).
    qtbot.waitUntil(lambda: not shiboken6.isValid(history) or not history.isVisible(),
                    timeout=2000)
    assert not shiboken6.isValid(preview) or not preview.isVisible()
    assert pane.previews == [] and pane.book is None


def test_a_lock_while_adding_a_customer_keeps_what_was_typed(window, seeded, qtbot) -> None:
    """QA finding: the auto-lock closed the new-customer dialog and what was typed was lost.
    Now the dialog closes with the book and opens again, filled in, after unlocking."""
    from PySide6.QtCore import QTimer

    from ui.dialogs.customer_dialog import NewCustomerDialog

    seen: list[NewCustomerDialog] = []

    def type_then_lock() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, NewCustomerDialog)
        seen.append(dialog)
        dialog.set_values(name="高橋 みどり", phone="090-1111-2222", memo="紹介: 山田様")
        window.idle.idle.emit()  # as the idle watcher does after the set minutes

    QTimer.singleShot(0, type_then_lock)
    window.new_customer()  # returns when the lock has closed the dialog
    qtbot.waitUntil(lambda: window.locked, timeout=10_000)
    assert seen and not seen[0].isVisible()
    assert window.book is None
    again: list[NewCustomerDialog] = []
    values: list[dict] = []

    def save_when_reopened() -> None:
        # The dialog opens again from the event loop some time after the unlock, and runs its
        # own loop: watch for it rather than guess when it comes.
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, NewCustomerDialog) or dialog is seen[0] or again:
            return
        poll.stop()
        again.append(dialog)
        values.append(dict(dialog.values()))
        dialog.save_button.click()

    poll = QTimer()
    poll.setInterval(10)
    poll.timeout.connect(save_when_reopened)
    poll.start()
    try:
        _unlock(window, qtbot, seeded.passphrase)
        qtbot.waitUntil(lambda: bool(again) and not again[0].isVisible(), timeout=10_000)
    finally:
        poll.stop()
    assert not window.locked
    assert values[0]["name"] == "高橋 みどり"
    assert values[0]["phone"] == "090-1111-2222"
    assert values[0]["memo"] == "紹介: 山田様"
    assert window.book.customers.count() == 6
