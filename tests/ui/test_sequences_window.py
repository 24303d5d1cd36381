"""The ステップ配信 window (配信 menu): sequences with their steps' timeline, each friend's
progress, start for a selection or a tag, stop; the timeline's Japanese lines; the 使う
button for a customer's coupon in the detail pane."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from ui.automation.sequence_models import ProgressModel, SequencesModel
from ui.automation.sequences_window import SequencesWindow
from ui.automation.timeline import timeline_text

STEPS = [{"after": {"minutes": 10}, "text": "ご来店ありがとうございました"},
         {"after": {"day": 1, "at": "10:00"}, "text": "その後いかがですか？"}]


def _friends(book, n: int) -> list[int]:
    return [book.customers.create(display_name=f"友だち{i}", line_user_id=f"Useq{i:029x}")
            for i in range(n)]


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_the_broadcast_menu_opens_it_no_toolbar_button(window) -> None:
    act = window.automation.act_sequences
    assert act in window.broadcast_menu.actions()
    assert act not in window.toolbar.actions()
    seqs = window.automation.open_sequences()
    assert seqs is not None and seqs.isVisible()


def test_steps_progress_start_and_stop(book, qtbot, qtmodeltester) -> None:
    ids = _friends(book, 4)
    tag = book.tags.create("ステップ試験")
    book.tags.add(ids[2:], [tag])
    sid = book.sequences.create("ご来店後フォロー", STEPS)
    selected = [*ids[:2], book.customers.create(display_name="LINEでない人")]
    win = SequencesWindow(book, selected_customers=lambda: selected)
    qtbot.addWidget(win)
    win.show()
    win.select_sequence(sid)
    qtmodeltester.check(win.model)
    assert [win.steps.item(i).text() for i in range(win.steps.count())] == [
        "1. 10分後 — ご来店ありがとうございました", "2. 1日後 10:00 — その後いかがですか？"]
    assert win.start_for_selection() == 2  # the one not on LINE is not started
    assert "Started 2 of 3" in win.status.text()
    assert win.start_for_selection() == 0  # running already: not restarted
    win.tag.setCurrentIndex(win.tag.findData(tag))
    assert win.start_for_tag() == 2
    qtmodeltester.check(win.progress_model)
    pm = win.progress_model
    assert pm.rowCount() == 4
    assert pm.data(pm.index(0, 1)) == "Running" and pm.data(pm.index(0, 2)) == "0 / 2"
    assert pm.data(pm.index(0, 3))  # the next step's time
    win.progress.selectionModel().select(
        pm.index(1, 0), QItemSelectionModel.SelectionFlag.Select
        | QItemSelectionModel.SelectionFlag.Rows)
    assert win.stop_selected() == 1
    states = {pm.data(pm.index(r, 0)): (pm.data(pm.index(r, 1)), pm.data(pm.index(r, 4)))
              for r in range(pm.rowCount())}
    assert states["友だち1"] == ("Stopped", "Stopped by hand")
    row = win.model.row_of(sid)
    assert [win.model.data(win.model.index(row, c)) for c in range(5)] == [
        "ご来店後フォロー", "2", "3", "0", "1"]
    qtmodeltester.check(SequencesModel())
    qtmodeltester.check(ProgressModel())


def test_timeline_lines_are_words_not_kinds() -> None:
    assert timeline_text("sequence_step_sent", {"sequence": "フォロー", "step": 2}) == \
        "Step sequence 「フォロー」: step 2 sent"
    assert timeline_text("coupon_used", {"code": "K7M2QX9P", "title": "誕生日"}) == \
        "Coupon K7M2QX9P used (誕生日)"
    assert timeline_text("rule_action", {"rule": "あいさつ", "action": "add_tag",
                                         "tag": "新規"}) == \
        "Rule 「あいさつ」 added the tag 「新規」"
    assert timeline_text("sequence_stopped", {"sequence": "フォロー", "reason": "reply"}) == \
        "Step sequence 「フォロー」 stopped (Replied)"
    assert timeline_text("created", {}) is None


def test_use_button_marks_the_coupon_used_and_the_timeline_says_so(window, book,
                                                                   qtbot) -> None:
    cid = book.customers.create(display_name="クーポンの人")
    code = book.coupons.issue(cid, "birthday:2026", title="誕生日クーポン",
                              expires_on=dt.date(2099, 1, 1))
    pane = window.content.detail
    pane.show_customer(cid)
    box = pane.coupons
    assert box.isVisibleTo(pane)
    button = box.buttons[code]
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert book.coupons.get(code).status == "used"
    assert not box.buttons[code].isEnabled()
    pane.show_customer(None)
    pane.show_customer(cid)
    lines = [pane.timeline.item(i).text() for i in range(pane.timeline.count())]
    assert any(f"Coupon {code} used (誕生日クーポン)" in line for line in lines)
    assert not any("coupon_" in line for line in lines)
