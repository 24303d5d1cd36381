"""Receipts (領収書) from the window: shown from memory (the attachments' PDF preview,
no plaintext file written), saved where the owner chooses, and the issuer's details
(shop name and registration number, 販売 → 領収書の発行者…)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

if TYPE_CHECKING:
    from app.book import Book
    from app.purchases.service import OrderInfo
    from ui.preview import PreviewWindow


def file_name(order: OrderInfo) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in order.number)
    return f"領収書_{safe}.pdf"


def open_receipt(parent: QWidget, book: Book, order: OrderInfo) -> PreviewWindow:
    """The receipt in a preview window (errors, such as no issuer yet, are raised)."""
    from ui.preview import PreviewWindow

    data = book.purchases.receipt_pdf(order.id)
    window = PreviewWindow(data, "application/pdf", file_name(order), parent)
    window.show()
    return window


def save_receipt(parent: QWidget, book: Book, order: OrderInfo,
                 path: str | None = None) -> Path | None:
    data = book.purchases.receipt_pdf(order.id)  # before asking where: errors come first
    if path is None:
        path, _f = QFileDialog.getSaveFileName(
            parent, QCoreApplication.translate("Receipts", "Save the receipt"),
            str(Path.home() / file_name(order)), "PDF (*.pdf)")
        if not path:
            return None
    Path(path).write_bytes(data)
    return Path(path)


class IssuerDialog(QDialog):
    """The shop's name and qualified-invoice registration number (T + 13 digits)."""

    def __init__(self, book: Book, parent: QWidget | None = None) -> None:
        from app.purchases.receipt import REGISTRATION, SHOP_NAME

        super().__init__(parent)
        self.book = book
        self.setObjectName("issuerDialog")
        self.setWindowTitle(self.tr("Receipt issuer"))
        form = QFormLayout(self)
        self.shop = QLineEdit(book.settings.get_str(SHOP_NAME) or "", self)
        self.registration = QLineEdit(book.settings.get_str(REGISTRATION) or "", self)
        self.registration.setPlaceholderText("T1234567890123")
        form.addRow(self.tr("Shop name"), self.shop)
        form.addRow(self.tr("Registration number"), self.registration)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        form.addRow(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)

    def save(self) -> None:
        from app.errors import OtokuiError
        from app.purchases.receipt import set_issuer
        from ui.errors import translate_error

        try:
            set_issuer(self.book, self.shop.text(), self.registration.text())
        except OtokuiError as exc:
            message, advice = translate_error(exc)
            self.error.setText(f"{message} {advice}")
            return
        self.accept()
