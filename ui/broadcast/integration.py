"""Broadcasts in the main window: the 配信 menu (and the Customers menu's entries for the
selected customers), the toolbar button, the table's and the sidebar's "配信…" entries,
scheduled sends and missed ones.

The window calls :meth:`BroadcastIntegration.build` at the end of ``_build_content`` and
:meth:`BroadcastIntegration.teardown` at the start of ``_teardown_content`` (the inbox's
pattern, ui/inbox/integration.py). While a book is open a timer asks the core every 30 s
for scheduled broadcasts whose time has come (``due``) and sends them in the background.
Scheduled broadcasts whose time passed while Otokui was closed (``missed``) are never
sent by themselves: a dialog offers each one (send now, or cancel it).

Interrupted broadcasts are resumed by the inbox integration's single ``resume_all()``
after the book opens (it resumes the inbox's pending sends at the same time); nothing
here resumes them a second time.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.broadcast import BroadcastInfo
from app.broadcast.model import SCHEDULED
from app.errors import OtokuiError
from ui.broadcast.composer import BroadcastComposer, KeptDraft
from ui.broadcast.history import HistoryDialog
from ui.broadcast.recipients import SEGMENT, SELECTED, TAG
from ui.broadcast.runner import Runner
from ui.broadcast.texts import audience_words, bubble_words, owner_words, state_label
from ui.formatting import format_count, format_datetime
from ui.resources import icon

if TYPE_CHECKING:
    from app.book import Book
    from ui.book_events import BookEvents
    from ui.main_window import MainWindow

log = logging.getLogger("otokui.ui.broadcast")

#: How often scheduled broadcasts are looked for while a book is open.
TICK_MS = 30_000


class MissedDialog(QDialog):
    """Scheduled broadcasts whose time passed while Otokui was closed: send or cancel each."""

    def __init__(self, book: Book, runner: Runner, infos: list[BroadcastInfo],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("missedBroadcasts")
        self.setWindowTitle(self.tr("Scheduled broadcasts were missed"))
        self.book: Book | None = book
        self.runner = runner
        self.rows: dict[int, tuple[QPushButton, QPushButton, QLabel]] = {}
        head = QLabel(self.tr("Otokui was closed when these broadcasts were to be sent. "
                              "They have not been sent. Send each now, or cancel it."), self)
        head.setWordWrap(True)
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setSpacing(10)
        for info in infos:
            column.addWidget(self._row(info, box))
        column.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(box)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        later = QPushButton(self.tr("Decide later"), self)
        later.setObjectName("decideLater")
        later.setToolTip(self.tr("They stay unsent; Otokui asks again when it next opens"))
        later.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(later)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self.resize(620, 420)
        runner.failed.connect(self._failed)

    def _row(self, info: BroadcastInfo, parent: QWidget) -> QWidget:
        frame = QFrame(parent)
        frame.setObjectName("missedRow")
        frame.setStyleSheet("QFrame#missedRow { border: 1px solid #E3E6EA; border-radius: 8px;"
                            " background: #FFFFFF; }")
        when = self.tr("Was to be sent %1 to %2").replace(
            "%1", format_datetime(info.scheduled_at)).replace(
            "%2", self.tr("%1 (%2)").replace("%1", audience_words(self.book, info.audience))
            .replace("%2", format_count(info.cost)))
        title = QLabel(when, frame)
        title.setWordWrap(True)
        title.setStyleSheet("font-weight: bold;")
        text = bubble_words(info)
        content = QLabel((f"【{info.name}】 " if info.name else "") +
                         (text if len(text) <= 120 else text[:119] + "…"), frame)
        content.setWordWrap(True)
        status = QLabel(frame)
        status.setObjectName("missedStatus")
        send = QPushButton(self.tr("Send now"), frame)
        send.setObjectName(f"sendMissed{info.id}")
        cancel = QPushButton(self.tr("Cancel it"), frame)
        cancel.setObjectName(f"cancelMissed{info.id}")
        send.clicked.connect(lambda: self.send(info.id))
        cancel.clicked.connect(lambda: self.cancel(info.id))
        self.rows[info.id] = (send, cancel, status)
        actions = QHBoxLayout()
        actions.addWidget(status, 1)
        actions.addWidget(cancel)
        actions.addWidget(send)
        inner = QVBoxLayout(frame)
        inner.addWidget(title)
        inner.addWidget(content)
        inner.addLayout(actions)
        return frame

    def _decided(self, broadcast_id: int, text: str) -> None:
        send, cancel, status = self.rows[broadcast_id]
        send.setEnabled(False)
        cancel.setEnabled(False)
        status.setText(text)

    def send(self, broadcast_id: int) -> None:
        if broadcast_id in self.rows and self.rows[broadcast_id][0].isEnabled():
            self._decided(broadcast_id, self.tr("Sending…"))
            self.runner.run(broadcast_id)

    def cancel(self, broadcast_id: int) -> None:
        if broadcast_id in self.rows and self.rows[broadcast_id][1].isEnabled():
            self._decided(broadcast_id, state_label("cancelled"))
            self.runner.cancel(broadcast_id)

    def _failed(self, broadcast_id: int, exc: BaseException) -> None:
        if broadcast_id in self.rows and isinstance(exc, OtokuiError):
            self.rows[broadcast_id][2].setText(owner_words(exc))


class BroadcastIntegration(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.book: Book | None = None
        self.runner: Runner | None = None
        self.composer: BroadcastComposer | None = None
        self.history: HistoryDialog | None = None
        self.missed_dialog: MissedDialog | None = None
        #: The composer's content when the book locked; it reopens with it after unlocking.
        self._kept: tuple[str, KeptDraft] | None = None  # (the book's id, the draft)
        self._events: BookEvents | None = None
        #: Missed broadcasts already offered since the book was opened (asked once each).
        self._offered: set[int] = set()
        self._closing = False
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(lambda: self.tick())

        def action(name: str, text: str, slot: Any, shortcut: str | None = None,
                   tip: str = "") -> QAction:
            act = QAction(text, window)
            act.setObjectName(name)
            if shortcut:
                act.setShortcut(QKeySequence(shortcut))
            if tip:
                act.setToolTip(tip)
                act.setStatusTip(tip)
            act.triggered.connect(lambda _c=False: slot())
            window.addAction(act)
            return act

        self.act_new = action("actNewBroadcast", self.tr("&New broadcast…"),
                              self.new_broadcast, "Ctrl+Shift+M",
                              self.tr("Send one message to many customers"))
        self.act_new.setIcon(icon("broadcast"))
        self.act_new.setIconText(self.tr("Broadcast"))
        self.act_history = action("actBroadcastHistory", self.tr("Broadcast &history…"),
                                  self.open_history, "Ctrl+Shift+H",
                                  self.tr("Past and scheduled broadcasts, with who got them"))
        self.act_history.setIcon(icon("history"))
        self.act_selected = action("actBroadcastSelected",
                                   self.tr("Broadcast to selected customers…"),
                                   self.broadcast_to_selected)
        self.act_selected.setIcon(icon("broadcast"))
        self.act_owner = action("actOwnLine", self.tr("This is my own LINE account"),
                                self.toggle_owner,
                                tip=self.tr("Test sends of broadcasts go to this customer"))
        self.act_owner.setCheckable(True)
        self.actions = [self.act_new, self.act_history, self.act_selected, self.act_owner]

        # The window's 配信 menu; and, in the Customers menu, what acts on the customers
        # selected in the table (sending to them, marking one as the owner's own LINE).
        menu = window.broadcast_menu
        menu.addAction(self.act_new)
        menu.addAction(self.act_selected)
        menu.addSeparator()
        menu.addAction(self.act_history)
        customers = window.menu_holding(window.act_new)
        if customers is not None:
            ours = [self.act_selected, self.act_owner]
            if window.act_fields in customers.actions():
                customers.insertSeparator(window.act_fields)
                customers.insertActions(window.act_fields, ours)
                customers.insertSeparator(window.act_fields)
            else:  # at the end
                customers.addSeparator()
                customers.addActions(ours)
                customers.addSeparator()
        toolbar = window.toolbar
        # Beside the tag buttons (what a broadcast is usually aimed at).
        actions = toolbar.actions()
        before = window.act_import if window.act_import in actions else None
        if before is not None and actions.index(before) > 0 and \
                actions[actions.index(before) - 1].isSeparator():
            before = actions[actions.index(before) - 1]
        if before is not None:
            toolbar.insertAction(before, self.act_new)
        else:
            toolbar.addAction(self.act_new)
        for act in self.actions:
            act.setEnabled(False)

    # --- building ----------------------------------------------------------------------------
    def build(self, book: Book, events: BookEvents) -> None:
        self.book = book
        self.runner = Runner(book, self)
        self.runner.finished.connect(self._run_finished)
        self.runner.failed.connect(self._run_failed)
        self._events = events
        events.changed.connect(self._book_changed)
        content = self.window.content
        if content is not None:
            sidebar = content.sidebar
            # The sidebar's "このセグメントに配信…" / "このタグに配信…" entries.
            sidebar.segment_broadcast_requested.connect(
                lambda sid: self.new_broadcast(SEGMENT, int(sid)))
            sidebar.tag_broadcast_requested.connect(
                lambda tid: self.new_broadcast(TAG, int(tid)))
        self.act_new.setEnabled(True)
        self.act_history.setEnabled(True)
        self.selection_changed(self.window.selected_ids())
        self._offered = set()
        self.timer.start()
        # After the window is on screen: the question comes on top of it.
        QTimer.singleShot(0, lambda: self.tick())
        if self._kept is not None:
            QTimer.singleShot(0, self._put_back)

    def _put_back(self) -> None:
        """The composer the lock closed, as it was (only into the same book)."""
        kept, self._kept = self._kept, None
        if kept is None or self.book is None or self.book.book_id != kept[0]:
            return
        composer = self.new_broadcast()
        if composer is not None:
            composer.put_back(kept[1])

    def teardown(self) -> None:
        self.timer.stop()
        kept = self.composer.keep() if self.composer is not None else None
        self._kept = None if kept is None or self.book is None else (self.book.book_id, kept)
        for dialog in (self.composer, self.history, self.missed_dialog):
            if dialog is not None:
                if hasattr(dialog, "release"):
                    dialog.release()
                dialog.close()
                dialog.deleteLater()
        self.composer = self.history = self.missed_dialog = None
        if self._events is not None:
            self._events.changed.disconnect(self._book_changed)
            self._events = None
        if self.runner is not None:
            self.runner.release()
            self.runner.deleteLater()
        self.runner = None
        self.book = None
        for act in self.actions:
            act.setEnabled(False)

    def hold_close(self) -> bool:
        """The window is asked to close while a broadcast is sending: it closes when the
        broadcast is done (closing the book under it would stop it half way; what a crash
        leaves is resumed, but a quit need not be one). True: the close waits."""
        runner = self.runner
        if runner is None or not runner.busy:
            return False
        self.window.statusBar().showMessage(self.tr(
            "Otokui closes as soon as the broadcast being sent is finished."), 0)
        if not self._closing:
            self._closing = True

            def maybe_close(*_args: Any) -> None:
                if self.runner is not None and not self.runner.busy:
                    QTimer.singleShot(0, self.window.close)

            runner.finished.connect(maybe_close)
            runner.failed.connect(maybe_close)
        return True

    @property
    def busy(self) -> bool:
        # Plans, test sends, exports: all use the book, so it stays open until they end.
        return (self.runner is not None and self.runner.busy) or any(
            d is not None and d.busy for d in (self.composer, self.history))

    # --- the window's selection --------------------------------------------------------------
    def selection_changed(self, ids: list[int]) -> None:
        book = self.book
        self.act_selected.setEnabled(book is not None and bool(ids))
        self.act_owner.setEnabled(book is not None and len(ids) == 1)
        owner = False
        if book is not None and len(ids) == 1:
            try:
                owner = bool(book.customers.get(ids[0]).is_owner)
            except OtokuiError:
                owner = False
        self.act_owner.setChecked(owner)

    def toggle_owner(self) -> None:
        book, ids = self.book, self.window.selected_ids()
        if book is None or len(ids) != 1:
            return
        try:
            book.customers.update(ids[0], is_owner=self.act_owner.isChecked())
        except OtokuiError as exc:
            from ui.errors import show_error

            show_error(self.window, exc)
        self.selection_changed(ids)

    def add_table_actions(self, menu: QMenu) -> None:
        """The customer table's context menu: broadcast to the selection, mark as mine."""
        menu.addAction(self.act_selected)
        menu.addAction(self.act_owner)

    # --- opening -----------------------------------------------------------------------------
    def new_broadcast(self, kind: str | None = None, ident: int | None = None) -> \
            BroadcastComposer | None:
        """The composer (one at a time: an open one is brought forward, keeping its text)."""
        book, runner = self.book, self.runner
        if book is None or runner is None:
            return None
        selected = self.window.selected_ids()
        composer = self.composer
        if composer is None or not composer.editable:
            if composer is not None:  # sent or scheduled: a fresh one
                composer.close()
                composer.deleteLater()
            composer = BroadcastComposer(book, runner, self.window, selected_ids=selected)
            composer.history_requested.connect(self.open_history)
            self.composer = composer
            if kind is None:
                # From the toolbar or the menu: to whom the owner is looking at (an open
                # draft keeps the recipients it has).
                kind, ident = self.view_recipients()
        if kind is not None:
            if kind == SELECTED:
                composer.set_selected(selected)
            composer.choose_recipients(kind, ident)
        self._bring_forward(composer)
        return composer

    def view_recipients(self) -> tuple[str | None, int | None]:
        """The recipients the window shows: the saved segment or the one tag chosen in
        the sidebar, else the customers selected in the table (two or more; one row is
        always selected while browsing), else None (the composer's default: everyone)."""
        content = self.window.content
        if content is not None:
            choice = content.sidebar.choice()
            if choice.segment_id is not None:
                return SEGMENT, int(choice.segment_id)
            if len(choice.tags_any) == 1:
                return TAG, int(choice.tags_any[0])
        if len(self.window.selected_ids()) > 1:
            return SELECTED, None
        return None, None

    def broadcast_to_selected(self) -> BroadcastComposer | None:
        if not self.window.selected_ids():
            return None
        return self.new_broadcast(SELECTED)

    def open_history(self, broadcast_id: int | None = None) -> HistoryDialog | None:
        book, runner = self.book, self.runner
        if book is None or runner is None or self.window.content is None:
            return None
        if self.history is None:
            self.history = HistoryDialog(book, runner, self.window,
                                         events=self.window.content.events)
            self.history.show_customer.connect(self.window.select_customer)
        if broadcast_id:
            self.history.select(broadcast_id)
        self._bring_forward(self.history)
        return self.history

    @staticmethod
    def _bring_forward(dialog: QDialog) -> None:
        """Show a dialog; one already open comes to the front (a new one is there)."""
        if dialog.isVisible():
            dialog.raise_()
            dialog.activateWindow()
        else:
            dialog.show()

    # --- scheduled ---------------------------------------------------------------------------
    def tick(self, now: dt.datetime | None = None) -> list[int]:
        """Send scheduled broadcasts whose time has come; offer missed ones. Returns the
        ids started."""
        book, runner = self.book, self.runner
        if book is None or runner is None or not book.line.is_paired():
            return []
        now = now or dt.datetime.now()
        try:
            due = book.broadcasts.due(now)
            missed = book.broadcasts.missed(now)
        except OtokuiError as exc:
            log.info("scheduled broadcasts not read (%s)", type(exc).__name__)
            return []
        started = [bid for bid in due if runner.run(bid) is not None]
        if started:
            log.info("%d scheduled broadcasts due: sending", len(started))
        if any(i not in self._offered for i in missed):
            self.offer_missed(missed)  # with those offered before and not yet decided
        return started

    def offer_missed(self, ids: list[int]) -> MissedDialog | None:
        book, runner = self.book, self.runner
        if book is None or runner is None:
            return None
        infos = []
        for bid in ids:
            try:
                info = book.broadcasts.get(bid)
            except OtokuiError:
                continue
            if info.state == SCHEDULED:
                infos.append(info)
        self._offered.update(ids)
        if not infos:
            return None
        if self.missed_dialog is not None:
            self.missed_dialog.close()
            self.missed_dialog.deleteLater()
        self.missed_dialog = MissedDialog(book, runner, infos, self.window)
        self.missed_dialog.show()
        return self.missed_dialog

    # --- news --------------------------------------------------------------------------------
    def _run_finished(self, _bid: int, report: Any) -> None:
        c = report.counts
        self.window.statusBar().showMessage(self.tr(
            "Broadcast: %1 — sent %2, failed %3, not sent %4").replace(
            "%1", state_label(report.state) if report.finished else self.tr("interrupted"))
            .replace("%2", f"{c.sent:,}").replace("%3", f"{c.failed:,}")
            .replace("%4", f"{c.not_sent:,}"), 10_000)

    def _run_failed(self, _bid: int, exc: BaseException) -> None:
        if isinstance(exc, OtokuiError):
            self.window.statusBar().showMessage(owner_words(exc), 10_000)
        else:
            from ui.errors import show_error

            show_error(self.window, exc)

    def _book_changed(self, kinds: set[str], _ids: dict[str, set[int] | None]) -> None:
        if kinds & {"customers"}:
            self.selection_changed(self.window.selected_ids())
