# ruff: noqa: F811 - the fixtures imported below are parameters by name
"""Scheduled broadcasts in the window: the timer sends one when its time comes, exactly
once; ones missed while Otokui was closed are offered when the book opens and go only
when the owner says so (or are cancelled). Real relay, emulator and sync worker."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QPushButton

from app.broadcast import Rate, Recipients
from tests.broadcast.conftest import Shop
from tests.sync.conftest import book, connected, emulator, line, profile, relay  # noqa: F401
from tests.sync.support import PASSPHRASE, fast_worker
from tests.ui.test_broadcast_support import (  # noqa: F401 - bshop is a fixture
    FRIENDS,
    answering,
    bshop,
    vip_tag,
)
from ui.main_window import MainWindow


def _window(qtbot, book, settings) -> MainWindow:
    window = MainWindow(book, settings, sync_worker=fast_worker)
    qtbot.addWidget(window)
    window.resize(1300, 800)
    window.show()
    qtbot.waitExposed(window)
    return window


def _schedule(shop: Shop, text: str, at: dt.datetime,
              recipients: Recipients | None = None) -> int:
    b = shop.book
    return b.broadcasts.create(b.broadcasts.plan([text], recipients or Recipients.all_friends(),
                                                 at=at))


def test_the_timer_sends_a_scheduled_broadcast_when_it_is_due(qtbot, bshop: Shop,
                                                              settings) -> None:
    at = dt.datetime.now() + dt.timedelta(seconds=2)
    bid = _schedule(bshop, "本日17時からタイムセール", at)
    window = _window(qtbot, bshop.book, settings)
    integration = window.broadcasts
    assert integration.timer.isActive() and integration.timer.interval() == 30_000
    assert integration.tick(now=at - dt.timedelta(minutes=1)) == []  # not yet
    assert bshop.e.sent() == []

    with qtbot.waitSignal(integration.runner.finished, timeout=60_000) as blocker:
        integration.timer.setInterval(200)  # the same timer, ticking faster
    assert blocker.args[0] == bid and blocker.args[1].state == "done"
    assert set(bshop.times_received("タイムセール").values()) == {1}
    assert len(bshop.e.sent()) == 1  # one multicast: 12 friends
    info = bshop.book.broadcasts.get(bid)
    assert info.state == "done" and info.counts.sent == FRIENDS
    # Later ticks find nothing more to send.
    assert integration.tick() == [] and integration.tick(now=at) == []
    assert set(bshop.times_received("タイムセール").values()) == {1}


def test_missed_broadcasts_are_offered_and_sent_only_when_chosen(qtbot, bshop: Shop,
                                                                 settings) -> None:
    now = dt.datetime.now()
    first = _schedule(bshop, "見逃し1: 昨日のお知らせ", now - dt.timedelta(hours=20))
    second = _schedule(bshop, "見逃し2: VIPのお知らせ", now - dt.timedelta(hours=2),
                       Recipients.tag(vip_tag(bshop.book)))
    window = _window(qtbot, bshop.book, settings)
    integration = window.broadcasts
    qtbot.waitUntil(lambda: integration.missed_dialog is not None
                    and integration.missed_dialog.isVisible(), timeout=10_000)
    dialog = integration.missed_dialog
    assert dialog.windowTitle() == "Scheduled broadcasts were missed"
    assert set(dialog.rows) == {first, second}
    # Offered once, never sent by itself: the timer leaves them alone.
    assert integration.tick() == [] and integration.missed_dialog is dialog
    assert bshop.e.sent() == []
    assert {bshop.book.broadcasts.get(i).state for i in (first, second)} == {"scheduled"}

    send, _cancel, status = dialog.rows[first]
    with qtbot.waitSignal(integration.runner.finished, timeout=60_000):
        send.click()
    assert status.text() == "Sending…" and not send.isEnabled()
    _send, cancel, status = dialog.rows[second]
    cancel.click()
    qtbot.waitUntil(lambda: bshop.book.broadcasts.get(second).state == "cancelled",
                    timeout=10_000)
    assert set(bshop.times_received("見逃し1").values()) == {1}
    assert set(bshop.times_received("見逃し2").values()) == {0}
    assert bshop.book.broadcasts.get(first).state == "done"
    assert bshop.book.broadcasts.get(second).counts.not_sent == 4


def test_decide_later_asks_again_after_the_next_unlock(qtbot, bshop: Shop, settings) -> None:
    missed = _schedule(bshop, "あとで決める", dt.datetime.now() - dt.timedelta(hours=3))
    window = _window(qtbot, bshop.book, settings)
    integration = window.broadcasts
    qtbot.waitUntil(lambda: integration.missed_dialog is not None, timeout=10_000)
    integration.missed_dialog.findChild(QPushButton, "decideLater").click()
    # Background work that opening the book started (the step sequences' and bookings'
    # first run) may still be going: the lock then happens as soon as it ends.
    window.lock()
    qtbot.waitUntil(lambda: window.locked, timeout=10_000)
    assert integration.missed_dialog is None and not integration.timer.isActive()
    assert not integration.act_new.isEnabled()
    # Unlocking opens the book again: the missed broadcast is offered again, still unsent.
    window._unlocked(bshop.book.profile.open(PASSPHRASE))
    qtbot.waitUntil(lambda: integration.missed_dialog is not None
                    and integration.missed_dialog.isVisible(), timeout=10_000)
    assert set(integration.missed_dialog.rows) == {missed}
    assert integration.act_new.isEnabled() and integration.timer.isActive()
    assert bshop.e.sent() == []
    assert window.book.broadcasts.get(missed).state == "scheduled"
    # One more missed while the question is open (the computer slept): asked together
    # with the one not decided yet.
    b = window.book
    late = b.broadcasts.create(b.broadcasts.plan(
        ["寝ている間に過ぎた"], Recipients.all_friends(),
        at=dt.datetime.now() - dt.timedelta(minutes=30)))
    assert integration.tick() == []
    assert set(integration.missed_dialog.rows) == {missed, late}
    assert bshop.e.sent() == []


def test_lock_and_quit_wait_for_a_broadcast_being_sent(qtbot, bshop: Shop, settings) -> None:
    b = bshop.book
    b.broadcasts.rates["push"] = Rate(6.0, 1)  # about two seconds for the twelve pushes
    b.broadcasts.wave["push"] = 2
    window = _window(qtbot, b, settings)
    integration = window.broadcasts
    composer = integration.new_broadcast()
    composer.message.set_text("{名前}様 年末のご挨拶")
    composer.replan()
    qtbot.waitUntil(composer.plan_is_current, timeout=30_000)
    with answering(qtbot, yes=True):
        composer.send_button.click()
    qtbot.waitUntil(lambda: integration.runner is not None and integration.runner.busy,
                    timeout=30_000)
    assert window.busy and not window.lock()  # locks once it is done, not under it
    closed = []
    window.closed.connect(lambda: closed.append(True))
    window.close()
    assert window.isVisible() and not closed  # waits for the broadcast
    assert "closes as soon as the broadcast" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: bool(closed), timeout=60_000)
    assert not window.isVisible()
    assert set(bshop.times_received("年末のご挨拶").values()) == {1}
