"""設定 → プライバシー → 保存期間: the retention rules, their preview ("these 213 customers
will be deleted") and the run — which deletes exactly the previewed plan
(app.privacy.retention: the preview is what runs)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.formatting import format_number
from ui.worker import RunningOps, run_in_background

if TYPE_CHECKING:
    from app.book import Book
    from app.privacy.retention import RetentionPlan, RetentionRules


class RetentionPage(QWidget):
    def __init__(self, book: Book, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from app.privacy import retention

        self.book = book
        self.ops = RunningOps()
        self.plan: RetentionPlan | None = None
        self._planned_rules: RetentionRules | None = None
        rules = retention.rules(book)
        self.blocked_spin = self._spin(self.tr(" months"), 240, rules.blocked_months)
        self.message_spin = self._spin(self.tr(" years"), 30, rules.message_years)
        self.attachment_spin = self._spin(self.tr(" years"), 30, rules.attachment_years)
        form = QFormLayout()
        form.addRow(self.tr("Delete friends blocked for more than"), self.blocked_spin)
        form.addRow(self.tr("Delete messages older than"), self.message_spin)
        form.addRow(self.tr("Delete files older than"), self.attachment_spin)
        self.preview_button = QPushButton(self.tr("Preview"), self)
        self.save_button = QPushButton(self.tr("Save rules"), self)
        self.run_button = QPushButton(self.tr("Delete now…"), self)
        self.run_button.setEnabled(False)
        for b in (self.preview_button, self.save_button, self.run_button):
            b.setAutoDefault(False)
        self.summary = QLabel(self.tr("Preview first: nothing is deleted before you see "
                                      "what goes."), self)
        self.summary.setWordWrap(True)
        self.summary.setObjectName("retentionSummary")
        self.names = QListWidget(self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(self.run_button)
        layout = QVBoxLayout(self)
        note = QLabel(self.tr("Keep customer data no longer than needed. 0 means never. "
                              "Every run is recorded in the audit log."), self)
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)
        layout.addWidget(self.names, 1)
        for spin in (self.blocked_spin, self.message_spin, self.attachment_spin):
            spin.valueChanged.connect(self._changed)
        self.preview_button.clicked.connect(lambda _c=False: self.preview())
        self.save_button.clicked.connect(lambda _c=False: self.save())
        self.run_button.clicked.connect(lambda _c=False: self.run())

    def _spin(self, suffix: str, top: int, value: int | None) -> QSpinBox:
        spin = QSpinBox(self)
        spin.setRange(0, top)
        spin.setSuffix(suffix)
        spin.setSpecialValueText(self.tr("Never"))
        spin.setValue(value or 0)
        spin.setMaximumWidth(160)
        return spin

    def rules(self) -> RetentionRules:
        from app.privacy.retention import RetentionRules

        return RetentionRules.from_dict({
            "blocked_months": self.blocked_spin.value(),
            "message_years": self.message_spin.value(),
            "attachment_years": self.attachment_spin.value()})

    def _changed(self) -> None:
        # A plan made for other rules must not run.
        self.plan = None
        self.run_button.setEnabled(False)

    def save(self) -> None:
        from app.privacy.retention import save_rules

        save_rules(self.book, self.rules())
        self.summary.setText(self.tr("Rules saved."))

    def preview(self) -> None:
        from app.privacy import retention

        book, rules = self.book, self.rules()

        def work(_p: Any) -> tuple[RetentionPlan, list[tuple[int, str]]]:
            todo = retention.plan(book, rules)
            return todo, retention.customer_labels(book, todo.customers)

        def done(result: Any) -> None:
            todo, labels = result
            self.plan, self._planned_rules = todo, rules
            self.summary.setText(self.tr(
                "These %1 customers, %2 messages and %3 files will be deleted.")
                .replace("%1", format_number(len(todo.customers)))
                .replace("%2", format_number(len(todo.messages)))
                .replace("%3", format_number(len(todo.attachments))))
            self.names.clear()
            for cid, name in labels:
                self.names.addItem(f"{cid}  {name}")
            if len(todo.customers) > len(labels):
                self.names.addItem("…")
            self.run_button.setEnabled(bool(todo.customers or todo.messages
                                            or todo.attachments))
        self.ops.track(run_in_background(self, work, on_success=done))

    def run(self, *, confirm: bool = True) -> None:
        from app.privacy import retention

        todo = self.plan
        if todo is None or self._planned_rules != self.rules():
            return
        if confirm and QMessageBox.question(
                self, self.tr("Retention"),
                self.summary.text() + "\n" + self.tr("Delete them for good?"),
        ) != QMessageBox.StandardButton.Yes:
            return
        book, rules = self.book, self.rules()
        self.run_button.setEnabled(False)

        def work(_p: Any) -> Any:
            retention.save_rules(book, rules)
            return retention.run(book, todo)

        def done(result: Any) -> None:
            self.plan = None
            self.names.clear()
            self.summary.setText(self.tr("Deleted: %1 customers, %2 messages, %3 files.")
                                 .replace("%1", format_number(len(result.customers)))
                                 .replace("%2", format_number(len(result.messages)))
                                 .replace("%3", format_number(len(result.attachments))))
        self.ops.track(run_in_background(self, work, on_success=done,
                                         label=self.tr("Deleting…"), cancellable=False))
