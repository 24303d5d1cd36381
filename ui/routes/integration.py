"""Inflow routes in the main window: お客様 → 流入経路… opens the routes dialog
(ui/routes/dialog.py). A menu entry, not a toolbar button (the toolbar is full)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:
    from app.book import Book
    from ui.book_events import BookEvents
    from ui.main_window import MainWindow
    from ui.routes.dialog import RoutesDialog


class RoutesIntegration(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.book: Book | None = None
        self.dialog: RoutesDialog | None = None
        self.action = QAction(self.tr("Inflow routes (QR codes)…"), window)
        self.action.setObjectName("actRoutes")
        self.action.triggered.connect(lambda _c=False: self.open())
        self.action.setEnabled(False)
        # Into the お客様 menu (the one holding 項目の設定), at its end.
        for top in window.menuBar().actions():
            sub = top.menu()
            if isinstance(sub, QMenu) and window.act_fields in sub.actions():
                sub.addAction(self.action)
                break

    def build(self, book: Book, events: BookEvents) -> None:
        self.book = book
        self.action.setEnabled(True)

    def teardown(self) -> None:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog = None
        self.book = None
        self.action.setEnabled(False)

    def open(self) -> RoutesDialog | None:
        if self.book is None:
            return None
        from ui.routes.dialog import RoutesDialog

        if self.dialog is None:
            self.dialog = RoutesDialog(self.window, self.book)
        self.dialog.refresh()
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog
