"""設定 → プライバシー → 漏えいへの備え: the readiness checklist, the incidents (recorded
with the day they were found; the PPC's deadlines count from it), the 速報/確報 drafts
written from them, and who is affected by access in a range of days
(app.privacy.incidents does all of it)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.formatting import format_number
from ui.worker import RunningOps, run_in_background

if TYPE_CHECKING:
    from app.book import Book
    from app.privacy.incidents import Incident


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


def _date_edit(parent: QWidget, day: dt.date) -> QDateEdit:
    edit = QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(_qdate(day))
    return edit


class IncidentDialog(QDialog):
    """A new incident, or an existing one's facts and report items."""

    def __init__(self, parent: QWidget, incident: Incident | None = None) -> None:
        super().__init__(parent)
        from app.privacy.incidents import ITEMS, jst_today

        self.setWindowTitle(self.tr("Incident") if incident is None else
                            self.tr("Incident %1").replace("%1", str(incident.id)))
        today = jst_today()
        self.title_edit = QLineEdit(incident.title if incident else "", self)
        self.title_edit.setPlaceholderText(self.tr("e.g. a notebook with the book was stolen"))
        self.discovered = _date_edit(self, incident.discovered_on if incident else today)
        start = incident.occurred_from if incident and incident.occurred_from else today
        end = incident.occurred_to if incident and incident.occurred_to else start
        self.range_check = QCheckBox(self.tr("Known"), self)
        self.range_check.setChecked(bool(incident and incident.occurred_from))
        self.occurred_from = _date_edit(self, start)
        self.occurred_to = _date_edit(self, end)
        for w in (self.occurred_from, self.occurred_to):
            w.setEnabled(self.range_check.isChecked())
            self.range_check.toggled.connect(w.setEnabled)
        self.malicious = QCheckBox(self.tr("Done with a wrongful purpose (unauthorised access, "
                                           "theft)"), self)
        self.sensitive = QCheckBox(self.tr("Includes sensitive data (health, etc.)"), self)
        self.financial = QCheckBox(self.tr("Financial harm may follow"), self)
        for box, attr in ((self.malicious, "malicious"), (self.sensitive, "sensitive"),
                          (self.financial, "financial")):
            box.setChecked(bool(incident and getattr(incident, attr)))
        self.persons = QSpinBox(self)
        self.persons.setRange(0, 10_000_000)
        self.persons.setSpecialValueText(self.tr("Count from the range"))
        self.persons.setValue(incident.persons or 0 if incident else 0)
        self.reported: dict[str, tuple[QCheckBox, QDateEdit]] = {}
        for key, text in (("prompt_reported_on", self.tr("Prompt report (速報) sent on")),
                          ("final_reported_on", self.tr("Full report (確報) sent on"))):
            day = getattr(incident, key) if incident else None
            sent = QCheckBox(text, self)
            sent.setChecked(day is not None)
            sent_on = _date_edit(self, day or today)
            sent_on.setEnabled(day is not None)
            sent.toggled.connect(sent_on.setEnabled)
            self.reported[key] = (sent, sent_on)
        self.answers: dict[str, QPlainTextEdit] = {}
        host = QWidget(self)
        form = QFormLayout(host)
        form.addRow(self.tr("Name of the incident"), self.title_edit)
        form.addRow(self.tr("Found on"), self.discovered)
        rng = QHBoxLayout()
        rng.addWidget(self.range_check)
        rng.addWidget(self.occurred_from)
        rng.addWidget(QLabel("〜", self))
        rng.addWidget(self.occurred_to)
        rng.addStretch(1)
        form.addRow(self.tr("Days of access"), rng)
        form.addRow("", self.malicious)
        form.addRow("", self.sensitive)
        form.addRow("", self.financial)
        for sent, sent_on in self.reported.values():
            form.addRow(sent, sent_on)
        for key, heading in ITEMS:
            if key == "persons":
                form.addRow(QLabel(heading, host))
                form.addRow("", self.persons)
                continue
            edit = QPlainTextEdit(host)
            edit.setObjectName(f"incident_{key}")
            edit.setFixedHeight(60)
            if incident:
                edit.setPlainText(incident.answers.get(key, ""))
            self.answers[key] = edit
            label = QLabel(heading, host)
            label.setWordWrap(True)
            form.addRow(label)
            form.addRow(edit)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(host)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        self.resize(640, 640)

    def values(self) -> dict[str, Any]:
        known = self.range_check.isChecked()
        return {
            "title": self.title_edit.text().strip() or self.tr("Incident"),
            "discovered_on": _pydate(self.discovered.date()),
            "occurred_from": _pydate(self.occurred_from.date()) if known else None,
            "occurred_to": _pydate(self.occurred_to.date()) if known else None,
            "malicious": self.malicious.isChecked(), "sensitive": self.sensitive.isChecked(),
            "financial": self.financial.isChecked(),
            "persons": self.persons.value() or None,
            "answers": {k: e.toPlainText().strip() for k, e in self.answers.items()},
            **{key: _pydate(edit.date()) if check.isChecked() else None
               for key, (check, edit) in self.reported.items()},
        }


class LeakPage(QWidget):
    def __init__(self, book: Book, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from app.privacy.incidents import jst_today

        self.book = book
        self.ops = RunningOps()
        self.checklist = QListWidget(self)
        self.checklist.setObjectName("readinessChecklist")
        self.checklist.setWordWrap(True)
        self.checklist.setSpacing(3)
        self.incidents = QTableWidget(0, 5, self)
        self.incidents.setObjectName("incidentTable")
        self.incidents.setHorizontalHeaderLabels([
            self.tr("No."), self.tr("Found on"), self.tr("Incident"),
            self.tr("Prompt report (速報) by"), self.tr("Full report (確報) by")])
        self.incidents.verticalHeader().setVisible(False)
        self.incidents.horizontalHeader().setStretchLastSection(True)
        self.incidents.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.incidents.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.incidents.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.new_button = QPushButton(self.tr("New incident…"), self)
        self.edit_button = QPushButton(self.tr("Edit…"), self)
        self.prompt_button = QPushButton(self.tr("Prompt report (速報)…"), self)
        self.final_button = QPushButton(self.tr("Full report (確報)…"), self)
        today = jst_today()
        self.affected_from = _date_edit(self, today - dt.timedelta(days=30))
        self.affected_to = _date_edit(self, today)
        self.count_button = QPushButton(self.tr("Count them"), self)
        self.csv_button = QPushButton(self.tr("Save as CSV…"), self)
        self.affected_label = QLabel(self)
        self.affected_label.setWordWrap(True)
        self.affected_label.setObjectName("affectedSummary")
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        for b in self.findChildren(QPushButton):
            b.setAutoDefault(False)

        check_box = QGroupBox(self.tr("Readiness checklist"), self)
        cl = QVBoxLayout(check_box)
        cl.addWidget(self.checklist)
        inc_box = QGroupBox(self.tr("Incidents"), self)
        il = QVBoxLayout(inc_box)
        il.addWidget(self.incidents, 1)
        row = QHBoxLayout()
        for b in (self.new_button, self.edit_button, self.prompt_button, self.final_button):
            row.addWidget(b)
        row.addStretch(1)
        il.addLayout(row)
        il.addWidget(self.status)
        aff_box = QGroupBox(self.tr("Who is affected"), self)
        al = QVBoxLayout(aff_box)
        note = QLabel(self.tr("Everyone in the book during these days, marked when the audit "
                              "log names them (their files opened, their data written "
                              "out)."), aff_box)
        note.setWordWrap(True)
        al.addWidget(note)
        ar = QHBoxLayout()
        ar.addWidget(self.affected_from)
        ar.addWidget(QLabel("〜", aff_box))
        ar.addWidget(self.affected_to)
        ar.addWidget(self.count_button)
        ar.addWidget(self.csv_button)
        ar.addStretch(1)
        al.addLayout(ar)
        al.addWidget(self.affected_label)
        right = QVBoxLayout()
        right.addWidget(inc_box, 1)
        right.addWidget(aff_box)
        layout = QHBoxLayout(self)
        layout.addWidget(check_box, 2)
        layout.addLayout(right, 3)

        self.refresh()
        self.checklist.itemChanged.connect(self._ticked)
        self.incidents.itemSelectionChanged.connect(self._selection)
        self.incidents.doubleClicked.connect(lambda _i: self.edit())
        self.new_button.clicked.connect(lambda _c=False: self.new())
        self.edit_button.clicked.connect(lambda _c=False: self.edit())
        self.prompt_button.clicked.connect(lambda _c=False: self.export_report(False))
        self.final_button.clicked.connect(lambda _c=False: self.export_report(True))
        self.count_button.clicked.connect(lambda _c=False: self.count())
        self.csv_button.clicked.connect(lambda _c=False: self.count(save=True))

    # --- the checklist --------------------------------------------------------------------
    def refresh(self) -> None:
        from app.privacy.incidents import CHECKLIST, all_incidents, checklist

        ticked = checklist(self.book)
        self.checklist.blockSignals(True)
        self.checklist.clear()
        for key, text in CHECKLIST:
            label = QCoreApplication.translate("privacy", text)
            if key in ticked:
                label += "\n" + self.tr("(checked on %1)").replace("%1", ticked[key])
            item = QListWidgetItem(label, self.checklist)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if key in ticked
                               else Qt.CheckState.Unchecked)
        self.checklist.blockSignals(False)
        rows = all_incidents(self.book)
        self.incidents.setRowCount(len(rows))
        for r, i in enumerate(rows):
            lo, hi = i.prompt_due
            sent = self.tr("sent %1")
            cells = [str(i.id), i.discovered_on.isoformat(), i.title,
                     sent.replace("%1", i.prompt_reported_on.isoformat())
                     if i.prompt_reported_on else f"{lo.isoformat()}〜{hi.isoformat()}",
                     sent.replace("%1", i.final_reported_on.isoformat())
                     if i.final_reported_on else i.final_due.isoformat()]
            for c, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, i.id)
                self.incidents.setItem(r, c, cell)
        self.incidents.resizeColumnsToContents()
        self._selection()

    def _ticked(self, item: QListWidgetItem) -> None:
        from app.privacy.incidents import set_checked

        set_checked(self.book, str(item.data(Qt.ItemDataRole.UserRole)),
                    item.checkState() == Qt.CheckState.Checked)
        self.refresh()

    # --- incidents ------------------------------------------------------------------------
    def selected(self) -> int | None:
        rows = self.incidents.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.incidents.item(rows[0].row(), 0)
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def _selection(self) -> None:
        one = self.selected() is not None
        for b in (self.edit_button, self.prompt_button, self.final_button):
            b.setEnabled(one)

    def select(self, incident_id: int) -> None:
        for r in range(self.incidents.rowCount()):
            item = self.incidents.item(r, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == incident_id:
                self.incidents.selectRow(r)

    def new(self, values: dict[str, Any] | None = None) -> int | None:
        from app.privacy.incidents import record

        if values is None:
            dialog = IncidentDialog(self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            values = dialog.values()
        new_id = record(self.book, **values)
        self.refresh()
        self.select(new_id)
        return new_id

    def edit(self, values: dict[str, Any] | None = None) -> None:
        from app.privacy.incidents import get, update

        iid = self.selected()
        if iid is None:
            return
        if values is None:
            dialog = IncidentDialog(self, get(self.book, iid))
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            values = dialog.values()
        update(self.book, iid, **values)
        self.refresh()
        self.select(iid)

    def export_report(self, final: bool, path: Path | None = None) -> None:
        from app.privacy import incidents

        iid = self.selected()
        if iid is None:
            return
        if path is None:
            name = f"incident-{iid}-{'kakuho' if final else 'sokuho'}.html"
            chosen, _ = QFileDialog.getSaveFileName(
                self, self.tr("Save the report draft"), str(Path.home() / name),
                "HTML (*.html)")
            if not chosen:
                return
            path = Path(chosen)
        book, target = self.book, path

        def work(_p: Any) -> Any:
            done = incidents.report(book, iid, incidents.FINAL if final else incidents.PROMPT)
            target.write_text(done.html, encoding="utf-8")
            return done

        def done(result: Any) -> None:
            text = self.tr("Saved %1. %2").replace("%1", target.name).replace("%2", result.due)
            if final and result.missing:
                text += " " + self.tr("Still empty: %1").replace("%1", "、".join(result.missing))
            self.status.setText(text)
        self.ops.track(run_in_background(self, work, on_success=done))

    # --- who is affected ------------------------------------------------------------------
    def count(self, *, save: bool = False, path: Path | None = None) -> None:
        from app.privacy.incidents import affected, write_affected_csv

        if save and path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self, self.tr("Save who is affected (it holds personal data)"),
                str(Path.home() / "affected.csv"), "CSV (*.csv)")
            if not chosen:
                return
            path = Path(chosen)
        book, target = self.book, path
        start, end = _pydate(self.affected_from.date()), _pydate(self.affected_to.date())

        def work(_p: Any) -> Any:
            found = affected(book, start, end)
            if target is not None:
                write_affected_csv(book, found, target)
            return found

        def done(found: Any) -> None:
            text = self.tr("%1 customers were in the book; %2 of them are named in the audit "
                           "log then.").replace("%1", format_number(len(found.people))) \
                .replace("%2", format_number(len(found.named)))
            if found.whole_book:
                text += " " + self.tr("The whole list left the book %1 times (exports, "
                                      "backups).").replace("%1", str(len(found.whole_book)))
            if found.deleted_since:
                text += " " + self.tr("%1 customers deleted since may also have been in "
                                      "it.").replace("%1", format_number(found.deleted_since))
            if target is not None:
                text += " " + self.tr("Saved %1: it holds personal data.").replace(
                    "%1", target.name)
            self.affected_label.setText(text)
        self.ops.track(run_in_background(self, work, on_success=done))
