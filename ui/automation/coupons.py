"""The detail pane's coupons: each of the customer's coupons with its expiry, and a 使う
button that marks it used (``book.coupons.use``; the timeline records it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.coupons import today_jst
from app.errors import OtokuiError
from ui.errors import show_error
from ui.formatting import format_date

if TYPE_CHECKING:
    from app.book import Book


class CouponsBox(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("couponsBox")
        self.book: Book | None = None
        self.customer_id: int | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        title = QLabel(self.tr("Coupons"), self)
        title.setObjectName("sectionTitle")  # the detail pane's section look
        outer.addWidget(title)
        self.rows = QVBoxLayout()
        self.rows.setSpacing(4)
        outer.addLayout(self.rows)
        self.buttons: dict[str, QPushButton] = {}
        self.hide()

    def show_for(self, book: Book, customer_id: int) -> None:
        self.book, self.customer_id = book, customer_id
        while self.rows.count():
            item = self.rows.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.deleteLater()
        self.buttons.clear()
        coupons = book.coupons.for_customer(customer_id)
        today = today_jst()
        for c in coupons:
            line = QWidget(self)
            box = QHBoxLayout(line)
            box.setContentsMargins(0, 0, 0, 0)
            if c.status == "used":
                state = self.tr("used")
            elif c.expired(today):
                state = self.tr("expired")
            elif c.expires_on is not None:
                state = self.tr("until %1").replace("%1", format_date(c.expires_on))
            else:
                state = ""
            label = QLabel(f"{c.code}  {c.title}  {state}".strip(), line)
            label.setWordWrap(True)
            box.addWidget(label, 1)
            use = QPushButton(self.tr("Use"), line)
            use.setObjectName("couponUse")
            use.setToolTip(self.tr("Mark this coupon used (at the till)"))
            use.setEnabled(c.status != "used" and not c.expired(today))
            use.clicked.connect(lambda _c=False, code=c.code: self.use(code))
            box.addWidget(use)
            self.buttons[c.code] = use
            self.rows.addWidget(line)
        self.setVisible(bool(coupons))

    def use(self, code: str) -> bool:
        book, cid = self.book, self.customer_id
        if book is None or cid is None:
            return False
        try:
            book.coupons.use(code)
        except OtokuiError as exc:
            show_error(self, exc)
            return False
        self.show_for(book, cid)
        return True
