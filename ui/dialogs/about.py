"""About Otokui: the version, the licences, and what is kept where on this computer."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import __version__


class AboutDialog(QDialog):
    """``profile_dir``: the folder of the open book (default: the usual profile folder)."""

    def __init__(self, parent: QWidget | None = None, profile_dir: Path | None = None) -> None:
        super().__init__(parent)
        if profile_dir is None:
            from app.profile import default_profile_dir

            profile_dir = default_profile_dir()
        self.profile_dir = Path(profile_dir)
        self.setWindowTitle(self.tr("About Otokui"))

        title = QLabel(f"Otokui {html.escape(__version__)}", self)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        intro = QLabel(self.tr(
            "The customer book of your LINE Official Account, kept on this computer and "
            "encrypted."), self)
        intro.setWordWrap(True)

        folder = html.escape(str(self.profile_dir))
        kept_in = html.escape(self.tr("Everything is kept in this folder:"))
        book_line = html.escape(self.tr("The customer book (book.db): encrypted."))
        where = "".join([
            f"<p>{kept_in}<br><b>{folder}</b></p><ul>",
            f"<li>{book_line}</li>",
            "<li>" + html.escape(self.tr(
                "Attachments (the attachments folder): each file encrypted with its own "
                "key.")) + "</li>",
            "<li>" + html.escape(self.tr(
                "The key that opens the book: in this computer's password store, or in "
                "book.key, locked by your passphrase. Without it the files cannot be "
                "read.")) + "</li>",
            "<li>" + html.escape(self.tr(
                "The log (the logs folder): what Otokui did and any errors, without customer "
                "details, passphrases or keys.")) + "</li></ul>",
            "<p>" + html.escape(self.tr(
                "Customer details leave this computer only when you export them, back them "
                "up, or send messages through LINE.")) + "</p>",
        ])
        self.where_label = QLabel(where, self)
        self.where_label.setWordWrap(True)
        self.where_label.setTextFormat(Qt.TextFormat.RichText)
        self.where_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.licence_label = QLabel(self.tr(
            "Otokui is built with Qt 6 and Qt for Python (PySide6), used under the GNU LGPL "
            "version 3, and with SQLCipher, SQLAlchemy, keyring, argon2-cffi and "
            "cryptography, each under its own open-source licence."), self)
        self.licence_label.setWordWrap(True)
        self.licence_label.setStyleSheet("color: #5B6573;")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.open_folder_button = QPushButton(self.tr("Open the folder"), self)
        buttons.addButton(self.open_folder_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.open_folder_button.clicked.connect(self.open_folder)
        self.open_folder_button.setEnabled(self.profile_dir.is_dir())
        qt_button = QPushButton(self.tr("About Qt"), self)
        buttons.addButton(qt_button, QDialogButtonBox.ButtonRole.ActionRole)
        qt_button.clicked.connect(lambda: QApplication.aboutQt())
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setDefault(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 16)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(self.where_label)
        layout.addWidget(self.licence_label)
        layout.addWidget(buttons)
        # Wrapped labels report their height for a known width only: fix the width so the
        # dialog grows to show every line.
        for label in (intro, self.where_label, self.licence_label):
            label.setFixedWidth(520)
        layout.setSizeConstraint(QVBoxLayout.SizeConstraint.SetFixedSize)

    def open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.profile_dir)))
