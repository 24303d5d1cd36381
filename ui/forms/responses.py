"""One form's answers: a table (time, customer or 「未照合」, status, version), the chosen
answer in full (read against the version it was given under), the owner's choice for a
public answer that matched several customers, and the Excel-ready CSV export."""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.errors import OtokuiError
from app.forms.apply import NOTE_TEXTS, assign_pending
from app.forms.service import AnswerInfo
from relay.forms.schema import FormDefinition, Item
from ui.formatting import format_datetime, format_number
from ui.forms.models import AnswersModel
from ui.forms.texts import status_label
from ui.worker import BackgroundOp, RunningOps, run_in_background

if TYPE_CHECKING:
    from app.book import Book

log = logging.getLogger("otokui.ui.forms")


def value_text(item: Item, value: Any) -> str:
    """An answer's clean value as the owner reads it."""
    if value is None:
        return ""
    if item.type == "name" and isinstance(value, dict):
        name, kana = value.get("name", ""), value.get("furigana", "")
        return f"{name}（{kana}）" if kana else str(name)
    if item.type == "address" and isinstance(value, dict):
        postal = value.get("postal_code", "")
        return (f"〒{postal} " if postal else "") + str(value.get("address", ""))
    if item.type == "consent":
        return QCoreApplication.translate("FormResponses", "Agreed") if value else ""
    if item.type == "file" and isinstance(value, list):
        return "、".join(str(f.get("name", "")) if isinstance(f, dict) else str(f)
                        for f in value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class ResponsesView(QWidget):
    """The answers of one form. ``assigned`` carries the answer id once given to a customer."""

    assigned = Signal(str)
    exported = Signal(int)

    def __init__(self, book: Book, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("formResponses")
        self.book: Book | None = book
        self.form_pk: int | None = None
        self.ops = RunningOps()
        self._definitions: dict[int, FormDefinition | None] = {}
        self.summary = QLabel(self)
        self.summary.setObjectName("responsesSummary")
        self.export_button = QPushButton(self.tr("Export to CSV…"), self)
        self.export_button.setObjectName("exportAnswers")
        self.export_button.setToolTip(self.tr("A file Excel opens, one row per answer"))
        self.export_button.clicked.connect(self.export_csv)
        head = QHBoxLayout()
        head.addWidget(self.summary, 1)
        head.addWidget(self.export_button)

        self.model = AnswersModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("answersTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_current())

        self.detail = QTextBrowser(self)
        self.detail.setObjectName("answerDetail")
        self.detail.setOpenLinks(False)
        # The owner's decision for a public answer that matched several customers.
        self.pending_box = QFrame(self)
        self.pending_box.setObjectName("pendingBox")
        self.pending_box.setStyleSheet("QFrame#pendingBox { background: #FFF4E5; "
                                       "border: 1px solid #F2C48D; border-radius: 6px; }")
        pending_text = QLabel(self.tr("This answer's phone or e-mail matches several "
                                      "customers. Choose whose answer it is; Otokui "
                                      "never guesses."), self.pending_box)
        pending_text.setWordWrap(True)
        self.candidates = QComboBox(self.pending_box)
        self.candidates.setObjectName("pendingCandidates")
        self.assign_button = QPushButton(self.tr("Give it to this customer"),
                                         self.pending_box)
        self.assign_button.setObjectName("assignAnswer")
        self.assign_button.clicked.connect(self.assign_current)
        pending_row = QHBoxLayout()
        pending_row.addWidget(self.candidates, 1)
        pending_row.addWidget(self.assign_button)
        pending_column = QVBoxLayout(self.pending_box)
        pending_column.addWidget(pending_text)
        pending_column.addLayout(pending_row)
        self.pending_box.hide()
        right = QWidget(self)
        right_column = QVBoxLayout(right)
        right_column.setContentsMargins(0, 0, 0, 0)
        right_column.addWidget(self.pending_box)
        right_column.addWidget(self.detail, 1)

        splitter = QSplitter(self)
        splitter.addWidget(self.table)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        self.status = QLabel(self)
        self.status.setObjectName("responsesStatus")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)

    # --- loading ------------------------------------------------------------------------------
    def load(self, form_pk: int | None) -> None:
        """Show form ``form_pk``'s answers (keeps the chosen answer when it is still there)."""
        keep = self.current_answer()
        self.form_pk = form_pk
        self._definitions.clear()
        if self.book is None or form_pk is None:
            self.model.set_answers([], {})
            self.summary.setText("")
            self.export_button.setEnabled(False)
            self._show_current()
            return
        answers = self.book.forms.answers(form_pk)
        ids = {a.customer_id for a in answers if a.customer_id is not None}
        ids |= {c for a in answers for c in a.candidates}
        self.model.set_answers(answers, self._names(ids))
        pending = sum(1 for a in answers if a.status == "pending")
        text = self.tr("%1 answers").replace("%1", format_number(len(answers)))
        if pending:
            text += "  " + self.tr("(%1 waiting for you to choose the customer)").replace(
                "%1", format_number(pending))
        self.summary.setText(text)
        self.export_button.setEnabled(bool(answers))
        row = self.model.row_of(keep.answer_id) if keep is not None else -1
        if row < 0 and answers:
            row = 0
        if row >= 0:
            self.table.selectRow(row)
        self._show_current()

    def _names(self, ids: set[int]) -> dict[int, str]:
        assert self.book is not None
        names: dict[int, str] = {}
        for cid in ids:
            try:
                customer = self.book.customers.get(cid)
            except OtokuiError:
                continue
            names[cid] = customer.name or customer.display_name or \
                self.tr("Customer %1").replace("%1", str(cid))
        return names

    def current_answer(self) -> AnswerInfo | None:
        index = self.table.currentIndex()
        return self.model.answer(index.row()) if index.isValid() else None

    def _definition(self, version: int) -> FormDefinition | None:
        if version not in self._definitions:
            try:
                assert self.book is not None and self.form_pk is not None
                self._definitions[version] = self.book.forms.definition(self.form_pk, version)
            except OtokuiError:
                self._definitions[version] = None
        return self._definitions[version]

    def _show_current(self) -> None:
        answer = self.current_answer()
        self.pending_box.setVisible(answer is not None and answer.status == "pending")
        if answer is None:
            hint = html.escape(self.tr("Choose an answer to read it in full."))
            self.detail.setHtml(f"<p style='color:#5F6368'>{hint}</p>")
            return
        if answer.status == "pending":
            self.candidates.clear()
            for cid in answer.candidates:
                self.candidates.addItem(self.model._names.get(cid) or str(cid), cid)
            self.candidates.addItem(self.tr("None of them: a new customer"), None)
        self.detail.setHtml(self.answer_html(answer))

    def answer_html(self, answer: AnswerInfo) -> str:
        e = html.escape
        rows = [
            (self.tr("Sent at"), format_datetime(answer.submitted_at)),
            (self.tr("Customer"), self.model.customer_text(answer)),
            (self.tr("Status"), status_label(answer.status)),
            (self.tr("Version"), self.tr("v%1").replace("%1", str(answer.version))),
            (self.tr("Link"), self.tr("Per-friend link") if answer.identity == "link"
             else self.tr("Public link")),
        ]
        out = ["<table cellspacing='0' cellpadding='4'>"]
        out += [f"<tr><td style='color:#5F6368'>{e(k)}</td><td>{e(v)}</td></tr>"
                for k, v in rows]
        out.append("</table><hr>")
        definition = self._definition(answer.version)
        if definition is not None:
            out.append("<table cellspacing='0' cellpadding='4' width='100%'>")
            for item in definition.items:
                if not item.has_value:
                    continue
                value = value_text(item, answer.values.get(item.key))
                problem = answer.problems.get(item.key)
                shown = e(value) if value else "<span style='color:#9AA0A6'>—</span>"
                if isinstance(problem, dict) and problem.get("message"):
                    shown += f"<br><span style='color:#B3261E'>{e(str(problem['message']))}" \
                             "</span>"
                out.append(f"<tr><td style='color:#5F6368' width='40%'>{e(item.label)}</td>"
                           f"<td>{shown}</td></tr>")
            out.append("</table>")
        notes = [_note(n) for n in answer.notes]
        if notes:
            out.append("<p><b>" + e(self.tr("Notes")) + "</b></p><ul>")
            out += [f"<li>{e(n)}</li>" for n in notes]
            out.append("</ul>")
        return "".join(out)

    # --- the owner's choice ------------------------------------------------------------------
    def assign_current(self) -> BackgroundOp | None:
        answer = self.current_answer()
        if self.book is None or answer is None or answer.status != "pending":
            return None
        customer_id = self.candidates.currentData()
        book, answer_id = self.book, answer.answer_id
        self.assign_button.setEnabled(False)

        def done(cid: int) -> None:
            self.assign_button.setEnabled(True)
            self.status.setText(self.tr("The answer was given to %1.").replace(
                "%1", self._names({cid}).get(cid, str(cid))))
            self.load(self.form_pk)
            self.assigned.emit(answer_id)

        def failed(exc: BaseException) -> None:
            self.assign_button.setEnabled(True)
            from ui.errors import show_error

            show_error(self, exc)

        return self.ops.track(run_in_background(
            self, lambda _p: assign_pending(book, answer_id, customer_id),
            on_success=done, on_failure=failed))

    # --- export -------------------------------------------------------------------------------
    def export_csv(self) -> None:
        if self.book is None or self.form_pk is None:
            return
        info = self.book.forms.get(self.form_pk)
        suffix = self.tr("answers")
        name = f"{info.title}_{suffix}.csv".replace("/", "_")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export the answers"),
                                              str(Path.home() / name),
                                              self.tr("CSV files (*.csv)"))
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> BackgroundOp | None:
        if self.book is None or self.form_pk is None:
            return None
        book, pk = self.book, self.form_pk

        def done(rows: int) -> None:
            self.status.setText(self.tr("%1 answers were written to %2.").replace(
                "%1", format_number(rows)).replace("%2", path.name))
            self.exported.emit(rows)

        return self.ops.track(run_in_background(
            self, lambda _p: book.forms.export_answers(pk, path), on_success=done,
            label=self.tr("Exporting the answers…")))

    @property
    def busy(self) -> bool:
        return self.ops.busy

    def release(self) -> None:
        self.book = None


def _note(note: dict[str, Any]) -> str:
    source = NOTE_TEXTS.get(str(note.get("code")))
    if source is None:
        return str(note.get("code"))
    text = QCoreApplication.translate("forms", source)
    return text.replace("%1", str(note.get("label", ""))).replace("%2",
                                                                  str(note.get("name", "")))

