"""The first-run flow: new book in keyring or passphrase mode, recovery passphrase, restore."""

from __future__ import annotations

from pathlib import Path

import keyring
import keyring.backends.fail
import pytest

from app import recovery
from app.backup import create_backup
from app.book import Book
from app.profile import Profile
from tests.ui.dialogs_support import hash_tree
from ui.dialogs.welcome import WelcomeDialog, WelcomeResult

OWN_PASSPHRASE = "うちの店の合言葉"


@pytest.fixture
def new_profile(tmp_path: Path) -> Profile:
    return Profile(tmp_path / "new-profile")


def _dialog(qtbot, profile: Profile) -> WelcomeDialog:
    dialog = WelcomeDialog(profile)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    # The password store is asked in the background when the dialog opens.
    qtbot.waitUntil(lambda: dialog._keyring_ok is not None, timeout=20_000)
    return dialog


def _choose_file(qtbot, dialog: WelcomeDialog, path: Path) -> None:
    dialog.set_backup_path(path)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)


def _finished_book(qtbot, dialog: WelcomeDialog) -> Book:
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=30_000)
    assert dialog.result() == WelcomeDialog.DialogCode.Accepted
    assert isinstance(dialog.outcome, Book)
    return dialog.outcome


def test_keyring_book_with_a_recovery_passphrase_confirmed(qtbot, new_profile) -> None:
    dialog = _dialog(qtbot, new_profile)
    assert dialog._keyring_ok is True
    dialog.create_choice.click()
    assert dialog.stack.currentIndex() == dialog.PAGE_CREATE
    assert dialog.keyring_radio.isChecked() and dialog.recovery_box.isChecked()
    assert not dialog.passphrase_fields.isVisible()
    dialog.next_button.click()

    assert dialog.stack.currentIndex() == dialog.PAGE_SHOW_CODE
    code = dialog.code_view.code_label.text()
    assert recovery.canonical(code) == code
    dialog.next_button.click()
    assert dialog.stack.currentIndex() == dialog.PAGE_CONFIRM_CODE
    assert dialog.code_confirm.edit.text() == ""  # typed from paper, not pre-filled

    # A mismatch is refused: nothing is created.
    wrong = recovery.generate()
    dialog.code_confirm.edit.setText(wrong)
    dialog.next_button.click()
    assert dialog.stack.currentIndex() == dialog.PAGE_CONFIRM_CODE
    assert dialog.code_confirm.error_label.isVisible()
    assert dialog.code_confirm.error_label.property("kind") == "error"
    assert not new_profile.exists()

    # Typed back loosely (small letters, spaces) it matches, and the book is made.
    dialog.code_confirm.edit.setText(code.lower().replace("-", " "))
    assert not dialog.code_confirm.error_label.isVisible()
    dialog.next_button.click()
    with _finished_book(qtbot, dialog) as book:
        assert book.customers.count() == 0
    assert new_profile.manifest().key_source == "keyring"
    assert dialog._code is None and dialog.code_view.code_label.text() == ""
    # The recovery passphrase really opens the book (and the keyring key too).
    assert new_profile.unlock_key(code) == new_profile.unlock_key()


def test_passphrase_book_without_recovery(qtbot, new_profile) -> None:
    dialog = _dialog(qtbot, new_profile)
    dialog.create_choice.click()
    dialog.passphrase_radio.setChecked(True)
    assert dialog.passphrase_fields.isVisible()
    dialog.recovery_box.setChecked(False)

    # Too short, then not the same twice: explained, nothing made.
    dialog.passphrase_fields.set_texts("みじかい", "みじかい")
    assert dialog.passphrase_fields.first_hint.property("kind") == "error"
    dialog.next_button.click()
    assert dialog.stack.currentIndex() == dialog.PAGE_CREATE
    assert dialog.create_message.isVisible()
    dialog.passphrase_fields.set_texts(OWN_PASSPHRASE, OWN_PASSPHRASE + "!")
    assert dialog.passphrase_fields.second_hint.property("kind") == "error"
    assert dialog.passphrase_fields.passphrase() is None
    dialog.next_button.click()
    assert not new_profile.exists()

    dialog.passphrase_fields.set_texts(OWN_PASSPHRASE, OWN_PASSPHRASE)
    assert dialog.passphrase_fields.first_hint.property("kind") == "good"
    dialog.next_button.click()
    _finished_book(qtbot, dialog).close()
    assert new_profile.needs_passphrase()
    assert [s.label for s in new_profile.keyfile(new_profile.manifest().book_id).slots] == [
        "passphrase"]
    new_profile.open(OWN_PASSPHRASE).close()


def test_no_password_store_switches_to_the_passphrase(qtbot, new_profile) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())  # restored by the fixture
    dialog = _dialog(qtbot, new_profile)
    assert dialog._keyring_ok is False
    dialog.create_choice.click()
    assert not dialog.keyring_radio.isEnabled()
    assert dialog.passphrase_radio.isChecked()
    assert dialog.no_keyring_label.isVisible()
    assert "password store" in dialog.no_keyring_label.text()

    dialog.recovery_box.setChecked(False)
    dialog.passphrase_fields.set_texts(OWN_PASSPHRASE, OWN_PASSPHRASE)
    dialog.next_button.click()
    _finished_book(qtbot, dialog).close()
    assert new_profile.needs_passphrase()


def test_going_back_forgets_the_shown_code(qtbot, new_profile) -> None:
    dialog = _dialog(qtbot, new_profile)
    dialog.create_choice.click()
    dialog.next_button.click()
    first = dialog.code_view.code_label.text()
    dialog.back_button.click()
    assert dialog.stack.currentIndex() == dialog.PAGE_CREATE
    assert dialog._code is None
    dialog.next_button.click()
    assert dialog.code_view.code_label.text() not in ("", first)
    dialog.reject()
    assert dialog.outcome is None
    assert not new_profile.exists()


def test_restore_asks_the_passphrase_refuses_a_wrong_one_then_opens(
        qtbot, seeded, tmp_path, memory_keyring) -> None:
    backup = tmp_path / "otokui.otkb"
    create_backup(seeded.book, backup)
    # Another computer: an empty profile and a password store without this book's key.
    memory_keyring.entries.clear()
    target = Profile(tmp_path / "other-computer")
    dialog = _dialog(qtbot, target)
    dialog.restore_choice.click()
    assert dialog.stack.currentIndex() == dialog.PAGE_RESTORE
    assert not dialog.next_button.isEnabled()  # no file yet

    _choose_file(qtbot, dialog, backup)
    assert dialog.passphrase_row.isVisible()
    assert "5" in dialog.backup_info.text()
    assert dialog.next_button.isEnabled()

    dialog.backup_passphrase.setText("ちがう合言葉です")
    dialog.next_button.click()
    qtbot.waitUntil(lambda: not dialog.busy and dialog.restore_message.property("kind")
                    == "error", timeout=30_000)
    assert dialog.restore_message.text() == dialog.tr(
        "The passphrase is wrong. Please type it again.")
    assert not target.exists()

    dialog.backup_passphrase.setText(seeded.passphrase)
    dialog.next_button.click()
    with _finished_book(qtbot, dialog) as book:
        assert book.customers.count() == 5
        assert book.book_id == seeded.book.book_id


def test_restore_of_a_file_that_is_not_a_backup_changes_nothing(
        qtbot, tmp_path, monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    bogus = tmp_path / "photo.otkb"
    bogus.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 200)
    target = Profile(tmp_path / "profile")
    dialog = _dialog(qtbot, target)
    dialog.restore_choice.click()
    _choose_file(qtbot, dialog, bogus)
    assert len(shown) == 1
    assert not dialog.next_button.isEnabled()
    assert not target.exists()


def test_restore_stopped_half_way_keeps_the_book_before(
        qtbot, seeded, tmp_path) -> None:
    """Stopping a restore over an existing book leaves that book byte for byte."""
    backup = tmp_path / "otokui.otkb"
    create_backup(seeded.book, backup)
    seeded.book.close()
    before = hash_tree(seeded.profile.root)
    dialog = _dialog(qtbot, seeded.profile)
    dialog.restore_choice.click()
    _choose_file(qtbot, dialog, backup)
    dialog.backup_passphrase.setText(seeded.passphrase)
    dialog.next_button.click()
    assert dialog.busy
    dialog.reject()  # "Stop": cancels the restore, the dialog stays open
    qtbot.waitUntil(lambda: not dialog.busy, timeout=30_000)
    if dialog.outcome is None:
        assert dialog.isVisible()
        assert dialog.restore_message.text() == dialog.tr(
            "The restore was stopped. Nothing was changed.")
        after = hash_tree(seeded.profile.root)
        assert after == before
    else:  # the restore won the race: it finished before the stop was seen
        dialog.outcome.close()
    seeded.book = seeded.profile.open(seeded.passphrase)  # for the fixture's teardown


def test_demo_button_only_when_the_demo_exists(qtbot, new_profile, monkeypatch) -> None:
    import ui.app

    monkeypatch.setattr(ui.app, "DEMO_AVAILABLE", False, raising=False)
    dialog = _dialog(qtbot, new_profile)
    assert not dialog.demo_choice.isVisible()
    monkeypatch.delattr(ui.app, "DEMO_AVAILABLE")  # a missing name means no demo too
    dialog = _dialog(qtbot, new_profile)
    assert not dialog.demo_choice.isVisible()

    monkeypatch.setattr(ui.app, "DEMO_AVAILABLE", True, raising=False)
    dialog = _dialog(qtbot, new_profile)
    assert dialog.demo_choice.isVisible()
    dialog.demo_choice.click()
    assert dialog.outcome is WelcomeResult.DEMO
    assert not new_profile.exists()


def test_cancel_makes_nothing(qtbot, new_profile) -> None:
    dialog = _dialog(qtbot, new_profile)
    dialog.create_choice.click()
    dialog.cancel_button.click()
    assert dialog.outcome is None
    assert not new_profile.root.exists()
