"""The rules' notices in the main window: a bar over the window's pages while there are
notices the owner has not seen (app/automation/notices.py), and a desktop notification
through the inbox's tray icon when one arrives while the window is open.

The bar shows the notice waiting longest, with how many more wait: 「確認済みにする」
marks it seen and the next one shows, so each is read once; 「すべて確認済みにする」 marks
them all. 「お客様を開く」 selects the friend in the customer book. Never modal: the owner
goes on working and the bar waits.

Notices fired while the window was closed (``sync --once``, ``rule run``) are in the book
and shown when it opens; those fired while it is open arrive as the book's "notices"
announcement, also from the sync worker's thread (ui/book_events.py carries it over).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from app.automation import notices
from ui.errors import show_error
from ui.formatting import format_datetime, format_number
from ui.inbox.notifier import Notification

if TYPE_CHECKING:
    from app.automation.notices import Notice
    from app.book import Book
    from ui.book_events import BookEvents
    from ui.main_window import MainWindow


class NoticeBar(QFrame):
    """The bar: the notice's words, how many more, and what the owner can do."""

    open_requested = Signal(int)  # customer id
    seen_requested = Signal(int)  # seen through this notice id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ruleNoticeBar")
        self.setStyleSheet(
            "QFrame#ruleNoticeBar { background: #FFF4D6; border-bottom: 1px solid #EBD58F; }"
            "QLabel#ruleNoticeText { color: #4A3800; }"
            "QLabel#ruleNoticeMore { color: #7A5A00; }")
        self.text = QLabel(self)
        self.text.setObjectName("ruleNoticeText")
        # The text is the owner's own words from the rule: shown as text, never as markup.
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setWordWrap(True)
        self.more = QLabel(self)
        self.more.setObjectName("ruleNoticeMore")
        self.open_button = QPushButton(self.tr("Open the customer"), self)
        self.open_button.setObjectName("ruleNoticeOpen")
        self.seen_button = QPushButton(self.tr("Mark as seen"), self)
        self.seen_button.setObjectName("ruleNoticeSeen")
        self.all_button = QPushButton(self.tr("Mark all as seen"), self)
        self.all_button.setObjectName("ruleNoticeAllSeen")
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 6, 10, 6)
        row.setSpacing(8)
        row.addWidget(self.text, 1)
        row.addWidget(self.more)
        for button in (self.open_button, self.seen_button, self.all_button):
            row.addWidget(button)
        self.notice: Notice | None = None
        self.newest = 0
        self.open_button.clicked.connect(self._open)
        self.seen_button.clicked.connect(self._seen)
        self.all_button.clicked.connect(lambda: self.seen_requested.emit(self.newest))
        self.hide()

    def show_notice(self, notice: Notice | None, count: int, newest: int) -> None:
        """``notice``: the one to show (None: nothing unseen, the bar hides); ``count``:
        how many are unseen with it; ``newest``: the newest unseen's id."""
        self.notice, self.newest = notice, newest
        if notice is None:
            self.hide()
            return
        self.text.setText(self.tr("Notice from a rule: %1 — %2").replace(
            "%1", notice.customer or "?").replace("%2", notice.text))
        # A tooltip is taken for markup when it looks like some: always markup, escaped.
        self.setToolTip("<p>" + html.escape(self.tr("Rule “%1”, %2").replace(
            "%1", notice.rule).replace("%2", format_datetime(notice.at))) + "</p>")
        self.more.setText(self.tr("%1 more").replace("%1", format_number(count - 1))
                          if count > 1 else "")
        self.more.setVisible(count > 1)
        self.all_button.setVisible(count > 1)
        self.show()

    def _open(self) -> None:
        if self.notice is not None:
            self.open_requested.emit(self.notice.customer_id)

    def _seen(self) -> None:
        if self.notice is not None:
            self.seen_requested.emit(self.notice.id)


class RuleNotices(QObject):
    """Keeps the bar up to date with the book; built and torn down with the window's
    content (a lock hides it: the notices are the book's)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.book: Book | None = None
        self._events: BookEvents | None = None
        # The newest notice already told on the desktop (none twice, none from before
        # the window opened: the bar shows those).
        self._told = 0
        self.bar = NoticeBar(window)
        window.add_top_bar(self.bar)
        self.bar.open_requested.connect(self.open_customer)
        self.bar.seen_requested.connect(self.mark_seen)
        window.inbox.notifier.notice_activated.connect(self._from_desktop)

    def build(self, book: Book, events: BookEvents) -> None:
        self.book = book
        self._events = events
        events.changed.connect(self._book_changed)
        self._told = notices.newest_id(book)
        self.refresh()

    def teardown(self) -> None:
        if self._events is not None:
            self._events.changed.disconnect(self._book_changed)
            self._events = None
        self.book = None
        self.bar.show_notice(None, 0, 0)

    def refresh(self) -> None:
        book = self.book
        if book is None:
            return
        first = notices.listing(book, oldest_first=True, limit=1)
        count = notices.unseen_count(book) if first else 0
        self.bar.show_notice(first[0] if first else None, count,
                             notices.newest_id(book) if first else 0)

    def _book_changed(self, kinds: set[str], _ids: dict[str, set[int] | None]) -> None:
        # "customers": a name changed, or a customer (and their notices) was deleted.
        if kinds & {"notices", "customers"}:
            self.refresh()
        if "notices" in kinds:
            self._tell_desktop()

    def _tell_desktop(self) -> None:
        book = self.book
        if book is None:
            return
        newest = notices.listing(book, limit=1)
        if not newest or newest[0].id <= self._told:
            return
        n = newest[0]
        self._told = n.id
        settings = self.window.settings
        body = (self.tr("You have a notice from a rule") if settings.notify_hide_content
                else self.tr("%1 — %2", "a notice: the customer's name, the text")
                .replace("%1", n.customer or "?").replace("%2", n.text))
        self.window.inbox.notifier.show_notice(Notification(
            n.customer_id, self.tr("Notice from a rule"), body, notice=True))

    def open_customer(self, customer_id: int) -> None:
        """The customer selected in the customer book (from the chat too)."""
        from ui.inbox.integration import CUSTOMERS

        self.window.inbox.set_mode(CUSTOMERS)
        self.window.show_customer(customer_id)

    def _from_desktop(self, customer_id: int) -> None:
        window = self.window
        if window.isMinimized():
            window.showNormal()
        window.raise_()
        window.activateWindow()
        self.open_customer(customer_id)

    def mark_seen(self, through_id: int) -> None:
        book = self.book
        if book is None or through_id <= 0:
            return
        try:
            notices.mark_seen(book, through_id)
        except Exception as exc:  # the book busy with a long write: said, nothing lost
            show_error(self.window, exc)
            return
        self.refresh()  # at once (the announcement follows a moment later)
