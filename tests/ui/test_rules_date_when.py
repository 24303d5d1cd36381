"""The When editor's date trigger: the birthday or a date field, N days before/after, at a
time; saved through app/automation and loaded back as it was."""

from __future__ import annotations

from PySide6.QtCore import QTime

from app.automation.service import RuleService
from ui.automation.window import RulesWindow


def test_a_date_rule_from_the_editor_and_back(book, qtbot) -> None:
    renew = book.fields.create("契約更新日", "date")
    book.fields.create("メモ欄", "text")
    win = RulesWindow(book, selected_customer=lambda: None)
    qtbot.addWidget(win)
    win.show()
    ed = win.editor
    ed.name.setText("誕生日の3日前")
    when = ed.when
    when.kind.setCurrentIndex(when.kind.findData("date"))
    assert when.date_source.findData("メモ欄") < 0 and when.date_source.findData(
        f"custom:{renew}") >= 0  # date fields only
    assert when.date_yearly.isChecked() and not when.date_yearly.isEnabled()  # birthday
    assert not when.date_days.isEnabled()  # on the day
    when.date_shift.setCurrentIndex(when.date_shift.findData(-1))
    assert when.date_days.isEnabled()
    when.date_days.setValue(3)
    when.date_at.setTime(QTime(9, 30))
    ed.rows()[0].kind.setCurrentIndex(ed.rows()[0].kind.findData("add_tag"))
    ed.rows()[0].tag.setEditText("誕生日が近い")
    rid = win.save()
    assert rid is not None, ed.problem.text()
    spec = RuleService(book).get(rid).spec
    assert spec["when"] == {"kind": "date", "date": "birthday", "days": -3, "at": "09:30",
                            "yearly": True}
    # A date field, the day after, once: loaded back into the widgets as saved.
    ed.load("更新の翌日", False, {"when": {"kind": "date", "date": f"custom:{renew}",
                                           "days": 1, "at": "18:05", "yearly": False},
                                  "then": spec["then"]})
    assert when.kind.currentData() == "date"
    assert when.date_source.currentData() == f"custom:{renew}"
    assert when.date_shift.currentData() == 1 and when.date_days.value() == 1
    assert when.date_at.time() == QTime(18, 5)
    assert when.date_yearly.isEnabled() and not when.date_yearly.isChecked()
    assert when.value() == {"kind": "date", "date": f"custom:{renew}", "days": 1,
                            "at": "18:05", "yearly": False}


def test_the_sequences_timer_fires_date_rules_once_without_line(window, book, qtbot) -> None:
    import datetime as dt

    cid = book.customers.create(display_name="花子", birthday=dt.date(1990, 12, 10))
    RuleService(book).save({"name": "誕生日当日", "enabled": True,
                            "when": {"kind": "date", "date": "birthday", "at": "10:00"},
                            "then": [{"kind": "add_tag", "tag": "おめでとう"}]})
    qtbot.waitUntil(lambda: not window.automation.busy, timeout=10_000)
    now = [dt.datetime(2026, 12, 10, 0, 59)]  # 09:59 Japan time
    book.sequences.clock = lambda: now[0]

    def tick() -> None:
        window.automation.timer.timeout.emit()
        qtbot.waitUntil(lambda: not window.automation.busy, timeout=10_000)

    def tagged() -> list[str]:
        names = {t.id: t.name for t in book.tags.list()}
        return [names[t] for t in book.customers.tag_ids_of(cid)]

    tick()
    assert tagged() == []
    for minute in (0, 1, 2):  # 10:00 and after: once
        now[0] = dt.datetime(2026, 12, 10, 1, minute)
        tick()
    assert tagged() == ["おめでとう"]
    assert RuleService(book).list()[0].fired == 1
