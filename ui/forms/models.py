"""Item models of the forms screens: the book's forms, and one form's answers."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.forms.service import AnswerInfo, FormInfo
from ui.formatting import format_datetime, format_number
from ui.forms.texts import state_label, status_label, unmatched

_Index = QModelIndex | QPersistentModelIndex
ID_ROLE = Qt.ItemDataRole.UserRole + 1


class FormListModel(QAbstractTableModel):
    """Title, state (下書き/公開中/締切), answers, version; ``ID_ROLE`` is the form's number."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[FormInfo] = []

    def set_forms(self, forms: list[FormInfo]) -> None:
        self.beginResetModel()
        self._rows = list(forms)
        self.endResetModel()

    def form(self, row: int) -> FormInfo | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, form_pk: int) -> int:
        return next((n for n, f in enumerate(self._rows) if f.id == form_pk), -1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if not 0 <= section < 4:
            return None
        return (self.tr("Title"), self.tr("State"), self.tr("Answers"),
                self.tr("Version"))[section]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        info = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return info.title
            if col == 1:
                state = state_label(info)
                if info.published_version is not None and info.draft_changed:
                    state = self.tr("%1 (edited)").replace("%1", state)
                return state
            if col == 2:
                text = format_number(info.answers)
                if info.pending:
                    text += " " + self.tr("(%1 to decide)").replace("%1", str(info.pending))
                return text
            if col == 3:
                return "—" if info.published_version is None else \
                    self.tr("v%1").replace("%1", str(info.published_version))
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (2, 3):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ID_ROLE:
            return info.id
        if role == Qt.ItemDataRole.ToolTipRole and col == 0:
            return info.form_id
        return None


class AnswersModel(QAbstractTableModel):
    """One form's answers, newest first: time, customer (or 「未照合」), status, version.
    ``ID_ROLE`` is the answer id."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[AnswerInfo] = []
        self._names: dict[int, str] = {}

    def set_answers(self, answers: list[AnswerInfo], names: dict[int, str]) -> None:
        self.beginResetModel()
        self._rows = sorted(answers, key=lambda a: a.submitted_at, reverse=True)
        self._names = dict(names)
        self.endResetModel()

    def answer(self, row: int) -> AnswerInfo | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, answer_id: str) -> int:
        return next((n for n, a in enumerate(self._rows) if a.answer_id == answer_id), -1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if not 0 <= section < 4:
            return None
        return (self.tr("Sent at"), self.tr("Customer"), self.tr("Status"),
                self.tr("Version"))[section]

    def customer_text(self, answer: AnswerInfo) -> str:
        if answer.customer_id is None:
            return unmatched()
        return self._names.get(answer.customer_id) or self.tr("Customer %1").replace(
            "%1", str(answer.customer_id))

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        answer = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return format_datetime(answer.submitted_at)
            if col == 1:
                return self.customer_text(answer)
            if col == 2:
                return status_label(answer.status)
            if col == 3:
                return self.tr("v%1").replace("%1", str(answer.version))
        if role == Qt.ItemDataRole.ForegroundRole and col == 2 and \
                answer.status in ("pending", "refused"):
            from PySide6.QtGui import QColor

            return QColor("#B3261E")
        if role == ID_ROLE:
            return answer.answer_id
        return None
