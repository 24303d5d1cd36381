"""The birthday setting (誕生日メッセージ) in the ステップ配信 window: on or off, on the day or
N days before, the time, the message with its coupon, the coupon's validity.

It edits ``app.sequences.birthday.BirthdaySettings`` and saves with
``birthday.save`` (which keeps the reserved sequence 「誕生日メッセージ」 in step); the
sending is the sequences' timer's (ui/automation/integration.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app.errors import OtokuiError
from app.sequences import birthday
from ui.errors import translate_error
from ui.segments.conditions import ERROR_COLOUR

if TYPE_CHECKING:
    from app.book import Book


class BirthdayDialog(QDialog):
    def __init__(self, book: Book, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("birthdayDialog")
        self.setWindowTitle(self.tr("Birthday messages"))
        self.book = book
        self.enabled = QCheckBox(self.tr("Send a birthday message to each friend"), self)
        self.enabled.setObjectName("birthdayEnabled")
        self.when = QComboBox(self)
        self.when.setObjectName("birthdayWhen")
        self.when.addItem(self.tr("On the birthday"), False)
        self.when.addItem(self.tr("Days before the birthday"), True)
        self.days = QSpinBox(self)
        self.days.setObjectName("birthdayDaysBefore")
        self.days.setRange(1, 60)
        self.at = QTimeEdit(self)
        self.at.setObjectName("birthdayAt")
        self.at.setDisplayFormat("HH:mm")
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("birthdayText")
        self.text.setMinimumHeight(90)
        hint = QLabel(self.tr(
            "{クーポン} becomes a coupon code of the friend's own; {名前} their name. The "
            "owner marks a coupon used with 使う in the customer's details."), self)
        hint.setWordWrap(True)
        self.coupon_days = QSpinBox(self)
        self.coupon_days.setObjectName("birthdayCouponDays")
        self.coupon_days.setRange(0, 3650)
        self.coupon_days.setSuffix(self.tr(" days"))
        self.problem = QLabel(self)
        self.problem.setObjectName("birthdayProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.problem.hide()
        when = QHBoxLayout()
        when.addWidget(self.when)
        when.addWidget(self.days)
        form = QFormLayout()
        form.addRow("", self.enabled)
        form.addRow(self.tr("Send on"), when)
        form.addRow(self.tr("At (Japan time)"), self.at)
        form.addRow(self.tr("Message"), self.text)
        form.addRow("", hint)
        form.addRow(self.tr("Coupon valid for"), self.coupon_days)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
            Qt.Orientation.Horizontal, self)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.problem)
        box.addWidget(self.buttons)
        self.when.currentIndexChanged.connect(self._when_changed)
        self.load()

    def _when_changed(self) -> None:
        self.days.setEnabled(bool(self.when.currentData()))

    def load(self) -> None:
        now = birthday.settings(self.book)
        self.enabled.setChecked(now.enabled)
        self.when.setCurrentIndex(1 if now.days_before else 0)
        self.days.setValue(max(1, now.days_before))
        hh, _, mm = now.at.partition(":")
        self.at.setTime(QTime(int(hh or 10), int(mm or 0)))
        self.text.setPlainText(now.text)
        self.coupon_days.setValue(now.coupon_days)
        self._when_changed()

    def value(self) -> birthday.BirthdaySettings:
        return birthday.BirthdaySettings(
            enabled=self.enabled.isChecked(),
            days_before=self.days.value() if self.when.currentData() else 0,
            at=self.at.time().toString("HH:mm"),
            text=self.text.toPlainText().strip(),
            coupon_days=self.coupon_days.value())

    def save(self) -> bool:
        """Store the setting; False (the reason shown, nothing typed lost) when refused."""
        new = self.value()
        if not new.text:
            return self._refuse(self.tr("Write the birthday message."))
        try:
            birthday.save(self.book, new)
        except OtokuiError as exc:
            return self._refuse(translate_error(exc)[0])
        self.problem.hide()
        self.accept()
        return True

    def _refuse(self, text: str) -> bool:
        self.problem.setText(text)
        self.problem.show()
        return False
