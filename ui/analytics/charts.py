"""The dashboard's charts (QtCharts), each drawn from the table its CSV export writes.

A card shows one figure: a title, a one-line summary (with the previous period when
comparing), the chart, and PNG / CSV buttons. The chart reads the same table
(app/analytics/tables.py) that the CSV and ``main.py report`` write, so the three always
agree. Colours are fixed ones readable on both the light and the dark chart theme; the
theme follows the window's palette.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCharts import (
    QAbstractSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QHorizontalStackedBarSeries,
    QLineSeries,
    QScatterSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QCoreApplication, QMargins, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.analytics.dashboard import DashboardTables
from app.analytics.tables import Table, write_csv

#: Series colours: LINE green, red, blue, amber, grey (contrast on white and on dark).
GREEN, RED, BLUE, AMBER, GREY = "#06C755", "#EA4335", "#4C8BF5", "#F9AB00", "#9AA0A6"
#: Rows a table adds after its series (totals), not drawn as buckets.
_TOTALS = ("total", "previous_total", "month_used")
#: Bars shown at most in a ranking (tags, choices); the CSV keeps every row.
MAX_BARS = 15
MIN_CHART_HEIGHT = 260
#: More buckets than this along the bottom: only some are labelled (see bucket_labels).
SPARSE_AFTER = {"day": 12, "week": 8}
#: The analytics window's words: ``translate("Analytics", text)`` (lupdate reads the calls).
translate = QCoreApplication.translate


def num(n: Any) -> str:
    """A count as the tables have it, with thousands separators (the unit is in the text)."""
    return f"{int(n):,}"


def is_dark(widget: QWidget) -> bool:
    return widget.palette().color(QPalette.ColorRole.Window).lightness() < 128


def series_rows(table: Table) -> list[list[Any]]:
    """The table's rows without its totals."""
    return [r for r in table[1] if not (r and r[0] in _TOTALS)]


def row_named(table: Table, name: str) -> list[Any] | None:
    return next((r for r in table[1] if r and r[0] == name), None)


def bucket_label(iso: str, grain: str) -> str:
    day = dt.date.fromisoformat(iso)
    if grain == "month":
        return f"{day.year}/{day.month}"
    return f"{day.month}/{day.day}" + ("〜" if grain == "week" else "")


def bucket_labels(isos: Sequence[str], grain: str) -> tuple[list[str], str]:
    """The category labels of a series and the axis title. A month of days (or a quarter
    of weeks) does not fit as "12/1", "12/2"…: every few buckets get their date, the others
    an empty label, and the title says which days (and that weeks are counted)."""
    if grain == "month" or len(isos) <= SPARSE_AFTER[grain]:
        return [bucket_label(i, grain) for i in isos], ""
    step = math.ceil(len(isos) / 7)
    days = [dt.date.fromisoformat(i) for i in isos]
    labels = [f"{d.month}/{d.day}" if k % step == 0 else "" for k, d in enumerate(days)]
    title = f"{days[0].month}/{days[0].day}〜{days[-1].month}/{days[-1].day}"
    if grain == "week":
        title = translate("Analytics", "Weeks from %1").replace("%1", title)
    return labels, title


def minutes(seconds: Any) -> float:
    return round(float(seconds) / 60, 1) if seconds not in (None, "") else 0.0


class ChartCard(QFrame):
    """One figure: title, summary, chart, exports. Subclasses fill :meth:`show_tables`."""

    #: The figure's CLI name (tables.FIGURES) whose table the CSV writes.
    figure = ""
    export_png_requested = Signal(str)
    export_csv_requested = Signal(str)

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"card_{self.figure}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.table: Table | None = None
        self.title = QLabel(title, self)
        font = QFont(self.title.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.title.setFont(font)
        self.summary = QLabel(self)
        self.summary.setObjectName("cardSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chart = QChart()
        self.chart.setMargins(QMargins(4, 4, 4, 4))
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.view = QChartView(self.chart, self)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumHeight(MIN_CHART_HEIGHT)
        self.view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.png_button = QPushButton(translate("Analytics", "Save as image…"), self)
        self.png_button.setObjectName("pngButton")
        self.png_button.setAutoDefault(False)
        self.png_button.setToolTip(translate("Analytics", "Save this chart as a PNG image"))
        self.png_button.clicked.connect(lambda _c=False: self.export_png_requested.emit(
            self.figure))
        self.csv_button = QPushButton(translate("Analytics", "Save figures as CSV…"), self)
        self.csv_button.setObjectName("csvButton")
        self.csv_button.setAutoDefault(False)
        self.csv_button.setToolTip(translate("Analytics",
                                             "The numbers behind this chart, for Excel"))
        self.csv_button.clicked.connect(lambda _c=False: self.export_csv_requested.emit(
            self.figure))
        self.header = QHBoxLayout()
        self.header.addWidget(self.title, 1)
        self.header.addWidget(self.png_button)
        self.header.addWidget(self.csv_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addLayout(self.header)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        self.png_button.setEnabled(False)
        self.csv_button.setEnabled(False)

    # --- drawing -----------------------------------------------------------------------------
    def show_tables(self, data: DashboardTables) -> None:
        self.table = data.tables[self.figure]
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        self.draw(data)
        self.chart.setTheme(QChart.ChartTheme.ChartThemeDark if is_dark(self)
                            else QChart.ChartTheme.ChartThemeLight)
        self.chart.setBackgroundRoundness(0)
        self._recolour()
        self.png_button.setEnabled(True)
        self.csv_button.setEnabled(True)

    def draw(self, data: DashboardTables) -> None:
        raise NotImplementedError

    #: (series, colours) to put back after a theme change (a theme resets colours).
    _colours: list[tuple[Any, list[str]]]

    def _recolour(self) -> None:
        for series, colours in getattr(self, "_colours", []):
            if isinstance(series, QLineSeries):
                pen = QPen(QColor(colours[0]))
                pen.setWidth(2)
                if len(colours) > 1:
                    pen.setStyle(Qt.PenStyle.DashLine)
                series.setPen(pen)
            else:
                for bar, colour in zip(series.barSets(), colours, strict=False):
                    bar.setColor(QColor(colour))
                    bar.setBorderColor(QColor(colour))

    def bars(self, kind: type[QAbstractSeries], categories: Sequence[str],
             sets: Sequence[tuple[str, Sequence[float], str]],
             value_title: str = "", percent: bool = False, category_title: str = "") -> Any:
        """Bars by category (one bar set per series); returns the series."""
        series: Any = kind()
        for name, values, _colour in sets:
            bar = QBarSet(name)
            bar.append([float(v) for v in values])
            series.append(bar)
        self.chart.addSeries(series)
        self._colours = [(series, [c for _n, _v, c in sets])]
        cat_axis: Any
        if category_title:  # many days: labels on some of them only (see bucket_labels)
            cat_axis = QCategoryAxis()
            cat_axis.setLabelsPosition(
                QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
            cat_axis.setRange(-0.5, len(categories) - 0.5)
            for k, label in enumerate(categories):
                if label:
                    cat_axis.append(label, k)
            cat_axis.setTitleText(category_title)
            cat_axis.setGridLineVisible(False)
        else:
            cat_axis = QBarCategoryAxis()
            cat_axis.append(list(categories))
        val_axis = QValueAxis()
        top = max((float(v) for _n, values, _c in sets for v in values), default=0.0)
        if kind in (QStackedBarSeries, QHorizontalStackedBarSeries):
            top = max((sum(float(values[i]) for _n, values, _c in sets)
                       for i in range(len(categories))), default=0.0)
        val_axis.setLabelFormat("%.0f%%" if percent else "%d")
        if percent:
            val_axis.setRange(0, max(top, 5.0))
            val_axis.applyNiceNumbers()
        elif top <= 5:  # small counts: one tick per whole number
            high = max(math.ceil(top), 1)
            val_axis.setRange(0, high)
            val_axis.setTickCount(high + 1)
        else:
            val_axis.setRange(0, max(top, 1.0))
            val_axis.applyNiceNumbers()
        if value_title:
            val_axis.setTitleText(value_title)
        horizontal = kind in (QHorizontalBarSeries, QHorizontalStackedBarSeries)
        # A name per line: room for each, or Qt cuts them to "…".
        self.view.setMinimumHeight(max(MIN_CHART_HEIGHT, 110 + 30 * len(categories))
                                   if horizontal else MIN_CHART_HEIGHT)
        self.chart.addAxis(cat_axis, Qt.AlignmentFlag.AlignLeft if horizontal
                           else Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(val_axis, Qt.AlignmentFlag.AlignBottom if horizontal
                           else Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(cat_axis)
        series.attachAxis(val_axis)
        self.chart.legend().setVisible(len(sets) > 1)
        return series

    def line(self, name: str, values: Sequence[float], colour: str, *,
             dashed: bool = False) -> QLineSeries:
        """A line over the bars' categories (x = the category's index)."""
        series = QLineSeries()
        series.setName(name)
        for i, v in enumerate(values):
            series.append(float(i), float(v))
        self.chart.addSeries(series)
        for axis in self.chart.axes():
            series.attachAxis(axis)
            top = max((float(v) for v in values), default=0.0)
            if isinstance(axis, QValueAxis) and not isinstance(axis, QCategoryAxis) \
                    and top > axis.max():  # the previous period went higher
                axis.setRange(0, top)
                axis.applyNiceNumbers()
        self._colours.append((series, [colour, "dash"] if dashed else [colour]))
        self.chart.legend().setVisible(True)
        return series

    def grab_png(self, path: Path) -> bool:
        """The chart as it is on screen, at the screen's resolution."""
        return self.view.grab().save(str(path), "PNG")

    def write_csv(self, path: Path) -> None:
        assert self.table is not None
        write_csv(self.table, path)


def _change(now: int, before: int) -> str:
    diff = now - before
    return f"{'+' if diff > 0 else ''}{num(diff)}" if diff else "±0"


class FriendsCard(ChartCard):
    figure = "friends"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(translate("Analytics", "Friends added and blocked"), parent)

    def draw(self, data: DashboardTables) -> None:
        assert self.table is not None
        rows = series_rows(self.table)
        cats, title = bucket_labels([r[0] for r in rows], data.grain)
        self.bars(QBarSeries, cats, category_title=title, sets=[
            (translate("Analytics", "Added as friend"), [r[1] for r in rows], GREEN),
            (translate("Analytics", "Blocked the account"), [r[2] for r in rows], RED),
            (translate("Analytics", "Unblocked"), [r[3] for r in rows], BLUE)])
        total = row_named(self.table, "total") or ["", 0, 0, 0, 0]
        before = row_named(self.table, "previous_total") or ["", 0, 0, 0, 0]
        text = translate("Analytics", "Added %1, blocked %2, unblocked %3: net %4").replace(
            "%1", num(total[1])).replace("%2", num(total[2])).replace(
            "%3", num(total[3])).replace("%4", _change(total[4], 0))
        if data.compare:
            previous = data.previous.get(self.figure)
            if previous is not None:
                prev_rows = series_rows(previous)
                self.line(translate("Analytics", "Added in the previous period"),
                          [r[1] for r in prev_rows][:len(rows)], GREY, dashed=True)
            text += "　" + translate("Analytics", "(previous period: added %1, net %2)").replace(
                "%1", num(before[1])).replace("%2", _change(before[4], 0))
        self.summary.setText(text)


class MessagesCard(ChartCard):
    figure = "messages"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(translate("Analytics", "Messages received and sent"), parent)

    def draw(self, data: DashboardTables) -> None:
        assert self.table is not None
        rows = series_rows(self.table)
        cats, title = bucket_labels([r[0] for r in rows], data.grain)
        self.bars(QBarSeries, cats, category_title=title, sets=[
            (translate("Analytics", "From friends"), [r[1] for r in rows], BLUE),
            (translate("Analytics", "From the shop"), [r[2] for r in rows], GREEN)])
        total = row_named(self.table, "total") or ["", 0, 0]
        before = row_named(self.table, "previous_total") or ["", 0, 0]
        text = translate("Analytics", "From friends %1, from the shop %2").replace(
            "%1", num(total[1])).replace("%2", num(total[2]))
        if data.compare:
            previous = data.previous.get(self.figure)
            if previous is not None:
                self.line(translate("Analytics", "From friends in the previous period"),
                          [r[1] for r in series_rows(previous)][:len(rows)], GREY,
                          dashed=True)
            text += "　" + translate("Analytics", "(previous period: %1 / %2)").replace(
                "%1", num(before[1])).replace("%2", num(before[2]))
        self.summary.setText(text)


class ResponseCard(ChartCard):
    figure = "response-time"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(translate("Analytics", "How fast the shop replies"), parent)

    def draw(self, data: DashboardTables) -> None:
        assert self.table is not None
        now = row_named(self.table, "period") or ["", 0, None, None, 0]
        before = row_named(self.table, "previous") or ["", 0, None, None, 0]
        sets = [(translate("Analytics", "This period"), [minutes(now[2]), minutes(now[3])],
                 GREEN)]
        if data.compare:
            sets.append((translate("Analytics", "Previous period"),
                         [minutes(before[2]), minutes(before[3])], GREY))
        self.bars(QBarSeries, [translate("Analytics", "Median"),
                               translate("Analytics", "9 in 10 within")],
                  sets, translate("Analytics", "Minutes until the reply"))
        self.chart.legend().setVisible(data.compare)
        if now[2] in (None, ""):
            text = translate("Analytics", "No replies in this period.")
        else:
            text = translate(
                "Analytics", "Median %1 min, 9 in 10 replies within %2 min (%3 replies)").replace(
                "%1", str(minutes(now[2]))).replace("%2", str(minutes(now[3]))).replace(
                "%3", num(now[1]))
        text += "　" + translate("Analytics", "Chats waiting for a reply now: %1").replace(
            "%1", num(now[4]))
        self.summary.setText(text)


class BlockRateCard(ChartCard):
    figure = "block-rate"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(translate("Analytics", "Blocks within 24 hours of a broadcast"), parent)

    def draw(self, data: DashboardTables) -> None:
        assert self.table is not None
        rows = list(reversed(self.table[1]))  # the first at the top
        self.bars(QHorizontalBarSeries, [str(r[1]) for r in rows],
                  [(translate("Analytics", "Block rate"), [float(r[5]) * 100 for r in rows], RED)],
                  percent=True)
        if not rows:
            self.summary.setText(translate("Analytics", "No broadcast started in this period."))
            return
        delivered = sum(int(r[3]) for r in rows)
        blocked = sum(int(r[4]) for r in rows)
        self.summary.setText(translate(
            "Analytics", "%1 broadcasts reached %2 friends; %3 blocked within 24 hours").replace(
            "%1", num(len(rows))).replace("%2", num(delivered)).replace("%3", num(blocked)))


class BroadcastsCard(ChartCard):
    figure = "broadcasts"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(translate("Analytics", "Broadcast results"), parent)

    def draw(self, data: DashboardTables) -> None:
        assert self.table is not None
        rows = list(reversed(series_rows(self.table)))  # the first at the top
        self.bars(QHorizontalStackedBarSeries, [str(r[1]) for r in rows], [
            (translate("Analytics", "Delivered"), [r[5] for r in rows], GREEN),
            (translate("Analytics", "Failed to send"), [r[6] for r in rows], RED),
            (translate("Analytics", "Left unsent"), [r[8] for r in rows], GREY)])
        used = row_named(self.table, "month_used")
        text = translate("Analytics", "Messages delivered by broadcasts this month: %1") \
            .replace("%1", num(int(used[5]) if used else 0))
        if not rows:
            text = translate("Analytics", "No broadcast started in this period.") + "　" + text
        quota = data.quota
        if quota is not None and quota.limit:
            text += "\n" + translate(
                "Analytics", "This month on LINE: %1 of the plan's %2 messages used (%3)") \
                .replace("%1", num(quota.used)).replace("%2", num(quota.limit)) \
                .replace("%3", f"{quota.used / quota.limit:.0%}")
        elif quota is not None:
            text += "\n" + translate(
                "Analytics", "This month on LINE: %1 messages (the plan has no limit)") \
                .replace("%1", num(quota.used))
        self.summary.setText(text)


class TagsCard(ChartCard):
    figure = "tags"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(translate("Analytics", "Customers per tag"), parent)

    def draw(self, data: DashboardTables) -> None:
        assert self.table is not None
        rows = self.table[1][:MAX_BARS]
        rows = list(reversed(rows))  # the most carried at the top
        self.bars(QHorizontalBarSeries, [str(r[1]) for r in rows],
                  [(translate("Analytics", "Customers"), [r[2] for r in rows], BLUE)])
        more = len(self.table[1]) - len(rows)
        text = translate("Analytics", "Now (tags keep no history).")
        if more > 0:
            text += " " + translate("Analytics", "%1 more tags in the CSV.").replace(
                "%1", num(more))
        self.summary.setText(text)


class RoutesCard(ChartCard):
    """Arrivals per inflow route in the period (流入経路), and the friends among them."""

    figure = "routes"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(translate("Analytics", "Inflow routes"), parent)

    def draw(self, data: DashboardTables) -> None:
        assert self.table is not None
        rows = list(reversed(self.table[1][:MAX_BARS]))  # the first made at the top
        self.bars(QHorizontalBarSeries, [str(r[1]) for r in rows], [
            (translate("Analytics", "Arrivals"), [r[2] for r in rows], BLUE),
            (translate("Analytics", "Friends who came first by it"), [r[4] for r in rows],
             GREEN)])
        if not self.table[1]:
            self.summary.setText(translate(
                "Analytics",
                "No inflow route yet: Customers → Inflow routes (QR codes)… makes one."))
            return
        text = translate("Analytics",
                         "%1 arrivals through %2 routes; for %3 friends it was their first")
        self.summary.setText(
            text.replace("%1", num(sum(int(r[2]) for r in self.table[1])))
            .replace("%2", num(len(self.table[1])))
            .replace("%3", num(sum(int(r[4]) for r in self.table[1]))))


class FormsCard(ChartCard):
    """Each choice's share of one question; the owner picks the question."""

    figure = "forms"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(translate("Analytics", "Form answers"), parent)
        self.question = QComboBox(self)
        self.question.setObjectName("formQuestion")
        self.question.setMinimumContentsLength(16)
        self.question.currentIndexChanged.connect(lambda _i: self._draw_question())
        self.header.insertWidget(1, self.question)

    def draw(self, data: DashboardTables) -> None:
        assert self.table is not None
        keep = self.question.currentData()
        self.question.blockSignals(True)
        self.question.clear()
        seen: list[tuple[str, str]] = []
        for r in self.table[1]:
            if r[2] and (r[0], r[2]) not in seen:
                seen.append((r[0], r[2]))
                self.question.addItem(f"{r[1]}：{r[3]}", (r[0], r[2]))
        index = self.question.findData(keep) if keep is not None else -1
        self.question.setCurrentIndex(max(index, 0) if seen else -1)
        self.question.blockSignals(False)
        answers = [r for r in self.table[1] if not r[2]]
        if answers:
            self.summary.setText("　".join(
                translate("Analytics", "%1: %2 answers").replace("%1", str(r[1])).replace(
                    "%2", num(r[5])) for r in answers))
        else:
            self.summary.setText(translate("Analytics", "No forms yet."))
        self._draw_question(redraw=False)

    def _draw_question(self, *, redraw: bool = True) -> None:
        if self.table is None:
            return
        if redraw:
            self.chart.removeAllSeries()
            for axis in self.chart.axes():
                self.chart.removeAxis(axis)
        which = self.question.currentData()
        rows = [r for r in self.table[1] if which is not None and (r[0], r[2]) == which]
        rows = list(reversed(rows[:MAX_BARS]))
        self.bars(QHorizontalBarSeries, [str(r[4]) for r in rows],
                  [(translate("Analytics", "Share of the answers"),
                    [float(r[6]) * 100 for r in rows], AMBER)],
                  percent=True)
        if redraw:
            self._recolour()


class SalesCard(ChartCard):
    """Net sales per bucket (app/analytics/shop_figures.py), the average order and the
    share of buyers who bought before."""

    figure = "sales"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(translate("Analytics", "Sales"), parent)

    def draw(self, data: DashboardTables) -> None:
        assert self.table is not None
        rows = [r for r in self.table[1] if r[0] != "repeat_rate"]
        cats, title = bucket_labels([r[0] for r in rows], data.grain)
        self.bars(QBarSeries, cats, category_title=title, sets=[
            (translate("Analytics", "Net sales (yen)"), [r[2] for r in rows], GREEN)])
        orders = sum(int(r[1]) for r in rows)
        total = sum(int(r[2]) for r in rows)
        if not orders:
            self.summary.setText(translate("Analytics", "No orders in this period."))
            return
        text = translate(
            "Analytics", "%1 orders, %2 yen; %3 yen per order on average").replace(
            "%1", num(orders)).replace("%2", num(total)).replace("%3", num(total // orders))
        repeat = row_named(self.table, "repeat_rate")
        if repeat is not None and repeat[3] != "":
            text += "　" + translate("Analytics", "repeat buyers %1% (%2 of %3)").replace(
                "%1", f"{float(repeat[3]) * 100:.0f}").replace("%2", num(repeat[2])).replace(
                "%3", num(repeat[1]))
        self.summary.setText(text)


class BookingsCard(ChartCard):
    """Bookings per bucket (app/analytics/shop_figures.py): made, visited, no-shows."""

    figure = "bookings"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(translate("Analytics", "Bookings"), parent)

    def draw(self, data: DashboardTables) -> None:
        assert self.table is not None
        rows = [r for r in self.table[1] if r[0] != "no_show_rate"]
        cats, title = bucket_labels([r[0] for r in rows], data.grain)
        self.bars(QBarSeries, cats, category_title=title, sets=[
            (translate("Analytics", "Bookings (not cancelled)"), [r[1] for r in rows], BLUE),
            (translate("Analytics", "Visited"), [r[2] for r in rows], GREEN),
            (translate("Analytics", "No-show"), [r[3] for r in rows], RED)])
        booked = sum(int(r[1]) for r in rows)
        rate = row_named(self.table, "no_show_rate")
        text = translate("Analytics", "%1 bookings").replace("%1", num(booked))
        if rate is not None and rate[3] != "":
            text += "　" + translate("Analytics", "no-show rate %1%").replace(
                "%1", f"{float(rate[3]) * 100:.1f}")
        self.summary.setText(text)


class BusiestHoursCard(ChartCard):
    """When bookings start: weekday × hour as a heat map (squares, darker = more)."""

    figure = "busiest-hours"
    #: Squares in five shades of blue, lightest for the fewest bookings.
    SHADES = ("#D6E4FD", "#A9C6FA", "#7BA7F7", "#4C8BF5", "#1F5FC9")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(translate("Analytics", "Busiest hours"), parent)

    def draw(self, data: DashboardTables) -> None:
        assert self.table is not None
        header, rows = self.table
        hours = [int(h) for h in header[1:]]
        most = max((int(v) for r in rows for v in r[1:]), default=0)
        days = [translate("Analytics", "Mon"), translate("Analytics", "Tue"),
                translate("Analytics", "Wed"), translate("Analytics", "Thu"),
                translate("Analytics", "Fri"), translate("Analytics", "Sat"),
                translate("Analytics", "Sun")]
        self.chart.legend().setVisible(False)
        series = []
        for shade in self.SHADES:
            dots = QScatterSeries()
            dots.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeRectangle)
            dots.setMarkerSize(22.0)
            dots.setColor(QColor(shade))
            dots.setBorderColor(QColor(shade))
            series.append(dots)
            self.chart.addSeries(dots)
        for d, row in enumerate(rows):
            for h, value in zip(hours, row[1:], strict=True):
                if int(value) > 0:
                    # Shares of the busiest cell in fifths: the busiest is the darkest.
                    level = math.ceil(int(value) * len(self.SHADES) / most) - 1
                    series[level].append(float(h), float(6 - d))  # Monday on top
        x = QValueAxis()
        x.setRange(min(hours, default=9) - 0.5, max(hours, default=20) + 0.5)
        x.setTickCount(len(hours) + 1 if hours else 2)
        x.setLabelFormat("%d")
        x.setTitleText(translate("Analytics", "Hour"))
        y = QCategoryAxis()
        y.setRange(-0.5, 6.5)
        for k, name in enumerate(days):
            y.append(name, 6.5 - k)
        y.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        self.chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        for dots in series:
            dots.attachAxis(x)
            dots.attachAxis(y)
        self._colours = []
        if most:
            d, h = max(((d, h) for d in range(7) for h in range(len(hours))),
                       key=lambda dh: int(rows[dh[0]][dh[1] + 1]))
            self.summary.setText(translate("Analytics", "Busiest: %1 at %2:00 (%3 bookings)")
                                 .replace("%1", days[d]).replace("%2", str(hours[h]))
                                 .replace("%3", num(rows[d][h + 1])))
        else:
            self.summary.setText(translate("Analytics", "No bookings in this period."))


def cards(parent: QWidget | None = None) -> list[ChartCard]:
    """The dashboard's cards, in the order shown."""
    return [FriendsCard(parent), MessagesCard(parent), ResponseCard(parent),
            BlockRateCard(parent), BroadcastsCard(parent), TagsCard(parent),
            FormsCard(parent), BookingsCard(parent), BusiestHoursCard(parent),
            SalesCard(parent), RoutesCard(parent)]
