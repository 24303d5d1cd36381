"""The customer table view: chips for tags, selection kept by id, files dropped on rows.

Sorting is done by the model (the core's SQL), so the header's sort indicator is handled
here rather than by ``setSortingEnabled``: columns that cannot be sorted (picture, tags)
keep the indicator where it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QLinearGradient,
    QPainter,
    QPen,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from ui.models.customer_table import TAGS_ROLE, CustomerTableModel
from ui.widgets.painting import CHIP_GAP, CHIP_HEIGHT, paint_chip

ROW_HEIGHT = 30


class TagChipDelegate(QStyledItemDelegate):
    """Paints a cell's tags as coloured chips (as many as fit, then "+n")."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        tags = index.data(TAGS_ROLE) or []
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        if not tags:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setClipRect(option.rect)
        painter.setFont(option.font)
        metrics = option.fontMetrics
        rect: QRect = option.rect
        x = rect.x() + 4.0
        y = rect.y() + (rect.height() - CHIP_HEIGHT) / 2
        limit = rect.right() - 4
        plus_width = metrics.horizontalAdvance("+99") + 6
        for i, (name, colour) in enumerate(tags):
            width = metrics.horizontalAdvance(name) + 16
            later = len(tags) - i - 1
            # Room for this chip, and for the "+n" of the ones after it if any.
            if i > 0 and x + width + (plus_width if later else 0) > limit:
                painter.setPen(option.palette.color(option.palette.ColorRole.Text))
                painter.drawText(QRect(int(x), rect.y(), plus_width, rect.height()),
                                 Qt.AlignmentFlag.AlignVCenter, f"+{len(tags) - i}")
                break
            x += paint_chip(painter, x, y, name, colour, metrics) + CHIP_GAP
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(160, ROW_HEIGHT)


@dataclass
class TableState:
    """Where the owner was, by ids, so it survives a re-query, a refresh and a lock."""

    selected: list[int]
    current: int | None
    top: int | None


#: Width of the fade at the right edge when columns go on past it (pixels).
EDGE_FADE = 36


class CustomerTableView(QTableView):
    """The table: multi-select, drag rows out, drop files on a row, column chooser."""

    #: Files dropped on a customer's row: (customer id, local paths).
    files_dropped = Signal(int, list)
    #: Files are being dragged over a customer's row (its id), or off the rows (-1).
    drop_target_changed = Signal(int)
    #: The owner chose columns in the header menu: built-in keys to show.
    builtin_columns_chosen = Signal(list)
    #: The owner toggled a custom field's column: (field id, shown).
    field_column_toggled = Signal(int, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("customerTable")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)  # files from the file manager; rows are only dragged out
        self.viewport().setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setSortingEnabled(False)  # the model sorts in SQL; see _sort_requested
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vh = self.verticalHeader()
        vh.setVisible(False)
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(ROW_HEIGHT)
        hh = self.horizontalHeader()
        hh.setHighlightSections(False)
        hh.setStretchLastSection(True)
        hh.setSectionsMovable(False)
        hh.setSectionsClickable(True)
        hh.setSortIndicatorShown(True)
        hh.sortIndicatorChanged.connect(self._sort_requested)
        hh.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        hh.customContextMenuRequested.connect(self._header_menu)
        self._chips = TagChipDelegate(self)
        #: The row files are dragged over, highlighted so the owner sees who gets them.
        self.drop_row: int | None = None
        #: Shown over the empty table while ``empty_when()`` says so (the empty book).
        self.empty_widget: QWidget | None = None
        self.empty_when: Any = None

    # --- model -----------------------------------------------------------------------------------
    def customer_model(self) -> CustomerTableModel | None:
        model = self.model()
        return model if isinstance(model, CustomerTableModel) else None

    def setModel(self, model: Any) -> None:
        super().setModel(model)
        if isinstance(model, CustomerTableModel):
            model.modelReset.connect(self._after_reset)
            self._after_reset()

    def _after_reset(self) -> None:
        model = self.customer_model()
        if model is None:
            return
        for col in range(model.columnCount()):
            self.setItemDelegateForColumn(col, None)  # type: ignore[arg-type]
        tags = model.column_index("tags")
        if tags >= 0:
            self.setItemDelegateForColumn(tags, self._chips)
        picture = model.column_index("picture")
        if picture >= 0:
            self.horizontalHeader().setSectionResizeMode(picture, QHeaderView.ResizeMode.Fixed)
            self.setColumnWidth(picture, 40)
        q = model.query
        sort_col = next((i for i, c in enumerate(model.columns) if c.sort == q.sort), -1)
        header = self.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicatorShown(sort_col >= 0)
        header.setSortIndicator(sort_col, Qt.SortOrder.DescendingOrder if q.descending
                                else Qt.SortOrder.AscendingOrder)
        header.blockSignals(False)

    def _sort_requested(self, column: int, order: Qt.SortOrder) -> None:
        model = self.customer_model()
        if model is None:
            return
        if not model.is_sortable(column):
            self._after_reset()  # put the indicator back on the column really sorted
            return
        state = self.save_state()
        model.sort(column, order)
        self.restore_state(state, scroll_to_current=True)

    # --- selection, by ids -----------------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        model = self.customer_model()
        sm = self.selectionModel()
        if model is None or sm is None:
            return []
        rows: set[int] = set()
        selection = sm.selection()
        for i in range(selection.count()):
            r = selection.at(i)
            rows.update(range(r.top(), r.bottom() + 1))
        # Only as far as the last selected row: a large book's ids are read as needed.
        return model.ids_at(sorted(rows))

    def current_id(self) -> int | None:
        model = self.customer_model()
        idx = self.currentIndex()
        if model is None or not idx.isValid():
            return None
        return model.id_at(idx.row())

    def save_state(self) -> TableState:
        model = self.customer_model()
        top = None
        if model is not None and model.rowCount() > 0:
            row = self.rowAt(0)
            if row >= 0:
                top = model.id_at(row)
        return TableState(self.selected_ids(), self.current_id(), top)

    def restore_state(self, state: TableState, *, scroll_to_current: bool = False) -> None:
        model = self.customer_model()
        sm = self.selectionModel()
        if model is None or sm is None:
            return
        rows = sorted(r for r in (model.row_of(i) for i in state.selected) if r is not None)
        selection = QItemSelection()
        last = model.columnCount() - 1
        runs: list[tuple[int, int]] = []  # consecutive rows, one selection range each
        for r in rows:
            if runs and r == runs[-1][1] + 1:
                runs[-1] = (runs[-1][0], r)
            else:
                runs.append((r, r))
        for start, end in runs:
            selection.select(model.index(start, 0), model.index(end, max(last, 0)))
        current = model.row_of(state.current) if state.current is not None else None
        if current is not None:
            sm.setCurrentIndex(model.index(current, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
        sm.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        top = model.row_of(state.top) if state.top is not None else None
        if scroll_to_current and current is not None:
            self.scrollTo(model.index(current, 0), QAbstractItemView.ScrollHint.EnsureVisible)
        elif top is not None:
            self.scrollTo(model.index(top, 0), QAbstractItemView.ScrollHint.PositionAtTop)

    # --- columns ---------------------------------------------------------------------------------
    def _header_menu(self, pos: QPoint) -> None:
        self.column_menu().exec(self.horizontalHeader().mapToGlobal(pos))

    def column_menu(self) -> QMenu:
        """The column chooser: built-in columns, then the custom fields."""
        from ui.settings import BUILTIN_COLUMNS

        model = self.customer_model()
        menu = QMenu(self)
        menu.setObjectName("columnMenu")
        if model is None:
            return menu
        shown = [c.key for c in model.columns]
        for key in BUILTIN_COLUMNS:
            action = menu.addAction(model.column_title(key))
            action.setCheckable(True)
            action.setChecked(key in shown)
            action.setData(key)
            action.toggled.connect(lambda on, k=key: self._toggle_builtin(k, on))
        fields = [f for f in model.book.fields.list() if f.type not in ("image", "file")]
        if fields:
            menu.addSeparator()
            for f in fields:
                action = menu.addAction(f.name)
                action.setCheckable(True)
                action.setChecked(bool(f.show_in_list))
                action.setData(f"field:{f.id}")
                action.toggled.connect(
                    lambda on, fid=f.id: self.field_column_toggled.emit(fid, on))
        return menu

    def _toggle_builtin(self, key: str, on: bool) -> None:
        from ui.settings import BUILTIN_COLUMNS

        model = self.customer_model()
        if model is None:
            return
        shown = {c.key for c in model.columns if c.field_id is None}
        shown = shown | {key} if on else shown - {key}
        if not shown:
            return  # keep at least one column
        self.builtin_columns_chosen.emit([k for k in BUILTIN_COLUMNS if k in shown])

    # --- files dropped on a row ------------------------------------------------------------------
    @staticmethod
    def local_files(event: QDropEvent | QDragMoveEvent | QDragEnterEvent) -> list[str]:
        mime = event.mimeData()
        if mime is None or not mime.hasUrls():
            return []
        return [u.toLocalFile() for u in mime.urls() if u.isLocalFile() and u.toLocalFile()]

    def _set_drop_row(self, row: int | None) -> None:
        if row == self.drop_row:
            return
        self.drop_row = row
        self.viewport().update()
        model = self.customer_model()
        self.drop_target_changed.emit(
            model.id_at(row) if row is not None and model is not None else -1)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.local_files(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        if self.local_files(event) and index.isValid():
            event.acceptProposedAction()
            self._set_drop_row(index.row())
        else:
            event.ignore()
            self._set_drop_row(None)

    def dragLeaveEvent(self, event: Any) -> None:
        self._set_drop_row(None)
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        files = self.local_files(event)
        index = self.indexAt(event.position().toPoint())
        model = self.customer_model()
        self._set_drop_row(None)
        if not files or not index.isValid() or model is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.files_dropped.emit(model.id_at(index.row()), files)

    def set_empty_widget(self, widget: QWidget, when: Any) -> None:
        """Show ``widget`` over the table while it has no rows and ``when()`` is true."""
        self.empty_widget = widget
        self.empty_when = when
        widget.setParent(self.viewport())
        self.update_empty()

    def update_empty(self) -> None:
        widget = self.empty_widget
        if widget is None:
            return
        model = self.model()
        show = model is not None and model.rowCount() == 0 and bool(
            self.empty_when is None or self.empty_when())
        widget.setGeometry(self.viewport().rect())
        widget.setVisible(show)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self.empty_widget is not None:
            self.empty_widget.setGeometry(self.viewport().rect())

    def continues_right(self) -> bool:
        """Whether columns go on past the right edge (the table scrolls sideways)."""
        bar = self.horizontalScrollBar()
        return bar.maximum() > 0 and bar.value() < bar.maximum()

    def paintEvent(self, event: Any) -> None:
        super().paintEvent(event)
        if self.continues_right():
            # A cell cut by the edge must not pass for whole ("090-1234-567" reads like
            # a phone number): the last stretch fades out, as text that goes on does.
            width = min(EDGE_FADE, self.viewport().width())
            right = self.viewport().width()
            gradient = QLinearGradient(right - width, 0, right, 0)
            base = self.palette().base().color()
            clear = QColor(base)
            clear.setAlpha(0)
            gradient.setColorAt(0, clear)
            gradient.setColorAt(0.75, base)
            gradient.setColorAt(1, base)
            fade = QPainter(self.viewport())
            fade.fillRect(QRect(right - width, 0, width, self.viewport().height()), gradient)
            fade.end()
        if self.drop_row is None:
            return
        # The whole row under the dragged files, outlined and tinted: whose it will be.
        top = self.rowViewportPosition(self.drop_row)
        rect = QRect(0, top, self.viewport().width(), self.rowHeight(self.drop_row))
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = self.palette().highlight().color()
        fill = QColor(colour)
        fill.setAlpha(110)
        painter.setBrush(fill)
        painter.setPen(QPen(colour, 2))
        painter.drawRoundedRect(rect.adjusted(1, 1, -2, -2), 4, 4)
        painter.end()
