"""The main window: tag views on the left, the customer table, the selected customer.

The window holds the open :class:`app.book.Book` and everything built on it (the
"content": sidebar, table model, detail pane). Locking tears the content down, closes the
book (the key goes with it) and shows the unlock prompt in the window; unlocking builds
the content again on the newly opened book and puts back the view the owner had.

When the book is paired with a LINE relay, the window's :class:`ui.sync_controller.
SyncController` keeps it syncing while it is open (stopped before the book closes, started
again after an unlock) and the status bar says how the sync is doing, in a few words.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QByteArray,
    QCoreApplication,
    QEvent,
    QObject,
    QSize,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.search import CustomerQuery
from app.sync.worker import SyncState, SyncStatus
from ui.book_events import BookEvents
from ui.errors import show_error
from ui.formatting import format_count, format_datetime
from ui.lock import IdleWatcher, ViewState
from ui.models.customer_table import CustomerTableModel
from ui.resources import icon
from ui.sync_controller import SyncController
from ui.widgets.customer_view import CustomerTableView, TableState
from ui.widgets.detail_pane import DetailPane
from ui.widgets.tag_sidebar import ALL_KEY, TagSidebar
from ui.worker import BackgroundOp, RunningOps, run_in_background

if TYPE_CHECKING:
    from app.book import Book
    from app.demo import Demo
    from app.profile import Profile
    from app.sync.worker import SyncWorker
    from ui.settings import Settings

log = logging.getLogger("otokui.ui.window")

SEARCH_DELAY_MS = 150
# Colours of the dot before the LINE status: fine, working, waiting, needs the owner.
SYNC_COLOURS = {"ok": "#34A853", "busy": "#4C8BF5", "waiting": "#F9AB00", "problem": "#EA4335"}
#: Above this many customers, bulk changes run in the background with a progress dialog.
BULK_IN_BACKGROUND = 2000


class _Content(QWidget):
    """Everything that shows the book; thrown away when the window locks."""

    def __init__(self, window: MainWindow, book: Book) -> None:
        super().__init__(window)
        self.setObjectName("content")
        settings = window.settings
        self.events = BookEvents(book, self)
        self.sidebar = TagSidebar(book, self)
        self.search = QLineEdit(self)
        self.search.setObjectName("searchBox")
        self.search.setPlaceholderText(QCoreApplication.translate(
            "MainWindow", "Search by name, furigana, phone, email or memo (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.model = CustomerTableModel(book, settings.visible_columns, self)
        self.view = CustomerTableView(self)
        self.detail = DetailPane(book, self)

        table_box = QWidget(self)
        table_layout = QVBoxLayout(table_box)
        table_layout.setContentsMargins(12, 10, 12, 0)
        table_layout.setSpacing(8)
        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        table_layout.addLayout(search_row)
        table_layout.addWidget(self.view, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(table_box)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([230, 760, 450])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        QWidget.setTabOrder(self.sidebar.tree, self.search)
        QWidget.setTabOrder(self.search, self.view)
        QWidget.setTabOrder(self.view, self.detail)


def _plain(action_text: str) -> str:
    """A menu text as a label: "&Back up…" → "Back up", "CSVを取り込む(&I)…" → "CSVを取り込む"."""
    return re.sub(r"\(&\w\)|&", "", action_text).replace("…", "").strip()


class MainWindow(QMainWindow):
    """The customer book window.

    ``sync_worker`` makes the LINE sync worker for a book (tests pass quicker ones);
    ``reopen`` opens the book again after a lock without asking anything (the demo, whose
    throwaway passphrase the owner never sees); ``demo`` says so in the title.
    """

    # Emitted once the window has closed (the book is closed by then).
    closed = Signal()

    def __init__(self, book: Book, settings: Settings, parent: QWidget | None = None, *,
                 sync_worker: Callable[[Book], SyncWorker] | None = None,
                 reopen: Callable[[], Book] | None = None, demo: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        from ui.widgets.wheel_guard import install_wheel_guard

        install_wheel_guard()  # every form in the window: the wheel scrolls, never edits
        self.settings = settings
        self.book: Book | None = book
        self.profile: Profile = book.profile
        self.content: _Content | None = None
        self._retired: _Content | None = None
        self._ops = RunningOps()
        self._unlock_widget: QWidget | None = None
        self._saved_view: ViewState | None = None
        self._open_new_customer: QDialog | None = None
        self._new_customer_draft: dict[str, Any] | None = None
        self._reopen = reopen
        self.demo = demo
        # The running demo behind this window (set by ``ui.app.open_demo_window``).
        self.demo_session: Demo | None = None
        self._settings_dialog: QDialog | None = None
        self._guide: QDialog | None = None
        self._set_aside_dialog: Any = None  # ui.dialogs.set_aside_events, while open
        self.sync = SyncController(self, make_worker=sync_worker)
        self.sync.status_changed.connect(self._sync_status_changed)
        self._retry_at: float | None = None
        self._retry_timer = QTimer(self)
        self._retry_timer.setInterval(1000)
        self._retry_timer.timeout.connect(self._show_sync_status)
        # Without "Otokui": the platform adds the application's display name itself
        # ("顧客台帳 — Otokui"), which said it twice.
        self.setWindowTitle(self.tr("Demo (a practice book, deleted when you quit)")
                            if demo else self.tr("Customer book"))
        self.setWindowIcon(icon("otokui"))

        self.stack = QStackedWidget(self)
        self.lock_page = QWidget(self)
        self.lock_page.setObjectName("lockPage")
        self._lock_layout = QVBoxLayout(self.lock_page)
        self._lock_layout.setContentsMargins(0, 0, 0, 0)
        self.stack.addWidget(self.lock_page)
        # Bars above everything (the rules' notices: ui/automation/notices.py) go in a
        # column over the stack, so they show in both modes (顧客台帳 / チャット).
        central = QWidget(self)
        central.setObjectName("central")
        self._column = QVBoxLayout(central)
        self._column.setContentsMargins(0, 0, 0, 0)
        self._column.setSpacing(0)
        self._column.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_search)

        self._make_actions()
        self._make_menus()
        self._make_toolbar()
        self._make_status_bar()

        self.idle = IdleWatcher(settings.auto_lock_minutes, self)
        self.idle.idle.connect(self.auto_lock)
        settings.changed.connect(self._setting_changed)

        from ui.inbox.integration import InboxIntegration

        self.inbox = InboxIntegration(self)  # the chat page, its mode switch and tray icon
        from ui.broadcast.integration import BroadcastIntegration

        # The 配信 menu, scheduled sends and missed ones.
        self.broadcasts = BroadcastIntegration(self)
        from ui.forms.integration import FormsIntegration

        # The フォーム menu and window: building, publishing, sending, answers.
        self.forms = FormsIntegration(self)
        from ui.privacy.integration import PrivacyIntegration

        self.privacy = PrivacyIntegration(self)  # お客様 → プライバシー: disclosure, deletion
        from ui.routes.integration import RoutesIntegration

        self.routes = RoutesIntegration(self)  # お客様 → 流入経路…: routes, QR codes
        from ui.booking.integration import BookingIntegration

        self.booking = BookingIntegration(self)  # the 予約 menu and window, the pane's bookings
        from ui.automation.integration import AutomationIntegration

        self.automation = AutomationIntegration(self)  # ツール → ルール…, 配信 → ステップ配信…
        from ui.analytics.integration import AnalyticsIntegration

        self.analytics = AnalyticsIntegration(self)  # the 分析 menu: dashboard, クロス分析
        from ui.purchases.integration import PurchasesIntegration

        self.purchases = PurchasesIntegration(self)  # 販売: orders, counter sale, history
        self._build_content(book)
        self._restore_geometry()

    # --- building --------------------------------------------------------------------------------
    def _action(self, name: str, text: str, slot: Any, *, icon_name: str | None = None,
                shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
                tip: str = "") -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if icon_name:
            action.setIcon(icon(icon_name))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def menu_holding(self, action: QAction) -> QMenu | None:
        """The menu bar's menu that holds ``action`` (add-ons insert their items there)."""
        for top in self.menuBar().actions():
            menu = top.menu()  # typed QObject: QAction.menu() is a template in Qt 6
            if isinstance(menu, QMenu) and action in menu.actions():
                return menu
        return None

    def _make_actions(self) -> None:
        self.act_new = self._action("actNewCustomer", self.tr("&New customer…"), self.new_customer,
                                    icon_name="person-add", shortcut=QKeySequence.StandardKey.New,
                                    tip=self.tr("Add a customer by hand"))
        self.act_fields = self._action("actFields", self.tr("Custom &fields…"), self.edit_fields,
                                       icon_name="fields",
                                       tip=self.tr("Choose which details you keep about customers"))
        self.act_import = self._action("actImport", self.tr("&Import CSV…"), self.import_csv,
                                       icon_name="import", shortcut="Ctrl+I",
                                       tip=self.tr("Add or update customers from a CSV file"))
        self.act_export = self._action("actExport", self.tr("&Export CSV…"), self.export_csv,
                                       icon_name="export", shortcut="Ctrl+E",
                                       tip=self.tr("Save customers to a CSV file"))
        self.act_backup = self._action("actBackup", self.tr("&Back up…"), self.backup,
                                       icon_name="backup", shortcut="Ctrl+Shift+B",
                                       tip=self.tr("Save an encrypted backup of the whole book"))
        self.act_restore = self._action("actRestore", self.tr("&Restore from backup…"),
                                        self.restore, icon_name="restore",
                                        tip=self.tr("Replace this book with a backup"))
        self.act_settings = self._action("actSettings", self.tr("&Settings…"), self.open_settings,
                                         icon_name="settings",
                                         shortcut=QKeySequence.StandardKey.Preferences)
        if self.act_settings.shortcut().isEmpty():
            self.act_settings.setShortcut(QKeySequence("Ctrl+,"))
        self.act_set_aside = self._action(
            "actSetAside", self.tr("Events &not received…"), self.show_set_aside,
            tip=self.tr("LINE events that came through the relay but were not added"))
        self.act_lock = self._action("actLock", self.tr("&Lock now"), self.lock, icon_name="lock",
                                     shortcut="Ctrl+L",
                                     tip=self.tr("Hide the customer book until it is unlocked"))
        self.act_about = self._action("actAbout", self.tr("&About Otokui"), self.about,
                                      icon_name="about")
        self.act_guide = self._action("actGuide", self.tr("&First steps"), self.guide,
                                      tip=self.tr("What to do first: the book, customers, "
                                                  "tags, LINE, chat, broadcasts"))
        self.act_guide.setShortcut(QKeySequence.StandardKey.HelpContents)
        self.act_quit = self._action("actQuit", self.tr("&Quit"), self.close,
                                     shortcut=QKeySequence.StandardKey.Quit)
        if self.act_quit.shortcut().isEmpty():
            self.act_quit.setShortcut(QKeySequence("Ctrl+Q"))
        self.act_find = self._action("actFind", self.tr("&Find"), self.focus_search,
                                     shortcut=QKeySequence.StandardKey.Find)
        self.act_delete = self._action("actDelete", self.tr("&Delete selected customers…"),
                                       self.delete_selected, icon_name="delete",
                                       shortcut=QKeySequence.StandardKey.Delete)
        # Delete must not fire while the owner edits text in the detail pane or search box.
        self.act_delete.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.act_add_tag = QAction(icon("tag-add"), self.tr("Add tag"), self)
        self.act_add_tag.setObjectName("actAddTag")
        self.act_add_tag.setToolTip(self.tr("Add a tag to the selected customers"))
        self.add_tag_menu = QMenu(self)
        self.add_tag_menu.aboutToShow.connect(lambda: self._fill_tag_menu(self.add_tag_menu,
                                                                           add=True))
        self.act_add_tag.setMenu(self.add_tag_menu)
        self.act_remove_tag = QAction(icon("tag-remove"), self.tr("Remove tag"), self)
        self.act_remove_tag.setObjectName("actRemoveTag")
        self.act_remove_tag.setToolTip(self.tr("Remove a tag from the selected customers"))
        self.remove_tag_menu = QMenu(self)
        self.remove_tag_menu.aboutToShow.connect(
            lambda: self._fill_tag_menu(self.remove_tag_menu, add=False))
        self.act_remove_tag.setMenu(self.remove_tag_menu)
        #: Actions that need an open book (disabled while locked).
        self.book_actions = [self.act_new, self.act_fields, self.act_import, self.act_export,
                             self.act_backup, self.act_restore, self.act_settings,
                             self.act_set_aside,
                             self.act_lock, self.act_find, self.act_delete, self.act_add_tag,
                             self.act_remove_tag]

    def _make_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        file_menu.addAction(self.act_import)
        file_menu.addAction(self.act_export)
        file_menu.addSeparator()
        file_menu.addAction(self.act_backup)
        file_menu.addAction(self.act_restore)
        file_menu.addSeparator()
        file_menu.addAction(self.act_lock)
        file_menu.addAction(self.act_quit)
        customers = bar.addMenu(self.tr("&Customers"))
        customers.addAction(self.act_new)
        customers.addAction(self.act_find)
        customers.addSeparator()
        customers.addAction(self.act_add_tag)
        customers.addAction(self.act_remove_tag)
        customers.addAction(self.act_delete)
        customers.addSeparator()
        customers.addAction(self.act_fields)
        # Filled by the broadcast integration (ui/broadcast/integration.py).
        self.broadcast_menu = bar.addMenu(self.tr("&Broadcasts"))
        self.broadcast_menu.setObjectName("broadcastMenu")
        tools = bar.addMenu(self.tr("&Tools"))
        tools.addAction(self.act_settings)
        tools.addAction(self.act_set_aside)
        help_menu = bar.addMenu(self.tr("&Help"))
        help_menu.addAction(self.act_guide)
        help_menu.addSeparator()
        help_menu.addAction(self.act_about)

    def _make_toolbar(self) -> None:
        bar = QToolBar(self.tr("Main toolbar"), self)
        bar.setObjectName("mainToolbar")
        bar.setMovable(False)
        bar.setIconSize(QSize(20, 20))
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.addAction(self.act_new)
        bar.addSeparator()
        bar.addAction(self.act_add_tag)
        bar.addAction(self.act_remove_tag)
        for action in (self.act_add_tag, self.act_remove_tag):
            button = bar.widgetForAction(action)
            if isinstance(button, QToolButton):
                button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        bar.addSeparator()
        bar.addAction(self.act_import)
        bar.addAction(self.act_export)
        bar.addAction(self.act_backup)
        spacer = QWidget(bar)
        spacer.setSizePolicy(spacer.sizePolicy().horizontalPolicy().Expanding,
                             spacer.sizePolicy().verticalPolicy().Preferred)
        bar.addWidget(spacer)
        bar.addAction(self.act_settings)
        bar.addAction(self.act_lock)
        self.addToolBar(bar)
        self.toolbar = bar
        self._compact_toolbar()

    def _compact_toolbar(self) -> None:
        """Keep every button on the toolbar at 1280 px in Japanese.

        The toolbar shows short texts without mnemonics (the menus keep the full ones);
        the file actions and Settings, used now and then, are icons whose tooltip names
        them. Whatever still does not fit goes into the overflow button, which gets an
        icon of its own: the style sheet's padding leaves Fusion's arrow no room.
        """
        short = {self.act_new: self.tr("New customer"), self.act_lock: self.tr("Lock")}
        for action, text in short.items():
            action.setIconText(text)
        for action in (self.act_import, self.act_export, self.act_backup, self.act_settings):
            name = _plain(action.text())
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            named = f"{name} ({keys})" if keys else name
            tip = action.statusTip()
            action.setToolTip(f"{named}\n{tip}" if tip else named)
            button = self.toolbar.widgetForAction(action)
            if isinstance(button, QToolButton):
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        extension = self.toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
        if extension is not None:
            extension.setIcon(icon("chevron-down"))
            extension.setMinimumWidth(28)
            extension.setToolTip(self.tr("More actions"))

    def _make_status_bar(self) -> None:
        status = self.statusBar()
        self.selection_label = QLabel(self)
        self.selection_label.setObjectName("selectionLabel")
        self.count_label = QLabel(self)
        self.count_label.setObjectName("countLabel")
        # The LINE sync: a coloured dot and a few words; hidden while there is no pairing.
        self.sync_box = QWidget(self)
        self.sync_box.setObjectName("syncStatus")
        self.sync_box.setCursor(Qt.CursorShape.PointingHandCursor)
        self.sync_box.installEventFilter(self)
        self.sync_dot = QLabel("●", self.sync_box)
        self.sync_dot.setObjectName("syncDot")
        self.sync_label = QLabel(self.sync_box)
        self.sync_label.setObjectName("syncLabel")
        row = QHBoxLayout(self.sync_box)
        row.setContentsMargins(4, 0, 4, 0)
        row.setSpacing(0)
        row.addWidget(self.sync_dot)
        row.addWidget(self.sync_label)
        self.sync_box.hide()
        if self.demo:
            self.demo_badge = QLabel(self.tr("Demo: a practice book, deleted when you quit"),
                                     self)
            self.demo_badge.setObjectName("demoBadge")
            self.demo_badge.setStyleSheet(
                "QLabel#demoBadge { background: #FFF4D6; color: #7A5A00; border-radius: 8px;"
                " padding: 1px 10px; margin: 2px 4px; }")
            # Permanent: a temporary message (a broadcast's news, an export) hides the
            # ordinary widgets of the status bar, and the owner must always see it is a demo.
            status.addPermanentWidget(self.demo_badge)
        status.addPermanentWidget(self.sync_box)
        status.addPermanentWidget(self.selection_label)
        status.addPermanentWidget(self.count_label)

    def _build_content(self, book: Book) -> None:
        # An edit made here while an import or a sync batch writes says "busy" after a
        # moment instead of freezing the window (app.store.db.INTERACTIVE_WAIT_S).
        book.db.interactive_thread = threading.current_thread()
        content = _Content(self, book)
        self.content = content
        self.stack.insertWidget(0, content)
        self.stack.setCurrentWidget(content)
        content.events.changed.connect(self._book_changed)
        content.sidebar.chosen.connect(lambda _c: self.apply_search())
        content.sidebar.tagged.connect(self._tagged_message)
        content.search.textChanged.connect(lambda _t: self._search_timer.start())
        content.search.returnPressed.connect(self.apply_search)
        content.view.setModel(content.model)
        content.view.selectionModel().selectionChanged.connect(self._selection_changed)
        content.view.selectionModel().currentChanged.connect(self._selection_changed)
        content.view.files_dropped.connect(self.attach_files_to)
        content.view.drop_target_changed.connect(self._drop_target)
        content.detail.files_attached.connect(self._files_attached)
        content.view.builtin_columns_chosen.connect(self._columns_chosen)
        content.view.field_column_toggled.connect(self._field_column_toggled)
        content.view.doubleClicked.connect(lambda _i: content.detail.focus_first_field())
        content.view.addAction(self.act_delete)
        content.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        content.view.customContextMenuRequested.connect(self._table_menu)
        content.model.modelReset.connect(self._update_counts)
        from ui.widgets.empty_book import EmptyBookGuide

        guide = EmptyBookGuide()
        guide.add_requested.connect(lambda: self.new_customer())
        guide.import_requested.connect(lambda: self.import_csv())
        guide.line_requested.connect(lambda: self.open_settings(line_tab=True))
        content.view.set_empty_widget(guide, self._book_is_empty)
        self.empty_guide = guide
        if self.settings.splitter_state:
            content.splitter.restoreState(QByteArray(self.settings.splitter_state))
        self._restore_column_widths()
        for action in self.book_actions:
            action.setEnabled(True)
        self.apply_search()  # also enables the actions that need a selection, or not
        self.idle.resume()
        self.sync.start(book)  # does nothing until the book is paired with a relay
        self.inbox.build(book, content.events)
        self.broadcasts.build(book, content.events)
        self.forms.build(book, content.events)
        self.privacy.build(book, content.events)
        self.routes.build(book, content.events)
        self.booking.build(book, content.events)
        self.automation.build(book, content.events)
        self.analytics.build(book, content.events)
        self.purchases.build(book, content.events)

    def _teardown_content(self) -> None:
        content = self.content
        if content is None:
            return
        self.booking.teardown()
        self.automation.teardown()
        self.analytics.teardown()
        self.purchases.teardown()
        self.privacy.teardown()
        self.routes.teardown()
        self.forms.teardown()
        self.broadcasts.teardown()
        self.inbox.teardown()
        self._save_column_widths()
        self.settings.splitter_state = bytes(content.splitter.saveState().data())
        content.events.detach()
        content.detail.release()
        self._search_timer.stop()
        self.stack.removeWidget(content)
        content.hide()
        # Out of the window at once (nothing of it can be found or shown any more), deleted
        # by Qt when control returns to the event loop.
        content.setParent(None)
        content.deleteLater()
        self._retired = content
        self.content = None

    # --- the view --------------------------------------------------------------------------------
    def current_query(self) -> CustomerQuery:
        content = self.content
        assert content is not None
        choice = content.sidebar.choice()
        q = content.model.query
        from dataclasses import replace

        return choice.apply(replace(q, text=content.search.text().strip()))

    def apply_search(self) -> None:
        """Run the search box's text and the chosen view through the core's search."""
        content = self.content
        if content is None:
            return
        self._search_timer.stop()
        state = content.view.save_state()
        content.model.set_query(self.current_query())
        content.view.restore_state(state)
        self._selection_changed()

    def focus_search(self) -> None:
        if self.content is not None:
            self.content.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.content.search.selectAll()

    def view_state(self) -> ViewState:
        content = self.content
        if content is None:
            return ViewState()
        return ViewState(content.sidebar.current_key(), content.search.text(),
                         content.view.save_state())

    def restore_view(self, state: ViewState) -> None:
        content = self.content
        if content is None:
            return
        content.search.blockSignals(True)
        content.search.setText(state.search_text)
        content.search.blockSignals(False)
        content.sidebar.blockSignals(True)
        content.sidebar.select_key(state.sidebar_key or ALL_KEY)
        content.sidebar.blockSignals(False)
        content.model.set_query(self.current_query())
        content.view.restore_state(state.table)
        self._selection_changed()

    def _book_changed(self, kinds: set[str], ids: dict[str, set[int] | None]) -> None:
        content = self.content
        if content is None:
            return
        if "fields" in kinds:
            content.model.reload_columns()
            self._restore_column_widths()
        if "tags" in kinds:
            content.model.reload_tags()
        if kinds & {"tags", "customers"}:
            content.sidebar.reload()
        if kinds & {"customers", "tags", "fields"}:
            state = content.view.save_state()
            changed = ids.get("customers") if "customers" in kinds else None
            if content.model.refresh(changed if "tags" not in kinds else None):
                content.view.restore_state(state)
            self._update_counts()
        content.detail.book_changed(kinds, ids)
        self._selection_changed()
        if "line" in kinds and self.book is not None:
            self.sync.follow(self.book)  # paired, unpaired or a new token: (re)start

    def _selection_changed(self, *_args: Any) -> None:
        content = self.content
        if content is None:
            return
        ids = content.view.selected_ids()
        if len(ids) == 1:
            content.detail.show_customer(ids[0])
        elif len(ids) > 1:
            content.detail.show_many(len(ids))
        else:
            content.detail.show_customer(None)
        self.selection_label.setText(
            self.tr("%1 selected").replace("%1", format_count(len(ids))) if ids else "")
        for action in (self.act_add_tag, self.act_remove_tag, self.act_delete):
            action.setEnabled(bool(ids))
        self.broadcasts.selection_changed(ids)
        self.booking.selection_changed(ids)

    def _table_menu(self, pos: Any) -> None:
        """The customer table's context menu: tags, broadcasts, delete."""
        content = self.content
        if content is None or not self.selected_ids():
            return
        menu = QMenu(self)
        menu.addAction(self.act_add_tag)
        menu.addAction(self.act_remove_tag)
        menu.addSeparator()
        self.broadcasts.add_table_actions(menu)
        menu.addSeparator()
        menu.addAction(self.act_delete)
        menu.exec(content.view.viewport().mapToGlobal(pos))

    def _update_counts(self) -> None:
        content = self.content
        self.count_label.setText(format_count(content.model.rowCount()) if content else "")
        if content is not None:
            content.view.update_empty()

    def _book_is_empty(self) -> bool:
        """No customer at all (a search or a tag that finds nobody is not an empty book)."""
        content = self.content
        return (self.book is not None and content is not None
                and content.model.rowCount() == 0 and content.model.query == CustomerQuery()
                and not content.search.text().strip() and self.book.customers.count() == 0)

    def _tagged_message(self, count: int, name: str) -> None:
        self.statusBar().showMessage(
            self.tr("Tag “%1” added to %2.").replace("%1", name).replace(
                "%2", format_count(count)), 5000)

    # --- columns ---------------------------------------------------------------------------------
    def _columns_chosen(self, keys: list[str]) -> None:
        if self.content is None:
            return
        self._save_column_widths()
        self.settings.visible_columns = keys
        state = self.content.view.save_state()
        self.content.model.set_visible_builtin(keys)
        self._restore_column_widths()
        self.content.view.restore_state(state)

    def _field_column_toggled(self, field_id: int, shown: bool) -> None:
        if self.book is None:
            return
        try:
            self.book.fields.update(field_id, show_in_list=shown)
        except Exception as exc:
            show_error(self, exc)

    def _save_column_widths(self) -> None:
        content = self.content
        if content is None:
            return
        widths = dict(w.split("=", 1) for w in self.settings.column_widths if "=" in w)
        for i, column in enumerate(content.model.columns):
            widths[column.key] = str(content.view.columnWidth(i))
        self.settings.column_widths = [f"{k}={v}" for k, v in widths.items()]

    def _restore_column_widths(self) -> None:
        content = self.content
        if content is None:
            return
        widths = dict(w.split("=", 1) for w in self.settings.column_widths if "=" in w)
        defaults = {"display_name": 130, "name": 120, "tags": 190, "phone": 130,
                    "followed_at": 120, "updated_at": 150}
        for i, column in enumerate(content.model.columns):
            if column.key == "picture":
                continue
            try:
                width = int(widths.get(column.key, defaults.get(column.key, 120)))
            except ValueError:
                width = 120
            content.view.setColumnWidth(i, max(40, min(width, 800)))

    # --- customers -------------------------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        return self.content.view.selected_ids() if self.content else []

    def select_customer(self, customer_id: int) -> bool:
        content = self.content
        if content is None:
            return False
        content.view.restore_state(TableState([customer_id], customer_id, None),
                                   scroll_to_current=True)
        self._selection_changed()
        return content.view.current_id() == customer_id

    def new_customer(self, draft: dict[str, Any] | None = None) -> None:
        """Ask for the new customer's details, then show them.

        If the window locks itself while the dialog is open, the dialog closes with the
        book, what was typed is kept in memory (never on disk) and the dialog opens again,
        filled in, once the book is unlocked: nothing typed is lost (QA finding)."""
        if self.book is None:
            return
        from ui.dialogs.customer_dialog import NewCustomerDialog

        dialog = NewCustomerDialog(self.book, self)
        if draft:
            dialog.restore_draft(draft)
        self._open_new_customer = dialog
        try:
            dialog.exec()
        finally:
            self._open_new_customer = None
        if dialog.property("closedByLock"):
            self._new_customer_draft = dialog.draft()
            return
        if dialog.customer_id is not None:
            self.show_new_customer(dialog.customer_id)

    def create_customer(self, name: str) -> int | None:
        """Create a customer called ``name`` and show them (for scripts and tests)."""
        if self.book is None or self.content is None:
            return None
        try:
            cid = self.book.customers.create(name=name)
        except Exception as exc:
            show_error(self, exc)
            return None
        self.show_new_customer(cid)
        return cid

    def add_top_bar(self, bar: QWidget) -> None:
        """A bar over the window's pages (hidden until it has something to say)."""
        self._column.insertWidget(self._column.count() - 1, bar)

    def show_customer(self, cid: int) -> None:
        """Bring a customer into view, selected: in the list as it is when they are in it,
        else with everyone and no search."""
        content = self.content
        if content is None:
            return
        content.events.flush()
        if not self.select_customer(cid):
            self._show_everyone_and_select(cid)

    def show_new_customer(self, cid: int) -> None:
        """Bring a just-created customer into view: everyone, no search, selected."""
        content = self.content
        if content is None:
            return
        content.events.flush()
        self._show_everyone_and_select(cid)
        content.detail.focus_first_field()

    def _show_everyone_and_select(self, cid: int) -> None:
        content = self.content
        assert content is not None
        content.search.blockSignals(True)
        content.search.clear()
        content.search.blockSignals(False)
        content.sidebar.blockSignals(True)
        content.sidebar.select_key(ALL_KEY)
        content.sidebar.blockSignals(False)
        self.apply_search()
        self.select_customer(cid)

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids or self.book is None:
            return
        answer = QMessageBox.warning(
            self, self.tr("Delete customers"),
            self.tr("Delete %1? Their details, tags and attachments are deleted too. "
                    "This cannot be undone.").replace("%1", format_count(len(ids))),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_customers(ids)

    def delete_customers(self, ids: list[int]) -> BackgroundOp | None:
        book = self.book
        if book is None:
            return None
        label = self.tr("Deleting customers…") if len(ids) > BULK_IN_BACKGROUND else None
        return self._run(lambda _p: book.customers.delete(ids), label=label, cancellable=False,
                  on_success=lambda n: self.statusBar().showMessage(
                      self.tr("%1 deleted.").replace("%1", format_count(int(n))), 5000))

    def _fill_tag_menu(self, menu: QMenu, *, add: bool) -> None:
        menu.clear()
        if self.book is None:
            return
        for tag in self.book.tags.list():
            action = menu.addAction(tag.name)
            action.triggered.connect(lambda _=False, t=tag.id: self.tag_selected(t, add=add))
        if add:
            if menu.actions():
                menu.addSeparator()
            menu.addAction(icon("tag-add"), self.tr("New tag…"), self._new_tag_for_selection)
        elif not menu.actions():
            none = menu.addAction(self.tr("No tags yet"))
            none.setEnabled(False)

    def _new_tag_for_selection(self) -> None:
        if self.book is None:
            return
        name, ok = QInputDialog.getText(self, self.tr("New tag"), self.tr("Tag name:"))
        if not ok or not name.strip():
            return
        try:
            tag_id = self.book.tags.create(name)
        except Exception as exc:
            show_error(self, exc)
            return
        self.tag_selected(tag_id, add=True)

    def tag_selected(self, tag_id: int, *, add: bool) -> BackgroundOp | None:
        """Add or remove a tag on every selected customer."""
        ids = self.selected_ids()
        book = self.book
        if not ids or book is None:
            return None
        work = (lambda _p: book.tags.add(ids, [tag_id])) if add else (
            lambda _p: book.tags.remove(ids, [tag_id]))
        label = self.tr("Changing tags…") if len(ids) > BULK_IN_BACKGROUND else None

        def done(n: int) -> None:
            text = self.tr("Tag added to %1.") if add else self.tr("Tag removed from %1.")
            self.statusBar().showMessage(text.replace("%1", format_count(int(n))), 5000)

        return self._run(work, label=label, cancellable=False, on_success=done)

    def attach_files_to(self, customer_id: int, paths: list[str]) -> None:
        """Files dropped on a customer's row: attach them (asks kind and date first).

        The row dropped on becomes the shown customer, so the detail pane, the dialog
        (which names them) and the confirmation all speak of the same person."""
        if self.content is None:
            return
        self.select_customer(customer_id)
        self.content.detail.attach_files(customer_id, [Path(p) for p in paths])

    def _drop_target(self, customer_id: int) -> None:
        """Files dragged over a row: say whose they will be (the row is highlighted)."""
        if customer_id < 0 or self.content is None:
            self.statusBar().clearMessage()
            return
        name = self.content.detail.customer_name(customer_id)
        self.statusBar().showMessage(self.tr("Drop to attach the files to %1.").replace(
            "%1", name))

    def _files_attached(self, _customer_id: int, count: int, name: str) -> None:
        self.statusBar().showMessage(self.tr("%n file(s) attached to %1.", "", count).replace(
            "%1", name), 10000)

    # --- long work -------------------------------------------------------------------------------
    def _run(self, fn: Any, **kwargs: Any) -> BackgroundOp:
        op = run_in_background(self, fn, **kwargs)
        return self._ops.track(op)

    @property
    def busy(self) -> bool:
        line = getattr(self._settings_dialog, "line_tab", None)
        return self._ops.busy or (
            self.content is not None and self.content.detail.busy) or bool(
            line is not None and line.busy) or self.inbox.busy or \
            self.broadcasts.busy or self.forms.busy or self.automation.busy or \
            self.analytics.busy or bool(
            self._set_aside_dialog is not None and self._set_aside_dialog.busy) or \
            self.booking.busy
        # finish before locking

    def _ask_save_path(self, title: str, name: str, filter_text: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self, title, str(Path.home() / name), filter_text)
        return Path(path) if path else None

    def export_csv(self) -> None:
        if self.book is None or self.content is None:
            return
        ids = self.selected_ids()
        chosen: list[int] | None = None
        if len(ids) >= 1:
            box, shown, selected = self.export_choice(ids)
            box.exec()
            if box.clickedButton() is selected:
                chosen = ids
            elif box.clickedButton() is shown:
                chosen = self.content.model.ids()
            else:
                return
        elif self.content.model.query != CustomerQuery():
            chosen = self.content.model.ids()
        today = dt.date.today().isoformat()
        path = self._ask_save_path(self.tr("Export CSV"), f"otokui-customers-{today}.csv",
                                   self.tr("CSV files (*.csv)"))
        if path is not None:
            self.export_to(path, chosen)

    def export_choice(self, ids: list[int]) -> tuple[QMessageBox, Any, Any]:
        """The question "which customers?": the view shown first and by default (Enter
        exports what is on screen); the selection is the other choice."""
        assert self.content is not None
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Export CSV"),
                          self.tr("Which customers do you want to export?"),
                          QMessageBox.StandardButton.Cancel, self)
        shown = box.addButton(self.tr("All shown (%1)").replace(
            "%1", format_count(self.content.model.rowCount())),
            QMessageBox.ButtonRole.AcceptRole)
        selected = box.addButton(self.tr("Selected (%1)").replace(
            "%1", format_count(len(ids))), QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(shown)
        return box, shown, selected

    def export_to(self, path: Path, customer_ids: list[int] | None) -> BackgroundOp | None:
        from app.csvio import export_csv

        book = self.book
        if book is None:
            return None

        def done(rows: int) -> None:
            self.statusBar().showMessage(self.tr("%1 exported to %2.").replace(
                "%1", format_count(int(rows))).replace("%2", path.name), 8000)

        return self._run(lambda p: export_csv(book, path, customer_ids=customer_ids,
                                              progress=p, cancel=p.cancelled),
                         label=self.tr("Exporting customers…"), on_success=done)

    def backup(self) -> None:
        if self.book is None:
            return
        stamp = dt.datetime.now().strftime("%Y-%m-%d-%H%M")
        path = self._ask_save_path(self.tr("Back up the customer book"),
                                   f"otokui-backup-{stamp}.otkb",
                                   self.tr("Otokui backups (*.otkb)"))
        if path is not None:
            self.backup_to(path)

    def backup_to(self, path: Path) -> BackgroundOp | None:
        from app.backup import create_backup

        book = self.book
        if book is None:
            return None

        def done(_header: Any) -> None:
            self.statusBar().showMessage(self.tr("Backup saved: %1").replace(
                "%1", path.name), 8000)

        return self._run(lambda p: create_backup(book, path, progress=p, cancel=p.cancelled),
                         label=self.tr("Backing up…"), on_success=done)

    def restore(self) -> None:
        if self.book is None:
            return
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Restore from backup"),
                                              str(Path.home()),
                                              self.tr("Otokui backups (*.otkb);;All files (*)"))
        if not path:
            return
        from app.backup import inspect_backup

        try:
            header = inspect_backup(Path(path))
        except Exception as exc:
            show_error(self, exc)
            return
        created = header.created_at
        with contextlib.suppress(ValueError):
            created = format_datetime(dt.datetime.fromisoformat(header.created_at)
                                      .astimezone(dt.UTC).replace(tzinfo=None))
        text = self.tr("Replace the customer book with the backup of %1 (%2, %3 attachments)? "
                       "Everything changed since then is replaced.").replace(
            "%1", created).replace("%2", format_count(header.customers)).replace(
            "%3", f"{header.attachments:,}")
        if self.book.book_id != header.book_id:
            text += "\n\n" + self.tr("This backup is of a different customer book.")
        answer = QMessageBox.warning(self, self.tr("Restore from backup"), text,
                                     QMessageBox.StandardButton.Yes
                                     | QMessageBox.StandardButton.Cancel,
                                     QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Yes:
            self.restore_from(Path(path))

    def restore_from(self, path: Path, passphrase: str | None = None) -> None:
        """Close the book, restore ``path`` over it, then open what is there."""
        from app.backup import restore_backup
        from app.errors import PassphraseRequiredError, WrongKeyError

        if self.book is not None:
            self._close_book()
        profile = self.profile

        def failed(exc: BaseException) -> None:
            if isinstance(exc, PassphraseRequiredError | WrongKeyError):
                prompt = self.tr("This backup was made with a passphrase. Type the book's "
                                 "passphrase or its recovery passphrase:")
                if isinstance(exc, WrongKeyError):
                    prompt = self.tr("That passphrase does not open this backup. "
                                     "Please type it again:")
                typed, ok = QInputDialog.getText(self, self.tr("Restore from backup"), prompt,
                                                 QLineEdit.EchoMode.Password)
                if ok and typed:
                    self.restore_from(path, typed)
                    return
            else:
                show_error(self, exc)
            self._show_unlock(auto_open=True)  # the old book is untouched: open it again

        self._run(lambda p: restore_backup(profile, path, passphrase=passphrase, progress=p,
                                           cancel=p.cancelled),
                  label=self.tr("Checking and restoring the backup…"),
                  on_success=lambda _r: self._show_unlock(auto_open=True),
                  on_failure=failed)

    # --- dialogs by the other half of the team ---------------------------------------------------
    def edit_fields(self) -> None:
        if self.book is None:
            return
        from ui.dialogs.field_editor import FieldEditorDialog

        FieldEditorDialog(self.book, self).exec()

    def import_csv(self) -> None:
        if self.book is None:
            return
        from ui.dialogs.import_wizard import ImportWizard

        ImportWizard(self.book, self).exec()

    def open_settings(self, *, line_tab: bool = False) -> None:
        """The settings dialog (``line_tab``: open on Settings → LINE)."""
        if self.book is None:
            return
        from ui.dialogs.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.book, self.settings, self)
        line = getattr(dialog, "line_tab", None)
        if line_tab and line is not None:
            dialog.tabs.setCurrentWidget(line)
        self._settings_dialog = dialog
        try:
            dialog.exec()
        finally:
            self._settings_dialog = None
        # In case a change was not announced. A worker that ended by itself (the relay
        # revoked this computer) is left as it is: starting it again cannot help.
        if self.book is not None and self.book.line.is_paired() != (
                self.sync.worker is not None):
            self.sync.follow(self.book)

    def show_set_aside(self) -> None:
        """ツール → 受信できなかったイベント."""
        if self.book is None:
            return
        from ui.dialogs.set_aside_events import SetAsideDialog

        dialog = SetAsideDialog(self.book, self)
        self._set_aside_dialog = dialog
        try:
            dialog.exec()
        finally:
            self._set_aside_dialog = None

    def about(self) -> None:
        from ui.dialogs.about import AboutDialog

        AboutDialog(self, self.profile.root).exec()

    def guide(self) -> None:
        """The first-steps guide, beside the window (not modal: the owner follows it)."""
        from ui.dialogs.guide import GuideDialog

        if self._guide is None:
            self._guide = GuideDialog(self)
        self._guide.show()
        self._guide.raise_()
        self._guide.activateWindow()

    # --- lock and unlock -------------------------------------------------------------------------
    @property
    def locked(self) -> bool:
        return self.book is None

    def _setting_changed(self, name: str) -> None:
        if name == "auto_lock_minutes" and not self.locked:
            self.idle.set_minutes(self.settings.auto_lock_minutes)

    def auto_lock(self) -> None:
        if self.locked:
            return
        if self.busy:
            # Long work is running (a backup, an import): lock once it is done.
            log.info("auto-lock postponed: work in progress")
            self.idle.resume()
            return
        if self._open_new_customer is not None:  # its draft is kept: see new_customer
            self._open_new_customer.setProperty("closedByLock", True)
        for widget in QApplication.topLevelWidgets():
            if widget is not self and isinstance(widget, QDialog) and widget.isVisible():
                widget.reject()  # dialogs may show customer data; they go with the lock
        QTimer.singleShot(0, self.lock)

    def lock(self) -> bool:
        """Hide the content, close the book and drop the key; returns False if busy."""
        if self.locked:
            return True
        if self.busy:
            self.statusBar().showMessage(self.tr(
                "Otokui will lock when the work in progress is finished."), 5000)
            QTimer.singleShot(1000, self.lock)
            return False
        self._saved_view = self.view_state()
        if self._open_new_customer is not None:  # its draft is kept: see new_customer
            self._open_new_customer.setProperty("closedByLock", True)
            self._open_new_customer.reject()
        self._close_book()
        self._show_unlock(auto_open=False)
        log.info("locked")
        return True

    def _close_book(self) -> None:
        self.sync.stop()  # before the book closes: the worker must have let go of it
        self._teardown_content()
        book, self.book = self.book, None
        if book is not None:
            book.close()
        for action in self.book_actions:
            action.setEnabled(False)
        self.idle.pause()
        self.selection_label.clear()
        self.count_label.clear()

    def _show_unlock(self, *, auto_open: bool) -> None:
        from ui.dialogs.unlock import UnlockWidget

        if self._unlock_widget is not None:
            self._unlock_widget.deleteLater()
        panel = QWidget(self.lock_page)
        panel.setObjectName("unlockPanel")
        panel.setMaximumWidth(460)
        widget: Any
        if self._reopen is not None:
            widget = _ReopenWidget(self._reopen, panel, auto_open=auto_open)
        else:
            widget = UnlockWidget(self.profile, panel, auto_open=auto_open)
        widget.unlocked.connect(self._unlocked)
        inner = QVBoxLayout(panel)
        inner.addWidget(widget)
        holder = QWidget(self.lock_page)
        row = QHBoxLayout(holder)
        row.addStretch(1)
        row.addWidget(panel, 2)
        row.addStretch(1)
        while self._lock_layout.count():
            item = self._lock_layout.takeAt(0)
            old = item.widget() if item is not None else None
            if old is not None:
                old.deleteLater()
        self._lock_layout.addWidget(holder)
        self._unlock_widget = widget
        self.stack.setCurrentWidget(self.lock_page)
        widget.start()
        widget.setFocus()

    @property
    def unlock_widget(self) -> Any:
        return self._unlock_widget

    def _unlocked(self, book: Book) -> None:
        self.book = book
        self.profile = book.profile
        if self._unlock_widget is not None:
            self._unlock_widget.deleteLater()
            self._unlock_widget = None
        self._build_content(book)
        if self._saved_view is not None:
            self.restore_view(self._saved_view)
        self._saved_view = None
        draft, self._new_customer_draft = self._new_customer_draft, None
        if draft is not None:  # the dialog the lock closed, as the owner left it
            QTimer.singleShot(0, lambda: self.new_customer(draft))
        log.info("unlocked")

    # --- window ----------------------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        if self.settings.window_geometry:
            self.restoreGeometry(QByteArray(self.settings.window_geometry))
        else:
            self.resize(1280, 800)
        if self.settings.window_state:
            self.restoreState(QByteArray(self.settings.window_state))

    # --- the LINE sync in the status bar ---------------------------------------------------------
    def _sync_status_changed(self, status: SyncStatus) -> None:
        retry = status.retry_in if status.state in (SyncState.OFFLINE, SyncState.ERROR) \
            else None
        self._retry_at = time.monotonic() + retry if retry is not None else None
        if self._retry_at is not None:
            self._retry_timer.start()
        else:
            self._retry_timer.stop()
        self._show_sync_status()

    def _show_sync_status(self) -> None:
        status = self.sync.status
        text, kind = self.sync_status_text(status)
        self.sync_box.setVisible(bool(text))
        self.sync_label.setText(text)
        self.sync_dot.setStyleSheet(f"color: {SYNC_COLOURS.get(kind, '#9AA0A6')};"
                                    " padding: 0px 4px 0px 0px;")
        self.sync_box.setToolTip(self.sync_status_tooltip(status) if text else "")

    def _seconds_left(self) -> int:
        if self._retry_at is None:
            return 0
        return max(1, round(self._retry_at - time.monotonic()))

    def sync_status_text(self, status: SyncStatus) -> tuple[str, str]:
        """(the owner's words, the dot's kind) for a status; no words: nothing shown."""
        state = status.state
        if state == SyncState.STARTING:
            return self.tr("LINE: connecting…"), "busy"
        if state == SyncState.CONNECTED:
            if status.line_problem == "line-token-rejected":
                return self.tr("LINE: the access token is not valid"), "problem"
            if status.line_problem == "line-token-missing":
                return self.tr("LINE: no access token is set"), "problem"
            return self.tr("LINE: connected"), "ok"
        if state == SyncState.SYNCING:
            return self.tr("LINE: syncing…"), "busy"
        if state == SyncState.OFFLINE:
            if self._retry_at is None:
                return self.tr("LINE: offline"), "waiting"
            return self.tr("LINE: offline — retrying in %1 s").replace(
                "%1", str(self._seconds_left())), "waiting"
        if state == SyncState.ERROR:
            return self.tr("LINE: could not save — retrying in %1 s").replace(
                "%1", str(self._seconds_left())), "waiting"
        if state == SyncState.UNPAIRED:
            return self.tr("LINE: no longer paired with the relay"), "problem"
        if state == SyncState.NEEDS_SECRET:
            return self.tr("LINE: enter the channel secret"), "problem"
        return "", ""  # not paired, stopped: nothing to say

    def sync_status_tooltip(self, status: SyncStatus) -> str:
        """Counts and what to do; never a name, a message or an id."""
        lines: list[str] = []
        state = status.state
        if state == SyncState.OFFLINE:
            lines.append(self.tr("The relay cannot be reached. Messages wait on the relay "
                                 "and at LINE; nothing is lost."))
        elif state == SyncState.ERROR:
            lines.append(self.tr("The customer book could not take the new messages just "
                                 "now. They wait on the relay; nothing is lost."))
        elif state == SyncState.UNPAIRED:
            lines.append(self.tr("Pair again in Settings → LINE with a new pairing code."))
        elif state == SyncState.NEEDS_SECRET:
            lines.append(self.tr("Otokui checks with the channel secret that each message "
                                 "really comes from LINE. Enter it in Settings → LINE; "
                                 "messages wait on the relay until then."))
        if status.set_aside:
            lines.append(self.tr("Events not added to the book: %1 (Tools → Events not "
                                 "received)").replace("%1", f"{status.set_aside:,}"))
        if status.line_problem in ("line-token-rejected", "line-token-missing"):
            lines.append(self.tr("New friends' names and photos cannot be fetched. Enter "
                                 "the channel access token in Settings → LINE."))
        lines.append(self.tr("Since Otokui started: %1 messages received, %2 events "
                             "applied, %3 duplicates skipped.").replace(
            "%1", f"{status.messages_received:,}").replace(
            "%2", f"{status.events_applied:,}").replace(
            "%3", f"{status.duplicates_skipped:,}"))
        if status.pending_content:
            lines.append(self.tr("Photos and files still to download: %1").replace(
                "%1", f"{status.pending_content:,}"))
        if status.last_sync_at is not None:
            utc = status.last_sync_at.astimezone(dt.UTC).replace(tzinfo=None)
            lines.append(self.tr("Last synced: %1").replace("%1", format_datetime(utc)))
        lines.append(self.tr("Click for Settings → LINE."))
        return "\n".join(lines)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.sync_box and event.type() == QEvent.Type.MouseButtonRelease
                and not self.locked):
            QTimer.singleShot(0, lambda: self.open_settings(line_tab=True))
            return True
        return super().eventFilter(watched, event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.broadcasts.hold_close():
            event.ignore()  # closes by itself once the broadcast has gone out
            return
        if self._ops.busy:
            answer = QMessageBox.question(
                self, self.tr("Quit Otokui"),
                self.tr("Work is still in progress. Cancel it and quit? Nothing is lost: "
                        "cancelled work leaves the book as it was."))
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
            for op in self._ops:
                op.cancel()
            QThreadPool.globalInstance().waitForDone(30_000)
        self.settings.window_geometry = bytes(self.saveGeometry().data())
        self.settings.window_state = bytes(self.saveState().data())
        self.idle.stop()
        if self.book is not None:
            self._close_book()
        if self._unlock_widget is not None and hasattr(self._unlock_widget, "abandon"):
            self._unlock_widget.abandon()
        self.sync.stop()
        self._retry_timer.stop()
        self.inbox.close()
        self.settings.sync()
        super().closeEvent(event)
        self.closed.emit()


class _ReopenWidget(QWidget):
    """The lock page of a book that opens again without a question (the demo).

    The demo's book has a random passphrase the owner never sees; locking still closes the
    book and hides everything, and 開く opens it again (in the background: unwrapping the
    key takes a moment). Same ``unlocked``/``start``/``abandon`` as the real prompt.
    """

    unlocked = Signal(object)

    def __init__(self, reopen: Callable[[], Book], parent: QWidget | None = None, *,
                 auto_open: bool = False) -> None:
        super().__init__(parent)
        self._reopen = reopen
        self.auto_open = auto_open
        self.busy = False
        self._abandoned = False
        title = QLabel(self.tr("The customer book is locked"), self)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title.setWordWrap(True)
        note = QLabel(self.tr("This is the demo: it opens without a passphrase."), self)
        note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        note.setWordWrap(True)
        self.message = QLabel(self)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.open_button = QPushButton(self.tr("Open"), self)
        self.open_button.setDefault(True)
        self.open_button.clicked.connect(self.open)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addStretch(1)
        layout.addWidget(title)
        layout.addWidget(note)
        layout.addSpacing(6)
        layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.message)
        layout.addStretch(2)
        self.setFocusProxy(self.open_button)

    def start(self) -> None:
        if self.auto_open:
            self.open()

    def open(self) -> None:
        if self.busy:
            return
        from ui.dialogs.background import run_then

        self.busy = True
        self.open_button.setEnabled(False)
        self.message.setText(self.tr("Opening the customer book…"))
        run_then(self, lambda _p: self._reopen(), self._opened, self._failed)

    def _opened(self, book: Book) -> None:
        self.busy = False
        if self._abandoned:
            book.close()
            return
        self.unlocked.emit(book)

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        if self._abandoned:
            return
        self.open_button.setEnabled(True)
        self.message.clear()
        show_error(self, exc)

    def abandon(self) -> None:
        """The window closes: a book still opening is closed as soon as it is open."""
        self._abandoned = True
