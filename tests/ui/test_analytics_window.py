"""The 分析 window: dashboard over a period (computed in the background), exports, and the
cross tabulation opening a cell's customers in the main window."""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

import pytest
from PySide6.QtCharts import QAbstractBarSeries, QLineSeries
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from app.analytics import figures, tables
from app.analytics.demo import add_history
from app.analytics.period import Period
from app.book import Book
from app.search import CustomerQuery
from app.segments import from_json

NOW = dt.datetime(2026, 11, 20, 3, 0)  # naive UTC: 12:00 in Japan
TODAY = dt.date(2026, 11, 20)
#: Bringing the window forward: the offscreen platform says it cannot.
RAISE = pytest.mark.qt_log_ignore("This plugin does not support raise")


@pytest.fixture
def history(book: Book) -> Book:
    ids = book.search.ids(CustomerQuery())
    add_history(book, ids, [f"U{i:032x}" for i in ids], random.Random(5), now=NOW)
    from app.purchases.service import SaleLine

    for day, price in ((3, 4400), (5, 3300), (18, 6600)):  # naive UTC, in November
        book.purchases.quick_sale(ids[day % len(ids)], [SaleLine(name="カット",
                                                                 unit_price=price)],
                                  at=dt.datetime(2026, 11, day, 3))
    book.purchases.quick_sale(ids[0], [SaleLine(name="カラー", unit_price=8800)],
                              at=dt.datetime(2026, 10, 20, 3))
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
    # Sales: November's orders as app/purchases counts them.
    assert history.purchases.sales_by_month() == [("2026-10", 1, 8800),
                                                  ("2026-11", 3, 4400 + 3300 + 6600)]
    assert sum(_bars(page.cards["sales"])["Net sales (yen)"]) == 14300  # per day
    assert page.cards["sales"].summary.text().startswith(
        "3 orders, 14,300 yen; 4,766 yen per order on average")
    with history.db.read() as s:
        for name, card in page.cards.items():
            path = tmp_path / f"{name}.csv"
            assert page.export_csv(name, path)
            expected = tables.FIGURES[name](s, month, "day")
            assert _read_csv(path) == _as_csv(expected, tmp_path), name
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


def _crosstab(window, qtbot):
    win = _open(window, qtbot)
    page = win.crosstab
    with qtbot.waitSignal(page.computed, timeout=10_000):
        win.tabs.setCurrentWidget(page)
    return win, page


def _pick(page, qtbot, rows, cols, ranges: str | None = None):
    if ranges is not None:
        page.row_ranges.setText(ranges)
        page.col_ranges.setText(ranges)
    page.rows.blockSignals(True)
    page.rows.setCurrentIndex(page.rows.findData(rows))
    page.rows.blockSignals(False)
    page.cols.blockSignals(True)
    page.cols.setCurrentIndex(page.cols.findData(cols))
    page.cols.blockSignals(False)
    assert (page.rows.currentData(), page.cols.currentData()) == (rows, cols)
    with qtbot.waitSignal(page.computed, timeout=10_000) as got:
        page.recompute()
    return got.args[0]


def _index(page, row_label: str, col_label: str):
    model = page.model
    r = next(i for i in range(model.rowCount())
             if model.headerData(i, Qt.Orientation.Vertical) == row_label)
    c = next(i for i in range(model.columnCount())
             if model.headerData(i, Qt.Orientation.Horizontal) == col_label)
    return model.index(r, c)


@RAISE
def test_a_crosstab_cell_opens_its_customers_in_the_main_window(
        window, seeded, qtbot, qtmodeltester, tmp_path: Path) -> None:
    _win, page = _crosstab(window, qtbot)
    rank = seeded.fields["会員ランク"]
    tab = _pick(page, qtbot, "tag", f"choice:{rank}")
    qtmodeltester.check(page.model)
    # Counted by hand: 田中 has VIP and ゴールド; 山田 (VIP) is blocked and not counted.
    index = _index(page, "VIP", "ゴールド")
    assert index.data() == "1"
    assert tab.cell_ids(index.row(), index.column()) == [seeded.customers["田中"]]
    page.view.setCurrentIndex(index)
    assert page.segment_button.isEnabled()
    rect = page.view.visualRect(index)
    # A double-click is a click and then the double-click (the view opens what was pressed).
    qtbot.mouseClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    content = window.content
    assert content.model.ids() == [seeded.customers["田中"]]
    banner = window.analytics.banner
    assert banner is not None and banner.isVisible()
    assert "VIP × ゴールド" in window.analytics.banner_label.text()

    # A row's total: every customer counted with the tag 常連 or not, whatever the rank.
    none_row = _index(page, "(no value)", "Total")
    cell = page.open_cell(none_row.row(), none_row.column())
    expected = sorted(set(seeded.customers.values()) - {
        seeded.customers["田中"], seeded.customers["山田"]})
    assert cell.ids == expected == content.model.ids()
    assert cell.condition is not None
    assert seeded.book.segments.ids(from_json(cell.condition)) == expected

    # Saved as a segment: the builder with the cell's condition, named after it.
    dialog = window.analytics.save_segment(page.model.cell(index.row(), index.column()))
    assert dialog.name.text() == "VIP × ゴールド"
    segment_id = dialog.save()
    assert segment_id is not None
    saved = seeded.book.segments.get(segment_id)
    assert seeded.book.segments.ids(saved.condition) == [seeded.customers["田中"]]

    # Choosing something in the sidebar ends the cell's view.
    content.sidebar.select_key(f"tag:{seeded.tags['常連']}")
    qtbot.waitUntil(lambda: window.analytics.shown_cell is None)
    assert not banner.isVisible()
    assert content.model.ids() == [seeded.customers["田中"]]
    assert not [c for c in content.model.query.extra_where if "analytics cell" in c[0]]

    # The CSV is the table ``main.py report crosstab`` writes.
    path = tmp_path / "cross.csv"
    assert page.export_csv(path)
    assert _read_csv(path) == _as_csv(tables.crosstab_table(tab), tmp_path)


@RAISE
def test_crosstab_of_number_ranges_and_shares(window, seeded, qtbot, qtmodeltester) -> None:
    _win, page = _crosstab(window, qtbot)
    visits = seeded.fields["来店回数"]
    tab = _pick(page, qtbot, f"number:{visits}", "tag", ranges="0-9,10-")
    assert page.row_ranges.isVisible() and not page.col_ranges.isVisible()
    qtmodeltester.check(page.model)
    index = _index(page, "10–", "常連")
    assert index.data() == "1"
    assert tab.cell_ids(index.row(), index.column()) == [seeded.customers["田中"]]
    page.mode.setCurrentIndex(page.mode.findData("row"))
    # 田中 (10–) has VIP and 常連: the row's total is 1, so each is 100% of the row.
    assert index.data() == "100.0%"
    page.mode.setCurrentIndex(page.mode.findData("col"))
    assert _index(page, "(no value)", "Total").data() == f"{3 / 4 * 100:.1f}%"
    # Unreadable ranges: said, nothing computed.
    page.row_ranges.setText("a-b")
    page.recompute()
    assert "could not be read" in page.status.text()


@RAISE
def test_charts_follow_a_dark_palette(window, history: Book, qtbot) -> None:
    from PySide6.QtCharts import QChart
    from PySide6.QtGui import QColor, QPalette

    win = _open(window, qtbot)
    page = win.dashboard
    card = page.cards["friends"]
    assert card.chart.theme() == QChart.ChartTheme.ChartThemeLight
    dark = QPalette(QColor("#3C3F41"), QColor("#202124"))
    page.setPalette(dark)
    for c in page.cards.values():
        c.setPalette(dark)
    with qtbot.waitSignal(page.computed, timeout=10_000):
        page.recompute()
    assert card.chart.theme() == QChart.ChartTheme.ChartThemeDark
    # The series keep their own colours (a theme would reset them to its own).
    colours = {b.label(): b.color().name().upper() for s in card.chart.series()
               if isinstance(s, QAbstractBarSeries) for b in s.barSets()}
    assert colours == {"Added as friend": "#06C755", "Blocked the account": "#EA4335",
                       "Unblocked": "#4C8BF5"}


@RAISE
def test_figures_are_computed_in_the_background_and_a_lock_closes_the_window(
        window, history: Book, qtbot) -> None:
    win = _open(window, qtbot)
    page = win.dashboard
    shown = page.data
    page.set_period(Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31)))
    # Back at once: the figures come later, on the main thread, from the worker.
    assert page.busy and page.data is shown
    assert page.status.text() == "Computing…"
    assert window.busy  # the window waits for it before locking
    qtbot.waitUntil(lambda: not page.busy)
    assert page.data.period.start == dt.date(2026, 10, 1)
    assert window.lock()
    assert window.analytics.analytics_window is None
    assert not window.analytics.act_dashboard.isEnabled()
    assert not win.isVisible()


@RAISE
def test_bookings_and_busiest_hours_cards(window, history: Book, qtbot) -> None:
    from PySide6.QtCharts import QScatterSeries

    from app.store.models_booking import Booking

    ids = history.search.ids(CustomerQuery())
    starts = [(dt.datetime(2026, 11, 2, 10), "visited"), (dt.datetime(2026, 11, 2, 11),
                                                           "no_show"),
              (dt.datetime(2026, 11, 9, 10), "visited"), (dt.datetime(2026, 11, 10, 15),
                                                          "cancelled"),
              (dt.datetime(2026, 11, 16, 10), "booked")]  # Mondays at 10, mostly
    with history.db.write() as s:
        for n, (start, status) in enumerate(starts):
            s.add(Booking(id=f"t{n}", customer_id=ids[n], menu_id="cut", start=start,
                          end=start + dt.timedelta(hours=1), busy_start=start,
                          busy_end=start + dt.timedelta(hours=1), status=status))
    win = _open(window, qtbot)
    page = win.dashboard
    bars = _bars(page.cards["bookings"])
    assert sum(bars["Bookings (not cancelled)"]) == 4
    assert sum(bars["Visited"]) == 2 and sum(bars["No-show"]) == 1
    assert "no-show rate 33.3%" in page.cards["bookings"].summary.text()
    heat = page.cards["busiest-hours"]
    points = [(p.x(), p.y()) for series in heat.chart.series()
              if isinstance(series, QScatterSeries) for p in series.points()]
    assert sorted(points) == [(10.0, 6.0), (11.0, 6.0)]  # Monday (top row) at 10 and 11
    darkest = [series for series in heat.chart.series()
               if isinstance(series, QScatterSeries)][-1]
    assert [(p.x(), p.y()) for p in darkest.points()] == [(10.0, 6.0)]  # three at 10
    assert heat.summary.text() == "Busiest: Mon at 10:00 (3 bookings)"


@RAISE
def test_crosstab_by_inflow_route(window, seeded, qtbot) -> None:
    from app.routes.service import RouteService
    from app.store.models_routes import CustomerRoute

    counter = RouteService(seeded.book).add("カウンターQR")
    with seeded.book.db.write() as s:
        s.add(CustomerRoute(customer_id=seeded.customers["田中"], route_id=counter.id,
                            arrived_at=dt.datetime(2026, 11, 1)))
    _win, page = _crosstab(window, qtbot)
    assert page.rows.findData("route") >= 0  # offered with the other dimensions
    tab = _pick(page, qtbot, "route", "tag")
    assert [v.label for v in tab.rows][:1] == ["カウンターQR"]
    assert tab.row_totals[0] == 1
    assert tab.cell_ids(0, [v.label for v in tab.cols].index("常連")) == \
        [seeded.customers["田中"]]


@RAISE
def test_the_broadcasts_card_shows_lines_count_of_the_month(window, history: Book,
                                                             qtbot) -> None:
    from dataclasses import replace

    from app.line.send.service import Quota

    page = _open(window, qtbot).dashboard
    data = page.data
    assert data is not None and data.quota is None  # no channel here: the book's count only
    card = page.cards["broadcasts"]
    assert "This month on LINE" not in card.summary.text()
    page.show_tables(replace(data, quota=Quota("limited", 5000, 1234, 3766)))
    assert card.summary.text().endswith(
        "This month on LINE: 1,234 of the plan's 5,000 messages used (25%)")
    page.show_tables(replace(data, quota=Quota("none", None, 1234, None)))
    assert card.summary.text().endswith(
        "This month on LINE: 1,234 messages (the plan has no limit)")


@RAISE
def test_the_routes_card_counts_arrivals_in_the_period(window, history: Book, qtbot) -> None:
    from app.routes.arrivals import apply as apply_arrival
    from app.routes.arrivals import arrival_plaintext
    from app.routes.service import RouteService

    route = RouteService(history).add("カウンターQR")
    RouteService(history).add("チラシ")
    at = int((NOW - dt.datetime(1970, 1, 1)).total_seconds() * 1000)
    for i, uid in enumerate(("U" + "7" * 32, None, "U" + "8" * 32)):
        assert apply_arrival(history, arrival_plaintext(f"{i:032x}", route.slug, at, uid)) \
            == ("anonymous" if uid is None else "arrived")
    page = _open(window, qtbot).dashboard
    card = page.cards["routes"]
    bars = _bars(card)
    # Bars listed bottom-up: the first route made is at the top.
    assert bars["Arrivals"] == [0.0, 3.0] and bars["Friends who came first by it"] == [0, 2]
    assert card.summary.text() == "3 arrivals through 2 routes; for 2 friends it was their first"
