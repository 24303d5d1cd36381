"""Settings, as tabs: 一般 (language, auto-lock) and 鍵とパスフレーズ (where the key is kept,
the passphrase, the recovery passphrase). A LINE tab joins them later (issue 4) through
:meth:`SettingsDialog.add_tab`.

Language and auto-lock are preferences of this computer (:class:`ui.settings.Settings`),
saved on OK. The key actions change the profile at once, each after proving access: in
keyring mode the key is read from the keyring (off the main thread); in passphrase mode the
owner types their passphrase (or the recovery passphrase) and the key is unwrapped from
it. The key only lives in the closure of the background job that needs it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import recovery
from app.errors import NoKeyringError, OtokuiError, WrongKeyError
from app.profile import PASSPHRASE_LABEL, RECOVERY_LABEL
from ui.dialogs.background import run_then
from ui.dialogs.passphrase import (
    ERROR,
    GOOD,
    HINT,
    NewPassphraseFields,
    PasswordField,
    message_label,
    set_message,
)
from ui.dialogs.recovery_code import RecoveryCodeDialog
from ui.errors import show_error
from ui.settings import MAX_AUTO_LOCK_MINUTES

if TYPE_CHECKING:
    from app.book import Book
    from app.profile import Profile
    from ui.settings import Settings

log = logging.getLogger("otokui.ui.settings_dialog")

#: Languages offered, each named in its own language (so it can be found when unreadable).
LANGUAGE_NAMES = (("ja", "日本語"), ("en", "English"))


def _note(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setStyleSheet("color: #5B6573;")
    return label


class AskPassphraseDialog(QDialog):
    """Ask the current passphrase (or the recovery passphrase) and find the book key.

    The key is unwrapped in the background; a wrong passphrase is said inline and the
    owner can retype. On Accepted, :attr:`key` holds the key.
    """

    message: QLabel  # (made after the field whose handler clears it)

    def __init__(self, profile: Profile, parent: QWidget | None = None,
                 reason: str = "") -> None:
        super().__init__(parent)
        self.profile = profile
        self.key: bytes | None = None
        self.busy = False
        self.setWindowTitle(self.tr("Confirm it is you"))
        text = QLabel(reason or self.tr("Type your current passphrase to continue."), self)
        text.setWordWrap(True)
        self.field = PasswordField(self)
        self.field.returnPressed.connect(self.check)
        self.field.textChanged.connect(lambda _t: set_message(self.message, ""))
        self.message = message_label(self)
        hint = _note(self.tr("The recovery passphrase works too."), self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.check)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        layout.addWidget(text)
        layout.addWidget(self.field)
        layout.addWidget(hint)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(440, 0)
        self.field.setFocus()

    def check(self) -> None:
        if self.busy:
            return
        typed = self.field.text()
        if not typed:
            set_message(self.message, self.tr("Please type the passphrase."), ERROR)
            return
        self.busy = True
        self.field.setEnabled(False)
        self.buttons.setEnabled(False)
        set_message(self.message, self.tr("Checking…"), HINT)
        profile = self.profile
        run_then(self, lambda _p: recovery.unlock_key_with(profile, typed), self._found,
                 self._failed)

    def _found(self, key: bytes) -> None:
        self.busy = False
        self.key = key
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.field.setEnabled(True)
        self.buttons.setEnabled(True)
        if isinstance(exc, WrongKeyError):
            set_message(self.message, self.tr(
                "The passphrase is wrong. Please type it again."), ERROR)
        else:
            set_message(self.message, "")
            show_error(self, exc)
        self.field.select_all_and_focus()

    def reject(self) -> None:
        if not self.busy:
            super().reject()


class NewPassphraseDialog(QDialog):
    """A new passphrase typed twice; :attr:`passphrase` is set when accepted."""

    def __init__(self, parent: QWidget | None = None, explanation: str = "") -> None:
        super().__init__(parent)
        self.passphrase: str | None = None
        self.setWindowTitle(self.tr("New passphrase"))
        self.fields = NewPassphraseFields(self)
        self.message = message_label(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.check)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        if explanation:
            text = QLabel(explanation, self)
            text.setWordWrap(True)
            layout.addWidget(text)
        layout.addWidget(self.fields)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(480, 0)
        self.fields.setFocus()

    def check(self) -> None:
        passphrase = self.fields.passphrase()
        if passphrase is None:
            set_message(self.message, self.tr(
                "Please type the same passphrase of at least 8 characters twice."), ERROR)
            self.fields.setFocus()
            return
        self.passphrase = passphrase
        self.accept()


class SettingsDialog(QDialog):
    def __init__(self, book: Book, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.book = book
        self.profile: Profile = book.profile
        self.settings = settings
        self.busy = False
        self.setWindowTitle(self.tr("Settings"))
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._build_general(), self.tr("General"))
        self.tabs.addTab(self._build_security(), self.tr("Key and passphrase"))
        from ui.dialogs.line_settings import LineSettingsWidget

        self.line_tab = LineSettingsWidget(book, self)
        self.add_tab(self.line_tab, self.tr("LINE"))
        from ui.inbox.settings_tab import InboxSettingsWidget

        self.inbox_tab = InboxSettingsWidget(book, settings, self)
        self.add_tab(self.inbox_tab, self.inbox_tab.title())
        from ui.privacy.settings_tab import PrivacySettingsTab

        self.privacy_tab = PrivacySettingsTab(book, self)
        self.add_tab(self.privacy_tab, self.privacy_tab.title())
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 14)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)
        self.resize(640, 660)
        self.refresh_security()

    def add_tab(self, widget: QWidget, title: str) -> int:
        """Another settings page (the LINE tab of issue 4)."""
        return self.tabs.addTab(widget, title)

    # --- general -------------------------------------------------------------------------------
    def _build_general(self) -> QWidget:
        page = QWidget(self)
        self.language_combo = QComboBox(page)
        for code, name in LANGUAGE_NAMES:
            self.language_combo.addItem(name, code)
        current = self.settings.language
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(current)))
        self.restart_note = _note(self.tr(
            "The new language is used the next time Otokui starts."), page)
        self.language_combo.currentIndexChanged.connect(self._language_changed)
        self.auto_lock_spin = QSpinBox(page)
        self.auto_lock_spin.setRange(0, MAX_AUTO_LOCK_MINUTES)
        self.auto_lock_spin.setSuffix(self.tr(" min"))
        self.auto_lock_spin.setSpecialValueText(self.tr("Never"))
        self.auto_lock_spin.setValue(self.settings.auto_lock_minutes)
        lock_note = _note(self.tr(
            "When Otokui is not used for this long, the customer book is locked and its "
            "content hidden until it is unlocked. 0 means never."), page)
        form = QFormLayout()
        form.setVerticalSpacing(8)
        form.addRow(self.tr("Language"), self.language_combo)
        form.addRow("", self.restart_note)
        form.addRow(self.tr("Lock automatically after"), self.auto_lock_spin)
        form.addRow("", lock_note)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.addLayout(form)
        layout.addStretch(1)
        self._language_changed()
        return page

    def _language_changed(self, *_args: object) -> None:
        self.restart_note.setVisible(self.language_combo.currentData() != self.settings.language)

    def accept(self) -> None:
        if self.busy:
            return
        language = self.language_combo.currentData()
        if language != self.settings.language:
            self.settings.language = language
        if self.auto_lock_spin.value() != self.settings.auto_lock_minutes:
            self.settings.auto_lock_minutes = self.auto_lock_spin.value()
        self.inbox_tab.apply()
        self.settings.sync()
        super().accept()

    def reject(self) -> None:
        if not self.busy:
            super().reject()

    # --- key and passphrase ------------------------------------------------------------------
    def _build_security(self) -> QWidget:
        page = QWidget(self)
        storage = QGroupBox(self.tr("Where the key is kept"), page)
        self.storage_label = QLabel(storage)
        self.storage_label.setWordWrap(True)
        self.switch_button = QPushButton(storage)
        self.switch_button.clicked.connect(self.switch_storage)
        box = QVBoxLayout(storage)
        box.addWidget(self.storage_label)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.switch_button)
        box.addLayout(row)

        self.change_group = QGroupBox(self.tr("Change the passphrase"), page)
        self.new_fields = NewPassphraseFields(
            self.change_group, first_label=self.tr("New passphrase"),
            current_label=self.tr("Current passphrase"))
        assert self.new_fields.current is not None
        self.old_field = self.new_fields.current
        self.change_button = QPushButton(self.tr("Change"), self.change_group)
        self.change_button.clicked.connect(self.change_passphrase)
        box = QVBoxLayout(self.change_group)
        box.addWidget(self.new_fields)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.change_button)
        box.addLayout(row)

        rec = QGroupBox(self.tr("Recovery passphrase"), page)
        self.recovery_label = QLabel(rec)
        self.recovery_label.setWordWrap(True)
        self.recovery_button = QPushButton(rec)
        self.recovery_button.clicked.connect(self.make_recovery)
        box = QVBoxLayout(rec)
        box.addWidget(self.recovery_label)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.recovery_button)
        box.addLayout(row)

        self.security_message = message_label(page)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(10)
        layout.addWidget(storage)
        layout.addWidget(self.change_group)
        layout.addWidget(rec)
        layout.addWidget(self.security_message)
        layout.addStretch(1)
        return page

    def _slot_labels(self) -> set[str]:
        m = self.profile.manifest()
        return {s.label for s in self.profile.keyfile(m.book_id).slots}

    def keyring_mode(self) -> bool:
        return not self.profile.needs_passphrase()

    def refresh_security(self) -> None:
        try:
            keyring_mode = self.keyring_mode()
            labels = self._slot_labels()
        except OtokuiError as exc:
            show_error(self, exc)
            return
        if keyring_mode:
            self.storage_label.setText(self.tr(
                "The key is kept in this computer's password store: the customer book opens "
                "without a passphrase when you are signed in."))
            self.switch_button.setText(self.tr("Protect with a passphrase instead…"))
        else:
            self.storage_label.setText(self.tr(
                "The customer book is protected by a passphrase, typed each time Otokui "
                "starts."))
            self.switch_button.setText(self.tr("Keep the key on this computer instead…"))
        self.change_group.setEnabled(not keyring_mode and PASSPHRASE_LABEL in labels)
        self.change_group.setVisible(not keyring_mode)
        if RECOVERY_LABEL in labels:
            self.recovery_label.setText(self.tr(
                "A recovery passphrase is set. Make a new one if the paper was lost; the old "
                "one then stops working."))
            self.recovery_button.setText(self.tr("Make a new recovery passphrase…"))
        else:
            self.recovery_label.setText(self.tr(
                "There is no recovery passphrase yet. With one, the book can be opened on "
                "another computer or if the key here is lost."))
            self.recovery_button.setText(self.tr("Make a recovery passphrase…"))

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self.busy = busy
        for w in (self.switch_button, self.change_group, self.recovery_button, self.buttons):
            w.setEnabled(not busy)
        if busy:
            set_message(self.security_message, text, HINT)
        else:
            self.refresh_security()

    def _run(self, fn: Callable[[], Any], busy_text: str, done_text: str,
             on_failure: Callable[[BaseException], None] | None = None,
             on_success: Callable[[], None] | None = None) -> None:
        """Run a key action in the background; say when it is done or what went wrong."""
        self._set_busy(True, busy_text)

        def ok(_result: Any) -> None:
            self._set_busy(False)
            set_message(self.security_message, done_text, GOOD)
            if on_success is not None:
                on_success()

        def failed(exc: BaseException) -> None:
            self._set_busy(False)
            set_message(self.security_message, "")
            (on_failure or (lambda e: show_error(self, e)))(exc)

        run_then(self, lambda _p: fn(), ok, failed)

    def _with_key(self, then: Callable[[bytes], None], reason: str) -> None:
        """Get the book key (keyring, or the passphrase the owner types), then ``then``."""
        profile = self.profile
        if self.keyring_mode():
            self._set_busy(True, self.tr("Reading the key…"))

            def got(key: bytes) -> None:
                self._set_busy(False)
                then(key)

            def failed(exc: BaseException) -> None:
                self._set_busy(False)
                show_error(self, exc)

            run_then(self, lambda _p: profile.unlock_key(), got, failed)
            return
        ask = AskPassphraseDialog(profile, self, reason)
        if ask.exec() == QDialog.DialogCode.Accepted and ask.key is not None:
            key, ask.key = ask.key, None
            then(key)

    def switch_storage(self) -> None:
        profile = self.profile
        if self.keyring_mode():
            ask = NewPassphraseDialog(self, self.tr(
                "From now on, Otokui asks this passphrase each time it starts. The key is "
                "removed from this computer's password store."))
            if ask.exec() != QDialog.DialogCode.Accepted or ask.passphrase is None:
                return
            passphrase = ask.passphrase

            def to_passphrase() -> None:
                profile.use_passphrase(profile.unlock_key(), passphrase)

            self._run(to_passphrase, self.tr("Switching…"), self.tr(
                "Done: the customer book is now protected by your passphrase."))
            return

        def to_keyring(key: bytes) -> None:
            def failed(exc: BaseException) -> None:
                if isinstance(exc, NoKeyringError):
                    set_message(self.security_message, self.tr(
                        "This computer has no password store Otokui can use. The book stays "
                        "protected by its passphrase."), ERROR)
                else:
                    show_error(self, exc)

            self._run(lambda: profile.use_keyring(key), self.tr("Switching…"), self.tr(
                "Done: the key is kept on this computer. No passphrase is asked any more."),
                on_failure=failed)

        self._with_key(to_keyring, self.tr(
            "To keep the key on this computer, type your current passphrase."))

    def change_passphrase(self) -> None:
        old = self.old_field.text()
        new = self.new_fields.passphrase()
        if not old:
            set_message(self.security_message, self.tr(
                "Please type your current passphrase."), ERROR)
            self.old_field.select_all_and_focus()
            return
        if new is None:
            set_message(self.security_message, self.tr(
                "Please type the same new passphrase of at least 8 characters twice."), ERROR)
            self.new_fields.setFocus()
            return
        profile = self.profile

        def change() -> None:
            # Either the passphrase or the recovery passphrase proves access; the owner's
            # own slot is the one replaced, so the recovery passphrase keeps working.
            key = recovery.unlock_key_with(profile, old)
            profile.set_passphrase_slot(key, new, PASSPHRASE_LABEL)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, WrongKeyError):
                set_message(self.security_message, self.tr(
                    "The current passphrase is wrong. Please type it again."), ERROR)
                self.old_field.select_all_and_focus()
            else:
                show_error(self, exc)

        def changed() -> None:
            self.new_fields.clear()

        self._run(change, self.tr("Changing the passphrase…"), self.tr(
            "Done: use the new passphrase from now on."), on_failure=failed,
            on_success=changed)

    def make_recovery(self) -> None:
        profile = self.profile
        replacing = RECOVERY_LABEL in self._slot_labels()
        if replacing:
            answer = QMessageBox.question(self, self.tr("Recovery passphrase"), self.tr(
                "Make a new recovery passphrase? The one you wrote down before will stop "
                "working."))
            if answer != QMessageBox.StandardButton.Yes:
                return

        def with_key(key: bytes) -> None:
            code = recovery.generate()
            dialog = RecoveryCodeDialog(code, self)
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
            dialog.view.clear()
            if not accepted:
                set_message(self.security_message, self.tr(
                    "No recovery passphrase was saved."), HINT)
                return
            self._run(lambda: profile.set_passphrase_slot(key, code, RECOVERY_LABEL),
                      self.tr("Saving the recovery passphrase…"),
                      self.tr("Done: keep the recovery passphrase somewhere safe."))

        self._with_key(with_key, self.tr(
            "To make a recovery passphrase, type your current passphrase."))
