"""Templates (定型文): a small dialog to list, add, edit, delete and reorder them.

Reachable from the composer's template menu and from Settings → Templates. Placeholders
the book does not know (a typo, a deleted field) are pointed out as the owner types.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import OtokuiError

if TYPE_CHECKING:
    from app.book import Book

_ID = Qt.ItemDataRole.UserRole


class TemplatesWidget(QWidget):
    """The editor itself (a dialog page or a settings tab)."""

    def __init__(self, book: Book, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("templatesEditor")
        self.book = book
        self.list = QListWidget(self)
        self.list.setObjectName("templateList")
        self.title = QLineEdit(self)
        self.title.setObjectName("templateTitle")
        self.title.setPlaceholderText(self.tr("Title (shown in the menu)"))
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("templateText")
        self.text.setPlaceholderText(self.tr("Text. {名前} becomes the customer's name; "
                                             "{項目:会員番号} a custom field."))
        self.warning = QLabel(self)
        self.warning.setObjectName("templateWarning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #B06000;")
        self.add_button = QPushButton(self.tr("New"), self)
        self.add_button.setObjectName("templateNew")
        self.save_button = QPushButton(self.tr("Save"), self)
        self.save_button.setObjectName("templateSave")
        self.delete_button = QPushButton(self.tr("Delete"), self)
        self.delete_button.setObjectName("templateDelete")
        self.up_button = QPushButton(self.tr("Up"), self)
        self.up_button.setObjectName("templateUp")
        self.down_button = QPushButton(self.tr("Down"), self)
        self.down_button.setObjectName("templateDown")
        self.error = QLabel(self)
        self.error.setObjectName("templateError")
        self.error.setStyleSheet("color: #C5221F;")
        self.error.setWordWrap(True)

        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        moves = QHBoxLayout()
        moves.addWidget(self.add_button)
        moves.addWidget(self.up_button)
        moves.addWidget(self.down_button)
        left.addLayout(moves)
        right = QVBoxLayout()
        right.addWidget(self.title)
        right.addWidget(self.text, 1)
        right.addWidget(self.warning)
        right.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        right.addLayout(buttons)
        row = QHBoxLayout(self)
        row.addLayout(left, 2)
        row.addLayout(right, 3)

        self.list.currentItemChanged.connect(self._chosen)
        self.add_button.clicked.connect(self.new)
        self.save_button.clicked.connect(self.save)
        self.delete_button.clicked.connect(self.delete)
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button.clicked.connect(lambda: self.move_selected(1))
        self.text.textChanged.connect(self._check)
        self.reload()

    def reload(self, select: int | None = None) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for t in self.book.templates.list():
            item = QListWidgetItem(t.title, self.list)
            item.setData(_ID, t.id)
            if t.id == select:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        self._chosen(self.list.currentItem(), None)

    def current_id(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else int(item.data(_ID))

    def _chosen(self, item: QListWidgetItem | None, _prev: object) -> None:
        self.error.clear()
        if item is None:
            self.title.clear()
            self.text.clear()
        else:
            t = self.book.templates.get(int(item.data(_ID)))
            self.title.setText(t.title)
            self.text.setPlainText(t.text)
        has = item is not None
        for b in (self.delete_button, self.up_button, self.down_button):
            b.setEnabled(has)

    def _check(self) -> None:
        unknown = self.book.templates.unknown_placeholders(self.text.toPlainText())
        self.warning.setText(self.tr("Not recognised: %1 (stays as written)").replace(
            "%1", "、".join(unknown)) if unknown else "")
        self.warning.setVisible(bool(unknown))

    def new(self) -> None:
        self.list.setCurrentRow(-1)  # no current item
        self.list.clearSelection()
        self.title.clear()
        self.text.clear()
        self.title.setFocus()

    def save(self) -> int | None:
        self.error.clear()
        try:
            tid = self.current_id()
            if tid is None:
                tid = self.book.templates.create(self.title.text(), self.text.toPlainText())
            else:
                self.book.templates.update(tid, title=self.title.text(),
                                           text=self.text.toPlainText())
        except OtokuiError as exc:
            from ui.errors import translate_error

            message, advice = translate_error(exc)
            self.error.setText(f"{message} {advice}".strip())
            return None
        self.reload(select=tid)
        return tid

    def delete(self) -> None:
        tid = self.current_id()
        if tid is not None:
            self.book.templates.delete(tid)
            self.reload()

    def move_selected(self, step: int) -> None:
        tid = self.current_id()
        if tid is None:
            return
        ids = [int(self.list.item(i).data(_ID)) for i in range(self.list.count())]
        i = ids.index(tid)
        j = i + step
        if not 0 <= j < len(ids):
            return
        ids[i], ids[j] = ids[j], ids[i]
        self.book.templates.reorder(ids)
        self.reload(select=tid)


class TemplatesDialog(QDialog):
    def __init__(self, book: Book, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("templatesDialog")
        self.setWindowTitle(self.tr("Templates"))
        self.editor = TemplatesWidget(book, self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.editor, 1)
        layout.addWidget(buttons)
        self.resize(680, 420)
