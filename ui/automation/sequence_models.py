"""Item models of the ステップ配信 window: the sequences, and one sequence's friends."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.sequences import Progress, SequenceInfo
from ui.formatting import format_datetime

Index = QModelIndex | QPersistentModelIndex


class SequencesModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[SequenceInfo] = []

    def set_sequences(self, rows: list[SequenceInfo]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def sequence(self, row: int) -> SequenceInfo:
        return self._rows[row]

    def row_of(self, sequence_id: int) -> int:
        return next((i for i, q in enumerate(self._rows) if q.id == sequence_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole \
                or not 0 <= section < 5:
            return None
        return [self.tr("Step sequence"), self.tr("Steps"), self.tr("Running"),
                self.tr("Finished"), self.tr("Stopped")][section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        q, col = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return [q.name, f"{len(q.steps):,}", f"{q.running:,}", f"{q.done:,}",
                    f"{q.stopped:,}"][col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return q.id
        return None


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


class ProgressModel(QAbstractTableModel):
    """One row per friend started on the sequence: where they are."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Progress] = []
        self._steps = 0

    def set_progress(self, rows: list[Progress], steps: int) -> None:
        self.beginResetModel()
        self._rows, self._steps = list(rows), steps
        self.endResetModel()

    def customer_id(self, row: int) -> int:
        return self._rows[row].customer_id

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole \
                or not 0 <= section < 5:
            return None
        return [self.tr("Friend"), self.tr("State"), self.tr("Steps sent"),
                self.tr("Next step at"), self.tr("Why it stopped")][section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        p, col = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return [p.name or "—", state_label(p.state), f"{p.steps_sent} / {self._steps}",
                    format_datetime(p.next_due) if p.next_due else "",
                    stop_label(p.stop_reason)][col]
        if role == Qt.ItemDataRole.UserRole:
            return p.customer_id
        return None
