"""The first run: make a new customer book, restore one from a backup, or try the demo.

A calm, step-by-step flow in one dialog:

1. Start: 新しい顧客台帳を作る / バックアップから復元 / デモを試す (the last only when
   ``ui.app.DEMO_AVAILABLE`` is true).
2. New book: keep the key in this computer's password store (recommended) or protect the
   book with a passphrase typed twice. Where the computer has no password store we say so
   and switch to the passphrase.
3. Optionally (recommended) a recovery passphrase: generated for the owner, shown once to
   write down or print, then typed back; the book is made only after it matches.
4. Restore: choose a backup file, read what it holds, ask the passphrase when one is
   needed, restore it (verified in full by the core) with progress, then open it.

:func:`run_welcome` returns the open :class:`~app.book.Book`, ``None`` when the owner
closed the dialog, or :attr:`WelcomeResult.DEMO` when they chose the demo (the caller
starts the demo instead of opening a book).
"""

from __future__ import annotations

import datetime as dt
import logging
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QCommandLinkButton,
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app import keys, recovery
from app.errors import NoKeyringError, PassphraseRequiredError, WrongKeyError
from ui.dialogs.background import run_then
from ui.dialogs.passphrase import (
    ERROR,
    HINT,
    NewPassphraseFields,
    PasswordField,
    message_label,
    set_message,
)
from ui.dialogs.recovery_code import RecoveryCodeView, RecoveryConfirm
from ui.errors import show_error
from ui.worker import BackgroundOp

if TYPE_CHECKING:
    from app.backup import BackupHeader
    from app.book import Book
    from app.profile import Profile

log = logging.getLogger("otokui.ui.welcome")


class WelcomeResult(Enum):
    """What :func:`run_welcome` returns when the owner chose something other than a book."""

    DEMO = "demo"


def demo_available() -> bool:
    """``ui.app.DEMO_AVAILABLE``, imported late; a missing module or name means no demo."""
    try:
        from ui import app as ui_app
    except ImportError:
        return False
    return bool(getattr(ui_app, "DEMO_AVAILABLE", False))


def _title(text: str, parent: QWidget, scale: float = 1.35) -> QLabel:
    label = QLabel(text, parent)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    return label


def _scrolled(page: QWidget, parent: QWidget) -> QScrollArea:
    """``page`` in a frameless scroll area: at a large scale, or on a small screen, the
    page scrolls instead of squashing its inputs to a few pixels."""
    area = QScrollArea(parent)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(page)
    return area


def _note(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setStyleSheet("color: #5B6573;")
    return label


class WelcomeDialog(QDialog):
    PAGE_START, PAGE_CREATE, PAGE_SHOW_CODE, PAGE_CONFIRM_CODE, PAGE_BUSY, PAGE_RESTORE = \
        range(6)
    # Made after the fields whose handlers clear them.
    create_message: QLabel
    restore_message: QLabel

    def __init__(self, profile: Profile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profile = profile
        self.book: Book | None = None
        self.outcome: Book | WelcomeResult | None = None
        self._code: str | None = None
        self._op: BackgroundOp | None = None
        self._busy = False
        self._keyring_ok: bool | None = None  # None: still asking the password store
        self._header: BackupHeader | None = None
        self._backup_path: Path | None = None

        self.setWindowTitle(self.tr("Welcome to Otokui"))
        self.stack = QStackedWidget(self)
        for build in (self._build_start, self._build_create, self._build_show_code,
                      self._build_confirm_code, self._build_busy, self._build_restore):
            self.stack.addWidget(_scrolled(build(), self.stack))

        self.back_button = QPushButton(self.tr("Back"), self)
        self.back_button.clicked.connect(self._back)
        self.next_button = QPushButton(self.tr("Next"), self)
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self._next)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.next_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 20)
        layout.setSpacing(16)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)
        self._probe_keyring()
        self._go(self.PAGE_START)
        self._fit()

    def _fit(self) -> None:
        """Open large enough for the tallest page (the passphrase page with its hints and
        a no-password-store note) at any scale, within the screen; a page that still
        does not fit scrolls (each page is in a scroll area) and is never squashed."""
        width = max(600, self.fontMetrics().lineSpacing() * 32)
        layout = self.layout()
        assert layout is not None  # (set in __init__)
        margins = layout.contentsMargins()
        inner = width - margins.left() - margins.right()
        areas = [self.stack.widget(i) for i in range(self.stack.count())]
        pages = [p for a in areas if isinstance(a, QScrollArea) and (p := a.widget()) is not None]
        tallest = max(p.heightForWidth(inner) if p.hasHeightForWidth()
                      else p.sizeHint().height() for p in pages)
        # The passphrase page grows by its hints and messages while the owner types.
        tallest += 6 * self.fontMetrics().lineSpacing()
        height = (tallest + margins.top() + margins.bottom() + layout.spacing()
                  + self.next_button.sizeHint().height())
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None:
            width = min(width, int(screen.width() * 0.95))
            height = min(height, int(screen.height() * 0.9))
        self.resize(width, height)

    # --- pages -----------------------------------------------------------------------------
    def _build_start(self) -> QWidget:
        page = QWidget(self)
        title = _title(self.tr("Welcome to Otokui"), page, 1.6)
        intro = _note(self.tr(
            "Otokui keeps the customer book of your LINE Official Account on this computer, "
            "encrypted. Nothing is sent anywhere unless you choose to."), page)
        self.create_choice = QCommandLinkButton(
            self.tr("Create a new customer book"),
            self.tr("Start here if this is your first time."), page)
        self.restore_choice = QCommandLinkButton(
            self.tr("Restore from a backup"),
            self.tr("Bring back a customer book from a backup file you saved before."), page)
        self.demo_choice = QCommandLinkButton(
            self.tr("Try the demo"),
            self.tr("Look around with made-up customers. Your own book is not touched."), page)
        self.demo_choice.setVisible(demo_available())
        self.create_choice.clicked.connect(lambda: self._go(self.PAGE_CREATE))
        self.restore_choice.clicked.connect(lambda: self._go(self.PAGE_RESTORE))
        self.demo_choice.clicked.connect(self._choose_demo)
        layout = QVBoxLayout(page)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addSpacing(8)
        layout.addWidget(self.create_choice)
        layout.addWidget(self.restore_choice)
        layout.addWidget(self.demo_choice)
        layout.addStretch(1)
        return page

    def _build_create(self) -> QWidget:
        page = QWidget(self)
        title = _title(self.tr("How should the customer book be protected?"), page)
        self.keyring_radio = QRadioButton(
            self.tr("Keep the key on this computer (recommended)"), page)
        keyring_note = _note(self.tr(
            "The book opens when you sign in to this computer. There is no passphrase to "
            "remember. The key is kept in the computer's own password store."), page)
        self.passphrase_radio = QRadioButton(self.tr("Protect it with a passphrase"), page)
        passphrase_note = _note(self.tr(
            "You type the passphrase each time Otokui starts. Choose this if others use "
            "this computer with the same sign-in."), page)
        self.mode_group = QButtonGroup(page)
        self.mode_group.addButton(self.keyring_radio)
        self.mode_group.addButton(self.passphrase_radio)
        self.keyring_radio.setChecked(True)
        self.no_keyring_label = message_label(page)
        self.passphrase_fields = NewPassphraseFields(page)
        self.passphrase_fields.changed.connect(self._update_buttons)
        # The error under the page ("type the same passphrase twice") is about what was
        # typed: it goes as soon as the owner types again; the live hints take over.
        self.passphrase_fields.changed.connect(lambda: set_message(self.create_message, ""))
        self.recovery_box = QCheckBox(self.tr("Make a recovery passphrase (recommended)"), page)
        self.recovery_box.setChecked(True)
        self.recovery_box.toggled.connect(lambda _c: self._update_buttons())
        recovery_note = _note(self.tr(
            "For the day this computer breaks or you move to a new one: a passphrase made "
            "for you, to write down and keep safe."), page)
        self.create_message = message_label(page)
        self.mode_group.buttonToggled.connect(lambda *_a: self._mode_changed())

        indent = QVBoxLayout()
        indent.setContentsMargins(26, 0, 0, 0)
        indent.addWidget(self.passphrase_fields)
        layout = QVBoxLayout(page)
        layout.setSpacing(8)
        layout.addWidget(title)
        layout.addSpacing(4)
        layout.addWidget(self.keyring_radio)
        layout.addWidget(self._indented(keyring_note))
        layout.addWidget(self.no_keyring_label)
        layout.addWidget(self.passphrase_radio)
        layout.addWidget(self._indented(passphrase_note))
        layout.addLayout(indent)
        layout.addSpacing(8)
        layout.addWidget(self.recovery_box)
        layout.addWidget(self._indented(recovery_note))
        layout.addWidget(self.create_message)
        layout.addStretch(1)
        return page

    def _indented(self, widget: QWidget) -> QWidget:
        holder = QWidget(widget.parentWidget())
        row = QHBoxLayout(holder)
        row.setContentsMargins(26, 0, 0, 0)
        row.addWidget(widget)
        return holder

    def _build_show_code(self) -> QWidget:
        self.code_view = RecoveryCodeView(self)
        return self.code_view

    def _build_confirm_code(self) -> QWidget:
        self.code_confirm = RecoveryConfirm(self)
        self.code_confirm.confirmed.connect(self._create)
        return self.code_confirm

    def _build_busy(self) -> QWidget:
        page = QWidget(self)
        self.busy_label = QLabel(page)
        self.busy_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.busy_label.setWordWrap(True)
        bar = QProgressBar(page)
        bar.setRange(0, 0)
        bar.setTextVisible(False)
        bar.setMaximumWidth(320)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(self.busy_label)
        layout.addWidget(bar, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)
        return page

    def _build_restore(self) -> QWidget:
        page = QWidget(self)
        title = _title(self.tr("Restore from a backup"), page)
        intro = _note(self.tr(
            "Choose the backup file (.otkb). It is checked completely before anything is "
            "restored."), page)
        self.backup_edit = QLineEdit(page)
        self.backup_edit.setReadOnly(True)
        self.backup_edit.setPlaceholderText(self.tr("No file chosen"))
        browse = QPushButton(self.tr("Choose…"), page)
        browse.clicked.connect(self._browse_backup)
        row = QHBoxLayout()
        row.addWidget(self.backup_edit, 1)
        row.addWidget(browse)
        self.backup_info = QLabel(page)
        self.backup_info.setWordWrap(True)
        self.backup_passphrase = PasswordField(page)
        self.backup_passphrase.returnPressed.connect(self._next)
        self.backup_passphrase.textChanged.connect(
            lambda _t: set_message(self.restore_message, ""))
        self.backup_passphrase_note = _note(self.tr(
            "If the backup was made on another computer, type the book's passphrase or its "
            "recovery passphrase. On the computer that made it, you can leave this empty."),
            page)
        form = QFormLayout()
        form.addRow(self.tr("Passphrase"), self.backup_passphrase)
        self.passphrase_row = QWidget(page)
        self.passphrase_row.setLayout(form)
        self.restore_progress = QProgressBar(page)
        self.restore_progress.setVisible(False)
        self.restore_message = message_label(page)
        layout = QVBoxLayout(page)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.backup_info)
        layout.addWidget(self.passphrase_row)
        layout.addWidget(self.backup_passphrase_note)
        layout.addWidget(self.restore_progress)
        layout.addWidget(self.restore_message)
        layout.addStretch(1)
        self.passphrase_row.setVisible(False)
        self.backup_passphrase_note.setVisible(False)
        return page

    # --- navigation ----------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """Whether a book is being made, or a backup read or restored, right now."""
        return self._busy

    def _run(self, fn: Any, on_success: Any, on_failure: Any) -> BackgroundOp:
        def done(handler: Any) -> Any:
            def handle(result: Any) -> None:
                self._busy = False
                handler(result)
            return handle

        self._busy = True
        op = run_then(self, fn, done(on_success), done(on_failure))
        self._op = op
        return op

    def _go(self, index: int) -> None:
        self.stack.setCurrentIndex(index)
        self.back_button.setVisible(index not in (self.PAGE_START, self.PAGE_BUSY))
        self.next_button.setVisible(index not in (self.PAGE_START, self.PAGE_BUSY))
        self.cancel_button.setEnabled(index != self.PAGE_BUSY)
        if index == self.PAGE_CREATE:
            self._mode_changed()
        elif index == self.PAGE_SHOW_CODE:
            self.next_button.setText(self.tr("I have written it down"))
        elif index == self.PAGE_CONFIRM_CODE:
            self.next_button.setText(self.tr("Create the customer book"))
            self.code_confirm.setFocus()
        elif index == self.PAGE_RESTORE:
            self.next_button.setText(self.tr("Restore"))
        self._update_buttons()

    def _update_buttons(self) -> None:
        page = self.stack.currentIndex()
        if page == self.PAGE_CREATE:
            # Keyring mode waits for the password store to answer; a passphrase that is
            # too short is explained when Next is pressed.
            self.next_button.setEnabled(self.passphrase_radio.isChecked()
                                        or self._keyring_ok is True)
            self.next_button.setText(self.tr("Next") if self.recovery_box.isChecked()
                                     else self.tr("Create the customer book"))
        elif page == self.PAGE_RESTORE:
            self.next_button.setEnabled(self._header is not None and not self.busy)
        else:
            self.next_button.setEnabled(True)

    def _back(self) -> None:
        page = self.stack.currentIndex()
        if page == self.PAGE_RESTORE and self.busy:
            return
        if page in (self.PAGE_CREATE, self.PAGE_RESTORE):
            self._go(self.PAGE_START)
        elif page == self.PAGE_SHOW_CODE:
            # Going back forgets the code: a new one is made next time, shown once again.
            self._forget_code()
            self._go(self.PAGE_CREATE)
        elif page == self.PAGE_CONFIRM_CODE:
            self._go(self.PAGE_SHOW_CODE)

    def _next(self) -> None:
        page = self.stack.currentIndex()
        if page == self.PAGE_CREATE:
            self._create_chosen()
        elif page == self.PAGE_SHOW_CODE:
            assert self._code is not None
            self.code_confirm.expect(self._code)
            self._go(self.PAGE_CONFIRM_CODE)
        elif page == self.PAGE_CONFIRM_CODE:
            self.code_confirm.check()  # on a match, ``confirmed`` creates the book
        elif page == self.PAGE_RESTORE:
            self._restore()

    def reject(self) -> None:
        if self.busy:
            if self.stack.currentIndex() == self.PAGE_RESTORE and self._op is not None:
                self._op.cancel()  # the core keeps nothing of a cancelled restore
            return  # a book being made is not abandoned half-way
        self._forget_code()
        super().reject()

    def _finish(self, outcome: Book | WelcomeResult) -> None:
        self.outcome = outcome
        if not isinstance(outcome, WelcomeResult):
            self.book = outcome
        self._forget_code()
        self.accept()

    def _choose_demo(self) -> None:
        self._finish(WelcomeResult.DEMO)

    # --- a new book ------------------------------------------------------------------------------
    def _probe_keyring(self) -> None:
        def found(backend: str | None) -> None:
            self._keyring_ok = backend is not None
            if not self._keyring_ok:
                self._no_keyring()
            self._update_buttons()

        self._probe = run_then(self, lambda _p: keys.keyring_backend(), found,
                               lambda _exc: found(None))

    def _no_keyring(self) -> None:
        self._keyring_ok = False
        self.keyring_radio.setEnabled(False)
        self.passphrase_radio.setChecked(True)
        set_message(self.no_keyring_label, self.tr(
            "This computer has no password store Otokui can use, so the key cannot be kept "
            "on it. Please protect the book with a passphrase instead."), ERROR)

    def _mode_changed(self) -> None:
        with_passphrase = self.passphrase_radio.isChecked()
        self.passphrase_fields.setVisible(with_passphrase)
        if with_passphrase and self.stack.currentIndex() == self.PAGE_CREATE:
            self.passphrase_fields.setFocus()
            area = self.stack.currentWidget()
            if isinstance(area, QScrollArea):
                area.ensureWidgetVisible(self.passphrase_fields)
        set_message(self.create_message, "")
        self._update_buttons()

    def _create_chosen(self) -> None:
        if self.passphrase_radio.isChecked() and self.passphrase_fields.passphrase() is None:
            set_message(self.create_message, self.tr(
                "Please type the same passphrase of at least 8 characters twice."), ERROR)
            self.passphrase_fields.setFocus()
            return
        if self.recovery_box.isChecked():
            self._code = recovery.generate()
            self.code_view.set_code(self._code)
            self._go(self.PAGE_SHOW_CODE)
        else:
            self._create()

    def _forget_code(self) -> None:
        self._code = None
        self.code_view.clear()
        self.code_confirm.expect("")

    def _create(self) -> None:
        passphrase = (self.passphrase_fields.passphrase()
                      if self.passphrase_radio.isChecked() else None)
        code, profile = self._code, self.profile
        self.busy_label.setText(self.tr("Creating your customer book…"))
        self._go(self.PAGE_BUSY)
        self._run(lambda _p: profile.create(passphrase=passphrase, recovery_passphrase=code),
                  self._finish, self._create_failed)

    def _create_failed(self, exc: BaseException) -> None:
        self._forget_code()
        self._go(self.PAGE_CREATE)
        if isinstance(exc, NoKeyringError):
            self._no_keyring()
        else:
            show_error(self, exc)

    # --- restore ---------------------------------------------------------------------------------
    def _browse_backup(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose a backup file"), str(Path.home()),
            self.tr("Otokui backups (*.otkb);;All files (*)"))
        if path:
            self.set_backup_path(Path(path))

    def set_backup_path(self, path: Path) -> BackgroundOp:
        """Choose the backup file (the 選ぶ button, or a test) and read what it holds."""
        from app.backup import inspect_backup

        self._backup_path = Path(path)
        self._header = None
        self.backup_edit.setText(str(path))
        self.backup_info.setText(self.tr("Reading the backup…"))
        set_message(self.restore_message, "")
        self._update_buttons()
        return self._run(lambda _p: inspect_backup(Path(path)), self._inspected,
                         self._inspect_failed)

    def _inspected(self, header: BackupHeader) -> None:
        self._header = header
        made = _backup_time(header.created_at)
        self.backup_info.setText(self.tr(
            "Backup made on %1: %2 customers, %3 attachments.").replace(
                "%1", made).replace("%2", f"{header.customers:,}").replace(
                    "%3", f"{header.attachments:,}"))
        self.passphrase_row.setVisible(header.has_passphrase)
        self.backup_passphrase_note.setVisible(header.has_passphrase)
        self._update_buttons()
        if header.has_passphrase:
            self.backup_passphrase.setFocus()

    def _inspect_failed(self, exc: BaseException) -> None:
        self._header = None
        self.backup_info.clear()
        self.passphrase_row.setVisible(False)
        self.backup_passphrase_note.setVisible(False)
        self._update_buttons()
        show_error(self, exc)

    def _restore(self) -> None:
        if self._header is None or self._backup_path is None or self.busy:
            return
        from app.backup import restore_backup

        typed = self.backup_passphrase.text() if self._header.has_passphrase else ""
        profile, source = self.profile, self._backup_path

        def work(progress: Any) -> Book:
            attempts: list[str | None] = list(recovery.candidates(typed)) if typed else [None]
            used: str | None = None
            for i, attempt in enumerate(attempts):
                try:
                    restore_backup(profile, source, passphrase=attempt, progress=progress,
                                   cancel=progress.cancelled)
                    used = attempt
                    break
                except WrongKeyError:
                    if i == len(attempts) - 1:
                        raise
            return profile.open(used if profile.needs_passphrase() else None)

        self.restore_progress.setRange(0, 0)
        self.restore_progress.setVisible(True)
        set_message(self.restore_message, self.tr("Checking and restoring the backup…"), HINT)
        self.backup_passphrase.setEnabled(False)
        self.back_button.setEnabled(False)
        self.cancel_button.setText(self.tr("Stop"))
        op = self._run(work, self._finish, self._restore_failed)
        op.progressed.connect(self._restore_progressed)
        op.finished.connect(self._restore_ended)
        self._update_buttons()

    def _restore_progressed(self, done: int, total: int) -> None:
        if total > 0:
            self.restore_progress.setRange(0, total)
            self.restore_progress.setValue(min(done, total))

    def _restore_ended(self) -> None:
        # Runs after success, failure or cancel alike (a cancel calls no other handler).
        self._busy = False
        self.restore_progress.setVisible(False)
        self.backup_passphrase.setEnabled(True)
        self.back_button.setEnabled(True)
        self.cancel_button.setText(self.tr("Cancel"))
        if self.result() != QDialog.DialogCode.Accepted and \
                self.restore_message.property("kind") == HINT:
            set_message(self.restore_message, self.tr(
                "The restore was stopped. Nothing was changed."), HINT)
        self._update_buttons()

    def _restore_failed(self, exc: BaseException) -> None:
        if isinstance(exc, PassphraseRequiredError):
            self.passphrase_row.setVisible(True)
            self.backup_passphrase_note.setVisible(True)
            set_message(self.restore_message, self.tr(
                "This backup needs its passphrase. Please type it."), ERROR)
        elif isinstance(exc, WrongKeyError):
            set_message(self.restore_message, self.tr(
                "The passphrase is wrong. Please type it again."), ERROR)
        else:
            set_message(self.restore_message, "")
            show_error(self, exc)
        self.backup_passphrase.setEnabled(True)
        self.backup_passphrase.select_all_and_focus()


def _backup_time(iso: str) -> str:
    from ui.formatting import format_datetime

    try:
        when = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    return format_datetime(when)


def run_welcome(profile: Profile, parent: QWidget | None = None
                ) -> Book | WelcomeResult | None:
    """The first-run flow. Returns the new or restored book, ``None`` if the owner closed
    the dialog, or :attr:`WelcomeResult.DEMO` if they chose to try the demo."""
    dialog = WelcomeDialog(profile, parent)
    dialog.exec()
    return dialog.outcome
