"""The birthday setting in the ステップ配信 window: on/off, on the day or N days before,
the time, the message with its coupon, the coupon's validity; saved through
app/sequences/birthday.py (its sequence kept in step), refusals shown, read back."""

from __future__ import annotations

from PySide6.QtCore import QTime

from app.sequences import birthday
from ui.automation.sequences_window import SequencesWindow


def _window(book, qtbot) -> SequencesWindow:
    win = SequencesWindow(book)
    qtbot.addWidget(win)
    win.show()
    return win


def test_the_birthday_setting_saved_and_read_back(book, qtbot) -> None:
    win = _window(book, qtbot)
    dlg = win.open_birthday()
    assert not dlg.enabled.isChecked()  # off until the owner switches it on
    assert not dlg.days.isEnabled()  # on the day
    dlg.enabled.setChecked(True)
    dlg.when.setCurrentIndex(dlg.when.findData(True))
    assert dlg.days.isEnabled()
    dlg.days.setValue(3)
    dlg.at.setTime(QTime(9, 15))
    dlg.text.setPlainText("{名前}様、もうすぐお誕生日！クーポン：{クーポン}")
    dlg.coupon_days.setValue(14)
    assert dlg.save()
    assert not dlg.isVisible()
    got = birthday.settings(book)
    assert got == birthday.BirthdaySettings(
        enabled=True, days_before=3, at="09:15",
        text="{名前}様、もうすぐお誕生日！クーポン：{クーポン}", coupon_days=14)
    # Its sequence is in the list now, with the step at the time.
    names = [win.model.sequence(r).name for r in range(win.model.rowCount())]
    assert birthday.NAME in names
    [info] = [i for i in book.sequences.list() if i.name == birthday.NAME]
    assert info.steps[0].texts == ("{名前}様、もうすぐお誕生日！クーポン：{クーポン}",)
    assert info.steps[0].coupon_days == 14
    # Opened again: as saved; back to "on the day" saves 0 days before.
    again = win.open_birthday()
    assert again.enabled.isChecked() and again.when.currentData() is True
    assert (again.days.value(), again.at.time(), again.coupon_days.value()) == (
        3, QTime(9, 15), 14)
    again.when.setCurrentIndex(again.when.findData(False))
    assert again.save()
    assert birthday.settings(book).days_before == 0


def test_an_empty_message_is_refused_and_nothing_typed_is_lost(book, qtbot) -> None:
    win = _window(book, qtbot)
    dlg = win.open_birthday()
    dlg.enabled.setChecked(True)
    dlg.at.setTime(QTime(8, 0))
    dlg.text.setPlainText("   ")
    assert not dlg.save()
    assert dlg.isVisible() and dlg.problem.isVisible()
    assert dlg.problem.text() == "Write the birthday message."
    assert dlg.at.time() == QTime(8, 0) and dlg.enabled.isChecked()
    assert birthday.settings(book) == birthday.BirthdaySettings()  # nothing stored
