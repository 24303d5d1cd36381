"""The owner's own customer fields (カスタム項目): add, edit, reorder, delete.

Left, the fields in their order (drag to reorder, or the ↑ ↓ buttons); right, the selected
field: name, type, choices (one per line, for choice types), required, shown as a column
in the customer table. A field's type is fixed once made (values are stored by type).
Deleting asks first and says how many customers have a value in the field.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import OtokuiError, ValidationError
from app.field_usage import customers_with_value
from app.fields import ATTACHMENT_TYPES, TYPE_LABELS, FieldType
from ui.dialogs.customer_dialog import reason_text
from ui.dialogs.passphrase import ERROR, GOOD, message_label, set_message
from ui.errors import show_error

if TYPE_CHECKING:
    from app.book import Book
    from app.store.models import CustomField

CHOICE_TYPES = (FieldType.SINGLE_CHOICE, FieldType.MULTI_CHOICE)
ID_ROLE = Qt.ItemDataRole.UserRole


def type_label(ftype: FieldType | str) -> str:
    return QCoreApplication.translate("fields", TYPE_LABELS[FieldType(ftype)])


class FieldEditorDialog(QDialog):
    def __init__(self, book: Book, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.book = book
        self._editing: int | None = None  # id of the field in the form; None: a new one
        self._loading = False
        self.setWindowTitle(self.tr("Custom fields"))

        # --- the list --------------------------------------------------------------------
        self.field_list = QListWidget(self)
        self.field_list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.field_list.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.field_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.field_list.setMinimumWidth(220)
        self.field_list.setStyleSheet("QListWidget::item { padding: 6px 6px; }")
        self.field_list.currentItemChanged.connect(self._current_changed)
        self.field_list.model().rowsMoved.connect(self._rows_moved)
        self.add_button = QPushButton(self.tr("New field"), self)
        self.add_button.clicked.connect(self.new_field)
        self.delete_button = QPushButton(self.tr("Delete…"), self)
        self.delete_button.clicked.connect(self.delete_current)
        self.up_button = QPushButton("↑", self)
        self.up_button.setToolTip(self.tr("Move up"))
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button = QPushButton("↓", self)
        self.down_button.setToolTip(self.tr("Move down"))
        self.down_button.clicked.connect(lambda: self.move_current(1))
        for b in (self.up_button, self.down_button):
            b.setFixedWidth(36)
        list_buttons = QHBoxLayout()
        list_buttons.addWidget(self.add_button)
        list_buttons.addWidget(self.delete_button)
        list_buttons.addStretch(1)
        list_buttons.addWidget(self.up_button)
        list_buttons.addWidget(self.down_button)
        hint = QLabel(self.tr("Drag to change the order."), self)
        hint.setStyleSheet("color: #6B7280;")
        left = QVBoxLayout()
        left.addWidget(self.field_list, 1)
        left.addWidget(hint)
        left.addLayout(list_buttons)

        # --- the form ----------------------------------------------------------------------
        self.form_title = QLabel(self)
        font = self.form_title.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.form_title.setFont(font)
        self.name_edit = QLineEdit(self)
        self.name_edit.setPlaceholderText(self.tr("e.g. 来店回数, 会員ランク"))
        self.type_combo = QComboBox(self)
        for ftype in FieldType:
            self.type_combo.addItem(type_label(ftype), ftype.value)
        self.type_combo.currentIndexChanged.connect(self._type_changed)
        self.type_note = QLabel(self)
        self.type_note.setWordWrap(True)
        self.type_note.setStyleSheet("color: #6B7280;")
        self.choices_label = QLabel(self.tr("Choices"), self)
        self.choices_edit = QPlainTextEdit(self)
        self.choices_edit.setPlaceholderText(self.tr("One choice per line"))
        self.choices_edit.setTabChangesFocus(True)
        self.required_box = QCheckBox(self.tr("Required"), self)
        self.column_box = QCheckBox(self.tr("Show as a column in the customer list"), self)
        self.form_message = message_label(self)
        self.save_button = QPushButton(self)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        form = QFormLayout()
        form.addRow(self.tr("Name", "of a custom field"), self.name_edit)
        form.addRow(self.tr("Type"), self.type_combo)
        form.addRow("", self.type_note)
        form.addRow(self.choices_label, self.choices_edit)
        form.addRow("", self.required_box)
        form.addRow("", self.column_box)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)
        right = QVBoxLayout()
        right.addWidget(self.form_title)
        right.addLayout(form)
        right.addWidget(self.form_message)
        right.addLayout(save_row)
        right.addStretch(1)

        body = QHBoxLayout()
        body.setSpacing(20)
        body.addLayout(left, 2)
        body.addLayout(right, 3)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 14)
        layout.addLayout(body, 1)
        layout.addWidget(close)
        self.resize(720, 460)
        self.setTabOrder(self.field_list, self.name_edit)

        self.reload()
        if self.field_list.count():
            self.field_list.setCurrentRow(0)
        else:
            self.new_field()

    # --- list --------------------------------------------------------------------------------
    def field_ids(self) -> list[int]:
        return [self.field_list.item(i).data(ID_ROLE) for i in range(self.field_list.count())]

    def reload(self, select: int | None = None) -> None:
        self._loading = True
        try:
            self.field_list.clear()
            for field in self.book.fields.list():
                item = QListWidgetItem(f"{field.name}  ·  {type_label(field.type)}")
                item.setData(ID_ROLE, field.id)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsDropEnabled)
                self.field_list.addItem(item)
        finally:
            self._loading = False
        if select is not None and select in self.field_ids():
            self.field_list.setCurrentRow(self.field_ids().index(select))
        self._update_buttons()

    def _rows_moved(self, *_args: object) -> None:
        if not self._loading:
            self._save_order()

    def _save_order(self) -> None:
        try:
            self.book.fields.reorder(self.field_ids())
        except OtokuiError as exc:
            show_error(self, exc)
            self.reload(self._editing)

    def move_current(self, step: int) -> None:
        row = self.field_list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.field_list.count():
            return
        self._loading = True
        try:
            item = self.field_list.takeItem(row)
            self.field_list.insertItem(target, item)
            self.field_list.setCurrentRow(target)
        finally:
            self._loading = False
        self._save_order()

    def _current_changed(self, current: QListWidgetItem | None, _previous: object) -> None:
        if self._loading:
            return
        if current is None:
            self._update_buttons()
            return
        self.edit_field(current.data(ID_ROLE))

    def _update_buttons(self) -> None:
        row = self.field_list.currentRow()
        has = row >= 0 and self._editing is not None
        self.delete_button.setEnabled(has)
        self.up_button.setEnabled(has and row > 0)
        self.down_button.setEnabled(has and row < self.field_list.count() - 1)

    # --- form ---------------------------------------------------------------------------------
    def new_field(self) -> None:
        self._editing = None
        self._loading = True
        self.field_list.clearSelection()
        self.field_list.setCurrentRow(-1)
        self._loading = False
        self.form_title.setText(self.tr("New field"))
        self.name_edit.clear()
        self.type_combo.setEnabled(True)
        self.type_combo.setCurrentIndex(0)
        self.choices_edit.clear()
        self.required_box.setChecked(False)
        self.column_box.setChecked(False)
        self.save_button.setText(self.tr("Add field"))
        set_message(self.form_message, "")
        self._type_changed()
        self._update_buttons()
        self.name_edit.setFocus()

    def edit_field(self, field_id: int) -> None:
        try:
            field = self.book.fields.get(field_id)
        except OtokuiError as exc:
            show_error(self, exc)
            self.reload()
            return
        self._editing = field.id
        self.form_title.setText(field.name)
        self.name_edit.setText(field.name)
        self.type_combo.setCurrentIndex(self.type_combo.findData(field.type))
        self.type_combo.setEnabled(False)  # values are stored by type: fixed once made
        self.choices_edit.setPlainText("\n".join(field.choices or []))
        self.required_box.setChecked(field.required)
        self.column_box.setChecked(field.show_in_list)
        self.save_button.setText(self.tr("Save changes"))
        set_message(self.form_message, "")
        self._type_changed()
        self._update_buttons()

    def current_type(self) -> FieldType:
        return FieldType(self.type_combo.currentData())

    def _type_changed(self, *_args: object) -> None:
        ftype = self.current_type()
        with_choices = ftype in CHOICE_TYPES
        self.choices_label.setVisible(with_choices)
        self.choices_edit.setVisible(with_choices)
        # Image and file fields hold attachments: nothing to show in a table cell.
        self.column_box.setEnabled(ftype not in ATTACHMENT_TYPES)
        if ftype in ATTACHMENT_TYPES:
            self.column_box.setChecked(False)
        if self._editing is not None:
            note = self.tr("The type cannot be changed once the field is made.")
        elif ftype is FieldType.POINTS:
            note = self.tr("Points keep a history of every change.")
        elif ftype in ATTACHMENT_TYPES:
            note = self.tr("Files are added to the customer from the detail pane.")
        else:
            note = ""
        self.type_note.setText(note)
        self.type_note.setVisible(bool(note))

    def choices(self) -> list[str]:
        return [line.strip() for line in self.choices_edit.toPlainText().splitlines()
                if line.strip()]

    def save(self) -> int | None:
        """Add the new field or save the edited one; returns its id (None on a problem)."""
        name = self.name_edit.text().strip()
        ftype = self.current_type()
        choices = self.choices() if ftype in CHOICE_TYPES else None
        as_column = self.column_box.isChecked() and ftype not in ATTACHMENT_TYPES
        try:
            if self._editing is None:
                field_id = self.book.fields.create(
                    name, ftype, choices=choices, required=self.required_box.isChecked(),
                    show_in_list=as_column)
            else:
                field_id = self._editing
                self.book.fields.update(
                    field_id, name=name, choices=choices,
                    required=self.required_box.isChecked(), show_in_list=as_column)
        except ValidationError as exc:
            set_message(self.form_message, reason_text(exc), ERROR)
            self.name_edit.setFocus()
            return None
        except OtokuiError as exc:
            show_error(self, exc)
            return None
        self.reload(select=field_id)
        self.edit_field(field_id)
        set_message(self.form_message, self.tr("Saved."), GOOD)
        return field_id

    # --- delete ----------------------------------------------------------------------------------
    def delete_question(self, field: CustomField) -> str:
        count = customers_with_value(self.book, field.id)
        text = self.tr("Delete the field “%1”?").replace("%1", field.name)
        if count:
            detail = self.tr(
                "%n customer(s) have a value in this field. The values are deleted with it "
                "and cannot be brought back.", "", count)
        else:
            detail = self.tr("No customer has a value in this field yet.")
        return f"{text}\n\n{detail}"

    def delete_current(self) -> bool:
        if self._editing is None:
            return False
        try:
            field = self.book.fields.get(self._editing)
        except OtokuiError as exc:
            show_error(self, exc)
            return False
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Delete field"),
                          self.delete_question(field), QMessageBox.StandardButton.NoButton,
                          self)
        delete = box.addButton(self.tr("Delete"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(self.tr("Keep"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.exec()
        if box.clickedButton() is not delete:
            return False
        row = self.field_list.currentRow()
        try:
            self.book.fields.delete(field.id)
        except OtokuiError as exc:
            show_error(self, exc)
            return False
        self.reload()
        if self.field_list.count():
            self.field_list.setCurrentRow(min(row, self.field_list.count() - 1))
        else:
            self.new_field()
        return True
