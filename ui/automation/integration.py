"""Automation in the main window: ツール → ルール… opens the rules window
(ui/automation/window.py), 配信 → ステップ配信… the sequences window
(ui/automation/sequences_window.py), both kept up to date with the book while open.

While a book is open, a timer runs the date rules due (app/automation/dates.py) and, when
LINE is connected, ``book.sequences.run_due`` in the background every minute
(ui/worker.py): the due steps (and birthday messages) go out once each, in order, through
the exactly-once engine of app/sequences. A lock waits for a
run in progress (``busy``); what a kill leaves is resumed by the next run.

A menu entry, never a toolbar button (the toolbar is full at 1280 px in Japanese). The
window calls :meth:`AutomationIntegration.build` at the end of ``_build_content`` and
:meth:`AutomationIntegration.teardown` at the start of ``_teardown_content``; a lock closes
the rules window (what the editor held unsaved is not kept: a rule is small).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Final

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction

from app.sequences import RunReport
from ui.automation.notices import RuleNotices
from ui.automation.sequences_window import SequencesWindow
from ui.automation.window import RulesWindow
from ui.worker import BackgroundOp, run_in_background

if TYPE_CHECKING:
    from app.book import Book
    from ui.book_events import BookEvents
    from ui.main_window import MainWindow

log = logging.getLogger("otokui.ui.automation")
#: How often the due steps are sent while the app is open.
TICK_MS: Final = 60_000
#: How long after the owner's edits the rules act on them (edits come in bursts).
RULES_DELAY_MS: Final = 300


def _date_rules(book: Book, now: Any, *, send: bool) -> None:
    """The date rules due at ``now`` (app/automation/dates.py), then what they emitted."""
    from app.automation.dates import scan_due
    from app.automation.engine import run_pending
    from app.autopilot.client import publish_if_needed

    scan_due(book, now)
    try:  # a rule changed while the autopilot is on (off the window's thread, here)
        publish_if_needed(book)
    except Exception:  # logged; marked, tried again at the next tick
        log.warning("the instant replies could not be published to the relay",
                    exc_info=True)
    run_pending(book, send=send)


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
        self.sequences_window: SequencesWindow | None = None
        seq = QAction(self.tr("&Step sequences…"), window)
        seq.setObjectName("actSequences")
        tip = self.tr("Messages sent to each friend at set times after they start "
                      "(ステップ配信), and who is where")
        seq.setToolTip(tip)
        seq.setStatusTip(tip)
        seq.triggered.connect(lambda _c=False: self.open_sequences())
        seq.setEnabled(False)
        window.addAction(seq)
        self.act_sequences = seq
        window.broadcast_menu.addSeparator()
        window.broadcast_menu.addAction(seq)
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(lambda: self.run_due())
        self._op: BackgroundOp | None = None
        self.last_report: RunReport | None = None
        # The owner's own edits (a tag added by hand …) emit events: the rules act on them
        # a moment later, in the background; their messages are sent there too when LINE
        # is connected (else stored: the next sync batch sends what rules stored).
        self.rules_timer = QTimer(self)
        self.rules_timer.setSingleShot(True)
        self.rules_timer.setInterval(RULES_DELAY_MS)
        self.rules_timer.timeout.connect(lambda: self.run_rules())
        self._rules_op: BackgroundOp | None = None
        self._rules_again = False
        # The notify action's notices: a bar over the window (ui/automation/notices.py).
        self.notices = RuleNotices(window)

    def build(self, book: Book, events: BookEvents) -> None:
        self.book = book
        self._events = events
        events.changed.connect(self._book_changed)
        self.act_rules.setEnabled(True)
        self.act_sequences.setEnabled(True)
        self.timer.start()
        QTimer.singleShot(0, lambda: self.run_due())  # what came due while it was closed
        self.notices.build(book, events)

    def teardown(self) -> None:
        self.notices.teardown()
        self.timer.stop()
        self.rules_timer.stop()
        if self.sequences_window is not None:
            self.sequences_window.hide()
            self.sequences_window.deleteLater()
            self.sequences_window = None
        if self._events is not None:
            self._events.changed.disconnect(self._book_changed)
            self._events = None
        if self.rules_window is not None:
            self.rules_window.hide()
            self.rules_window.deleteLater()
            self.rules_window = None
        self.book = None
        self.act_rules.setEnabled(False)
        self.act_sequences.setEnabled(False)

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

    def open_sequences(self) -> SequencesWindow | None:
        if self.book is None:
            return None
        if self.sequences_window is None:
            self.sequences_window = SequencesWindow(
                self.book, self.window, selected_customers=self.window.selected_ids)
            self.sequences_window.send_now.connect(lambda: self.run_due(by_hand=True))
        self.sequences_window.show()
        self.sequences_window.raise_()
        self.sequences_window.activateWindow()
        return self.sequences_window

    def run_due(self, *, by_hand: bool = False) -> BackgroundOp | None:
        """Send the due steps in the background (once at a time); None when there is
        nothing to do (no book, LINE not connected, a run already going)."""
        book = self.book
        if book is None or (self._op is not None and self._op.running):
            return None
        seqs = book.sequences
        connected = book.line.has_access_token()
        if not connected:
            if by_hand and self.sequences_window is not None:
                self.sequences_window.show_report(self.tr(
                    "Connect LINE first (Settings → LINE): steps are sent from there."))
            # Date rules still tag and set fields (their messages wait for LINE).
            from app.automation.service import RuleService

            if RuleService(book).any_enabled():
                self._op = run_in_background(
                    self.window, lambda _p: _date_rules(book, seqs.clock(), send=False),
                    on_failure=self._failed)
            return None

        def work(_progress: Any) -> RunReport:
            now = seqs.clock()
            _date_rules(book, now, send=True)
            return seqs.run_due(now)

        self._op = run_in_background(self.window, work, on_success=self._ran,
                                     on_failure=self._failed)
        return self._op

    def _ran(self, report: RunReport) -> None:
        self.last_report = report
        if self.sequences_window is not None:
            text = self.tr("Sent %1, failed %2, stopped %3, finished %4.").replace(
                "%1", f"{report.sent:,}").replace("%2", f"{report.failed:,}").replace(
                "%3", f"{report.stopped:,}").replace("%4", f"{report.finished:,}")
            if report.interrupted:
                text += " " + self.tr(
                    "LINE could not take more now; the rest is sent at the next run.")
            self.sequences_window.show_report(text)

    def run_rules(self) -> BackgroundOp | None:
        """The rules on the pending events, in the background (sending what they store when
        LINE is connected); None when no rule is on (the sync marks the events handled)."""
        book = self.book
        if book is None:
            return None
        if self._rules_op is not None and self._rules_op.running:
            self._rules_again = True  # edits made while it ran: once more after it
            return None
        from app.automation.engine import run_pending
        from app.automation.service import RuleService

        if not RuleService(book).any_enabled():
            return None

        def done(_report: Any) -> None:
            if self._rules_again:
                self._rules_again = False
                self.rules_timer.start()

        send = book.line.has_access_token()
        self._rules_op = run_in_background(
            self.window, lambda _p: run_pending(book, send=send), on_success=done,
            on_failure=lambda e: log.warning("rules after an edit failed (%s)",
                                             type(e).__name__))
        return self._rules_op

    def _failed(self, exc: BaseException) -> None:
        # The next tick tries again with the same retry keys; nothing is sent twice.
        log.warning("sequence run failed (%s)", type(exc).__name__)

    def _selected_customer(self) -> int | None:
        ids = self.window.selected_ids()
        return ids[0] if len(ids) == 1 else None

    def _book_changed(self, kinds: set[str], _ids: dict[str, set[int] | None]) -> None:
        if kinds & {"customers", "tags", "fields"}:
            self.rules_timer.start()
        if self.rules_window is not None and self.rules_window.isVisible():
            self.rules_window.book_changed(kinds)
        if self.sequences_window is not None and self.sequences_window.isVisible():
            self.sequences_window.book_changed(kinds)

    @property
    def busy(self) -> bool:
        return any(op is not None and op.running for op in (self._op, self._rules_op))
