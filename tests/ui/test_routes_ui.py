"""お客様 → 流入経路… in the main window (pytest-qt, the real window on a real book):
a menu entry (never a toolbar button), the dialog adds a route and shows its counts."""

from __future__ import annotations

import time
from typing import Any

import pytest

from app.routes.arrivals import apply as apply_arrival
from app.routes.arrivals import arrival_plaintext


@pytest.mark.qt_log_ignore(r"This plugin does not support raise\(\)", extend=True)
def test_the_routes_dialog_adds_a_route_and_counts_arrivals(window: Any, qtbot: Any) -> None:
    routes = window.routes
    assert routes.action.isEnabled()
    menus = [a.menu() for a in window.menuBar().actions() if a.menu() is not None]
    holder = next(m for m in menus if window.act_fields in m.actions())
    assert routes.action in holder.actions()
    assert routes.action not in window.toolbar.actions()
    dialog = routes.open()
    assert dialog is not None and dialog.isVisible()
    assert dialog.table.rowCount() == 0 and not dialog.btn_qr.isEnabled()
    info = dialog.add("カウンターQR", ["QR来店"])
    assert info is not None and dialog.table.rowCount() == 1
    assert dialog.table.item(0, 0).text() == "カウンターQR"
    assert dialog.table.item(0, 1).text() == "QR来店"
    assert dialog.table.item(0, 2).text() == "0"
    item = arrival_plaintext("b" * 32, info.slug, int(time.time() * 1000), "U" + "2" * 32)
    assert apply_arrival(window.book, item) == "arrived"
    dialog.refresh()
    assert (dialog.table.item(0, 2).text(), dialog.table.item(0, 3).text()) == ("1", "1")
    dialog.close()
