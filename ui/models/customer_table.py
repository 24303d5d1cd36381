"""The customer table: a model that holds only ids and builds rows lazily, page by page.

Following Anki's browser table (``qt/aqt/browser/table/model.py``): the model keeps the
ids the core's search returned, in order, and a cache of rows; a row is built only when
the view asks for it, together with the ~200 rows around it (one query per page), so
100,000 customers scroll smoothly and select-all never fetches a row. Searching and
sorting happen in the core (SQL), not in a proxy model.

On a large book (more than :data:`WINDOW_FROM` customers in the query) the ids are not
all read first: the row count comes from a count, and the ids are read in the query's
order a chunk at a time as the view reaches them (keyset pages along the sort column's
index, :meth:`app.search.SearchService.page`), so the first paint of a million customers
costs a page, not a sort of the million. Searches and tag filters choose their customers
from other indexes and are held whole, as are small books.

When the book changes, :meth:`CustomerTableModel.refresh` repeats the query: same ids →
only the changed rows are dropped from the cache and repainted; other ids → the model is
reset and the view (:class:`ui.widgets.customer_view.CustomerTableView`) puts back the
selection, the current row and the scroll position by id.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QPixmap

from app.search import SORT_COLUMNS, Cursor, CustomerQuery
from ui.formatting import format_date, format_datetime
from ui.widgets.painting import initial_avatar, initial_of

if TYPE_CHECKING:
    from app.book import Book
    from app.customers import CustomerRow

log = logging.getLogger("otokui.ui.table")

#: Mime type of dragged customer rows: a JSON list of customer ids.
CUSTOMER_IDS_MIME = "application/x-otokui-customer-ids"
PAGE = 200
#: Above this many customers in a pageable query, ids are read in chunks as needed.
WINDOW_FROM = 50_000
#: Ids read per chunk when the view scrolls past the ids read so far.
CHUNK = 2000
#: Rows kept in the cache before it is emptied (scrolling through 100,000 rows).
CACHE_LIMIT = 6000
ID_ROLE = Qt.ItemDataRole.UserRole + 1
TAGS_ROLE = Qt.ItemDataRole.UserRole + 2
AVATAR_SIZE = 24
_ROOT = QModelIndex()
# Roles as plain ints: data() runs for every painted cell and role, so it stays cheap.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_SERVED = frozenset({_DISPLAY, _DECORATION, _TOOLTIP, _FOREGROUND, _ALIGNMENT, int(ID_ROLE),
                     int(TAGS_ROLE)})
#: Numbers line up on the right, under a header on the right; text and its header left.
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_FLAGS = (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
          | Qt.ItemFlag.ItemIsDragEnabled)
_BLOCKED_GREY = QColor("#8A9099")


class _Cached:
    """A built row: the customer and every cell's text, computed once per fetch."""

    __slots__ = ("avatar", "grey", "row", "tags", "texts")

    def __init__(self, row: CustomerRow, texts: list[str], tags: list[tuple[str, str]]):
        self.row = row
        self.texts = texts
        self.tags = tags
        self.grey = _BLOCKED_GREY if row.blocked_at else None
        self.avatar: QPixmap | None = None


@dataclass(frozen=True)
class Column:
    key: str
    sort: str | None
    field_id: int | None = None
    field_name: str = ""
    #: A number or points field: right-aligned, as are its header and its digits.
    numeric: bool = False


def encode_ids(ids: Iterable[int]) -> QMimeData:
    mime = QMimeData()
    mime.setData(CUSTOMER_IDS_MIME, json.dumps([int(i) for i in ids]).encode())
    return mime


def decode_ids(mime: QMimeData) -> list[int]:
    """Customer ids carried by a drag; an empty list for anything malformed."""
    if not mime.hasFormat(CUSTOMER_IDS_MIME):
        return []
    try:
        raw = json.loads(bytes(mime.data(CUSTOMER_IDS_MIME).data()).decode())
    except (ValueError, UnicodeDecodeError):
        return []
    if not isinstance(raw, list):
        return []
    return [i for i in raw if isinstance(i, int) and not isinstance(i, bool) and i > 0]


class CustomerTableModel(QAbstractTableModel):
    """Ids in the query's order, rows built on demand."""

    #: The query changed and the ids were replaced (not a mere repaint).
    reset_by_query = Signal()

    def __init__(self, book: Book, visible_builtin: list[str],
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.book = book
        self._visible_builtin = list(visible_builtin)
        self._columns: list[Column] = []
        self._ids: list[int] = []
        #: Rows in the query (more than ``_ids`` while the ids are read in chunks).
        self._total = 0
        #: Where to continue reading ids; None once they are all here.
        self._cursor: Cursor | None = None
        #: Queries with more customers than this are read in chunks (tests lower it).
        self.window_from = WINDOW_FROM
        self.chunk = CHUNK
        self._row_of: dict[int, int] | None = None
        self._rows: dict[int, _Cached | None] = {}
        self._tags: dict[int, tuple[str, str]] = {}
        self._query = CustomerQuery()
        self.fetches = 0  # pages fetched, for tests and the benchmark
        self._build_columns()
        self.reload_tags()

    # --- columns ---------------------------------------------------------------------------------
    def _build_columns(self) -> None:
        builtin = {"picture": None, "display_name": "display_name", "name": "furigana",
                   "tags": None, "phone": "phone", "followed_at": "followed_at",
                   "updated_at": "updated_at"}
        columns = [Column(k, builtin[k]) for k in self._visible_builtin if k in builtin]
        for f in self.book.fields.list():
            if f.show_in_list:
                columns.append(Column(f"field:{f.id}", f"field:{f.id}", f.id, f.name,
                                      numeric=f.type in ("number", "points")))
        self._columns = columns

    def builtin_title(self, key: str) -> str:
        titles = {
            "picture": "",
            "display_name": self.tr("LINE name"),
            "name": self.tr("Name"),
            "tags": self.tr("Tags"),
            "phone": self.tr("Phone"),
            "followed_at": self.tr("Friend since"),
            "updated_at": self.tr("Last updated"),
        }
        return titles.get(key, key)

    def column_title(self, key: str) -> str:
        """Title for the column chooser (the picture column has no header text)."""
        if key == "picture":
            return self.tr("Picture")
        return self.builtin_title(key)

    @property
    def columns(self) -> list[Column]:
        return list(self._columns)

    def column_index(self, key: str) -> int:
        for i, c in enumerate(self._columns):
            if c.key == key:
                return i
        return -1

    def set_visible_builtin(self, keys: list[str]) -> None:
        self.beginResetModel()
        self._visible_builtin = list(keys)
        self._build_columns()
        self.endResetModel()

    def reload_columns(self) -> None:
        """Custom fields changed (added, renamed, shown or hidden as a column)."""
        self.beginResetModel()
        self._build_columns()
        self._rows.clear()
        self.endResetModel()

    def reload_tags(self) -> None:
        self._tags = {t.id: (t.name, t.color) for t in self.book.tags.list()}

    # --- ids and the query -----------------------------------------------------------------------
    @property
    def query(self) -> CustomerQuery:
        return self._query

    def set_query(self, query: CustomerQuery) -> None:
        ids, cursor, total = self._first_ids(query)
        self.beginResetModel()
        self._query = query
        self._set_ids(ids, cursor, total)
        self._rows.clear()
        self.endResetModel()
        self.reset_by_query.emit()

    def _first_ids(self, query: CustomerQuery, at_least: int = 0
                   ) -> tuple[list[int], Cursor | None, int]:
        """The query's first ids (all of them unless it is large and pageable), the cursor to
        read on from, and how many rows the query has."""
        search = self.book.search
        if search.pageable(query):
            total = search.count(query)
            if total > self.window_from:
                ids, cursor = search.page(query, None, max(self.chunk, at_least))
                return ids, cursor, total
        ids = search.ids(query)
        return ids, None, len(ids)

    def _set_ids(self, ids: list[int], cursor: Cursor | None = None,
                 total: int | None = None) -> None:
        self._ids = ids
        self._cursor = cursor
        self._total = len(ids) if total is None else total
        self._row_of = None

    def _ensure(self, row: int) -> bool:
        """Read ids up to ``row`` (at least a chunk more); whether ``row`` has an id."""
        while row >= len(self._ids) and self._cursor is not None:
            want = max(row + 1 - len(self._ids), self.chunk)
            more, self._cursor = self.book.search.page(self._query, self._cursor, want)
            self._ids.extend(more)
            self._row_of = None
        return 0 <= row < len(self._ids)

    @property
    def windowed(self) -> bool:
        """Whether some ids are still unread (a large book, read as the view needs them)."""
        return self._cursor is not None

    def _same_ids_for_sure(self, changed_ids: set[int] | None) -> bool:
        """Whether edits to ``changed_ids`` cannot change which ids are shown, or their order.

        True only for the plain view (everyone, by id, no search or tag filter) when every
        changed customer is already listed and none was deleted: then the query of every
        id (the slowest one on a big book) can be skipped after each edit.
        """
        q = self._query
        if (changed_ids is None or q.text or q.view != "all" or q.tags_all or q.tags_any
                or q.tags_none or q.extra_where or q.sort != "id"):
            return False
        if not all(self._listed(cid) for cid in changed_ids):
            return False  # a new customer
        return self.book.customers.count() == self._total

    def refresh(self, changed_ids: set[int] | None) -> bool:
        """The book changed: query again. Returns True when the ids changed (a reset).

        While ids are read in chunks, the ids read so far are read again and compared,
        with the count: what lies beyond has not been shown yet.
        """
        if self._same_ids_for_sure(changed_ids):
            ids, cursor, total = self._ids, self._cursor, self._total
        else:
            ids, cursor, total = self._first_ids(self._query, at_least=len(self._ids))
        if ids != self._ids or total != self._total:
            self.beginResetModel()
            self._set_ids(ids, cursor, total)
            self._rows.clear()
            self.endResetModel()
            return True
        self._cursor = cursor
        if not self._total:
            return False
        if changed_ids is None:
            self._rows.clear()
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(self._total - 1, self.columnCount() - 1))
            return False
        last = self.columnCount() - 1
        for cid in changed_ids:
            self._rows.pop(cid, None)
            row = self._read_row_of(cid)  # rows not read yet are not painted either
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, last))
        return False

    def ids(self) -> list[int]:
        """Every id in order (on a large book this reads the ids not read yet)."""
        while self._cursor is not None:
            self._ensure(len(self._ids))
        return list(self._ids)

    def ids_at(self, rows: Iterable[int]) -> list[int]:
        """The ids of ``rows`` (reading ids only as far as the last of them)."""
        rows = list(rows)
        if rows:
            self._ensure(max(rows))
        return [self._ids[r] for r in rows if 0 <= r < len(self._ids)]

    def id_at(self, row: int) -> int:
        if not self._ensure(row):
            raise IndexError(row)
        return self._ids[row]

    def _read_row_of(self, customer_id: int) -> int | None:
        """The row of ``customer_id`` among the ids read so far."""
        if self._row_of is None:
            self._row_of = {cid: r for r, cid in enumerate(self._ids)}
        return self._row_of.get(customer_id)

    def _listed(self, customer_id: int) -> bool:
        if self._read_row_of(customer_id) is not None:
            return True
        return self._cursor is not None and \
            self.book.search.position(self._query, customer_id) is not None

    def row_of(self, customer_id: int) -> int | None:
        row = self._read_row_of(customer_id)
        if row is None and self._cursor is not None:
            # Not read yet: count what comes before it instead of reading every id.
            pos = self.book.search.position(self._query, customer_id)
            if pos is not None and self._ensure(pos) and self._ids[pos] == customer_id:
                return pos
        return row

    # --- rows -----------------------------------------------------------------------------------
    def customer_row(self, row: int) -> CustomerRow | None:
        cached = self._cached(row)
        return cached.row if cached is not None else None

    def _cached(self, row: int) -> _Cached | None:
        if not self._ensure(row):
            return None  # deleted since the count: empty until the refresh
        cid = self._ids[row]
        try:
            return self._rows[cid]
        except KeyError:
            self._fetch_page(row)
            return self._rows.get(cid)

    def _fetch_page(self, row: int) -> None:
        if len(self._rows) > CACHE_LIMIT:
            self._rows.clear()
        start = row - row % PAGE
        self._ensure(min(start + PAGE, self._total) - 1)
        wanted = [cid for cid in self._ids[start:start + PAGE] if cid not in self._rows]
        found = self.book.customers.rows(wanted)
        self.fetches += 1
        columns = self._columns
        for cid in wanted:
            r = found.get(cid)
            if r is None:
                # Deleted since the query: an empty row until the refresh replaces the ids.
                self._rows[cid] = None
                continue
            tags = [self._tags[t] for t in r.tag_ids if t in self._tags]
            self._rows[cid] = _Cached(r, [self._display(r, c, tags) for c in columns], tags)

    # --- Qt model interface ----------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        if role not in _SERVED or not index.isValid():
            return None
        if role == ID_ROLE:
            return self._ids[index.row()] if self._ensure(index.row()) else None
        if role == _ALIGNMENT:
            return _RIGHT if self._columns[index.column()].numeric else None
        cached = self._cached(index.row())
        if cached is None:
            return None
        if role == _DISPLAY:
            return cached.texts[index.column()]
        if role == _FOREGROUND:
            return cached.grey
        key = self._columns[index.column()].key
        if role == _DECORATION:
            if key != "picture":
                return None
            if cached.avatar is None:
                r = cached.row
                cached.avatar = initial_avatar(initial_of(r.display_name, r.name), r.id,
                                               AVATAR_SIZE)
            return cached.avatar
        if role == TAGS_ROLE:
            return cached.tags
        if key == "picture":  # the tooltip
            return {"friend": self.tr("LINE friend"), "blocked": self.tr("Blocked"),
                    "not_on_line": self.tr("Not on LINE")}[cached.row.line_status]
        if key == "tags":
            return ", ".join(name for name, _colour in cached.tags)
        return None

    def _display(self, row: CustomerRow, column: Column, tags: list[tuple[str, str]]) -> str:
        key = column.key
        if key == "display_name":
            return row.display_name
        if key == "name":
            return row.name
        if key == "phone":
            return row.phone
        if key == "followed_at":
            return format_date(row.followed_at)
        if key == "updated_at":
            return format_datetime(row.updated_at)
        if key == "tags":
            return ", ".join(name for name, _colour in tags)
        if column.field_id is not None:
            return row.field_text.get(column.field_id, "")
        return ""

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.field_name if column.field_id is not None else \
                self.builtin_title(column.key)
        if role == Qt.ItemDataRole.ToolTipRole and column.key == "picture":
            return self.tr("Picture")
        if role == _ALIGNMENT:
            return _RIGHT if column.numeric else _LEFT
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns):
            return
        key = self._columns[column].sort
        if key is None or (key not in SORT_COLUMNS and not key.startswith("field:")):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if key == self._query.sort and descending == self._query.descending:
            return
        self.set_query(dataclasses.replace(self._query, sort=key, descending=descending))

    def is_sortable(self, column: int) -> bool:
        return 0 <= column < len(self._columns) and self._columns[column].sort is not None

    def mimeTypes(self) -> list[str]:
        return [CUSTOMER_IDS_MIME]

    def mimeData(self, indexes: Iterable[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        return encode_ids(self.ids_at(rows))

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction
