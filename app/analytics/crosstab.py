"""Cross tabulation (クロス分析): customers counted by two dimensions at once.

A dimension is a tag (each tag one value), a choice field, a number field cut into
ranges, the birthday month or the prefecture of the address. A customer with several
values (tags, a multiple choice) counts in each of them, so a row's total is the number of
customers having that row's value, not the sum of its cells. Counted: the customers a
segment counts, i.e. all but the blocked ones — so that a cell saved as a segment
(:meth:`CrossTab.cell_condition`, the JSON form of app/segments) counts the same
customers. Each value carries that condition when one expresses it exactly.

The route dimension (each inflow route, a customer under their first one) lives in
app/routes/crosstab.py.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.analytics import summaries
from app.fields import FieldType
from app.prefectures import PREFECTURES
from app.store.models import CustomField, Tag
from app.store.models_analytics import BIRTHDAY_MONTH_SQL

KINDS = ("tag", "choice", "number", "birthday_month", "prefecture", "route")


@dataclass(frozen=True)
class Dimension:
    kind: str
    #: choice and number dimensions: the field.
    field_id: int | None = None
    #: number dimension: inclusive ranges (low, high), None for an open end.
    ranges: tuple[tuple[float | None, float | None], ...] = ()
    #: tag dimension: the tags to show (empty: every tag).
    tag_ids: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown dimension {self.kind!r}")
        if self.kind in ("choice", "number") and self.field_id is None:
            raise ValueError("a field dimension needs field_id")
        if self.kind == "number" and not self.ranges:
            raise ValueError("a number dimension needs ranges")


@dataclass(frozen=True)
class Value:
    #: The value itself: a tag id, a choice, a range, a month, a prefecture; None for
    #: "has none" (no tag, empty field, no birthday, no prefecture recognised).
    key: Any
    #: What to show: a tag's, choice's or prefecture's name, "10–19" for a range, "4" for
    #: April; "" for the None value (the UI says なし in its language).
    label: str
    #: The segment condition (JSON form) matching exactly these customers, when one exists.
    condition: dict[str, Any] | None


@dataclass
class CrossTab:
    rows: list[Value]
    cols: list[Value]
    counts: list[list[int]]
    row_totals: list[int]
    col_totals: list[int]
    #: Customers counted (each once).
    total: int
    #: Each row's and each column's customers (the None value's last), kept for
    #: :meth:`cell_ids`.
    _groups: tuple[list[Collection[int]], list[Collection[int]]] = field(
        repr=False, default=([], []))

    def cell_ids(self, r: int, c: int) -> list[int]:
        """The customers of a cell, in id order (the UI opens them as a view). Worked out
        when asked: a table has hundreds of cells and the owner opens one."""
        rows, cols = self._groups
        return sorted(set(rows[r]).intersection(cols[c]))

    def row_share(self, r: int, c: int) -> float:
        return self.counts[r][c] / self.row_totals[r] if self.row_totals[r] else 0.0

    def col_share(self, r: int, c: int) -> float:
        return self.counts[r][c] / self.col_totals[c] if self.col_totals[c] else 0.0

    def cell_condition(self, r: int, c: int) -> dict[str, Any] | None:
        """A segment (JSON form, app.segments.from_json) for the cell, or None when a value
        has no exact condition (no birthday, no prefecture, a number outside the ranges)."""
        a, b = self.rows[r].condition, self.cols[c].condition
        if a is None or b is None:
            return None
        return {"version": 1, "root": {"group": "and", "items": [a, b]}}


def _range_label(lo: float | None, hi: float | None) -> str:
    def num(x: float) -> str:
        return str(int(x)) if float(x).is_integer() else str(x)
    return f"{num(lo) if lo is not None else ''}–{num(hi) if hi is not None else ''}"


def _range_condition(fid: int, lo: float | None, hi: float | None) -> dict[str, Any]:
    if lo is not None and hi is not None:
        return {"kind": "field", "field": fid, "op": "between", "value": [lo, hi]}
    if lo is not None:
        return {"kind": "field", "field": fid, "op": "gte", "value": lo}
    return {"kind": "field", "field": fid, "op": "lte", "value": hi}


_FIRST, _SECOND = itemgetter(0), itemgetter(1)

#: (customer id, value index) for every value a customer has; a customer with several
#: values (tags, a multiple choice) appears once per value, one with none not at all.
Pairs = list[tuple[int, int]]
#: Each value's customers (the None value's excepted), no customer twice in one.
Groups = list[list[int]]


def _grouped(pairs: Pairs, n: int) -> Groups:
    out: Groups = [[] for _ in range(n)]
    for cid, v in pairs:
        out[v].append(cid)
    return out


def _ids(joined: str | None, people: dict[int, Any]) -> list[int]:
    """The counted customers among ids SQLite joined with commas (group_concat): one
    string per value reads two to three times faster than a row per customer."""
    if not joined:
        return []
    return list(filter(people.__contains__, map(int, joined.split(","))))


def _values(s: Session, dim: Dimension, people: dict[int, Any]
            ) -> tuple[list[Value], Groups]:
    """The dimension's values, the None value last, and each value's customers among those
    counted (the None value's are the others: not listed)."""
    pairs: Pairs = []
    groups: Groups | None = None
    values: list[Value] = []
    none_cond: dict[str, Any] | None = None
    if dim.kind == "tag":
        tags = s.execute(select(Tag.id, Tag.name).order_by(Tag.position, Tag.name)).all()
        if dim.tag_ids:
            wanted = set(dim.tag_ids)
            tags = [t for t in tags if t[0] in wanted]
        values = [Value(tid, name, {"kind": "tags", "match": "any", "tags": [tid]})
                  for tid, name in tags]
        joined = dict(_raw(s).execute(
            "SELECT tag_id, group_concat(customer_id) FROM customer_tag GROUP BY tag_id"))
        groups = [_ids(joined.get(tid), people) for tid, _ in tags]
        none_cond = {"kind": "tags", "match": "none", "tags": [t[0] for t in tags]}
    elif dim.kind in ("choice", "number"):
        fdef = s.get(CustomField, dim.field_id)
        if fdef is None:
            raise ValueError("no such field")
        fid = fdef.id
        rows = _raw(s).execute("SELECT customer_id, text_value, num_value FROM field_value "
                               "WHERE field_id = ?", (fid,)).fetchall()
        none_cond = {"kind": "field", "field": fid, "op": "empty"}
        if dim.kind == "choice":
            if fdef.type not in (FieldType.SINGLE_CHOICE, FieldType.MULTI_CHOICE):
                raise ValueError("not a choice field")
            by_choice = {c: i for i, c in enumerate(fdef.choices)}
            values = [Value(c, c, {"kind": "field", "field": fid, "op": "any_of",
                                   "value": [c]}) for c in fdef.choices]
            multi = fdef.type == FieldType.MULTI_CHOICE
            for cid, text, _num in rows:
                if cid not in people or not text:
                    continue
                picked = json.loads(text) if multi else [text]
                pairs.extend((cid, i) for i in sorted(
                    {by_choice[p] for p in picked if p in by_choice}))
        else:
            if fdef.type not in (FieldType.NUMBER, FieldType.POINTS):
                raise ValueError("not a number field")
            values = [Value(r, _range_label(*r), _range_condition(fid, *r))
                      for r in dim.ranges]
            nums = {cid: num for cid, _text, num in rows if cid in people and num is not None}
            if fdef.type == FieldType.POINTS:  # a balance never set is 0 everywhere
                nums = {cid: nums.get(cid, 0.0) for cid in people}
                none_cond = None
            outside = False
            for cid, num in nums.items():
                got = [i for i, (lo, hi) in enumerate(dim.ranges)
                       if (lo is None or num >= lo) and (hi is None or num <= hi)]
                pairs.extend((cid, i) for i in got)
                outside = outside or not got
            if outside:  # mixed with the empty ones, no condition says both
                none_cond = None
    elif dim.kind == "birthday_month":
        values = [Value(m, str(m), {"kind": "birthday", "month": m}) for m in range(1, 13)]
        # Stored as YYYY-MM-DD: each month's ids from the month's expression index
        # (migration 0033), grouped by SQLite; no birthday gives NULL or 0.
        joined = dict(_raw(s).execute(
            f"SELECT {BIRTHDAY_MONTH_SQL}, group_concat(id) FROM customer "  # noqa: S608
            f"WHERE {BIRTHDAY_MONTH_SQL} BETWEEN 1 AND 12 GROUP BY 1"))
        groups = [_ids(joined.get(m), people) for m in range(1, 13)]
    elif dim.kind == "route":  # inflow routes: app/routes/crosstab.py
        from app.routes.crosstab import route_values

        values, has = route_values(s, people, Value)
        pairs = [(cid, i) for cid, got in has.items() for i in got]
    else:  # prefecture: kept per customer by a trigger (app/analytics/summaries.py)
        found = [(code, ids) for code, joined in summaries.prefecture_groups(s)
                 if (ids := _ids(joined, people))]  # JIS order; only those present
        values = [Value(PREFECTURES[c - 1], PREFECTURES[c - 1],
                        {"kind": "prefecture", "prefectures": [PREFECTURES[c - 1]]})
                  for c, _ in found]
        groups = [ids for _, ids in found]
    if groups is None:
        groups = _grouped(pairs, len(values))
    values.append(Value(None, "", none_cond))
    return values, groups


def _raw(s: Session) -> Any:
    """The session's own DB-API connection. The tabulation reads whole columns (a row per
    customer or per tag); SQLAlchemy's row objects cost three times the read itself
    (docs/performance-analytics.md), and these reads need no ORM."""
    return s.connection().connection.driver_connection


def crosstab(s: Session, rows: Dimension, cols: Dimension) -> CrossTab:
    """Count the customers by ``rows`` × ``cols``; values nobody has are kept (a chart of
    tags shows every tag), except prefectures, which list only those present."""
    # Customer rows are the costly encrypted pages: the ids come from the blocked_at index
    # alone, birthdays from theirs and prefectures from their summary (_values).
    people: dict[int, Any] = dict.fromkeys(map(_FIRST, _raw(s).execute(
        "SELECT id FROM customer WHERE blocked_at IS NULL")))
    rvals, rgroups = _values(s, rows, people)
    cvals, cgroups = _values(s, cols, people)
    (rsets, rsingle), (csets, csingle) = _side(rgroups, people), _side(cgroups, people)
    counts = _counts(rgroups, rsets, rsingle, cgroups, csets, csingle)
    return CrossTab(rvals, cvals, counts, [len(g) for g in rsets], [len(g) for g in csets],
                    len(people), _groups=(rsets, csets))


def _side(groups: Groups, people: dict[int, Any]) -> tuple[list[Collection[int]], bool]:
    """The groups with, last, the None value's customers (those in no group); and whether
    no customer is in two groups (each has one value at most)."""
    anyone = set().union(*groups)
    return [*groups, people.keys() - anyone], sum(map(len, groups)) == len(anyone)


def _counts(rgroups: Groups, rsets: list[Collection[int]], rsingle: bool, cgroups: Groups,
            csets: list[Collection[int]], csingle: bool) -> list[list[int]]:
    """Customers per (row value, column value). When one side gives each customer one
    value (a prefecture, a month, a single choice), the other side's customers are
    counted against a plain lookup of it, by C-level maps; two many-valued sides (tag ×
    tag) intersect their groups."""
    counts = [[0] * len(csets) for _ in rsets]
    if csingle or rsingle:
        by_col = csingle
        side, other = (cgroups, rsets) if by_col else (rgroups, csets)
        lookup: dict[int, int] = {}
        for v, ids in enumerate(side):
            lookup.update(dict.fromkeys(ids, v))
        none = len(side)
        for i, group in enumerate(other):
            for j, n in Counter(map(lookup.get, group, repeat(none))).items():
                if by_col:
                    counts[i][j] = n
                else:
                    counts[j][i] = n
        return counts
    rs = [set(g) for g in rsets]
    cs = [set(g) for g in csets]
    return [[len(r & c) for c in cs] for r in rs]
