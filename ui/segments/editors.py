"""The editor of one condition's values, one class per kind of condition.

Each editor shows only what its kind (and, for custom fields, the field's type) supports,
as :mod:`app.segments` validates it: ``condition()`` returns the core's dataclass, or raises
:class:`app.segments.ConditionError` (path empty: the row adds it) with a plain message when
something is missing or cannot be read; ``set_condition()`` shows a saved one exactly. What
the owner typed stays in the widgets whatever the outcome: switching an operator only hides
the widgets it does not use.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from app import prefectures
from app.fields import FieldType
from app.segments import (
    FIELD_OPS,
    MAX_DAYS,
    MAX_NUMBER,
    BirthdayCondition,
    Condition,
    ConditionError,
    ConsentCondition,
    FieldCondition,
    FollowedCondition,
    LastMessageCondition,
    LineCondition,
    PrefectureCondition,
    TagCondition,
)
from ui.segments.picker import MultiPicker

# A plain name lupdate recognises (it does not follow other aliases).
translate = QCoreApplication.translate


def comparison_after_value() -> bool:
    """Whether the language reads the comparison after the value: Japanese says
    "来店回数 5 以上" (visits, 5, at least), English "visits at least 5"."""
    return translate("SegmentRow", "comparison before the value",
                     "Word order in a condition row: translate as “comparison after the "
                     "value” when the language reads that way (Japanese does)") \
        == "comparison after the value"


def _incomplete(message: str) -> ConditionError:
    return ConditionError((), message=message)


def to_qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date_edit(parent: QWidget) -> QDateEdit:
    edit = QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy/MM/dd")
    edit.setDate(QDate.currentDate())
    edit.setMinimumWidth(120)
    return edit


def _days_spin(parent: QWidget, suffix: str) -> QSpinBox:
    spin = QSpinBox(parent)
    spin.setRange(0, MAX_DAYS)
    spin.setValue(30)
    spin.setSuffix(suffix)
    spin.setMinimumWidth(110)
    return spin


def parse_number(text: str) -> float | None:
    """A number as owners type it: full-width digits, thousands commas, spaces; else None."""
    cleaned = unicodedata.normalize("NFKC", text).replace(",", "").replace(" ", "").strip()
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) and abs(value) <= MAX_NUMBER else None


def number_text(value: float | int) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


class _Editor(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSpacing(6)

    def _watch(self, *widgets: QWidget) -> None:
        for w in widgets:
            if isinstance(w, QComboBox):
                w.currentIndexChanged.connect(self.changed)
            elif isinstance(w, QLineEdit):
                w.textChanged.connect(self.changed)
            elif isinstance(w, QDateEdit):
                w.dateChanged.connect(self.changed)
            elif isinstance(w, QSpinBox):
                w.valueChanged.connect(self.changed)
            elif isinstance(w, MultiPicker):
                w.changed.connect(self.changed)

    def condition(self) -> Condition:
        raise NotImplementedError

    def set_condition(self, cond: Any) -> None:
        raise NotImplementedError


def _combo(parent: QWidget, entries: list[tuple[Any, str]]) -> QComboBox:
    combo = QComboBox(parent)
    for value, label in entries:
        combo.addItem(label, value)
    return combo


def _choose(combo: QComboBox, value: Any) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)


class TagEditor(_Editor):
    def __init__(self, tags: list[tuple[int, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.match = _combo(self, [("any", translate("SegmentRow", "has any of")),
                                   ("all", translate("SegmentRow", "has all of")),
                                   ("none", translate("SegmentRow", "has none of"))])
        self.tags = MultiPicker(tags, translate("SegmentRow", "Choose tags…"), self)
        self.row.addWidget(self.match)
        self.row.addWidget(self.tags, 1)
        self._watch(self.match, self.tags)

    def condition(self) -> Condition:
        ids = tuple(int(t) for t in self.tags.selected())  # type: ignore[call-overload]
        if not ids:
            raise _incomplete(translate("SegmentRow", "Choose at least one tag."))
        return TagCondition(self.match.currentData(), ids)

    def set_condition(self, cond: TagCondition) -> None:
        _choose(self.match, cond.match)
        self.tags.set_selected(list(cond.tag_ids), missing_label=translate(
            "SegmentRow", "(deleted tag)"))


def field_op_label(op: str, ftype: FieldType) -> str:
    attachment = ftype in (FieldType.IMAGE, FieldType.FILE)
    labels = {
        "equals": translate("SegmentRow", "is"),
        "contains": translate("SegmentRow", "contains"),
        "gte": translate("SegmentRow", "at least"),
        "lte": translate("SegmentRow", "at most"),
        "between": translate("SegmentRow", "between"),
        "before": translate("SegmentRow", "before"),
        "after": translate("SegmentRow", "after"),
        "next_days": translate("SegmentRow", "within the next days"),
        "last_days": translate("SegmentRow", "within the last days"),
        "any_of": translate("SegmentRow", "is any of"),
        "all_of": translate("SegmentRow", "includes all of"),
        "empty": (translate("SegmentRow", "has no file") if attachment
                  else translate("SegmentRow", "is empty")),
        "not_empty": (translate("SegmentRow", "has a file") if attachment
                      else translate("SegmentRow", "is not empty")),
    }
    return labels[op]


class FieldEditor(_Editor):
    """A custom field: the operators its type allows, and the widgets each one needs."""

    def __init__(self, field_id: int, ftype: FieldType, choices: list[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field_id = field_id
        self.ftype = ftype
        self.op = _combo(self, [(op, field_op_label(op, ftype)) for op in FIELD_OPS[ftype]])
        self.text = QLineEdit(self)
        self.text.setPlaceholderText(translate("SegmentRow", "Text"))
        self.number1 = QLineEdit(self)
        self.number1.setPlaceholderText(translate("SegmentRow", "Number"))
        self.number2 = QLineEdit(self)
        self.number2.setPlaceholderText(translate("SegmentRow", "Number"))
        for edit in (self.number1, self.number2):
            edit.setMaximumWidth(120)
        self.date1 = _date_edit(self)
        self.date2 = _date_edit(self)
        self.days = _days_spin(self, translate("SegmentRow", " days"))
        self.choices = MultiPicker([(c, c) for c in choices],
                                   translate("SegmentRow", "Choose…"), self)
        self.dash = QLabel("〜", self)
        after = comparison_after_value()
        if not after:
            self.row.addWidget(self.op)
        for w in (self.text, self.number1, self.date1, self.dash, self.number2, self.date2,
                  self.days, self.choices):
            self.row.addWidget(w, 1 if w in (self.text, self.choices) else 0)
        if after:  # "来店回数 | 5 | 以上", "会員ランク | ゴールド | のいずれか"
            self.row.addWidget(self.op)
        self.row.addStretch(0)
        self._watch(self.op, self.text, self.number1, self.number2, self.date1, self.date2,
                    self.days, self.choices)
        self.op.currentIndexChanged.connect(self._show_for_op)
        self._show_for_op()

    @property
    def numeric(self) -> bool:
        return self.ftype in (FieldType.NUMBER, FieldType.POINTS)

    def _shown_for(self, op: str) -> set[QWidget]:
        if op in ("equals", "contains"):
            return {self.number1} if self.numeric else {self.text}
        if op in ("gte", "lte"):
            return {self.number1}
        if op in ("before", "after"):
            return {self.date1}
        if op == "between":
            return ({self.number1, self.dash, self.number2} if self.numeric
                    else {self.date1, self.dash, self.date2})
        if op in ("next_days", "last_days"):
            return {self.days}
        if op in ("any_of", "all_of"):
            return {self.choices}
        return set()

    def _show_for_op(self) -> None:
        shown = self._shown_for(self.op.currentData())
        for w in (self.text, self.number1, self.number2, self.date1, self.date2, self.dash,
                  self.days, self.choices):
            w.setVisible(w in shown)

    def _number(self, edit: QLineEdit) -> float:
        value = parse_number(edit.text())
        if value is None:
            raise _incomplete(translate("SegmentRow", "Enter a number."))
        return value

    def condition(self) -> Condition:
        op = self.op.currentData()
        value: Any = None
        if op in ("equals", "contains") and not self.numeric:
            if not self.text.text().strip():
                raise _incomplete(translate("SegmentRow", "Enter a text."))
            value = self.text.text()
        elif op in ("equals", "gte", "lte"):
            value = self._number(self.number1)
        elif op in ("before", "after"):
            value = self.date1.date().toPython()
        elif op == "between":
            if self.numeric:
                value = (self._number(self.number1), self._number(self.number2))
            else:
                value = (self.date1.date().toPython(), self.date2.date().toPython())
        elif op in ("next_days", "last_days"):
            value = self.days.value()
        elif op in ("any_of", "all_of"):
            value = tuple(self.choices.selected())
            if not value:
                raise _incomplete(translate("SegmentRow", "Choose at least one."))
        return FieldCondition(self.field_id, op, value)

    def set_condition(self, cond: FieldCondition) -> None:
        _choose(self.op, cond.op)
        op, value = cond.op, cond.value
        if op in ("equals", "contains") and isinstance(value, str):
            self.text.setText(value)
        elif op in ("equals", "gte", "lte") and value is not None:
            self.number1.setText(number_text(value))
        elif op in ("before", "after") and isinstance(value, dt.date):
            self.date1.setDate(to_qdate(value))
        elif op == "between" and isinstance(value, tuple | list) and len(value) == 2:
            lo, hi = value
            if isinstance(lo, dt.date) and isinstance(hi, dt.date):
                self.date1.setDate(to_qdate(lo))
                self.date2.setDate(to_qdate(hi))
            else:
                self.number1.setText(number_text(lo))
                self.number2.setText(number_text(hi))
        elif op in ("next_days", "last_days") and isinstance(value, int):
            self.days.setValue(value)
        elif op in ("any_of", "all_of") and value:
            self.choices.set_selected(list(value), missing_label="")
        self._show_for_op()


class FollowedEditor(_Editor):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.op = _combo(self, [("before", translate("SegmentRow", "before")),
                                ("after", translate("SegmentRow", "after")),
                                ("last_days", translate("SegmentRow", "within the last days"))])
        self.date = _date_edit(self)
        self.days = _days_spin(self, translate("SegmentRow", " days"))
        self.row.addWidget(self.op)
        self.row.addWidget(self.date)
        self.row.addWidget(self.days)
        self.row.addStretch(1)
        self._watch(self.op, self.date, self.days)
        self.op.currentIndexChanged.connect(self._show_for_op)
        self._show_for_op()

    def _show_for_op(self) -> None:
        days = self.op.currentData() == "last_days"
        self.date.setVisible(not days)
        self.days.setVisible(days)

    def condition(self) -> Condition:
        op = self.op.currentData()
        if op == "last_days":
            return FollowedCondition(op, self.days.value())
        day = self.date.date().toPython()
        assert isinstance(day, dt.date)  # (typed object: toPython() serves all types)
        return FollowedCondition(op, day)

    def set_condition(self, cond: FollowedCondition) -> None:
        _choose(self.op, cond.op)
        if isinstance(cond.value, dt.date):
            self.date.setDate(to_qdate(cond.value))
        elif isinstance(cond.value, int):
            self.days.setValue(cond.value)
        self._show_for_op()


class BirthdayEditor(_Editor):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        months: list[tuple[Any, str]] = [(0, translate("SegmentRow", "this month"))]
        months += [(m, translate("SegmentRow", "month %1").replace("%1", str(m)))
                   for m in range(1, 13)]
        self.month = _combo(self, months)
        self.row.addWidget(self.month)
        self.row.addStretch(1)
        self._watch(self.month)

    def condition(self) -> Condition:
        month = self.month.currentData()
        return BirthdayCondition(month or None)

    def set_condition(self, cond: BirthdayCondition) -> None:
        _choose(self.month, cond.month or 0)


class LineEditor(_Editor):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.on = _combo(self, [(True, translate("SegmentRow", "is a LINE friend")),
                                (False, translate("SegmentRow", "is not on LINE"))])
        self.row.addWidget(self.on)
        self.row.addStretch(1)
        self._watch(self.on)

    def condition(self) -> Condition:
        return LineCondition(bool(self.on.currentData()))

    def set_condition(self, cond: LineCondition) -> None:
        _choose(self.on, bool(cond.on_line))


class LastMessageEditor(_Editor):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.days = _days_spin(self, translate("SegmentRow", " days"))
        self.row.addWidget(QLabel(translate("SegmentRow", "within the last"), self))
        self.row.addWidget(self.days)
        self.row.addStretch(1)
        self._watch(self.days)

    def condition(self) -> Condition:
        return LastMessageCondition(self.days.value())

    def set_condition(self, cond: LastMessageCondition) -> None:
        if isinstance(cond.days, int):
            self.days.setValue(cond.days)


class PrefectureEditor(_Editor):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prefectures = MultiPicker(
            [(p, p) for p in prefectures.PREFECTURES],
            translate("SegmentRow", "Choose prefectures…"), self,
            filter_hint=translate("SegmentRow", "Filter prefectures"))
        self.row.addWidget(QLabel(translate("SegmentRow", "is in"), self))
        self.row.addWidget(self.prefectures, 1)
        self._watch(self.prefectures)

    def condition(self) -> Condition:
        names = tuple(str(p) for p in self.prefectures.selected())
        if not names:
            raise _incomplete(translate(
                "SegmentRow", "Choose at least one prefecture."))
        return PrefectureCondition(names)

    def set_condition(self, cond: PrefectureCondition) -> None:
        self.prefectures.set_selected(list(cond.prefectures))


class ConsentEditor(_Editor):
    """Agreed to the privacy policy's version N or a later one (a form's consent item,
    app.privacy.consent)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.version = QSpinBox(self)
        self.version.setObjectName("segmentConsentVersion")
        self.version.setRange(1, 9999)
        # Japanese reads 「第 N 版またはそれ以降に同意した」: the words around the number.
        # "or a later one", or "only an older one" (those to tell about version N).
        self.which = QComboBox(self)
        self.which.setObjectName("segmentConsentWhich")
        self.which.addItem(translate("SegmentRow", "or a later one"), False)
        self.which.addItem(translate("SegmentRow", "— agreed only to an earlier one"), True)
        self.row.addWidget(QLabel(translate("SegmentRow", "agreed to version"), self))
        self.row.addWidget(self.version)
        self.row.addWidget(self.which)
        self.row.addStretch(1)
        self._watch(self.version)
        self._watch(self.which)

    def condition(self) -> Condition:
        return ConsentCondition(self.version.value(), bool(self.which.currentData()))

    def set_condition(self, cond: ConsentCondition) -> None:
        if isinstance(cond.min_version, int):
            self.version.setValue(cond.min_version)
        self.which.setCurrentIndex(1 if cond.older_only is True else 0)


class KeptEditor(_Editor):
    """A saved condition this book can no longer show (its field was deleted): kept as it
    is, so the check names the problem and the owner removes the row."""

    def __init__(self, cond: Condition, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cond = cond
        label = QLabel(translate(
            "SegmentRow", "A condition on a field that was deleted"), self)
        label.setObjectName("segmentKeptCondition")
        self.row.addWidget(label, 1)

    def condition(self) -> Condition:
        return self.cond

    def set_condition(self, cond: Condition) -> None:
        self.cond = cond
