"""ツール → 受信できなかったイベント: what arrived from LINE's side but was not applied.

Lists the rows of :class:`app.sync.set_aside.SetAside` (failed events, items LINE did
not sign, items that do not open) with when they arrived, what they are, and what
happened; the selected row's explanation says what to do. *Try again* applies the
selected rows again (in the background: it may fetch profiles from LINE); *Dismiss*
forgets them. Items only counted (past the kept maximum) are one summary line.

Nothing from an event's content is shown: kinds, times and reasons only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.sync.apply import FAILED, UNREADABLE, UNVERIFIED, BatchReport, ms_to_naive_utc
from app.sync.set_aside import OVERFLOW_EXPLANATION, SetAside, SetAsideItem
from ui.errors import show_error, translate_text
from ui.formatting import format_datetime
from ui.worker import RunningOps, run_in_background

if TYPE_CHECKING:
    from app.book import Book


class SetAsideDialog(QDialog):
    def __init__(self, book: Book, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("setAsideDialog")
        self.book = book
        self.side = SetAside(book)
        self.ops = RunningOps()
        self.items: list[SetAsideItem] = []
        self.setWindowTitle(self.tr("Events not received"))
        self.resize(720, 460)

        intro = QLabel(self.tr(
            "These came through the relay but were not added to the customer book. "
            "Select one to see what happened and what to do."), self)
        intro.setWordWrap(True)

        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("setAsideTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Received"), self.tr("Kind"), self.tr("What happened")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)

        self.explanation = QLabel(self)
        self.explanation.setObjectName("setAsideExplanation")
        self.explanation.setWordWrap(True)
        self.explanation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.explanation.setMinimumHeight(64)
        self.explanation.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        self.overflow_label = QLabel(self)
        self.overflow_label.setObjectName("setAsideOverflow")
        self.overflow_label.setWordWrap(True)
        self.clear_overflow = QPushButton(self.tr("Clear this count"), self)
        self.clear_overflow.clicked.connect(self._clear_overflow)
        overflow_row = QHBoxLayout()
        overflow_row.addWidget(self.overflow_label, 1)
        overflow_row.addWidget(self.clear_overflow)

        self.empty_label = QLabel(self.tr("Every event from LINE was added to the book."), self)
        self.empty_label.setObjectName("setAsideEmpty")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.retry_button = buttons.addButton(self.tr("Try again"),
                                              QDialogButtonBox.ButtonRole.ActionRole)
        self.dismiss_button = buttons.addButton(self.tr("Dismiss"),
                                                QDialogButtonBox.ButtonRole.ActionRole)
        self.retry_button.setObjectName("setAsideRetry")
        self.dismiss_button.setObjectName("setAsideDismiss")
        self.retry_button.clicked.connect(self.retry_selected)
        self.dismiss_button.clicked.connect(self.dismiss_selected)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.explanation)
        layout.addLayout(overflow_row)
        layout.addWidget(buttons)
        self.reload()

    @property
    def busy(self) -> bool:
        return self.ops.busy

    # --- filling -------------------------------------------------------------------------

    def reload(self) -> None:
        self.items = self.side.items()
        self.table.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            when = item.received_ms or item.at_ms
            cells = [format_datetime(ms_to_naive_utc(when)) if when else "—",
                     self._kind(item), self._status(item)]
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, item.id)
                self.table.setItem(row, col, cell)
        self.table.setVisible(bool(self.items))
        self.empty_label.setVisible(not self.items)
        overflow = self.side.overflow()
        self.overflow_label.setText(
            translate_text(OVERFLOW_EXPLANATION).replace("%1", f"{overflow:,}")
            if overflow else "")
        self.overflow_label.setVisible(bool(overflow))
        self.clear_overflow.setVisible(bool(overflow))
        if self.items:
            self.table.selectRow(0)
        self._selection_changed()

    def _kind(self, item: SetAsideItem) -> str:
        names = {"message": self.tr("Message"), "follow": self.tr("Friend added"),
                 "unfollow": self.tr("Blocked", "an event: the customer blocked the shop"),
                 "unsend": self.tr("Message taken back"),
                 "messageEdited": self.tr("Message edited"), "postback": self.tr("Button"),
                 "delivery": self.tr("Delivery from LINE"), "?": self.tr("Unknown")}
        return names.get(item.kind, item.kind)

    def _status(self, item: SetAsideItem) -> str:
        if item.status == UNVERIFIED:
            return self.tr("Not signed by LINE: not applied")
        if item.status == UNREADABLE:
            return self.tr("Could not be opened")
        if item.status == FAILED:
            return self.tr("Could not be added")
        return item.status

    def selected(self) -> list[SetAsideItem]:
        rows = sorted({index.row() for index in self.table.selectedIndexes()})
        return [self.items[r] for r in rows if r < len(self.items)]

    def _selection_changed(self) -> None:
        chosen = self.selected()
        self.retry_button.setEnabled(any(i.retryable for i in chosen) and not self.busy)
        self.dismiss_button.setEnabled(bool(chosen) and not self.busy)
        self.explanation.setText(translate_text(chosen[0].explanation) if chosen else "")

    # --- acting --------------------------------------------------------------------------

    def retry_selected(self) -> None:
        ids = [i.id for i in self.selected() if i.retryable]
        if not ids:
            return
        self.retry_button.setEnabled(False)
        op = run_in_background(self, lambda _progress: self.side.retry(ids),
                               on_success=self._retried,
                               on_failure=self._retry_failed)
        self.ops.track(op)

    def _retried(self, report: BatchReport) -> None:
        self.reload()
        done = report.applied + report.kept + report.duplicates
        if report.failed or report.unverified:
            QMessageBox.information(self, self.windowTitle(), self.tr(
                "%1 added to the book; %2 still could not be.").replace(
                "%1", str(done)).replace("%2", str(report.failed + report.unverified)))

    def _retry_failed(self, exc: BaseException) -> None:
        self.reload()
        show_error(self, exc)

    def dismiss_selected(self) -> None:
        chosen = self.selected()
        if not chosen:
            return
        answer = QMessageBox.question(self, self.windowTitle(), self.tr(
            "Dismiss %1 item(s)? What they hold is deleted from this computer.").replace(
            "%1", str(len(chosen))))
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.side.dismiss([i.id for i in chosen])
        self.reload()

    def _clear_overflow(self) -> None:
        self.side.dismiss_overflow()
        self.reload()
