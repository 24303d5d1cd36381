"""A drop-down button for choosing several things: tags, choices, prefectures.

The chosen names are its text; the list (with check boxes and, for long lists, a filter)
opens under it and stays open while the owner ticks, unlike a menu of checkable actions.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

VALUE_ROLE = Qt.ItemDataRole.UserRole + 1
# A plain name lupdate recognises (it does not follow other aliases).
translate = QCoreApplication.translate
#: From this many entries on, the list gets a filter box.
FILTER_FROM = 12


class MultiPicker(QPushButton):
    """``options`` are (value, label) pairs; ``selected()`` keeps the owner's order of ticks."""

    changed = Signal()

    def __init__(self, options: Sequence[tuple[Hashable, str]], placeholder: str,
                 parent: QWidget | None = None, *, filter_hint: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("multiPicker")
        # Left-aligned like the combo boxes beside it, which it otherwise looks like.
        self.setStyleSheet("QPushButton#multiPicker { text-align: left; padding-left: 8px; }")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(160)
        self._placeholder = placeholder
        self._order: list[Hashable] = []
        self._labels: dict[Hashable, str] = {}

        popup = QWidget(self)
        box = QVBoxLayout(popup)
        box.setContentsMargins(6, 6, 6, 6)
        box.setSpacing(4)
        self.filter = QLineEdit(popup)
        self.filter.setObjectName("pickerFilter")
        self.filter.setClearButtonEnabled(True)
        self.filter.setPlaceholderText(filter_hint or translate("SegmentRow", "Filter"))
        # The popup belongs to a condition row: when the row is marked invalid, the app's
        # "invalid row" rule would draw this box red too. Its own look wins here.
        popup.setStyleSheet(
            "QLineEdit#pickerFilter { border: 1px solid #D5DAE0; background: #FFFFFF; }"
            "QLineEdit#pickerFilter:focus { border: 1px solid #06C755; }")
        self.filter.textChanged.connect(self._filter)
        self.list = QListWidget(popup)
        self.list.setMinimumWidth(220)
        self.list.itemChanged.connect(self._item_changed)
        box.addWidget(self.filter)
        box.addWidget(self.list)
        menu = QMenu(self)
        action = QWidgetAction(menu)
        action.setDefaultWidget(popup)
        menu.addAction(action)
        menu.aboutToShow.connect(self.filter.clear)
        self.setMenu(menu)
        self.set_options(options)

    def set_options(self, options: Sequence[tuple[Hashable, str]]) -> None:
        keep = self.selected()
        self.list.blockSignals(True)
        self.list.clear()
        self._labels = {}
        for value, label in options:
            self._add(value, label)
        self.list.blockSignals(False)
        self.filter.setVisible(len(options) >= FILTER_FROM)
        self.list.setFixedHeight(min(320, max(60, 26 * len(options) + 8)))
        self._order = []
        self.set_selected(keep)

    def _add(self, value: Hashable, label: str) -> QListWidgetItem:
        item = QListWidgetItem(label, self.list)
        item.setData(VALUE_ROLE, value)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        self._labels[value] = label
        return item

    def set_selected(self, values: Sequence[Hashable], *, missing_label: str = "") -> None:
        """Tick ``values``; one no longer among the options is kept, shown as
        ``missing_label``, so a loaded condition stays exactly as it was saved."""
        wanted = list(dict.fromkeys(values))
        self.list.blockSignals(True)
        for value in wanted:
            if value not in self._labels:
                self._add(value, missing_label or str(value))
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setCheckState(Qt.CheckState.Checked if item.data(VALUE_ROLE) in wanted
                               else Qt.CheckState.Unchecked)
        self.list.blockSignals(False)
        self._order = wanted
        self._update_text()

    def selected(self) -> list[Hashable]:
        return list(self._order)

    def _item_changed(self, item: QListWidgetItem) -> None:
        value = item.data(VALUE_ROLE)
        if item.checkState() == Qt.CheckState.Checked:
            if value not in self._order:
                self._order.append(value)
        elif value in self._order:
            self._order.remove(value)
        self._update_text()
        self.changed.emit()

    def _update_text(self) -> None:
        names = [self._labels.get(v, str(v)) for v in self._order]
        text = "、".join(names) if names else self._placeholder
        shown = self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, 260)
        self.setText(shown)
        self.setToolTip(text if names else "")

    def _filter(self, text: str) -> None:
        needle = text.strip().casefold()
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setHidden(bool(needle) and needle not in item.text().casefold())
