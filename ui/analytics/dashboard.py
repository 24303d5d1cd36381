"""The dashboard page: the period picker and the chart cards.

The figures are computed in the background (ui/worker.py); a result that arrives after
the owner has chosen another period is dropped (a generation number), so the cards only
ever show the period the picker says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.analytics.dashboard import DashboardTables, compute
from app.analytics.period import JST, Period
from ui.analytics.charts import ChartCard, cards, translate
from ui.errors import show_error
from ui.worker import RunningOps, run_in_background

if TYPE_CHECKING:
    from app.book import Book

THIS_WEEK, THIS_MONTH, CUSTOM = "week", "month", "custom"


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date(q: QDate) -> dt.date:
    return dt.date(q.year(), q.month(), q.day())


class DashboardPage(QWidget):
    #: Emitted on the main thread each time the cards show newly computed figures.
    computed = Signal(object)

    def __init__(self, book: Book, parent: QWidget | None = None, *,
                 today: Callable[[], dt.date] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("analyticsDashboard")
        self.book: Book | None = book
        self.today = today or (lambda: dt.datetime.now(JST).date())
        self.ops = RunningOps()
        self._generation = 0
        self.data: DashboardTables | None = None

        self.range = QComboBox(self)
        self.range.setObjectName("periodChoice")
        self.range.addItem(translate("Analytics", "This week"), THIS_WEEK)
        self.range.addItem(translate("Analytics", "This month"), THIS_MONTH)
        self.range.addItem(translate("Analytics", "Choose the days…"), CUSTOM)
        self.range.setCurrentIndex(1)
        self.start = QDateEdit(self)
        self.start.setObjectName("periodStart")
        self.end = QDateEdit(self)
        self.end.setObjectName("periodEnd")
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy/MM/dd")
        self.grain = QComboBox(self)
        self.grain.setObjectName("grainChoice")
        self.grain.addItem(translate("Analytics", "Per day"), "day")
        self.grain.addItem(translate("Analytics", "Per week"), "week")
        self.grain.addItem(translate("Analytics", "Per month"), "month")
        self.compare = QCheckBox(translate("Analytics", "Compare with the previous period"), self)
        self.compare.setObjectName("compareBox")
        self.compare.setChecked(True)
        self.status = QLabel(self)
        self.status.setObjectName("dashboardStatus")

        bar = QHBoxLayout()
        bar.addWidget(QLabel(translate("Analytics", "Period"), self))
        bar.addWidget(self.range)
        bar.addWidget(self.start)
        bar.addWidget(QLabel("〜", self))
        bar.addWidget(self.end)
        bar.addSpacing(12)
        bar.addWidget(self.grain)
        bar.addSpacing(12)
        bar.addWidget(self.compare)
        bar.addStretch(1)
        bar.addWidget(self.status)

        self.cards: dict[str, ChartCard] = {}
        grid_holder = QWidget()
        grid = QGridLayout(grid_holder)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(10)
        for i, card in enumerate(cards(grid_holder)):
            self.cards[card.figure] = card
            card.export_png_requested.connect(self.ask_png)
            card.export_csv_requested.connect(self.ask_csv)
            grid.addWidget(card, i // 2, i % 2)
        scroll = QScrollArea(self)
        scroll.setObjectName("dashboardScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(grid_holder)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(scroll, 1)

        self._set_dates(Period.this_month(self.today()))
        self.range.currentIndexChanged.connect(lambda _i: self._range_changed())
        self.start.dateChanged.connect(lambda _d: self._dates_edited())
        self.end.dateChanged.connect(lambda _d: self._dates_edited())
        self.grain.currentIndexChanged.connect(lambda _i: self.recompute())
        self.compare.toggled.connect(lambda _c: self.recompute())
        self._range_changed()

    # --- the period --------------------------------------------------------------------------
    def _set_dates(self, period: Period) -> None:
        for edit, day in ((self.start, period.start), (self.end, period.end)):
            edit.blockSignals(True)
            edit.setDate(_qdate(day))
            edit.blockSignals(False)

    def _range_changed(self) -> None:
        which = self.range.currentData()
        custom = which == CUSTOM
        self.start.setEnabled(custom)
        self.end.setEnabled(custom)
        if which == THIS_WEEK:
            self._set_dates(Period.this_week(self.today()))
        elif which == THIS_MONTH:
            self._set_dates(Period.this_month(self.today()))
        self.recompute()

    def _dates_edited(self) -> None:
        if _date(self.end.date()) < _date(self.start.date()):
            # The other end follows: a period never ends before it starts.
            sender = self.sender()
            other = self.end if sender is self.start else self.start
            other.blockSignals(True)
            other.setDate((self.start if sender is self.start else self.end).date())
            other.blockSignals(False)
        self.recompute()

    def period(self) -> Period:
        return Period(_date(self.start.date()), _date(self.end.date()))

    def set_period(self, period: Period) -> None:
        """Choose the days (the picker's third choice) and compute."""
        self.range.blockSignals(True)
        self.range.setCurrentIndex(self.range.findData(CUSTOM))
        self.range.blockSignals(False)
        self.start.setEnabled(True)
        self.end.setEnabled(True)
        self._set_dates(period)
        self.recompute()

    # --- computing ---------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.ops.busy

    def recompute(self) -> None:
        book = self.book
        if book is None:
            return
        self._generation += 1
        generation = self._generation
        period, grain, compare = self.period(), str(self.grain.currentData()), \
            self.compare.isChecked()
        self.status.setText(translate("Analytics", "Computing…"))

        def done(data: DashboardTables) -> None:
            if generation != self._generation:
                return  # the owner chose another period meanwhile
            self.show_tables(data)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self.status.setText("")
                show_error(self, exc)

        self.ops.track(run_in_background(
            self, lambda _p: compute(book, period, grain, compare),
            on_success=done, on_failure=failed))

    def show_tables(self, data: DashboardTables) -> None:
        self.data = data
        for card in self.cards.values():
            card.show_tables(data)
        self.status.setText(translate("Analytics", "%1 days").replace("%1", str(data.period.days)))
        self.computed.emit(data)

    # --- exports -----------------------------------------------------------------------------
    def _file_name(self, figure: str, suffix: str) -> str:
        p = self.period()
        return f"{figure}_{p.start:%Y%m%d}-{p.end:%Y%m%d}.{suffix}"

    def ask_png(self, figure: str) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, translate("Analytics", "Save the chart as an image"),
            str(Path.home() / self._file_name(figure, "png")),
            translate("Analytics", "PNG image (*.png)"))
        if path:
            self.export_png(figure, Path(path))

    def ask_csv(self, figure: str) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, translate("Analytics", "Save the figures as CSV"),
            str(Path.home() / self._file_name(figure, "csv")),
            translate("Analytics", "CSV file (*.csv)"))
        if path:
            self.export_csv(figure, Path(path))

    def export_png(self, figure: str, path: Path) -> bool:
        ok = self.cards[figure].grab_png(path)
        if not ok:
            show_error(self, OSError(str(path)))
        return ok

    def export_csv(self, figure: str, path: Path) -> bool:
        try:
            self.cards[figure].write_csv(path)
        except OSError as exc:
            show_error(self, exc)
            return False
        return True

    def release(self) -> None:
        self.book = None
        self._generation += 1
