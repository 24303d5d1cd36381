"""The bookings' table model: ids only, rows built lazily into a cache (Anki's browser
table pattern), so a year of a busy salon opens at once and only the rows on screen are
read from the book."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.booking.service import BookingInfo, BookingService
from ui.booking.texts import COLOURS, status_text
from ui.formatting import format_number

if TYPE_CHECKING:
    from app.booking.setup import Setup

_Index = QModelIndex | QPersistentModelIndex
ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: Rows read from the book at a time when one not yet cached is asked for.
PAGE = 200


class BookingListModel(QAbstractTableModel):
    """日時, メニュー, 担当, お客様, 状態, 料金; ``ID_ROLE`` is the booking's id."""

    COLUMNS = 6

    def __init__(self, service: BookingService, parent: Any = None) -> None:
        super().__init__(parent)
        self.service = service
        self._ids: list[str] = []
        self._rows: dict[str, BookingInfo] = {}
        self._names: dict[int, str] = {}
        self._menus: dict[str, str] = {}
        self._staff: dict[str, str] = {}
        #: How many times rows were read from the book (the tests check laziness).
        self.fetches = 0

    def set_ids(self, ids: list[str], setup: Setup | None) -> None:
        self.beginResetModel()
        self._ids = list(ids)
        self._rows.clear()
        self._names.clear()
        if setup is not None:
            self._menus = {m.id: m.name for m in setup.menus} | {
                c.id: c.name for c in setup.classes}
            self._staff = {s.id: s.name for s in setup.staff}
        self.endResetModel()

    def ids(self) -> list[str]:
        return list(self._ids)

    def booking(self, row: int) -> BookingInfo | None:
        if not 0 <= row < len(self._ids):
            return None
        booking_id = self._ids[row]
        if booking_id not in self._rows:
            self._fetch(row)
        return self._rows.get(booking_id)

    def row_of(self, booking_id: str) -> int:
        try:
            return self._ids.index(booking_id)
        except ValueError:
            return -1

    def _fetch(self, row: int) -> None:
        first = max(0, row - PAGE // 4)
        page = [i for i in self._ids[first:first + PAGE] if i not in self._rows]
        infos = self.service.infos(page)
        self.fetches += 1
        self._rows.update(infos)
        wanted = {b.customer_id for b in infos.values() if b.customer_id is not None}
        self._names.update(self.service.names(wanted - set(self._names)))

    def customer_text(self, info: BookingInfo) -> str:
        if info.customer_id is None:
            return "—"
        return self._names.get(info.customer_id, "") or "—"

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.COLUMNS

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if not 0 <= section < self.COLUMNS:
            return None
        return (self.tr("Booking time"), self.tr("Booked menu"), self.tr("Staff member"),
                self.tr("Booking customer"), self.tr("Booking status"),
                self.tr("Booking price"))[section]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        info = self.booking(index.row())
        if info is None:
            return None
        col = index.column()
        if role == ID_ROLE:
            return info.id
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return f"{info.start:%Y-%m-%d %H:%M}–{info.end:%H:%M}"
            if col == 1:
                return self._menus.get(info.menu_id, info.menu_id)
            if col == 2:
                return self._staff.get(info.staff_id or "", "—")
            if col == 3:
                return self.customer_text(info)
            if col == 4:
                return status_text(info.status)
            if col == 5:
                return f"¥{format_number(info.price)}"
        if role == Qt.ItemDataRole.BackgroundRole and col == 4:
            return COLOURS[info.status]
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 5:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
