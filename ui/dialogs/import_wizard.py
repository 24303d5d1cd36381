"""Importing customers from a CSV file, in four steps.

1. ファイル: the file and its text encoding (自動 / UTF-8 / Shift_JIS (CP932)).
2. 列の割り当て: what each column holds (a built-in field, タグ, a custom field, or
   取り込まない), with the first rows of the file as a preview (:func:`app.csvio.read_preview`
   guesses the assignment from the headers).
3. 確認: a dry run (:func:`app.csvio.import_csv` with ``dry_run=True``) says how many
   customers would be added and updated, and lists every bad row (行, 列, 理由, 値). With
   any bad row nothing is imported by default: the 取り込む button stays disabled, and the
   list can be saved as CSV to fix the file. Or the owner ticks "import the good rows, skip
   the N listed" and chooses where the skipped rows go: a CSV with the file's own columns
   plus a 問題 column, to fix and import again (plain CSV like an export, recorded in the
   audit log; the page says so).
4. 取り込み: the real import in the background with progress and a stop button.

The core imports in one transaction: cancelling at any step, or a problem found late,
stores nothing; by default a file with any bad row stores nothing either.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.csv_problems import write_problems_csv
from app.csvio import FIELD_PREFIX, TARGETS, import_csv, read_preview
from app.errors import ImportRowsError, OtokuiError
from app.fields import ATTACHMENT_TYPES, FieldType
from ui.dialogs.passphrase import ERROR, GOOD, HINT, message_label, set_message
from ui.errors import show_error, translate_error, translate_text
from ui.worker import BackgroundOp, run_in_background

if TYPE_CHECKING:
    from app.book import Book
    from app.csvio import CsvPreview, ImportReport, RowProblem

log = logging.getLogger("otokui.ui.import")

#: Where the core's reasons for refusing a row are translated, most likely first.
#: Problems shown in the table; a file with more is summarised (all are in the saved CSV).
MAX_PROBLEMS_SHOWN = 1000


def reason_text(reason: str) -> str:
    """A problem's reason in the UI language (in the catalog context it was marked in)."""
    return translate_text(reason)


def error_text(exc: OtokuiError) -> str:
    message, advice = translate_error(exc)
    return f"{message}\n{advice}" if advice else message


def _title_font(label: QLabel) -> None:
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.2)
    font.setBold(True)
    label.setFont(font)


class FilePage(QWizardPage):
    ENCODINGS = ("auto", "utf-8", "cp932")

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.wiz = wizard
        self.setTitle(self.tr("Choose the CSV file"))
        self.setSubTitle(self.tr(
            "Customers in the file are added, or update the customer they match (by LINE "
            "user ID, phone number or email). Empty cells never erase anything."))
        self.path_edit = QLineEdit(self)
        self.path_edit.setPlaceholderText(self.tr("No file chosen"))
        self.path_edit.textChanged.connect(self._changed)
        browse = QPushButton(self.tr("Choose…"), self)
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        self.encoding_combo = QComboBox(self)
        self.encoding_combo.addItem(self.tr("Automatic (recommended)"), "auto")
        self.encoding_combo.addItem("UTF-8", "utf-8")
        self.encoding_combo.addItem("Shift_JIS (CP932)", "cp932")
        self.encoding_combo.currentIndexChanged.connect(self._changed)
        note = QLabel(self.tr(
            "Files saved by Excel as “CSV UTF-8” or “CSV” both work; the automatic choice "
            "tells them apart."), self)
        note.setWordWrap(True)
        note.setStyleSheet("color: #5B6573;")
        self.message = message_label(self)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setVisible(False)
        form = QFormLayout()
        form.addRow(self.tr("File"), row)
        form.addRow(self.tr("Text encoding"), self.encoding_combo)
        form.addRow("", note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self._loaded_for: tuple[str, str] | None = None
        self._loading = False

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose the CSV file"), str(Path.home()),
            self.tr("CSV files (*.csv *.txt);;All files (*)"))
        if path:
            self.path_edit.setText(path)

    def _changed(self, *_args: object) -> None:
        set_message(self.message, "")
        self.completeChanged.emit()

    def choice(self) -> tuple[str, str]:
        return self.path_edit.text().strip(), self.encoding_combo.currentData()

    def isComplete(self) -> bool:
        path = self.choice()[0]
        return bool(path) and not self._loading

    def validatePage(self) -> bool:
        """Read the preview (off the main thread) before going on; stay on a problem."""
        if self._loaded_for == self.choice() and self.wiz.preview is not None:
            return True
        if self._loading:
            return False
        path, encoding = self.choice()
        book = self.wiz.book
        self._loading = True
        self.progress.setVisible(True)
        set_message(self.message, self.tr("Reading the file…"), HINT)
        self.completeChanged.emit()

        def loaded(preview: CsvPreview) -> None:
            self._loading = False
            self.progress.setVisible(False)
            set_message(self.message, "")
            self.wiz.preview = preview
            self.wiz.path = Path(path)
            self.wiz.encoding = encoding
            self._loaded_for = (path, encoding)
            self.completeChanged.emit()
            self.wiz.next()

        def failed(exc: BaseException) -> None:
            self._loading = False
            self.progress.setVisible(False)
            self.completeChanged.emit()
            if isinstance(exc, OtokuiError):
                set_message(self.message, error_text(exc), ERROR)
            else:
                show_error(self, exc)

        self.wiz.track(run_in_background(
            self, lambda _p: read_preview(book, Path(path), encoding=encoding),
            on_success=loaded, on_failure=failed))
        return False


class MappingPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.wiz = wizard
        self.setTitle(self.tr("What does each column hold?"))
        self.setSubTitle(self.tr(
            "Otokui guessed from the first row. Change a column's field if the guess is "
            "wrong, or choose “Do not import” to leave it out."))
        self.mapping_table = QTableWidget(0, 3, self)
        self.mapping_table.setHorizontalHeaderLabels(
            [self.tr("Column in the file"), self.tr("Import into"), self.tr("Example")])
        self.mapping_table.verticalHeader().setVisible(False)
        self.mapping_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.mapping_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.mapping_table.verticalHeader().setDefaultSectionSize(36)
        header = self.mapping_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        preview_title = QLabel(self.tr("The first rows of the file"), self)
        self.preview_table = QTableWidget(0, 0, self)
        self.preview_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview_table.setAlternatingRowColors(True)
        self.message = message_label(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.mapping_table, 3)
        layout.addWidget(self.message)
        layout.addWidget(preview_title)
        layout.addWidget(self.preview_table, 2)
        self.combos: list[QComboBox] = []
        self._shown: CsvPreview | None = None

    def targets(self) -> list[tuple[str, str | None]]:
        """(label, target key) for every choice; None means "do not import"."""
        labels = {
            "line_user_id": self.tr("LINE user ID"),
            "display_name": self.tr("Display name"),
            "name": self.tr("Name"),
            "furigana": self.tr("Furigana"),
            "phone": self.tr("Phone"),
            "email": self.tr("Email"),
            "postal_code": self.tr("Postal code"),
            "address": self.tr("Address"),
            "birthday": self.tr("Birthday"),
            "memo": self.tr("Memo"),
            "tags": self.tr("Tags"),
        }
        choices: list[tuple[str, str | None]] = [(self.tr("Do not import"), None)]
        choices += [(labels.get(t.key, t.ja), t.key) for t in TARGETS]
        for f in self.wiz.book.fields.list():
            if FieldType(f.type) not in ATTACHMENT_TYPES:
                choices.append((self.tr("Custom field: %1").replace("%1", f.name),
                                f"{FIELD_PREFIX}{f.id}"))
        return choices

    def initializePage(self) -> None:
        preview = self.wiz.preview
        if preview is None or preview is self._shown:
            return  # back and forth on the same file keeps the owner's choices
        self._shown = preview
        targets = self.targets()
        self.mapping_table.setRowCount(len(preview.headers))
        self.combos = []
        for i, header in enumerate(preview.headers):
            self.mapping_table.setItem(i, 0, QTableWidgetItem(header or f"#{i + 1}"))
            combo = QComboBox(self.mapping_table)
            for label, key in targets:
                combo.addItem(label, key)
            combo.setCurrentIndex(max(0, combo.findData(preview.mapping.get(i))))
            combo.currentIndexChanged.connect(self._changed)
            self.mapping_table.setCellWidget(i, 1, combo)
            self.combos.append(combo)
            samples = [r[i] for r in preview.rows if i < len(r) and r[i].strip()][:3]
            self.mapping_table.setItem(i, 2, QTableWidgetItem(" / ".join(samples)))
        self.preview_table.clear()
        self.preview_table.setColumnCount(len(preview.headers))
        self.preview_table.setRowCount(len(preview.rows))
        self.preview_table.setHorizontalHeaderLabels(
            [h or f"#{i + 1}" for i, h in enumerate(preview.headers)])
        for r, cells in enumerate(preview.rows):
            for c, cell in enumerate(cells[:len(preview.headers)]):
                self.preview_table.setItem(r, c, QTableWidgetItem(cell))
        self._changed()

    def mapping(self) -> dict[int, str | None]:
        return {i: combo.currentData() for i, combo in enumerate(self.combos)}

    def set_target(self, column: int, target: str | None) -> None:
        """Assign ``column`` (for tests and keyboard users alike)."""
        self.combos[column].setCurrentIndex(self.combos[column].findData(target))

    def problem(self) -> str:
        chosen = [t for t in self.mapping().values() if t is not None]
        if not chosen:
            return self.tr("Choose at least one column to import.")
        if len(chosen) != len(set(chosen)):
            return self.tr("Two columns are assigned to the same field. Choose a different "
                           "field for one of them, or “Do not import”.")
        return ""

    def _changed(self, *_args: object) -> None:
        problem = self.problem()
        set_message(self.message, problem, ERROR)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return bool(self.combos) and not self.problem()

    def validatePage(self) -> bool:
        self.wiz.mapping = self.mapping()
        return True


class CheckPage(QWizardPage):
    """The dry run: what would happen, and every bad row."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.wiz = wizard
        self.report: ImportReport | None = None
        self.setTitle(self.tr("Check before importing"))
        self.setSubTitle(self.tr("Nothing has been imported yet."))
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("Import"))
        self.progress = QProgressBar(self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        _title_font(self.summary)
        self.details = QLabel(self)
        self.details.setWordWrap(True)
        self.message = message_label(self)
        self.problems_table = QTableWidget(0, 4, self)
        self.problems_table.setHorizontalHeaderLabels(self.problem_headers())
        self.problems_table.verticalHeader().setVisible(False)
        self.problems_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.problems_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(3, 220)
        self.save_button = QPushButton(self.tr("Save the list as CSV…"), self)
        self.save_button.clicked.connect(self._save_problems)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_button)
        # The other way through: import the good rows, write the bad ones to a file.
        self.skip_box = QCheckBox(self)
        self.skip_box.setObjectName("skipBadRows")
        self.skip_box.toggled.connect(self._skip_toggled)
        self.skip_note = QLabel(self)
        self.skip_note.setWordWrap(True)
        self.skip_note.setStyleSheet("color: #5B6573;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress)
        layout.addWidget(self.summary)
        layout.addWidget(self.details)
        layout.addWidget(self.message)
        layout.addWidget(self.problems_table, 1)
        layout.addLayout(row)
        layout.addWidget(self.skip_box)
        layout.addWidget(self.skip_note)
        self._running = False
        self._generation = 0  # a check still running when the owner went back is ignored

    def problem_headers(self) -> list[str]:
        return [self.tr("Row"), self.tr("Column"), self.tr("Reason"), self.tr("Value")]

    @property
    def running(self) -> bool:
        return self._running

    def initializePage(self) -> None:
        self.report = None
        self.summary.setText(self.tr("Checking every row…"))
        self.details.clear()
        set_message(self.message, "")
        self.problems_table.setRowCount(0)
        self.problems_table.setVisible(False)
        self.save_button.setVisible(False)
        self.skip_box.blockSignals(True)
        self.skip_box.setChecked(False)
        self.skip_box.blockSignals(False)
        self.skip_box.setVisible(False)
        self.skip_note.setVisible(False)
        self.wiz.skipped_path = None
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self._running = True
        self._generation += 1
        generation = self._generation
        book, path, encoding, mapping = (self.wiz.book, self.wiz.path, self.wiz.encoding,
                                         dict(self.wiz.mapping))
        assert path is not None  # (the file page chose it before this page shows)

        def work(progress: Any) -> ImportReport:
            return import_csv(book, path, encoding=encoding, mapping=mapping, dry_run=True,
                              progress=progress, cancel=progress.cancelled)

        def current(handler: Any) -> Any:
            return lambda *args: handler(*args) if generation == self._generation else None

        op = run_in_background(self, work, on_success=current(self._checked),
                               on_failure=current(self._failed))
        op.progressed.connect(current(self._progressed))
        op.finished.connect(current(self._ended))
        self.wiz.track(op)
        self.completeChanged.emit()

    def cleanupPage(self) -> None:
        """Back to the assignment: a check still running is stopped and forgotten."""
        self._generation += 1
        for op in self.wiz._ops:
            op.cancel()
        self._running = False
        self.progress.setVisible(False)

    def _progressed(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))

    def _ended(self) -> None:
        self._running = False
        self.progress.setVisible(False)
        self.completeChanged.emit()

    def _checked(self, report: ImportReport) -> None:
        self.report = report
        self._running = False
        bad_rows = len({p.row for p in report.problems})
        unchanged = max(0, report.total - report.created - report.updated - bad_rows)
        if bad_rows:
            summary = self.tr("%1 rows: %2 new, %3 updated, %4 unchanged, %5 with problems.")
        else:
            summary = self.tr("%1 rows: %2 new, %3 updated, %4 unchanged.")
        self.summary.setText(summary.replace("%1", f"{report.total:,}")
                             .replace("%2", f"{report.created:,}")
                             .replace("%3", f"{report.updated:,}")
                             .replace("%4", f"{unchanged:,}")
                             .replace("%5", f"{bad_rows:,}"))
        details = []
        if report.new_tags:
            details.append(self.tr("New tags: %1").replace("%1", "、".join(report.new_tags)))
        if report.ignored_columns:
            details.append(self.tr("Columns not imported: %1").replace(
                "%1", "、".join(report.ignored_columns)))
        self.details.setText("\n".join(details))
        self.details.setVisible(bool(details))
        if report.problems:
            self.show_problems(report.problems)
        else:
            set_message(self.message, self.tr(
                "No problems found. Press “Import” to import the file."), GOOD)
        self.completeChanged.emit()

    def show_problems(self, problems: list[RowProblem]) -> None:
        self.wiz.problems = problems
        set_message(self.message, self._problems_text(), ERROR)
        shown = problems[:MAX_PROBLEMS_SHOWN]
        self.problems_table.setRowCount(len(shown))
        for r, p in enumerate(shown):
            cells = [str(p.row), p.column, reason_text(p.reason), p.value]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)  # a long reason is cut in its cell: whole on hover
                if c == 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.problems_table.setItem(r, c, item)
        self.problems_table.setVisible(True)
        self.save_button.setVisible(True)
        bad = len({p.row for p in problems})
        good = self.good_rows()
        self.skip_box.setText(self.tr(
            "Import the good rows and skip the %n listed (saved to a CSV file to fix and "
            "import again)", "", bad))
        self.skip_box.setVisible(good > 0)

    def _failed(self, exc: BaseException) -> None:
        self._running = False
        self.summary.setText(self.tr("The file cannot be imported."))
        if isinstance(exc, OtokuiError):
            set_message(self.message, error_text(exc), ERROR)
        else:
            show_error(self, exc)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        if self._running or self.report is None or self.report.total <= 0:
            return False
        if not self.report.problems:
            return True
        return (self.skip_box.isChecked() and self.wiz.skipped_path is not None
                and self.good_rows() > 0)

    def good_rows(self) -> int:
        """Rows the check found nothing wrong with (what "import the good rows" imports)."""
        if self.report is None:
            return 0
        return self.report.total - len({p.row for p in self.report.problems})

    def _skip_toggled(self, on: bool) -> None:
        if on and self.wiz.skipped_path is None:
            path = self._ask_skipped_path()
            if path is None:
                self.skip_box.setChecked(False)
                return
            self.set_skipped_path(path)
            return
        if not on:
            self.wiz.skipped_path = None
            self.skip_note.setVisible(False)
            set_message(self.message, self._problems_text(), ERROR)
        self.completeChanged.emit()

    def _ask_skipped_path(self) -> Path | None:
        source = self.wiz.path or Path.home() / "import.csv"
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save the skipped rows"),
            str(source.with_name(f"{source.stem}-skipped.csv")), self.tr("CSV files (*.csv)"))
        return Path(path) if path else None

    def set_skipped_path(self, path: Path) -> None:
        """Import the good rows; the bad ones go to ``path`` (the file dialog, or a test)."""
        self.wiz.skipped_path = Path(path)
        self.skip_box.blockSignals(True)
        self.skip_box.setChecked(True)
        self.skip_box.blockSignals(False)
        bad = len({p.row for p in self.wiz.problems})
        set_message(self.message, self.tr(
            "The good rows will be imported. The %n row(s) listed will be left out and "
            "written to the file below.", "", bad), HINT)
        self.skip_note.setText(self.tr(
            "Skipped rows: %1\nThe file has the same columns as yours plus a “Problem” "
            "column: fix the rows and import it again. Like an export it is a plain CSV "
            "file, not encrypted, and it is recorded in the audit log; delete it once the "
            "rows are imported.").replace("%1", str(path)))
        self.skip_note.setVisible(True)
        self.completeChanged.emit()

    def _problems_text(self) -> str:
        return self.tr(
            "%n row(s) have problems, so nothing will be imported until they are fixed. "
            "Correct them in the file (you can save this list as CSV), then import again.",
            "", len({p.row for p in self.wiz.problems}))

    def _save_problems(self) -> None:
        default = str((self.wiz.path or Path.home()).with_name(
            f"{(self.wiz.path or Path('import')).stem}-errors.csv"))
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the list of problems"),
                                              default, self.tr("CSV files (*.csv)"))
        if path:
            self.save_problems(Path(path))

    def save_problems(self, path: Path) -> None:
        try:
            write_problems_csv(self.wiz.problems, path,
                               headers=tuple(self.problem_headers()),  # type: ignore[arg-type]
                               reason_text=reason_text)
        except OSError as exc:
            log.info("the problem list could not be saved: %s", type(exc).__name__)
            set_message(self.message, self.tr("The list could not be saved there. Choose "
                                              "another folder."), ERROR)
        except OtokuiError as exc:
            show_error(self, exc)


class ResultPage(QWizardPage):
    """The real import, with progress and stop; then what happened."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.wiz = wizard
        self.report: ImportReport | None = None
        self.setTitle(self.tr("Importing"))
        self.progress = QProgressBar(self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        _title_font(self.summary)
        self.message = message_label(self)
        self.stop_button = QPushButton(self.tr("Stop"), self)
        self.stop_button.clicked.connect(self.stop)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.stop_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress)
        layout.addLayout(row)
        layout.addWidget(self.summary)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self._op: BackgroundOp | None = None
        self._running = False
        self.cancelled = False

    @property
    def running(self) -> bool:
        return self._running

    def initializePage(self) -> None:
        self.report = None
        self.cancelled = False
        self.summary.setText(self.tr("Importing the customers…"))
        set_message(self.message, self.tr(
            "You can stop at any time: nothing is kept until the import is complete."), HINT)
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.stop_button.setVisible(True)
        self.stop_button.setEnabled(True)
        self._running = True
        book, path, encoding, mapping = (self.wiz.book, self.wiz.path, self.wiz.encoding,
                                         dict(self.wiz.mapping))
        assert path is not None  # (the file page chose it before this page shows)
        skipped = self.wiz.skipped_path if self.wiz.check_page.skip_box.isChecked() else None
        problem_header = self.tr("Problem")

        def work(progress: Any) -> ImportReport:
            return import_csv(book, path, encoding=encoding, mapping=mapping,
                              progress=progress, cancel=progress.cancelled,
                              skip_bad_rows=skipped is not None, skipped_rows_path=skipped,
                              problem_header=problem_header, reason_text=reason_text)

        op = run_in_background(self, work, on_success=self._imported, on_failure=self._failed)
        op.progressed.connect(self._progressed)
        op.finished.connect(self._ended)
        self._op = op
        self.wiz.track(op)
        self.completeChanged.emit()

    def stop(self) -> None:
        if self._running and self._op is not None:
            self.cancelled = True
            self.stop_button.setEnabled(False)
            set_message(self.message, self.tr("Stopping…"), HINT)
            self._op.cancel()

    def _progressed(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))

    def _ended(self) -> None:
        # After success, failure and cancel alike (a cancel calls no other handler).
        self._running = False
        self.progress.setVisible(False)
        self.stop_button.setVisible(False)
        if self.report is None and self.cancelled:
            self.summary.setText(self.tr("The import was stopped."))
            set_message(self.message, self.tr("Nothing was imported."), HINT)
        self.completeChanged.emit()
        self.wiz.op_ended()

    def _imported(self, report: ImportReport) -> None:
        self.report = report
        self.summary.setText(self.tr("Imported: %1 new, %2 updated.")
                             .replace("%1", f"{report.created:,}")
                             .replace("%2", f"{report.updated:,}"))
        skipped = len({p.row for p in report.problems})
        if skipped and self.wiz.skipped_path is not None:
            set_message(self.message, self.tr(
                "%n row(s) skipped, written to %1: fix them there and import that file.",
                "", skipped).replace("%1", str(self.wiz.skipped_path)), HINT)
        else:
            set_message(self.message, "")

    def _failed(self, exc: BaseException) -> None:
        self.summary.setText(self.tr("Nothing was imported."))
        if isinstance(exc, ImportRowsError):
            # The book changed between the check and the import (a sync, another window).
            set_message(self.message, self.tr(
                "Some rows no longer fit the customer book, which changed since the check. "
                "Go through the import again to see them."), ERROR)
        elif isinstance(exc, OtokuiError):
            set_message(self.message, error_text(exc), ERROR)
        else:
            set_message(self.message, "")
            show_error(self, exc)

    def isComplete(self) -> bool:
        return not self._running


class ImportWizard(QWizard):
    """Import a CSV file into ``book``. ``set_path`` chooses the file without a dialog."""

    def __init__(self, book: Book, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.book = book
        self.preview: CsvPreview | None = None
        self.path: Path | None = None
        self.encoding = "auto"
        self.mapping: dict[int, str | None] = {}
        self.problems: list[RowProblem] = []
        # Where the rows an import skips go ("import the good rows"); None: all or nothing.
        self.skipped_path: Path | None = None
        self._ops: list[BackgroundOp] = []
        self._close_when_done = False
        self.setWindowTitle(self.tr("Import customers from CSV"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        # The import page has its own Stop button; after it, only Close makes sense.
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.check_page = CheckPage(self)
        self.result_page = ResultPage(self)
        for page in (self.file_page, self.mapping_page, self.check_page, self.result_page):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("Next"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("Back"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("Close"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("Cancel"))
        self.resize(820, 640)

    def set_path(self, path: Path, encoding: str = "auto") -> None:
        self.file_page.path_edit.setText(str(path))
        index = self.file_page.encoding_combo.findData(encoding)
        self.file_page.encoding_combo.setCurrentIndex(max(0, index))

    def track(self, op: BackgroundOp) -> None:
        self._ops = [o for o in self._ops if o.running] + [op]
        op.finished.connect(self.op_ended)

    @property
    def busy(self) -> bool:
        return (any(o.running for o in self._ops) or self.file_page._loading
                or self.check_page.running or self.result_page.running)

    def op_ended(self) -> None:
        if self._close_when_done and not self.busy:
            self._close_when_done = False
            super().reject()

    def reject(self) -> None:
        """Cancel: stop what runs (the core then keeps nothing) and close once stopped."""
        if self.busy:
            for op in self._ops:
                op.cancel()
            self.result_page.cancelled = self.result_page.running or self.result_page.cancelled
            self._close_when_done = True
            return
        super().reject()
