"""The cross tabulation page (クロス分析): two dimensions, counts or shares, and each cell a
set of customers the owner can open in the main window or save as a segment.

The table is app/analytics/crosstab.py's, computed in the background; the model shows it
with a total row and column. A cell's customers are the crosstab's ``cell_ids``; a total's
are the union of its line (a customer counted in a row is in one or more of its cells).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.analytics.crosstab import CrossTab, Dimension, crosstab
from app.analytics.tables import crosstab_table, write_csv
from app.fields import FieldType
from ui.analytics.charts import translate
from ui.errors import show_error
from ui.worker import RunningOps, run_in_background

if TYPE_CHECKING:
    from app.book import Book

COUNT, ROW_SHARE, COL_SHARE = "count", "row", "col"
#: A number field's ranges until the owner types others (visits, points: small counts).
DEFAULT_RANGES = "0-4,5-9,10-19,20-"
_Index = QModelIndex | QPersistentModelIndex


def parse_ranges(text: str) -> tuple[tuple[float | None, float | None], ...]:
    """"-4,5-9,10-" → ((None, 4), (5, 9), (10, None)); ValueError when unreadable."""
    out: list[tuple[float | None, float | None]] = []
    for part in filter(None, (x.strip() for x in text.replace("、", ",").split(","))):
        lo, sep, hi = part.partition("-")
        if not sep:  # a single number: that value only
            hi = lo
        out.append((float(lo) if lo.strip() else None, float(hi) if hi.strip() else None))
    if not out:
        raise ValueError("no ranges")
    return tuple(out)


@dataclass(frozen=True)
class Cell:
    """What a cell (or a total) stands for."""

    ids: list[int]
    #: "東京都 × VIP", what the main window's banner says.
    label: str
    #: The segment condition (JSON form) when one says exactly these customers.
    condition: dict[str, Any] | None


class CrossTabModel(QAbstractTableModel):
    """The counts (or shares) with a total row and column, last."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tab: CrossTab | None = None
        self.top = 0
        self.mode = COUNT

    def set_tab(self, tab: CrossTab | None) -> None:
        self.beginResetModel()
        self.tab = tab
        #: The fullest cell (the heat map's top), once per table rather than per paint.
        self.top = max((n for line in tab.counts for n in line), default=0) if tab else 0
        self.endResetModel()

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        if self.rowCount() and self.columnCount():
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(self.rowCount() - 1, self.columnCount() - 1))

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.tab is None else len(self.tab.rows) + 1

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.tab is None else len(self.tab.cols) + 1

    @staticmethod
    def value_label(value: Any) -> str:
        return value.label if value.key is not None else translate("Analytics", "(no value)")

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        tab = self.tab
        if tab is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        values = tab.cols if orientation == Qt.Orientation.Horizontal else tab.rows
        if 0 <= section < len(values):
            return self.value_label(values[section])
        if section == len(values):
            return translate("Analytics", "Total")
        return None

    def _count(self, r: int, c: int) -> int:
        tab = self.tab
        assert tab is not None
        last_r, last_c = len(tab.rows), len(tab.cols)
        if r == last_r and c == last_c:
            return tab.total
        if r == last_r:
            return tab.col_totals[c]
        if c == last_c:
            return tab.row_totals[r]
        return tab.counts[r][c]

    def share(self, r: int, c: int) -> float | None:
        """The cell over its row's (or column's) total, per the mode; None for counts."""
        tab = self.tab
        assert tab is not None
        if self.mode == COUNT:
            return None
        whole = (self._count(r, len(tab.cols)) if self.mode == ROW_SHARE
                 else self._count(len(tab.rows), c))
        return self._count(r, c) / whole if whole else 0.0

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        tab = self.tab
        if tab is None or not index.isValid():
            return None
        r, c = index.row(), index.column()
        if not (0 <= r < self.rowCount() and 0 <= c < self.columnCount()):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            share = self.share(r, c)
            return f"{self._count(r, c):,}" if share is None else f"{share * 100:.1f}%"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and r < len(tab.rows) \
                and c < len(tab.cols):
            # A heat map: the fuller the cell, the greener (translucent: readable on a
            # light or a dark palette).
            if self.top and tab.counts[r][c]:
                return QColor(6, 199, 85, 25 + int(110 * tab.counts[r][c] / self.top))
            return None
        if role == Qt.ItemDataRole.FontRole and (r == len(tab.rows) or c == len(tab.cols)):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return translate("Analytics", "%1: %2 customers (double-click to show them)") \
                .replace("%1", self.cell(r, c).label).replace("%2", f"{self._count(r, c):,}")
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def cell(self, r: int, c: int) -> Cell:
        """The customers behind a cell or a total, with what to call them."""
        tab = self.tab
        assert tab is not None
        last_r, last_c = len(tab.rows), len(tab.cols)
        rows = range(last_r) if r == last_r else (r,)
        cols = range(last_c) if c == last_c else (c,)
        ids: Iterable[int]
        if len(rows) == 1 and len(cols) == 1:
            ids = tab.cell_ids(r, c)
        else:
            ids = sorted({i for a in rows for b in cols for i in tab.cell_ids(a, b)})
        names = [self.value_label(tab.rows[r])] if r < last_r else []
        names += [self.value_label(tab.cols[c])] if c < last_c else []
        label = " × ".join(names) or translate("Analytics", "Everyone counted")
        parts = ([tab.rows[r].condition] if r < last_r else []) + \
            ([tab.cols[c].condition] if c < last_c else [])
        condition: dict[str, Any] | None = None
        if parts and all(p is not None for p in parts):
            condition = {"version": 1, "root": {"group": "and", "items": parts}}
        return Cell(list(ids), label, condition)


class CrossTabPage(QWidget):
    #: (the cell's customers, what they are) to show in the main window.
    show_requested = Signal(object)
    #: A cell's condition (JSON form) and its label, to save as a segment.
    segment_requested = Signal(object)
    computed = Signal(object)

    def __init__(self, book: Book, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crosstabPage")
        self.book: Book | None = book
        self.ops = RunningOps()
        self._generation = 0
        self.tab: CrossTab | None = None

        self.rows = QComboBox(self)
        self.rows.setObjectName("rowsDimension")
        self.cols = QComboBox(self)
        self.cols.setObjectName("colsDimension")
        self.row_ranges = QLineEdit(DEFAULT_RANGES, self)
        self.row_ranges.setObjectName("rowRanges")
        self.col_ranges = QLineEdit(DEFAULT_RANGES, self)
        self.col_ranges.setObjectName("colRanges")
        for edit in (self.row_ranges, self.col_ranges):
            edit.setToolTip(translate("Analytics", "Ranges of the number, both ends included, "
                                      "separated by commas: 0,1-4,5-9,10-"))
            edit.setMaximumWidth(160)
            edit.editingFinished.connect(self.recompute)
        self.mode = QComboBox(self)
        self.mode.setObjectName("shareMode")
        self.mode.addItem(translate("Analytics", "Customers (count)"), COUNT)
        self.mode.addItem(translate("Analytics", "Share of the row"), ROW_SHARE)
        self.mode.addItem(translate("Analytics", "Share of the column"), COL_SHARE)
        self.model = CrossTabModel(self)
        self.view = QTableView(self)
        self.view.setObjectName("crosstabTable")
        self.view.setModel(self.model)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setMinimumSectionSize(72)
        self.view.doubleClicked.connect(lambda index: self.open_cell(index.row(),
                                                                     index.column()))
        self.view.selectionModel().currentChanged.connect(lambda *_a: self._current_changed())
        self.show_button = QPushButton(translate("Analytics", "Show these customers"), self)
        self.show_button.setObjectName("showCellButton")
        self.show_button.clicked.connect(lambda _c=False: self._open_current())
        self.segment_button = QPushButton(translate("Analytics", "Save as a segment…"), self)
        self.segment_button.setObjectName("cellSegmentButton")
        self.segment_button.clicked.connect(lambda _c=False: self._save_current())
        self.csv_button = QPushButton(translate("Analytics", "Save figures as CSV…"), self)
        self.csv_button.setObjectName("crosstabCsvButton")
        self.csv_button.clicked.connect(lambda _c=False: self.ask_csv())
        for b in (self.show_button, self.segment_button, self.csv_button):
            b.setAutoDefault(False)
        self.hint = QLabel(translate(
            "Analytics", "Double-click a cell to show its customers in the customer book. "
            "Blocked friends are not counted; a customer with two tags counts in both."), self)
        self.hint.setWordWrap(True)
        self.status = QLabel(self)
        self.status.setObjectName("crosstabStatus")

        top = QHBoxLayout()
        top.addWidget(QLabel(translate("Analytics", "Rows"), self))
        top.addWidget(self.rows)
        top.addWidget(self.row_ranges)
        top.addSpacing(12)
        top.addWidget(QLabel(translate("Analytics", "Columns"), self))
        top.addWidget(self.cols)
        top.addWidget(self.col_ranges)
        top.addSpacing(12)
        top.addWidget(self.mode)
        top.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.show_button)
        bottom.addWidget(self.segment_button)
        bottom.addWidget(self.csv_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)

        self.fill_dimensions()
        self.rows.setCurrentIndex(max(0, self.rows.findData("tag")))
        self.cols.setCurrentIndex(max(0, self.cols.findData("prefecture")))
        self.rows.currentIndexChanged.connect(lambda _i: self.recompute())
        self.cols.currentIndexChanged.connect(lambda _i: self.recompute())
        self.mode.currentIndexChanged.connect(
            lambda _i: self.model.set_mode(str(self.mode.currentData())))
        self._current_changed()

    # --- dimensions --------------------------------------------------------------------------
    def fill_dimensions(self) -> None:
        """The dimensions the book offers: tag, prefecture, birthday month, inflow route and
        its choice and number fields ("choice:ID", "number:ID")."""
        book = self.book
        if book is None:
            return
        items: list[tuple[str, str]] = [
            (translate("Analytics", "Tag"), "tag"),
            (translate("Analytics", "Prefecture"), "prefecture"),
            (translate("Analytics", "Birthday month"), "birthday_month"),
            (translate("Analytics", "Inflow route"), "route")]
        for f in book.fields.list():
            if f.type in (FieldType.SINGLE_CHOICE, FieldType.MULTI_CHOICE):
                items.append((f.name, f"choice:{f.id}"))
            elif f.type in (FieldType.NUMBER, FieldType.POINTS):
                items.append((f.name, f"number:{f.id}"))
        for combo in (self.rows, self.cols):
            keep = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for text, data in items:
                combo.addItem(text, data)
            if keep is not None and combo.findData(keep) >= 0:
                combo.setCurrentIndex(combo.findData(keep))
            combo.blockSignals(False)

    def _dimension(self, combo: QComboBox, ranges: QLineEdit) -> Dimension:
        kind, _, field = str(combo.currentData() or "tag").partition(":")
        field_id = int(field) if field else None
        ranges.setVisible(kind == "number")
        if kind == "number":
            return Dimension(kind, field_id=field_id, ranges=parse_ranges(ranges.text()))
        return Dimension(kind, field_id=field_id)

    def dimensions(self) -> tuple[Dimension, Dimension]:
        return (self._dimension(self.rows, self.row_ranges),
                self._dimension(self.cols, self.col_ranges))

    # --- computing ---------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.ops.busy

    def recompute(self) -> None:
        book = self.book
        if book is None:
            return
        try:
            rows, cols = self.dimensions()
        except ValueError:
            self.status.setText(translate(
                "Analytics", "The ranges could not be read: write them as 0,1-4,5-9,10-"))
            return
        self._generation += 1
        generation = self._generation
        self.status.setText(translate("Analytics", "Computing…"))

        def work(_p: Any) -> CrossTab:
            with book.db.read() as s:
                return crosstab(s, rows, cols)

        def done(tab: CrossTab) -> None:
            if generation == self._generation:
                self.show_tab(tab)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self.status.setText("")
                show_error(self, exc)

        self.ops.track(run_in_background(self, work, on_success=done, on_failure=failed))

    def show_tab(self, tab: CrossTab) -> None:
        self.tab = tab
        self.model.set_tab(tab)
        self.status.setText(translate("Analytics", "%1 customers counted").replace(
            "%1", f"{tab.total:,}"))
        self._current_changed()
        self.computed.emit(tab)

    # --- cells -------------------------------------------------------------------------------
    def _current(self) -> Cell | None:
        index = self.view.currentIndex()
        if self.tab is None or not index.isValid():
            return None
        return self.model.cell(index.row(), index.column())

    def _current_changed(self) -> None:
        cell = self._current()
        self.show_button.setEnabled(cell is not None)
        self.segment_button.setEnabled(cell is not None and cell.condition is not None)
        self.segment_button.setToolTip("" if cell is None or cell.condition is not None
                                       else translate("Analytics", "No segment condition "
                                                      "says exactly these customers"))
        self.csv_button.setEnabled(self.tab is not None)

    def open_cell(self, r: int, c: int) -> Cell | None:
        if self.tab is None:
            return None
        cell = self.model.cell(r, c)
        self.show_requested.emit(cell)
        return cell

    def _open_current(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self.open_cell(index.row(), index.column())

    def _save_current(self) -> None:
        cell = self._current()
        if cell is not None and cell.condition is not None:
            self.segment_requested.emit(cell)

    # --- export ------------------------------------------------------------------------------
    def ask_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, translate("Analytics", "Save the figures as CSV"),
            str(Path.home() / "crosstab.csv"), translate("Analytics", "CSV file (*.csv)"))
        if path:
            self.export_csv(Path(path))

    def export_csv(self, path: Path) -> bool:
        """The table ``main.py report crosstab`` writes."""
        if self.tab is None:
            return False
        try:
            write_csv(crosstab_table(self.tab), path)
        except OSError as exc:
            show_error(self, exc)
            return False
        return True

    def release(self) -> None:
        self.book = None
        self._generation += 1
