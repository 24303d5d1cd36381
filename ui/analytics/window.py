"""The 分析 window: the dashboard (charts over a period) and the cross tabulation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QTabWidget, QVBoxLayout, QWidget

from ui.analytics.charts import translate
from ui.analytics.crosstab_view import CrossTabPage
from ui.analytics.dashboard import DashboardPage

if TYPE_CHECKING:
    from app.book import Book


class AnalyticsWindow(QDialog):
    """Not modal: the owner looks at the charts beside the customer book."""

    def __init__(self, book: Book, parent: QWidget | None = None, *,
                 today: Callable[[], dt.date] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("analyticsWindow")
        self.setWindowTitle(translate("Analytics", "Analytics"))
        self.setWindowFlag(Qt.WindowType.Window, True)
        self.book: Book | None = book
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("analyticsTabs")
        self.dashboard = DashboardPage(book, self.tabs, today=today)
        self.tabs.addTab(self.dashboard, translate("Analytics", "Dashboard"))
        self.crosstab = CrossTabPage(book, self.tabs)
        self.tabs.addTab(self.crosstab, translate("Analytics", "Cross tabulation"))
        # Counted when first looked at (the dashboard is what opens).
        self.tabs.currentChanged.connect(lambda _i: self._tab_shown())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.tabs)
        self.resize(1180, 820)

    def _tab_shown(self) -> None:
        if self.tabs.currentWidget() is self.crosstab and self.crosstab.tab is None \
                and not self.crosstab.busy:
            self.crosstab.recompute()

    def show_crosstab(self) -> CrossTabPage:
        self.tabs.setCurrentWidget(self.crosstab)
        return self.crosstab

    @property
    def busy(self) -> bool:
        return self.dashboard.busy or self.crosstab.busy

    def refresh(self, kinds: set[str] | None = None) -> None:
        """The book changed: compute the figures again (in the background)."""
        self.dashboard.recompute()
        if kinds is None or "fields" in kinds:
            self.crosstab.fill_dimensions()
        if self.crosstab.tab is not None:
            self.crosstab.recompute()

    def release(self) -> None:
        self.dashboard.release()
        self.crosstab.release()
        self.book = None
