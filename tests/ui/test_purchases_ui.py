"""販売 in the main window (pytest-qt, the real window on a real book; these tests see the
English source texts): a menu (never a toolbar button), a sale at the counter on the
selected customer, their purchase history in the detail pane, the orders list with its
filters and CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QDialogButtonBox

from app.purchases.service import SaleLine


def test_sales_menu_counter_sale_history_and_orders(window: Any, seeded: Any, qtbot: Any,
                                                    tmp_path: Path) -> None:
    book = window.book
    sales = window.purchases
    assert sales.menu.isEnabled() and sales.menu.title().replace("&", "") != ""
    assert sales.menu.menuAction() in window.menuBar().actions()
    toolbar = window.toolbar.actions()
    assert sales.act_orders not in toolbar and sales.act_sale not in toolbar
    beans = book.purchases.add_product("P1", "コーヒー豆", 1980, tax_rate=8)
    book.purchases.add_product("P2", "カット", 4400)
    cid = seeded.customers["田中"]
    assert window.select_customer(cid)
    history = sales.history
    assert history is not None and history.isVisibleTo(window)
    assert history.summary.text() == "No purchases yet."

    dialog = sales.quick_sale(exec_dialog=False)
    assert dialog is not None and dialog.customer_id == cid
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.add_line(beans, 2)
    assert dialog.total.text() == "Total (tax included): ¥3,960"
    ok.click()
    assert dialog.order_id is not None
    qtbot.waitUntil(lambda: history.orders.count() == 1, timeout=5000)
    assert "1 purchases, ¥3,960 in all" in history.summary.text()
    assert "コーヒー豆×2" in history.orders.item(0).text()

    book.purchases.quick_sale(None, [SaleLine(name="ギフト券", unit_price=1000)])
    book.purchases.refund(dialog.order_id, 960)
    orders = sales.open_orders()
    assert orders is not None
    qtbot.waitUntil(lambda: orders.table.rowCount() == 2, timeout=5000)
    orders.status.setCurrentIndex(orders.status.findData("partially_refunded"))
    assert orders.table.rowCount() == 1
    assert orders.table.item(0, 4).text() == "Partly refunded"
    assert orders.table.item(0, 2).text() == "田中 太郎"
    out = tmp_path / "orders.csv"
    assert orders.export_csv(str(out)) == 1
    text = out.read_text(encoding="utf-8-sig")
    assert "コーヒー豆×2" in text and "ギフト券" not in text
    orders.status.setCurrentIndex(0)
    orders.source.setCurrentIndex(orders.source.findData("counter"))
    assert orders.table.rowCount() == 2
    orders.close()
