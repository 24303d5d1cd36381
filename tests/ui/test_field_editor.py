"""The custom field editor: every type, problems shown, reorder, edit, delete with a count."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QModelIndex, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app import field_usage
from app.fields import FieldType
from ui.dialogs.field_editor import FieldEditorDialog


def _dialog(qtbot, book) -> FieldEditorDialog:
    dialog = FieldEditorDialog(book)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _names(book) -> list[str]:
    return [f.name for f in book.fields.list()]


def test_opens_on_the_first_field_in_the_book_order(qtbot, book) -> None:
    dialog = _dialog(qtbot, book)
    assert dialog.field_ids() == [f.id for f in book.fields.list()]
    assert dialog.name_edit.text() == "来店回数"
    assert not dialog.type_combo.isEnabled()
    assert dialog.field_list.item(0).text().endswith(
        QCoreApplication.translate("fields", "Number"))


def test_creates_a_field_of_every_type(qtbot, book) -> None:
    dialog = _dialog(qtbot, book)
    for ftype in FieldType:
        dialog.add_button.click()
        assert dialog.type_combo.isEnabled()
        dialog.name_edit.setText(f"新しい {ftype.value}")
        dialog.type_combo.setCurrentIndex(dialog.type_combo.findData(ftype.value))
        choice = ftype in (FieldType.SINGLE_CHOICE, FieldType.MULTI_CHOICE)
        assert dialog.choices_edit.isVisible() == choice
        if choice:
            dialog.choices_edit.setPlainText("朝\n\n 昼 \n夜\n朝")
        dialog.required_box.setChecked(ftype is FieldType.TEXT)
        dialog.column_box.setChecked(True)
        dialog.save_button.click()
        field = book.fields.by_name()[f"新しい {ftype.value}"]
        assert field.type == ftype.value
        assert field.choices == (["朝", "昼", "夜"] if choice else [])
        assert field.required == (ftype is FieldType.TEXT)
        # Images and files cannot be a table column.
        assert field.show_in_list == (ftype not in (FieldType.IMAGE, FieldType.FILE))
        assert dialog.field_list.currentItem().data(0x0100) == field.id
        assert dialog.form_message.property("kind") == "good"
    assert len(book.fields.list()) == 6 + len(FieldType)


def test_problems_are_shown_and_nothing_is_made(qtbot, book) -> None:
    dialog = _dialog(qtbot, book)
    before = _names(book)
    dialog.add_button.click()
    dialog.save_button.click()  # no name
    assert dialog.form_message.property("kind") == "error"
    assert dialog.form_message.text() == QCoreApplication.translate(
        "fields", "A field needs a name.")

    dialog.name_edit.setText("来店回数")  # taken
    dialog.save_button.click()
    assert dialog.form_message.text() == QCoreApplication.translate(
        "fields", "A field with this name already exists.")

    dialog.name_edit.setText("担当")
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("single_choice"))
    dialog.save_button.click()  # no choices
    assert dialog.form_message.text() == QCoreApplication.translate(
        "fields", "A choice field needs at least one choice.")
    assert dialog.name_edit.text() == "担当"  # what was typed stays
    assert _names(book) == before


def test_edit_renames_and_changes_choices(qtbot, book, seeded) -> None:
    dialog = _dialog(qtbot, book)
    rank = seeded.fields["会員ランク"]
    dialog.field_list.setCurrentRow(dialog.field_ids().index(rank))
    assert dialog.choices_edit.toPlainText() == "ゴールド\nシルバー\nブロンズ"
    dialog.name_edit.setText("ランク")
    dialog.choices_edit.setPlainText("ゴールド\nシルバー\nブロンズ\nプラチナ")
    dialog.column_box.setChecked(False)
    dialog.save_button.click()
    field = book.fields.get(rank)
    assert (field.name, field.choices[-1], field.show_in_list) == ("ランク", "プラチナ", False)
    assert dialog.field_list.currentItem().text().startswith("ランク")


def test_dragging_and_the_arrow_buttons_reorder(qtbot, book) -> None:
    dialog = _dialog(qtbot, book)
    names = _names(book)
    # A drop inside the list moves the row in its model, as dragging does.
    model = dialog.field_list.model()
    assert model.moveRow(QModelIndex(), 0, QModelIndex(), 3)
    expected = names[1:3] + names[:1] + names[3:]
    assert _names(book) == expected

    dialog.field_list.setCurrentRow(len(names) - 1)
    dialog.up_button.click()
    expected[-2], expected[-1] = expected[-1], expected[-2]
    assert _names(book) == expected
    dialog.field_list.setCurrentRow(0)
    assert not dialog.up_button.isEnabled()
    dialog.down_button.click()
    expected[0], expected[1] = expected[1], expected[0]
    assert _names(book) == expected
    assert _names(book) == [dialog.field_list.item(i).text().split("  ·  ")[0]
                            for i in range(dialog.field_list.count())]


def _answer(button_text: str, seen: list[str]) -> None:
    """Click ``button_text`` in the confirmation once it is shown (it is modal)."""
    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        seen.append(box.text())
        next(b for b in box.buttons() if b.text() == button_text).click()

    QTimer.singleShot(0, click)


def test_delete_asks_with_the_number_of_customers_and_keep_keeps(qtbot, book, seeded) -> None:
    visits = seeded.fields["来店回数"]
    assert field_usage.customers_with_value(book, visits) == 1
    dialog = _dialog(qtbot, book)
    dialog.field_list.setCurrentRow(dialog.field_ids().index(visits))
    seen: list[str] = []
    _answer(dialog.tr("Keep"), seen)
    assert not dialog.delete_current()
    assert "来店回数" in seen[0] and "1" in seen[0]
    assert visits in dialog.field_ids()
    assert book.fields.values_of(seeded.customers["田中"])[visits] == 12

    _answer(dialog.tr("Delete"), seen)
    assert dialog.delete_current()
    assert visits not in [f.id for f in book.fields.list()]
    assert visits not in dialog.field_ids()
    assert visits not in book.fields.values_of(seeded.customers["田中"])


def test_delete_of_an_unused_field_says_no_customer_has_a_value(qtbot, book, seeded) -> None:
    memo = seeded.fields["備考"]
    dialog = _dialog(qtbot, book)
    dialog.field_list.setCurrentRow(dialog.field_ids().index(memo))
    seen: list[str] = []
    _answer(dialog.tr("Delete"), seen)
    assert dialog.delete_current()
    assert dialog.tr("No customer has a value in this field yet.") in seen[0]
