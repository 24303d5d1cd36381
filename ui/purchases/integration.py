"""Sales in the main window: the 販売 menu (never a toolbar button: the toolbar is full at
1280 px in Japanese) with the orders list and a sale at the counter, and the selected
customer's purchase history as a section of the detail pane, above the timeline.

The window calls :meth:`PurchasesIntegration.build` at the end of ``_build_content`` and
:meth:`PurchasesIntegration.teardown` at the start of ``_teardown_content`` (the forms'
pattern)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QVBoxLayout

from ui.purchases.history import PurchaseHistory

if TYPE_CHECKING:
    from app.book import Book
    from ui.book_events import BookEvents
    from ui.main_window import MainWindow
    from ui.purchases.member_review import MemberReviewDialog
    from ui.purchases.orders import OrdersDialog
    from ui.purchases.products import ProductsDialog
    from ui.purchases.quick_sale import QuickSaleDialog
    from ui.purchases.receipts import IssuerDialog


class PurchasesIntegration(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.book: Book | None = None
        self._events: BookEvents | None = None
        self.history: PurchaseHistory | None = None
        self.orders_dialog: OrdersDialog | None = None
        self.act_orders = QAction(self.tr("&Orders…"), window)
        self.act_orders.setObjectName("actOrders")
        self.act_orders.triggered.connect(lambda _c=False: self.open_orders())
        self.act_sale = QAction(self.tr("Sale at the &counter…"), window)
        self.act_sale.setObjectName("actQuickSale")
        self.act_sale.triggered.connect(lambda _c=False: self.quick_sale())
        self.act_review = QAction(self.tr("Member links to &review…"), window)
        self.act_review.setObjectName("actMemberReview")
        self.act_review.triggered.connect(lambda _c=False: self.open_member_review())
        self.review_dialog: MemberReviewDialog | None = None
        bar = window.menuBar()
        self.menu = bar.addMenu(self.tr("Sa&les"))
        self.menu.setObjectName("salesMenu")
        self.menu.addAction(self.act_orders)
        self.menu.addAction(self.act_sale)
        self.act_products = QAction(self.tr("&Products…"), window)
        self.act_products.setObjectName("actProducts")
        self.act_products.triggered.connect(lambda _c=False: self.open_products())
        self.act_issuer = QAction(self.tr("Receipt &issuer…"), window)
        self.act_issuer.setObjectName("actReceiptIssuer")
        self.act_issuer.triggered.connect(lambda _c=False: self.edit_issuer())
        self.menu.addAction(self.act_products)
        self.menu.addAction(self.act_issuer)
        self.menu.addSeparator()
        self.menu.addAction(self.act_review)
        # Right after フォーム (the forms integration is made before this one).
        actions = bar.actions()
        forms = getattr(getattr(window, "forms", None), "menu", None)
        after = forms.menuAction() if forms is not None else None
        if after in actions and actions.index(after) + 1 < len(actions) - 1:
            bar.insertMenu(actions[actions.index(after) + 1], self.menu)
        self.menu.setEnabled(False)

    def build(self, book: Book, events: BookEvents) -> None:
        self.book = book
        self._events = events
        events.changed.connect(self._book_changed)
        self.menu.setEnabled(True)
        content = self.window.content
        if content is not None:
            self.history = PurchaseHistory(content.detail.page)
            body = content.detail.page.layout()
            assert isinstance(body, QVBoxLayout)
            # Above the timeline's section title (the widget just before the timeline).
            index = body.indexOf(content.detail.timeline)
            index = body.count() if index < 1 else index - 1
            body.insertWidget(index, self.history)
            content.view.selectionModel().selectionChanged.connect(self._selection)
            content.view.selectionModel().currentChanged.connect(self._selection)
            self._selection()

    def teardown(self) -> None:
        if self._events is not None:
            self._events.changed.disconnect(self._book_changed)
            self._events = None
        if self.orders_dialog is not None:
            self.orders_dialog.close()
            self.orders_dialog = None
        if self.review_dialog is not None:
            self.review_dialog.close()
            self.review_dialog = None
        if self.history is not None:
            self.history.show_customer(None, None)
            self.history.deleteLater()
            self.history = None
        self.book = None
        self.menu.setEnabled(False)

    def _selection(self, *_args: Any) -> None:
        if self.history is None:
            return
        ids = self.window.selected_ids()
        self.history.show_customer(self.book, ids[0] if len(ids) == 1 else None)

    def _book_changed(self, kinds: set[str], _ids: dict[str, Any]) -> None:
        if "orders" in kinds or "customers" in kinds:
            self._selection()
            if self.orders_dialog is not None and "orders" in kinds:
                self.orders_dialog.refresh()
        if self.review_dialog is not None and "settings" in kinds:
            self.review_dialog.refresh()  # the queue is a book setting (filled on sync)

    def open_orders(self) -> OrdersDialog | None:
        from ui.purchases.orders import OrdersDialog

        if self.book is None:
            return None
        if self.orders_dialog is None:
            self.orders_dialog = OrdersDialog(self.book, self.window)
            self.orders_dialog.finished.connect(lambda _r: self._orders_closed())
        self.orders_dialog.show()
        self.orders_dialog.activateWindow()
        return self.orders_dialog

    def _orders_closed(self) -> None:
        self.orders_dialog = None

    def open_member_review(self) -> MemberReviewDialog | None:
        from ui.purchases.member_review import MemberReviewDialog

        if self.book is None:
            return None
        if self.review_dialog is None:
            self.review_dialog = MemberReviewDialog(self.book, self.window)
            self.review_dialog.finished.connect(lambda _r: self._review_closed())
        self.review_dialog.show()
        self.review_dialog.activateWindow()
        return self.review_dialog

    def _review_closed(self) -> None:
        self.review_dialog = None

    def open_products(self, *, exec_dialog: bool = True) -> ProductsDialog | None:
        from ui.purchases.products import ProductsDialog

        if self.book is None:
            return None
        dialog = ProductsDialog(self.book, self.window)
        if exec_dialog:
            dialog.exec()
        return dialog

    def edit_issuer(self, *, exec_dialog: bool = True) -> IssuerDialog | None:
        from ui.purchases.receipts import IssuerDialog

        if self.book is None:
            return None
        dialog = IssuerDialog(self.book, self.window)
        if exec_dialog:
            dialog.exec()
        return dialog

    def quick_sale(self, *, exec_dialog: bool = True) -> QuickSaleDialog | None:
        from ui.purchases.quick_sale import QuickSaleDialog

        if self.book is None or self.window.content is None:
            return None
        ids = self.window.selected_ids()
        cid = ids[0] if len(ids) == 1 else None
        name = self.window.content.detail.customer_name(cid) if cid is not None else ""
        dialog = QuickSaleDialog(self.book, cid, name, self.window)
        if exec_dialog:
            dialog.exec()
        return dialog
