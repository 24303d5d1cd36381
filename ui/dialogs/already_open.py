"""A second start of the app on a book that is already open.

One process owns a profile at a time (app/profile_lock.py), so that nothing written in one
window is lost when the other restores or re-keys the book. A second start says so in the
owner's words and offers to bring the window that has the book to the front
(:mod:`ui.single_instance`). When no window answers, the book is held by a command (a
``sync``, a scheduled backup, a script): the owner can wait for it and try again.
"""

from __future__ import annotations

import logging
from enum import Enum
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.dialogs.passphrase import ERROR, HINT, message_label, set_message
from ui.single_instance import RaiseRequest

log = logging.getLogger("otokui.ui")


class Outcome(Enum):
    RAISED = "raised"  # the other window is in front: this start ends
    RETRY = "retry"    # try to take the book again (the command may have finished)
    QUIT = "quit"      # the owner closed this message


class AlreadyOpenDialog(QDialog):
    def __init__(self, profile_root: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Otokui")
        self.setMinimumWidth(600)
        self._root = Path(profile_root)
        self.outcome = Outcome.QUIT
        self._request: RaiseRequest | None = None

        self.headline = QLabel(self.tr(
            "This customer book is already open in another Otokui window."), self)
        self.headline.setWordWrap(True)
        self.headline.setStyleSheet("font-weight: bold;")
        self.explanation = QLabel(self.tr(
            "A customer book is used by one window at a time, so that nothing written in one "
            "is lost in the other. You can bring that window to the front and go on there."),
            self)
        self.explanation.setWordWrap(True)
        self.status = message_label(self)

        self.buttons = QDialogButtonBox(self)
        self.show_button = QPushButton(self.tr("Show that window"), self)
        self.show_button.setDefault(True)
        self.retry_button = QPushButton(self.tr("Try again"), self)
        self.close_button = QPushButton(self.tr("Close"), self)
        self.buttons.addButton(self.show_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.retry_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.retry_button.setVisible(False)  # after addButton, which shows what it adds
        self.show_button.clicked.connect(self.bring_forward)
        self.retry_button.clicked.connect(self._retry)
        self.close_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(10)
        layout.addWidget(self.headline)
        layout.addWidget(self.explanation)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    def bring_forward(self) -> None:
        """Ask the window that owns the book to come to the front."""
        self.show_button.setEnabled(False)
        set_message(self.status, self.tr("Asking the other window…"), HINT)
        self._request = RaiseRequest(self._root, self)
        self._request.answered.connect(self._answered)
        self._request.start()

    def _answered(self, ok: bool) -> None:
        if ok:
            log.info("the window that has the book came forward; this start ends")
            self.outcome = Outcome.RAISED
            self.accept()
            return
        # No window answered: a command (sync, a backup, a script) has the book.
        self.headline.setText(self.tr(
            "The customer book is being used by another Otokui task right now (such as a "
            "sync, a backup or a script run from a terminal)."))
        self.explanation.setText(self.tr(
            "Wait until it has finished, then press Try again. Nothing was changed."))
        set_message(self.status, "", ERROR)
        self.show_button.setVisible(False)
        self.retry_button.setVisible(True)
        self.retry_button.setDefault(True)
        self.retry_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _retry(self) -> None:
        self.outcome = Outcome.RETRY
        self.accept()


def ask_what_to_do(profile_root: Path) -> Outcome:
    """Show the message and wait for the owner (or the other window's answer)."""
    dialog = AlreadyOpenDialog(profile_root)
    dialog.exec()
    outcome = dialog.outcome
    dialog.deleteLater()
    return outcome
