"""The tag views on the left: all friends, blocked, tag folders with their tags, and the
saved segments (:mod:`ui.segments.sidebar`) below them.

Counts are live: tags keep exact counts in the book (triggers), so a rebuild after each
change costs two cheap queries. Choosing an entry filters the table; choosing a folder
shows the customers with any tag in it. Customer rows dropped on a tag get that tag.
Every action the context menu offers is also a method taking its arguments, which the
menu's small questions (name, colour, confirmation) feed. One entry is current across the
tags and the segments: choosing a segment clears the tag tree's, and the other way round.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QIcon,
    QPainter,
    QPixmap,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.errors import OtokuiError
from app.search import CustomerQuery
from ui.errors import show_error
from ui.models.customer_table import decode_ids
from ui.resources import icon
from ui.segments.sidebar import (
    SegmentSection,
    segment_id_of,
    tag_broadcast_text,
    tag_segment_text,
)

if TYPE_CHECKING:
    from app.book import Book
    from app.segments.service import SegmentService

_P = ParamSpec("_P")
_T = TypeVar("_T")

log = logging.getLogger("otokui.ui.sidebar")

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
COUNT_ROLE = Qt.ItemDataRole.UserRole + 2
ALL_KEY = "view:all"
BLOCKED_KEY = "view:blocked"


#: Marks the clause a chosen segment puts in the table's query, so the next choice can take
#: it out again (an SQL comment: it changes nothing in what the clause selects).
_SEGMENT_MARK = "/* sidebar segment */ "
#: What an unusable saved segment shows: nobody (it names a deleted tag or field).
_NOBODY: tuple[str, dict[str, Any]] = (_SEGMENT_MARK + "c.id IN (SELECT NULL WHERE 0)", {})


@dataclass(frozen=True)
class SidebarChoice:
    """What the chosen entry selects: a view, tags of which any must be present, or a
    saved segment (``segments`` is the book's segment service that runs it)."""

    key: str
    view: str = "all"
    tags_any: tuple[int, ...] = ()
    segment_id: int | None = None
    segments: SegmentService | None = field(default=None, compare=False, repr=False)

    def apply(self, query: CustomerQuery) -> CustomerQuery:
        # The previous choice's segment clause goes: a choice replaces the view.
        kept = tuple(c for c in query.extra_where if not c[0].startswith(_SEGMENT_MARK))
        query = replace(query, view=self.view, tags_any=self.tags_any, extra_where=kept)
        if self.segment_id is None or self.segments is None:
            return query
        try:
            found = self.segments.saved_query(
                self.segment_id, replace(query, extra_where=()))
        except OtokuiError as exc:
            log.info("segment %d cannot be shown: %s", self.segment_id, exc.code)
            return replace(query, extra_where=(*kept, _NOBODY))
        added = tuple((_SEGMENT_MARK + sql, params) for sql, params in found.extra_where)
        return replace(found, extra_where=(*kept, *added))


def _dot(colour: str, size: int = 12) -> QIcon:
    px = QPixmap(size, size)
    px.fill(Qt.GlobalColor.transparent)
    p = QPainter(px)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(colour))
    p.drawEllipse(1, 1, size - 2, size - 2)
    p.end()
    return QIcon(px)


class _CountDelegate(QStyledItemDelegate):
    """Draws the entry as usual, with its count right-aligned in grey.

    With ``fit_width`` (the segment list) an entry is never wider than its view: a long
    name is elided (…) in the room the count leaves, instead of the list scrolling
    sideways and taking every count out of sight.
    """

    def __init__(self, parent: QAbstractItemView, *, fit_width: bool = False) -> None:
        super().__init__(parent)
        self._view = parent
        self._fit_width = fit_width

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        count = index.data(COUNT_ROLE)
        if count is None:
            super().paint(painter, option, index)
            return
        text = f"{int(count):,}"
        width = option.fontMetrics.horizontalAdvance(text) + 12
        opt = QStyleOptionViewItem(option)
        opt.rect = option.rect.adjusted(0, 0, -width, 0)
        super().paint(painter, opt, index)
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        # The selection is a light tint in our style, so the count stays dark on it.
        painter.setPen(QColor("#3C4A3F") if selected else QColor("#8A9099"))
        r: QRect = option.rect
        painter.drawText(QRect(r.right() - width, r.y(), width - 6, r.height()),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        width = size.width() + 40
        if self._fit_width:
            width = min(width, max(1, self._view.viewport().width()))
        return QSize(width, max(size.height(), 28))


class _TagTree(QTreeView):
    """The tree; accepts customer rows dropped on a tag."""

    ids_dropped_on_tag = Signal(list, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setDropIndicatorShown(True)

    def _tag_at(self, event: QDragMoveEvent | QDropEvent) -> int | None:
        index = self.indexAt(event.position().toPoint())
        key = index.data(KEY_ROLE) if index.isValid() else None
        if isinstance(key, str) and key.startswith("tag:"):
            return int(key.split(":", 1)[1])
        return None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if mime is not None and decode_ids(mime):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        mime = event.mimeData()
        if mime is not None and decode_ids(mime) and self._tag_at(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        mime = event.mimeData()
        ids = decode_ids(mime) if mime is not None else []
        tag = self._tag_at(event)
        if not ids or tag is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.ids_dropped_on_tag.emit(ids, tag)


class TagSidebar(QWidget):
    """Views, tags and segments; ``chosen(SidebarChoice)`` when the owner picks one."""

    chosen = Signal(object)
    #: Customers were tagged by a drop: (number of customers newly tagged, tag name).
    tagged = Signal(int, str)
    #: "Broadcast to this segment…" (saved segment id) and "… to this tag…" (tag id).
    segment_broadcast_requested = Signal(int)
    tag_broadcast_requested = Signal(int)

    def __init__(self, book: Book, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tagSidebar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.book = book
        self.model = QStandardItemModel(self)
        # The segments first: made before the tree, their widgets come before it in the
        # focus chain, which runs tree, search box, table, detail pane (the window's order).
        self.split = QSplitter(Qt.Orientation.Vertical, self)
        self.split.setObjectName("sidebarSplitter")
        self.split.setChildrenCollapsible(False)
        self.split.setHandleWidth(3)
        self.segments = SegmentSection(
            book, self, key_role=KEY_ROLE, count_role=COUNT_ROLE,
            delegate=lambda view: _CountDelegate(view, fit_width=True))
        self.segments.picked.connect(self._segment_picked)
        self.segments.segments_changed.connect(self._segments_changed)
        self.segments.broadcast_requested.connect(self.segment_broadcast_requested)
        self.segments.saved.connect(self._segment_saved)
        self.tree = _TagTree(self)
        self.tree.setObjectName("tagTree")
        self.tree.setModel(self.model)
        self.tree.setHeaderHidden(True)
        self.tree.setItemDelegate(_CountDelegate(self.tree))
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        self.tree.ids_dropped_on_tag.connect(self.tag_customers)
        self.tree.setIndentation(14)
        self.tree.setUniformRowHeights(True)

        # A タグ heading with the two ways to make one, in words ("＋ タグ", "＋ フォルダ"):
        # two bare 16 px icons at the bottom were found by nobody.
        self.new_tag_button = QToolButton(self)
        self.new_tag_button.setObjectName("newTagButton")
        self.new_tag_button.setText(self.tr("＋ Tag"))
        self.new_tag_button.setToolTip(self.tr("New tag"))
        self.new_tag_button.setAutoRaise(True)
        self.new_tag_button.clicked.connect(lambda: self.ask_new_tag(self.current_folder_id()))
        self.new_folder_button = QToolButton(self)
        self.new_folder_button.setObjectName("newFolderButton")
        self.new_folder_button.setIcon(icon("folder-add"))
        self.new_folder_button.setText(self.tr("Folder"))
        self.new_folder_button.setToolTip(self.tr("New folder"))
        self.new_folder_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.new_folder_button.setAutoRaise(True)
        self.new_folder_button.clicked.connect(self.ask_new_folder)
        self.tags_title = QLabel(self.tr("Tags"), self)
        self.tags_title.setObjectName("tagSectionTitle")
        title_font = self.tags_title.font()
        title_font.setBold(True)
        self.tags_title.setFont(title_font)
        header = QHBoxLayout()
        header.setContentsMargins(10, 6, 4, 2)
        header.setSpacing(2)
        header.addWidget(self.tags_title, 1)
        header.addWidget(self.new_tag_button)
        header.addWidget(self.new_folder_button)
        tag_section = QWidget(self)
        tag_section.setObjectName("tagSection")
        section = QVBoxLayout(tag_section)
        section.setContentsMargins(0, 0, 0, 0)
        section.setSpacing(0)
        section.addLayout(header)
        section.addWidget(self.tree, 1)
        self.split.addWidget(tag_section)
        self.split.addWidget(self.segments)
        self.split.setStretchFactor(0, 1)
        self.split.setStretchFactor(1, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.split, 1)

        self._collapsed: set[str] = set()
        self._tag_order: list[int] = []
        self._folder_order: list[int] = []
        self._tag_names: dict[int, str] = {}
        self._folder_of: dict[int, int | None] = {}
        self.reload()
        self.select_key(ALL_KEY)

    # --- building --------------------------------------------------------------------------------
    def reload(self) -> None:
        """Rebuild from the book, keeping the chosen entry and folded folders."""
        current = self.current_key()
        for row in range(self.model.rowCount()):
            item = self.model.item(row)
            key = item.data(KEY_ROLE)
            if key.startswith("folder:") and not self.tree.isExpanded(item.index()):
                self._collapsed.add(key)
            else:
                self._collapsed.discard(key)
        tags = self.book.tags.list()
        folders = self.book.tags.folders()
        self._tag_order = [t.id for t in tags]
        self._folder_order = [f.id for f in folders]
        self._tag_names = {t.id: t.name for t in tags}
        self._folder_of = {t.id: t.folder_id for t in tags}
        total = self.book.customers.count()
        blocked = self.book.search.count(CustomerQuery(view="blocked"))

        self.tree.selectionModel().blockSignals(True)
        self.model.clear()
        root = self.model.invisibleRootItem()
        root.appendRow(self._item(self.tr("All friends"), ALL_KEY, total, icon("people")))
        root.appendRow(self._item(self.tr("Blocked"), BLOCKED_KEY, blocked, icon("block")))
        by_folder: dict[int | None, list[Any]] = {}
        for t in tags:
            by_folder.setdefault(t.folder_id, []).append(t)
        for f in folders:
            folder_item = self._item(f.name, f"folder:{f.id}", None, icon("folder"))
            font = folder_item.font()
            font.setBold(True)
            folder_item.setFont(font)
            for t in by_folder.get(f.id, []):
                folder_item.appendRow(self._item(t.name, f"tag:{t.id}", t.count, _dot(t.color),
                                                 tooltip=t.description))
            root.appendRow(folder_item)
        for t in by_folder.get(None, []):
            root.appendRow(self._item(t.name, f"tag:{t.id}", t.count, _dot(t.color),
                                      tooltip=t.description))
        for row in range(self.model.rowCount()):
            item = self.model.item(row)
            if item.data(KEY_ROLE) not in self._collapsed:
                self.tree.expand(item.index())
        self.tree.selectionModel().blockSignals(False)
        self.segments.reload()  # their counts follow customers and tags too
        if not self._select(current or ALL_KEY, emit=False) and current:
            # The chosen tag or folder is gone: fall back to everyone, and say so.
            self.select_key(ALL_KEY)

    @staticmethod
    def _item(text: str, key: str, count: int | None, item_icon: QIcon,
              tooltip: str = "") -> QStandardItem:
        item = QStandardItem(item_icon, text)
        item.setData(key, KEY_ROLE)
        item.setData(count, COUNT_ROLE)
        item.setEditable(False)
        if tooltip:
            item.setToolTip(tooltip)
        return item

    # --- choosing --------------------------------------------------------------------------------
    def _find(self, key: str) -> QModelIndex | None:
        if segment_id_of(key) is not None:
            return self.segments.find_key(key)
        matches = self.model.match(self.model.index(0, 0), KEY_ROLE, key, 1,
                                   Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)
        return matches[0] if matches else None

    def current_key(self) -> str | None:
        segment = self.segments.current_key()
        if segment is not None:
            return segment
        index = self.tree.currentIndex()
        return index.data(KEY_ROLE) if index.isValid() else None

    def select_key(self, key: str) -> bool:
        return self._select(key, emit=True)

    def _select(self, key: str, *, emit: bool) -> bool:
        if segment_id_of(key) is not None:
            if not self.segments.select(key):
                return False
            self._clear_tree_current()
            if emit:
                self.chosen.emit(self.choice())
            return True
        index = self._find(key)
        if index is None:
            return False
        self.segments.clear_current()
        if not emit:
            self.tree.selectionModel().blockSignals(True)
        self.tree.setCurrentIndex(index)
        if not emit:
            self.tree.selectionModel().blockSignals(False)
        return True

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.segments.clear_current()
            self.chosen.emit(self.choice())

    def _clear_tree_current(self) -> None:
        selection = self.tree.selectionModel()
        selection.blockSignals(True)
        selection.clear()
        selection.blockSignals(False)
        self.tree.viewport().update()

    # --- segments --------------------------------------------------------------------------------
    def _segment_picked(self, key: str) -> None:
        self._clear_tree_current()
        self.chosen.emit(self.choice())

    def _segment_saved(self, segment_id: int) -> None:
        self.segments.reload()
        self.select_key(f"segment:{segment_id}")

    def _segments_changed(self, ids: set[int] | None) -> None:
        """Saved segments changed in the book: list them again; the chosen one, if it was
        changed, filters the table anew, and if it was deleted everyone is shown."""
        current = self.current_key()
        self.segments.reload()
        sid = segment_id_of(current)
        if sid is None:
            return
        if not self.segments.select(current):  # type: ignore[arg-type]
            self.select_key(ALL_KEY)
        elif not ids or sid in ids:
            self.chosen.emit(self.choice())

    def current_segment_id(self) -> int | None:
        return segment_id_of(self.current_key())

    def choice(self) -> SidebarChoice:
        key = self.current_key() or ALL_KEY
        segment = segment_id_of(key)
        if segment is not None:
            return SidebarChoice(key, segment_id=segment, segments=self.book.segments)
        if key == BLOCKED_KEY:
            return SidebarChoice(key, view="blocked")
        if key.startswith("tag:"):
            return SidebarChoice(key, tags_any=(int(key[4:]),))
        if key.startswith("folder:"):
            fid = int(key[7:])
            tags = tuple(t for t in self._tag_order if self._folder_of.get(t) == fid)
            # An empty folder selects nobody (tag id 0 never exists).
            return SidebarChoice(key, tags_any=tags or (0,))
        return SidebarChoice(ALL_KEY)

    def current_tag_id(self) -> int | None:
        key = self.current_key()
        return int(key[4:]) if key and key.startswith("tag:") else None

    def current_folder_id(self) -> int | None:
        key = self.current_key()
        if key and key.startswith("folder:"):
            return int(key[7:])
        tag = self.current_tag_id()
        return self._folder_of.get(tag) if tag is not None else None

    # --- actions with their arguments ------------------------------------------------------------
    def _guard(self, fn: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T | None:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            show_error(self, exc)
            return None

    def create_tag(self, name: str, folder_id: int | None = None,
                   color: str | None = None) -> int | None:
        tag_id = self._guard(self.book.tags.create, name, folder_id=folder_id, color=color)
        if tag_id is not None:
            self.reload()
            self.select_key(f"tag:{tag_id}")
        return tag_id

    def create_folder(self, name: str) -> int | None:
        folder_id = self._guard(self.book.tags.create_folder, name)
        if folder_id is not None:
            self.reload()
        return folder_id

    def rename_tag(self, tag_id: int, name: str) -> None:
        self._guard(self.book.tags.update, tag_id, name=name)

    def recolour_tag(self, tag_id: int, color: str) -> None:
        self._guard(self.book.tags.update, tag_id, color=color)

    def move_tag_to_folder(self, tag_id: int, folder_id: int | None) -> None:
        self._guard(self.book.tags.update, tag_id, folder_id=folder_id)

    def rename_folder(self, folder_id: int, name: str) -> None:
        self._guard(self.book.tags.rename_folder, folder_id, name)

    def delete_tag(self, tag_id: int) -> None:
        self._guard(self.book.tags.delete, tag_id)

    def delete_folder(self, folder_id: int, *, delete_tags: bool = False) -> None:
        self._guard(self.book.tags.delete_folder, folder_id, delete_tags=delete_tags)

    def move_item(self, key: str, step: int) -> None:
        """Move a tag (within its folder's order) or a folder up or down by ``step``."""
        reorder: Callable[[list[int]], None]
        if key.startswith("folder:"):
            order, item = list(self._folder_order), int(key[7:])
            reorder = self.book.tags.reorder_folders
            siblings = order
        else:
            order, item = list(self._tag_order), int(key[4:])
            reorder = self.book.tags.reorder
            folder = self._folder_of.get(item)
            siblings = [t for t in order if self._folder_of.get(t) == folder]
        pos = siblings.index(item)
        target = pos + step
        if not 0 <= target < len(siblings):
            return
        other = siblings[target]
        i, j = order.index(item), order.index(other)
        order[i], order[j] = order[j], order[i]
        self._guard(reorder, order)

    def tag_customers(self, customer_ids: list[int], tag_id: int) -> None:
        """Customer rows dropped on a tag: tag them (in the background for many)."""
        from ui.worker import run_in_background

        name = self._tag_names.get(tag_id, "")
        book = self.book
        label = self.tr("Adding the tag…") if len(customer_ids) > 2000 else None
        run_in_background(self, lambda _p: book.tags.add(customer_ids, [tag_id]),
                          on_success=lambda n: self.tagged.emit(int(n), name), label=label,
                          cancellable=False)

    # --- the questions ---------------------------------------------------------------------------
    def ask_new_tag(self, folder_id: int | None = None) -> None:
        name, ok = QInputDialog.getText(self, self.tr("New tag"), self.tr("Tag name:"))
        if ok and name.strip():
            self.create_tag(name, folder_id)

    def ask_new_folder(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("New folder"), self.tr("Folder name:"))
        if ok and name.strip():
            self.create_folder(name)

    def ask_rename(self, key: str) -> None:
        index = self._find(key)
        old = index.data(Qt.ItemDataRole.DisplayRole) if index is not None else ""
        title = self.tr("Rename folder") if key.startswith("folder:") else self.tr("Rename tag")
        name, ok = QInputDialog.getText(self, title, self.tr("New name:"),
                                        QLineEdit.EchoMode.Normal, old)
        if not ok or not name.strip() or name == old:
            return
        if key.startswith("folder:"):
            self.rename_folder(int(key[7:]), name)
        else:
            self.rename_tag(int(key[4:]), name)

    def ask_recolour(self, tag_id: int) -> None:
        current = QColor(next((t.color for t in self.book.tags.list() if t.id == tag_id),
                              "#4C8BF5"))
        colour = QColorDialog.getColor(current, self, self.tr("Tag colour"))
        if colour.isValid():
            self.recolour_tag(tag_id, colour.name().upper())

    def ask_delete(self, key: str) -> None:
        index = self._find(key)
        name = index.data(Qt.ItemDataRole.DisplayRole) if index is not None else ""
        if key.startswith("tag:"):
            count = index.data(COUNT_ROLE) if index is not None else 0
            answer = QMessageBox.question(
                self, self.tr("Delete tag"),
                self.tr("Delete the tag “%1”? It is removed from %2 customers. "
                        "The customers themselves are kept.").replace("%1", name).replace(
                            "%2", f"{int(count or 0):,}"))
            if answer == QMessageBox.StandardButton.Yes:
                self.delete_tag(int(key[4:]))
        elif key.startswith("folder:"):
            box = QMessageBox(QMessageBox.Icon.Question, self.tr("Delete folder"),
                              self.tr("Delete the folder “%1”?").replace("%1", name),
                              QMessageBox.StandardButton.Cancel, self)
            keep = box.addButton(self.tr("Delete folder, keep its tags"),
                                 QMessageBox.ButtonRole.AcceptRole)
            also = box.addButton(self.tr("Delete folder and its tags"),
                                 QMessageBox.ButtonRole.DestructiveRole)
            box.exec()
            if box.clickedButton() is keep:
                self.delete_folder(int(key[7:]))
            elif box.clickedButton() is also:
                self.delete_folder(int(key[7:]), delete_tags=True)

    def context_menu_for(self, key: str | None) -> QMenu:
        menu = QMenu(self)
        menu.setObjectName("tagMenu")
        folder = None
        if key and key.startswith("folder:"):
            folder = int(key[7:])
        elif key and key.startswith("tag:"):
            folder = self._folder_of.get(int(key[4:]))
        menu.addAction(icon("tag-add"), self.tr("New tag…"), lambda: self.ask_new_tag(folder))
        menu.addAction(icon("folder-add"), self.tr("New folder…"), self.ask_new_folder)
        if key and (key.startswith("tag:") or key.startswith("folder:")):
            menu.addSeparator()
            menu.addAction(icon("edit"), self.tr("Rename…"), lambda: self.ask_rename(key))
            if key.startswith("tag:"):
                tag_id = int(key[4:])
                menu.addAction(icon("palette"), self.tr("Change colour…"),
                               lambda: self.ask_recolour(tag_id))
                move_menu = menu.addMenu(icon("folder"), self.tr("Move to folder"))
                none = move_menu.addAction(self.tr("No folder"))
                none.triggered.connect(lambda: self.move_tag_to_folder(tag_id, None))
                for f in self.book.tags.folders():
                    action: QAction = move_menu.addAction(f.name)
                    action.triggered.connect(
                        lambda _=False, fid=f.id: self.move_tag_to_folder(tag_id, fid))
            menu.addAction(icon("up"), self.tr("Move up"), lambda: self.move_item(key, -1))
            menu.addAction(icon("down"), self.tr("Move down"), lambda: self.move_item(key, 1))
            if key.startswith("tag:"):
                tag_id = int(key[4:])
                menu.addSeparator()
                menu.addAction(tag_broadcast_text(),
                               lambda: self.tag_broadcast_requested.emit(tag_id))
                menu.addAction(icon("plus"), tag_segment_text(),
                               lambda: self.segments.new_from_tag(tag_id))
            menu.addSeparator()
            menu.addAction(icon("delete"), self.tr("Delete…"), lambda: self.ask_delete(key))
        return menu

    def _context_menu(self, pos: QPoint) -> None:
        index = self.tree.indexAt(pos)
        key = index.data(KEY_ROLE) if index.isValid() else None
        self.context_menu_for(key).exec(self.tree.viewport().mapToGlobal(pos))
