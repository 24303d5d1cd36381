"""The inbox in the main window: the mode switch (顧客台帳 / チャット, Ctrl+1 / Ctrl+2), the
inbox page built with the book's content on unlock and torn down with it on lock, the
tray icon and notifications, and the one ``resume_pending()`` after the book opens.

The window calls :meth:`InboxIntegration.build` at the end of ``_build_content`` and
:meth:`InboxIntegration.teardown` at the start of ``_teardown_content``; everything else
lives here, so the window's own code stays the customer book's.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QObject
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QToolButton, QWidget

from ui.inbox.notifier import Notifier
from ui.inbox.page import InboxPage
from ui.worker import run_in_background

if TYPE_CHECKING:
    from app.book import Book
    from ui.book_events import BookEvents
    from ui.main_window import MainWindow

log = logging.getLogger("otokui.ui.inbox")

CUSTOMERS, INBOX = "customers", "inbox"


def plain(action_text: str) -> str:
    """A menu text without its mnemonic: "&Chat" → "Chat", "チャット(&C)" → "チャット"."""
    return re.sub(r"\(&\w\)|&", "", action_text).strip()


class InboxIntegration(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.page: InboxPage | None = None
        self._events: BookEvents | None = None
        self._open_id: int | None = None  # kept over a lock
        self.resumed = False
        self.notifier = Notifier(window.settings, self)
        self.notifier.activated.connect(self.show_conversation)

        self.act_customers = QAction(self.tr("Customer &book"), window)
        self.act_customers.setObjectName("actModeCustomers")
        self.act_customers.setShortcut(QKeySequence("Ctrl+1"))
        self.act_inbox = QAction(self.tr("&Chat"), window)
        self.act_inbox.setObjectName("actModeInbox")
        self.act_inbox.setShortcut(QKeySequence("Ctrl+2"))
        group = QActionGroup(window)
        for action, mode in ((self.act_customers, CUSTOMERS), (self.act_inbox, INBOX)):
            action.setCheckable(True)
            group.addAction(action)
            action.triggered.connect(lambda _c=False, m=mode: self.set_mode(m))
            window.addAction(action)
        # A segmented control at the start of the toolbar.
        self.switch = QWidget(window)
        self.switch.setObjectName("modeSwitch")
        row = QHBoxLayout(self.switch)
        row.setContentsMargins(4, 0, 10, 0)
        row.setSpacing(0)
        self.buttons = QButtonGroup(self.switch)
        self.customers_button = QToolButton(self.switch)
        self.customers_button.setObjectName("modeCustomers")
        self.inbox_button = QToolButton(self.switch)
        self.inbox_button.setObjectName("modeInbox")
        for i, (button, action) in enumerate(((self.customers_button, self.act_customers),
                                              (self.inbox_button, self.act_inbox))):
            button.setCheckable(True)
            button.setText(plain(action.text()))
            button.setToolTip(f"{button.text()} ({action.shortcut().toString()})")
            self.buttons.addButton(button, i)
            row.addWidget(button)
        self.customers_button.clicked.connect(lambda: self.set_mode(CUSTOMERS))
        self.inbox_button.clicked.connect(lambda: self.set_mode(INBOX))
        self.switch.setStyleSheet(
            "QToolButton { border: 1px solid #C9CED6; padding: 4px 14px; background: #FFFFFF; }"
            "QToolButton:checked { background: #06C755; color: white; border-color: #06C755;"
            " font-weight: bold; }"
            "QToolButton:disabled { color: #AEB4BB; background: #F5F6F8; }"
            "QToolButton:checked:disabled { background: #C9D3CC; color: #F5F6F8;"
            " border-color: #C9D3CC; }"
            "QToolButton#modeCustomers { border-top-left-radius: 6px;"
            " border-bottom-left-radius: 6px; }"
            "QToolButton#modeInbox { border-top-right-radius: 6px;"
            " border-bottom-right-radius: 6px; border-left: none; }")
        actions = window.toolbar.actions()
        if actions:
            window.toolbar.insertWidget(actions[0], self.switch)
            window.toolbar.insertSeparator(actions[0])
        else:
            window.toolbar.addWidget(self.switch)
        # At the top of the Tools menu (the window's menus stay as they are).
        tools = window.menu_holding(window.act_settings)
        if tools is not None:
            first = tools.actions()[0]  # (not empty: it holds act_settings)
            tools.insertActions(first, [self.act_customers, self.act_inbox])
            tools.insertSeparator(first)
        for action in (self.act_customers, self.act_inbox):
            action.setEnabled(False)

    # --- building ----------------------------------------------------------------------------
    @property
    def mode(self) -> str:
        return INBOX if self.page is not None and \
            self.window.stack.currentWidget() is self.page else CUSTOMERS

    def build(self, book: Book, events: BookEvents) -> None:
        self.page = InboxPage(book, self.window)
        self.window.stack.addWidget(self.page)
        state = self.window.settings.inbox_splitter_state
        if state:
            self.page.splitter.restoreState(QByteArray(state))
        self._events = events
        events.changed.connect(self._book_changed)
        self.page.unread_changed.connect(lambda _n: self._show_unread())
        self.notifier.attach(book)
        for action in (self.act_customers, self.act_inbox):
            action.setEnabled(True)
        self.switch.setEnabled(True)
        self.set_mode(self.window.settings.window_mode)
        if self._open_id is not None:
            self.page.select(self._open_id)
            self._open_id = None
        self._show_unread()
        if not self.resumed:
            self.resumed = True
            self._resume(book)

    def _resume(self, book: Book) -> None:
        """Sends and broadcasts a crash left half done are finished (once, after opening).

        Both resume with the retry keys stored before their first try, so nobody receives
        a message twice. Scheduled broadcasts that were missed are not sent here: they wait
        for the owner to decide.
        """
        if not book.line.is_paired():
            return

        def resume(_progress: object) -> tuple[int, int]:
            sends = book.sending.resume_pending()
            broadcasts = book.broadcasts.resume_all()
            return len(sends), len(broadcasts)

        run_in_background(self.window, resume,
                          on_success=lambda r: log.info(
                              "resumed %d pending sends and %d broadcasts", *r),
                          on_failure=lambda e: log.info("pending sends not resumed (%s)",
                                                        type(e).__name__))

    def teardown(self) -> None:
        page = self.page
        if page is None:
            return
        self.window.settings.window_mode = self.mode
        self.window.settings.inbox_splitter_state = bytes(page.splitter.saveState().data())
        self._open_id = page.customer_id
        if self._events is not None:
            self._events.changed.disconnect(self._book_changed)
            self._events = None
        self.notifier.detach()
        page.release()
        self.window.stack.removeWidget(page)
        page.hide()
        page.setParent(None)
        page.deleteLater()
        self.page = None
        for action in (self.act_customers, self.act_inbox):
            action.setEnabled(False)
        self.switch.setEnabled(False)
        self.inbox_button.setText(plain(self.act_inbox.text()))

    def close(self) -> None:
        self.notifier.close()

    # --- the mode ----------------------------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        window = self.window
        if self.page is None or window.content is None:
            return
        target: QWidget = self.page if mode == INBOX else window.content
        window.stack.setCurrentWidget(target)
        inbox = mode == INBOX
        self.act_inbox.setChecked(inbox)
        self.act_customers.setChecked(not inbox)
        self.inbox_button.setChecked(inbox)
        self.customers_button.setChecked(not inbox)
        window.settings.window_mode = INBOX if inbox else CUSTOMERS
        if inbox:
            self.page.list.search.setFocus()

    def show_conversation(self, customer_id: int) -> None:
        if self.page is None:
            return
        self.set_mode(INBOX)
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()
        self.page.select(customer_id)

    def _show_unread(self) -> None:
        book = self.window.book
        if book is None:
            return
        total = book.messages.unread_total()
        label = plain(self.act_inbox.text())
        self.inbox_button.setText(f"{label} ({total:,})" if total else label)
        self.notifier.update_tooltip()

    def _book_changed(self, kinds: set[str], ids: dict[str, set[int] | None]) -> None:
        page = self.page
        if page is None:
            return
        page.book_changed(kinds, ids)
        if "messages" in kinds:
            open_id = page.customer_id if self.mode == INBOX and \
                self.window.isActiveWindow() else None
            self.notifier.messages_changed(ids.get("messages"), open_id=open_id)
            self._show_unread()

    @property
    def busy(self) -> bool:
        return self.page is not None and self.page.busy

