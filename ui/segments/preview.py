"""Who a segment's count means: the first matching customers, as a small list model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

if TYPE_CHECKING:
    from app.customers import CustomerRow

ID_ROLE = Qt.ItemDataRole.UserRole + 1
_ROOT = QModelIndex()


class PreviewModel(QAbstractListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[CustomerRow] = []

    def set_rows(self, rows: list[CustomerRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) \
                or index.column() != 0:
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.name or row.display_name or "—"
        if role == Qt.ItemDataRole.ToolTipRole:
            parts = [p for p in (row.furigana, row.display_name) if p and p != row.name]
            return " / ".join(parts) or None
        if role == ID_ROLE:
            return row.id
        return None

    def names(self) -> list[str]:
        return [self.data(self.index(r, 0)) for r in range(len(self._rows))]

    def ids(self) -> list[int]:
        return [r.id for r in self._rows]
