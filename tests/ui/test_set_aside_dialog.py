"""ツール → 受信できなかったイベント: listed with what happened, retried, dismissed.

The rows are made by the real sync code (items opened and checked by app.sync.delivery,
applied to the real book by EventApplier), not written by hand.
"""

from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QMessageBox

from app.sync.apply import EventApplier, Incoming
from app.sync.delivery import items_of
from app.sync.set_aside import SetAside
from app.sync.worker import SyncState, SyncStatus
from relay.sealing import delivery_plaintext
from tests.relay.line_events import sign
from tests.sync.hostile import WRONG_SECRET, body_of, text_event
from tests.sync.support import CHANNEL_SECRET
from ui.dialogs.set_aside_events import SetAsideDialog

SECRET = CHANNEL_SECRET.encode()
UID = "U" + "4" * 32
DEST = "U" + "f" * 32


def _set_aside_rows(book) -> None:  # type: ignore[no-untyped-def]
    book.line.set_channel_secret(WRONG_SECRET.decode())  # as if the owner mistyped it
    genuine = body_of(DEST, text_event(UID, "本当のメッセージ"))
    items = items_of(delivery_plaintext(sign(SECRET, genuine), genuine), seq=1,
                     received_ms=1_767_225_600_000, channel_secret=WRONG_SECRET)
    absurd = body_of(DEST, text_event(UID, "時刻が変", timestamp=10**30))
    items += items_of(delivery_plaintext(sign(WRONG_SECRET, absurd), absurd), seq=2,
                      received_ms=1_767_225_660_000, channel_secret=WRONG_SECRET)
    items += [Incoming(None, seq=n, received_ms=1_767_225_700_000, sealed="AAAA",
                       error="sealed event does not open") for n in (3, 4, 5, 6)]
    EventApplier(book, max_set_aside=3).apply_batch(items)  # failed events are not capped


def test_the_dialog_lists_explains_retries_and_dismisses(
        qtbot, book, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    _set_aside_rows(book)
    dialog = SetAsideDialog(book)
    qtbot.addWidget(dialog)
    dialog.show()
    # Kept: the unverified delivery, the failed event, two unreadable; two only counted.
    assert dialog.table.rowCount() == 4
    statuses = sorted(dialog.table.item(r, 2).text() for r in range(4))
    assert statuses == ["Could not be added", "Could not be opened", "Could not be opened",
                        "Not signed by LINE: not applied"]
    assert dialog.overflow_label.isVisible()
    assert "2 more item(s)" in dialog.overflow_label.text()
    for row in range(4):
        for col in range(3):
            assert "メッセージ" not in dialog.table.item(row, col).text()

    unverified = next(r for r in range(4)
                      if dialog.table.item(r, 2).text().startswith("Not signed"))
    dialog.table.selectRow(unverified)
    assert "channel secret" in dialog.explanation.text()
    assert dialog.retry_button.isEnabled()

    # The owner corrects the secret and tries again: the message is added, the row goes.
    book.line.set_channel_secret(CHANNEL_SECRET)
    dialog.retry_selected()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 3 and not dialog.busy, timeout=20_000)
    cid = book.customers.by_line_user_id(UID)
    assert [m.text for m in book.messages.messages(cid)] == ["本当のメッセージ"]

    unreadable = next(r for r in range(3)
                      if dialog.table.item(r, 2).text() == "Could not be opened")
    dialog.table.selectRow(unreadable)
    assert not dialog.retry_button.isEnabled()  # nothing to try again with
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog.dismiss_selected()
    assert dialog.table.rowCount() == 2
    dialog.clear_overflow.click()
    assert not dialog.overflow_label.isVisible() and SetAside(book).overflow() == 0
    dialog.table.selectAll()
    dialog.dismiss_selected()
    assert SetAside(book).count() == 0
    assert dialog.empty_label.isVisible() and not dialog.table.isVisible()


def test_the_window_offers_it_and_says_when_the_secret_is_missing(window) -> None:  # type: ignore[no-untyped-def]
    tools = next(a for a in window.menuBar().actions() if a.text() == "&Tools").menu()
    assert window.act_set_aside in tools.actions()
    text, kind = window.sync_status_text(SyncStatus(SyncState.NEEDS_SECRET))
    assert text == "LINE: enter the channel secret" and kind == "problem"
    tip = window.sync_status_tooltip(SyncStatus(SyncState.CONNECTED, set_aside=3))
    assert "Events not added to the book: 3" in tip
    assert json.dumps(tip)  # plain text
