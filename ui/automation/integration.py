"""Automation in the main window: ツール → ルール… opens the rules window
(ui/automation/window.py), kept up to date with the book while it is open.

A menu entry, never a toolbar button (the toolbar is full at 1280 px in Japanese). The
window calls :meth:`AutomationIntegration.build` at the end of ``_build_content`` and
:meth:`AutomationIntegration.teardown` at the start of ``_teardown_content``; a lock closes
the rules window (what the editor held unsaved is not kept: a rule is small).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from ui.automation.window import RulesWindow

if TYPE_CHECKING:
    from app.book import Book
    from ui.book_events import BookEvents
    from ui.main_window import MainWindow


class AutomationIntegration(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.book: Book | None = None
        self.rules_window: RulesWindow | None = None
        self._events: BookEvents | None = None
        act = QAction(self.tr("&Rules…"), window)
        act.setObjectName("actRules")
        tip = self.tr("Automation: tags, replies and step sequences done by themselves "
                      "when friends follow, write or tap")
        act.setToolTip(tip)
        act.setStatusTip(tip)
        act.triggered.connect(lambda _c=False: self.open())
        act.setEnabled(False)
        window.addAction(act)
        self.act_rules = act
        tools = window.menu_holding(window.act_settings)
        if tools is not None:
            tools.insertAction(window.act_settings, act)
            tools.insertSeparator(window.act_settings)

    def build(self, book: Book, events: BookEvents) -> None:
        self.book = book
        self._events = events
        events.changed.connect(self._book_changed)
        self.act_rules.setEnabled(True)

    def teardown(self) -> None:
        if self._events is not None:
            self._events.changed.disconnect(self._book_changed)
            self._events = None
        if self.rules_window is not None:
            self.rules_window.hide()
            self.rules_window.deleteLater()
            self.rules_window = None
        self.book = None
        self.act_rules.setEnabled(False)

    def open(self) -> RulesWindow | None:
        if self.book is None:
            return None
        if self.rules_window is None:
            self.rules_window = RulesWindow(self.book, self.window,
                                            selected_customer=self._selected_customer)
        self.rules_window.show()
        self.rules_window.raise_()
        self.rules_window.activateWindow()
        return self.rules_window

    def _selected_customer(self) -> int | None:
        ids = self.window.selected_ids()
        return ids[0] if len(ids) == 1 else None

    def _book_changed(self, kinds: set[str], _ids: dict[str, set[int] | None]) -> None:
        if self.rules_window is not None and self.rules_window.isVisible():
            self.rules_window.book_changed(kinds)

    @property
    def busy(self) -> bool:
        return False
