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
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence

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
        self.actions = [act]
        # A menu of its own before ツール (a menu: the toolbar has no room left).
        bar = window.menuBar()
        self.menu = bar.addMenu(self.tr("&Analytics"))
        self.menu.setObjectName("analyticsMenu")
        self.menu.addAction(act)
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
        for act in self.actions:
            act.setEnabled(True)

    def teardown(self) -> None:
        self._refresh.stop()
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
        self.analytics_window.show()
        self.analytics_window.raise_()
        self.analytics_window.activateWindow()
        return self.analytics_window

    def _book_changed(self, _kinds: set[str], _ids: dict[str, set[int] | None]) -> None:
        if self.analytics_window is not None and self.analytics_window.isVisible():
            self._refresh.start()

    def _refresh_shown(self) -> None:
        if self.analytics_window is not None and self.analytics_window.isVisible():
            self.analytics_window.refresh()

    @property
    def busy(self) -> bool:
        return self.analytics_window is not None and self.analytics_window.busy
