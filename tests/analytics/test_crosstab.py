"""Cross tabulation against plain-Python counts, and each cell's condition against the
segments' own evaluation (a cell saved as a segment finds the same customers)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from app.analytics.crosstab import CrossTab, Dimension, crosstab
from app.segments import from_json
from tests.analytics.conftest import History

RANGES = ((None, 4.0), (5.0, 9.0), (10.0, 19.0), (20.0, None))


def _dims(h: History) -> dict[str, tuple[Dimension, Callable[[int], list[Any]]]]:
    """Each dimension with a plain function: a customer's value keys (None: has none)."""
    def tags(cid: int) -> list[Any]:
        got = [tid for tid in sorted(h.tags) if cid in h.tags[tid]]
        return got or [None]

    def number(cid: int) -> list[Any]:
        v = h.number.get(cid)
        got = [r for r in RANGES if v is not None and (r[0] is None or v >= r[0])
               and (r[1] is None or v <= r[1])]
        return got or [None]

    return {
        "tag": (Dimension("tag"), tags),
        "choice": (Dimension("choice", field_id=h.choice_field),
                   lambda cid: [h.choice.get(cid)]),
        "number": (Dimension("number", field_id=h.number_field, ranges=RANGES), number),
        "birthday_month": (Dimension("birthday_month"),
                           lambda cid: [h.birthdays[cid].month if cid in h.birthdays
                                        else None]),
        "prefecture": (Dimension("prefecture"), lambda cid: [h.prefs.get(cid)]),
    }


def _check(tab: CrossTab, h: History, fr: Callable[[int], list[Any]],
           fc: Callable[[int], list[Any]]) -> None:
    people = [h.owner_id] + [cid for cid in h.customers if cid not in h.blocked]
    assert tab.total == len(people)
    for r, rv in enumerate(tab.rows):
        want_row = [cid for cid in people if rv.key in fr(cid)]
        assert tab.row_totals[r] == len(want_row)
        for c, cv in enumerate(tab.cols):
            want = [cid for cid in want_row if cv.key in fc(cid)]
            assert tab.cell_ids(r, c) == want
            assert tab.counts[r][c] == len(want)
            if want:
                assert tab.row_share(r, c) == len(want) / len(want_row)
    for c, cv in enumerate(tab.cols):
        assert tab.col_totals[c] == sum(1 for cid in people if cv.key in fc(cid))


@pytest.mark.parametrize("pair", [("tag", "choice"), ("number", "birthday_month"),
                                  ("prefecture", "tag"), ("choice", "prefecture"),
                                  ("birthday_month", "number"), ("tag", "tag")])
def test_counts_and_shares(history: tuple, pair: tuple[str, str]) -> None:
    book, h = history
    dims = _dims(h)
    (rd, fr), (cd, fc) = dims[pair[0]], dims[pair[1]]
    with book.db.read() as s:
        tab = crosstab(s, rd, cd)
    _check(tab, h, fr, fc)
    assert sum(map(sum, tab.counts)) > 0


def test_cell_conditions_find_the_same_customers(history: tuple) -> None:
    book, h = history
    dims = _dims(h)
    checked = 0
    for a, b in (("tag", "choice"), ("number", "prefecture"), ("birthday_month", "tag")):
        with book.db.read() as s:
            tab = crosstab(s, dims[a][0], dims[b][0])
        for r in range(len(tab.rows)):
            for c in range(len(tab.cols)):
                cond = tab.cell_condition(r, c)
                if cond is None:
                    continue
                assert sorted(book.segments.ids(from_json(cond))) == tab.cell_ids(r, c)
                checked += 1
    assert checked > 40


def test_bad_dimensions_are_refused(history: tuple) -> None:
    _, h = history
    with pytest.raises(ValueError):
        Dimension("channel")  # "route" is a dimension now (tests/routes)
    with pytest.raises(ValueError):
        Dimension("number", field_id=h.number_field)


def test_chosen_tags_only(history: tuple) -> None:
    book, h = history
    first = sorted(h.tags)[0]
    dims = _dims(h)
    with book.db.read() as s:
        tab = crosstab(s, Dimension("tag", tag_ids=(first,)), dims["birthday_month"][0])
    assert [v.key for v in tab.rows] == [first, None]

    def only_first(cid: int) -> list[object]:
        return [first] if cid in h.tags[first] else [None]
    _check(tab, h, only_first, dims["birthday_month"][1])
