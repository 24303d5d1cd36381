"""The history of broadcasts: each one's state, counts, cost and content, and who got it.

Two models. :class:`BroadcastListModel` holds the broadcasts (a shop has hundreds at
most; one ``list()`` gives them all). :class:`RecipientResultsModel` can hold 100,000
recipients: it keeps only (customer id, result, reason) as the core returns them, shows
them a page at a time (``canFetchMore``/``fetchMore``) and reads the customers' names
only for the rows on screen, a page of ids at a time (``book.customers.rows``).
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.broadcast import BroadcastInfo, RecipientResult
from app.broadcast.model import CANCELLED, FINAL_STATES, READY, SCHEDULED, SENDING, STOPPED
from app.errors import OtokuiError
from ui.broadcast import confirm
from ui.broadcast.runner import Runner
from ui.broadcast.texts import (
    audience_words,
    bubble_words,
    cost_words,
    owner_words,
    reason_words,
    result_label,
    state_label,
)
from ui.formatting import format_count, format_datetime
from ui.worker import BackgroundOp, RunningOps, run_in_background

if TYPE_CHECKING:
    from app.book import Book
    from ui.book_events import BookEvents

log = logging.getLogger("otokui.ui.broadcast")
#: Columns of counts: right-aligned, with their headers.
NUMBER_COLUMNS = frozenset({"sent", "failed", "skipped", "not_sent", "cost"})

_Index = QModelIndex | QPersistentModelIndex
PAGE = 500
REFRESH_DELAY_MS = 300
NAME_PAGE = 200
STATE_COLOURS = {"done": "#137333", "sending": "#1967D2", "ready": "#1967D2",
                 "scheduled": "#B06000", "stopped": "#C5221F", "cancelled": "#5F6368"}


def _when(info: BroadcastInfo) -> dt.datetime:
    """The time the history shows: when it is (or was) to go, else when it was made."""
    return info.scheduled_at or info.started_at or info.created_at


class BroadcastListModel(QAbstractTableModel):
    COLUMNS = ("state", "when", "recipients", "sent", "failed", "skipped", "not_sent",
               "cost", "content")

    def __init__(self, book: Book, parent: Any = None) -> None:
        super().__init__(parent)
        self.book: Book | None = book
        self.infos: list[BroadcastInfo] = []
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self.infos = self.book.broadcasts.list() if self.book is not None else []
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.infos)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def info(self, row: int) -> BroadcastInfo | None:
        return self.infos[row] if 0 <= row < len(self.infos) else None

    def row_of(self, broadcast_id: int) -> int:
        return next((i for i, info in enumerate(self.infos) if info.id == broadcast_id), -1)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.COLUMNS):
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:  # over the numbers, on their side
            right = self.COLUMNS[section] in NUMBER_COLUMNS
            return int((Qt.AlignmentFlag.AlignRight if right else Qt.AlignmentFlag.AlignLeft)
                       | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return {
            "state": self.tr("State"), "when": self.tr("Date", "date and time, a column"),
            "recipients": self.tr("Recipients"), "sent": self.tr("Sent"),
            "failed": self.tr("Failed"), "skipped": self.tr("Skipped"),
            "not_sent": self.tr("Not sent"), "cost": self.tr("Cost"),
            "content": self.tr("Content"),
        }[self.COLUMNS[section]]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.infos) \
                or not 0 <= index.column() < len(self.COLUMNS):
            return None
        info = self.infos[index.row()]
        column = self.COLUMNS[index.column()]
        c = info.counts
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "state":
                return state_label(info.state)
            if column == "when":
                return format_datetime(_when(info))
            if column == "recipients":
                return self.tr("%1 (%2)").replace(
                    "%1", audience_words(self.book, info.audience)).replace(
                    "%2", f"{c.recipients:,}")
            if column == "content":
                name = f"【{info.name}】 " if info.name else ""
                return name + bubble_words(info)
            if column == "cost":
                return cost_words(info)
            value = {"sent": c.sent, "failed": c.failed, "skipped": c.skipped,
                     "not_sent": c.not_sent}[column]
            return f"{value:,}"
        if role == Qt.ItemDataRole.ToolTipRole and column == "cost":
            return self.tr("Messages it will use when sent") if info.planned else self.tr(
                "Messages of the month it used (one per customer it was sent to)")
        if role == Qt.ItemDataRole.ForegroundRole and column == "state":
            return QColor(STATE_COLOURS.get(info.state, "#3C4043"))
        if role == Qt.ItemDataRole.TextAlignmentRole and column in NUMBER_COLUMNS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return info.id
        return None


class RecipientResultsModel(QAbstractTableModel):
    """Per-recipient results of one broadcast, shown a page at a time."""

    COLUMNS = ("customer", "result", "reason")

    def __init__(self, book: Book, parent: Any = None) -> None:
        super().__init__(parent)
        self.book: Book | None = book
        self.results: list[RecipientResult] = []
        self.shown = 0
        self._names: dict[int, str] = {}

    def set_results(self, results: list[RecipientResult]) -> None:
        self.beginResetModel()
        self.results = list(results)
        self.shown = min(PAGE, len(self.results))
        self._names = {}
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.shown

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def canFetchMore(self, parent: _Index) -> bool:
        return not parent.isValid() and self.shown < len(self.results)

    def fetchMore(self, parent: _Index) -> None:
        if parent.isValid():
            return
        more = min(PAGE, len(self.results) - self.shown)
        if more <= 0:
            return
        self.beginInsertRows(QModelIndex(), self.shown, self.shown + more - 1)
        self.shown += more
        self.endInsertRows()

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.COLUMNS):
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return {"customer": self.tr("Customer"), "result": self.tr("Result"),
                "reason": self.tr("Reason")}[self.COLUMNS[section]]

    def name(self, row: int) -> str:
        cid = self.results[row].customer_id
        if cid not in self._names:
            self._load_names(row)
        return self._names.get(cid, "")

    def _load_names(self, row: int) -> None:
        start = row - row % NAME_PAGE
        ids = [r.customer_id for r in self.results[start:start + NAME_PAGE]]
        rows = self.book.customers.rows(ids) if self.book is not None else {}
        for cid in ids:
            r = rows.get(cid)
            # A customer deleted since: only their number is left.
            self._names[cid] = (r.name or r.display_name) if r is not None else \
                self.tr("(deleted) #%1").replace("%1", str(cid))

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self.shown \
                or not 0 <= index.column() < len(self.COLUMNS):
            return None
        result = self.results[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "customer":
                return self.name(index.row())
            if column == "result":
                return result_label(result.state)
            return reason_words(result.reason)
        if role == Qt.ItemDataRole.ForegroundRole and column == "result":
            return QColor({"sent": "#137333", "failed": "#C5221F", "not_sent": "#B06000"}
                          .get(result.state, "#5F6368"))
        if role == Qt.ItemDataRole.UserRole:
            return result.customer_id
        return None


class HistoryDialog(QDialog):
    """``show_customer(id)`` when a recipient is double-clicked."""

    show_customer = Signal(int)
    results_loaded = Signal(int)

    def __init__(self, book: Book, runner: Runner | None = None, parent: QWidget | None = None,
                 *, events: BookEvents | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("broadcastHistory")
        self.setWindowTitle(self.tr("Broadcast history"))
        self.book: Book | None = book
        self.runner = runner if runner is not None else Runner(book, self)
        self._events = events
        self._ops = RunningOps()
        self._results_gen = 0
        self.results_for: int | None = None

        self.model = BroadcastListModel(book, self)
        self.table = QTableView(self)
        self.table.setObjectName("broadcastTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        # At least as wide as the header's words (スキップ, 未送信 need more than 60 px).
        for col, width in enumerate((110, 150, 200, 60, 60, 60, 70, 60)):
            self.table.setColumnWidth(col, max(width, header.sectionSizeHint(col)))
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._chosen())

        self.details = QLabel(self)
        self.details.setObjectName("broadcastDetails")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.content = QPlainTextEdit(self)
        self.content.setObjectName("broadcastContent")
        self.content.setReadOnly(True)
        self.content.setMaximumHeight(110)
        self.filter = QComboBox(self)
        self.filter.setObjectName("resultFilter")
        for label, state in ((self.tr("Everyone"), None), (self.tr("Sent"), "sent"),
                             (self.tr("Failed"), "failed"), (self.tr("Skipped"), "skipped"),
                             (self.tr("Not sent"), "not_sent"), (self.tr("Waiting"), "pending")):
            self.filter.addItem(label, state)
        self.filter.currentIndexChanged.connect(lambda _i: self.load_results())
        self.results = RecipientResultsModel(book, self)
        self.result_table = QTableView(self)
        self.result_table.setObjectName("recipientTable")
        self.result_table.setModel(self.results)
        self.result_table.verticalHeader().setVisible(False)
        self.result_table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.result_table.verticalHeader().setDefaultSectionSize(26)
        self.result_table.setShowGrid(False)
        self.result_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.result_table.horizontalHeader().setStretchLastSection(True)
        result_header = self.result_table.horizontalHeader()
        for col, width in enumerate((200, 90)):
            self.result_table.setColumnWidth(col, max(width, result_header.sectionSizeHint(col)))
        self.result_table.doubleClicked.connect(self._recipient_opened)
        self.result_count = QLabel(self)
        self.result_count.setObjectName("resultCount")
        self.error = QLabel(self)
        self.error.setObjectName("historyError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #C5221F;")
        self.error.hide()

        self.export_button = QPushButton(self.tr("Export CSV…"), self)
        self.export_button.setObjectName("exportResults")
        self.export_button.clicked.connect(self.export)
        self.cancel_button = QPushButton(self.tr("Cancel this broadcast"), self)
        self.cancel_button.setObjectName("cancelBroadcast")
        self.cancel_button.clicked.connect(self.cancel_broadcast)
        self.resume_button = QPushButton(self.tr("Send the rest now"), self)
        self.resume_button.setObjectName("resumeBroadcast")
        self.resume_button.setToolTip(self.tr(
            "Sending was interrupted: send it to those who have not had it yet"))
        self.resume_button.clicked.connect(self.resume_broadcast)
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.close)

        lower = QWidget(self)
        ll = QVBoxLayout(lower)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.details)
        ll.addWidget(self.content)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Recipients:"), lower))
        row.addWidget(self.filter)
        row.addWidget(self.result_count)
        row.addStretch(1)
        row.addWidget(self.export_button)
        ll.addLayout(row)
        ll.addWidget(self.result_table, 1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.resume_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.resize(980, 720)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self.runner.finished.connect(lambda _b, _r: self.refresh())
        self.runner.failed.connect(self._runner_failed)
        if events is not None:
            events.changed.connect(self._book_changed)
        if self.model.rowCount():
            self.table.selectRow(0)
        self._chosen()

    # --- choosing ----------------------------------------------------------------------------
    def current_id(self) -> int | None:
        info = self.model.info(self.table.currentIndex().row())
        return info.id if info is not None else None

    def select(self, broadcast_id: int) -> bool:
        row = self.model.row_of(broadcast_id)
        if row >= 0:
            self.table.selectRow(row)
        return row >= 0

    def _chosen(self) -> None:
        self._show_details()
        self.load_results()

    def _show_details(self) -> None:
        info = self.model.info(self.table.currentIndex().row())
        has = info is not None
        for w in (self.export_button, self.filter):
            w.setEnabled(has)
        if info is None:
            self.details.setText(self.tr("No broadcasts yet.") if not self.model.rowCount()
                                 else "")
            self.content.clear()
            self.cancel_button.setEnabled(False)
            self.resume_button.hide()
            return
        c = info.counts
        lines = [
            f"{state_label(info.state)} — {audience_words(self.book, info.audience)}",
            self.tr("Created %1").replace("%1", format_datetime(info.created_at)),
        ]
        if info.scheduled_at is not None:
            lines.append(self.tr("Scheduled for %1").replace(
                "%1", format_datetime(info.scheduled_at)))
        if info.finished_at is not None:
            ended = {CANCELLED: self.tr("Cancelled %1"), STOPPED: self.tr("Stopped %1")}.get(
                info.state, self.tr("Finished %1"))
            lines.append(ended.replace("%1", format_datetime(info.finished_at)))
        counts = self.tr("Recipients %1 · sent %2 · failed %3 · skipped %4 · not sent %5") \
            .replace("%1", f"{c.recipients:,}").replace("%2", f"{c.sent:,}") \
            .replace("%3", f"{c.failed:,}").replace("%4", f"{c.skipped:,}") \
            .replace("%5", f"{c.not_sent:,}")
        # Before sending, what it will cost; afterwards, what it used (a cancelled one
        # that sent nothing used nothing).
        if info.planned:
            cost = self.tr("will use %1 messages").replace("%1", f"{info.cost:,}")
        else:
            cost = self.tr("used %1 messages").replace("%1", f"{info.used:,}")
        lines.append(f"{counts} · {cost}")
        self.details.setText("\n".join([lines[0], "  ".join(lines[1:-1]), lines[-1]]))
        name = f"【{info.name}】\n" if info.name else ""
        self.content.setPlainText(name + bubble_words(info, "\n――――\n", one_line=False))
        self.cancel_button.setEnabled(info.state in (SCHEDULED, READY, SENDING))
        running = self.runner.is_running(info.id)
        self.resume_button.setVisible(info.state in (READY, SENDING) and not running)

    def load_results(self) -> BackgroundOp | None:
        """Per-recipient results of the chosen broadcast, read in the background."""
        book, bid = self.book, self.current_id()
        self._results_gen += 1
        gen = self._results_gen
        if book is None or bid is None:
            self.results.set_results([])
            self.result_count.clear()
            return None
        state = self.filter.currentData()

        def done(results: list[RecipientResult]) -> None:
            if gen != self._results_gen:
                return
            self.results_for = bid
            self.results.set_results(results)
            self.result_count.setText(format_count(len(results)))
            self.results_loaded.emit(bid)

        return self._track(run_in_background(
            self, lambda _p: book.broadcasts.results(bid, state=state), on_success=done,
            on_failure=self._failed))

    # --- actions -----------------------------------------------------------------------------
    def export(self) -> None:
        bid = self.current_id()
        if bid is None:
            return
        stamp = dt.date.today().isoformat()
        path, _f = QFileDialog.getSaveFileName(
            self, self.tr("Export the results"),
            str(Path.home() / f"otokui-broadcast-{bid}-{stamp}.csv"),
            self.tr("CSV files (*.csv)"))
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> BackgroundOp | None:
        book, bid = self.book, self.current_id()
        if book is None or bid is None:
            return None
        self._say_error("")

        def done(rows: int) -> None:
            self.result_count.setText(self.tr("%1 rows saved to %2").replace(
                "%1", f"{int(rows):,}").replace("%2", path.name))

        return self._track(run_in_background(
            # The words the history shows, in the owner's language, not the codes.
            self, lambda _p: book.broadcasts.export_csv(
                bid, path, result_words=result_label, reason_words=reason_words),
            on_success=done,
            on_failure=self._failed))

    def cancel_broadcast(self) -> None:
        bid = self.current_id()
        info = self.model.info(self.table.currentIndex().row())
        if bid is None or info is None or info.state in FINAL_STATES:
            return
        if info.state == SCHEDULED:
            question = self.tr("Cancel this scheduled broadcast?")
            detail = self.tr("It will not be sent at %1, and this cannot be undone.").replace(
                "%1", format_datetime(info.scheduled_at)) if info.scheduled_at else ""
        else:
            question = self.tr("Stop this broadcast?")
            detail = self.tr("Customers who have not received it yet will not get it, and "
                             "this cannot be undone.")
        if not confirm.ask(self, self.tr("Cancel the broadcast"), question,
                           self.tr("Cancel it"), self.tr("Keep it"), detail):
            return
        self._say_error("")
        self.cancel_button.setEnabled(False)
        self.runner.cancel(bid)

    def resume_broadcast(self) -> None:
        bid = self.current_id()
        if bid is not None:
            self._say_error("")
            self.resume_button.hide()
            self.runner.run(bid)

    def _recipient_opened(self, index: QModelIndex) -> None:
        cid = self.results.data(index, Qt.ItemDataRole.UserRole)
        if cid is not None:
            self.show_customer.emit(int(cid))

    # --- keeping up --------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the list again, keeping the chosen broadcast."""
        if self.book is None:
            return
        keep = self.current_id()
        self.model.reload()
        row = self.model.row_of(keep) if keep is not None else -1
        if row < 0 and self.model.rowCount():
            row = 0
        if row >= 0:
            self.table.selectionModel().blockSignals(True)
            self.table.selectRow(row)
            self.table.selectionModel().blockSignals(False)
        self._show_details()
        self.load_results()

    def _book_changed(self, kinds: set[str], _ids: dict[str, set[int] | None]) -> None:
        if "broadcasts" in kinds or "customers" in kinds:
            # A broadcast being sent announces every wave: one refresh per burst.
            self._refresh_timer.start()

    def _runner_failed(self, _bid: int, exc: BaseException) -> None:
        self._failed(exc)
        self.refresh()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, OtokuiError):
            self._say_error(owner_words(exc))
        else:
            from ui.errors import show_error

            show_error(self, exc)

    def _say_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def _track(self, op: BackgroundOp) -> BackgroundOp:
        return self._ops.track(op)

    @property
    def busy(self) -> bool:
        return self._ops.busy

    def release(self) -> None:
        self._refresh_timer.stop()
        if self._events is not None:
            self._events.changed.disconnect(self._book_changed)
            self._events = None
        self.book = None
        self.model.book = None
        self.results.book = None
