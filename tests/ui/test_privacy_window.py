"""ツール → プライバシー…: the privacy window on a real book (pytest-qt): the policy's
details with preview and publishing, retention previewed then run, the audit log (a lazy,
ids-only model checked with qtmodeltester; filter, search, CSV) and leak readiness."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from sqlalchemy import select, update

from app.store.models import AuditEntry, Customer


def _open(window: Any, qtbot: Any) -> Any:
    privacy = window.privacy
    assert privacy.act_window.isEnabled()
    tools = next(a.menu() for a in window.menuBar().actions()
                 if a.menu() is not None and window.act_settings in a.menu().actions())
    assert privacy.act_window in tools.actions()
    assert privacy.act_window not in window.toolbar.actions()  # a menu, never the toolbar
    privacy.act_window.trigger()
    win = privacy.privacy_window
    assert win is not None and win.isVisible()
    qtbot.waitExposed(win)
    return win


def test_policy_preview_and_publish(window: Any, qtbot: Any) -> None:
    win = _open(window, qtbot)
    page = win.policy
    page.lines["business_name"].setText("ヘアサロン<木漏れ日>")
    page.lines["address"].setText("東京都杉並区阿佐谷南1-2-3")
    page.lines["representative"].setText("山田 花子")
    page.lines["contact"].setText("03-1234-5678")
    page.purposes["points"].setChecked(True)
    qtbot.waitUntil(lambda: "ヘアサロン<木漏れ日>" in page.preview.toPlainText(), timeout=5000)
    assert "ポイント・会員特典の管理のため" in page.preview.toPlainText()
    assert not page.missing_label.isVisible()
    page.publish()
    qtbot.waitUntil(lambda: page.versions.rowCount() == 1, timeout=20000)
    assert "1" in page.status.text()
    from app.privacy.service import PrivacyService

    service = PrivacyService(window.book)
    assert service.settings().business_name == "ヘアサロン<木漏れ日>"
    assert "points" in service.settings().purposes
    assert service.newest_version() == 1


def test_retention_preview_then_run(window: Any, qtbot: Any) -> None:
    book = window.book
    gone = book.customers.create(name="ブロック済み太郎")
    with book.db.write() as s:
        s.execute(update(Customer).where(Customer.id == gone)
                  .values(blocked_at=dt.datetime(2020, 1, 1)))
    win = _open(window, qtbot)
    page = win.retention
    assert not page.run_button.isEnabled()
    page.blocked_spin.setValue(12)
    page.preview()
    qtbot.waitUntil(lambda: page.run_button.isEnabled(), timeout=20000)
    assert "1" in page.summary.text()
    assert any("ブロック済み太郎" in page.names.item(i).text()
               for i in range(page.names.count()))
    page.message_spin.setValue(3)  # other rules: the old plan may not run
    assert not page.run_button.isEnabled()
    page.message_spin.setValue(0)
    page.preview()
    qtbot.waitUntil(lambda: page.run_button.isEnabled(), timeout=20000)
    page.run(confirm=False)
    qtbot.waitUntil(lambda: page.plan is None, timeout=20000)
    with book.db.read() as s:
        assert gone not in set(s.scalars(select(Customer.id)))
    assert "1" in page.summary.text()
    from app.privacy import retention

    assert retention.rules(book).blocked_months == 12


def test_audit_log_viewer(window: Any, qtbot: Any, qtmodeltester: Any,
                          tmp_path: Path) -> None:
    book = window.book
    with book.db.write() as s:
        for i in range(450):
            s.add(AuditEntry(action="attachment_opened", target=f"attachment:{i}",
                             at=dt.datetime(2026, 11, 1, 3, 0)))
        s.add(AuditEntry(action="privacy_disclosed", target="customer:77",
                         detail={"files": 2}, at=dt.datetime(2026, 11, 20, 3, 0)))
    win = _open(window, qtbot)
    win.tabs.setCurrentWidget(win.audit)
    page = win.audit
    qtbot.waitUntil(lambda: page.model.rowCount() >= 451, timeout=20000)
    qtbot.wait(50)
    assert len(page.model._pages) <= 2  # only the shown pages were read
    qtmodeltester.check(page.model)
    assert page.model.data(page.model.index(0, 2)) == "Customer 77"  # newest first
    i = page.action_combo.findData("privacy_disclosed")
    assert i > 0 and page.action_combo.itemText(i) == "Disclosure written"
    page.action_combo.setCurrentIndex(i)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=20000)
    assert page.model.data(page.model.index(0, 2)) == "Customer 77"
    page.action_combo.setCurrentIndex(0)
    page.search_edit.setText("attachment:44")
    qtbot.waitUntil(lambda: page.model.rowCount() == 11, timeout=20000)  # 44, 440–449
    page.search_edit.clear()
    page.since_check.setChecked(True)
    page.since_edit.setDate(page.since_edit.date().fromString("2026-11-10", "yyyy-MM-dd"))
    page.until_check.setChecked(True)
    page.until_edit.setDate(page.until_edit.date().fromString("2026-11-30", "yyyy-MM-dd"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=20000)
    out = tmp_path / "audit.csv"
    page.export(out)
    qtbot.waitUntil(out.exists, timeout=20000)
    qtbot.waitUntil(lambda: len(out.read_text(encoding="utf-8-sig").splitlines()) == 2,
                    timeout=20000)
    assert "customer:77" in out.read_text(encoding="utf-8-sig")
    qtmodeltester.check(page.model)


def test_leak_readiness(window: Any, qtbot: Any, tmp_path: Path) -> None:
    book = window.book
    win = _open(window, qtbot)
    page = win.leak
    item = page.checklist.item(0)
    item.setCheckState(Qt.CheckState.Checked)
    from app.privacy import incidents

    assert list(incidents.checklist(book)) == ["responsible"]
    assert page.checklist.item(0).checkState() == Qt.CheckState.Checked
    assert not page.prompt_button.isEnabled()
    iid = page.new({"title": "ノートPCの盗難", "discovered_on": dt.date(2026, 11, 2),
                    "occurred_from": dt.date(2026, 10, 1), "occurred_to": dt.date(2026, 11, 1),
                    "malicious": True, "answers": {"summary": "店舗で盗まれた"}})
    assert iid is not None and page.selected() == iid
    assert page.incidents.item(0, 4).text() == "2027-01-01"
    page.edit({"answers": {"cause": "施錠忘れ"}})
    out = tmp_path / "sokuho.html"
    page.export_report(False, out)
    qtbot.waitUntil(out.exists, timeout=20000)
    text = out.read_text(encoding="utf-8")
    assert "速報" in text and "店舗で盗まれた" in text and "施錠忘れ" in text
    page.affected_from.setDate(page.affected_from.date().fromString("2000-01-01",
                                                                      "yyyy-MM-dd"))
    csv_out = tmp_path / "affected.csv"
    page.count(save=True, path=csv_out)
    qtbot.waitUntil(lambda: bool(page.affected_label.text()), timeout=20000)
    assert csv_out.exists()
    rows = csv_out.read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) - 1 == book.customers.count()


def test_the_incident_dialog_gives_its_values(window: Any, qtbot: Any) -> None:
    from app.privacy import incidents
    from ui.privacy.leak_page import IncidentDialog

    iid = incidents.record(window.book, title="誤送信", discovered_on=dt.date(2026, 12, 1),
                           persons=3, answers={"prevention": "二重確認"},
                           prompt_reported_on=dt.date(2026, 12, 3))
    dialog = IncidentDialog(window, incidents.get(window.book, iid))
    qtbot.addWidget(dialog)
    values = dialog.values()
    assert values["title"] == "誤送信" and values["persons"] == 3
    assert values["answers"]["prevention"] == "二重確認"
    assert values["occurred_from"] is None
    assert values["prompt_reported_on"] == dt.date(2026, 12, 3)
    assert values["final_reported_on"] is None
    check, edit = dialog.reported["final_reported_on"]
    check.setChecked(True)
    edit.setDate(edit.date().fromString("2026-12-20", "yyyy-MM-dd"))
    incidents.update(window.book, iid, **dialog.values())
    assert incidents.get(window.book, iid).final_reported_on == dt.date(2026, 12, 20)
    window.privacy.open_window(3)
    page = window.privacy.privacy_window.leak
    assert page.incidents.item(0, 4).text() == "sent 2026-12-20"


def test_the_settings_dialog_has_a_privacy_tab(book: Any, settings: Any, qtbot: Any) -> None:
    from app.privacy import incidents, retention
    from ui.dialogs.settings_dialog import SettingsDialog

    retention.save_rules(book, retention.RetentionRules(blocked_months=12))
    incidents.set_checked(book, "backups", True)
    dialog = SettingsDialog(book, settings)
    qtbot.addWidget(dialog)
    tab = dialog.privacy_tab
    assert dialog.tabs.tabText(dialog.tabs.indexOf(tab)) == "Privacy"
    from PySide6.QtWidgets import QLabel

    labels = " ".join(w.text() for w in tab.findChildren(QLabel))
    assert "12 months" in labels and "1 of 10 checked, 0 incidents" in labels
    assert "Not published yet" in labels
    window = tab.open_window(2, modal=False)
    qtbot.addWidget(window)
    assert window.tabs.currentWidget() is window.audit
    window.close()
