"""The rules list as an item model: on/off (checkable), name, When, counts, why broken."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from app.automation.errors import CTX as ERROR_CTX
from app.automation.service import RuleInfo

Index = QModelIndex | QPersistentModelIndex
BROKEN_COLOUR = QColor("#C5221F")
COL_ON, COL_NAME, COL_WHEN, COL_FIRED, COL_ACTIONS, COL_PROBLEM = range(6)


def broken_text(why: str) -> str:
    """Why a rule is broken, in the owner's language (the core's RuleError texts)."""
    return QCoreApplication.translate(ERROR_CTX, why)


class RulesModel(QAbstractTableModel):
    """One row per rule. Checking the first column switches the rule on or off through
    ``switch(rule_id, on)`` (the window saves it; the list is then reloaded)."""

    def __init__(self, switch: Callable[[int, bool], None], parent: Any = None) -> None:
        super().__init__(parent)
        self._rules: list[RuleInfo] = []
        self._switch = switch

    def set_rules(self, rules: list[RuleInfo]) -> None:
        self.beginResetModel()
        self._rules = list(rules)
        self.endResetModel()

    def rule(self, row: int) -> RuleInfo:
        return self._rules[row]

    def row_of(self, rule_id: int) -> int:
        return next((i for i, r in enumerate(self._rules) if r.id == rule_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rules)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 6

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return [self.tr("On"), self.tr("Rule"), self.tr("Trigger (When)"), self.tr("Fired"),
                self.tr("Actions done"), self.tr("Problem")][section] \
            if 0 <= section < 6 else None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == COL_ON:
            base |= Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rules):
            return None
        r, col = self._rules[index.row()], index.column()
        if role == Qt.ItemDataRole.CheckStateRole and col == COL_ON:
            return Qt.CheckState.Checked if r.enabled else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_NAME:
                return r.name
            if col == COL_WHEN:
                return r.when
            if col == COL_FIRED:
                return f"{r.fired:,}"
            if col == COL_ACTIONS:
                return f"{r.actions_done:,}"
            if col == COL_PROBLEM:
                return broken_text(r.broken) if r.broken else ""
            return None
        if role == Qt.ItemDataRole.ForegroundRole and r.broken:
            return QBrush(BROKEN_COLOUR)
        if role == Qt.ItemDataRole.ToolTipRole and r.broken:
            return self.tr("This rule does not run: %1").replace("%1", broken_text(r.broken))
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (COL_FIRED, COL_ACTIONS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return r.id
        return None

    def setData(self, index: Index, value: Any,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != COL_ON \
                or role != Qt.ItemDataRole.CheckStateRole:
            return False
        on = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) \
            else value
        self._switch(self._rules[index.row()].id, bool(on))
        return True
