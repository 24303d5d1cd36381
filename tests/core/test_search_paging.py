"""Keyset paging of the customer order: the same ids, in the same order, as the full sort."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import text

from app.search import SORT_INDEXES, CustomerQuery

SORTS = ["id", *SORT_INDEXES]


@pytest.fixture
def crowd(book) -> list[int]:
    """40 customers with ties and empty values in every sortable column, NULLs where the
    column allows them (friend since, birthday), and the same updated_at for many."""
    ids = []
    for i in range(40):
        data = {"name": f"客 {i}", "furigana": ["あお", "いし", "", "あお うみ"][i % 4],
                "phone": ["090-1111-2222", "", "03-1234-5678"][i % 3],
                "display_name": ["", "ゆき", "アキ", "ゆき"][i % 4]}
        if i % 5:
            data["line_user_id"] = f"U{i:032x}"
            data["followed_at"] = f"2026-0{1 + i % 3}-01 10:00:00"
        if i % 7 == 0:
            data["blocked_at"] = "2026-05-01 00:00:00"
        if i % 6 == 0:
            data["birthday"] = f"19{80 + i % 2}-01-01"
        ids.append(book.customers.create(**data))
    with book.db.write() as s:  # ties in updated_at too
        s.execute(text("UPDATE customer SET updated_at = '2026-06-01 00:00:00' "
                       "WHERE id % 2 = 0"))
    tag = book.tags.create("休眠")
    book.tags.add([ids[3], ids[10], ids[11]], [tag])
    return ids


def _queries(tag_id: int):
    for sort, desc, view, none in itertools.product(
            SORTS, (False, True), ("all", "friends", "blocked", "not_on_line"),
            ((), (tag_id,))):
        yield CustomerQuery(sort=sort, descending=desc, view=view, tags_none=none)


def test_pages_join_up_to_the_full_sort_for_every_column_view_and_direction(book, crowd):
    tag_id = book.tags.list()[0].id
    for q in _queries(tag_id):
        assert book.search.pageable(q)
        expected = book.search.ids(q)
        for limit in (1, 3, 7, 100):
            got, cursor = [], None
            while True:
                page, cursor = book.search.page(q, cursor, limit)
                assert len(page) <= limit
                got += page
                if cursor is None:
                    break
            assert got == expected, (q, limit)
        assert book.search.count(q) == len(expected)


def test_position_is_the_row_in_the_full_sort_and_none_outside_it(book, crowd):
    tag_id = book.tags.list()[0].id
    for q in _queries(tag_id):
        expected = book.search.ids(q)
        for cid in crowd:
            want = expected.index(cid) if cid in expected else None
            assert book.search.position(q, cid) == want, (q, cid)


def test_searches_and_field_sorts_are_not_paged(book, crowd):
    assert not book.search.pageable(CustomerQuery(text="客"))
    assert not book.search.pageable(CustomerQuery(tags_all=(1,)))
    assert not book.search.pageable(CustomerQuery(sort="field:1"))
    with pytest.raises(ValueError):
        book.search.page(CustomerQuery(text="客"), None, 10)
