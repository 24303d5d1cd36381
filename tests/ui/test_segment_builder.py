"""The segment builder: live counts off the GUI thread, AND / OR groups, field editors by
type, built-ins, previews, saving and editing, and problems shown without losing input.

Expected counts are worked out here with a plain Python filter over the book's customers
(what :mod:`app.segments` must agree with), not by asking the segment engine.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt

from app.fields import FieldType
from app.search import CustomerQuery
from app.segments import (
    AND,
    FIELD_OPS,
    OR,
    BirthdayCondition,
    FieldCondition,
    FollowedCondition,
    Group,
    LastMessageCondition,
    LineCondition,
    PrefectureCondition,
    TagCondition,
)
from ui.segments.builder import SegmentBuilderDialog
from ui.segments.conditions import ConditionRow, GroupBox
from ui.segments.picker import VALUE_ROLE, MultiPicker


# --- helpers ----------------------------------------------------------------------------------
def tick(picker: MultiPicker, *values) -> None:
    """Tick entries as the owner does, one check box at a time."""
    for value in values:
        for row in range(picker.list.count()):
            item = picker.list.item(row)
            if item.data(VALUE_ROLE) == value:
                item.setCheckState(Qt.CheckState.Checked)
                break
        else:
            raise AssertionError(f"{value!r} is not offered")


def untick(picker: MultiPicker, value) -> None:
    for row in range(picker.list.count()):
        item = picker.list.item(row)
        if item.data(VALUE_ROLE) == value:
            item.setCheckState(Qt.CheckState.Unchecked)


def choose(combo, data) -> None:
    index = combo.findData(data)
    assert index >= 0, f"{data!r} is not offered"
    combo.setCurrentIndex(index)


def everyone(book) -> list:
    all_ids = book.search.ids(CustomerQuery(view="all"))
    all_ids += book.search.ids(CustomerQuery(view="blocked"))
    rows = book.customers.rows(sorted(set(all_ids)))
    return [rows[i] for i in sorted(rows)]


def expected(book, keep) -> tuple[int, int, list[int]]:
    """(recipients, matched but blocked, recipients' ids) by plain Python."""
    matched = [r for r in everyone(book) if keep(r)]
    recipients = [r.id for r in matched if r.blocked_at is None]
    return len(recipients), len(matched) - len(recipients), recipients


def settle(qtbot, dialog: SegmentBuilderDialog) -> None:
    qtbot.waitUntil(lambda: not dialog.counter.busy, timeout=5000)


def counts_of(qtbot, dialog: SegmentBuilderDialog) -> tuple[int, int, list[int]]:
    settle(qtbot, dialog)
    assert dialog.last_counts is not None, dialog.message_label.text()
    assert not dialog.message_label.isVisible() or not dialog.message_label.text()
    return (dialog.last_counts.recipients, dialog.last_counts.blocked,
            dialog.preview_model.ids())


@pytest.fixture
def dialog(book, qtbot):
    d = SegmentBuilderDialog(book)
    qtbot.addWidget(d)
    d.show()
    yield d
    qtbot.waitUntil(lambda: not d.counter.busy, timeout=5000)


# --- the live count ---------------------------------------------------------------------------
def test_live_count_follows_the_conditions(dialog, seeded, qtbot) -> None:
    book = seeded.book
    vip = seeded.tags["VIP"]
    row = dialog.root.items()[0]
    assert isinstance(row, ConditionRow) and row.kind.currentData() == "tags"
    # Nothing chosen yet: a plain message instead of a count, the row marked.
    assert dialog.message_label.text() == "Condition 1: Choose at least one tag."
    assert dialog.count_label.text() == "Matching: —"
    assert row.problem.text() == "Choose at least one tag."

    tick(row.editor.tags, vip)
    want = expected(book, lambda r: vip in r.tag_ids)
    assert counts_of(qtbot, dialog) == want
    assert want[:2] == (1, 1)  # 田中; 山田 has VIP but blocked the shop
    assert dialog.count_label.text() == "Matching: 1 customer(s)"
    assert dialog.blocked_label.isVisible()
    assert dialog.blocked_label.text().startswith("1 customer(s) more match but blocked")
    assert not row.problem.isVisible()
    assert dialog.preview_model.names() == ["田中 太郎"]

    choose(row.editor.match, "none")
    want = expected(book, lambda r: vip not in r.tag_ids)
    assert counts_of(qtbot, dialog) == want
    assert want[:2] == (3, 0)
    assert not dialog.blocked_label.isVisible()
    assert dialog.preview_model.names() == ["佐藤 健", "鈴木 一郎", "高橋 美咲"]


def test_quick_changes_show_only_the_newest_count(dialog, seeded, qtbot) -> None:
    """Changes faster than the debounce end in one count, for the conditions as they are."""
    row = dialog.root.items()[0]
    tick(row.editor.tags, seeded.tags["VIP"], seeded.tags["常連"])
    choose(row.editor.match, "all")
    choose(row.editor.match, "any")
    choose(row.editor.match, "none")
    vip, regular = seeded.tags["VIP"], seeded.tags["常連"]
    want = expected(seeded.book, lambda r: vip not in r.tag_ids and regular not in r.tag_ids)
    assert counts_of(qtbot, dialog) == want


def test_and_versus_or_and_nested_groups(dialog, seeded, qtbot) -> None:
    book, vip, regular = seeded.book, seeded.tags["VIP"], seeded.tags["常連"]
    first = dialog.root.items()[0]
    tick(first.editor.tags, vip)
    line = dialog.root.add_condition(kind="line")
    assert isinstance(line.editor.on.currentData(), bool)
    want_and = expected(book, lambda r: vip in r.tag_ids and r.line_user_id)
    assert counts_of(qtbot, dialog) == want_and

    choose(dialog.root.op, OR)
    want_or = expected(book, lambda r: vip in r.tag_ids or r.line_user_id)
    assert counts_of(qtbot, dialog) == want_or
    assert want_and[0] < want_or[0]

    # LINE friends who are 常連 or followed after 2026-05-01.
    choose(dialog.root.op, AND)
    dialog.root.remove(first)
    group = dialog.root.add_group()
    assert isinstance(group, GroupBox) and group.op.currentData() == OR
    tick(group.items()[0].editor.tags, regular)
    followed = group.add_condition(kind="followed")
    choose(followed.editor.op, "after")
    followed.editor.date.setDate(QDate(2026, 5, 1))
    since = dt.datetime(2026, 5, 2)
    want = expected(book, lambda r: r.line_user_id and (
        regular in r.tag_ids or (r.followed_at is not None and r.followed_at >= since)))
    assert counts_of(qtbot, dialog) == want
    assert want[0] == 2  # 田中 (常連) and 鈴木 (friend since June)
    assert dialog.condition() == Group(AND, (
        LineCondition(True),
        Group(OR, (TagCondition("any", (regular,)),
                   FollowedCondition("after", dt.date(2026, 5, 1))))))
    choose(group.op, AND)
    assert counts_of(qtbot, dialog)[0] == 0


# --- field editors by type ----------------------------------------------------------------------
def test_field_editors_offer_only_what_the_type_supports(dialog, seeded, qtbot) -> None:
    book, fields = seeded.book, seeded.fields
    row = dialog.root.items()[0]
    for name, ftype in (("来店回数", FieldType.NUMBER), ("会員ランク", FieldType.SINGLE_CHOICE),
                        ("好きなメニュー", FieldType.MULTI_CHOICE), ("ポイント", FieldType.POINTS),
                        ("記念日", FieldType.DATE), ("備考", FieldType.LONG_TEXT)):
        row.set_kind(f"field:{fields[name]}")
        offered = [row.editor.op.itemData(i) for i in range(row.editor.op.count())]
        assert offered == list(FIELD_OPS[ftype]), name

    row.set_kind(f"field:{fields['来店回数']}")
    choose(row.editor.op, "gte")
    row.editor.number1.setText("１０")  # full-width digits, as IMEs type them
    assert counts_of(qtbot, dialog)[:2] == (1, 0)
    assert dialog.preview_model.names() == ["田中 太郎"]
    row.editor.number1.setText("abc")
    settle(qtbot, dialog)
    assert dialog.message_label.text() == "Condition 1: Enter a number."
    assert row.editor.number1.text() == "abc"  # what was typed stays
    choose(row.editor.op, "between")
    row.editor.number1.setText("20")
    row.editor.number2.setText("5")  # the core refuses a reversed range
    settle(qtbot, dialog)
    assert dialog.message_label.text() == (
        "Condition 1: The first value of the range is larger than the second.")
    assert row.problem.isVisible()
    row.editor.number1.setText("1")
    row.editor.number2.setText("12")
    assert counts_of(qtbot, dialog)[:2] == (1, 0)

    row.set_kind(f"field:{fields['会員ランク']}")
    choose(row.editor.op, "any_of")
    tick(row.editor.choices, "ゴールド")
    assert counts_of(qtbot, dialog)[:2] == (1, 0)
    choose(row.editor.op, "empty")
    assert not row.editor.choices.isVisible()
    want = expected(book, lambda r: r.id != seeded.customers["田中"])
    assert counts_of(qtbot, dialog)[:2] == want[:2]

    row.set_kind(f"field:{fields['備考']}")
    choose(row.editor.op, "contains")
    row.editor.text.setText("そば")
    assert counts_of(qtbot, dialog)[0] == 0  # nobody has a 備考 value
    choose(row.editor.op, "empty")
    assert counts_of(qtbot, dialog)[:2] == (4, 1)


def test_built_in_conditions(dialog, seeded, qtbot) -> None:
    book, c = seeded.book, seeded.customers
    book.customers.update(c["佐藤"], address="東京都渋谷区神南1-1", birthday=dt.date(1990, 4, 3))
    book.customers.update(c["高橋"], address="〒220-0012 神奈川県横浜市西区",
                          birthday=dt.date(1985, 11, 20))
    book.customers.update(c["鈴木"], address="大阪府大阪市北区", birthday=dt.date(2000, 4, 30))
    row = dialog.root.items()[0]
    row.set_kind("prefecture")
    assert row.editor.prefectures.list.count() == 47
    tick(row.editor.prefectures, "東京都", "神奈川県")
    assert counts_of(qtbot, dialog)[2] == [c["佐藤"], c["高橋"]]

    row.set_kind("birthday")
    choose(row.editor.month, 4)
    assert counts_of(qtbot, dialog)[2] == [c["佐藤"], c["鈴木"]]

    row.set_kind("line")
    choose(row.editor.on, False)
    want = expected(book, lambda r: not r.line_user_id)
    assert counts_of(qtbot, dialog) == want

    row.set_kind("followed")
    choose(row.editor.op, "before")
    row.editor.date.setDate(QDate(2026, 5, 1))
    before = dt.datetime(2026, 5, 1)
    want = expected(book, lambda r: r.followed_at is not None and r.followed_at < before)
    assert counts_of(qtbot, dialog) == want
    assert want[:2] == (1, 1)

    row.set_kind("last_message")
    row.editor.days.setValue(7)
    assert counts_of(qtbot, dialog)[:2] == (0, 0)  # nobody has written yet


# --- saving and editing -------------------------------------------------------------------------
def test_save_then_edit_loads_the_segment_exactly(dialog, seeded, qtbot) -> None:
    book, tags, fields = seeded.book, seeded.tags, seeded.fields
    first = dialog.root.items()[0]
    tick(first.editor.tags, tags["常連"], tags["VIP"])
    choose(first.editor.match, "all")
    number = dialog.root.add_condition(kind=f"field:{fields['来店回数']}")
    choose(number.editor.op, "between")
    number.editor.number1.setText("10")
    number.editor.number2.setText("20.5")
    group = dialog.root.add_group()
    tick(group.items()[0].editor.tags, tags["新規"])
    choose(group.items()[0].editor.match, "none")
    pref = group.add_condition(kind="prefecture")
    tick(pref.editor.prefectures, "沖縄県", "北海道")
    group.add_condition(kind="birthday")  # this month
    date = group.add_condition(kind=f"field:{fields['記念日']}")
    choose(date.editor.op, "last_days")
    date.editor.days.setValue(14)
    last = dialog.root.add_condition(kind="last_message")
    last.editor.days.setValue(90)
    built = dialog.condition()
    assert built == Group(AND, (
        TagCondition("all", (tags["常連"], tags["VIP"])),
        FieldCondition(fields["来店回数"], "between", (10.0, 20.5)),
        Group(OR, (TagCondition("none", (tags["新規"],)),
                   PrefectureCondition(("沖縄県", "北海道")),
                   BirthdayCondition(None),
                   FieldCondition(fields["記念日"], "last_days", 14))),
        LastMessageCondition(90)))
    dialog.name.setText("常連VIP")
    with qtbot.waitSignal(dialog.saved) as saved:
        assert dialog.save() is not None
    segment_id = saved.args[0]
    info = book.segments.get(segment_id)
    assert info.name == "常連VIP" and info.valid
    assert info.condition == book.segments.validate(built)

    again = SegmentBuilderDialog(book, segment_id)
    qtbot.addWidget(again)
    assert again.windowTitle() == "Edit segment"
    assert again.name.text() == "常連VIP"
    assert again.condition() == info.condition
    settle(qtbot, again)
    # Change it: the edit replaces the saved one, under the same id.
    again.root.items()[1].editor.number2.setText("30")
    again.name.setText("常連VIP（30回まで）")
    assert again.save() == segment_id
    info = book.segments.get(segment_id)
    assert info.name == "常連VIP（30回まで）"
    assert info.condition.items[1] == FieldCondition(fields["来店回数"], "between", (10.0, 30.0))
    assert [s.id for s in book.segments.list()] == [segment_id]


def test_save_problems_are_shown_and_nothing_typed_is_lost(dialog, seeded, qtbot) -> None:
    book = seeded.book
    book.segments.save("常連", Group(AND, (LineCondition(True),)))
    row = dialog.root.items()[0]
    assert dialog.save() is None  # no name
    assert dialog.save_problem.text() == "Give the segment a name."
    dialog.name.setText("常連")
    assert dialog.save() is None  # the only row is incomplete
    assert dialog.save_problem.text() == "Correct the condition marked in red."
    assert row.problem.isVisible()
    tick(row.editor.tags, seeded.tags["VIP"])
    assert dialog.save() is None  # the name is taken
    assert dialog.save_problem.text() == "A segment with this name already exists."
    assert dialog.isVisible() and dialog.name.text() == "常連"
    assert row.editor.tags.selected() == [seeded.tags["VIP"]]
    dialog.name.setText("VIPの方")
    assert dialog.save() is not None
    assert not dialog.isVisible()
    assert [s.name for s in book.segments.list()] == ["常連", "VIPの方"]


def test_a_saved_segment_naming_a_deleted_tag_loads_with_a_message(seeded, qtbot) -> None:
    book, tags = seeded.book, seeded.tags
    segment_id = book.segments.save("新規さん", Group(AND, (
        TagCondition("any", (tags["新規"], tags["VIP"])),)))
    book.tags.delete(tags["新規"])
    dialog = SegmentBuilderDialog(book, segment_id)
    qtbot.addWidget(dialog)
    dialog.show()
    row = dialog.root.items()[0]
    assert row.editor.tags.selected() == sorted([tags["新規"], tags["VIP"]])  # as stored
    assert "(deleted tag)" in row.editor.tags.toolTip()
    settle(qtbot, dialog)
    assert dialog.message_label.text() == (
        "Condition 1: This condition names a tag that was deleted.")
    assert row.problem.isVisible()
    untick(row.editor.tags, tags["新規"])
    assert counts_of(qtbot, dialog)[:2] == (1, 1)
    assert dialog.save() == segment_id
    assert book.segments.get(segment_id).valid


def test_unreadable_saved_conditions_open_empty_with_a_message(seeded, qtbot) -> None:
    from sqlalchemy import text

    book = seeded.book
    segment_id = book.segments.save("壊れた", Group(AND, (LineCondition(True),)))
    with book.db.write() as s:
        s.execute(text("UPDATE segment SET condition = :c WHERE id = :i"),
                  {"c": '{"version": 1, "root": {"group": "xor"', "i": segment_id})
    dialog = SegmentBuilderDialog(book, segment_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.name.text() == "壊れた"
    assert dialog.root.items() == []
    assert "could not be read" in dialog.message_label.text()
    settle(qtbot, dialog)
    dialog.root.add_condition(kind="line")
    assert dialog.save() == segment_id
    assert book.segments.get(segment_id).valid


def test_preview_model_passes_the_qt_model_tester(dialog, seeded, qtbot, qtmodeltester) -> None:
    row = dialog.root.items()[0]
    choose(row.editor.match, "none")
    tick(row.editor.tags, seeded.tags["新規"])
    settle(qtbot, dialog)
    assert dialog.preview_model.rowCount() == 4
    qtmodeltester.check(dialog.preview_model, force_py=True)


def test_japanese_by_default(seeded, qtbot, qapp) -> None:
    from ui import i18n

    i18n.compile_if_stale()
    i18n.install_translators(qapp, "ja")  # the conftest fixture removes it afterwards
    dialog = SegmentBuilderDialog(seeded.book)
    qtbot.addWidget(dialog)
    row = dialog.root.items()[0]
    assert dialog.windowTitle() == "新しいセグメント"
    assert row.kind.currentText() == "タグ"
    assert dialog.root.op.currentText() == "すべての条件に一致（AND）"
    assert dialog.message_label.text() == "条件 1: タグを1つ以上選んでください。"
    tick(row.editor.tags, seeded.tags["VIP"])
    settle(qtbot, dialog)
    assert dialog.count_label.text() == "該当: 1人"
    assert dialog.blocked_label.text() == "ブロック中: ほか1人（配信されません）"
    row.set_kind(f"field:{seeded.fields['来店回数']}")
    choose(row.editor.op, "between")
    row.editor.number1.setText("9")
    row.editor.number2.setText("3")
    settle(qtbot, dialog)  # the core's own message, in Japanese too
    assert dialog.message_label.text().startswith("条件 1: ")
    assert "range" not in dialog.message_label.text()
    # Japanese word order: "来店回数 | 9 〜 3 | の範囲", the comparison after the value.
    line = row.editor.row
    assert line.indexOf(row.editor.op) > line.indexOf(row.editor.number2)
    last = row.kind.findData("last_message")
    assert row.kind.itemText(last) == "お客様からの最後のメッセージ"
    row.set_kind("prefecture")
    assert row.editor.prefectures.filter.placeholderText() == "都道府県を絞り込む"


def test_english_puts_the_comparison_first(dialog, seeded) -> None:
    row = dialog.root.items()[0]
    row.set_kind(f"field:{seeded.fields['来店回数']}")
    line = row.editor.row
    assert line.indexOf(row.editor.op) < line.indexOf(row.editor.number1)
    assert row.kind.itemText(row.kind.findData("last_message")) == \
        "Last message from the customer"


def test_a_stale_count_is_dropped(seeded, qtbot) -> None:
    """A count still running when the conditions change is never shown."""
    from PySide6.QtWidgets import QWidget

    from ui.segments.live_count import LiveCounter

    book = seeded.book
    holder = QWidget()
    qtbot.addWidget(holder)
    counter = LiveCounter(book, holder, delay_ms=0)
    shown: list[tuple[int, int, list[int]]] = []
    counter.counted.connect(
        lambda counts, rows: shown.append((counts.recipients, counts.blocked,
                                           [r.id for r in rows])))
    everyone_cond = Group(AND, ())
    line_off = Group(AND, (LineCondition(False),))
    counter.request(everyone_cond)
    counter._timer.stop()
    counter._start()  # the first count is now running in the background
    counter.request(line_off)  # before its result can arrive (no event processed yet)
    qtbot.waitUntil(lambda: not counter.busy and bool(shown), timeout=5000)
    want = expected(book, lambda r: not r.line_user_id)
    assert shown == [want]


def test_rows_and_groups_are_removed_by_their_buttons(dialog, seeded, qtbot) -> None:
    first = dialog.root.items()[0]
    tick(first.editor.tags, seeded.tags["VIP"])
    group = dialog.root.add_group()
    inner = group.add_condition(kind="line")
    assert len(group.items()) == 2
    group.items()[0].remove_button.click()  # the group's empty tag row
    assert group.items() == [inner]
    assert dialog.condition() == Group(AND, (TagCondition("any", (seeded.tags["VIP"],)),
                                             Group(OR, (LineCondition(True),))))
    group.remove_button.click()
    first.remove_button.click()
    assert dialog.root.items() == []
    # No conditions at all: every customer who has not blocked the shop.
    want = expected(seeded.book, lambda r: True)
    assert counts_of(qtbot, dialog) == want


# --- calm until touched, no stale names, the prefecture filter ---------------------------------
def test_a_new_row_is_a_calm_hint_until_touched_or_saved(dialog, seeded, qtbot) -> None:
    """The builder does not open in red: an untouched new row says what it needs in grey;
    it turns red once the owner changed it, or pressed Save."""
    from ui.segments.conditions import ERROR_COLOUR, HINT_COLOUR

    row = dialog.root.items()[0]
    assert row.problem.isVisible() and row.problem.text() == "Choose at least one tag."
    assert not row.property("invalid") and row.property("hint")
    assert HINT_COLOUR in row.problem.styleSheet()
    assert dialog.message_label.text() == "Condition 1: Choose at least one tag."
    assert dialog.message_label.property("severity") == "hint"
    assert HINT_COLOUR in dialog.message_label.styleSheet()
    assert dialog.count_label.text() == "Matching: —"

    # Touched: ticked, then unticked again.
    tick(row.editor.tags, seeded.tags["VIP"])
    counts_of(qtbot, dialog)
    untick(row.editor.tags, seeded.tags["VIP"])
    assert row.property("invalid") and not row.property("hint")
    assert ERROR_COLOUR in row.problem.styleSheet()
    assert dialog.message_label.property("severity") == "error"

    # A second, new row is calm again; Save makes it red.
    tick(row.editor.tags, seeded.tags["VIP"])
    dialog.root.add_condition_button.click()
    second = dialog.root.items()[1]
    assert dialog.message_label.text() == "Condition 2: Choose at least one tag."
    assert second.property("hint") and not second.property("invalid")
    dialog.name.setText("VIPの方")
    assert dialog.save() is None
    assert second.property("invalid") and not second.property("hint")
    assert dialog.message_label.property("severity") == "error"
    assert dialog.save_problem.text() == "Correct the condition marked in red."
    assert row.editor.tags.selected() == [seeded.tags["VIP"]]  # nothing typed is lost
    # Still red after a change elsewhere: the owner has been told.
    dialog.root.set_op(OR)
    assert second.property("invalid")


def test_no_names_are_listed_while_there_is_no_count(dialog, seeded, qtbot) -> None:
    row = dialog.root.items()[0]
    tick(row.editor.tags, seeded.tags["VIP"])
    counts_of(qtbot, dialog)
    assert dialog.preview_model.names() == ["田中 太郎"]
    row.set_kind(f"field:{seeded.fields['来店回数']}")
    choose(row.editor.op, "between")
    row.editor.number1.setText("10")
    row.editor.number2.setText("5")  # the core refuses a reversed range, in plain words
    settle(qtbot, dialog)
    assert dialog.message_label.text() == (
        "Condition 1: The first value of the range is larger than the second.")
    assert dialog.count_label.text() == "Matching: —"
    assert dialog.preview_model.names() == []
    assert dialog.preview_caption.text() == "Complete the conditions to see who matches."
    assert (row.editor.number1.text(), row.editor.number2.text()) == ("10", "5")
    row.editor.number2.setText("")  # incomplete (read from the widgets): no names either
    assert dialog.preview_model.names() == []
    row.editor.number2.setText("30")
    assert counts_of(qtbot, dialog)[2] == [seeded.customers["田中"]]
    assert dialog.preview_caption.text() == "Who matches"


def test_the_prefecture_filter_has_a_hint_and_no_red_border(seeded, qtbot, qapp) -> None:
    """In a row marked red, the popup's filter box keeps its own calm look."""
    from PySide6.QtGui import QColor

    from ui.resources import style_sheet

    qapp.setStyleSheet(style_sheet())
    try:
        dialog = SegmentBuilderDialog(seeded.book)
        qtbot.addWidget(dialog)
        dialog.show()
        row = dialog.root.items()[0]
        row.set_kind("prefecture")  # touched and incomplete: red
        assert row.property("invalid")
        picker = row.editor.prefectures
        assert picker.filter.placeholderText() == "Filter prefectures"
        picker.filter.resize(200, 30)
        image = picker.filter.grab().toImage()  # drawn as the popup shows it
        border = QColor(image.pixel(image.width() // 2, 0))
        assert not (border.red() > 180 and border.green() < 120), border.name()
        settle(qtbot, dialog)
    finally:
        qapp.setStyleSheet("")
