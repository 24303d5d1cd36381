"""The customer's purchase history, a section of the detail pane (ui/widgets/detail_pane):
the totals (as the 購入合計/購入回数/最終購入日 fields keep them) and the orders, newest
first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel, QListWidget, QVBoxLayout, QWidget

from ui.formatting import format_date
from ui.purchases.texts import source_text, status_text, yen

if TYPE_CHECKING:
    from app.book import Book


class PurchaseHistory(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("purchaseHistory")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel(self.tr("Purchase history"), self)
        self.title.setObjectName("sectionTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.orders = QListWidget(self)
        self.orders.setObjectName("purchaseOrders")
        self.orders.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.orders.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.orders.setWordWrap(True)
        self.orders.setMaximumHeight(160)
        for w in (self.title, self.summary, self.orders):
            layout.addWidget(w)
        self.customer_id: int | None = None

    def show_customer(self, book: Book | None, customer_id: int | None) -> None:
        self.customer_id = customer_id
        self.orders.clear()
        if book is None or customer_id is None:
            self.hide()
            return
        self.show()
        summary = book.purchases.summary(customer_id)
        if summary.orders == 0:
            self.summary.setText(self.tr("No purchases yet."))
            self.orders.hide()
            return
        self.summary.setText(self.tr("%1 purchases, %2 in all, last on %3")
                             .replace("%1", str(summary.orders))
                             .replace("%2", yen(summary.total))
                             .replace("%3", format_date(summary.last)))
        self.orders.show()
        for o in book.purchases.history(customer_id)[:100]:
            items = "、".join(f"{ln.name}×{ln.quantity}" for ln in o.lines)
            refund = "" if o.refunded == 0 else f"（{status_text(o.status)} {yen(o.refunded)}）"
            self.orders.addItem(f"{format_date(o.ordered_at)}  {yen(o.total)}{refund}  "
                                f"{source_text(o.source)}\n{items}")
