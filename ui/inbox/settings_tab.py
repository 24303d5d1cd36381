"""Settings → Chat: templates (定型文), notifications, read marks on LINE, and what a
reply does to the conversation's status.

The templates are saved as they are edited (each has its own Save button); the switches
and the status choice are applied with the dialog's OK, like the other settings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ui.inbox.templates_dialog import TemplatesWidget

if TYPE_CHECKING:
    from app.book import Book
    from ui.settings import Settings


class InboxSettingsWidget(QWidget):
    def __init__(self, book: Book, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inboxSettings")
        self.book = book
        self.settings = settings
        self.notify = QCheckBox(self.tr("Show a notification when a message arrives"), self)
        self.notify.setObjectName("notifyMessages")
        self.notify.setChecked(settings.notify_messages)
        self.hide_content = QCheckBox(self.tr("Hide who wrote and what (only “You have a new "
                                              "message”)"), self)
        self.hide_content.setObjectName("notifyHideContent")
        self.hide_content.setChecked(settings.notify_hide_content)
        self.notify.toggled.connect(self.hide_content.setEnabled)
        self.hide_content.setEnabled(self.notify.isChecked())
        self.read_on_line = QCheckBox(self.tr("Show the customer their message was read when "
                                              "you open the conversation"), self)
        self.read_on_line.setObjectName("markReadOnLine")
        self.read_on_line.setChecked(book.sending.mark_read_on_line_enabled())
        note = QLabel(self.tr("The customer then sees “Read” (既読) in LINE."), self)
        note.setWordWrap(True)
        note.setStyleSheet("color: #5F6368;")
        self.after_reply = QComboBox(self)
        self.after_reply.setObjectName("statusAfterReply")
        for value, text in (("done", self.tr("Mark it Done")),
                            ("in_progress", self.tr("Mark it In progress")),
                            ("keep", self.tr("Leave the status as it is"))):
            self.after_reply.addItem(text, value)
        self.after_reply.setCurrentIndex(
            max(0, self.after_reply.findData(book.sending.status_after_reply())))
        status_note = QLabel(self.tr("When the customer writes again, a conversation marked "
                                     "Done becomes Not handled."), self)
        status_note.setWordWrap(True)
        status_note.setStyleSheet("color: #5F6368;")
        status_form = QFormLayout()
        status_form.addRow(self.tr("After you reply"), self.after_reply)
        self.templates = TemplatesWidget(book, self)
        box = QGroupBox(self.tr("Templates"), self)
        inner = QVBoxLayout(box)
        inner.addWidget(self.templates)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.addWidget(self.notify)
        layout.addWidget(self.hide_content)
        layout.addWidget(self.read_on_line)
        layout.addWidget(note)
        layout.addLayout(status_form)
        layout.addWidget(status_note)
        layout.addWidget(box, 1)

    def title(self) -> str:
        return self.tr("Chat")

    def apply(self) -> None:
        if self.notify.isChecked() != self.settings.notify_messages:
            self.settings.notify_messages = self.notify.isChecked()
        if self.hide_content.isChecked() != self.settings.notify_hide_content:
            self.settings.notify_hide_content = self.hide_content.isChecked()
        if self.read_on_line.isChecked() != self.book.sending.mark_read_on_line_enabled():
            self.book.sending.set_mark_read_on_line(self.read_on_line.isChecked())
        chosen = self.after_reply.currentData()
        if chosen != self.book.sending.status_after_reply():
            self.book.sending.set_status_after_reply(chosen)
