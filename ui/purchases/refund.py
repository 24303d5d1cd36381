"""Refund an order from the orders list (販売 → 注文一覧 → 返金…): all that is left, or a
part, through the same ``book.purchases.refund`` the CLI and sync use. An order paid
online is refunded at Stripe, where the money is (app/purchases/online_refund.py, through
the relay, in the background): the book shows it after the next sync, when Stripe's
webhook comes back, never before."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.purchases.texts import yen

if TYPE_CHECKING:
    from app.book import Book
    from app.purchases.service import OrderInfo
    from ui.worker import BackgroundOp


class RefundDialog(QDialog):
    def __init__(self, book: Book, order: OrderInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        order = book.purchases.get(order.id)  # as it is now (a list row may be older)
        self.book, self.order = book, order
        self.refunded: OrderInfo | None = None
        self.setObjectName("refundDialog")
        self.setWindowTitle(self.tr("Refund order %1").replace("%1", order.number))
        layout = QVBoxLayout(self)
        left = order.total - order.refunded
        layout.addWidget(QLabel(self.tr("Paid %1, refunded %2, left %3")
                                .replace("%1", yen(order.total))
                                .replace("%2", yen(order.refunded))
                                .replace("%3", yen(left)), self))
        self.full = QRadioButton(self.tr("Refund all that is left"), self)
        self.part = QRadioButton(self.tr("Refund part of it"), self)
        group = QButtonGroup(self)
        group.addButton(self.full)
        group.addButton(self.part)
        self.full.setChecked(True)
        self.amount = QSpinBox(self)
        self.amount.setObjectName("refundAmount")
        self.amount.setRange(1, max(1, left))
        self.amount.setValue(max(1, left))
        self.amount.setPrefix("¥")
        self.amount.setGroupSeparatorShown(True)
        self.amount.setEnabled(False)
        self.part.toggled.connect(self.amount.setEnabled)
        for w in (self.full, self.part, self.amount):
            layout.addWidget(w)
        self.note = QLabel(self)
        self.note.setObjectName("refundNote")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Refund"))
        self.buttons.accepted.connect(self.record)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        controls: tuple[QWidget, ...] = (self.full, self.part, self.amount, ok)
        self.refund_id: str | None = None
        self.pending: BackgroundOp | None = None
        if left <= 0:
            self.note.setText(self.tr("Nothing is left to refund."))
            for control in controls:
                control.setEnabled(False)
        elif order.source == "online":
            self.note.setText(self.tr("Paid online: Stripe makes the refund (through the "
                                      "relay), and the book shows it after the next sync."))

    def record(self) -> None:
        from app.errors import OtokuiError
        from ui.errors import translate_error

        amount = self.amount.value() if self.part.isChecked() else None
        if self.order.source == "online":
            self._online(amount)
            return
        try:
            self.refunded = self.book.purchases.refund(self.order.id, amount)
        except OtokuiError as exc:
            message, advice = translate_error(exc)
            self.note.setText(f"{message} {advice}")
            return
        self.accept()

    def _online(self, amount: int | None) -> None:
        from app.errors import OtokuiError
        from app.purchases.online_refund import request_refund
        from ui.errors import translate_error
        from ui.worker import run_in_background

        if self.pending is not None:
            return
        book, order_id = self.book, self.order.id
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(False)

        def done(refund_id: object) -> None:
            self.pending = None
            self.refund_id = str(refund_id)
            self.accept()

        def failed(exc: BaseException) -> None:
            self.pending = None
            ok.setEnabled(True)
            if isinstance(exc, OtokuiError):
                message, advice = translate_error(exc)
                self.note.setText(f"{message} {advice}")
            else:
                self.note.setText(self.tr("The refund could not be asked of Stripe."))

        self.note.setText(self.tr("Asking Stripe for the refund…"))
        self.pending = run_in_background(self, lambda _p: request_refund(book, order_id, amount),
                                         on_success=done, on_failure=failed)
