"""The ルール window: the list (on/off, counts, broken in red with why), the When / If /
Then editor saving through app/automation (refusals shown), 試す on one customer."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.automation.engine import run_pending
from app.automation.service import RuleService
from ui.automation.models import COL_ON, COL_PROBLEM, RulesModel
from ui.automation.window import RulesWindow


def _window(book, qtbot, selected=None) -> RulesWindow:
    win = RulesWindow(book, selected_customer=lambda: selected)
    qtbot.addWidget(win)
    win.show()
    return win


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_the_menu_opens_the_window_and_no_toolbar_button(window) -> None:
    act = window.automation.act_rules
    assert window.menu_holding(act) is not None
    assert act not in window.toolbar.actions()
    rules = window.automation.open()
    assert rules is not None and rules.isVisible()


def test_keyword_rule_saved_from_the_editor_and_empty_list_refused(book, qtbot) -> None:
    win = _window(book, qtbot)
    ed = win.editor
    ed.name.setText("予約の問い合わせ")
    ed.when.kind.setCurrentIndex(ed.when.kind.findData("keyword"))
    ed.rows()[0].kind.setCurrentIndex(ed.rows()[0].kind.findData("add_tag"))
    ed.rows()[0].tag.setEditText("予約希望")
    assert win.save() is None  # no keywords
    assert ed.problem.isVisible()
    assert ed.problem.text() == "A keyword rule needs at least one keyword."
    assert ed.name.text() == "予約の問い合わせ"  # nothing typed lost
    ed.when.words.setText("予約、よやく")
    rid = win.save()
    assert rid is not None and not ed.problem.isVisible()
    info = RuleService(book).get(rid)
    assert info.spec["when"] == {"kind": "keyword", "words": ["予約", "よやく"],
                                 "match": "any"}
    assert not info.enabled  # saved off: tried before it is switched on
    assert win.model.rowCount() == 1


def test_an_instant_reply_saved_from_the_editor_and_its_refusal(book, qtbot) -> None:
    win = _window(book, qtbot)
    ed = win.editor
    ed.name.setText("営業時間")
    ed.when.kind.setCurrentIndex(ed.when.kind.findData("keyword"))
    ed.when.words.setText("営業時間")
    row = ed.rows()[0]
    row.kind.setCurrentIndex(row.kind.findData("send"))
    row.text.setPlainText("{名前}様、10時から19時までです")
    assert ed.instant.isEnabled()
    ed.instant.setChecked(True)
    assert win.save() is None  # the relay cannot fill in the name in the book
    assert "LINE name" in ed.problem.text()
    row.text.setPlainText("{表示名}さん、10時から19時までです")
    rid = win.save()
    assert rid is not None and not ed.problem.isVisible()
    assert RuleService(book).get(rid).spec["instant"] is True
    win.editor.load("営業時間", False, RuleService(book).get(rid).spec)
    assert ed.instant.isChecked()
    # A tag trigger cannot be instant: the box is off limits and not saved as ticked.
    ed.when.kind.setCurrentIndex(ed.when.kind.findData("tag_added"))
    assert not ed.instant.isEnabled()
    assert ed.raw()["instant"] is False


def test_loop_refused_with_the_message(book, qtbot) -> None:
    rules = RuleService(book)
    rules.save({"name": "A", "when": {"kind": "tag_added", "tag": "a"},
                "then": [{"kind": "add_tag", "tag": "b"}]})
    win = _window(book, qtbot)
    ed = win.editor
    tags = {t.name: t.id for t in book.tags.list()}
    win.editor.load("B", False, {"when": {"kind": "tag_added", "tag_id": tags["b"]},
                                 "then": [{"kind": "add_tag", "tag_id": tags["a"]}]})
    assert win.save() is None
    assert ed.problem.text() == "These rules would trigger each other in a loop."


def test_switch_counts_and_broken_rule_in_red(book, qtbot, qtmodeltester) -> None:
    rules = RuleService(book)
    cid = book.customers.create(display_name="山田")
    tag = book.tags.create("来店")
    rid = rules.save({"name": "来店で常連候補", "when": {"kind": "tag_added", "tag": "来店"},
                      "then": [{"kind": "add_tag", "tag": "常連候補"}]})
    win = _window(book, qtbot)
    qtmodeltester.check(win.model)
    row = win.model.row_of(rid)
    on = win.model.index(row, COL_ON)
    assert win.model.data(on, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert win.model.setData(on, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert rules.get(rid).enabled
    book.tags.add([cid], [tag])
    run_pending(book, send=False)
    win.reload()
    row = win.model.row_of(rid)
    assert win.model.data(win.model.index(row, 3)) == "1"
    # The trigger's tag deleted: the rule is broken, red, with why.
    book.tags.delete(tag)
    win.reload()
    row = win.model.row_of(rid)
    assert win.model.data(win.model.index(row, COL_PROBLEM)) == "A tag it uses was deleted."
    brush = win.model.data(win.model.index(row, 1), Qt.ItemDataRole.ForegroundRole)
    assert brush.color().name() == "#c5221f"
    qtmodeltester.check(RulesModel(lambda _i, _o: None))


def test_try_on_one_customer_does_nothing(book, qtbot) -> None:
    cid = book.customers.create(display_name="鈴木")
    win = _window(book, qtbot, selected=cid)
    ed = win.editor
    ed.name.setText("あいさつ")
    row = ed.rows()[0]
    row.kind.setCurrentIndex(row.kind.findData("add_tag"))
    row.tag.setEditText("新規")
    result = win.try_rule()
    assert result is not None and result.condition_holds
    assert [win.try_result.item(i).text() for i in range(win.try_result.count())] == [
        "ルール「あいさつ」でタグ「新規」を追加"]
    assert book.customers.tag_ids_of(cid) == set() or not book.customers.tag_ids_of(cid)
    # No customer selected: the window says what to do.
    win.selected_customer = lambda: None
    assert win.try_rule() is None and "Select one customer" in win.try_title.text()


def test_inline_condition_from_the_segment_builder(book, qtbot) -> None:
    vip = book.tags.create("ルール試験VIP")
    yes = book.customers.create(display_name="VIPの人")
    no = book.customers.create(display_name="ふつうの人")
    book.tags.add([yes], [vip])
    win = _window(book, qtbot)
    ed = win.editor
    ed.name.setText("VIPだけ")
    ed.cond.mode.setCurrentIndex(ed.cond.mode.findData("condition"))
    cond_row = ed.cond.group.items()[0]  # a condition row, as in the segment builder
    row = ed.rows()[0]
    row.kind.setCurrentIndex(row.kind.findData("notify"))
    row.notice.setText("VIPが来ました")
    assert win.save() is None  # the tag condition is empty: said so, nothing lost
    assert ed.problem.text().startswith("A condition of the If is not complete")
    cond_row.editor.tags.set_selected([vip])
    rid = win.save()
    assert rid is not None
    assert "condition" in RuleService(book).get(rid).spec["if"]
    assert win.try_rule(yes).condition_holds
    assert not win.try_rule(no).condition_holds
    assert "does not match its If" in win.try_title.text()


def test_an_action_starts_a_step_sequence(book, qtbot) -> None:
    sid = book.sequences.create("ご来店後フォロー",
                                [{"after": {"minutes": 1}, "text": "こんにちは"}])
    win = _window(book, qtbot)
    ed = win.editor
    ed.name.setText("あいさつ後フォロー")
    row = ed.rows()[0]
    row.kind.setCurrentIndex(row.kind.findData("start_sequence"))
    row.sequence.setCurrentIndex(row.sequence.findData(sid))
    rid = win.save()
    assert rid is not None
    assert RuleService(book).get(rid).spec["then"] == [
        {"kind": "start_sequence", "sequence_id": sid}]
    win.new_rule()
    win.select_rule(rid)  # loaded back into the editor as saved
    assert ed.rows()[0].kind.currentData() == "start_sequence"
    assert ed.rows()[0].sequence.currentData() == sid


def test_the_windows_speak_japanese(book, qtbot, qapp) -> None:
    from ui import i18n
    from ui.automation.timeline import timeline_text

    i18n.compile_if_stale()
    i18n.install_translators(qapp, "ja")
    win = _window(book, qtbot)
    assert win.editor.when.kind.itemText(0) == "友だち追加されたとき"
    assert win.editor.rows()[0].kind.itemText(0) == "タグを付ける"
    assert win.save_button.text() == "ルールを保存"
    assert timeline_text("sequence_step_sent", {"sequence": "フォロー", "step": 2}) == \
        "ステップ配信「フォロー」: 2通目を送信"
    assert timeline_text("coupon_used", {"code": "K7M2QX9P", "title": "誕生日"}) == \
        "クーポン K7M2QX9P を使用(誕生日)"


def test_rules_act_right_after_the_owners_own_edit(window, book, qtbot) -> None:
    cid = book.customers.create(display_name="手で来店")
    visit = book.tags.create("手で来店タグ")
    RuleService(book).save({"name": "来店で候補", "enabled": True,
                            "when": {"kind": "tag_added", "tag_id": visit},
                            "then": [{"kind": "add_tag", "tag": "常連候補(手)"},
                                     {"kind": "send", "text": "ありがとうございました"}]})
    book.tags.add([cid], [visit])  # as the window's 「タグを付ける」 does

    def tagged() -> bool:
        names = {t.id: t.name for t in book.tags.list()}
        return "常連候補(手)" in {names[t] for t in book.customers.tag_ids_of(cid)}

    qtbot.waitUntil(tagged, timeout=10_000)
    qtbot.waitUntil(lambda: not window.automation.busy, timeout=10_000)
    from sqlalchemy import select

    from app.store.models_rules import RuleSend

    with book.db.read() as s:  # stored, not sent: the next sync batch sends it
        assert [r.state for r in s.scalars(select(RuleSend))] == ["pending"]
