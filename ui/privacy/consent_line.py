"""One line of the detail pane: which version of the privacy policy the customer agreed to."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QWidget

from ui.formatting import format_datetime


def row_label() -> str:
    return QCoreApplication.translate("privacy", "Privacy policy")


class ConsentLine(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("—", parent)
        self.setObjectName("privacyConsent")

    def show_for(self, book: Any, customer_id: int) -> None:
        from app.privacy.service import consent_of

        found = consent_of(book, customer_id)
        if found is None:
            self.setText(QCoreApplication.translate("privacy", "Not agreed"))
            return
        self.setText(QCoreApplication.translate("privacy", "Agreed to version %1 (%2)")
                     .replace("%1", str(found.version))
                     .replace("%2", format_datetime(found.agreed_at)))
