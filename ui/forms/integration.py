"""Forms in the main window: the フォーム menu and toolbar button opening the forms window
(ui/forms/window.py), kept up to date with the book while it is open.

The window calls :meth:`FormsIntegration.build` at the end of ``_build_content`` and
:meth:`FormsIntegration.teardown` at the start of ``_teardown_content`` (the broadcasts'
pattern). A lock closes the forms window; edits the builder holds unsaved are kept in
memory (as the broadcast composer keeps its draft) and put back into the builder when the
same book is opened again, so a lock never loses what was typed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

from ui.forms.window import FormsWindow
from ui.resources import icon

if TYPE_CHECKING:
    from app.book import Book
    from ui.book_events import BookEvents
    from ui.main_window import MainWindow


class FormsIntegration(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.book: Book | None = None
        self.forms_window: FormsWindow | None = None
        self._events: BookEvents | None = None
        #: (the book's id, the form's number, the builder's working copy) over a lock.
        self._kept: tuple[str, int, dict[str, Any]] | None = None
        act = QAction(self.tr("&Forms…"), window)
        act.setObjectName("actForms")
        act.setShortcut(QKeySequence("Ctrl+Shift+F"))
        tip = self.tr("Questionnaires and sign-up forms friends fill in on their phone")
        act.setToolTip(tip)
        act.setStatusTip(tip)
        act.setIcon(icon("edit"))
        act.setIconText(self.tr("Forms"))
        act.triggered.connect(lambda _c=False: self.open())
        act.setEnabled(False)
        window.addAction(act)
        self.act_forms = act
        # A menu of its own beside 配信, and a toolbar button after the broadcast's.
        bar = window.menuBar()
        self.menu = bar.addMenu(self.tr("F&orms"))
        self.menu.setObjectName("formsMenu")
        self.menu.addAction(act)
        broadcast = window.broadcast_menu.menuAction()
        actions = bar.actions()
        if broadcast in actions and actions.index(broadcast) + 1 < len(actions):
            bar.insertMenu(actions[actions.index(broadcast) + 1], self.menu)
        toolbar = window.toolbar
        actions = toolbar.actions()
        after = getattr(window.broadcasts, "act_new", None)
        if after in actions and actions.index(after) + 1 < len(actions):
            toolbar.insertAction(actions[actions.index(after) + 1], act)
        else:
            toolbar.addAction(act)

    def build(self, book: Book, events: BookEvents) -> None:
        self.book = book
        self._events = events
        events.changed.connect(self._book_changed)
        self.act_forms.setEnabled(True)
        kept, self._kept = self._kept, None
        if kept is not None and kept[0] == book.book_id:
            forms = self.open()
            if forms is not None:
                forms.put_back(kept[1], kept[2])

    def teardown(self) -> None:
        if self._events is not None:
            self._events.changed.disconnect(self._book_changed)
            self._events = None
        if self.forms_window is not None:
            builder = self.forms_window.builder
            if builder.dirty and builder.form_pk is not None and self.book is not None:
                self._kept = (self.book.book_id, builder.form_pk, builder.definition())
            self.forms_window.release()
            self.forms_window.hide()
            self.forms_window.deleteLater()
            self.forms_window = None
        self.book = None
        self.act_forms.setEnabled(False)

    def open(self) -> FormsWindow | None:
        if self.book is None:
            return None
        if self.forms_window is None:
            self.forms_window = FormsWindow(
                self.book, self.window, selected_customer=self._selected_customer,
                reply_target=self._reply_target)
        self.forms_window.show()
        self.forms_window.raise_()
        self.forms_window.activateWindow()
        return self.forms_window

    def _selected_customer(self) -> int | None:
        ids = self.window.selected_ids()
        return ids[0] if len(ids) == 1 else None

    def _reply_target(self) -> Any:
        page = getattr(self.window.inbox, "page", None)
        return getattr(page, "composer", None)

    def _book_changed(self, kinds: set[str], _ids: dict[str, set[int] | None]) -> None:
        if self.forms_window is not None and self.forms_window.isVisible():
            self.forms_window.book_changed(kinds)

    @property
    def busy(self) -> bool:
        return self.forms_window is not None and self.forms_window.busy
