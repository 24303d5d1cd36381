"""The orders list (販売 → 注文一覧): filters by period, status and how it was sold, and
the shown orders written as CSV (the same format as ``order list --csv``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.formatting import format_datetime
from ui.purchases.texts import source_text, status_text, yen

if TYPE_CHECKING:
    from app.book import Book
    from app.purchases.service import OrderInfo


class OrdersDialog(QDialog):
    def __init__(self, book: Book, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.book = book
        self.setObjectName("ordersDialog")
        self.setWindowTitle(self.tr("Orders"))
        self.resize(860, 520)
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.use_period = QCheckBox(self.tr("Period"), self)
        self.since = QDateEdit(QDate.currentDate().addMonths(-1), self)
        self.until = QDateEdit(QDate.currentDate(), self)
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(lambda _d: self.refresh())
        self.use_period.toggled.connect(lambda _c: self.refresh())
        self.status = QComboBox(self)
        self.status.setObjectName("orderStatus")
        self.status.addItem(self.tr("Any state"), None)
        for code in ("paid", "partially_refunded", "refunded"):
            self.status.addItem(status_text(code), code)
        self.source = QComboBox(self)
        self.source.setObjectName("orderSource")
        self.source.addItem(self.tr("Sold any way"), None)
        for code in ("counter", "csv", "online"):
            self.source.addItem(source_text(code), code)
        for combo in (self.status, self.source):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        for w in (self.use_period, self.since, QLabel("〜", self), self.until, self.status,
                  self.source):
            filters.addWidget(w)
        filters.addStretch(1)
        layout.addLayout(filters)
        self.table = QTableWidget(0, 7, self)
        self.table.setObjectName("ordersTable")
        self.table.setHorizontalHeaderLabels([
            self.tr("Order number"), self.tr("Ordered at"), self.tr("Customer"),
            self.tr("Sold by"), self.tr("Order state"), self.tr("Order total"),
            self.tr("Refunded amount")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table)
        bottom = QHBoxLayout()
        self.count = QLabel(self)
        bottom.addWidget(self.count, 1)
        self.export = QPushButton(self.tr("Write as CSV…"), self)
        self.export.setObjectName("ordersExport")
        self.export.clicked.connect(lambda _c=False: self.export_csv())
        bottom.addWidget(self.export)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        bottom.addWidget(buttons)
        layout.addLayout(bottom)
        self.shown: list[OrderInfo] = []
        self.refresh()

    def refresh(self) -> None:
        since = until = None
        if self.use_period.isChecked():
            since = dt.date.fromisoformat(self.since.date().toString("yyyy-MM-dd"))
            until = dt.date.fromisoformat(self.until.date().toString("yyyy-MM-dd"))
        orders = self.book.purchases.list(since=since, until=until,
                                          status=self.status.currentData())
        source = self.source.currentData()
        self.shown = [o for o in orders if source is None or o.source == source]
        names = self.book.purchases.customer_names(
            o.customer_id for o in self.shown if o.customer_id is not None)
        self.table.setRowCount(len(self.shown))
        for row, o in enumerate(self.shown):
            cells = [o.number, format_datetime(o.ordered_at),
                     names.get(o.customer_id, "") if o.customer_id is not None else "",
                     source_text(o.source), status_text(o.status), yen(o.total),
                     yen(o.refunded) if o.refunded else ""]
            for col, text in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.count.setText(self.tr("%1 orders, %2 in all")
                           .replace("%1", str(len(self.shown)))
                           .replace("%2", yen(sum(o.total - o.refunded for o in self.shown))))
        self.export.setEnabled(bool(self.shown))

    def export_csv(self, path: str | None = None) -> int | None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Write the orders as CSV"),
                                                  "orders.csv", "CSV (*.csv)")
            if not path:
                return None
        return self.book.purchases.export_orders(Path(path), self.shown)
