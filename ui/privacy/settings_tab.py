"""設定 → プライバシー: where the privacy window is, from the Settings dialog — what is in
force (the policy's version, the retention rules, the incidents) and a button per page of
the window (ui/privacy/window.py), opened over the dialog."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFormLayout, QLabel, QPushButton, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from app.book import Book


class PrivacySettingsTab(QWidget):
    def __init__(self, book: Book, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from app.privacy import incidents, retention
        from app.privacy.service import PrivacyService

        self.book = book
        version = PrivacyService(book).newest_version()
        rules = retention.rules(book)
        ticked = len(incidents.checklist(book))
        never = self.tr("Never")
        form = QFormLayout()
        form.addRow(self.tr("Privacy policy"), QLabel(
            self.tr("Version %1").replace("%1", str(version)) if version
            else self.tr("Not published yet"), self))
        form.addRow(self.tr("Retention"), QLabel(" / ".join((
            self.tr("blocked friends: %1").replace(
                "%1", self.tr("%1 months").replace("%1", str(rules.blocked_months))
                if rules.blocked_months else never),
            self.tr("messages: %1").replace(
                "%1", self.tr("%1 years").replace("%1", str(rules.message_years))
                if rules.message_years else never),
            self.tr("files: %1").replace(
                "%1", self.tr("%1 years").replace("%1", str(rules.attachment_years))
                if rules.attachment_years else never))), self))
        form.addRow(self.tr("Leak readiness"), QLabel(
            self.tr("%1 of %2 checked, %3 incidents").replace("%1", str(ticked))
            .replace("%2", str(len(incidents.CHECKLIST)))
            .replace("%3", str(len(incidents.all_incidents(book)))), self))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        note = QLabel(self.tr("The privacy policy, retention rules, audit log and leak "
                              "readiness are in their own window (also in Tools → "
                              "Privacy…)."), self)
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addLayout(form)
        self.buttons: list[QPushButton] = []
        for index, label in enumerate((self.tr("Privacy policy…"), self.tr("Retention…"),
                                       self.tr("Audit log…"), self.tr("Leak readiness…"))):
            button = QPushButton(label, self)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, i=index: self.open_window(i))
            self.buttons.append(button)
            layout.addWidget(button)
        layout.addStretch(1)

    def title(self) -> str:
        return self.tr("Privacy")

    def open_window(self, tab: int, *, modal: bool = True) -> QWidget:
        """Over the Settings dialog (which is modal, so this is too)."""
        from ui.privacy.window import PrivacyWindow

        window = PrivacyWindow(self.book, self)
        window.tabs.setCurrentIndex(tab)
        if modal:
            window.exec()
        else:
            window.show()
        return window
