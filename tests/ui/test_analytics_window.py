"""The 分析 window: dashboard over a period (computed in the background), exports, and the
cross tabulation opening a cell's customers in the main window."""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

import pytest
from PySide6.QtCharts import QAbstractBarSeries, QLineSeries
from PySide6.QtGui import QImage

from app.analytics import figures, tables
from app.analytics.demo import add_history
from app.analytics.period import Period
from app.book import Book
from app.search import CustomerQuery

NOW = dt.datetime(2026, 11, 20, 3, 0)  # naive UTC: 12:00 in Japan
TODAY = dt.date(2026, 11, 20)
#: Bringing the window forward: the offscreen platform says it cannot.
RAISE = pytest.mark.qt_log_ignore("This plugin does not support raise")


@pytest.fixture
def history(book: Book) -> Book:
    ids = book.search.ids(CustomerQuery())
    add_history(book, ids, [f"U{i:032x}" for i in ids], random.Random(5), now=NOW)
    return book


def _open(window, qtbot):
    window.analytics.today = lambda: TODAY
    assert window.analytics.act_dashboard not in window.toolbar.actions()
    assert window.menu_holding(window.analytics.act_dashboard) is window.analytics.menu
    with qtbot.waitSignal(window.analytics.act_dashboard.triggered):
        window.analytics.act_dashboard.trigger()
    win = window.analytics.analytics_window
    assert win is not None and win.isVisible()
    qtbot.waitUntil(lambda: win.dashboard.data is not None and not win.busy)
    return win


def _bars(card) -> dict[str, list[float]]:
    out = {}
    for series in card.chart.series():
        if isinstance(series, QAbstractBarSeries):
            for bar in series.barSets():
                out[bar.label()] = [bar.at(i) for i in range(bar.count())]
    return out


def _read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def _as_csv(table: tables.Table, tmp_path: Path) -> list[list[str]]:
    path = tmp_path / "expected.csv"
    tables.write_csv(table, path)
    return _read_csv(path)


@RAISE
def test_the_dashboard_shows_this_months_figures(window, history: Book, qtbot,
                                                 tmp_path: Path) -> None:
    win = _open(window, qtbot)
    page = win.dashboard
    month = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert page.data.period == month
    with history.db.read() as s:
        friends = figures.friends(s, month, "day")
        messages = figures.messages(s, month, "day")
        before = figures.friends(s, month.previous(), "day")
    assert sum(r.added for r in friends.rows) > 0, "the history has follows this month"
    bars = _bars(page.cards["friends"])
    assert bars["Added as friend"] == [r.added for r in friends.rows]
    assert bars["Blocked the account"] == [r.blocked for r in friends.rows]
    assert bars["Unblocked"] == [r.unblocked for r in friends.rows]
    # Compared with the previous period: its additions as a line.
    line = next(s for s in page.cards["friends"].chart.series() if isinstance(s, QLineSeries))
    assert [p.y() for p in line.points()] == [r.added for r in before.rows][:30]
    bars = _bars(page.cards["messages"])
    assert bars["From friends"] == [r.received for r in messages.rows]
    assert bars["From the shop"] == [r.sent for r in messages.rows]
    assert page.cards["response-time"].summary.text().startswith("Median ")
    # Every card's CSV is the figure's table, the one ``main.py report`` writes.
    with history.db.read() as s:
        for name, card in page.cards.items():
            path = tmp_path / f"{name}.csv"
            assert page.export_csv(name, path)
            assert _read_csv(path) == _as_csv(tables.FIGURES[name](s, month, "day"),
                                              tmp_path), name
            png = tmp_path / f"{name}.png"
            assert page.export_png(name, png)
            image = QImage(str(png))
            assert not image.isNull() and image.width() == card.view.width(), name


@RAISE
def test_changing_the_period_computes_again(window, history: Book, qtbot) -> None:
    win = _open(window, qtbot)
    page = win.dashboard
    week = Period.this_week(TODAY)
    with qtbot.waitSignal(page.computed, timeout=10_000) as got:
        page.range.setCurrentIndex(page.range.findData("week"))
    assert got.args[0].period == week
    assert not page.start.isEnabled()
    with history.db.read() as s:
        assert _bars(page.cards["friends"])["Added as friend"] == [
            r.added for r in figures.friends(s, week, "day").rows]

    # Custom days, per week, without the comparison.
    autumn = Period(dt.date(2026, 8, 1), dt.date(2026, 10, 31))
    with qtbot.waitSignal(page.computed, timeout=10_000) as got:
        page.set_period(autumn)
    assert got.args[0].period == autumn and page.start.isEnabled()
    with qtbot.waitSignal(page.computed, timeout=10_000) as got:
        page.grain.setCurrentIndex(page.grain.findData("week"))
    with qtbot.waitSignal(page.computed, timeout=10_000) as got:
        page.compare.setChecked(False)
    data = got.args[0]
    assert (data.period, data.grain, data.compare, data.previous) == (autumn, "week", False, {})
    with history.db.read() as s:
        weekly = figures.friends(s, autumn, "week")
        casts = figures.block_after_broadcasts(s, autumn)
    assert _bars(page.cards["friends"])["Added as friend"] == [r.added for r in weekly.rows]
    assert not [s for s in page.cards["friends"].chart.series() if isinstance(s, QLineSeries)]
    assert casts, "the history has broadcasts in the autumn"
    assert _bars(page.cards["block-rate"])["Block rate"] == pytest.approx(
        [round(c.rate, 4) * 100 for c in casts])
    # The end before the start: the other end follows.
    with qtbot.waitSignal(page.computed, timeout=10_000):
        page.end.setDate(page.start.date().addDays(-3))
    assert page.period().start == page.period().end
