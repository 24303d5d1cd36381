"""Analytics in the main window: the 分析 menu opening the analytics window
(ui/analytics/window.py), kept up to date with the book while it is shown.

A menu only (the toolbar is full at 1280 px in Japanese). The window calls
:meth:`AnalyticsIntegration.build` at the end of ``_build_content`` and
:meth:`AnalyticsIntegration.teardown` at the start of ``_teardown_content`` (the forms'
pattern); a lock closes the analytics window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton

from app.analytics.dashboard import with_cell, without_cell
from ui.analytics.crosstab_view import Cell
from ui.analytics.window import AnalyticsWindow
from ui.resources import icon

if TYPE_CHECKING:
    from app.book import Book
    from ui.book_events import BookEvents
    from ui.main_window import MainWindow

#: After a change in the book, the shown figures are computed again this much later (a
#: sync brings changes in bursts: one computation per burst).
REFRESH_DELAY_MS = 2000


class AnalyticsIntegration(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.book: Book | None = None
        self.analytics_window: AnalyticsWindow | None = None
        self._events: BookEvents | None = None
        #: The date the window takes as today (tests give a fixed one).
        self.today: Callable[[], dt.date] | None = None
        act = QAction(self.tr("&Dashboard…"), window)
        act.setObjectName("actAnalytics")
        act.setShortcut(QKeySequence("Ctrl+Shift+Y"))
        tip = self.tr("Charts of friends, chats, broadcasts, tags and forms over a period")
        act.setToolTip(tip)
        act.setStatusTip(tip)
        act.setIcon(icon("history"))
        act.triggered.connect(lambda _c=False: self.open())
        act.setEnabled(False)
        window.addAction(act)
        self.act_dashboard = act
        self.act_crosstab = QAction(self.tr("&Cross tabulation…"), window)
        self.act_crosstab.setObjectName("actCrosstab")
        tip = self.tr("Customers counted by two things at once: tags, fields, birthday "
                      "month, prefecture")
        self.act_crosstab.setToolTip(tip)
        self.act_crosstab.setStatusTip(tip)
        self.act_crosstab.triggered.connect(lambda _c=False: self.open_crosstab())
        window.addAction(self.act_crosstab)
        self.actions = [act, self.act_crosstab]
        #: The cell the customer table shows (None: the sidebar's choice alone).
        self.shown_cell: Cell | None = None
        self.banner: QFrame | None = None
        self._kinds: set[str] = set()
        # A menu of its own before ツール (a menu: the toolbar has no room left).
        bar = window.menuBar()
        self.menu = bar.addMenu(self.tr("&Analytics"))
        self.menu.setObjectName("analyticsMenu")
        self.menu.addAction(act)
        self.menu.addAction(self.act_crosstab)
        tools = window.menu_holding(window.act_settings)
        if tools is not None:
            bar.insertMenu(tools.menuAction(), self.menu)
        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(REFRESH_DELAY_MS)
        self._refresh.timeout.connect(self._refresh_shown)

    def build(self, book: Book, events: BookEvents) -> None:
        self.book = book
        self._events = events
        events.changed.connect(self._book_changed)
        content = self.window.content
        if content is not None:
            content.sidebar.chosen.connect(self._sidebar_chosen)
        for act in self.actions:
            act.setEnabled(True)

    def teardown(self) -> None:
        self._refresh.stop()
        self.shown_cell = None
        self.banner = None  # a child of the content, which goes with it
        if self._events is not None:
            self._events.changed.disconnect(self._book_changed)
            self._events = None
        if self.analytics_window is not None:
            self.analytics_window.release()
            self.analytics_window.hide()
            self.analytics_window.deleteLater()
            self.analytics_window = None
        self.book = None
        for act in self.actions:
            act.setEnabled(False)

    def open(self) -> AnalyticsWindow | None:
        if self.book is None:
            return None
        if self.analytics_window is None:
            self.analytics_window = AnalyticsWindow(self.book, self.window, today=self.today)
            page = self.analytics_window.crosstab
            page.show_requested.connect(self.show_customers)
            page.segment_requested.connect(self.save_segment)
        self.analytics_window.show()
        self.analytics_window.raise_()
        self.analytics_window.activateWindow()
        return self.analytics_window

    def open_crosstab(self) -> AnalyticsWindow | None:
        win = self.open()
        if win is not None:
            win.show_crosstab()
        return win

    def _book_changed(self, kinds: set[str], _ids: dict[str, set[int] | None]) -> None:
        if self.analytics_window is not None and self.analytics_window.isVisible():
            self._kinds |= set(kinds)
            self._refresh.start()

    def _refresh_shown(self) -> None:
        kinds, self._kinds = self._kinds, set()
        if self.analytics_window is not None and self.analytics_window.isVisible():
            self.analytics_window.refresh(kinds)

    # --- a cell's customers in the main window -----------------------------------------------
    def show_customers(self, cell: Cell) -> None:
        """Show the cell's customers in the customer table, as a view of their own (a
        banner above the table says which; choosing anything in the sidebar ends it)."""
        content = self.window.content
        if content is None:
            return
        from ui.widgets.tag_sidebar import ALL_KEY

        self._drop_cell_clause()
        self.shown_cell = None
        content.sidebar.select_key(ALL_KEY)
        content.search.blockSignals(True)
        content.search.clear()
        content.search.blockSignals(False)
        content.model.set_query(with_cell(content.model.query, cell.ids))
        self.shown_cell = cell
        self.window.apply_search()
        self._show_banner(cell)
        self.window.raise_()
        self.window.activateWindow()

    def _drop_cell_clause(self) -> bool:
        content = self.window.content
        if content is None:
            return False
        query = content.model.query
        kept = without_cell(query)
        if kept is query:
            return False
        content.model.set_query(kept)
        return True

    def end_cell_view(self) -> None:
        self.shown_cell = None
        if self.banner is not None:
            self.banner.hide()
        if self._drop_cell_clause():
            self.window.apply_search()

    def _sidebar_chosen(self, _choice: Any) -> None:
        if self.shown_cell is not None:
            self.end_cell_view()

    def _show_banner(self, cell: Cell) -> None:
        content = self.window.content
        if content is None:
            return
        if self.banner is None:
            box = content.view.parentWidget()
            layout = box.layout() if box is not None else None
            if layout is None or not hasattr(layout, "insertWidget"):
                return
            banner = QFrame(box)
            banner.setObjectName("analyticsCellBanner")
            banner.setStyleSheet("QFrame#analyticsCellBanner { background: #E8F0FE; "
                                 "border-radius: 6px; } QLabel { color: #1A3E7A; }")
            self.banner_label = QLabel(banner)
            self.banner_label.setObjectName("analyticsCellLabel")
            self.banner_save = QPushButton(self.tr("Save as a segment…"), banner)
            self.banner_save.setObjectName("analyticsCellSave")
            self.banner_save.clicked.connect(lambda _c=False: self._save_shown())
            close = QPushButton(self.tr("Show all again"), banner)
            close.setObjectName("analyticsCellClose")
            close.clicked.connect(lambda _c=False: self.end_cell_view())
            row = QHBoxLayout(banner)
            row.setContentsMargins(10, 4, 6, 4)
            row.addWidget(self.banner_label, 1)
            row.addWidget(self.banner_save)
            row.addWidget(close)
            layout.insertWidget(0, banner)
            self.banner = banner
        self.banner_label.setText(self.tr("Cross tabulation: %1 (%2 customers)").replace(
            "%1", cell.label).replace("%2", f"{len(cell.ids):,}"))
        self.banner_save.setEnabled(cell.condition is not None)
        self.banner.show()

    def _save_shown(self) -> None:
        if self.shown_cell is not None:
            self.save_segment(self.shown_cell)

    def save_segment(self, cell: Cell) -> Any:
        """The segment builder, filled with the cell's condition and name (the owner may
        narrow it down before saving); saved, it is chosen in the sidebar."""
        content = self.window.content
        if content is None or cell.condition is None:
            return None
        from app.segments import from_json

        dialog = content.sidebar.segments.open_builder(initial=from_json(cell.condition))
        if dialog is not None:
            dialog.name.setText(cell.label)
        return dialog

    @property
    def busy(self) -> bool:
        return self.analytics_window is not None and self.analytics_window.busy
