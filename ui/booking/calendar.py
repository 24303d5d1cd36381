"""The bookings' calendar: a day with the staff as columns, or a week (each day split into
the staff's lanes), custom-painted. Only the visible range is read from the book (one
query by the start index), so a year of bookings costs what one week costs.

The view knows no service calls beyond reading: double-click on an empty time, a drag
(move or, on the bottom edge, resize) and the context menu are signals the window acts
on (it asks, changes through app/booking/service.py and reloads)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.booking.service import BookingInfo, Status, shop_now
from ui.booking.texts import COLOURS

if TYPE_CHECKING:
    from app.booking.service import BookingService
    from app.booking.setup import Setup

HEADER = 40  # px: day and staff names
GUTTER = 48  # px: the hours on the left
EDGE = 6  # px: the bottom edge of a block that resizes instead of moving
FOOTER = 10  # px: room for the last hour's label
WEEKDAYS_JA = "月火水木金土日"


@dataclass(frozen=True)
class Lane:
    day: dt.date
    staff_id: str | None
    title: str


@dataclass
class Drag:
    booking: BookingInfo
    resize: bool
    origin: QPoint
    start: dt.datetime
    end: dt.datetime
    staff_id: str | None
    moved: bool = False


class CalendarView(QWidget):
    #: (start, staff id or None) — a double-click on an empty time.
    create_requested = Signal(object, object)
    #: (booking id, new start, new staff id or None, new end) — a finished drag.
    move_requested = Signal(str, object, object, object)
    #: (booking id, global position) — a right click on a booking.
    menu_requested = Signal(str, QPoint)
    #: booking id or "" — the clicked booking.
    selected = Signal(str)

    def __init__(self, service: BookingService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bookingCalendar")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(480, 360)
        self.setMouseTracking(True)
        self.service = service
        self.setup: Setup | None = None
        self.mode = "day"
        self.anchor = shop_now().date()
        self.bookings: list[BookingInfo] = []
        self.names: dict[int, str] = {}
        self.menus: dict[str, str] = {}
        self.selected_id = ""
        self.first_minute, self.last_minute = 9 * 60, 21 * 60
        self.step = 15
        self._drag: Drag | None = None
        self._lanes: list[Lane] = []
        self._lane_of: dict[tuple[dt.date, str | None], int] = {}
        self._lanes_key: tuple[object, ...] | None = None
        #: How many times bookings were read (the tests check the visible range only).
        self.queries: list[tuple[dt.date, dt.date]] = []

    # --- range --------------------------------------------------------------------------
    def days(self) -> list[dt.date]:
        if self.mode == "day":
            return [self.anchor]
        monday = self.anchor - dt.timedelta(days=self.anchor.weekday())
        return [monday + dt.timedelta(days=n) for n in range(7)]

    def staff_lanes(self) -> list[tuple[str | None, str]]:
        setup = self.setup
        lanes: list[tuple[str | None, str]] = [
            (s.id, s.name) for s in (setup.staff if setup else ())]
        if not lanes or (setup is not None and setup.classes):
            lanes.append((None, self.tr("Seats and classes") if lanes else self.tr(
                "Seats")))
        return lanes

    def lanes(self) -> list[Lane]:
        key = (self.mode, self.anchor, id(self.setup))
        if self._lanes_key != key:
            self._lanes = [Lane(day, sid, title) for day in self.days()
                           for sid, title in self.staff_lanes()]
            self._lane_of = {(lane.day, lane.staff_id): n
                             for n, lane in enumerate(self._lanes)}
            self._lanes_key = key
        return self._lanes

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self.reload()

    def go(self, anchor: dt.date) -> None:
        self.anchor = anchor
        self.reload()

    def shift(self, direction: int) -> None:
        self.go(self.anchor + dt.timedelta(days=direction * (1 if self.mode == "day" else 7)))

    def reload(self, setup: Setup | None = None) -> None:
        """Read the visible range again (and the setup, when given)."""
        if setup is not None:
            self.setup = setup
            self.menus = {m.id: m.name for m in setup.menus} | {
                c.id: c.name for c in setup.classes}
            self.step = setup.slot_step
            self.first_minute, self.last_minute = _span(setup)
        days = self.days()
        self.queries.append((days[0], days[-1]))
        self.bookings = self.service.shown(days[0], days[-1])
        wanted = {b.customer_id for b in self.bookings if b.customer_id is not None}
        self.names = self.service.names(wanted) if wanted else {}
        self.update()

    # --- geometry -----------------------------------------------------------------------
    def _lane_width(self) -> float:
        return max(1.0, (self.width() - GUTTER) / max(1, len(self.lanes())))

    def _per_minute(self) -> float:
        return max(0.1, (self.height() - HEADER - FOOTER)
                   / max(1, self.last_minute - self.first_minute))

    def y_of(self, when: dt.datetime) -> float:
        minute = when.hour * 60 + when.minute
        return HEADER + (minute - self.first_minute) * self._per_minute()

    def time_at(self, y: float, day: dt.date) -> dt.datetime:
        minute = self.first_minute + (y - HEADER) / self._per_minute()
        minute = int(minute // self.step * self.step)
        minute = min(max(minute, self.first_minute), self.last_minute - self.step)
        return dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute)

    def lane_at(self, x: float) -> Lane | None:
        lanes = self.lanes()
        n = int((x - GUTTER) // self._lane_width())
        return lanes[n] if x >= GUTTER and 0 <= n < len(lanes) else None

    def _lane_index(self, b: BookingInfo | Drag, day: dt.date) -> int:
        self.lanes()
        n = self._lane_of.get((day, b.staff_id))
        if n is None:  # a staff member no longer in the setup: the seats' lane, if any
            n = self._lane_of.get((day, None))
        return -1 if n is None else n

    def rect_of(self, b: BookingInfo, w: float | None = None) -> QRectF | None:
        n = self._lane_index(b, b.start.date())
        if n < 0:
            return None
        w = w if w is not None else self._lane_width()
        top, bottom = self.y_of(b.start), self.y_of(b.end)
        return QRectF(GUTTER + n * w + 1, top, w - 3, max(6.0, bottom - top - 1))

    def booking_at(self, pos: QPoint) -> tuple[BookingInfo, bool] | None:
        """The booking under ``pos`` and whether it is on its bottom (resize) edge."""
        for b in reversed(self.bookings):
            r = self.rect_of(b)
            if r is not None and r.contains(pos.toPointF()):
                return b, pos.y() >= r.bottom() - EDGE
        return None

    # --- painting -----------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        pal = self.palette()
        p.fillRect(self.rect(), pal.base())
        lanes = self.lanes()
        w = self._lane_width()
        grid = QColor("#d8d8d8")
        strong = QColor("#9a9a9a")
        text = pal.text().color()
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.85))
        p.setFont(small)
        # Closed and off-shift time greyed: where a booking cannot go.
        off = QColor("#efefef")
        for n, lane in enumerate(lanes):
            x = GUTTER + n * w
            p.fillRect(QRectF(x, HEADER, w, self.height() - HEADER), off)
            for opens, closes in self._open_spans(lane):
                top = HEADER + (opens - self.first_minute) * self._per_minute()
                bottom = HEADER + (closes - self.first_minute) * self._per_minute()
                p.fillRect(QRectF(x, top, w, bottom - top), pal.base())
        # Hours.
        for minute in range(self.first_minute - self.first_minute % 60 + 60
                            if self.first_minute % 60 else self.first_minute,
                            self.last_minute + 1, 60):
            y = HEADER + (minute - self.first_minute) * self._per_minute()
            p.setPen(QPen(grid))
            p.drawLine(GUTTER, int(y), self.width(), int(y))
            p.setPen(text)
            p.drawText(QRectF(0, y - 8, GUTTER - 6, 16),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       f"{minute // 60}:00")
        # Lanes and their titles.
        per_day = len(self.staff_lanes())
        today = shop_now().date()
        for n, lane in enumerate(lanes):
            x = GUTTER + n * w
            first_of_day = n % per_day == 0
            p.setPen(QPen(strong if first_of_day else grid))
            p.drawLine(int(x), 0 if first_of_day else HEADER // 2, int(x), self.height())
            if first_of_day:
                title = f"{lane.day.month}/{lane.day.day}（{WEEKDAYS_JA[lane.day.weekday()]}）"
                f = QFont(small)
                f.setBold(lane.day == today)
                p.setFont(f)
                p.setPen(text)
                p.drawText(QRectF(x + 4, 2, w * per_day - 8, HEADER / 2 - 2),
                           Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
                p.setFont(small)
            p.setPen(text)
            p.drawText(QRectF(x + 2, HEADER / 2, w - 4, HEADER / 2 - 2),
                       Qt.AlignmentFlag.AlignCenter, p.fontMetrics().elidedText(
                           lane.title, Qt.TextElideMode.ElideRight, int(w - 4)))
        p.setPen(QPen(strong))
        p.drawLine(GUTTER, HEADER, self.width(), HEADER)
        # Bookings.
        dragged = self._drag.booking.id if self._drag and self._drag.moved else ""
        for b in self.bookings:
            r = self.rect_of(b, w)
            if r is None:
                continue
            if b.id == dragged:
                p.setOpacity(0.35)
            self._paint_block(p, b, r, w)
            p.setOpacity(1.0)
        if self._drag is not None and self._drag.moved:
            d = self._drag
            ghost = BookingInfo(d.booking.id, d.booking.customer_id, d.booking.menu_id,
                                d.staff_id, d.booking.class_id, d.start, d.end,
                                d.booking.status, d.booking.source, d.booking.price, {}, "")
            r = self.rect_of(ghost)
            if r is not None:
                self._paint_block(p, ghost, r, w)
        p.end()

    def _paint_block(self, p: QPainter, b: BookingInfo, r: QRectF, w: float) -> None:
        p.setPen(QPen(QColor("#1a73e8") if b.id == self.selected_id else QColor("#7a8ca3"),
                      2 if b.id == self.selected_id else 1))
        p.setBrush(COLOURS[b.status])
        p.drawRoundedRect(r, 3, 3)
        if r.height() < 12 or w < 24:
            return
        name = self.names.get(b.customer_id, "") if b.customer_id is not None else ""
        lines = [f"{b.start:%H:%M} {name}".strip(), self.menus.get(b.menu_id, b.menu_id)]
        p.setPen(QColor("#1b1b1b"))
        inner = r.adjusted(3, 1, -2, -1)
        fm = p.fontMetrics()
        shown = max(1, int(inner.height() // fm.height()))
        p.drawText(inner, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, "\n".join(
            fm.elidedText(t, Qt.TextElideMode.ElideRight, int(inner.width()))
            for t in lines[:shown]))

    def _open_spans(self, lane: Lane) -> list[tuple[int, int]]:
        """The lane's bookable minutes that day: shop hours ∩ the staff member's shift,
        none on the shop's closed dates or the staff member's days off."""
        setup = self.setup
        if setup is None:
            return [(self.first_minute, self.last_minute)]
        if lane.day in setup.closed_dates:
            return []
        wd = lane.day.weekday()
        hours = list(setup.hours.get(wd, ()))
        staff = next((s for s in setup.staff if s.id == lane.staff_id), None)
        if staff is None:
            return hours
        if lane.day in staff.days_off:
            return []
        return [(max(a, c), min(b, d)) for a, b in hours for c, d in staff.shifts.get(wd, ())
                if max(a, c) < min(b, d)]

    # --- mouse --------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        hit = self.booking_at(pos)
        self.selected_id = hit[0].id if hit else ""
        self.selected.emit(self.selected_id)
        if hit and event.button() == Qt.MouseButton.LeftButton and hit[0].status in (
                Status.BOOKED, Status.PENDING):
            b, resize = hit
            self._drag = Drag(b, resize, pos, b.start, b.end, b.staff_id)
        elif hit and event.button() == Qt.MouseButton.RightButton:
            self.menu_requested.emit(hit[0].id, event.globalPosition().toPoint())
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        d = self._drag
        if d is None:
            hit = self.booking_at(pos)
            self.setCursor(Qt.CursorShape.SizeVerCursor if hit and hit[1] else
                           Qt.CursorShape.PointingHandCursor if hit else
                           Qt.CursorShape.ArrowCursor)
            return
        if not d.moved and (pos - d.origin).manhattanLength() < 4:
            return
        d.moved = True
        minutes = round((pos.y() - d.origin.y()) / self._per_minute() / self.step) * self.step
        if d.resize:
            end = d.booking.end + dt.timedelta(minutes=minutes)
            d.end = max(end, d.booking.start + dt.timedelta(minutes=self.step))
        else:
            lane = self.lane_at(pos.x())
            day = lane.day if lane is not None else d.booking.start.date()
            d.staff_id = lane.staff_id if lane is not None else d.booking.staff_id
            start = dt.datetime.combine(day, d.booking.start.time()) + dt.timedelta(
                minutes=minutes)
            d.start, d.end = start, start + (d.booking.end - d.booking.start)
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        d, self._drag = self._drag, None
        self.update()
        if d is None or not d.moved:
            return
        b = d.booking
        if (d.start, d.end, d.staff_id) == (b.start, b.end, b.staff_id):
            return
        self.move_requested.emit(b.id, d.start, d.staff_id, d.end if d.resize else None)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        if self.booking_at(pos) is not None or pos.y() < HEADER:
            return
        lane = self.lane_at(pos.x())
        if lane is not None:
            self.create_requested.emit(self.time_at(pos.y(), lane.day), lane.staff_id)


def _span(setup: Setup) -> tuple[int, int]:
    """The earliest opening and latest closing (whole hours) over the week, shifts too."""
    spans = [sp for day in setup.hours.values() for sp in day]
    spans += [sp for s in setup.staff for day in s.shifts.values() for sp in day]
    spans += [(c.start, c.start + c.duration) for c in setup.classes]
    if not spans:
        return 9 * 60, 21 * 60
    first = min(a for a, _b in spans) // 60 * 60
    last = -(-max(b for _a, b in spans) // 60) * 60
    return first, max(last, first + 60)
