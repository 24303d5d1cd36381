"""When a broadcast goes: now, or at a time picked (the broadcast composer's 送信日時).

The picker offers nothing before now: its earliest is brought up to date whenever the
field or its calendar is opened, since the composer may stay open for hours.
``toggled(later)`` when the choice changes; ``time_picked`` when the owner changes the
time (not when the earliest moving on moves it).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QDateTime, QEvent, QObject, QTime, Signal
from PySide6.QtWidgets import QButtonGroup, QDateTimeEdit, QHBoxLayout, QRadioButton, QWidget


class ScheduleBox(QWidget):
    toggled = Signal(bool)
    time_picked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scheduleBox")
        self.rb_now = QRadioButton(self.tr("Send now"), self)
        self.rb_now.setObjectName("whenNow")
        self.rb_later = QRadioButton(self.tr("Schedule for"), self)
        self.rb_later.setObjectName("whenLater")
        self.group = QButtonGroup(self)
        self.group.addButton(self.rb_now)
        self.group.addButton(self.rb_later)
        self.rb_now.setChecked(True)
        self.at_edit = QDateTimeEdit(self)
        self.at_edit.setObjectName("scheduleAt")
        self.at_edit.setCalendarPopup(True)
        self.at_edit.setDisplayFormat("yyyy/MM/dd HH:mm")
        next_hour = QDateTime.currentDateTime().addSecs(3600)
        next_hour.setTime(QTime(next_hour.time().hour(), 0))
        self.at_edit.setDateTime(next_hour)
        self.at_edit.setEnabled(False)
        self._editable = True
        self._adjusting_time = False
        self.earliest_now()
        self.at_edit.installEventFilter(self)
        self.at_edit.calendarWidget().installEventFilter(self)
        self.rb_later.toggled.connect(self._toggled)
        self.at_edit.dateTimeChanged.connect(self._at_changed)

        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.rb_now)
        row.addSpacing(12)
        row.addWidget(self.rb_later)
        row.addWidget(self.at_edit)
        row.addStretch(1)

    def at(self) -> dt.datetime | None:
        """The chosen time (this computer's local time, naive), or None to send now."""
        if not self.rb_later.isChecked():
            return None
        when = self.at_edit.dateTime().toPython()
        assert isinstance(when, dt.datetime)  # (typed object: toPython() serves all types)
        return when.replace(second=0, microsecond=0)

    def set_at(self, when: dt.datetime) -> None:
        self.rb_later.setChecked(True)
        self.at_edit.setDateTime(QDateTime(QDate(when.year, when.month, when.day),
                                           QTime(when.hour, when.minute, when.second)))

    def set_editable(self, on: bool) -> None:
        self._editable = on
        self.rb_now.setEnabled(on)
        self.rb_later.setEnabled(on)
        self.at_edit.setEnabled(on and self.rb_later.isChecked())

    def _toggled(self, later: bool) -> None:
        if later:
            self.earliest_now()
        self.at_edit.setEnabled(later and self._editable)
        self.toggled.emit(later)

    def _at_changed(self, _when: QDateTime) -> None:
        if not self._adjusting_time:  # the owner's choice, not the earliest moving on
            self.time_picked.emit()

    def earliest_now(self) -> None:
        """The picker offers nothing before now (a time it had that is now past moves up
        to now; sending still says so if the minute has passed by then)."""
        self._adjusting_time = True
        try:
            self.at_edit.setMinimumDateTime(QDateTime.currentDateTime())
        finally:
            self._adjusting_time = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.FocusIn, QEvent.Type.MouseButtonPress,
                            QEvent.Type.Show) and (
                watched is self.at_edit or watched is self.at_edit.calendarWidget()):
            self.earliest_now()
        return super().eventFilter(watched, event)
