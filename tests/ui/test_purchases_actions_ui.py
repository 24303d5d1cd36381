"""販売 from the window, the rest (pytest-qt, the real window on a real book; English
source texts): refunds (part, then the rest; an online order says Stripe refunds it),
the receipt shown from memory and saved, its issuer set, and a product's photo set by
dropping a file or choosing one (a file that is no image refused, nothing changed)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog

from app.purchases.service import PurchaseService, SaleLine
from app.store.models_purchases import OrderLine


def _png() -> bytes:
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("#c0ffee"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, "PNG")
    return bytes(data.data())


def test_refunds_from_the_orders_list(window: Any, seeded: Any, qtbot: Any) -> None:
    book = window.book
    beans = book.purchases.add_product("P1", "コーヒー豆", 1980, tax_rate=8)
    cid = seeded.customers["田中"]
    order_id = book.purchases.quick_sale(cid, [SaleLine(product_id=beans, quantity=2)])
    number = book.purchases.get(order_id).number
    with book.db.write() as s:
        PurchaseService.record_in(s, number="cs_test_online", customer_id=cid,
                                  source="online", at=dt.datetime(2026, 12, 1),
                                  lines=[OrderLine(name="カット", unit_price=4400,
                                                   quantity=1, tax_rate=10)])
    orders = window.purchases.open_orders()
    assert orders is not None and orders.table.rowCount() == 2
    assert not orders.refund_button.isEnabled()
    assert orders.select_number(number)
    dialog = orders.refund(exec_dialog=False)
    assert dialog is not None
    dialog.part.setChecked(True)
    dialog.amount.setValue(1000)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.refunded is not None and dialog.refunded.refunded == 1000
    qtbot.waitUntil(lambda: orders.table.item(0, 6) is not None and any(
        orders.table.item(r, 6).text() == "¥1,000" for r in range(orders.table.rowCount())),
        timeout=5000)
    assert orders.select_number(number)
    rest = orders.refund(exec_dialog=False)
    assert rest is not None and rest.amount.maximum() == 2960
    rest.buttons.button(QDialogButtonBox.StandardButton.Ok).click()  # all that is left
    assert book.purchases.get(order_id).status == "refunded"
    assert orders.select_number(number)
    done = orders.refund(exec_dialog=False)
    assert done is not None and not done.buttons.button(
        QDialogButtonBox.StandardButton.Ok).isEnabled()
    # Paid online: refunded at Stripe through the relay (tests/sync/test_online_refund.py),
    # never only in the book.
    assert orders.select_number("cs_test_online")
    online = orders.refund(exec_dialog=False)
    assert online is not None and "Stripe" in online.note.text()
    assert online.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    orders.close()


def test_receipt_shown_and_saved_after_the_issuer_is_set(window: Any, seeded: Any,
                                                         tmp_path: Path) -> None:
    book = window.book
    beans = book.purchases.add_product("P1", "コーヒー豆", 1980, tax_rate=8)
    order_id = book.purchases.quick_sale(seeded.customers["田中"],
                                         [SaleLine(product_id=beans, quantity=1)])
    orders = window.purchases.open_orders()
    assert orders is not None and orders.select_number(book.purchases.get(order_id).number)
    assert orders.show_receipt() is None  # no issuer yet: said in the dialog
    assert "registration number" in orders.message.text()
    issuer = window.purchases.edit_issuer(exec_dialog=False)
    assert issuer is not None
    issuer.shop.setText("喫茶おとくい")
    issuer.registration.setText("T123")
    issuer.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert "13 digits" in issuer.error.text()
    issuer.registration.setText("Ｔ１２３４５６７８９０１２３")  # full-width is accepted
    issuer.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert issuer.result() == issuer.DialogCode.Accepted
    preview = orders.show_receipt()
    assert preview is not None and preview.viewer is not None
    assert preview.viewer.ok  # type: ignore[union-attr]  # QtPdf read it from memory
    preview.close()
    out = tmp_path / "receipt.pdf"
    assert orders.save_receipt(str(out)) == out
    assert out.read_bytes().startswith(b"%PDF")
    orders.close()


def _drop(widget: Any, path: Path) -> bool:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)
    return drop.isAccepted()


def test_product_photo_by_drop_or_file_picker(window: Any, tmp_path: Path,
                                              monkeypatch: Any) -> None:
    book = window.book
    book.purchases.add_product("P1", "コーヒー豆", 1980, tax_rate=8)
    book.purchases.add_product("P2", "カット", 4400)
    dialog = window.purchases.open_products(exec_dialog=False)
    assert dialog is not None and dialog.table.rowCount() == 2
    assert dialog.select_code("P1")
    photo = tmp_path / "beans.png"
    photo.write_bytes(_png())
    assert _drop(dialog.photo, photo)
    assert {p.code: p.photo for p in book.purchases.products()}["P1"] == photo.read_bytes()
    assert dialog.photo.pixmap() is not None and not dialog.photo.pixmap().isNull()
    assert dialog.table.item(0, 4).text() == "Yes"
    # An .exe named .jpg: refused with the reason, the photo kept.
    fake = tmp_path / "virus.jpg"
    fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 100)
    assert _drop(dialog.photo, fake)
    assert "JPEG or PNG" in dialog.message.text()
    assert {p.code: p.photo for p in book.purchases.products()}["P1"] == photo.read_bytes()
    # The file picker (Qt's static dialog answered here), on the other product.
    assert dialog.select_code("P2")
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(photo), "")))
    dialog.choose.click()
    assert {p.code: p.photo_type for p in book.purchases.products()}["P2"] == "image/png"
    dialog.remove.click()
    assert {p.code: p.photo for p in book.purchases.products()}["P2"] is None
    dialog.close()
