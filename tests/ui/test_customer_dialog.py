"""The new-customer dialog: problems beside their fields, nothing typed lost, the id back."""

from __future__ import annotations

import datetime as dt
import itertools

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from ui.dialogs.customer_dialog import NewCustomerDialog


def _dialog(qtbot, book) -> NewCustomerDialog:
    dialog = NewCustomerDialog(book)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_a_valid_customer_is_created_and_its_id_returned(qtbot, book) -> None:
    before = book.customers.count()
    dialog = _dialog(qtbot, book)
    dialog.set_values(name="中村 さくら", furigana="なかむら さくら",
                      phone="０９０-９８７６-５４３２", email="sakura@example.jp",
                      postal_code="1500001",
                      address="東京都渋谷区神宮前1-2-3", birthday="1990年4月1日",
                      memo="紹介: 田中さま\n2回目の来店")
    with qtbot.waitSignal(dialog.accepted):
        dialog.save_button.click()
    assert book.customers.count() == before + 1
    customer = book.customers.get(dialog.customer_id)
    assert customer.name == "中村 さくら"
    assert customer.postal_code == "150-0001"
    assert customer.birthday == dt.date(1990, 4, 1)
    assert customer.memo == "紹介: 田中さま\n2回目の来店"


def test_problems_are_shown_beside_their_fields_and_nothing_is_lost(qtbot, book) -> None:
    before = book.customers.count()
    dialog = _dialog(qtbot, book)
    typed = dict(name="", phone="12", email="not an address", postal_code="15-0001",
                 birthday="2026年13月40日", address="大阪市北区", memo="メモはそのまま")
    dialog.set_values(**typed)
    dialog.save_button.click()
    assert dialog.isVisible() and dialog.customer_id is None
    assert book.customers.count() == before
    for name in ("name", "phone", "email", "postal_code", "birthday"):
        assert dialog.errors[name].isVisible(), name
        assert dialog.errors[name].property("kind") == "error"
    for name in ("furigana", "address", "memo"):
        assert not dialog.errors[name].isVisible(), name
    assert dialog.errors["email"].text() == QCoreApplication.translate(
        "customers", "This is not an email address.")
    assert dialog.errors["birthday"].text() == QCoreApplication.translate(
        "values", "This is not a valid date (for example 2026-11-29).")
    # The value is not echoed back in the message, and the form keeps what was typed.
    assert "not an address" not in dialog.errors["email"].text()
    assert dialog.values()["email"] == "not an address"
    assert dialog.values()["memo"] == "メモはそのまま"
    # The first field with a problem has the focus.
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.edits["name"])

    # Fixing a field clears its message; fixing all of them saves.
    dialog.set_values(name="小林 健太")
    assert not dialog.errors["name"].isVisible()
    dialog.set_values(phone="06-1234-5678", email="kenta@example.jp",
                      postal_code="530-0001", birthday="1985/7/7")
    with qtbot.waitSignal(dialog.accepted):
        dialog.save_button.click()
    assert book.customers.get(dialog.customer_id).address == "大阪市北区"


def test_an_overlong_name_is_refused_beside_the_field(qtbot, book) -> None:
    dialog = _dialog(qtbot, book)
    dialog.set_values(name="長い名前" * 60)  # over 200 characters: the core's limit
    dialog.save_button.click()
    assert dialog.isVisible()
    assert dialog.errors["name"].text() == QCoreApplication.translate(
        "customers", "The text is too long.")
    assert dialog.values()["name"] == "長い名前" * 60


def test_cancel_creates_nothing(qtbot, book) -> None:
    before = book.customers.count()
    dialog = _dialog(qtbot, book)
    dialog.set_values(name="取り消す人")
    dialog.reject()
    assert dialog.customer_id is None
    assert book.customers.count() == before


def test_the_dialog_grows_to_show_every_problem_whole(qtbot, book) -> None:
    """Long messages (a foreign-number hint under the phone, several at once) wrap onto
    more lines: the dialog grows so none is clipped and no field is squashed."""
    dialog = _dialog(qtbot, book)
    dialog.set_values(name="", phone="090123456789", email="not an address",
                      postal_code="15-0001", birthday="2026年13月40日")
    dialog.save_button.click()
    QApplication.processEvents()
    labels = [label for label in dialog.errors.values() if label.isVisible()]
    assert len(labels) == 5
    for label in labels:
        assert label.height() >= label.heightForWidth(label.width()), label.objectName()
    memo = dialog.edits["memo"]
    assert memo.height() == 84
    # Rows stay in order, none drawn over the next.
    rows = [w for name in dialog.FIELDS for w in (dialog.edits[name], dialog.errors[name])
            if w.isVisible()]
    for upper, lower in itertools.pairwise(rows):
        assert upper.geometry().bottom() < lower.geometry().top(), upper.objectName()
    assert dialog.buttons.geometry().bottom() <= dialog.height()
