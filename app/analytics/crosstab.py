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
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import null, select
from sqlalchemy.orm import Session

from app.fields import FieldType
from app.prefectures import PREFECTURES, prefecture_of
from app.store.models import Customer as C
from app.store.models import CustomerTag, CustomField, FieldValue, Tag

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
    _ids: list[list[list[int]]] = field(repr=False, default_factory=list)

    def cell_ids(self, r: int, c: int) -> list[int]:
        """The customers of a cell, in id order (the UI opens them as a view)."""
        return self._ids[r][c]

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


def _values(s: Session, dim: Dimension, people: dict[int, tuple[str, Any]]
            ) -> tuple[list[Value], dict[int, list[int]]]:
    """The dimension's values and, per customer, the indexes of the values they have
    (customers with none get the None value, last)."""
    has: dict[int, list[int]] = {}
    values: list[Value] = []
    none_cond: dict[str, Any] | None = None
    if dim.kind == "tag":
        tags = s.execute(select(Tag.id, Tag.name).order_by(Tag.position, Tag.name)).all()
        if dim.tag_ids:
            wanted = set(dim.tag_ids)
            tags = [t for t in tags if t[0] in wanted]
        index = {tid: i for i, (tid, _) in enumerate(tags)}
        values = [Value(tid, name, {"kind": "tags", "match": "any", "tags": [tid]})
                  for tid, name in tags]
        for cid, tid in s.execute(select(CustomerTag.customer_id, CustomerTag.tag_id)):
            i = index.get(tid)
            if i is not None and cid in people:
                has.setdefault(cid, []).append(i)
        none_cond = {"kind": "tags", "match": "none", "tags": [t[0] for t in tags]}
    elif dim.kind in ("choice", "number"):
        fdef = s.get(CustomField, dim.field_id)
        if fdef is None:
            raise ValueError("no such field")
        fid = fdef.id
        rows = s.execute(select(FieldValue.customer_id, FieldValue.text_value,
                                FieldValue.num_value).where(FieldValue.field_id == fid))
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
                got = sorted({by_choice[p] for p in picked if p in by_choice})
                if got:
                    has[cid] = got
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
                if got:
                    has[cid] = got
                else:
                    outside = True
            if outside:  # mixed with the empty ones, no condition says both
                none_cond = None
    elif dim.kind == "birthday_month":
        values = [Value(m, str(m), {"kind": "birthday", "month": m}) for m in range(1, 13)]
        for cid, (_addr, bday) in people.items():
            if bday is not None:
                has[cid] = [bday.month - 1]
    elif dim.kind == "route":  # inflow routes: app/routes/crosstab.py
        from app.routes.crosstab import route_values

        values, has = route_values(s, people, Value)
    else:  # prefecture
        found: dict[int, str] = {}
        for cid, (addr, _bday) in people.items():
            p = prefecture_of(addr)
            if p is not None:
                found[cid] = p
        present = [p for p in PREFECTURES if p in set(found.values())]
        by_pref = {p: i for i, p in enumerate(present)}
        values = [Value(p, p, {"kind": "prefecture", "prefectures": [p]}) for p in present]
        has = {cid: [by_pref[p]] for cid, p in found.items()}
    values.append(Value(None, "", none_cond))
    none = len(values) - 1
    return values, {cid: has.get(cid, [none]) for cid in people}


def crosstab(s: Session, rows: Dimension, cols: Dimension) -> CrossTab:
    """Count the customers by ``rows`` × ``cols``; values nobody has are kept (a chart of
    tags shows every tag), except prefectures, which list only those present."""
    need_people = {rows.kind, cols.kind} & {"birthday_month", "prefecture"}
    # Only read the columns needed: customer rows are the costly encrypted pages.
    columns = [C.id, C.address if "prefecture" in need_people else null(),
               C.birthday if "birthday_month" in need_people else null()]
    result: Any = s.execute(select(*columns).where(C.blocked_at.is_(None)))
    people: dict[int, tuple[str, Any]] = {row[0]: (row[1], row[2]) for row in result}
    rvals, rhas = _values(s, rows, people)
    cvals, chas = _values(s, cols, people)
    ids: list[list[list[int]]] = [[[] for _ in cvals] for _ in rvals]
    row_totals = [0] * len(rvals)
    col_totals = [0] * len(cvals)
    for cid in sorted(people):
        rs, cs = rhas[cid], chas[cid]
        for r in rs:
            row_totals[r] += 1
            line = ids[r]
            for c in cs:
                line[c].append(cid)
        for c in cs:
            col_totals[c] += 1
    counts = [[len(cell) for cell in line] for line in ids]
    return CrossTab(rvals, cvals, counts, row_totals, col_totals, len(people), ids)
