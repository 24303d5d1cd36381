"""The new-booking dialog: customer picker (search by name, furigana, phone), menu,
staff, date and time. It only collects; the window books through the service."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.search import CustomerQuery

if TYPE_CHECKING:
    from app.book import Book
    from app.booking.setup import Setup

#: Customers listed under the search box (a search narrows them).
SHOWN = 50


class NewBookingDialog(QDialog):
    def __init__(self, book: Book, setup: Setup, start: dt.datetime,
                 staff_id: str | None, parent: QWidget | None = None, *,
                 customer_id: int | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newBookingDialog")
        self.setWindowTitle(self.tr("New booking"))
        self.book = book
        self.setup = setup
        self.search = QLineEdit(self)
        self.search.setObjectName("customerSearch")
        self.search.setPlaceholderText(self.tr("Search customers by name, furigana or phone"))
        self.customers = QListWidget(self)
        self.customers.setObjectName("customerPicker")
        self.customers.setMinimumHeight(140)
        self.menu = QComboBox(self)
        self.menu.setObjectName("menuChoice")
        for m in setup.menus:
            self.menu.addItem(f"{m.name}（{m.duration}分）", m.id)
        for c in setup.classes:
            self.menu.addItem(c.name, c.id)
        self.staff = QComboBox(self)
        self.staff.setObjectName("staffChoice")
        self.staff.addItem(self.tr("No preference"), None)
        for s in setup.staff:
            self.staff.addItem(s.name, s.id)
        if staff_id is not None:
            self.staff.setCurrentIndex(max(0, self.staff.findData(staff_id)))
        self.when = QDateTimeEdit(QDateTime(QDate(start.year, start.month, start.day),
                                         QTime(start.hour, start.minute)), self)
        self.when.setObjectName("bookingStart")
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.when.setCalendarPopup(True)
        form = QFormLayout()
        form.addRow(self.tr("Customer for the booking"), self.search)
        form.addRow("", self.customers)
        form.addRow(self.tr("Booked menu"), self.menu)
        form.addRow(self.tr("Staff member"), self.staff)
        form.addRow(self.tr("Booking time"), self.when)
        self.notify = QCheckBox(self.tr("Send the confirmation in LINE"), self)
        self.notify.setObjectName("sendConfirmation")
        self.notify.setChecked(bool(setup.messages.confirmation))
        self.notify.setEnabled(bool(setup.messages.confirmation))
        form.addRow("", self.notify)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
            self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Book"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.search.textChanged.connect(self._find)
        self._find("")
        if customer_id is not None:
            self.choose_customer(customer_id)

    def _find(self, text: str) -> None:
        ids = self.book.search.ids(CustomerQuery(text=text.strip()))[:SHOWN]
        rows = self.book.customers.rows(ids)
        self.customers.clear()
        walk_in = QListWidgetItem(self.tr("(no customer: a walk-in)"))
        walk_in.setData(Qt.ItemDataRole.UserRole, None)
        self.customers.addItem(walk_in)
        for cid in ids:
            r = rows.get(cid)
            if r is None:
                continue
            item = QListWidgetItem(" ".join(x for x in (r.name or r.display_name or "—",
                                                        r.phone or "") if x))
            item.setData(Qt.ItemDataRole.UserRole, cid)
            self.customers.addItem(item)
        self.customers.setCurrentRow(1 if self.customers.count() > 1 and text else 0)

    def choose_customer(self, customer_id: int) -> None:
        for n in range(self.customers.count()):
            if self.customers.item(n).data(Qt.ItemDataRole.UserRole) == customer_id:
                self.customers.setCurrentRow(n)
                return

    def customer_id(self) -> int | None:
        item = self.customers.currentItem()
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return int(value) if value is not None else None

    def menu_id(self) -> str:
        return str(self.menu.currentData())

    def staff_id(self) -> str | None:
        value = self.staff.currentData()
        return str(value) if value is not None else None

    def start(self) -> dt.datetime:
        value = self.when.dateTime().toPython()
        assert isinstance(value, dt.datetime)
        return value.replace(second=0, microsecond=0)
