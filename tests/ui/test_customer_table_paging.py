"""The customer table on a large book: ids read in chunks along the sort column's index.

The threshold and the chunk are lowered so that a small book takes the large book's path;
every test compares with the whole-list model (the core's full sort).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from app.customers import CustomerService
from app.search import CustomerQuery
from tests.ui.conftest import Seed
from ui.models.customer_table import ID_ROLE, PAGE, CustomerTableModel
from ui.settings import DEFAULT_COLUMNS


def _bulk_customers(seeded: Seed, n: int) -> None:
    """Ties in furigana and phone, empty values, friends and not (NULL friend-since)."""
    with seeded.book.db.write() as s:
        for i in range(n):
            data = {"name": f"客 {i:05d}", "furigana": ["", f"キャク {i % 17:02d}"][i % 5 > 0],
                    "phone": ["", f"090-{i % 13:04d}-0000"][i % 4 > 0]}
            if i % 3:
                data |= {"line_user_id": f"U{i + 0xbeef00:032x}",
                         "followed_at": "2026-01-01 10:00:00"}
            CustomerService.create_in(s, data)
    seeded.book.announce("customers")


def _windowed(seeded: Seed, chunk: int = 7) -> CustomerTableModel:
    model = CustomerTableModel(seeded.book, list(DEFAULT_COLUMNS))
    model.window_from = 0
    model.chunk = chunk
    return model


@pytest.fixture
def big(seeded: Seed) -> Seed:
    _bulk_customers(seeded, PAGE + 60)
    return seeded


QUERIES = [
    CustomerQuery(),
    CustomerQuery(sort="furigana"),
    CustomerQuery(sort="furigana", descending=True),
    CustomerQuery(sort="phone"),
    CustomerQuery(sort="followed_at", descending=True),
    CustomerQuery(sort="display_name", view="not_on_line"),
    CustomerQuery(sort="updated_at", view="friends"),
]


@pytest.mark.parametrize("query", QUERIES)
def test_chunked_ids_equal_the_full_sort_and_the_count(big: Seed, query, qapp) -> None:
    model = _windowed(big)
    model.set_query(query)
    full = big.book.search.ids(query)
    assert model.rowCount() == len(full) == big.book.search.count(query)
    assert model.windowed and len(model._ids) < len(full)  # not read before the paint
    name = model.column_index("name")
    # Rows read out of order (a jump, then back) are the full sort's rows.
    for row in (len(full) - 1, 3, min(PAGE + 2, len(full) - 2), 0):
        assert model.data(model.index(row, 0), ID_ROLE) == full[row]
        shown = model.data(model.index(row, name))
        assert shown == big.book.customers.rows([full[row]])[full[row]].name
    assert model.ids() == full
    assert not model.windowed


def test_windowed_model_passes_qt_model_tester(big: Seed, qtmodeltester, qapp) -> None:
    model = _windowed(big)
    model.set_query(CustomerQuery(sort="furigana"))
    qtmodeltester.check(model, force_py=False)


def test_small_queries_and_searches_are_held_whole(big: Seed, qapp) -> None:
    model = CustomerTableModel(big.book, list(DEFAULT_COLUMNS))
    model.set_query(CustomerQuery(sort="furigana"))  # fewer than WINDOW_FROM
    assert not model.windowed and len(model._ids) == model.rowCount()
    model = _windowed(big)
    model.set_query(CustomerQuery(text="キャク", sort="furigana"))  # a search: whole
    assert not model.windowed
    assert model.ids() == big.book.search.ids(CustomerQuery(text="キャク", sort="furigana"))


def test_first_rows_cost_a_chunk_not_every_id(big: Seed, qapp) -> None:
    model = _windowed(big, chunk=20)
    model.set_query(CustomerQuery(sort="phone"))
    for row in range(10):
        model.data(model.index(row, 1))
    # The page of rows built for the paint reads its ids (one row page), no more.
    assert len(model._ids) == PAGE


def test_selection_sort_and_scroll_by_id_beyond_the_ids_read(big: Seed, qtbot) -> None:
    from ui.widgets.customer_view import CustomerTableView

    model = _windowed(big)
    model.set_query(CustomerQuery(sort="furigana"))
    view = CustomerTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(900, 400)
    view.show()
    qtbot.waitExposed(view)
    full = big.book.search.ids(CustomerQuery(sort="furigana"))
    # Scroll to the bottom: the last rows are the full sort's last rows.
    view.scrollToBottom()
    qapp_rows = view.rowAt(view.viewport().height() - 2)
    assert model.id_at(qapp_rows) == full[qapp_rows]
    # Select two rows deep in the list and sort the other way: the selection follows the
    # customers (found by counting, not by reading every id before them).
    sm = view.selectionModel()
    picked = [full[PAGE + 10], full[PAGE + 30]]
    for cid in picked:
        sm.select(model.index(full.index(cid), 0), QItemSelectionModel.SelectionFlag.Select
                  | QItemSelectionModel.SelectionFlag.Rows)
    sm.setCurrentIndex(model.index(full.index(picked[0]), 0),
                       QItemSelectionModel.SelectionFlag.NoUpdate)
    assert view.selected_ids() == picked
    header = view.horizontalHeader()
    name = model.column_index("name")
    header.setSortIndicator(name, Qt.SortOrder.DescendingOrder)
    assert model.query.sort == "furigana" and model.query.descending
    desc = big.book.search.ids(CustomerQuery(sort="furigana", descending=True))
    assert sorted(view.selected_ids()) == sorted(picked)
    assert view.current_id() == picked[0]
    assert model.row_of(picked[0]) == desc.index(picked[0])
    assert model.row_of(10**9) is None


def test_refresh_while_windowed_follows_edits_and_deletes(big: Seed, qapp) -> None:
    model = _windowed(big)
    q = CustomerQuery(sort="furigana")
    model.set_query(q)
    model.data(model.index(0, 1))
    first = model.id_at(0)
    # A customer who sorts first appears: the ids read so far change, a reset.
    new = big.book.customers.create(name="相川", furigana="ああ")
    assert model.refresh({new}) is True
    assert model.id_at(0) == new
    assert model.rowCount() == big.book.search.count(q)
    # Someone deep in the list changes without moving: no reset, ids as the full sort.
    deep = big.book.search.ids(q)[-5]
    big.book.customers.update(deep, memo="メモ")
    model.refresh({deep})
    big.book.customers.delete([first])
    assert model.refresh({first}) is True
    assert model.ids() == big.book.search.ids(q)
