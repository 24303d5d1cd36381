"""Unlocking the customer book at start and after a lock.

* Key in the OS keyring: the book opens without a question (a small "Opening…" state while
  the keyring answers, off the main thread).
* Key protected by a passphrase: the owner types it. A wrong one says so, keeps the field
  focused with the text selected for retyping, and changes nothing on disk.
* The keyring lost the key, or it is another keyring than the one the book was made with
  (:class:`~app.errors.KeyMissingError`, :class:`~app.errors.KeyringChangedError`): we say
  so plainly and offer the recovery passphrase. Once the book opens with it, the key is put
  back into this computer's keyring so the next start is silent again.

:class:`UnlockWidget` is the prompt as a widget (the locked main window embeds it);
:class:`UnlockDialog` and :func:`unlock_book` wrap it for the start of the app.
"""

from __future__ import annotations

import contextlib
import logging
from enum import Enum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEventLoop, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app import recovery
from app.errors import (
    KeyMissingError,
    KeyringChangedError,
    NoKeyringError,
    OtokuiError,
    PassphraseRequiredError,
    WrongKeyError,
)
from ui.dialogs.background import run_then
from ui.dialogs.passphrase import ERROR, HINT, PasswordField, message_label, set_message
from ui.errors import show_error
from ui.worker import BackgroundOp

if TYPE_CHECKING:
    from app.book import Book
    from app.profile import Profile

log = logging.getLogger("otokui.ui.unlock")


class Mode(Enum):
    KEYRING = "keyring"        # the key is in the keyring: a button (or nothing) to open
    PASSPHRASE = "passphrase"  # noqa: S105 - the owner types theirs (or a recovery one)
    RECOVERY = "recovery"      # the keyring failed: only the recovery passphrase helps


def _title_label(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.35)
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    return label


class UnlockWidget(QWidget):
    """The unlock prompt. Call :meth:`start`; ``unlocked(book)`` fires once it is open.

    ``auto_open``: in keyring mode, open straight away (app start) rather than wait for the
    owner to press 開く (a locked window, where opening by itself would defeat the lock).
    ``failed(exc)`` fires when the book cannot be opened here at all (damaged, no key and
    no recovery passphrase); the error has been shown to the owner already.
    """

    unlocked = Signal(object)
    failed = Signal(object)

    PAGE_BUSY, PAGE_PROMPT, PAGE_KEYRING = range(3)

    def __init__(self, profile: Profile, parent: QWidget | None = None, *,
                 auto_open: bool = True) -> None:
        super().__init__(parent)
        self.profile = profile
        self.auto_open = auto_open
        self.mode = Mode.PASSPHRASE
        self._op: BackgroundOp | None = None
        self._busy = False
        self._abandoned = False
        self._wait_loop: QEventLoop | None = None

        self.stack = QStackedWidget(self)
        self.stack.addWidget(self._build_busy())
        self.stack.addWidget(self._build_prompt())
        self.stack.addWidget(self._build_keyring())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

    # --- pages -----------------------------------------------------------------------------------
    def _build_busy(self) -> QWidget:
        page = QWidget(self)
        self.busy_label = QLabel(self.tr("Opening the customer book…"), page)
        self.busy_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        bar = QProgressBar(page)
        bar.setRange(0, 0)  # busy: we cannot know how long the keyring takes
        bar.setTextVisible(False)
        bar.setMaximumWidth(280)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(self.busy_label)
        layout.addWidget(bar, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)
        return page

    def _build_prompt(self) -> QWidget:
        page = QWidget(self)
        self.title_label = _title_label("", page)
        self.explain_label = QLabel(page)
        self.explain_label.setWordWrap(True)
        self.field = PasswordField(page)
        self.field.returnPressed.connect(self.submit)
        self.field.textChanged.connect(self._typed)
        self.message_label = message_label(page)
        self.message_label.setObjectName("unlockMessage")
        self.open_button = QPushButton(self.tr("Open"), page)
        self.open_button.setDefault(True)
        self.open_button.clicked.connect(self.submit)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.open_button)
        self._prompt_row = row
        layout = QVBoxLayout(page)
        layout.setSpacing(12)
        layout.addStretch(1)
        layout.addWidget(self.title_label)
        layout.addWidget(self.explain_label)
        layout.addWidget(self.field)
        layout.addWidget(self.message_label)
        layout.addLayout(row)
        layout.addStretch(2)
        page.setFocusProxy(self.field)
        return page

    def _build_keyring(self) -> QWidget:
        page = QWidget(self)
        title = _title_label(self.tr("The customer book is locked"), page)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.keyring_button = QPushButton(self.tr("Open"), page)
        self.keyring_button.setDefault(True)
        self.keyring_button.clicked.connect(self._open_from_keyring)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(title)
        layout.addWidget(self.keyring_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        page.setFocusProxy(self.keyring_button)
        return page

    def add_button(self, button: QPushButton) -> None:
        """Put another button (the dialog's 終了) beside 開く under the passphrase."""
        self._prompt_row.insertWidget(1, button)

    # --- flow ------------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """Whether an open is running whose result has not been handled yet."""
        return self._busy

    def _run(self, fn: Any, on_success: Any, on_failure: Any) -> None:
        def done(handler: Any) -> Any:
            def handle(result: Any) -> None:
                self._busy = False
                if self._wait_loop is not None:
                    self._wait_loop.quit()
                handler(result)
            return handle

        self._busy = True
        self._op = run_then(self, fn, done(on_success), done(on_failure))

    def start(self) -> None:
        """Begin: open from the keyring, or ask for the passphrase."""
        try:
            needs = self.profile.needs_passphrase()
        except OtokuiError as exc:  # no book, damaged manifest
            self._fail(exc)
            return
        if needs:
            self._ask(Mode.PASSPHRASE)
        elif self.auto_open:
            self._open_from_keyring()
        else:
            self.mode = Mode.KEYRING
            self.stack.setCurrentIndex(self.PAGE_KEYRING)
            self.keyring_button.setFocus()

    def _ask(self, mode: Mode, reason: BaseException | None = None) -> None:
        self.mode = mode
        if mode is Mode.PASSPHRASE:
            self.title_label.setText(self.tr("Type your passphrase"))
            self.explain_label.setText(self.tr(
                "Your customer book is protected by a passphrase. Type it to open the book. "
                "A recovery passphrase works too."))
        else:
            self.title_label.setText(self.tr("Open with your recovery passphrase"))
            if isinstance(reason, KeyringChangedError):
                why = self.tr(
                    "The key of your customer book was kept in a different password store "
                    "than the one this computer uses now, so it cannot be opened by itself.")
            elif isinstance(reason, NoKeyringError):
                why = self.tr("The password store of this computer does not answer.")
            else:
                why = self.tr(
                    "The key of your customer book is no longer in this computer's password "
                    "store, so it cannot be opened by itself.")
            self.explain_label.setText(why + "\n\n" + self.tr(
                "Type the recovery passphrase you wrote down when the book was made. Your "
                "customers' data is safe; nothing has been changed."))
        set_message(self.message_label, "")
        self._set_enabled(True)
        self.stack.setCurrentIndex(self.PAGE_PROMPT)
        self.field.select_all_and_focus()

    def _typed(self, _text: str) -> None:
        if self.message_label.property("kind") == ERROR:
            set_message(self.message_label, "")

    def _set_enabled(self, enabled: bool) -> None:
        self.field.setEnabled(enabled)
        self.open_button.setEnabled(enabled)

    def _open_from_keyring(self) -> None:
        self.stack.setCurrentIndex(self.PAGE_BUSY)
        profile = self.profile
        self._run(lambda _p: profile.open(), self._opened, self._keyring_failed)

    def _keyring_failed(self, exc: BaseException) -> None:
        if self._abandoned:
            return
        if isinstance(exc, PassphraseRequiredError):
            self._ask(Mode.PASSPHRASE)
        elif isinstance(exc, KeyMissingError | KeyringChangedError | NoKeyringError):
            log.info("the keyring could not give the key (%s)", type(exc).__name__)
            if self.profile.has_passphrase():
                self._ask(Mode.RECOVERY, exc)
            else:
                self._fail(exc)
        else:
            self._fail(exc)

    def submit(self) -> None:
        """Try what is typed in the field (the 開く button and Enter)."""
        if self.busy or self.stack.currentIndex() != self.PAGE_PROMPT:
            return
        typed = self.field.text()
        if not typed:
            set_message(self.message_label, self.tr("Please type the passphrase."), ERROR)
            self.field.select_all_and_focus()
            return
        self._set_enabled(False)
        set_message(self.message_label, self.tr("Checking…"), HINT)
        profile, repair = self.profile, self.mode is Mode.RECOVERY

        def work(_progress: Any) -> Book:
            book = recovery.open_with(profile, typed)
            if repair:
                # The book opened with the recovery passphrase: keep its key in this
                # computer's keyring again so the next start needs no passphrase.
                with contextlib.suppress(NoKeyringError):
                    profile.use_keyring(recovery.unlock_key_with(profile, typed))
            return book

        self._run(work, self._opened, self._typed_failed)

    def _typed_failed(self, exc: BaseException) -> None:
        if self._abandoned:
            return
        self._set_enabled(True)
        if isinstance(exc, WrongKeyError):
            set_message(self.message_label, self.wrong_passphrase_text(), ERROR)
        else:
            set_message(self.message_label, "")
            show_error(self, exc)
        self.field.select_all_and_focus()

    def wrong_passphrase_text(self) -> str:
        return self.tr("The passphrase is wrong. Please type it again.")

    def _opened(self, book: Book) -> None:
        if self._abandoned:
            book.close()
            return
        self.field.clear()
        set_message(self.message_label, "")
        self._set_enabled(True)
        self.unlocked.emit(book)

    def _fail(self, exc: BaseException) -> None:
        if self.auto_open or self.mode is not Mode.KEYRING:
            self.stack.setCurrentIndex(self.PAGE_KEYRING)
        show_error(self, exc)
        self.failed.emit(exc)

    def reset(self) -> None:
        """Forget what was typed (the window locks again) and start over."""
        self.field.clear()
        self.start()

    def abandon(self) -> None:
        """The owner gave up: a book still opening in the background is closed when ready."""
        self._abandoned = True
        if self._busy:
            # Wait (events still flowing) until the open finishes, then close what it opened.
            self._wait_loop = QEventLoop(self)
            self._wait_loop.exec()
            self._wait_loop = None


class UnlockDialog(QDialog):
    """The unlock prompt as a dialog; :attr:`book` is set when accepted."""

    def __init__(self, profile: Profile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Otokui"))
        self.book: Book | None = None
        self.failed = False
        self.widget = UnlockWidget(profile, self, auto_open=True)
        self.widget.unlocked.connect(self._unlocked)
        self.widget.failed.connect(self._failed)
        self.quit_button = QPushButton(self.tr("Quit"), self)
        self.quit_button.setAutoDefault(False)
        self.quit_button.clicked.connect(self.reject)
        self.widget.add_button(self.quit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 20, 28, 20)
        layout.addWidget(self.widget, 1)
        self.resize(500, 280)

    def _unlocked(self, book: Book) -> None:
        self.book = book
        self.accept()

    def _failed(self, _exc: BaseException) -> None:
        self.failed = True
        self.reject()

    def reject(self) -> None:
        self.widget.abandon()
        super().reject()


def unlock_book(profile: Profile, parent: QWidget | None = None) -> Book | None:
    """Open the existing book in ``profile``; None when the owner gave up or it cannot open.

    Keyring mode opens without a question; passphrase mode asks until the passphrase is
    right or the owner quits.
    """
    dialog = UnlockDialog(profile, parent)
    dialog.widget.start()
    if dialog.failed:
        return None  # failed before anything was shown (no book, damaged); already said so
    dialog.exec()
    return dialog.book
