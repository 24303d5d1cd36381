"""Attaching files to a customer: what they are, which date they carry, then encryption.

Files dropped on the detail pane or on a customer's row (or chosen with "Add files…")
come here. :class:`AttachDialog` asks what kind of document they are and an optional
labelled date (契約日, 予約日 …), defaulting from the file itself (a PDF is most likely a
contract, an image a photo). Encryption then runs in the background with a progress bar
and a cancel button when the files are big; a cancelled file leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.attachments import KIND_LABELS, AttachmentKind, guess_kind, sniff_mime
from ui.i18n import current_language

if TYPE_CHECKING:
    from app.book import Book
    from ui.worker import BackgroundOp

log = logging.getLogger("otokui.ui.attach")

#: Above this many bytes in total, encryption shows a progress dialog with cancel.
PROGRESS_ABOVE = 4 * 1024 * 1024


def kind_label(kind: str) -> str:
    try:
        source = KIND_LABELS[AttachmentKind(kind)]
    except ValueError:
        return kind
    return QCoreApplication.translate("attachments", source)


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:,.0f} {unit}" if unit == "B" else f"{value:,.1f} {unit}"
        value /= 1024
    return f"{size} B"


class AttachDialog(QDialog):
    """Kind, date label and date for new files, or for an attachment being edited."""

    def __init__(self, parent: QWidget | None = None, *, files: list[Path] | None = None,
                 kind: str | None = None, date_label: str = "",
                 labelled_date: dt.date | None = None, customer_name: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("attachDialog")
        self.files = list(files or [])
        editing = files is None
        self.setWindowTitle(self.tr("Attachment details") if editing
                            else self.tr("Attach files"))
        layout = QVBoxLayout(self)
        # Whose files these become, said first: a drop on the wrong row is seen here.
        self.customer_label = QLabel(self)
        self.customer_label.setObjectName("attachCustomer")
        self.customer_label.setWordWrap(True)
        font = self.customer_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.customer_label.setFont(font)
        if customer_name:
            self.customer_label.setText(self.tr("Attach to: %1").replace("%1", customer_name))
            if not editing:
                self.setWindowTitle(self.tr("Attach files to %1").replace("%1", customer_name))
        self.customer_label.setVisible(bool(customer_name))
        layout.addWidget(self.customer_label)
        if self.files:
            names = "\n".join(f"{p.name}  ({human_size(p.stat().st_size)})"
                              for p in self.files[:8])
            if len(self.files) > 8:
                names += "\n" + self.tr("…and %1 more").replace("%1", str(len(self.files) - 8))
            files_label = QLabel(names, self)
            files_label.setObjectName("attachFiles")
            files_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(files_label)
        if kind is None and self.files:
            kind = guess_kind(sniff_mime(self.files[0])).value
        kind = kind or AttachmentKind.OTHER.value

        self.kind_combo = self._kind_combo(kind)
        # Several files: each its own kind (a contract and two photos dropped together),
        # guessed from the file; the combo above sets them all at once.
        self.file_kinds: list[QComboBox] = []
        per_file: QScrollArea | None = None
        if len(self.files) > 1:
            self.kind_combo.insertItem(0, self.tr("Each file as chosen below"), "")
            self.kind_combo.setCurrentIndex(0)
            inner = QWidget(self)
            grid = QFormLayout(inner)
            grid.setContentsMargins(0, 0, 0, 0)
            for path in self.files:
                combo = self._kind_combo(guess_kind(sniff_mime(path)).value)
                combo.setObjectName("attachFileKind")
                combo.currentIndexChanged.connect(lambda _i: self._file_kind_changed())
                name = QLabel(path.name, inner)
                name.setToolTip(path.name)
                name.setMaximumWidth(260)
                grid.addRow(name, combo)
                self.file_kinds.append(combo)
            per_file = QScrollArea(self)
            per_file.setObjectName("attachFileKinds")
            per_file.setWidgetResizable(True)
            per_file.setFrameShape(QFrame.Shape.NoFrame)
            per_file.setWidget(inner)
            per_file.setMaximumHeight(min(220, 34 * len(self.files) + 8))
            self._file_kind_changed()  # all guessed alike: that kind shows above
        self.label_combo = QComboBox(self)
        self.label_combo.setEditable(True)
        self.label_combo.addItems([self.tr("Contract date"), self.tr("Reservation date"),
                                   self.tr("Date taken"), self.tr("Date checked"),
                                   self.tr("Visit date")])
        self.date_check = QCheckBox(self.tr("Add a date"), self)
        self.date_edit = QDateEdit(self)
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy年M月d日" if current_language() == "ja"
                                        else "MMM d, yyyy")
        self.date_edit.setDate(QDate.currentDate())
        self.date_check.toggled.connect(self.date_edit.setEnabled)
        self.date_check.toggled.connect(self.label_combo.setEnabled)
        if date_label:
            self.label_combo.setCurrentText(date_label)
        else:
            self._label_for_kind(kind)
        if labelled_date is not None:
            self.date_edit.setDate(QDate(labelled_date.year, labelled_date.month,
                                         labelled_date.day))
        # New contracts and IDs usually carry a date; photos and others usually do not.
        wants_date = labelled_date is not None if editing else kind in ("contract", "id")
        self.date_check.setChecked(wants_date)
        self.date_edit.setEnabled(wants_date)
        self.label_combo.setEnabled(wants_date)
        self.kind_combo.currentIndexChanged.connect(lambda _i: self._kind_changed())

        form = QFormLayout()
        form.addRow(self.tr("Kind:"), self.kind_combo)
        if per_file is not None:
            form.addRow(per_file)
        date_row = QHBoxLayout()
        date_row.addWidget(self.label_combo, 1)
        date_row.addWidget(self.date_edit, 1)
        form.addRow(self.date_check)
        form.addRow(self.tr("Date:"), date_row)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            self.tr("Save") if editing else self.tr("Attach"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _kind_combo(self, kind: str) -> QComboBox:
        combo = QComboBox(self)
        for k in AttachmentKind:
            combo.addItem(kind_label(k.value), k.value)
        combo.setCurrentIndex(max(0, combo.findData(kind)))
        return combo

    def _kind_changed(self) -> None:
        chosen = self.kind_combo.currentData()
        if chosen:  # one kind for all the files
            for combo in self.file_kinds:
                combo.blockSignals(True)
                combo.setCurrentIndex(max(0, combo.findData(chosen)))
                combo.blockSignals(False)
            self._label_for_kind(chosen)

    def _file_kind_changed(self) -> None:
        kinds = set(self.kinds())
        index = self.kind_combo.findData(kinds.pop()) if len(kinds) == 1 else 0
        self.kind_combo.blockSignals(True)
        self.kind_combo.setCurrentIndex(index)
        self.kind_combo.blockSignals(False)

    def kinds(self) -> list[str]:
        """The kind of each file, in order (one file, or one kind for all: the same)."""
        if self.file_kinds:
            return [str(c.currentData()) for c in self.file_kinds]
        return [self.kind()] * len(self.files)

    def _label_for_kind(self, kind: str) -> None:
        labels = {"contract": self.tr("Contract date"), "id": self.tr("Date checked"),
                  "photo": self.tr("Date taken")}
        if kind in labels:
            self.label_combo.setCurrentText(labels[kind])

    def kind(self) -> str:
        """The kind chosen for all (several files of different kinds: the first one's)."""
        chosen = self.kind_combo.currentData()
        if not chosen and self.file_kinds:
            return str(self.file_kinds[0].currentData())
        return str(chosen)

    def date_label(self) -> str:
        return self.label_combo.currentText().strip() if self.date_check.isChecked() else ""

    def labelled_date(self) -> dt.date | None:
        if not self.date_check.isChecked():
            return None
        d = self.date_edit.date()
        return dt.date(d.year(), d.month(), d.day())


def usable_files(paths: list[Path]) -> tuple[list[Path], list[Path], list[Path]]:
    """(files to attach, folders and missing files, empty files) — the last two are left out
    and named to the owner: a 0-byte file is nothing to keep."""
    files = [p for p in paths if p.is_file()]
    not_files = [p for p in paths if p not in files]
    empty = [p for p in files if p.stat().st_size == 0]
    return [p for p in files if p not in empty], not_files, empty


def encrypt_files(parent: QWidget, book: Book, customer_id: int, files: list[Path], *,
                  kind: str, date_label: str, labelled_date: dt.date | None,
                  kinds: list[str] | None = None,
                  on_done: Callable[[list[int]], None] | None = None,
                  on_failure: Callable[[BaseException], None] | None = None) -> BackgroundOp:
    """Encrypt ``files`` into the book in the background; ``on_done(ids)`` afterwards.

    ``kinds``: each file's own kind (else ``kind`` for all)."""
    from ui.worker import run_in_background

    sizes = [p.stat().st_size for p in files]
    total = sum(sizes)
    each = list(kinds) if kinds is not None else [kind] * len(files)

    def work(progress: Any) -> list[int]:
        ids: list[int] = []
        done_before = 0
        for path, size, file_kind in zip(files, sizes, each, strict=True):
            def step(n: int, base: int = done_before) -> None:
                progress(base + n, total)

            ids.append(book.attachments.add(
                customer_id, path, kind=file_kind, date_label=date_label,
                labelled_date=labelled_date, progress=step, cancel=progress.cancelled))
            done_before += size
        return ids

    label = QCoreApplication.translate("AttachDialog", "Encrypting and attaching…") \
        if total > PROGRESS_ABOVE else None
    return run_in_background(parent, work, on_success=on_done, on_failure=on_failure,
                             label=label, cancellable=True)
