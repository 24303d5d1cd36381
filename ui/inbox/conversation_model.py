"""The conversation list: a model holding only customer ids, rows built page by page.

Like the customer table (:mod:`ui.models.customer_table`): the core returns the ids in
order (``book.messages.conversation_ids`` or the message search), and a row is fetched
only when the view paints it, with the :data:`PAGE` rows around it in one query, so
5,000 conversations open as fast as 50. On a book change the ids are asked again: same
ids → only the changed rows are dropped from the cache; otherwise the model is reset.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from app.message_search import search_conversations
from app.messages import ConversationRow, ConversationStatus

if TYPE_CHECKING:
    from app.book import Book

PAGE = 200
CACHE_LIMIT = 4000
ID_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ID = int(ID_ROLE)
_ROW = int(ROW_ROLE)
_ROOT = QModelIndex()


@dataclass(frozen=True)
class ConversationFilter:
    unread_only: bool = False
    status: str | None = None
    tag_id: int | None = None
    # Text searched in the messages (empty: no search).
    text: str = ""


class ConversationListModel(QAbstractListModel):
    """Customer ids with a conversation, newest activity first."""

    def __init__(self, book: Book, parent: Any = None) -> None:
        super().__init__(parent)
        self.book = book
        self._ids: list[int] = []
        self._row_of: dict[int, int] | None = None
        self._rows: dict[int, ConversationRow | None] = {}
        self._filter = ConversationFilter()
        self.search_complete = True
        self.fetches = 0  # pages fetched (tests, benchmark)
        #: The order changed while it was held (the pointer over the list): reset later.
        self.pending = False

    # --- ids ---------------------------------------------------------------------------------
    @property
    def filter(self) -> ConversationFilter:
        return self._filter

    def _query_ids(self, f: ConversationFilter) -> list[int]:
        ids = self.book.messages.conversation_ids(
            status=ConversationStatus(f.status) if f.status else None,
            unread_only=f.unread_only, tag_id=f.tag_id)
        self.search_complete = True
        if f.text.strip():
            result = search_conversations(self.book, f.text, among=ids)
            self.search_complete = result.complete
            ids = result.customer_ids
        return ids

    def set_filter(self, f: ConversationFilter) -> None:
        ids = self._query_ids(f)
        self.pending = False
        self.beginResetModel()
        self._filter = f
        self._ids, self._row_of = ids, None
        self._rows.clear()
        self.endResetModel()

    def refresh(self, changed: set[int] | None = None, *, hold: bool = False) -> bool:
        """The book changed: True when the ids were replaced (a reset).

        ``hold``: the rows must not move (the owner's pointer is over them, about to
        click). The rows shown keep their places and show their new content; the new
        order (and conversations that came or went) waits in :attr:`pending` until a
        refresh without ``hold``.
        """
        ids = self._query_ids(self._filter)
        if ids != self._ids and hold:
            self.pending = True
            ids = self._ids
        elif ids == self._ids and not hold:
            self.pending = False
        if ids == self._ids:
            if changed is None:
                self._rows.clear()
                if self._ids:
                    self.dataChanged.emit(self.index(0), self.index(len(self._ids) - 1))
            else:
                for cid in changed:
                    self._rows.pop(cid, None)
                    row = self.row_of(cid)
                    if row >= 0:
                        self.dataChanged.emit(self.index(row), self.index(row))
            return False
        self.pending = False
        self.beginResetModel()
        self._ids, self._row_of = ids, None
        self._rows.clear()
        self.endResetModel()
        return True

    def ids(self) -> list[int]:
        return list(self._ids)

    def row_of(self, customer_id: int) -> int:
        if self._row_of is None:
            self._row_of = {cid: i for i, cid in enumerate(self._ids)}
        return self._row_of.get(customer_id, -1)

    def customer_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    # --- rows --------------------------------------------------------------------------------
    def conversation(self, row: int) -> ConversationRow | None:
        if not 0 <= row < len(self._ids):
            return None
        cid = self._ids[row]
        if cid not in self._rows:
            self._fetch_page(row)
        return self._rows.get(cid)

    def _fetch_page(self, row: int) -> None:
        if len(self._rows) > CACHE_LIMIT:
            self._rows.clear()
        start = max(0, row - PAGE // 2)
        page = [cid for cid in self._ids[start:start + PAGE] if cid not in self._rows]
        found = self.book.messages.conversations(page)
        self.fetches += 1
        for cid in page:
            self._rows[cid] = found.get(cid)

    # --- QAbstractListModel ------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        row = index.row()
        if role == _ID:
            return self.customer_id(row)
        if role not in (_DISPLAY, _ROW, _TOOLTIP):
            return None
        conv = self.conversation(row)
        if conv is None:
            return None
        if role == _ROW:
            return conv
        name = conv.name or conv.display_name
        return name

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
