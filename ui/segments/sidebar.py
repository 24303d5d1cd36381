"""Saved segments in the sidebar: a "Segments" section under the tags, as views of the book.

Each saved segment is an entry keyed ``segment:{id}`` with its number of recipients
(counted in the background: a segment is a query, not a stored count like a tag's).
Choosing one filters the table through ``book.segments.saved_query``; the context menu
edits, renames, deletes (after asking) or starts a broadcast to it. A segment the book can
no longer run (a tag or field it names was deleted) stays listed, marked, with the reason.

:class:`ui.widgets.tag_sidebar.TagSidebar` owns the choosing (one entry is current across
tags and segments); this module owns the segment entries, their counts and their menu.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QObject,
    QPoint,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QMessageBox,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import OtokuiError
from app.segments import AND, Group, TagCondition
from ui.errors import show_error
from ui.resources import icon
from ui.segments.builder import SegmentBuilderDialog, problem_text
from ui.worker import run_in_background

if TYPE_CHECKING:
    from app.book import Book, Change
    from app.segments import SavedSegmentInfo

log = logging.getLogger("otokui.ui.segments")

PREFIX = "segment:"
# Book changes after which the section is read again (tags and customers come through
# the sidebar's own reload, which the window calls).
_KINDS = frozenset({"segments", "fields"})


_STYLE = """
QWidget#segmentSection { background: #FFFFFF; border-top: 1px solid #E6E9ED; }
QLabel#segmentSectionTitle { color: #2B3440; }
QListView#segmentList { border: none; background: #FFFFFF; padding: 0px 6px; outline: none; }
QListView#segmentList::item { min-height: 28px; border-radius: 6px; padding-left: 2px;
                              color: #2B3440; }
QListView#segmentList::item:hover:!selected { background: #F1F3F5; }
QListView#segmentList::item:selected { background: #E3F5EA; color: #0B5A2C; }
"""


def segment_id_of(key: str | None) -> int | None:
    if key and key.startswith(PREFIX):
        try:
            return int(key[len(PREFIX):])
        except ValueError:
            return None
    return None


def tag_broadcast_text() -> str:
    """The tag menu's entry (the tag menu lives in the window's catalog; this text here)."""
    return QCoreApplication.translate("SegmentSection", "Broadcast to this tag…")


def tag_segment_text() -> str:
    return QCoreApplication.translate("SegmentSection", "New segment from this tag…")


class _BookRelay(QObject):
    """Carries the book's change announcements (any thread) onto the main thread.

    Disconnects itself from the book once its Qt side is gone, so a closed window leaves
    nothing listening to the book.
    """

    arrived = Signal(str, object)

    def __init__(self, book: Book, parent: QObject) -> None:
        super().__init__(parent)
        self._book = book
        book.changed.connect(self._from_any_thread)

    def _from_any_thread(self, change: Change) -> None:
        if not shiboken6.isValid(self):
            self._book.changed.disconnect(self._from_any_thread)
            return
        if change.kind in _KINDS:
            self.arrived.emit(change.kind, tuple(change.ids or ()))


class SegmentSection(QWidget):
    """The header ("Segments", +) and the list of saved segments with their counts."""

    # The owner made a segment entry current (the sidebar turns it into a choice).
    picked = Signal(str)
    # Segments were added, changed or deleted in the book: (changed ids, empty: any).
    segments_changed = Signal(object)
    broadcast_requested = Signal(int)
    # A segment was saved from the builder opened here (new or edited).
    saved = Signal(int)

    def __init__(self, book: Book, parent: QWidget, *, key_role: int, count_role: int,
                 delegate: Callable[[QAbstractItemView], QAbstractItemDelegate]) -> None:
        super().__init__(parent)
        self.setObjectName("segmentSection")
        self.book = book
        self.key_role = key_role
        self.count_role = count_role
        self.infos: dict[int, SavedSegmentInfo] = {}
        self._counts: dict[int, int] = {}
        self._generation = 0
        self.counting = False

        title = QLabel(self.tr("Segments"), self)
        title.setObjectName("segmentSectionTitle")
        font = QFont(title.font())
        font.setBold(True)
        title.setFont(font)
        self.new_button = QToolButton(self)
        self.new_button.setObjectName("newSegmentButton")
        self.new_button.setIcon(icon("plus"))
        self.new_button.setAutoRaise(True)
        self.new_button.setToolTip(self.tr("New segment…"))
        self.new_button.clicked.connect(lambda: self.open_builder())
        header = QHBoxLayout()
        header.setContentsMargins(10, 6, 4, 2)
        header.addWidget(title, 1)
        header.addWidget(self.new_button)

        self.model = QStandardItemModel(self)
        self.list = QListView(self)
        self.list.setObjectName("segmentList")
        self.list.setModel(self.model)
        self.list.setItemDelegate(delegate(self.list))
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setIconSize(QSize(16, 16))
        # Names are elided to the list's width (the delegate fits its entries to it, laid
        # out again on each resize: no uniform item size cached at another width) and the
        # counts stay at the right edge: never a sideways scroll bar hiding them.
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._context_menu)
        self.list.selectionModel().currentChanged.connect(self._current_changed)
        self.list.activated.connect(self._activated)
        self.empty_hint = QLabel(self.tr("Save conditions as a segment to see them here."),
                                 self)
        self.empty_hint.setObjectName("segmentEmptyHint")
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setStyleSheet("color: #8A9099; padding: 2px 10px 8px 10px;")
        # The same look as the tag tree above (resources/style.qss styles #tagTree).
        self.setStyleSheet(_STYLE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(header)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty_hint)

        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(0)
        self._reload_timer.timeout.connect(self._book_changed)
        self._changed_ids: set[int] | None = set()
        self.relay = _BookRelay(book, self)
        self.relay.arrived.connect(self._arrived)

    # --- reading the book -------------------------------------------------------------------
    def reload(self) -> None:
        """Read the saved segments again; counts follow in the background."""
        current = self.current_key()
        infos = self.book.segments.list()
        self.infos = {i.id: i for i in infos}
        self.list.selectionModel().blockSignals(True)
        self.model.clear()
        warn = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for info in infos:
            item = QStandardItem(icon("people") if info.valid else warn, info.name)
            item.setData(f"{PREFIX}{info.id}", self.key_role)
            item.setData(self._counts.get(info.id) if info.valid else None, self.count_role)
            item.setEditable(False)
            # The full name on hover: a long one is elided in the list.
            item.setToolTip(info.name if info.problem is None
                            else f"{info.name}\n{problem_text(info.problem)}")
            self.model.appendRow(item)
        if current is not None:
            index = self.find_key(current)
            if index is not None:
                self.list.setCurrentIndex(index)
        self.list.selectionModel().blockSignals(False)
        self.list.viewport().update()
        self.empty_hint.setVisible(not infos)
        # Fit the list to its entries (up to a limit) so the tags keep the room.
        rows = max(1, min(len(infos), 8))
        self.list.setFixedHeight(rows * 30 + 6 if infos else 0)
        self._count_in_background()

    def _count_in_background(self) -> None:
        self._generation += 1
        generation = self._generation
        valid = [i for i in self.infos.values() if i.valid]
        if not valid:
            self.counting = False
            return
        self.counting = True
        segments = self.book.segments

        def work(_progress: Any) -> dict[int, int]:
            out = {}
            for info in valid:
                try:
                    out[info.id] = segments.count(info.condition)
                except OtokuiError:
                    continue  # changed under us: the next reload shows it
            return out

        def done(counts: dict[int, int]) -> None:
            if generation != self._generation:
                return
            self.counting = False
            self._counts.update(counts)
            for row in range(self.model.rowCount()):
                item = self.model.item(row)
                sid = segment_id_of(item.data(self.key_role))
                if sid in counts:
                    item.setData(counts[sid], self.count_role)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self.counting = False
            log.info("segment counts failed: %s", type(exc).__name__)

        run_in_background(self, work, on_success=done, on_failure=failed)

    def _arrived(self, kind: str, ids: tuple[int, ...]) -> None:
        # A field change may touch any segment: only "segments" names the ones changed.
        if self._changed_ids is not None:
            self._changed_ids = (self._changed_ids | set(ids) if ids and kind == "segments"
                                 else None)
        self._reload_timer.start()

    def _book_changed(self) -> None:
        changed, self._changed_ids = self._changed_ids, set()
        self.segments_changed.emit(changed or set())

    # --- the current entry ------------------------------------------------------------------
    def find_key(self, key: str) -> QModelIndex | None:
        for row in range(self.model.rowCount()):
            index = self.model.index(row, 0)
            if index.data(self.key_role) == key:
                return index
        return None

    def current_key(self) -> str | None:
        index = self.list.currentIndex()
        return index.data(self.key_role) if index.isValid() else None

    def select(self, key: str) -> bool:
        """Make ``key`` current without announcing it (the sidebar does)."""
        index = self.find_key(key)
        if index is None:
            return False
        self.list.selectionModel().blockSignals(True)
        self.list.setCurrentIndex(index)
        self.list.selectionModel().blockSignals(False)
        self.list.viewport().update()
        return True

    def clear_current(self) -> None:
        self.list.selectionModel().blockSignals(True)
        self.list.selectionModel().clear()
        self.list.selectionModel().blockSignals(False)
        self.list.viewport().update()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.picked.emit(current.data(self.key_role))

    def _activated(self, index: QModelIndex) -> None:
        sid = segment_id_of(index.data(self.key_role))
        info = self.infos.get(sid) if sid is not None else None
        if info is not None and not info.valid:
            self.open_builder(sid)  # the only way to use it again: correct it

    # --- actions with their arguments -------------------------------------------------------
    def open_builder(self, segment_id: int | None = None, *,
                     initial: Group | None = None) -> SegmentBuilderDialog | None:
        """The builder for a new segment (from ``initial`` conditions if given), or for
        editing ``segment_id`` (window-modal)."""
        try:
            dialog = SegmentBuilderDialog(self.book, segment_id, self.window(),
                                          initial=initial)
        except OtokuiError as exc:  # deleted meanwhile
            show_error(self, exc)
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self.saved)
        dialog.open()
        return dialog

    def rename_segment(self, segment_id: int, name: str) -> bool:
        try:
            self.book.segments.update(segment_id, name=name)
        except OtokuiError as exc:
            show_error(self, exc)
            return False
        return True

    def delete_segment(self, segment_id: int) -> bool:
        try:
            self.book.segments.delete(segment_id)
        except OtokuiError as exc:
            show_error(self, exc)
            return False
        return True

    def new_from_tag(self, tag_id: int) -> SegmentBuilderDialog | None:
        """The builder, starting from "has the tag" (to narrow it down and save)."""
        return self.open_builder(initial=Group(AND, (TagCondition("any", (tag_id,)),)))

    def request_broadcast(self, segment_id: int) -> None:
        self.broadcast_requested.emit(segment_id)

    # --- the questions ----------------------------------------------------------------------
    def ask_rename(self, segment_id: int) -> None:
        info = self.infos.get(segment_id)
        old = info.name if info is not None else ""
        name, ok = QInputDialog.getText(self, self.tr("Rename segment"), self.tr("New name:"),
                                        QLineEdit.EchoMode.Normal, old)
        if ok and name.strip() and name != old:
            self.rename_segment(segment_id, name)

    def ask_delete(self, segment_id: int) -> bool:
        info = self.infos.get(segment_id)
        name = info.name if info is not None else ""
        answer = QMessageBox.question(
            self, self.tr("Delete segment"),
            self.tr("Delete the segment “%1”? Its customers and their tags are kept; only "
                    "the saved conditions are removed.").replace("%1", name))
        if answer != QMessageBox.StandardButton.Yes:
            return False
        return self.delete_segment(segment_id)

    def context_menu_for(self, key: str | None) -> QMenu:
        menu = QMenu(self)
        menu.setObjectName("segmentMenu")
        sid = segment_id_of(key)
        if sid is not None and sid in self.infos:
            info = self.infos[sid]
            menu.addAction(icon("edit"), self.tr("Edit…"), lambda: self.open_builder(sid))
            menu.addAction(self.tr("Rename…"), lambda: self.ask_rename(sid))
            send = menu.addAction(self.tr("Broadcast to this segment…"),
                                  lambda: self.request_broadcast(sid))
            send.setEnabled(info.valid)
            menu.addSeparator()
            menu.addAction(icon("delete"), self.tr("Delete…"), lambda: self.ask_delete(sid))
            menu.addSeparator()
        menu.addAction(icon("plus"), self.tr("New segment…"), lambda: self.open_builder())
        return menu

    def _context_menu(self, pos: QPoint) -> None:
        index = self.list.indexAt(pos)
        key = index.data(self.key_role) if index.isValid() else None
        self.context_menu_for(key).exec(self.list.viewport().mapToGlobal(pos))
