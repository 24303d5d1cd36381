"""The 予約 window: the calendar (day with staff as columns, or a week), the list with
filters and CSV export, and the approval queue. Every change goes through
app/booking/service.py; the window reloads when the book announces "bookings"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.booking.errors import BookingNotSetUpError
from app.booking.messages import RunReport
from app.booking.service import BookingInfo, BookingService, Status, shop_now
from app.errors import OtokuiError
from ui.booking.calendar import WEEKDAYS_JA, CalendarView
from ui.booking.dialogs import NewBookingDialog
from ui.booking.models import BookingListModel
from ui.booking.texts import status_text
from ui.booking.waitlist import WAIT_ID_ROLE, WaitlistModel, load_waiters
from ui.errors import show_error
from ui.worker import BackgroundOp, run_in_background

if TYPE_CHECKING:
    from app.book import Book
    from app.booking.setup import Setup

#: What the owner may do from each status (the service refuses the rest too).
ACTIONS: dict[str, tuple[Status, ...]] = {
    "visited": (Status.BOOKED,),
    "no_show": (Status.BOOKED,),
    "cancel": (Status.BOOKED, Status.PENDING),
    "approve": (Status.PENDING,),
}


class BookingWindow(QMainWindow):
    def __init__(self, book: Book, parent: QWidget | None = None, *,
                 selected_customer: Callable[[], int | None] | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("bookingWindow")
        self.setWindowTitle(self.tr("Reservations"))
        self.resize(1100, 720)
        self.book = book
        self.service = BookingService(book)
        self.setup: Setup | None = None
        self._selected_customer = selected_customer or (lambda: None)
        #: Called with (booking, notify) after the owner moved or resized a booking.
        self.on_moved: Callable[[BookingInfo, bool], None] = lambda _b, _n: None
        self.last_error: BaseException | None = None

        self.pages = QStackedWidget(self)
        self.not_set_up = QLabel(self.tr(
            "Reservations are not set up yet: describe the menus, staff and hours in a "
            "file and run “python main.py booking setup FILE.json” (see the guide)."), self)
        self.not_set_up.setObjectName("bookingNotSetUp")
        self.not_set_up.setWordWrap(True)
        self.not_set_up.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.tabs = QTabWidget(self)
        self.pages.addWidget(self.not_set_up)
        self.pages.addWidget(self.tabs)
        self.setCentralWidget(self.pages)

        self.calendar = CalendarView(self.service, self)
        self.tabs.addTab(self._calendar_page(), self.tr("Calendar"))
        self.list_model = BookingListModel(self.service, self)
        self.tabs.addTab(self._list_page(), self.tr("Booking list"))
        self.queue_model = BookingListModel(self.service, self)
        self.tabs.addTab(self._queue_page(), self.tr("Approval queue"))
        self.tabs.addTab(self._conflicts_page(), self.tr("Conflicts"))
        self.waitlist_model = WaitlistModel(self)
        self.tabs.addTab(self._waitlist_page(), self.tr("Waitlist"))
        self.calendar.create_requested.connect(self.create_at)
        self.calendar.move_requested.connect(self.move_booking)
        self.calendar.menu_requested.connect(self._booking_menu)
        self.reload()

    # --- pages --------------------------------------------------------------------------
    def _calendar_page(self) -> QWidget:
        page = QWidget(self)
        bar = QHBoxLayout()
        self.btn_prev = QToolButton(page)
        self.btn_prev.setText("◀")
        self.btn_prev.setToolTip(self.tr("Earlier"))
        self.btn_prev.clicked.connect(lambda: self._shift(-1))
        self.btn_today = QPushButton(self.tr("Today"), page)
        self.btn_today.clicked.connect(lambda: self._go(shop_now().date()))
        self.btn_next = QToolButton(page)
        self.btn_next.setText("▶")
        self.btn_next.setToolTip(self.tr("Later"))
        self.btn_next.clicked.connect(lambda: self._shift(1))
        self.range_label = QLabel(page)
        self.range_label.setObjectName("calendarRange")
        self.btn_day = QPushButton(self.tr("Day view"), page)
        self.btn_week = QPushButton(self.tr("Week view"), page)
        group = QButtonGroup(page)
        for b in (self.btn_day, self.btn_week):
            b.setCheckable(True)
            group.addButton(b)
        self.btn_day.setChecked(True)
        # The shown view reads as pressed (the app's style sheet has no checked buttons).
        for b in (self.btn_day, self.btn_week):
            b.setStyleSheet("QPushButton:checked { background: #1a73e8; color: white; }")
        self.btn_day.clicked.connect(lambda: self.set_mode("day"))
        self.btn_week.clicked.connect(lambda: self.set_mode("week"))
        self.btn_new = QPushButton(self.tr("New booking…"), page)
        self.btn_new.clicked.connect(lambda: self.create_at(self._next_start(), None))
        for w in (self.btn_prev, self.btn_today, self.btn_next, self.range_label):
            bar.addWidget(w)
        bar.addStretch(1)
        for w in (self.btn_new, self.btn_day, self.btn_week):
            bar.addWidget(w)
        hint = QLabel(self.tr("Double-click an empty time to book; drag a booking to move "
                              "it, its bottom edge to make it longer; right-click for its "
                              "status."), page)
        hint.setObjectName("calendarHint")
        hint.setWordWrap(True)
        self.messages_note = QLabel(page)
        self.messages_note.setObjectName("bookingMessagesNote")
        self.messages_note.setWordWrap(True)
        self.messages_note.hide()
        layout = QVBoxLayout(page)
        layout.addLayout(bar)
        layout.addWidget(self.messages_note)
        layout.addWidget(self.calendar, 1)
        layout.addWidget(hint)
        return page

    def show_messages_report(self, report: RunReport) -> str:
        """Say what the last run of the booking messages sent, and how late (the desktop
        was off when they came due); the text shown, or "" when there is nothing to say."""
        if not report.sent:
            return ""
        text = self.tr("%n booking message(s) sent to LINE.", "", report.sent)
        if report.late:
            worst = max(minutes for _b, _k, minutes in report.late)
            late = (self.tr("%n hour(s)", "", worst // 60) if worst >= 60
                    else self.tr("%n minute(s)", "", worst))
            text += " " + self.tr(
                "%1 of them went late (up to %2) because Otokui was not running when they "
                "were due.").replace("%1", str(len(report.late))).replace("%2", late)
        self.messages_note.setText(text)
        self.messages_note.show()
        return text

    def _table(self, model: BookingListModel, parent: QWidget) -> QTableView:
        view = QTableView(parent)
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.verticalHeader().hide()
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        view.horizontalHeader().setStretchLastSection(True)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(
            lambda pos, v=view: self._table_menu(v, pos))
        return view

    def _list_page(self) -> QWidget:
        page = QWidget(self)
        day = shop_now().date()
        today = QDate(day.year, day.month, day.day)
        self.date_from = QDateEdit(today.addDays(-7), page)
        self.date_to = QDateEdit(today.addDays(30), page)
        for d in (self.date_from, self.date_to):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
            d.dateChanged.connect(lambda _d: self.reload_list())
        self.status_filter = QComboBox(page)
        self.status_filter.setObjectName("statusFilter")
        self.status_filter.addItem(self.tr("All booking statuses"), None)
        for s in Status:
            self.status_filter.addItem(status_text(s), s.value)
        self.staff_filter = QComboBox(page)
        self.staff_filter.setObjectName("staffFilter")
        self.menu_filter = QComboBox(page)
        self.menu_filter.setObjectName("menuFilter")
        for c in (self.status_filter, self.staff_filter, self.menu_filter):
            c.currentIndexChanged.connect(lambda _i: self.reload_list())
        self.btn_export = QPushButton(self.tr("Export as CSV…"), page)
        self.btn_export.clicked.connect(lambda: self.export_csv())
        bar = QHBoxLayout()
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel("〜", page))
        bar.addWidget(self.date_to)
        for w in (self.status_filter, self.staff_filter, self.menu_filter):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.btn_export)
        self.list_view = self._table(self.list_model, page)
        self.list_view.setObjectName("bookingList")
        self.list_count = QLabel(page)
        layout = QVBoxLayout(page)
        layout.addLayout(bar)
        layout.addWidget(self.list_view, 1)
        layout.addWidget(self.list_count)
        return page

    def _queue_page(self) -> QWidget:
        page = QWidget(self)
        self.queue_view = self._table(self.queue_model, page)
        self.queue_view.setObjectName("approvalQueue")
        self.btn_approve = QPushButton(self.tr("Approve"), page)
        self.btn_approve.clicked.connect(lambda: self._queue_action("approve"))
        self.btn_decline = QPushButton(self.tr("Decline (cancel)"), page)
        self.btn_decline.clicked.connect(lambda: self._queue_action("cancel"))
        bar = QHBoxLayout()
        bar.addStretch(1)
        bar.addWidget(self.btn_decline)
        bar.addWidget(self.btn_approve)
        layout = QVBoxLayout(page)
        layout.addWidget(self.queue_view, 1)
        layout.addLayout(bar)
        return page

    def _conflicts_page(self) -> QWidget:
        """Bookings a friend made on the relay's page that the book could not take (the
        owner booked the same time before the sync, or removed the menu): never resolved
        by themselves (app/booking/sync.py); the owner books anyway or drops each one."""
        page = QWidget(self)
        note = QLabel(self.tr(
            "A friend booked these on the booking page, but the time was already taken in "
            "the book (or the menu is gone). Decide for each: book it anyway, or drop it "
            "(then tell the friend)."), page)
        note.setWordWrap(True)
        self.conflicts_table = QTableWidget(0, 5, page)
        self.conflicts_table.setObjectName("bookingConflicts")
        self.conflicts_table.setHorizontalHeaderLabels([
            self.tr("Date and time"), self.tr("Menu"), self.tr("Staff"),
            self.tr("Customer"), self.tr("Why")])
        self.conflicts_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.conflicts_table.setSelectionBehavior(
            QAbstractItemView.SelectionBehavior.SelectRows)
        self.conflicts_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.conflicts_table.horizontalHeader().setStretchLastSection(True)
        self.btn_conflict_book = QPushButton(self.tr("Book it anyway"), page)
        self.btn_conflict_book.clicked.connect(lambda: self._resolve_conflict(True))
        self.btn_conflict_drop = QPushButton(self.tr("Drop it"), page)
        self.btn_conflict_drop.clicked.connect(lambda: self._resolve_conflict(False))
        bar = QHBoxLayout()
        bar.addStretch(1)
        bar.addWidget(self.btn_conflict_drop)
        bar.addWidget(self.btn_conflict_book)
        layout = QVBoxLayout(page)
        layout.addWidget(note)
        layout.addWidget(self.conflicts_table, 1)
        layout.addLayout(bar)
        return page

    def reload_conflicts(self) -> None:
        from app.booking.sync import conflicts

        found = conflicts(self.book)
        menus = {m.id: m.name for m in self.setup.menus} if self.setup else {}
        staff = {x.id: x.name for x in self.setup.staff} if self.setup else {}
        self.conflicts_table.setRowCount(len(found))
        for r, c in enumerate(found):
            who = ""
            if isinstance(c.get("customer_id"), int):
                try:
                    info = self.book.customers.get(c["customer_id"])
                    who = info.name or info.display_name
                except OtokuiError:
                    who = ""
            cells = [str(c.get("start", "")).replace("T", " "),
                     menus.get(str(c.get("menu_id")), str(c.get("menu_id", ""))),
                     staff.get(str(c.get("staff_id")), self.tr("No preference")
                               if c.get("staff_id") in (None, "", "-") else
                               str(c.get("staff_id"))),
                     who, str(c.get("reason", ""))]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, c.get("hold_id"))
                self.conflicts_table.setItem(r, col, item)
        title = self.tr("Conflicts")
        self.tabs.setTabText(3, f"{title} ({len(found)})" if found else title)
        self.btn_conflict_book.setEnabled(bool(found))
        self.btn_conflict_drop.setEnabled(bool(found))

    def _resolve_conflict(self, book_it: bool) -> None:
        from app.booking.sync import resolve

        row = self.conflicts_table.currentRow()
        item = self.conflicts_table.item(row, 0) if row >= 0 else None
        if item is None:
            return
        try:
            resolve(self.book, str(item.data(Qt.ItemDataRole.UserRole)),
                    book_it=book_it)
        except OtokuiError as exc:
            show_error(self, exc)
        self.reload()

    def _waitlist_page(self) -> QWidget:
        """キャンセル待ち: friends who found a time taken on the booking page and asked for
        it (app.booking.sync.waiters). A time freed in the book is offered to the first
        waiter it fits when the free times are published; the owner may take a waiter off."""
        page = QWidget(self)
        note = QLabel(self.tr(
            "Friends waiting for a taken time. When the time frees up, publishing the free "
            "times gives it to the first one waiting (they get the booking and its "
            "confirmation)."), page)
        note.setWordWrap(True)
        self.waitlist_view = QTableView(page)
        self.waitlist_view.setObjectName("bookingWaitlist")
        self.waitlist_view.setModel(self.waitlist_model)
        self.waitlist_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.waitlist_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.waitlist_view.horizontalHeader().setStretchLastSection(True)
        self.btn_unwait = QPushButton(self.tr("Take off the waitlist"), page)
        self.btn_unwait.clicked.connect(self.remove_selected_waiter)
        self.btn_offer = QPushButton(self.tr("Offer freed times now"), page)
        self.btn_offer.clicked.connect(self.offer_freed_times)
        bar = QHBoxLayout()
        bar.addStretch(1)
        bar.addWidget(self.btn_unwait)
        bar.addWidget(self.btn_offer)
        layout = QVBoxLayout(page)
        layout.addWidget(note)
        layout.addWidget(self.waitlist_view, 1)
        layout.addLayout(bar)
        return page

    def reload_waitlist(self) -> None:
        if self.setup is None:
            return
        self.waitlist_model.set_waiters(load_waiters(self.book, self.setup, shop_now().date()))
        n = self.waitlist_model.waiting()
        title = self.tr("Waitlist")
        self.tabs.setTabText(4, f"{title} ({n})" if n else title)
        self.btn_unwait.setEnabled(n > 0)
        self.btn_offer.setEnabled(n > 0)

    def remove_selected_waiter(self) -> bool:
        from app.booking.sync import remove_waiter

        index = self.waitlist_view.currentIndex()
        wait_id = self.waitlist_model.data(index, WAIT_ID_ROLE) if index.isValid() else None
        if not wait_id:
            return False
        done = remove_waiter(self.book, str(wait_id))
        self.reload_waitlist()
        return done

    def offer_freed_times(self) -> BackgroundOp:
        """Publish the free times: the relay gives each freed time to its first waiter
        and forgets those taken off the list (in the background: it talks to the relay)."""
        from app.booking.service import publish

        return run_in_background(self, lambda _p: publish(self.book),
                                 on_success=lambda _n: self.reload_waitlist(),
                                 on_failure=self._fail,
                                 label=self.tr("Publishing the free times…"))

    # --- loading ------------------------------------------------------------------------
    def reload(self) -> None:
        try:
            self.setup = self.service.setup()
        except BookingNotSetUpError:
            self.setup = None
            self.pages.setCurrentWidget(self.not_set_up)
            return
        self.pages.setCurrentWidget(self.tabs)
        self._fill_filters(self.setup)
        self.calendar.reload(self.setup)
        self._range_text()
        self.reload_list()
        self.reload_queue()
        self.reload_conflicts()
        self.reload_waitlist()

    def _fill_filters(self, setup: Setup) -> None:
        for combo, everything, items in (
                (self.staff_filter, self.tr("All staff"),
                 [(s.id, s.name) for s in setup.staff]),
                (self.menu_filter, self.tr("All menus"),
                 [(m.id, m.name) for m in setup.menus] + [
                     (c.id, c.name) for c in setup.classes])):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, None)
            for key, name in items:
                combo.addItem(name, key)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)

    def _filters(self) -> dict[str, object]:
        status = self.status_filter.currentData()
        return {"status": Status(status) if status else None,
                "staff_id": self.staff_filter.currentData(),
                "menu_id": self.menu_filter.currentData()}

    def _period(self) -> tuple[dt.date, dt.date]:
        first = self.date_from.date().toPython()
        last = self.date_to.date().toPython()
        assert isinstance(first, dt.date) and isinstance(last, dt.date)
        return first, last

    def reload_list(self) -> None:
        if self.setup is None:
            return
        first, last = self._period()
        f = self._filters()
        status = f["status"]
        ids = self.service.ids(first, last, status=status if isinstance(status, Status)
                               else None, staff_id=_str(f["staff_id"]),
                               menu_id=_str(f["menu_id"]))
        self.list_model.set_ids(ids, self.setup)
        self.list_count.setText(self.tr("%n booking(s)", "", len(ids)))

    def reload_queue(self) -> None:
        if self.setup is None:
            return
        ids = self.service.pending_ids()
        self.queue_model.set_ids(ids, self.setup)
        title = self.tr("Approval queue")
        self.tabs.setTabText(2, f"{title} ({len(ids)})" if ids else title)

    def book_changed(self, kinds: set[str]) -> None:
        if "bookings" in kinds:
            self.reload()
        elif "settings" in kinds and self.setup is not None:  # a conflict noted on sync
            self.reload_conflicts()
            self.reload_waitlist()

    # --- calendar -----------------------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        self.btn_day.setChecked(mode == "day")
        self.btn_week.setChecked(mode == "week")
        self.calendar.set_mode(mode)
        self._range_text()

    def _go(self, day: dt.date) -> None:
        self.calendar.go(day)
        self._range_text()

    def _shift(self, direction: int) -> None:
        self.calendar.shift(direction)
        self._range_text()

    def _range_text(self) -> None:
        days = self.calendar.days()
        a, b = days[0], days[-1]
        text = f"{a.year}/{a.month}/{a.day}（{WEEKDAYS_JA[a.weekday()]}）"
        if b != a:
            text += f" 〜 {b.month}/{b.day}（{WEEKDAYS_JA[b.weekday()]}）"
        self.range_label.setText(text)

    def _next_start(self) -> dt.datetime:
        day = self.calendar.anchor
        return dt.datetime.combine(day, dt.time()) + dt.timedelta(
            minutes=self.calendar.first_minute)

    # --- actions ------------------------------------------------------------------------
    def _fail(self, exc: BaseException) -> None:
        self.last_error = exc
        show_error(self, exc)

    def create_at(self, start: dt.datetime, staff_id: str | None) -> NewBookingDialog | None:
        if self.setup is None:
            return None
        dialog = NewBookingDialog(self.book, self.setup, start, staff_id, self,
                                  customer_id=self._selected_customer())
        dialog.accepted.connect(lambda: self._book(dialog))
        dialog.open()
        self.last_dialog = dialog
        return dialog

    def _book(self, dialog: NewBookingDialog) -> None:
        try:
            self.service.make(menu_id=dialog.menu_id(), start=dialog.start(),
                              staff_id=dialog.staff_id(), customer_id=dialog.customer_id(),
                              notify=dialog.notify.isChecked())
        except OtokuiError as exc:
            self._fail(exc)
        self.reload()

    def ask_notify(self, info: BookingInfo, *, cancelling: bool = False) -> bool | None:
        """Yes/No: tell the friend about the change; None: do not change it after all.
        Not asked (False) when nothing could be sent: no such message in the setup, or
        the customer is not a LINE friend."""
        messages = self.setup.messages if self.setup is not None else None
        template = (messages.cancellation if cancelling else messages.change) \
            if messages is not None else ""
        if info.customer_id is None or not template:
            return False
        try:
            customer = self.book.customers.get(info.customer_id)
        except OtokuiError:
            return False
        if customer.line_user_id is None or customer.blocked_at is not None:
            return False
        question = (self.tr("Tell the customer in LINE that the booking is cancelled?")
                    if cancelling else
                    self.tr("Tell the customer about the new time in LINE?"))
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Reservations"), question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
            | QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("notifyQuestion")
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Change and notify"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("Change without notice"))
        self.last_question = box
        answer = box.exec()
        if answer == QMessageBox.StandardButton.Cancel:
            return None
        return answer == QMessageBox.StandardButton.Yes

    def move_booking(self, booking_id: str, start: dt.datetime, staff_id: str | None,
             end: dt.datetime | None) -> None:
        try:
            before = self.service.get(booking_id)
            notify = self.ask_notify(before)
            if notify is None:
                self.calendar.update()
                return
            info = self.service.change(booking_id, start=start, staff_id=staff_id, end=end,
                                       notify=notify)
            self.on_moved(info, notify)
        except OtokuiError as exc:
            self._fail(exc)
        self.reload()

    def set_status(self, booking_id: str, action: str) -> None:
        calls = {"visited": self.service.mark_visited, "no_show": self.service.mark_no_show,
                 "approve": self.service.approve}
        try:
            if action == "cancel":
                notify = self.ask_notify(self.service.get(booking_id), cancelling=True)
                if notify is not None:
                    self.service.cancel(booking_id, notify=notify)
            else:
                calls[action](booking_id)
        except OtokuiError as exc:
            self._fail(exc)
        self.reload()

    def action_texts(self) -> dict[str, str]:
        return {"visited": self.tr("Came in (来店)"), "no_show": self.tr("No-show"),
                "cancel": self.tr("Cancel the booking"), "approve": self.tr("Approve")}

    def status_menu(self, booking_id: str) -> QMenu:
        menu = QMenu(self)
        info = self.service.get(booking_id)
        for action, text in self.action_texts().items():
            act = menu.addAction(text)
            act.setEnabled(info.status in ACTIONS[action])
            act.triggered.connect(lambda _c=False, a=action: self.set_status(booking_id, a))
        return menu

    def _booking_menu(self, booking_id: str, pos: QPoint) -> None:
        self.status_menu(booking_id).popup(pos)

    def _table_menu(self, view: QTableView, pos: QPoint) -> None:
        index = view.indexAt(pos)
        model = view.model()
        if not index.isValid() or not isinstance(model, BookingListModel):
            return
        info = model.booking(index.row())
        if info is not None:
            self.status_menu(info.id).popup(view.viewport().mapToGlobal(pos))

    def _queue_action(self, action: str) -> None:
        rows = self.queue_view.selectionModel().selectedRows()
        if not rows:
            return
        info = self.queue_model.booking(rows[0].row())
        if info is not None:
            self.set_status(info.id, action)

    def export_csv(self, path: Path | None = None) -> int:
        if self.setup is None:
            return 0
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self, self.tr("Export the bookings"), "bookings.csv",
                self.tr("CSV files (*.csv)"))
            if not chosen:
                return 0
            path = Path(chosen)
        first, last = self._period()
        try:
            return self.service.export_csv(first, last, path, only=self.list_model.ids())
        except OSError as exc:
            self._fail(exc)
            return 0


def _str(value: object) -> str | None:
    return str(value) if value is not None else None
