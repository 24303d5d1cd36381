"""Settings: language and auto-lock saved on OK; passphrase, key storage and recovery."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from app import keys
from app.errors import PassphraseRequiredError, WrongKeyError
from app.profile import Profile
from tests.ui.dialogs_support import hash_tree
from ui.dialogs.recovery_code import RecoveryCodeDialog
from ui.dialogs.settings_dialog import AskPassphraseDialog, NewPassphraseDialog, SettingsDialog

NEW_PASSPHRASE = "新しい合言葉は春の海"


def _dialog(qtbot, book, settings, tab: int = 1) -> SettingsDialog:
    """The dialog, shown on ``tab`` (0: general, 1: key and passphrase)."""
    dialog = SettingsDialog(book, settings)
    qtbot.addWidget(dialog)
    dialog.tabs.setCurrentIndex(tab)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _when_modal(kind: type[QWidget], action: Callable[[QWidget], None]) -> None:
    """Run ``action`` on the next modal dialog of ``kind`` once it is shown."""
    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind) and widget.isVisible():
            action(widget)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


def _wait_idle(qtbot, dialog: SettingsDialog) -> None:
    qtbot.waitUntil(lambda: not dialog.busy, timeout=30_000)


def test_language_and_auto_lock_are_saved_on_ok(qtbot, book, settings) -> None:
    assert (settings.language, settings.auto_lock_minutes) == ("ja", 10)
    dialog = _dialog(qtbot, book, settings, tab=0)
    # Tabs: 一般, 鍵とパスフレーズ, then any added later (LINE, issue 4).
    assert [dialog.tabs.tabText(i) for i in range(2)] == [dialog.tr("General"),
                                                          dialog.tr("Key and passphrase")]
    assert not dialog.restart_note.isVisible()
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("en"))
    assert dialog.restart_note.isVisible()  # "applies after a restart"
    dialog.auto_lock_spin.setValue(0)
    assert dialog.auto_lock_spin.text() == dialog.tr("Never")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert (settings.language, settings.auto_lock_minutes) == ("en", 0)


def test_cancel_keeps_the_preferences(qtbot, book, settings) -> None:
    dialog = _dialog(qtbot, book, settings, tab=0)
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("en"))
    dialog.auto_lock_spin.setValue(45)
    dialog.reject()
    assert (settings.language, settings.auto_lock_minutes) == ("ja", 10)


def test_change_passphrase_refuses_a_wrong_one_then_changes_it(
        qtbot, seeded, settings) -> None:
    profile = seeded.profile
    dialog = _dialog(qtbot, seeded.book, settings)
    assert dialog.change_group.isVisible() and dialog.change_group.isEnabled()
    before = hash_tree(profile.root)

    dialog.old_field.setText("違う合言葉です")
    dialog.new_fields.set_texts(NEW_PASSPHRASE, NEW_PASSPHRASE)
    dialog.change_button.click()
    _wait_idle(qtbot, dialog)
    assert dialog.security_message.property("kind") == "error"
    assert dialog.security_message.text() == dialog.tr(
        "The current passphrase is wrong. Please type it again.")
    after = hash_tree(profile.root)
    assert (after["book.key"], after["otokui.json"]) == (before["book.key"],
                                                         before["otokui.json"])

    dialog.old_field.setText(seeded.passphrase)
    dialog.change_button.click()
    _wait_idle(qtbot, dialog)
    assert dialog.security_message.property("kind") == "good"
    assert dialog.old_field.text() == "" and dialog.new_fields.passphrase() is None
    seeded.book.close()
    profile.open(NEW_PASSPHRASE).close()
    with pytest.raises(WrongKeyError):
        profile.open(seeded.passphrase)
    seeded.book = profile.open(NEW_PASSPHRASE)  # for the fixture's teardown


def test_recovery_passphrase_made_confirmed_and_mismatch_refused(
        qtbot, seeded, settings) -> None:
    profile = seeded.profile
    dialog = _dialog(qtbot, seeded.book, settings)
    assert dialog.recovery_button.text() == dialog.tr("Make a recovery passphrase…")
    shown: dict[str, str] = {}

    def type_passphrase(ask: AskPassphraseDialog) -> None:
        ask.field.setText(seeded.passphrase)
        ask.buttons.button(ask.buttons.StandardButton.Ok).click()

    def confirm_code(box: RecoveryCodeDialog) -> None:
        shown["code"] = box.view.code_label.text()
        box.next_button.click()  # "I have written it down"
        box.confirm.edit.setText(shown["code"][:-1] + ("2" if shown["code"][-1] != "2"
                                                       else "3"))
        box.next_button.click()  # refused: the dialog stays
        shown["refused"] = str(box.isVisible() and box.confirm.error_label.isVisible())
        box.confirm.edit.setText(shown["code"].lower())
        box.next_button.click()

    _when_modal(AskPassphraseDialog, type_passphrase)
    _when_modal(RecoveryCodeDialog, confirm_code)
    dialog.recovery_button.click()
    _wait_idle(qtbot, dialog)
    assert shown["refused"] == "True"
    assert dialog.security_message.property("kind") == "good"
    assert dialog.recovery_button.text() == dialog.tr("Make a new recovery passphrase…")
    assert profile.unlock_key(shown["code"]) == profile.unlock_key(seeded.passphrase)


def test_recovery_passphrase_not_confirmed_is_not_saved(qtbot, seeded, settings) -> None:
    profile = seeded.profile
    before = hash_tree(profile.root)
    dialog = _dialog(qtbot, seeded.book, settings)

    def type_passphrase(ask: AskPassphraseDialog) -> None:
        ask.field.setText(seeded.passphrase)
        ask.buttons.button(ask.buttons.StandardButton.Ok).click()

    _when_modal(AskPassphraseDialog, type_passphrase)
    _when_modal(RecoveryCodeDialog, lambda box: box.reject())
    dialog.recovery_button.click()
    assert dialog.security_message.text() == dialog.tr("No recovery passphrase was saved.")
    assert hash_tree(profile.root)["book.key"] == before["book.key"]


@pytest.fixture
def keyring_book(tmp_path: Path):
    profile = Profile(tmp_path / "keyring-profile")
    book = profile.create()
    yield book
    book.close()


def test_switch_from_keyring_to_passphrase_and_back(qtbot, keyring_book, settings,
                                                    memory_keyring) -> None:
    profile = keyring_book.profile
    book_id = profile.manifest().book_id
    dialog = _dialog(qtbot, keyring_book, settings)
    assert not dialog.change_group.isVisible()

    def new_passphrase(ask: NewPassphraseDialog) -> None:
        ask.fields.set_texts(NEW_PASSPHRASE, NEW_PASSPHRASE)
        ask.buttons.button(ask.buttons.StandardButton.Ok).click()

    _when_modal(NewPassphraseDialog, new_passphrase)
    dialog.switch_button.click()
    _wait_idle(qtbot, dialog)
    assert dialog.security_message.property("kind") == "good"
    assert profile.needs_passphrase()
    assert keys.keyring_get(book_id) is None  # the key left the password store
    with pytest.raises(PassphraseRequiredError):
        profile.unlock_key()
    assert len(profile.unlock_key(NEW_PASSPHRASE)) == 32
    assert dialog.change_group.isVisible()

    # And back: the current passphrase proves access, the key returns to the keyring.
    attempts: list[str] = []

    def type_passphrase(ask: AskPassphraseDialog) -> None:
        if not attempts:
            attempts.append("wrong")
            ask.field.setText("まちがいの合言葉")
            ask.buttons.button(ask.buttons.StandardButton.Ok).click()
            qtbot.waitUntil(lambda: not ask.busy, timeout=20_000)
            attempts.append(ask.message.text())
            assert ask.isVisible()
        ask.field.setText(NEW_PASSPHRASE)
        ask.buttons.button(ask.buttons.StandardButton.Ok).click()

    _when_modal(AskPassphraseDialog, type_passphrase)
    dialog.switch_button.click()
    _wait_idle(qtbot, dialog)
    assert attempts[1] == QCoreApplication.translate(
        "AskPassphraseDialog", "The passphrase is wrong. Please type it again.")
    assert not profile.needs_passphrase()
    assert profile.unlock_key() == keys.keyring_get(book_id)
    with pytest.raises(WrongKeyError):
        profile.unlock_key(NEW_PASSPHRASE)  # the passphrase slot is gone


def test_recovery_in_keyring_mode_reads_the_key_without_asking(
        qtbot, keyring_book, settings) -> None:
    profile = keyring_book.profile
    dialog = _dialog(qtbot, keyring_book, settings)
    shown: dict[str, str] = {}

    def confirm_code(box: RecoveryCodeDialog) -> None:
        shown["code"] = box.view.code_label.text()
        box.next_button.click()
        box.confirm.edit.setText(shown["code"])
        box.next_button.click()

    _when_modal(RecoveryCodeDialog, confirm_code)
    dialog.recovery_button.click()
    qtbot.waitUntil(lambda: "code" in shown and not dialog.busy
                    and dialog.security_message.property("kind") == "good", timeout=30_000)
    assert profile.unlock_key(shown["code"]) == profile.unlock_key()
