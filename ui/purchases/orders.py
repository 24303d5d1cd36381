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
    from ui.preview import PreviewWindow
    from ui.purchases.refund import RefundDialog
    from ui.worker import BackgroundOp


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
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.itemSelectionChanged.connect(self._update_actions)
        layout.addWidget(self.table)
        actions = QHBoxLayout()
        self.refund_button = QPushButton(self.tr("Refund…"), self)
        self.refund_button.setObjectName("orderRefund")
        self.refund_button.clicked.connect(lambda _c=False: self.refund())
        self.receipt_button = QPushButton(self.tr("Show the receipt"), self)
        self.receipt_button.setObjectName("orderReceipt")
        self.receipt_button.clicked.connect(lambda _c=False: self.show_receipt())
        self.save_receipt_button = QPushButton(self.tr("Save the receipt…"), self)
        self.save_receipt_button.setObjectName("orderReceiptSave")
        self.save_receipt_button.clicked.connect(lambda _c=False: self.save_receipt())
        self.send_receipt_button = QPushButton(self.tr("Send the receipt on LINE"), self)
        self.send_receipt_button.setObjectName("orderReceiptSend")
        self.send_receipt_button.clicked.connect(lambda _c=False: self.send_receipt())
        self.sending: BackgroundOp | None = None
        for b in (self.refund_button, self.receipt_button, self.save_receipt_button,
                  self.send_receipt_button):
            actions.addWidget(b)
        self.message = QLabel(self)
        self.message.setObjectName("ordersMessage")
        self.message.setWordWrap(True)
        actions.addWidget(self.message, 1)
        layout.addLayout(actions)
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
        chosen = self.selected()
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
            if chosen is not None and o.id == chosen.id:
                self.table.selectRow(row)
        self.count.setText(self.tr("%1 orders, %2 in all")
                           .replace("%1", str(len(self.shown)))
                           .replace("%2", yen(sum(o.total - o.refunded for o in self.shown))))
        self.export.setEnabled(bool(self.shown))
        self._update_actions()

    def selected(self) -> OrderInfo | None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        return self.shown[rows.pop()] if len(rows) == 1 and self.shown else None

    def select_number(self, number: str) -> bool:
        for row, o in enumerate(self.shown):
            if o.number == number:
                self.table.selectRow(row)
                return True
        return False

    def _update_actions(self) -> None:
        order = self.selected()
        for b in (self.refund_button, self.receipt_button, self.save_receipt_button):
            b.setEnabled(order is not None)
        self.send_receipt_button.setEnabled(order is not None and order.customer_id is not None
                                            and self.sending is None)

    def refund(self, *, exec_dialog: bool = True) -> RefundDialog | None:
        from ui.purchases.refund import RefundDialog

        order = self.selected()
        if order is None:
            return None
        dialog = RefundDialog(self.book, order, self)
        dialog.accepted.connect(self.refresh)
        if exec_dialog:
            dialog.exec()
        return dialog

    def show_receipt(self) -> PreviewWindow | None:
        from app.errors import OtokuiError
        from ui.purchases.receipts import open_receipt

        order = self.selected()
        if order is None:
            return None
        try:
            window = open_receipt(self, self.book, order)
        except OtokuiError as exc:
            self._say(exc)
            return None
        self.message.setText("")
        return window

    def save_receipt(self, path: str | None = None) -> Path | None:
        from app.errors import OtokuiError
        from ui.purchases.receipts import save_receipt

        order = self.selected()
        if order is None:
            return None
        try:
            saved = save_receipt(self, self.book, order, path)
        except OtokuiError as exc:
            self._say(exc)
            return None
        except OSError as exc:
            self.message.setText(self.tr("The receipt could not be saved: %1").replace(
                "%1", exc.strerror or type(exc).__name__))
            return None
        if saved is not None:
            self.message.setText(self.tr("Saved the receipt: %1").replace("%1", saved.name))
        return saved

    def send_receipt(self) -> BackgroundOp | None:
        """Send the buyer a link to the receipt on LINE (in the background: the relay and
        LINE are asked); the result is said under the list."""
        from app.purchases.receipt_link import send_receipt
        from ui.worker import run_in_background

        order = self.selected()
        if order is None or self.sending is not None:
            return None
        book, order_id = self.book, order.id

        def done(_sent: object) -> None:
            self.sending = None
            self.message.setText(self.tr("Sent the receipt's link on LINE."))
            self._update_actions()

        def failed(exc: BaseException) -> None:
            from app.errors import OtokuiError

            self.sending = None
            self._update_actions()
            if isinstance(exc, OtokuiError):
                self._say(exc)
            else:
                self.message.setText(self.tr("The receipt could not be sent."))

        self.message.setText(self.tr("Sending the receipt…"))
        self.sending = run_in_background(self, lambda _p: send_receipt(book, order_id),
                                         on_success=done, on_failure=failed)
        self._update_actions()
        return self.sending

    def _say(self, exc: Exception) -> None:
        from app.errors import OtokuiError
        from ui.errors import translate_error

        assert isinstance(exc, OtokuiError)
        message, advice = translate_error(exc)
        self.message.setText(f"{message} {advice}".strip())

    def export_csv(self, path: str | None = None) -> int | None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Write the orders as CSV"),
                                                  "orders.csv", "CSV (*.csv)")
            if not path:
                return None
        return self.book.purchases.export_orders(Path(path), self.shown)
