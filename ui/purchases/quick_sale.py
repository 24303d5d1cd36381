"""A sale at the counter (販売 → 店頭販売): products from the catalogue (or a free line),
quantities, the total; recorded on the selected customer (or on nobody)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.purchases.texts import yen

if TYPE_CHECKING:
    from app.book import Book


class QuickSaleDialog(QDialog):
    def __init__(self, book: Book, customer_id: int | None, customer_name: str,
                 parent: QWidget | None = None) -> None:
        from app.purchases.service import SaleLine

        super().__init__(parent)
        self.book = book
        self.customer_id = customer_id
        self.order_id: int | None = None
        self.setObjectName("quickSaleDialog")
        self.setWindowTitle(self.tr("Sale at the counter"))
        layout = QVBoxLayout(self)
        who = customer_name if customer_id is not None else self.tr("No customer")
        layout.addWidget(QLabel(self.tr("Customer: %1").replace("%1", who), self))
        row = QHBoxLayout()
        self.product = QComboBox(self)
        self.product.setObjectName("saleProduct")
        self._products = {p.id: p for p in book.purchases.products(shown_only=True)}
        for p in self._products.values():
            self.product.addItem(f"{p.name}　{yen(p.price)}", p.id)
        self.quantity = QSpinBox(self)
        self.quantity.setObjectName("saleQuantity")
        self.quantity.setRange(1, 999)
        add = QPushButton(self.tr("Add to the sale"), self)
        add.setObjectName("saleAdd")
        add.clicked.connect(lambda _c=False: self.add_line())
        add.setEnabled(bool(self._products))
        for w in (self.product, self.quantity, add):
            row.addWidget(w)
        layout.addLayout(row)
        self.lines_view = QListWidget(self)
        self.lines_view.setObjectName("saleLines")
        layout.addWidget(self.lines_view)
        self.total = QLabel(self)
        self.total.setObjectName("saleTotal")
        layout.addWidget(self.total)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            self.tr("Record the sale"))
        self.buttons.accepted.connect(self.record)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.lines: list[SaleLine] = []
        self._update()

    def add_line(self, product_id: int | None = None, quantity: int | None = None) -> None:
        from app.purchases.service import SaleLine

        pid = self.product.currentData() if product_id is None else product_id
        qty = self.quantity.value() if quantity is None else quantity
        if pid is None:
            return
        p = self._products[int(pid)]
        self.lines.append(SaleLine(product_id=p.id, quantity=qty))
        self.lines_view.addItem(f"{p.name} × {qty}　{yen(p.price * qty)}")
        self._update()

    def _update(self) -> None:
        total = sum(self._products[ln.product_id].price * ln.quantity
                    for ln in self.lines if ln.product_id is not None)
        self.total.setText(self.tr("Total (tax included): %1").replace("%1", yen(total)))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.lines))

    def record(self) -> None:
        from app.errors import OtokuiError
        from ui.errors import translate_error

        try:
            self.order_id = self.book.purchases.quick_sale(self.customer_id, self.lines)
        except OtokuiError as exc:
            message, advice = translate_error(exc)
            QMessageBox.warning(self, self.windowTitle(), f"{message}\n{advice}")
            return
        self.accept()
