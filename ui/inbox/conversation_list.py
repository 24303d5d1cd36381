"""The conversation list's look (a painting delegate) and its panel: filters, search, list.

Each row: the customer's initial avatar (as in the table), the name, the last message
in one line, its time, the unread count in a green badge and the status mark (未対応,
対応中, 対応済み), which the context menu changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from app.messages import ConversationRow, ConversationStatus
from ui.inbox.conversation_model import (
    ID_ROLE,
    ROW_ROLE,
    ConversationFilter,
    ConversationListModel,
)
from ui.inbox.texts import STATUS_COLOURS, kind_preview, list_time, status_label
from ui.resources import icon
from ui.widgets.painting import initial_avatar, initial_of

if TYPE_CHECKING:
    from app.book import Book

ROW_HEIGHT = 64
AVATAR = 40
SEARCH_DELAY_MS = 250


def row_texts(conv: ConversationRow) -> tuple[str, str, str]:
    """(name, preview, time) as the row shows them (tests read these)."""
    name = conv.name or conv.display_name or "—"
    if conv.last_type == "text" and conv.last_preview:
        preview = conv.last_preview
    else:
        preview = kind_preview(conv.last_type, conv.last_direction)
    return name, preview, list_time(conv.last_at_ms)


class ConversationDelegate(QStyledItemDelegate):
    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(280, ROW_HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        conv: ConversationRow | None = index.data(ROW_ROLE)
        painter.save()
        rect = QRect(option.rect)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        if selected:
            painter.fillRect(rect, QColor("#E3EEFD"))
        elif hovered:
            painter.fillRect(rect, QColor("#F4F6F8"))
        if conv is None:
            painter.restore()
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        ratio = painter.device().devicePixelRatioF() if painter.device() else 1.0
        avatar = initial_avatar(initial_of(conv.name, conv.display_name), conv.customer_id,
                                AVATAR, ratio)
        top = rect.top() + (rect.height() - AVATAR) // 2
        painter.drawPixmap(rect.left() + 12, top, avatar)
        name, preview, when = row_texts(conv)
        base: QFont = QFont(option.font)
        bold = QFont(base)
        bold.setBold(True)
        small = QFont(base)
        small.setPointSizeF(max(7.0, base.pointSizeF() * 0.88))
        left = rect.left() + 12 + AVATAR + 10
        right = rect.right() - 10
        # First line: name … status mark, time.
        fm_small = QFontMetrics(small)
        painter.setFont(small)
        painter.setPen(QColor("#80868B"))
        time_w = fm_small.horizontalAdvance(when)
        painter.drawText(QRect(right - time_w, rect.top() + 10, time_w, 20),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, when)
        label = status_label(conv.status)
        mark_w = fm_small.horizontalAdvance(label) + 12
        mark_x = right - time_w - 8 - mark_w
        colour = QColor(STATUS_COLOURS.get(conv.status, "#9AA0A6"))
        if conv.status != ConversationStatus.DONE.value or selected or hovered:
            painter.setPen(Qt.PenStyle.NoPen)
            fill = QColor(colour)
            fill.setAlpha(36)
            painter.setBrush(fill)
            painter.drawRoundedRect(QRect(mark_x, rect.top() + 11, mark_w, 18), 9, 9)
            painter.setPen(colour.darker(125))
            painter.drawText(QRect(mark_x, rect.top() + 11, mark_w, 18),
                             Qt.AlignmentFlag.AlignCenter, label)
        painter.setFont(bold)
        painter.setPen(QColor("#9AA0A6") if conv.blocked else QColor("#202124"))
        name_w = max(0, mark_x - 6 - left)
        painter.drawText(QRect(left, rect.top() + 8, name_w, 22),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         QFontMetrics(bold).elidedText(name, Qt.TextElideMode.ElideRight, name_w))
        # Second line: preview … unread badge.
        badge_w = 0
        if conv.unread_count:
            count = "99+" if conv.unread_count > 99 else str(conv.unread_count)
            badge_w = max(20, fm_small.horizontalAdvance(count) + 12)
            badge = QRect(right - badge_w, rect.top() + 36, badge_w, 20)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#06C755"))
            painter.drawRoundedRect(badge, 10, 10)
            painter.setFont(small)
            painter.setPen(QColor("#FFFFFF"))
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, count)
        painter.setFont(base)
        painter.setPen(QColor("#5F6368"))
        preview_w = max(0, right - (badge_w + 8 if badge_w else 0) - left)
        painter.drawText(QRect(left, rect.top() + 34, preview_w, 22),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         QFontMetrics(base).elidedText(preview, Qt.TextElideMode.ElideRight,
                                                       preview_w))
        painter.setPen(QColor("#EEF0F2"))
        painter.drawLine(left, rect.bottom(), rect.right(), rect.bottom())
        painter.restore()


class ConversationList(QWidget):
    """Filters, the search box and the list; ``opened(customer_id)`` when one is chosen."""

    opened = Signal(int)

    def __init__(self, book: Book, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conversationList")
        self.book = book
        self.model = ConversationListModel(book, self)
        self.search = QLineEdit(self)
        self.search.setObjectName("inboxSearch")
        self.search.setPlaceholderText(self.tr("Search messages"))
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.unread = QCheckBox(self.tr("Unread only"), self)
        self.unread.setObjectName("inboxUnreadOnly")
        self.status = QComboBox(self)
        self.status.setObjectName("inboxStatusFilter")
        self.status.addItem(self.tr("All statuses"), None)
        for s in ConversationStatus:
            self.status.addItem(status_label(s.value), s.value)
        self.tag = QComboBox(self)
        self.tag.setObjectName("inboxTagFilter")
        self.note = QLabel(self)
        self.note.setObjectName("inboxSearchNote")
        self.note.setWordWrap(True)
        self.note.hide()
        self.view = QListView(self)
        self.view.setObjectName("conversationView")
        self.view.setModel(self.model)
        self.view.setItemDelegate(ConversationDelegate(self.view))
        self.view.setUniformItemSizes(True)
        self.view.setMouseTracking(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.setStyleSheet("QListView { border: none; background: #FFFFFF; }")
        # While the pointer is over the list, new activity does not move the rows (the
        # owner is about to click one): the order is brought up to date when it leaves.
        self.pointer_over = False
        self.view.viewport().installEventFilter(self)
        self.held_note = QLabel(self.tr("New messages: the list is sorted again when the "
                                        "pointer leaves it."), self)
        self.held_note.setObjectName("inboxHeldNote")
        self.held_note.setWordWrap(True)
        self.held_note.setStyleSheet("color: #80868B; font-size: 11px;")
        self.held_note.hide()
        self.empty = QLabel(self.tr("No conversations yet. Messages from LINE friends "
                                    "appear here."), self)
        self.empty.setObjectName("inboxEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #80868B; padding: 24px;")

        filters = QHBoxLayout()
        filters.setSpacing(6)
        filters.addWidget(self.unread)
        filters.addWidget(self.status, 1)
        filters.addWidget(self.tag, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.search)
        layout.addLayout(filters)
        layout.addWidget(self.note)
        layout.addWidget(self.held_note)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self.apply_filter)
        self.unread.toggled.connect(lambda _b: self.apply_filter())
        self.status.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.tag.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        self.reload_tags()
        self.apply_filter()

    def reload_tags(self) -> None:
        current = self.tag.currentData()
        self.tag.blockSignals(True)
        self.tag.clear()
        self.tag.addItem(self.tr("All tags"), None)
        for t in self.book.tags.list():
            self.tag.addItem(t.name, t.id)
        index = self.tag.findData(current)
        self.tag.setCurrentIndex(max(0, index))
        self.tag.blockSignals(False)

    def current_filter(self) -> ConversationFilter:
        return ConversationFilter(unread_only=self.unread.isChecked(),
                                  status=self.status.currentData(),
                                  tag_id=self.tag.currentData(),
                                  text=self.search.text().strip())

    def apply_filter(self) -> None:
        self._timer.stop()
        current = self.current_id()
        self.model.set_filter(self.current_filter())
        self.held_note.hide()
        self._after_reset(current)

    def refresh(self, changed: set[int] | None) -> None:
        current = self.current_id()
        if self.model.refresh(changed, hold=self.pointer_over):
            self._after_reset(current)
        self.held_note.setVisible(self.model.pending)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view.viewport():
            if event.type() == QEvent.Type.Enter:
                self.pointer_over = True
            elif event.type() == QEvent.Type.Leave:
                self.pointer_over = False
                if self.model.pending:
                    self.refresh(None)
        return super().eventFilter(watched, event)

    def _after_reset(self, current: int | None) -> None:
        row = self.model.row_of(current) if current is not None else -1
        if row >= 0:
            self.view.selectionModel().blockSignals(True)
            self.view.setCurrentIndex(self.model.index(row))
            self.view.selectionModel().blockSignals(False)
        f = self.model.filter
        self.note.setVisible(bool(f.text) and not self.model.search_complete)
        self.note.setText(self.tr("These are the conversations with the newest matches; add "
                                  "a word to find older ones."))
        any_filter = f.unread_only or f.status or f.tag_id or f.text
        self.empty.setText(self.tr("No conversation matches.") if any_filter else self.tr(
            "No conversations yet. Messages from LINE friends appear here."))
        self.empty.setVisible(self.model.rowCount() == 0)
        self.view.setVisible(self.model.rowCount() > 0)

    def current_id(self) -> int | None:
        index = self.view.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else None

    def select(self, customer_id: int) -> bool:
        row = self.model.row_of(customer_id)
        if row < 0:
            return False
        self.view.setCurrentIndex(self.model.index(row))
        return True

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            cid = current.data(ID_ROLE)
            if cid is not None:
                self.opened.emit(int(cid))

    def status_menu(self, customer_id: int) -> QMenu:
        menu = QMenu(self)
        conv = self.book.messages.conversation(customer_id)
        for s in ConversationStatus:
            action = menu.addAction(status_label(s.value))
            action.setCheckable(True)
            action.setChecked(conv is not None and conv.status == s.value)
            action.setData(s.value)
            action.triggered.connect(
                lambda _c=False, v=s.value: self.book.messages.set_status(customer_id, v))
        return menu

    def _context_menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        if not index.isValid():
            return
        menu = self.status_menu(int(index.data(ID_ROLE)))
        menu.exec(self.view.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def set_book_released(self) -> None:
        self._timer.stop()


