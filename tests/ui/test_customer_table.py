"""The customer table: ids-only lazy model, search, sort, columns, selection kept by id."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt

from app.customers import CustomerService
from app.search import CustomerQuery
from tests.ui.conftest import Seed
from ui.models.customer_table import (
    CUSTOMER_IDS_MIME,
    ID_ROLE,
    PAGE,
    TAGS_ROLE,
    CustomerTableModel,
    decode_ids,
)
from ui.settings import DEFAULT_COLUMNS


def _bulk_customers(seeded: Seed, n: int) -> None:
    with seeded.book.db.write() as s:
        for i in range(n):
            CustomerService.create_in(s, {"name": f"客 {i:05d}", "furigana": f"キャク {i:05d}",
                                          "phone": f"090-{i:04d}-0000"})
    seeded.book.announce("customers")


def test_model_passes_qt_model_tester(seeded: Seed, qtmodeltester, qapp) -> None:
    model = CustomerTableModel(seeded.book, list(DEFAULT_COLUMNS))
    model.set_query(CustomerQuery())
    qtmodeltester.check(model, force_py=False)


def test_model_tester_on_a_filtered_and_sorted_model(seeded: Seed, qtmodeltester, qapp) -> None:
    model = CustomerTableModel(seeded.book, list(DEFAULT_COLUMNS))
    model.set_query(CustomerQuery(tags_any=(seeded.tags["VIP"],), sort="furigana",
                                  descending=True))
    assert model.rowCount() == 2
    qtmodeltester.check(model, force_py=False)


def test_rows_are_built_lazily_one_page_at_a_time(seeded: Seed, qapp) -> None:
    _bulk_customers(seeded, PAGE + 50)
    model = CustomerTableModel(seeded.book, list(DEFAULT_COLUMNS))
    model.set_query(CustomerQuery())
    assert model.rowCount() == PAGE + 55
    assert model.fetches == 0  # ids only so far
    name = model.column_index("name")
    model.data(model.index(0, name))
    model.data(model.index(PAGE - 1, name))
    assert model.fetches == 1
    last = model.data(model.index(model.rowCount() - 1, name))
    assert model.fetches == 2
    assert last.startswith("客")
    # Ids are there for every row without fetching (select-all costs nothing).
    assert model.data(model.index(PAGE + 1, 0), ID_ROLE) == model.id_at(PAGE + 1)
    assert model.fetches == 2


def test_columns_show_tags_as_chips_and_custom_fields(seeded: Seed, qapp) -> None:
    model = CustomerTableModel(seeded.book, list(DEFAULT_COLUMNS))
    model.set_query(CustomerQuery(sort="id"))
    row = model.row_of(seeded.customers["田中"])
    assert row is not None
    tags = model.data(model.index(row, model.column_index("tags")), TAGS_ROLE)
    assert [name for name, _colour in tags] == ["VIP", "常連"]
    assert tags[0][1] == "#EA4335"
    visits = model.column_index(f"field:{seeded.fields['来店回数']}")
    rank = model.column_index(f"field:{seeded.fields['会員ランク']}")
    assert model.data(model.index(row, visits)) == "12"
    assert model.data(model.index(row, rank)) == "ゴールド"
    assert model.headerData(rank, Qt.Orientation.Horizontal) == "会員ランク"
    followed = model.data(model.index(row, model.column_index("followed_at")))
    assert followed == "2026年4月1日"
    picture = model.data(model.index(row, 0), Qt.ItemDataRole.DecorationRole)
    assert picture is not None and not picture.isNull()


def test_search_box_narrows_the_table(window, seeded, qtbot) -> None:
    model = window.content.model
    assert model.rowCount() == 5
    c = seeded.customers
    window.content.search.setText("田中")
    qtbot.waitUntil(lambda: model.ids() == [c["田中"]], timeout=2000)
    window.content.search.setText("０８０")  # full-width digits find the phone number
    qtbot.waitUntil(lambda: model.ids() == [c["佐藤"]], timeout=2000)
    window.content.search.setText("やまだ")  # hiragana finds katakana furigana
    qtbot.waitUntil(lambda: model.ids() == [c["山田"]], timeout=2000)
    window.content.search.clear()
    qtbot.waitUntil(lambda: model.rowCount() == 5, timeout=2000)
    assert window.count_label.text() == "5 customer(s)"


def test_search_is_debounced(window, qtbot) -> None:
    model = window.content.model
    window.content.search.setText("山")
    window.content.search.setText("山田")
    assert model.rowCount() == 5  # nothing ran yet: the query waits for typing to pause
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=2000)


def test_header_click_sorts_in_sql_and_unsortable_columns_refuse(window, seeded) -> None:
    view, model = window.content.view, window.content.model
    header = view.horizontalHeader()
    name = model.column_index("name")
    header.setSortIndicator(name, Qt.SortOrder.AscendingOrder)
    names = [model.data(model.index(r, name)) for r in range(model.rowCount())]
    assert names == ["佐藤 健", "鈴木 一郎", "高橋 美咲", "田中 太郎", "山田 花子"]
    header.setSortIndicator(name, Qt.SortOrder.DescendingOrder)
    assert model.data(model.index(0, name)) == "山田 花子"
    assert model.query.sort == "furigana" and model.query.descending
    header.setSortIndicator(model.column_index("tags"), Qt.SortOrder.AscendingOrder)
    assert header.sortIndicatorSection() == name  # the tags column cannot sort
    assert model.query.sort == "furigana"


def test_column_chooser_hides_and_shows_columns(window, settings, seeded) -> None:
    view, model = window.content.view, window.content.model
    menu = view.column_menu()
    phone = next(a for a in menu.actions() if a.data() == "phone")
    assert phone.isChecked()
    phone.setChecked(False)
    assert model.column_index("phone") == -1
    assert "phone" not in settings.visible_columns
    field_key = f"field:{seeded.fields['好きなメニュー']}"
    menu = view.column_menu()
    favourite = next(a for a in menu.actions() if a.data() == field_key)
    assert not favourite.isChecked()
    favourite.setChecked(True)  # a custom field's column is a property of the field
    window.content.events.flush()
    assert model.column_index(field_key) >= 0
    assert seeded.book.fields.get(seeded.fields["好きなメニュー"]).show_in_list


def test_refresh_keeps_selection_and_current_row(window, seeded, qtbot) -> None:
    view, model = window.content.view, window.content.model
    assert window.select_customer(seeded.customers["山田"])
    # Another customer changes: same ids, only that row repaints; selection stays.
    seeded.book.customers.update(seeded.customers["佐藤"], phone="080-9999-0000")
    window.content.events.flush()
    assert view.selected_ids() == [seeded.customers["山田"]]
    # A new customer appears before the selected one: rows move, selection follows the id.
    header = view.horizontalHeader()
    header.setSortIndicator(model.column_index("name"), Qt.SortOrder.AscendingOrder)
    seeded.book.customers.create(name="相川 あい", furigana="アイカワ アイ")
    window.content.events.flush()
    assert model.rowCount() == 6
    assert view.selected_ids() == [seeded.customers["山田"]]
    assert view.current_id() == seeded.customers["山田"]


def test_dragged_rows_carry_customer_ids_and_bad_mime_is_refused(window, seeded) -> None:
    view, model = window.content.view, window.content.model
    rows = [model.row_of(seeded.customers["佐藤"]), model.row_of(seeded.customers["高橋"])]
    indexes = [model.index(r, c) for r in rows for c in range(model.columnCount())]
    mime = model.mimeData(indexes)
    assert sorted(decode_ids(mime)) == sorted([seeded.customers["佐藤"],
                                                seeded.customers["高橋"]])
    for bad in (b"not json", b'{"a": 1}', b'[1, "2", true, -3]', b"\xff\xfe"):
        forged = QMimeData()
        forged.setData(CUSTOMER_IDS_MIME, bad)
        assert decode_ids(forged) in ([], [1])
    assert view.dragEnabled()


def test_multi_select_reports_every_selected_id(window, seeded) -> None:
    view = window.content.view
    view.selectAll()
    assert len(view.selected_ids()) == 5
    assert window.selection_label.text() == "5 customer(s) selected"
    assert window.act_delete.isEnabled()


def test_an_edit_in_the_plain_view_repaints_the_row_in_place(window, seeded) -> None:
    model = window.content.model
    assert model.query == CustomerQuery()  # everyone, by id
    c = seeded.customers
    assert window.select_customer(c["鈴木"])
    name = model.column_index("name")
    model.data(model.index(model.row_of(c["鈴木"]), name))  # cached
    seeded.book.customers.update(c["鈴木"], name="鈴木 一朗")
    window.content.events.flush()
    assert model.data(model.index(model.row_of(c["鈴木"]), name)) == "鈴木 一朗"
    assert window.content.view.selected_ids() == [c["鈴木"]]
    # Deleting someone else in the same view still takes them out of the list.
    seeded.book.customers.delete([c["佐藤"]])
    window.content.events.flush()
    assert c["佐藤"] not in model.ids() and model.rowCount() == 4
