"""The catalogue (販売 → 商品…): the products, and each one's photo for the relay's
product page, set by dropping an image file on the photo or choosing one, through the same
``book.purchases.set_photo`` as ``product photo`` (JPEG or PNG by its bytes, at most
300 KB; anything else is refused with the reason, nothing changed)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.purchases.texts import yen

if TYPE_CHECKING:
    from app.book import Book
    from app.store.models_purchases import Product

# Read at most this much of a dropped file (the book refuses over 300 KB anyway; the
# margin lets it say "too large" rather than reading a film into memory).
READ_LIMIT = 1024 * 1024


def _local_file(mime: QMimeData) -> Path | None:
    urls = [u for u in mime.urls() if u.isLocalFile()] if mime.hasUrls() else []
    return Path(urls[0].toLocalFile()) if len(urls) == 1 else None


class PhotoDrop(QLabel):
    """The product's photo; an image file dropped on it is offered as the new photo."""

    dropped = Signal(Path)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("productPhoto")
        self.setAcceptDrops(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(220, 220)
        self.setFrameShape(QLabel.Shape.StyledPanel)
        self.setWordWrap(True)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _local_file(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        path = _local_file(event.mimeData())
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.dropped.emit(path)


class ProductsDialog(QDialog):
    def __init__(self, book: Book, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.book = book
        self.setObjectName("productsDialog")
        self.setWindowTitle(self.tr("Products"))
        self.resize(820, 440)
        layout = QVBoxLayout(self)
        body = QHBoxLayout()
        self.table = QTableWidget(0, 5, self)
        self.table.setObjectName("productsTable")
        self.table.setHorizontalHeaderLabels([
            self.tr("Product code"), self.tr("Product name"), self.tr("Price (tax included)"),
            self.tr("Tax rate"), self.tr("Photo")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._show_photo)
        body.addWidget(self.table, 1)
        side = QVBoxLayout()
        self.photo = PhotoDrop(self)
        self.photo.dropped.connect(self.set_photo_from)
        side.addWidget(self.photo)
        self.choose = QPushButton(self.tr("Choose a photo…"), self)
        self.choose.setObjectName("choosePhoto")
        self.choose.clicked.connect(lambda _c=False: self.choose_photo())
        self.remove = QPushButton(self.tr("Remove the photo"), self)
        self.remove.setObjectName("removePhoto")
        self.remove.clicked.connect(lambda _c=False: self.remove_photo())
        side.addWidget(self.choose)
        side.addWidget(self.remove)
        self.message = QLabel(self)
        self.message.setObjectName("productMessage")
        self.message.setWordWrap(True)
        self.message.setMaximumWidth(240)
        side.addWidget(self.message)
        side.addStretch(1)
        body.addLayout(side)
        layout.addLayout(body)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.products: list[Product] = []
        self.refresh()

    def refresh(self) -> None:
        chosen = self.selected()
        code = chosen.code if chosen is not None else None
        self.products = self.book.purchases.products()
        self.table.setRowCount(len(self.products))
        for r, p in enumerate(self.products):
            cells = (p.code, p.name, yen(p.price), f"{p.tax_rate}%",
                     self.tr("Yes") if p.photo else "")
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
            if p.code == code:
                self.table.selectRow(r)
        self._show_photo()

    def selected(self) -> Product | None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        return self.products[rows.pop()] if len(rows) == 1 and self.products else None

    def select_code(self, code: str) -> bool:
        for r, p in enumerate(self.products):
            if p.code == code:
                self.table.selectRow(r)
                return True
        return False

    def _show_photo(self) -> None:
        p = self.selected()
        for w in (self.choose, self.photo):
            w.setEnabled(p is not None)
        self.remove.setEnabled(p is not None and p.photo is not None)
        self.photo.clear()
        if p is None:
            self.photo.setText(self.tr("Choose a product."))
            return
        pixmap = QPixmap()
        if p.photo and pixmap.loadFromData(p.photo):
            self.photo.setPixmap(pixmap.scaled(
                200, 200, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
        else:
            self.photo.setText(self.tr("Drop a JPEG or PNG photo here (at most 300 KB)."))

    def _apply(self, data: bytes | None) -> bool:
        from app.errors import OtokuiError
        from ui.errors import translate_error

        p = self.selected()
        if p is None:
            return False
        try:
            self.book.purchases.set_photo(p.code, data)
        except OtokuiError as exc:
            message, advice = translate_error(exc)
            self.message.setText(f"{message} {advice}".strip())
            return False
        saved = self.tr("Saved. The product page shows it once the catalogue is next sent "
                        "to the relay.")
        self.message.setText(saved if data is not None else "")
        self.refresh()
        return True

    def set_photo_from(self, path: Path) -> bool:
        try:
            with open(path, "rb") as f:
                data = f.read(READ_LIMIT + 1)
        except OSError as exc:
            self.message.setText(self.tr("The file cannot be read: %1").replace(
                "%1", exc.strerror or type(exc).__name__))
            return False
        return self._apply(data)

    def choose_photo(self) -> bool:
        path, _f = QFileDialog.getOpenFileName(self, self.tr("Choose a photo"), str(Path.home()),
                                               self.tr("Images (*.jpg *.jpeg *.png)"))
        return self.set_photo_from(Path(path)) if path else False

    def remove_photo(self) -> bool:
        return self._apply(None)
