"""The キャンセル待ち tab's model: who waits for which time (app.booking.sync.waiters,
from the relay's sealed wait items), and what became of it: still waiting, the time is
free in the book now (the next publish offers it to the first waiter it fits), given the
freed time, or taken off the list by the owner."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from app.booking.service import BookingService
from app.errors import OtokuiError

if TYPE_CHECKING:
    from app.book import Book
    from app.booking.setup import Setup

_Index = QModelIndex | QPersistentModelIndex
WAIT_ID_ROLE = Qt.ItemDataRole.UserRole + 2

# What became of a waiter (``state`` of app.booking.sync's list, and "free" for one
# still waiting whose time the book has free now).
WAITING, FREE, BOOKED, REMOVED = "waiting", "free", "booked", "removed"
_COLOURS = {FREE: QColor("#cdeccf"), BOOKED: QColor("#cfe3ff"), REMOVED: QColor("#e4e4e4")}


@dataclass(frozen=True)
class Waiter:
    wait_id: str
    start: dt.datetime
    menu: str
    staff: str
    customer: str
    state: str


def load_waiters(book: Book, setup: Setup, today: dt.date) -> list[Waiter]:
    """The waiters whose time is today or later, in time order."""
    from app.booking.sync import waiters

    service = BookingService(book)
    menus = {m.id: m.name for m in setup.menus} | {c.id: c.name for c in setup.classes}
    staff = {s.id: s.name for s in setup.staff}
    free: dict[dt.date, set[tuple[dt.datetime, str, str | None]]] = {}
    names: dict[int, str] = {}
    out: list[Waiter] = []
    for w in waiters(book):
        try:
            start = dt.datetime.strptime(str(w.get("start")), "%Y-%m-%dT%H:%M")
        except ValueError:
            continue
        if start.date() < today:
            continue
        state = str(w.get("state"))
        menu_id, staff_id = str(w.get("menu_id")), w.get("staff_id")
        if state == WAITING:
            if start.date() not in free:
                free[start.date()] = {(s.start, s.menu_id, s.staff_id) for s in
                                      service.availability(start.date(), 1) if s.free > 0}
            slots = free[start.date()]
            if any(t == start and m == menu_id and (staff_id is None or s == staff_id)
                   for t, m, s in slots):
                state = FREE
        cid = w.get("customer_id")
        if isinstance(cid, int) and cid not in names:
            try:
                info = book.customers.get(cid)
                names[cid] = info.name or info.display_name or ""
            except OtokuiError:
                names[cid] = ""
        out.append(Waiter(str(w.get("wait_id")), start, menus.get(menu_id, menu_id),
                          staff.get(str(staff_id), "") if staff_id else "",
                          names.get(cid, "") if isinstance(cid, int) else "", state))
    return sorted(out, key=lambda x: x.start)


class WaitlistModel(QAbstractTableModel):
    """日時, メニュー, 担当, お客様, 状況; ``WAIT_ID_ROLE`` is the waiter's id."""

    COLUMNS = 5

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Waiter] = []

    def set_waiters(self, rows: list[Waiter]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def waiter(self, row: int) -> Waiter | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def waiting(self) -> int:
        return sum(1 for w in self._rows if w.state in (WAITING, FREE))

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.COLUMNS

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if not 0 <= section < self.COLUMNS:
            return None
        return (self.tr("Wanted time"), self.tr("Booked menu"), self.tr("Staff member"),
                self.tr("Booking customer"), self.tr("Waitlist state"))[section]

    def state_text(self, state: str) -> str:
        return {WAITING: self.tr("Waiting (the time is taken)"),
                FREE: self.tr("Free now: offered at the next publish"),
                BOOKED: self.tr("Got the freed time"),
                REMOVED: self.tr("Taken off the waitlist")}.get(state, state)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        w = self.waiter(index.row())
        if w is None:
            return None
        col = index.column()
        if role == WAIT_ID_ROLE:
            return w.wait_id
        if role == Qt.ItemDataRole.DisplayRole:
            return (f"{w.start:%Y-%m-%d %H:%M}", w.menu,
                    w.staff or self.tr("No preference"), w.customer or "—",
                    self.state_text(w.state))[col] if 0 <= col < self.COLUMNS else None
        if role == Qt.ItemDataRole.BackgroundRole and col == 4:
            return _COLOURS.get(w.state)
        return None
