"""Unlocking: silent keyring opens, the passphrase prompt, wrong passphrases, recovery."""

from __future__ import annotations

import subprocess
from pathlib import Path

import keyring
import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from app import keys
from app.book import Book
from app.errors import KeyMissingError
from app.profile import Profile
from tests.support.keyrings import OtherMemoryKeyring
from tests.ui.dialogs_support import (
    PASSPHRASE,
    RECOVERY,
    hash_tree,
    keyring_profile,
    passphrase_profile,
)
from ui.dialogs.unlock import Mode, UnlockDialog, UnlockWidget

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def closed_profile(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Profile:
    return passphrase_profile(tmp_path, tmp_path_factory.getbasetemp() / "templates")


def _shown(qtbot, widget):
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    return widget


def _submit(qtbot, widget: UnlockWidget, text: str) -> None:
    widget.field.setText(text)
    widget.open_button.click()
    qtbot.waitUntil(lambda: not widget.busy and widget.field.isEnabled(), timeout=20_000)


def test_wrong_passphrase_says_so_keeps_focus_and_changes_nothing(
        qtbot, closed_profile: Profile) -> None:
    before = hash_tree(closed_profile.root)
    widget = _shown(qtbot, UnlockWidget(closed_profile))
    widget.start()
    assert widget.mode is Mode.PASSPHRASE
    assert widget.stack.currentIndex() == UnlockWidget.PAGE_PROMPT

    opened: list[Book] = []
    widget.unlocked.connect(opened.append)
    _submit(qtbot, widget, "まちがった合言葉です")
    assert opened == []
    assert widget.message_label.isVisible()
    assert widget.message_label.text() == widget.wrong_passphrase_text()
    assert widget.message_label.text() == QCoreApplication.translate(
        "UnlockWidget", "The passphrase is wrong. Please type it again.")
    # What was typed stays, selected, in the focused field: the owner simply retypes.
    assert widget.field.text() == "まちがった合言葉です"
    assert widget.field.edit.selectedText() == "まちがった合言葉です"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget.field.edit)
    assert hash_tree(closed_profile.root) == before

    # Typing again clears the error; the right passphrase opens the book.
    with qtbot.waitSignal(widget.unlocked, timeout=20_000) as blocker:
        widget.field.setText(PASSPHRASE)
        assert not widget.message_label.isVisible()
        widget.submit()
    book = blocker.args[0]
    try:
        assert book.customers.count() == 2
        assert widget.field.text() == ""
    finally:
        book.close()


def test_empty_passphrase_is_not_tried(qtbot, closed_profile: Profile) -> None:
    widget = _shown(qtbot, UnlockWidget(closed_profile))
    widget.start()
    widget.submit()
    assert not widget.busy
    assert widget.message_label.isVisible()
    assert widget.message_label.property("kind") == "error"


def test_recovery_passphrase_typed_loosely_opens_a_passphrase_book(
        qtbot, closed_profile: Profile) -> None:
    widget = _shown(qtbot, UnlockWidget(closed_profile))
    widget.start()
    with qtbot.waitSignal(widget.unlocked, timeout=20_000) as blocker:
        _submit(qtbot, widget, RECOVERY.lower().replace("-", " "))
    blocker.args[0].close()
    # In passphrase mode nothing is moved to the keyring.
    assert closed_profile.manifest().key_source == "passphrase"


def test_unlock_dialog_retries_then_returns_the_book(qtbot, closed_profile: Profile) -> None:
    dialog = UnlockDialog(closed_profile)
    _shown(qtbot, dialog)
    dialog.widget.start()
    _submit(qtbot, dialog.widget, "wrong passphrase")
    assert dialog.isVisible()
    assert dialog.widget.message_label.text() == dialog.widget.wrong_passphrase_text()
    with qtbot.waitSignal(dialog.accepted, timeout=20_000):
        _submit(qtbot, dialog.widget, PASSPHRASE)
    assert dialog.book is not None
    dialog.book.close()


def test_keyring_book_opens_without_a_question(qtbot, tmp_path: Path) -> None:
    profile = keyring_profile(tmp_path)
    widget = _shown(qtbot, UnlockWidget(profile))
    with qtbot.waitSignal(widget.unlocked, timeout=20_000) as blocker:
        widget.start()
        assert widget.stack.currentIndex() == UnlockWidget.PAGE_BUSY
    with blocker.args[0] as book:
        assert book.customers.count() == 1


def test_locked_keyring_book_waits_for_the_open_button(qtbot, tmp_path: Path) -> None:
    profile = keyring_profile(tmp_path)
    widget = _shown(qtbot, UnlockWidget(profile, auto_open=False))
    opened: list[Book] = []
    widget.unlocked.connect(opened.append)
    widget.start()
    assert widget.stack.currentIndex() == UnlockWidget.PAGE_KEYRING
    qtbot.wait(50)
    assert opened == []
    with qtbot.waitSignal(widget.unlocked, timeout=20_000):
        widget.keyring_button.click()
    opened[0].close()


def test_missing_key_offers_the_recovery_passphrase_and_puts_the_key_back(
        qtbot, tmp_path: Path, memory_keyring) -> None:
    profile = keyring_profile(tmp_path)
    memory_keyring.entries.clear()  # the OS password store lost the key
    with pytest.raises(KeyMissingError):
        profile.unlock_key()
    before = hash_tree(profile.root)
    widget = _shown(qtbot, UnlockWidget(profile))
    widget.start()
    qtbot.waitUntil(lambda: widget.stack.currentIndex() == UnlockWidget.PAGE_PROMPT,
                    timeout=20_000)
    assert widget.mode is Mode.RECOVERY
    assert "recovery" in widget.title_label.text().lower()

    _submit(qtbot, widget, "not the recovery passphrase")
    assert widget.message_label.text() == widget.wrong_passphrase_text()
    assert hash_tree(profile.root) == before

    with qtbot.waitSignal(widget.unlocked, timeout=20_000) as blocker:
        _submit(qtbot, widget, RECOVERY)
    blocker.args[0].close()
    # The key is back in the keyring: the next start is silent again.
    assert len(profile.unlock_key()) == 32


def test_changed_keyring_is_explained_as_such(qtbot, tmp_path: Path) -> None:
    profile = keyring_profile(tmp_path)
    keyring.set_keyring(OtherMemoryKeyring())  # the memory_keyring fixture restores it
    widget = _shown(qtbot, UnlockWidget(profile))
    widget.start()
    qtbot.waitUntil(lambda: widget.stack.currentIndex() == UnlockWidget.PAGE_PROMPT,
                    timeout=20_000)
    assert widget.mode is Mode.RECOVERY
    assert "different password store" in widget.explain_label.text()
    with qtbot.waitSignal(widget.unlocked, timeout=20_000) as blocker:
        _submit(qtbot, widget, RECOVERY)
    blocker.args[0].close()
    assert profile.manifest().keyring_backend == keys.keyring_backend()


def test_missing_key_without_recovery_passphrase_fails_with_an_explanation(
        qtbot, tmp_path: Path, memory_keyring, monkeypatch) -> None:
    profile = keyring_profile(tmp_path, recovery=False)
    memory_keyring.entries.clear()
    shown: list[str] = []
    # The message box is modal; record it and close it instead of waiting for a click.
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    dialog = UnlockDialog(profile)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.rejected, timeout=20_000):
        dialog.widget.start()
    assert dialog.failed and dialog.book is None
    assert shown == [QCoreApplication.translate("errors", KeyMissingError.message)]


@pytest.fixture
def japanese(qapp, tmp_path: Path):
    """The dialogs' Japanese translation, compiled from the .ts source for this test."""
    ts = ROOT / "resources" / "translations" / "otokui_dialogs_ja.ts"
    qm = tmp_path / "otokui_dialogs_ja.qm"
    subprocess.run([str(ROOT / ".venv" / "bin" / "pyside6-lrelease"), str(ts), "-qm",
                    str(qm)], check=True, capture_output=True)
    translator = QTranslator()
    assert translator.load(str(qm))
    QCoreApplication.installTranslator(translator)
    yield
    QCoreApplication.removeTranslator(translator)


def test_wrong_passphrase_message_reads_in_japanese(qtbot, closed_profile, japanese) -> None:
    widget = _shown(qtbot, UnlockWidget(closed_profile))
    widget.start()
    _submit(qtbot, widget, "まちがった合言葉です")
    assert widget.message_label.text() == "パスフレーズが違います。もう一度入力してください。"
    assert widget.open_button.text() == "開く"
