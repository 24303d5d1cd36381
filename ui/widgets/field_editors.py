"""One editor per kind of value, each saving when the owner finishes editing.

An editor emits ``committed(value)`` when editing finishes with a value different from
the one last saved (``None`` means empty). The detail pane stores it through the core and
answers :meth:`FieldEditor.saved` or :meth:`FieldEditor.show_error`; on an error the
editor keeps exactly what was typed, shows the reason under it, and does not let a
refresh from the book overwrite it until the owner fixes it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QDateTime,
    QEvent,
    QObject,
    QSize,
    Qt,
    QTime,
    Signal,
)
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ui.formatting import format_datetime
from ui.i18n import current_language
from ui.resources import icon

EMPTY_DATE = QDate(1900, 1, 1)
EMPTY_NUMBER = -1e15


class FieldEditor(QWidget):
    """Base: an input widget with an error line under it."""

    committed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._saved: Any = None
        self._loading = False
        self._error = False
        self.row = QHBoxLayout()
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSpacing(4)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("fieldError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(self.row)
        layout.addWidget(self.error_label)

    # --- what subclasses provide -----------------------------------------------------------------
    def _get(self) -> Any:
        raise NotImplementedError

    def _set(self, value: Any) -> None:
        raise NotImplementedError

    # --- protocol with the pane ------------------------------------------------------------------
    def value(self) -> Any:
        return self._get()

    def set_value(self, value: Any, *, force: bool = False) -> None:
        """Show ``value`` from the book, unless the owner is busy with this field."""
        if not force and (self._error or self.is_editing()):
            return
        self._loading = True
        try:
            self._set(value)
        finally:
            self._loading = False
        self._saved = self._get()
        if force:
            self.show_error(None)

    def is_editing(self) -> bool:
        focus = self.focusWidget()
        return focus is not None and focus.hasFocus() and self._get() != self._saved

    @property
    def has_error(self) -> bool:
        return self._error

    def commit(self) -> None:
        if self._loading:
            return
        value = self._get()
        if value != self._saved or self._error:
            self.committed.emit(value)

    def saved(self, value: Any = ...) -> None:
        """The book took the value (``value``: as it was stored, if it was changed)."""
        if value is not ...:
            self._loading = True
            try:
                self._set(value)
            finally:
                self._loading = False
        self._saved = self._get()
        self.show_error(None)

    def show_error(self, text: str | None) -> None:
        self._error = bool(text)
        self.error_label.setText(text or "")
        self.error_label.setVisible(bool(text))
        self.setProperty("invalid", bool(text))
        for child in self.findChildren(QWidget):
            child.style().unpolish(child)
            child.style().polish(child)


class _FocusOut(QObject):
    def __init__(self, editor: FieldEditor) -> None:
        super().__init__(editor)
        self._editor = editor

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self._editor.commit()
        return False


class TextEditor(FieldEditor):
    def __init__(self, parent: QWidget | None = None, *, placeholder: str = "") -> None:
        super().__init__(parent)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(placeholder)
        self.edit.editingFinished.connect(self.commit)
        self.row.addWidget(self.edit)
        self.setFocusProxy(self.edit)

    def _get(self) -> str:
        return self.edit.text()

    def _set(self, value: Any) -> None:
        self.edit.setText("" if value is None else str(value))


class LongTextEditor(FieldEditor):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QPlainTextEdit(self)
        self.edit.setTabChangesFocus(True)
        self.edit.setFixedHeight(84)
        self.edit.installEventFilter(_FocusOut(self))
        self.row.addWidget(self.edit)
        self.setFocusProxy(self.edit)

    def _get(self) -> str:
        return self.edit.toPlainText()

    def _set(self, value: Any) -> None:
        self.edit.setPlainText("" if value is None else str(value))


class _OptionalSpin(QDoubleSpinBox):
    """A number spin box that can also be empty (shown blank, stored as no value)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(EMPTY_NUMBER, 1e12)
        self.setDecimals(4)
        self.setSpecialValueText(" ")
        self.setKeyboardTracking(False)
        self.setGroupSeparatorShown(True)
        self.setButtonSymbols(QDoubleSpinBox.ButtonSymbols.UpDownArrows)

    def textFromValue(self, value: float) -> str:
        if value == int(value):
            return self.locale().toString(int(value))
        return self.locale().toString(value, "f", 4).rstrip("0").rstrip(".")

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        if not text.strip():
            return QValidator.State.Acceptable, text, pos
        return super().validate(text, pos)

    def valueFromText(self, text: str) -> float:
        if not text.strip():
            return EMPTY_NUMBER
        return super().valueFromText(text)

    def stepBy(self, steps: int) -> None:
        if self.value() == EMPTY_NUMBER:
            self.setValue(0)
        super().stepBy(steps)


class NumberEditor(FieldEditor):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spin = _OptionalSpin(self)
        self.spin.valueChanged.connect(lambda _v: self.commit())
        self.row.addWidget(self.spin)
        self.setFocusProxy(self.spin)

    def _get(self) -> float | None:
        v = self.spin.value()
        return None if v == EMPTY_NUMBER else v

    def _set(self, value: Any) -> None:
        self.spin.setValue(EMPTY_NUMBER if value is None else float(value))


class _OptionalDateEdit(QDateEdit):
    """A date edit that can be empty (shown as 未設定) and stays empty until a date is
    chosen: a step from empty (an arrow key, or the wheel while it has focus) goes to
    today, not to 1900 plus the steps."""

    def stepBy(self, steps: int) -> None:
        if self.date() == EMPTY_DATE:
            self.setDate(QDate.currentDate())
            return
        super().stepBy(steps)


class _OptionalDateTimeEdit(QDateTimeEdit):
    """:class:`_OptionalDateEdit` for a date and time: a step from empty goes to now."""

    def stepBy(self, steps: int) -> None:
        if self.dateTime().date() == EMPTY_DATE:
            now = QDateTime.currentDateTime()
            self.setDateTime(QDateTime(now.date(), QTime(now.time().hour(), 0)))
            return
        super().stepBy(steps)


def _date_format() -> str:
    return "yyyy年M月d日" if current_language() == "ja" else "MMM d, yyyy"


class DateEditor(FieldEditor):
    """A date with a calendar popup; the × button empties it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = _OptionalDateEdit(self)
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat(_date_format())
        self.edit.setMinimumDate(EMPTY_DATE)
        self.edit.setSpecialValueText(QCoreApplication.translate("FieldEditor", "Not set"))
        self.edit.setKeyboardTracking(False)
        self.edit.dateChanged.connect(lambda _d: self.commit())
        self.clear_button = QToolButton(self)
        self.clear_button.setIcon(icon("clear"))
        self.clear_button.setToolTip(QCoreApplication.translate("FieldEditor", "Clear"))
        self.clear_button.setAutoRaise(True)
        self.clear_button.clicked.connect(self.clear)
        self.row.addWidget(self.edit, 1)
        self.row.addWidget(self.clear_button)
        self.setFocusProxy(self.edit)
        # The popup opens on today rather than on 1900 when the date is empty.
        self.edit.calendarWidget().setSelectedDate(QDate.currentDate())

    def clear(self) -> None:
        self.edit.setDate(EMPTY_DATE)

    def _get(self) -> dt.date | None:
        d = self.edit.date()
        return None if d == EMPTY_DATE else dt.date(d.year(), d.month(), d.day())

    def _set(self, value: Any) -> None:
        if isinstance(value, dt.datetime):
            value = value.date()
        self.edit.setDate(QDate(value.year, value.month, value.day) if value else EMPTY_DATE)


class DateTimeEditor(FieldEditor):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = _OptionalDateTimeEdit(self)
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat(_date_format() + " HH:mm")
        self.edit.setMinimumDateTime(QDateTime(EMPTY_DATE, QTime(0, 0)))
        self.edit.setSpecialValueText(QCoreApplication.translate("FieldEditor", "Not set"))
        self.edit.setKeyboardTracking(False)
        self.edit.dateTimeChanged.connect(lambda _d: self.commit())
        self.clear_button = QToolButton(self)
        self.clear_button.setIcon(icon("clear"))
        self.clear_button.setToolTip(QCoreApplication.translate("FieldEditor", "Clear"))
        self.clear_button.setAutoRaise(True)
        self.clear_button.clicked.connect(
            lambda: self.edit.setDateTime(QDateTime(EMPTY_DATE, QTime(0, 0))))
        self.row.addWidget(self.edit, 1)
        self.row.addWidget(self.clear_button)
        self.setFocusProxy(self.edit)

    def _get(self) -> dt.datetime | None:
        v = self.edit.dateTime()
        if v.date() == EMPTY_DATE:
            return None
        d, t = v.date(), v.time()
        return dt.datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())

    def _set(self, value: Any) -> None:
        if value is None:
            self.edit.setDateTime(QDateTime(EMPTY_DATE, QTime(0, 0)))
        else:
            self.edit.setDateTime(QDateTime(QDate(value.year, value.month, value.day),
                                            QTime(value.hour, value.minute)))


class ChoiceEditor(FieldEditor):
    def __init__(self, choices: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo = QComboBox(self)
        self.combo.addItem(QCoreApplication.translate("FieldEditor", "(none)"), None)
        for c in choices:
            self.combo.addItem(c, c)
        self.combo.activated.connect(lambda _i: self.commit())
        self.row.addWidget(self.combo, 1)
        self.setFocusProxy(self.combo)

    def _get(self) -> str | None:
        choice: str | None = self.combo.currentData()  # (the choices' values are text)
        return choice

    def _set(self, value: Any) -> None:
        index = self.combo.findData(value) if value is not None else 0
        if index < 0:  # a value no longer among the choices is still shown, not lost
            self.combo.addItem(str(value), value)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)


class MultiChoiceEditor(FieldEditor):
    def __init__(self, choices: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget(self)
        self.list.setObjectName("multiChoice")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        for c in choices:
            item = QListWidgetItem(c, self.list)
            item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            item.setCheckState(Qt.CheckState.Unchecked)
        rows = max(1, min(len(choices), 5))
        self.list.setFixedHeight(rows * 24 + 6)
        self.list.itemChanged.connect(lambda _i: self.commit())
        self.row.addWidget(self.list, 1)
        self.setFocusProxy(self.list)

    def _get(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]

    def _set(self, value: Any) -> None:
        chosen = set(value or [])
        self.list.blockSignals(True)
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.text() in chosen
                               else Qt.CheckState.Unchecked)
        self.list.blockSignals(False)


class PointsDialog(QDialog):
    """Add or use points: an amount and an optional reason."""

    def __init__(self, field_name: str, sign: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add points") if sign > 0 else self.tr("Use points"))
        self.amount = QSpinBox(self)
        self.amount.setRange(1, 10_000_000)
        self.amount.setGroupSeparatorShown(True)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText(self.tr("For example: visit on 11/29"))
        form = QFormLayout(self)
        form.addRow(QLabel(field_name, self))
        form.addRow(self.tr("Points:"), self.amount)
        form.addRow(self.tr("Reason:"), self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.sign = sign

    def delta(self) -> int:
        return self.sign * self.amount.value()


class PointsEditor(FieldEditor):
    """The balance, + and − buttons, and the history (a points field is never typed over)."""

    #: (delta, reason)
    points_added = Signal(int, str)
    history_requested = Signal()

    def __init__(self, field_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field_name = field_name
        self.balance = QLabel("0", self)
        self.balance.setObjectName("pointsBalance")
        self.add_button = QToolButton(self)
        self.add_button.setIcon(icon("plus"))
        self.add_button.setToolTip(self.tr("Add points"))
        self.use_button = QToolButton(self)
        self.use_button.setIcon(icon("minus"))
        self.use_button.setToolTip(self.tr("Use points"))
        self.history_button = QToolButton(self)
        self.history_button.setIcon(icon("history"))
        self.history_button.setToolTip(self.tr("Points history"))
        self.add_button.clicked.connect(lambda: self.ask(1))
        self.use_button.clicked.connect(lambda: self.ask(-1))
        self.history_button.clicked.connect(self.history_requested)
        self.row.addWidget(self.balance, 1)
        self.row.addWidget(self.add_button)
        self.row.addWidget(self.use_button)
        self.row.addWidget(self.history_button)
        self._value = 0

    def ask(self, sign: int) -> None:
        dialog = PointsDialog(self.field_name, sign, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.points_added.emit(dialog.delta(), dialog.reason.text().strip())

    def _get(self) -> int:
        return self._value

    def _set(self, value: Any) -> None:
        self._value = int(value or 0)
        self.balance.setText(self.tr("%1 pt").replace("%1", f"{self._value:,}"))

    def is_editing(self) -> bool:
        return False


class PointsHistory(QDialog):
    """The history of a points field: when, how many, why."""

    def __init__(self, field_name: str, entries: list[Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Points history: %1").replace("%1", field_name))
        table = QTableWidget(len(entries), 3, self)
        table.setObjectName("pointsHistory")
        table.setHorizontalHeaderLabels([self.tr("When"), self.tr("Points"),
                                         self.tr("Reason")])
        for column in range(3):  # the points' header over the points, on the right
            header = table.horizontalHeaderItem(column)
            assert header is not None  # set by setHorizontalHeaderLabels
            header.setTextAlignment(
                (Qt.AlignmentFlag.AlignRight if column == 1 else Qt.AlignmentFlag.AlignLeft)
                | Qt.AlignmentFlag.AlignVCenter)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for row, e in enumerate(reversed(entries)):
            table.setItem(row, 0, QTableWidgetItem(format_datetime(e.at)))
            amount = QTableWidgetItem(f"{e.delta:+,}")
            amount.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(row, 1, amount)
            table.setItem(row, 2, QTableWidgetItem(e.reason))
        table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        table.resizeColumnsToContents()
        self.table = table
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)
        self.resize(QSize(460, 320))


def editor_for(field: Any, parent: QWidget | None = None) -> FieldEditor | None:
    """The editor for a custom field's type; None for image and file fields."""
    from app.fields import FieldType

    kind = FieldType(field.type)
    if kind is FieldType.TEXT:
        return TextEditor(parent)
    if kind is FieldType.LONG_TEXT:
        return LongTextEditor(parent)
    if kind is FieldType.NUMBER:
        return NumberEditor(parent)
    if kind is FieldType.DATE:
        return DateEditor(parent)
    if kind is FieldType.DATETIME:
        return DateTimeEditor(parent)
    if kind is FieldType.SINGLE_CHOICE:
        return ChoiceEditor(list(field.choices), parent)
    if kind is FieldType.MULTI_CHOICE:
        return MultiChoiceEditor(list(field.choices), parent)
    if kind is FieldType.POINTS:
        return PointsEditor(field.name, parent)
    return None
