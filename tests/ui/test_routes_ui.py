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


@pytest.mark.qt_log_ignore(r"This plugin does not support raise\(\)", extend=True)
def test_the_routes_dialog_renames_and_deletes_after_asking(window: Any, qtbot: Any,
                                                             monkeypatch: Any) -> None:
    from PySide6.QtWidgets import QMessageBox

    dialog = window.routes.open()
    assert dialog is not None
    first = dialog.add("カウンターQR", ["QR来店"])
    dialog.add("チラシ")
    assert first is not None
    dialog.table.selectRow(0)
    renamed = dialog.rename("レジ横QR")
    assert renamed is not None and renamed.slug == first.slug
    assert dialog.table.item(0, 0).text() == "レジ横QR"
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    assert dialog.rename("チラシ") is None  # taken: said, nothing changed
    assert shown and "name" in shown[0]
    assert dialog.table.item(0, 0).text() == "レジ横QR"

    asked: list[str] = []

    def answer(choice: QMessageBox.StandardButton) -> Any:
        def question(_parent: Any, _title: str, text: str, *_a: Any) -> Any:
            asked.append(text)
            return choice
        return question

    dialog.table.selectRow(0)
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Cancel))
    assert dialog.delete() is None and dialog.table.rowCount() == 2
    assert "レジ横QR" in asked[0] and "0" in asked[0]
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    gone = dialog.delete()
    assert gone is not None and gone.name == "レジ横QR"
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 0).text() == "チラシ"
    dialog.close()
