"""The inbox page: conversations on the left, the open one in the middle with the
composer under it, the customer's detail pane on the right.

Built on unlock and thrown away on lock together with the rest of the book's content
(:mod:`ui.inbox.integration`). It follows the book's changes through the window's
:class:`ui.book_events.BookEvents` (on the main thread).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from app.errors import OtokuiError
from ui.inbox.composer import Composer
from ui.inbox.conversation_list import ConversationList
from ui.inbox.conversation_view import ConversationView
from ui.inbox.texts import failure_words
from ui.widgets.detail_pane import DetailPane
from ui.worker import BackgroundOp, RunningOps, run_in_background

if TYPE_CHECKING:
    from app.book import Book
    from app.line.send import OutgoingResult

log = logging.getLogger("otokui.ui.inbox")


class InboxPage(QWidget):
    """``unread_changed(total)`` whenever the unread total may have moved."""

    unread_changed = Signal(int)

    def __init__(self, book: Book, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inboxPage")
        self.book: Book | None = book
        self._ops = RunningOps()
        self.list = ConversationList(book, self)
        self.view = ConversationView(book, self)
        self.composer = Composer(book, self)
        self.detail = DetailPane(book, self)
        self.status_line = QLabel(self)
        self.status_line.setObjectName("inboxStatusLine")
        self.status_line.setWordWrap(True)
        self.status_line.setStyleSheet("color: #C5221F; padding: 2px 12px;")
        self.status_line.hide()

        middle = QWidget(self)
        column = QVBoxLayout(middle)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.view, 1)
        column.addWidget(self.status_line)
        column.addWidget(self.composer)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("inboxSplitter")
        self.splitter.addWidget(self.list)
        self.splitter.addWidget(middle)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([330, 640, 380])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

        self.list.opened.connect(self.open_conversation)
        self.composer.sent.connect(self._sent)
        self.composer.manage_templates.connect(self.manage_templates)
        self.view.retry_requested.connect(self.retry)
        self.view.discard_requested.connect(self.discard)
        self.view.notice.connect(self._note)
        self.composer.setEnabled(False)
        QWidget.setTabOrder(self.list.search, self.list.view)
        QWidget.setTabOrder(self.list.view, self.composer)

    # --- opening -----------------------------------------------------------------------------
    @property
    def customer_id(self) -> int | None:
        return self.view.customer_id

    def open_conversation(self, customer_id: int) -> None:
        if self.book is None:
            return
        self.status_line.hide()
        self.view.open(customer_id)
        self.composer.setEnabled(True)
        self.composer.set_customer(customer_id)
        self.detail.show_customer(customer_id)
        self.unread_changed.emit(self.book.messages.unread_total())

    def select(self, customer_id: int) -> bool:
        """Open a conversation from outside (a notification click)."""
        if self.list.select(customer_id):
            return True
        self.open_conversation(customer_id)
        return False

    # --- book changes ------------------------------------------------------------------------
    def book_changed(self, kinds: set[str], ids: dict[str, set[int] | None]) -> None:
        if self.book is None:
            return
        if "tags" in kinds:
            self.list.reload_tags()
        if kinds & {"messages", "customers", "tags"}:
            changed = ids.get("messages") if kinds == {"messages"} else None
            self.list.refresh(changed)
            self.unread_changed.emit(self.book.messages.unread_total())
        cid = self.view.customer_id
        customers = ids.get("customers")
        if kinds & {"tags", "customers"} and cid is not None and \
                ("tags" in kinds or not customers or cid in customers):
            self.view.reload()  # a tag line, or the name in the header
        if "messages" in kinds and cid is not None:
            changed = ids.get("messages")
            if changed is None or not changed or cid in changed:
                self.view.reload()
                self.composer.refresh_window()
                if self.isVisible() and self.window().isActiveWindow():
                    # The owner is looking at it: what arrives is read.
                    conv = self.book.messages.conversation(cid)
                    if conv is not None and conv.unread_count:
                        self.view.mark_read()
        self.detail.book_changed(kinds, ids)

    # --- sending results ---------------------------------------------------------------------
    def _say(self, text: str) -> None:
        self.status_line.setStyleSheet("color: #C5221F; padding: 2px 12px;")
        self.status_line.setText(text)
        self.status_line.setVisible(bool(text))

    def _note(self, text: str) -> None:
        self.status_line.setStyleSheet("color: #1E7E34; padding: 2px 12px;")
        self.status_line.setText(text)
        self.status_line.setVisible(bool(text))

    def _sent(self, result: OutgoingResult) -> None:
        self.view.reload()
        if result.state == "failed":
            self._say(failure_words(result.error_code, result.error))

    def _track(self, op: BackgroundOp) -> BackgroundOp:
        return self._ops.track(op)

    def retry(self, message_id: int) -> BackgroundOp | None:
        book = self.book
        if book is None:
            return None
        self._say("")

        def failed(exc: BaseException) -> None:
            if isinstance(exc, OtokuiError):
                from ui.errors import translate_error

                message, advice = translate_error(exc)
                self._say(f"{message} {advice}".strip())
            else:
                from ui.errors import show_error

                show_error(self, exc)

        return self._track(run_in_background(
            self, lambda _p: book.sending.retry(message_id),
            on_success=lambda r: self._sent(r), on_failure=failed))

    def discard(self, message_id: int) -> BackgroundOp | None:
        book = self.book
        if book is None:
            return None
        self._say("")
        return self._track(run_in_background(self, lambda _p: book.sending.discard(message_id),
                                             on_success=lambda _r: self.view.reload()))

    def manage_templates(self) -> None:
        if self.book is None:
            return
        from ui.inbox.templates_dialog import TemplatesDialog

        TemplatesDialog(self.book, self).exec()

    @property
    def busy(self) -> bool:
        return (self._ops.busy or self.composer.busy or self.view.busy
                or self.detail.busy)

    def release(self) -> None:
        """The book is closing: forget everything shown."""
        self.composer.release()
        self.view.release()
        self.detail.release()
        self.list.set_book_released()
        self.book = None

