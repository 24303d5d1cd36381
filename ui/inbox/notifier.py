"""The tray icon (unread count in its tooltip) and desktop notifications of new messages.

New messages are noticed from the book's changes: a conversation whose unread count
went up since it was last seen. With "hide content" on, a notification says only "新しい
メッセージがあります" (no name, no text), for shops where others see the screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QSystemTrayIcon

from ui.inbox.conversation_list import row_texts
from ui.resources import icon

if TYPE_CHECKING:
    from app.book import Book
    from app.messages import ConversationRow
    from ui.settings import Settings


@dataclass(frozen=True)
class Notification:
    customer_id: int
    title: str
    body: str
    # A rule's notice to the owner (ui/automation/notices.py), not a new message: its
    # click opens the customer, not the chat.
    notice: bool = False


def notification_for(conv: ConversationRow, *, hide_content: bool) -> Notification:
    if hide_content:
        return Notification(conv.customer_id, "Otokui", QCoreApplication.translate(
            "Inbox", "You have a new message"))
    name, preview, _when = row_texts(conv)
    return Notification(conv.customer_id, name, preview)


class Notifier(QObject):
    """Watches unread counts; shows the tray icon and notifications when it can."""

    # The owner clicked a notification (customer id).
    activated = Signal(int)
    # The owner clicked a rule's notice (customer id).
    notice_activated = Signal(int)

    def __init__(self, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.book: Book | None = None
        self._seen: dict[int, int] = {}
        self.sent: list[Notification] = []  # the latest few, for tests and the tray's click
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(icon("otokui"), self)
            self.tray.messageClicked.connect(self._clicked)
            self.tray.show()
        self.tooltip = "Otokui"

    def attach(self, book: Book) -> None:
        self.book = book
        ids = book.messages.conversation_ids(unread_only=True)
        self._seen = {cid: r.unread_count for cid, r in book.messages.conversations(ids).items()}
        self.update_tooltip()

    def detach(self) -> None:
        self.book = None
        self._seen.clear()
        self.sent.clear()
        self.tooltip = "Otokui"
        if self.tray is not None:
            self.tray.setToolTip(self.tooltip)

    def update_tooltip(self) -> None:
        if self.book is None:
            return
        total = self.book.messages.unread_total()
        self.tooltip = QCoreApplication.translate("Inbox", "Otokui — %1 unread").replace(
            "%1", f"{total:,}") if total else "Otokui"
        if self.tray is not None:
            self.tray.setToolTip(self.tooltip)

    def messages_changed(self, ids: set[int] | None, *, open_id: int | None = None) -> None:
        """Conversations changed: notify for those with more unread than before."""
        book = self.book
        if book is None:
            return
        if not ids:
            ids = set(book.messages.conversation_ids(unread_only=True)) | set(self._seen)
        rows = book.messages.conversations(sorted(ids))
        for cid, conv in rows.items():
            before = self._seen.get(cid, 0)
            self._seen[cid] = conv.unread_count
            if conv.unread_count > before and cid != open_id:
                self._notify(conv)
        self.update_tooltip()

    def _notify(self, conv: ConversationRow) -> None:
        if not self.settings.notify_messages:
            return
        n = notification_for(conv, hide_content=self.settings.notify_hide_content)
        self.sent = [*self.sent[-9:], n]
        if self.tray is not None and QSystemTrayIcon.supportsMessages():
            self.tray.showMessage(n.title, n.body, QSystemTrayIcon.MessageIcon.Information,
                                  8000)

    def show_notice(self, n: Notification) -> None:
        """A rule's notice on the desktop, through the same tray icon (none is added when
        there is no tray) and the same switch as new messages."""
        if not self.settings.notify_messages:
            return
        self.sent = [*self.sent[-9:], n]
        if self.tray is not None and QSystemTrayIcon.supportsMessages():
            self.tray.showMessage(n.title, n.body, QSystemTrayIcon.MessageIcon.Information,
                                  8000)

    def _clicked(self) -> None:
        if self.sent:
            last = self.sent[-1]
            (self.notice_activated if last.notice else self.activated).emit(last.customer_id)

    def close(self) -> None:
        if self.tray is not None:
            self.tray.hide()
