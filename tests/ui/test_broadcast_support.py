"""Helpers for the broadcast window tests (no tests here): a paired book with a dozen LINE
friends on the emulator, a tag on four of them, and ways to wait for the composer."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.book import Book
from tests.broadcast.conftest import Shop, add_friends, quick
from tests.sync.conftest import Connected
from ui.broadcast.composer import BroadcastComposer
from ui.broadcast.history import HistoryDialog
from ui.broadcast.runner import Runner

FRIENDS = 12
QUOTA = 1000


@pytest.fixture
def bshop(connected: Connected) -> Shop:
    """12 friends (every other one with a 氏名), 4 of them tagged 「VIP」; 1,000 messages."""
    quick(connected.book)
    connected.emulator.set_quota(type="limited", value=QUOTA, total_usage=0)
    shop = Shop(connected, add_friends(connected.book, connected.emulator, FRIENDS))
    b = shop.book
    vip = b.tags.create("VIP")
    b.tags.add([cid for cid, _uid in shop.friends[:4]], [vip])
    return shop


def vip_tag(book: Book) -> int:
    return next(t.id for t in book.tags.list() if t.name == "VIP")


def settle(qtbot, dialog: BroadcastComposer | HistoryDialog) -> None:
    """At the end of a test, before the fixtures close the book and stop LINE: wait for
    what the dialog still runs in the background (a plan its timer started while the test
    ended, a send) and let it go of the book, as the window does before it locks.
    Otherwise that work fails on the closed book in a later test, whose first event loop
    delivers the failure to a dialog being deleted."""
    runner = dialog.runner
    qtbot.waitUntil(lambda: not dialog.busy and not runner.busy, timeout=60_000)
    dialog.release()


def open_composer(qtbot, book: Book, runner: Runner | None = None,
                  **options) -> BroadcastComposer:
    composer = BroadcastComposer(book, runner, **options)
    qtbot.addWidget(composer, before_close_func=lambda w: settle(qtbot, w))
    composer.show()
    qtbot.waitExposed(composer)
    return composer


def wait_plan(qtbot, composer: BroadcastComposer) -> None:
    """Until the summary shows a plan of exactly what is on screen now."""
    composer.replan()
    qtbot.waitUntil(composer.plan_is_current, timeout=30_000)


@dataclass
class Question:
    """What the question box said, and which button was its default."""

    text: str = ""
    detail: str = ""
    buttons: list[str] = field(default_factory=list)
    default: str = ""
    answered: bool = False


@contextmanager
def answering(qtbot, yes: bool) -> Iterator[Question]:
    """Answer the next question box (the real :class:`QMessageBox`) opened inside the
    block: record what it says, then press its "yes" (AcceptRole) or "no" button."""
    asked = Question()

    def look() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or not box.isVisible():
            return
        timer.stop()
        asked.text, asked.detail = box.text(), box.informativeText()
        asked.buttons = [b.text() for b in box.buttons()]
        asked.default = box.defaultButton().text() if box.defaultButton() else ""
        role = QMessageBox.ButtonRole.AcceptRole if yes else QMessageBox.ButtonRole.RejectRole
        button = next(b for b in box.buttons() if box.buttonRole(b) == role)
        asked.answered = True
        button.click()

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(look)
    timer.start()
    try:
        yield asked
        qtbot.waitUntil(lambda: asked.answered, timeout=10_000)
    finally:
        timer.stop()


def send_and_wait(qtbot, composer: BroadcastComposer):
    with qtbot.waitSignal(composer.finished, timeout=60_000) as blocker:
        assert composer.send_button.isEnabled()
        with answering(qtbot, yes=True):  # 今すぐ送信 asks first
            composer.send_button.click()
    return blocker.args[0]
