"""Item models of the ステップ配信 window: the sequences, and one sequence's friends."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.sequences import Progress, SequenceInfo
from ui.formatting import format_datetime

Index = QModelIndex | QPersistentModelIndex
T = TypeVar("T")


class _RowsModel(QAbstractTableModel, Generic[T]):
    """A read-only table of a list of rows: the scaffolding both models share. A subclass
    says its headers (literal ``self.tr`` calls, for lupdate), a row's cells, its id."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[T] = []

    def _set_rows(self, rows: list[T]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def _headers(self) -> list[str]:
        raise NotImplementedError

    def _cells(self, row: T) -> list[str]:
        raise NotImplementedError

    def _id(self, row: T) -> int:
        raise NotImplementedError

    # Columns shown right-aligned (counts).
    numeric: frozenset[int] = frozenset()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers())

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        headers = self._headers()
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole \
                or not 0 <= section < len(headers):
            return None
        return headers[section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, col = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells(row)[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col in self.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return self._id(row)
        return None


class SequencesModel(_RowsModel[SequenceInfo]):
    numeric = frozenset({1, 2, 3, 4})

    def set_sequences(self, rows: list[SequenceInfo]) -> None:
        self._set_rows(rows)

    def sequence(self, row: int) -> SequenceInfo:
        return self._rows[row]

    def row_of(self, sequence_id: int) -> int:
        return next((i for i, q in enumerate(self._rows) if q.id == sequence_id), -1)

    def _headers(self) -> list[str]:
        return [self.tr("Step sequence"), self.tr("Steps"), self.tr("Running"),
                self.tr("Finished"), self.tr("Stopped")]

    def _cells(self, q: SequenceInfo) -> list[str]:
        return [q.name, f"{len(q.steps):,}", f"{q.running:,}", f"{q.done:,}",
                f"{q.stopped:,}"]

    def _id(self, q: SequenceInfo) -> int:
        return q.id


def state_label(state: str) -> str:
    from PySide6.QtCore import QCoreApplication

    return {"running": QCoreApplication.translate("SequenceProgress", "Running"),
            "done": QCoreApplication.translate("SequenceProgress", "Finished"),
            "stopped": QCoreApplication.translate("SequenceProgress", "Stopped")}.get(
        state, state)


def stop_label(reason: str | None) -> str:
    from PySide6.QtCore import QCoreApplication

    if not reason:
        return ""
    return {"tag": QCoreApplication.translate("SequenceProgress", "Got a stop tag"),
            "blocked": QCoreApplication.translate("SequenceProgress", "Blocked the shop"),
            "reply": QCoreApplication.translate("SequenceProgress", "Replied"),
            "stopped": QCoreApplication.translate("SequenceProgress", "Stopped by hand"),
            "not_on_line": QCoreApplication.translate("SequenceProgress",
                                                      "No longer a LINE friend")}.get(
        reason, reason)


class ProgressModel(_RowsModel[Progress]):
    """One row per friend started on the sequence: where they are."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._steps = 0

    def set_progress(self, rows: list[Progress], steps: int) -> None:
        self._steps = steps
        self._set_rows(rows)

    def customer_id(self, row: int) -> int:
        return self._rows[row].customer_id

    def _headers(self) -> list[str]:
        return [self.tr("Friend"), self.tr("State"), self.tr("Steps sent"),
                self.tr("Next step at"), self.tr("Why it stopped")]

    def _cells(self, p: Progress) -> list[str]:
        return [p.name or "—", state_label(p.state), f"{p.steps_sent} / {self._steps}",
                format_datetime(p.next_due) if p.next_due else "",
                stop_label(p.stop_reason)]

    def _id(self, p: Progress) -> int:
        return p.customer_id
