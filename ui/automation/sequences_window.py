"""The ステップ配信 window (配信 → ステップ配信…): the sequences, the timeline of the chosen
one's steps, each friend's progress; start it for the customers selected in the main
window or for everyone with a tag, stop it for the friends selected here.

Sending is not done here: the app's timer (ui/automation/integration.py) runs
``book.sequences.run_due`` in the background, which sends each due step once, in order
(app/sequences: the exactly-once engine). "Send due steps now" runs the same at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.automation.birthday import BirthdayDialog
from ui.automation.sequence_models import ProgressModel, SequencesModel

if TYPE_CHECKING:
    from app.book import Book


def _title(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


class SequencesWindow(QWidget):
    #: The owner asked to send the due steps now (the integration runs it in the background).
    send_now = Signal()

    def __init__(self, book: Book, parent: QWidget | None = None, *,
                 selected_customers: Callable[[], list[int]] = list) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("sequencesWindow")
        self.setWindowTitle(self.tr("Step sequences"))
        self.resize(1100, 700)
        self.book = book
        self.selected_customers = selected_customers
        self.sequence_id: int | None = None

        self.model = SequencesModel(self)
        self.list = QTableView(self)
        self.list.setObjectName("sequencesList")
        self.list.setModel(self.model)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.verticalHeader().hide()
        self.list.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.list.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.list.selectionModel().currentRowChanged.connect(
            lambda cur, _p: self._pick(cur.row()))
        self.steps = QListWidget(self)
        self.steps.setObjectName("sequenceSteps")
        self.steps.setWordWrap(True)
        self.progress_model = ProgressModel(self)
        self.progress = QTableView(self)
        self.progress.setObjectName("sequenceProgress")
        self.progress.setModel(self.progress_model)
        self.progress.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.progress.verticalHeader().hide()
        self.progress.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.progress.horizontalHeader().setStretchLastSection(True)

        self.start_selected = QPushButton(self.tr("Start for the selected customers"), self)
        self.start_selected.setObjectName("sequenceStartSelected")
        self.start_selected.clicked.connect(lambda: self.start_for_selection())
        self.tag = QComboBox(self)
        self.tag.setObjectName("sequenceTag")
        self.start_tag = QPushButton(self.tr("Start for everyone with this tag"), self)
        self.start_tag.setObjectName("sequenceStartTag")
        self.start_tag.clicked.connect(lambda: self.start_for_tag())
        self.stop_button = QPushButton(self.tr("Stop for the selected friends"), self)
        self.stop_button.setObjectName("sequenceStop")
        self.stop_button.clicked.connect(lambda: self.stop_selected())
        self.send_button = QPushButton(self.tr("Send due steps now"), self)
        self.send_button.setObjectName("sequenceSendNow")
        self.send_button.setToolTip(self.tr(
            "Otokui sends due steps by itself every minute while it is open; each friend "
            "gets each step once, in order."))
        self.send_button.clicked.connect(self.send_now)
        self.birthday_button = QPushButton(self.tr("Birthday messages…"), self)
        self.birthday_button.setObjectName("sequenceBirthday")
        self.birthday_button.setToolTip(self.tr(
            "A message with a coupon on each friend's birthday (or days before), at a time"))
        self.birthday_button.clicked.connect(lambda: self.open_birthday())
        self.status = QLabel(self)
        self.status.setObjectName("sequenceStatus")
        self.status.setWordWrap(True)

        left = QWidget(self)
        lbox = QVBoxLayout(left)
        lbox.setContentsMargins(0, 0, 0, 0)
        lbox.addWidget(self.list, 1)
        lbox.addWidget(_title(self.tr("Steps"), left))
        lbox.addWidget(self.steps, 1)
        lbox.addWidget(self.birthday_button)
        right = QWidget(self)
        rbox = QVBoxLayout(right)
        rbox.setContentsMargins(0, 0, 0, 0)
        rbox.addWidget(_title(self.tr("Friends on this sequence"), right))
        rbox.addWidget(self.progress, 1)
        row = QHBoxLayout()
        row.addWidget(self.start_selected)
        row.addWidget(self.tag, 1)
        row.addWidget(self.start_tag)
        rbox.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(self.stop_button)
        row.addStretch(1)
        row.addWidget(self.send_button)
        rbox.addLayout(row)
        rbox.addWidget(self.status)
        split = QSplitter(self)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([430, 670])
        QVBoxLayout(self).addWidget(split)
        self.reload()

    def reload(self) -> None:
        keep = self.sequence_id
        self.model.set_sequences(self.book.sequences.list())
        current = self.tag.currentData()
        self.tag.clear()
        for t in self.book.tags.list():
            self.tag.addItem(t.name, t.id)
        if current is not None and (i := self.tag.findData(current)) >= 0:
            self.tag.setCurrentIndex(i)
        row = self.model.row_of(keep) if keep is not None else (
            0 if self.model.rowCount() else -1)
        if row >= 0:
            self.list.selectRow(row)
            self._pick(row)
        else:
            self.sequence_id = None
            self.steps.clear()
            self.progress_model.set_progress([], 0)
        self._enable()

    def book_changed(self, kinds: set[str]) -> None:
        if kinds & {"sequences", "tags", "customers"}:
            self.reload()

    def _enable(self) -> None:
        has = self.sequence_id is not None
        for b in (self.start_selected, self.start_tag, self.stop_button):
            b.setEnabled(has)

    def _pick(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        info = self.model.sequence(row)
        self.sequence_id = info.id
        self.steps.clear()
        for i, step in enumerate(info.steps, 1):
            text = " / ".join(step.texts).replace("\n", " ")
            self.steps.addItem(f"{i}. {step.describe()} — {text}")
        self.progress_model.set_progress(self.book.sequences.progress(info.id),
                                         len(info.steps))
        self._enable()

    def select_sequence(self, sequence_id: int) -> None:
        row = self.model.row_of(sequence_id)
        if row >= 0:
            self.list.selectRow(row)
            self._pick(row)

    # --- starting and stopping --------------------------------------------------------------
    def _started(self, n: int, of: int) -> None:
        self.status.setText(self.tr(
            "Started %1 of %2 (the others are running it already, are not LINE friends, or "
            "blocked the shop).").replace("%1", f"{n:,}").replace("%2", f"{of:,}"))
        self.reload()

    def start_for_selection(self) -> int:
        ids = self.selected_customers()
        if self.sequence_id is None or not ids:
            self.status.setText(self.tr(
                "Select customers in the customer list first."))
            return 0
        n = self.book.sequences.start(self.sequence_id, ids, cause="owner")
        self._started(n, len(ids))
        return n

    def start_for_tag(self) -> int:
        tag_id = self.tag.currentData()
        if self.sequence_id is None or tag_id is None:
            return 0
        ids = self.book.sequences.tagged(int(tag_id))
        n = self.book.sequences.start(self.sequence_id, ids, cause="owner")
        self._started(n, len(ids))
        return n

    def stop_selected(self) -> int:
        rows = sorted({i.row() for i in self.progress.selectionModel().selectedRows()})
        if self.sequence_id is None or not rows:
            self.status.setText(self.tr("Select friends in the list above first."))
            return 0
        ids = [self.progress_model.customer_id(r) for r in rows]
        n = self.book.sequences.stop(self.sequence_id, ids, cause="owner")
        self.status.setText(self.tr("Stopped for %1.").replace("%1", f"{n:,}"))
        self.reload()
        return n

    def open_birthday(self) -> BirthdayDialog:
        """The birthday setting (window-modal); the list shows its sequence once saved."""
        dialog = BirthdayDialog(self.book, self)
        dialog.accepted.connect(self.reload)
        dialog.open()
        return dialog

    def show_report(self, text: str) -> None:
        self.status.setText(text)
