"""Reservations in the main window: the 予約 menu (never a toolbar button: the toolbar is
full at 1280 px in Japanese) opening the 予約 window, and the customer's bookings in the
detail pane (a section above the timeline).

The window calls :meth:`BookingIntegration.build` at the end of ``_build_content``,
:meth:`teardown` at the start of ``_teardown_content`` and :meth:`selection_changed`
when the selected customers change (the broadcasts' pattern)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from app.booking.errors import BookingNotSetUpError
from app.booking.messages import BookingMessages, RunReport
from app.booking.service import BookingService, shop_now
from ui.booking.texts import COLOURS, status_text
from ui.booking.window import BookingWindow
from ui.worker import BackgroundOp, RunningOps

if TYPE_CHECKING:
    from app.book import Book
    from ui.book_events import BookEvents
    from ui.main_window import MainWindow

log = logging.getLogger("otokui.booking")
#: How often the booking messages due are looked for while the book is open.
RUN_EVERY_MS = 60_000
#: The customer's bookings shown in the detail pane (newest first).
SHOWN_IN_PANE = 20


class CustomerBookings(QWidget):
    """The detail pane's 予約 section: the customer's bookings, newest first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("customerBookings")
        title = QLabel(self.tr("Bookings"), self)
        title.setObjectName("sectionTitle")
        self.list = QListWidget(self)
        self.list.setObjectName("customerBookingList")
        self.list.setMaximumHeight(130)
        self.empty = QLabel(self.tr("No bookings."), self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(self.list)
        layout.addWidget(self.empty)

    def show_for(self, book: Book | None, customer_id: int | None) -> None:
        self.list.clear()
        if book is None or customer_id is None:
            self.hide()
            return
        service = BookingService(book)
        try:
            setup = service.setup()
        except BookingNotSetUpError:
            self.hide()
            return
        names = {m.id: m.name for m in setup.menus} | {c.id: c.name for c in setup.classes}
        staff = {s.id: s.name for s in setup.staff}
        rows = service.booking_history(customer_id, SHOWN_IN_PANE)
        for b in rows:
            who = staff.get(b.staff_id or "", "")
            item = QListWidgetItem(" ".join(x for x in (
                f"{b.start:%Y-%m-%d %H:%M}", names.get(b.menu_id, b.menu_id), who,
                f"［{status_text(b.status)}］") if x))
            item.setData(Qt.ItemDataRole.UserRole, b.id)
            item.setBackground(COLOURS[b.status])
            self.list.addItem(item)
        self.list.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self.show()


class BookingIntegration(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.book: Book | None = None
        self.booking_window: BookingWindow | None = None
        self._events: BookEvents | None = None
        self._customer: int | None = None
        self.pane: CustomerBookings | None = None
        act = QAction(self.tr("&Reservations…"), window)
        act.setObjectName("actBookings")
        act.setShortcut(QKeySequence("Ctrl+Shift+R"))
        tip = self.tr("The calendar of bookings, the list and the approval queue")
        act.setToolTip(tip)
        act.setStatusTip(tip)
        act.triggered.connect(lambda _c=False: self.open())
        act.setEnabled(False)
        window.addAction(act)
        self.act_open = act
        # A menu of its own after フォーム (before ツール), never a toolbar button.
        bar = window.menuBar()
        self.menu = bar.addMenu(self.tr("Re&servations"))
        self.menu.setObjectName("bookingMenu")
        self.menu.addAction(act)
        # The booking messages (reminders …) due meanwhile go out a minute after the book
        # opens and then every minute while it is open (in the background, never twice).
        self.timer = QTimer(self)
        self.timer.setInterval(RUN_EVERY_MS)
        self.timer.timeout.connect(self.run_due_now)
        self._ops = RunningOps()
        self.last_report: RunReport | None = None
        forms = window.forms.menu.menuAction()
        actions = bar.actions()
        if forms in actions and actions.index(forms) + 1 < len(actions):
            bar.insertMenu(actions[actions.index(forms) + 1], self.menu)

    def build(self, book: Book, events: BookEvents) -> None:
        self.book = book
        self._events = events
        events.changed.connect(self._book_changed)
        self.act_open.setEnabled(True)
        content = self.window.content
        if content is not None:
            detail = content.detail
            self.pane = CustomerBookings(detail.page)
            layout = detail.page.layout()
            assert isinstance(layout, QVBoxLayout)
            # Above the timeline's title (the timeline is the last list of the pane).
            at = layout.indexOf(detail.timeline)
            layout.insertWidget(max(0, at - 1), self.pane)
            self.pane.hide()
        # The first run a minute after opening, not at once: opening (and the demo) stays
        # quick, and a lock right after opening is not held up by sends in progress.
        self.timer.start()

    def teardown(self) -> None:
        self.timer.stop()
        if self._events is not None:
            self._events.changed.disconnect(self._book_changed)
            self._events = None
        if self.booking_window is not None:
            self.booking_window.hide()
            self.booking_window.deleteLater()
            self.booking_window = None
        self.pane = None  # it goes with the content
        self.book = None
        self._customer = None
        self.act_open.setEnabled(False)

    def open(self) -> BookingWindow | None:
        if self.book is None:
            return None
        if self.booking_window is None:
            self.booking_window = BookingWindow(
                self.book, self.window, selected_customer=lambda: self._customer)
        self.booking_window.show()
        self.booking_window.raise_()
        self.booking_window.activateWindow()
        return self.booking_window

    def run_due_now(self) -> BackgroundOp | None:
        """Send the booking messages due now, in the background (nothing without LINE, or
        while a run is still going)."""
        book = self.book
        if book is None or self._ops.busy or not book.line.has_access_token():
            return None
        op = BackgroundOp(lambda _p: BookingMessages(book).run_due(shop_now()))
        op.succeeded.connect(self._ran)
        op.failed.connect(lambda exc: log.info("booking messages not sent: %s",
                                               type(exc).__name__))
        return self._ops.track(op.start())

    def _ran(self, report: RunReport) -> None:
        self.last_report = report
        if not report.sent or self.book is None:
            return
        window = self.open() if report.late else self.booking_window
        if window is not None:
            text = window.show_messages_report(report)
            self.window.statusBar().showMessage(text, 15000)

    @property
    def busy(self) -> bool:
        return self._ops.busy

    def selection_changed(self, ids: list[int]) -> None:
        self._customer = ids[0] if len(ids) == 1 else None
        if self.pane is not None:
            self.pane.show_for(self.book, self._customer)

    def _book_changed(self, kinds: set[str], _ids: dict[str, set[int] | None]) -> None:
        if "bookings" not in kinds:
            return
        if self.booking_window is not None and self.booking_window.isVisible():
            self.booking_window.book_changed(kinds)
        if self.pane is not None:
            self.pane.show_for(self.book, self._customer)
