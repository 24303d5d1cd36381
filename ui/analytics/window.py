"""The 分析 window: the dashboard (charts over a period) and the cross tabulation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QTabWidget, QVBoxLayout, QWidget

from ui.analytics.charts import translate
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
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.tabs)
        self.resize(1180, 820)

    @property
    def busy(self) -> bool:
        return self.dashboard.busy

    def refresh(self) -> None:
        """The book changed: compute the figures again (in the background)."""
        self.dashboard.recompute()

    def release(self) -> None:
        self.dashboard.release()
        self.book = None
