"""設定 → プライバシー → 監査ログ: who did what to whose data, when — filtered by action and
days, searched, exported as CSV (app.privacy.audit_view does the work).

The model holds only the matching entries' ids (newest first) and reads the rows of the
part on screen a page at a time, so a log of 100,000 entries opens at once."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.i18n import QT_TRANSLATE_NOOP
from ui.formatting import format_datetime, format_number
from ui.worker import RunningOps, run_in_background

if TYPE_CHECKING:
    from app.book import Book
    from app.store.models import AuditEntry

_CTX = "AuditActions"
_ROOT = QModelIndex()
#: The log's actions in the owner's words (others are shown as they are stored).
ACTION_LABELS: dict[str, str] = {
    "export_csv": QT_TRANSLATE_NOOP("AuditActions", "CSV export"),
    "import_csv": QT_TRANSLATE_NOOP("AuditActions", "CSV import"),
    "export_skipped_rows": QT_TRANSLATE_NOOP("AuditActions", "Skipped rows saved"),
    "attachment_opened": QT_TRANSLATE_NOOP("AuditActions", "File opened"),
    "attachment_saved": QT_TRANSLATE_NOOP("AuditActions", "File saved"),
    "attachment_deleted": QT_TRANSLATE_NOOP("AuditActions", "File deleted"),
    "customers_deleted": QT_TRANSLATE_NOOP("AuditActions", "Customers deleted"),
    "bulk_tag_add": QT_TRANSLATE_NOOP("AuditActions", "Tag added to many"),
    "bulk_tag_remove": QT_TRANSLATE_NOOP("AuditActions", "Tag removed from many"),
    "backup": QT_TRANSLATE_NOOP("AuditActions", "Backup made"),
    "restore": QT_TRANSLATE_NOOP("AuditActions", "Backup restored"),
    "rekey": QT_TRANSLATE_NOOP("AuditActions", "Book key changed"),
    "field_deleted": QT_TRANSLATE_NOOP("AuditActions", "Field deleted"),
    "tag_deleted": QT_TRANSLATE_NOOP("AuditActions", "Tag deleted"),
    "form_deleted": QT_TRANSLATE_NOOP("AuditActions", "Form deleted"),
    "route_deleted": QT_TRANSLATE_NOOP("AuditActions", "Inflow route deleted"),
    "member_linked": QT_TRANSLATE_NOOP("AuditActions", "Member linked"),
    "member_review_linked": QT_TRANSLATE_NOOP("AuditActions", "Member linked from the review"),
    "member_review_refused": QT_TRANSLATE_NOOP("AuditActions", "Member link refused"),
    "privacy_policy_published": QT_TRANSLATE_NOOP("AuditActions", "Privacy policy published"),
    "privacy_disclosed": QT_TRANSLATE_NOOP("AuditActions", "Disclosure written"),
    "privacy_deleted": QT_TRANSLATE_NOOP("AuditActions", "Deleted on request"),
    "retention_deleted": QT_TRANSLATE_NOOP("AuditActions", "Deleted by a retention rule"),
    "retention_run": QT_TRANSLATE_NOOP("AuditActions", "Retention rules run"),
    "privacy_incident_recorded": QT_TRANSLATE_NOOP("AuditActions", "Incident recorded"),
    "privacy_incident_updated": QT_TRANSLATE_NOOP("AuditActions", "Incident changed"),
    "privacy_incident_report": QT_TRANSLATE_NOOP("AuditActions", "Incident report written"),
    "privacy_affected_listed": QT_TRANSLATE_NOOP("AuditActions", "Affected customers listed"),
}


#: What an entry's target names, in the owner's words ("customer:42" → お客様 42).
TARGET_KINDS: dict[str, str] = {
    "customer": QT_TRANSLATE_NOOP("AuditActions", "Customer %1"),
    "attachment": QT_TRANSLATE_NOOP("AuditActions", "File %1"),
    "incident": QT_TRANSLATE_NOOP("AuditActions", "Incident %1"),
    "form": QT_TRANSLATE_NOOP("AuditActions", "Form %1"),
    "tag": QT_TRANSLATE_NOOP("AuditActions", "Tag %1"),
    "field": QT_TRANSLATE_NOOP("AuditActions", "Field %1"),
    "route": QT_TRANSLATE_NOOP("AuditActions", "Inflow route %1"),
    "request": QT_TRANSLATE_NOOP("AuditActions", "Link request %1"),
}


def target_label(target: str) -> str:
    kind, sep, ident = target.partition(":")
    text = TARGET_KINDS.get(kind) if sep else None
    if text is None:
        return target
    return QCoreApplication.translate("AuditActions", text).replace("%1", ident)


def action_label(action: str) -> str:
    text = ACTION_LABELS.get(action)
    return QCoreApplication.translate(_CTX, text) if text else action


class AuditModel(QAbstractTableModel):
    """Rows: the ids given to :meth:`set_ids`; a row's entry is read when it is shown."""

    PAGE = 200
    MAX_PAGES = 20

    def __init__(self, book: Book, parent: Any = None) -> None:
        super().__init__(parent)
        self._book = book
        self._ids: list[int] = []
        self._pages: dict[int, dict[int, AuditEntry]] = {}
        self._headers = [self.tr("When", "audit log"), self.tr("Action", "audit log"),
                         self.tr("Concerning", "audit log"), self.tr("Count", "audit log"),
                         self.tr("Details", "audit log")]

    def set_ids(self, ids: list[int]) -> None:
        self.beginResetModel()
        self._ids = list(ids)
        self._pages.clear()
        self.endResetModel()

    def ids(self) -> list[int]:
        return list(self._ids)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self._headers)):
            return self._headers[section]
        return None

    def _entry(self, row: int) -> AuditEntry | None:
        page = row // self.PAGE
        got = self._pages.get(page)
        if got is None:
            from app.privacy.audit_view import fetch

            if len(self._pages) >= self.MAX_PAGES:
                self._pages.pop(next(iter(self._pages)))
            got = fetch(self._book, self._ids[page * self.PAGE:(page + 1) * self.PAGE])
            self._pages[page] = got
        return got.get(self._ids[row])

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        if role == Qt.ItemDataRole.UserRole:
            return self._ids[index.row()]
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        e = self._entry(index.row())
        if e is None:
            return ""
        col = index.column()
        if col == 0:
            return format_datetime(e.at.replace(tzinfo=dt.UTC))
        if col == 1:
            return action_label(e.action)
        if col == 2:
            return target_label(e.target) if role == Qt.ItemDataRole.DisplayRole else e.target
        if col == 3:
            return format_number(e.count) if e.count else ""
        if col == 4:
            return json.dumps(e.detail, ensure_ascii=False) if e.detail else ""
        return None


class AuditPage(QWidget):
    def __init__(self, book: Book, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.book = book
        self.ops = RunningOps()
        self.model = AuditModel(book, self)
        self.action_combo = QComboBox(self)
        self.action_combo.setObjectName("auditAction")
        self.since_check = QCheckBox(self.tr("From"), self)
        self.since_edit = QDateEdit(self)
        self.until_check = QCheckBox(self.tr("Until"), self)
        self.until_edit = QDateEdit(self)
        today = QDate.currentDate()
        for edit, day in ((self.since_edit, today.addMonths(-1)), (self.until_edit, today)):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(day)
            edit.setEnabled(False)
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText(self.tr("Search the log…"))
        self.search_edit.setClearButtonEnabled(True)
        self.count_label = QLabel(self)
        self.export_button = QPushButton(self.tr("Save as CSV…"), self)
        self.export_button.setAutoDefault(False)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        # Fixed widths: sizing a column to its contents would read every entry.
        for col, width in enumerate((150, 190, 140, 60)):
            self.view.setColumnWidth(col, width)
        self.view.setWordWrap(False)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.reload)

        filters = QHBoxLayout()
        filters.addWidget(self.action_combo, 1)
        filters.addWidget(self.since_check)
        filters.addWidget(self.since_edit)
        filters.addWidget(self.until_check)
        filters.addWidget(self.until_edit)
        filters.addWidget(self.search_edit, 2)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr(
            "Who did what to whose data, and when. Customers are named by their number "
            "only."), self))
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)

        self.fill_actions()
        self.action_combo.currentIndexChanged.connect(self.reload)
        for check, edit in ((self.since_check, self.since_edit),
                            (self.until_check, self.until_edit)):
            check.toggled.connect(edit.setEnabled)
            check.toggled.connect(self.reload)
            edit.dateChanged.connect(self._timer.start)
        self.search_edit.textChanged.connect(self._timer.start)
        self.export_button.clicked.connect(lambda _c=False: self.export())
        self.reload()

    def fill_actions(self) -> None:
        from app.privacy.audit_view import actions

        current = self.action_combo.currentData()
        self.action_combo.blockSignals(True)
        self.action_combo.clear()
        self.action_combo.addItem(self.tr("All actions"), "")
        for a in sorted(actions(self.book), key=action_label):
            self.action_combo.addItem(action_label(a), a)
        self.action_combo.setCurrentIndex(max(0, self.action_combo.findData(current or "")))
        self.action_combo.blockSignals(False)

    def current_filter(self) -> Any:
        from app.privacy.audit_view import AuditFilter

        def utc(day: QDate) -> dt.datetime:
            local = dt.datetime(day.year(), day.month(), day.day()).astimezone()
            return local.astimezone(dt.UTC).replace(tzinfo=None)
        since = utc(self.since_edit.date()) if self.since_check.isChecked() else None
        until = utc(self.until_edit.date().addDays(1)) if self.until_check.isChecked() else None
        return AuditFilter(self.action_combo.currentData() or None, self.search_edit.text(),
                           since, until)

    def reload(self) -> None:
        from app.privacy.audit_view import entry_ids

        book, f = self.book, self.current_filter()

        def done(ids: Any) -> None:
            self.model.set_ids(ids)
            self.count_label.setText(self.tr("%1 entries").replace(
                "%1", format_number(len(ids))))
        self.ops.track(run_in_background(self, lambda _p: entry_ids(book, f),
                                         on_success=done))

    def export(self, path: Path | None = None) -> None:
        from app.privacy.audit_view import write_csv_ids

        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self, self.tr("Save the audit log as CSV"),
                str(Path.home() / "audit-log.csv"), "CSV (*.csv)")
            if not chosen:
                return
            path = Path(chosen)
        book, ids, target = self.book, self.model.ids(), path

        def done(n: Any) -> None:
            self.count_label.setText(self.tr("%1 entries saved to %2.").replace(
                "%1", format_number(int(n))).replace("%2", target.name))
        self.ops.track(run_in_background(self, lambda _p: write_csv_ids(book, ids, target),
                                         on_success=done, label=self.tr("Saving…"),
                                         cancellable=False))
