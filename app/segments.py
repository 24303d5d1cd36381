# SQL here is composed from fixed fragments and bound-parameter names only; every value is
# bound (see _Compiler.bind). The other query modules are listed in pyproject.toml for this.
# ruff: noqa: S608
"""Segments: which customers a message goes to, as conditions grouped with AND and OR.

A segment is a tree: a :class:`Group` (``"and"`` or ``"or"``) of conditions and of further
groups. Conditions are plain frozen dataclasses, so the UI builds them directly; their JSON
form (:func:`to_json`, :func:`from_json`) is what saved segments store::

    {"version": 1,
     "root": {"group": "and", "items": [
         {"kind": "tags", "match": "any", "tags": [3, 7]},            # any | all | none
         {"kind": "field", "field": 12, "op": "between", "value": [10, 30]},
         {"group": "or", "items": [
             {"kind": "birthday", "month": 4},                          # 1-12, or "this"
             {"kind": "prefecture", "prefectures": ["東京都", "神奈川県"]}]},
         {"kind": "followed", "op": "before", "date": "2026-04-01"},   # before | after
         {"kind": "followed", "op": "last_days", "days": 30},
         {"kind": "line", "on": true},
         {"kind": "last_message", "days": 30}]}}

Field operators, by the field's type (``value`` omitted for ``empty`` / ``not_empty``,
which every type has; for images and files they mean "has no attachment" / "has one"):

* text, long text: ``equals`` and ``contains`` (a string; compared after the search
  normalisation, so ｶｯﾄ equals カット and spaces do not matter);
* number, points: ``equals``, ``gte``, ``lte`` (a number), ``between`` ([a, b], inclusive).
  A points balance never set counts as 0, as it does everywhere else in the book;
* date, date-time: ``before``, ``after`` ("YYYY-MM-DD", the day itself excluded),
  ``between`` (two dates, inclusive), ``next_days`` / ``last_days`` (N: from today to N
  days ahead, or from N days ago to today, today included). Date-times compare by their day;
* single choice: ``any_of`` [choices]; multiple choice: ``any_of`` / ``all_of`` [choices].

Built-ins: friend since (``followed``) before or after a day, or within the last N days;
birthday month; on LINE or not; last message within N days (the customer's newest received
message that the customer wrote: system lines and postbacks do not count, one they unsent
still does); prefecture (see
:mod:`app.prefectures`). Days are the computer's local days: "today", "this month" and
"the last N days" are evaluated when the segment is counted, not when it was saved.

Blocked customers are never recipients: every count, id list, preview and table view
excludes them; :meth:`SegmentService.counts` also says how many matched but are blocked.

How it is fast on an encrypted book (a few to a few tens of milliseconds for a count over
100,000 customers; docs/performance-segments.md): each condition compiles to an exact
predicate on a customer and, where an index can list its customers, to a *source*: tags,
friend-since, LINE, birthday, the conversation summaries for the last message, a field's
value range, the search index for prefectures. An AND group starts from its cheapest
source and tests the rest on those candidates, each either as a probe per candidate or as
a list built once, whichever a rough cost model finds cheaper; tag lists already in id
order are intersected by merging; an OR of sources is their union; only what has no source
at all is a scan. What is excluded (blocked customers, "has none of", "is empty") is
counted by subtraction when it is the smaller side. The aim throughout is to read few
encrypted pages: customer rows scattered over the table are what costs most.
Every value is a bound parameter; the SQL text is built from fixed fragments only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import logging
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, text, update

from app import prefectures, textnorm
from app.errors import NotFoundError, ValidationError
from app.fields import FieldType
from app.i18n import QT_TRANSLATE_NOOP
from app.messages import IN, NOT_COUNTED
from app.search import CustomerQuery
from app.store.models import SavedSegment, utcnow

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from app.book import Book
    from app.customers import CustomerRow

log = logging.getLogger("otokui.segments")
_CTX = "segments"

FORMAT_VERSION = 1
AND, OR = "and", "or"
#: Limits that keep a condition (or a forged saved one) cheap to check and to run.
MAX_DEPTH = 6            # the root group is level 1
MAX_CONDITIONS = 100     # conditions and groups together
MAX_LIST = 100           # tags, choices or prefectures in one condition
MAX_TEXT = 1000
MAX_DAYS = 3660
MAX_NUMBER = 1e15
MAX_NAME = 100
MAX_JSON_CHARS = 200_000

TAG_MATCHES = ("any", "all", "none")
EMPTY_OPS = ("empty", "not_empty")
#: Field operators by field type.
FIELD_OPS: dict[FieldType, tuple[str, ...]] = {
    FieldType.TEXT: ("equals", "contains", *EMPTY_OPS),
    FieldType.LONG_TEXT: ("equals", "contains", *EMPTY_OPS),
    FieldType.NUMBER: ("equals", "between", "gte", "lte", *EMPTY_OPS),
    FieldType.POINTS: ("equals", "between", "gte", "lte", *EMPTY_OPS),
    FieldType.DATE: ("before", "after", "between", "next_days", "last_days", *EMPTY_OPS),
    FieldType.DATETIME: ("before", "after", "between", "next_days", "last_days", *EMPTY_OPS),
    FieldType.SINGLE_CHOICE: ("any_of", *EMPTY_OPS),
    FieldType.MULTI_CHOICE: ("any_of", "all_of", *EMPTY_OPS),
    FieldType.IMAGE: EMPTY_OPS,
    FieldType.FILE: EMPTY_OPS,
}
ALL_FIELD_OPS = frozenset(op for ops in FIELD_OPS.values() for op in ops)
FOLLOWED_OPS = ("before", "after", "last_days")


# --- the condition model --------------------------------------------------------------------

@dataclass(frozen=True)
class Group:
    """Conditions and groups combined with ``op``: "and" (all of them) or "or" (any).

    An empty "and" group matches every customer (the builder before anything is chosen);
    an empty "or" group matches nobody.
    """

    op: str = AND
    items: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class TagCondition:
    #: "any" (has any of), "all" (has all of), "none" (has none of).
    match: str
    tag_ids: tuple[int, ...]


@dataclass(frozen=True)
class FieldCondition:
    """A custom field's value; ``op`` and ``value`` as listed in the module docstring.

    ``value``: a str, a number, a :class:`datetime.date`, a pair (between), a number of
    days (an int), a tuple of choices, or None.
    """

    field_id: int
    op: str
    value: Any = None


@dataclass(frozen=True)
class FollowedCondition:
    """Friend since: "before" / "after" a day (``value``: a date, the day excluded), or
    "last_days" (``value``: N, since the start of the day N days ago)."""

    op: str
    value: dt.date | int


@dataclass(frozen=True)
class BirthdayCondition:
    #: 1-12, or None for the current month (when the segment is counted).
    month: int | None = None


@dataclass(frozen=True)
class LineCondition:
    #: True: a LINE friend (has a LINE user id); False: not on LINE.
    on_line: bool = True


@dataclass(frozen=True)
class LastMessageCondition:
    #: The customer wrote to the shop on one of the last ``days`` days (or today).
    days: int


@dataclass(frozen=True)
class PrefectureCondition:
    #: Matches an address in any of these (names from :data:`app.prefectures.PREFECTURES`).
    prefectures: tuple[str, ...]


Condition = (Group | TagCondition | FieldCondition | FollowedCondition | BirthdayCondition
             | LineCondition | LastMessageCondition | PrefectureCondition)


@dataclass(frozen=True)
class SegmentCounts:
    """The live count: who receives a message, and how many more matched but blocked us."""

    recipients: int
    blocked: int


@dataclass(frozen=True)
class SavedSegmentInfo:
    id: int
    name: str
    #: None when the stored JSON cannot be read (``problem`` says so).
    condition: Group | None
    position: int
    created_at: dt.datetime
    updated_at: dt.datetime
    #: Why the segment cannot be used now (a tag or field it names was deleted, …).
    problem: ValidationError | None = None

    @property
    def valid(self) -> bool:
        return self.problem is None


class ConditionError(ValidationError):
    """A condition that cannot be used, with where it is in the tree.

    ``path`` holds the item indexes from the root group down to the condition (empty: the
    segment as a whole), so the builder can mark the row to correct.
    """

    code = "invalid-segment"
    message = QT_TRANSLATE_NOOP(_CTX, "A condition of this segment is not valid.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Correct the condition marked and try again.")

    def __init__(self, path: tuple[int, ...] | list[int] = (), *,
                 message: str | None = None) -> None:
        self.path = tuple(path)
        where = "condition " + ".".join(str(i + 1) for i in self.path) if self.path else ""
        super().__init__(where, message=message)


_MSG_MALFORMED = QT_TRANSLATE_NOOP(_CTX, "The segment's conditions cannot be read.")
_MSG_TOO_BIG = QT_TRANSLATE_NOOP(
    _CTX, "The segment has too many conditions or groups nested too deeply.")
_MSG_GROUP = QT_TRANSLATE_NOOP(_CTX, "A group combines its conditions with AND or OR.")
_MSG_TAG_DELETED = QT_TRANSLATE_NOOP(_CTX, "This condition names a tag that was deleted.")
_MSG_FIELD_DELETED = QT_TRANSLATE_NOOP(
    _CTX, "This condition names a custom field that was deleted.")
_MSG_OP = QT_TRANSLATE_NOOP(_CTX, "This comparison does not fit the field's type.")
_MSG_CHOICE = QT_TRANSLATE_NOOP(
    _CTX, "This condition names a choice the field no longer has.")
_MSG_INCOMPLETE = QT_TRANSLATE_NOOP(_CTX, "This condition is not complete.")
_MSG_TEXT = QT_TRANSLATE_NOOP(_CTX, "This condition needs a text of up to 1,000 characters.")
_MSG_NUMBER = QT_TRANSLATE_NOOP(_CTX, "This condition needs a number.")
_MSG_DATE = QT_TRANSLATE_NOOP(_CTX, "This condition needs a date (for example 2026-11-29).")
_MSG_RANGE = QT_TRANSLATE_NOOP(_CTX, "The first value of the range is larger than the second.")
_MSG_DAYS = QT_TRANSLATE_NOOP(_CTX, "The number of days is a whole number from 0 to 3,660.")
_MSG_MONTH = QT_TRANSLATE_NOOP(_CTX, "A birthday month is from 1 to 12.")
_MSG_PREFECTURE = QT_TRANSLATE_NOOP(_CTX, "This is not one of the 47 prefectures.")
_MSG_LIST = QT_TRANSLATE_NOOP(
    _CTX, "This condition needs from 1 to 100 tags, choices or prefectures.")


def _fail(path: tuple[int, ...], message: str) -> ConditionError:
    return ConditionError(path, message=message)


# --- checking (shape, and against the book) ------------------------------------------------

@dataclass(frozen=True)
class _FieldInfo:
    type: FieldType
    choices: tuple[str, ...]


@dataclass(frozen=True)
class _BookFacts:
    """What a condition is checked against and planned with, read in the query's snapshot."""

    fields: dict[int, _FieldInfo]
    tag_counts: dict[int, int]
    customers: int
    blocked: int


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return (isinstance(v, int | float) and not isinstance(v, bool)
            and math.isfinite(v) and abs(v) <= MAX_NUMBER)


def _is_date(v: Any) -> bool:
    return isinstance(v, dt.date) and not isinstance(v, dt.datetime) and v < dt.date.max


def _days(v: Any, path: tuple[int, ...]) -> int:
    if not _is_int(v) or not 0 <= v <= MAX_DAYS:
        raise _fail(path, _MSG_DAYS)
    return int(v)


def _strings(v: Any, path: tuple[int, ...]) -> tuple[str, ...]:
    if not isinstance(v, list | tuple) or not 1 <= len(v) <= MAX_LIST or not all(
            isinstance(x, str) and x for x in v):
        raise _fail(path, _MSG_LIST)
    return tuple(dict.fromkeys(v))  # without repeats, in the owner's order


class _Checker:
    """Checks a tree and returns it normalised (tuples, floats, no repeats).

    Without ``facts`` only the shape is checked (what :func:`from_json` can know); with
    them, tags, fields and choices must exist in the book.
    """

    def __init__(self, facts: _BookFacts | None) -> None:
        self.facts = facts
        self.nodes = 0

    def node(self, node: Any, path: tuple[int, ...], depth: int) -> Condition:
        self.nodes += 1
        if self.nodes > MAX_CONDITIONS or depth > MAX_DEPTH:
            raise _fail((), _MSG_TOO_BIG)
        if isinstance(node, Group):
            if node.op not in (AND, OR):
                raise _fail(path, _MSG_GROUP)
            if not isinstance(node.items, list | tuple):
                raise _fail(path, _MSG_MALFORMED)
            return Group(node.op, tuple(self.node(item, (*path, i), depth + 1)
                                        for i, item in enumerate(node.items)))
        if isinstance(node, TagCondition):
            return self.tags(node, path)
        if isinstance(node, FieldCondition):
            return self.field(node, path)
        if isinstance(node, FollowedCondition):
            if node.op in ("before", "after"):
                if not _is_date(node.value):
                    raise _fail(path, _MSG_DATE)
                return node
            if node.op == "last_days":
                return FollowedCondition(node.op, _days(node.value, path))
            raise _fail(path, _MSG_INCOMPLETE)
        if isinstance(node, BirthdayCondition):
            if node.month is not None and not (_is_int(node.month) and 1 <= node.month <= 12):
                raise _fail(path, _MSG_MONTH)
            return node
        if isinstance(node, LineCondition):
            if not isinstance(node.on_line, bool):
                raise _fail(path, _MSG_INCOMPLETE)
            return node
        if isinstance(node, LastMessageCondition):
            return LastMessageCondition(_days(node.days, path))
        if isinstance(node, PrefectureCondition):
            names = _strings(node.prefectures, path)
            if any(n not in prefectures.PREFECTURES for n in names):
                raise _fail(path, _MSG_PREFECTURE)
            return PrefectureCondition(names)
        raise _fail(path, _MSG_MALFORMED)

    def tags(self, node: TagCondition, path: tuple[int, ...]) -> TagCondition:
        if node.match not in TAG_MATCHES:
            raise _fail(path, _MSG_INCOMPLETE)
        ids = node.tag_ids
        if not isinstance(ids, list | tuple) or not 1 <= len(ids) <= MAX_LIST or not all(
                _is_int(t) for t in ids):
            raise _fail(path, _MSG_LIST)
        if self.facts is not None and any(t not in self.facts.tag_counts for t in ids):
            raise _fail(path, _MSG_TAG_DELETED)
        return TagCondition(node.match, tuple(sorted(set(ids))))

    def field(self, node: FieldCondition, path: tuple[int, ...]) -> FieldCondition:
        op, value = node.op, node.value
        if not _is_int(node.field_id) or op not in ALL_FIELD_OPS:
            raise _fail(path, _MSG_INCOMPLETE)
        info = None
        if self.facts is not None:
            info = self.facts.fields.get(node.field_id)
            if info is None:
                raise _fail(path, _MSG_FIELD_DELETED)
            if op not in FIELD_OPS[info.type]:
                raise _fail(path, _MSG_OP)
        if op in EMPTY_OPS:
            if value is not None:
                raise _fail(path, _MSG_INCOMPLETE)
        elif op == "contains" or (op == "equals" and isinstance(value, str)):
            if not isinstance(value, str) or not textnorm.normalize(value) or \
                    len(value) > MAX_TEXT:
                raise _fail(path, _MSG_TEXT)
        elif op in ("equals", "gte", "lte"):
            if not _is_number(value):
                raise _fail(path, _MSG_NUMBER)
            value = float(value)
        elif op in ("before", "after"):
            if not _is_date(value):
                raise _fail(path, _MSG_DATE)
        elif op in ("next_days", "last_days"):
            value = _days(value, path)
        elif op == "between":
            if not isinstance(value, list | tuple) or len(value) != 2:
                raise _fail(path, _MSG_INCOMPLETE)
            lo, hi = value
            if _is_number(lo) and _is_number(hi):
                value = (float(lo), float(hi))
            elif not (_is_date(lo) and _is_date(hi)):
                raise _fail(path, _MSG_NUMBER if _is_number(lo) or _is_number(hi)
                            else _MSG_DATE)
            if lo > hi:
                raise _fail(path, _MSG_RANGE)
            value = tuple(value)
        else:  # any_of, all_of
            value = _strings(value, path)
            if info is not None and any(c not in info.choices for c in value):
                raise _fail(path, _MSG_CHOICE)
        if info is not None:
            # The value's kind must fit the field's: text for text, a number for numbers,
            # dates for dates.
            numeric = info.type in (FieldType.NUMBER, FieldType.POINTS)
            dated = info.type in (FieldType.DATE, FieldType.DATETIME)
            if op == "equals" and numeric != isinstance(value, float):
                raise _fail(path, _MSG_NUMBER if numeric else _MSG_TEXT)
            if op == "between" and (numeric != isinstance(value[0], float) or
                                    dated != _is_date(value[0])):
                raise _fail(path, _MSG_NUMBER if numeric else _MSG_DATE)
        return FieldCondition(node.field_id, op, value)


def as_group(cond: Condition | None) -> Group:
    """``cond`` as a root group (a single condition becomes a group of one)."""
    if isinstance(cond, Group):
        return cond
    if cond is None:
        raise _fail((), _MSG_MALFORMED)
    return Group(AND, (cond,))


def check_shape(cond: Condition) -> Group:
    """``cond`` checked for shape and limits only (not against a book), normalised."""
    return _Checker(None).node(as_group(cond), (), 1)  # type: ignore[return-value]


# --- JSON -------------------------------------------------------------------------------------

def _node_json(node: Condition) -> dict[str, Any]:
    if isinstance(node, Group):
        return {"group": node.op, "items": [_node_json(i) for i in node.items]}
    if isinstance(node, TagCondition):
        return {"kind": "tags", "match": node.match, "tags": list(node.tag_ids)}
    if isinstance(node, FieldCondition):
        out: dict[str, Any] = {"kind": "field", "field": node.field_id, "op": node.op}
        if node.value is not None:
            out["value"] = _value_json(node.value)
        return out
    if isinstance(node, FollowedCondition):
        if node.op == "last_days":
            return {"kind": "followed", "op": node.op, "days": node.value}
        return {"kind": "followed", "op": node.op, "date": _value_json(node.value)}
    if isinstance(node, BirthdayCondition):
        return {"kind": "birthday", "month": "this" if node.month is None else node.month}
    if isinstance(node, LineCondition):
        return {"kind": "line", "on": node.on_line}
    if isinstance(node, LastMessageCondition):
        return {"kind": "last_message", "days": node.days}
    if isinstance(node, PrefectureCondition):
        return {"kind": "prefecture", "prefectures": list(node.prefectures)}
    raise _fail((), _MSG_MALFORMED)


def _value_json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_value_json(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def to_json(cond: Condition) -> dict[str, Any]:
    """The JSON form of a condition tree (checked for shape first)."""
    return {"version": FORMAT_VERSION, "root": _node_json(check_shape(cond))}


def dumps(cond: Condition) -> str:
    return json.dumps(to_json(cond), ensure_ascii=False, separators=(",", ":"))


class _Reader:
    """JSON to dataclasses; every bad shape is a :class:`ConditionError`, never a crash."""

    def __init__(self) -> None:
        self.nodes = 0

    def node(self, data: Any, path: tuple[int, ...], depth: int) -> Condition:
        self.nodes += 1
        if self.nodes > MAX_CONDITIONS or depth > MAX_DEPTH:
            raise _fail((), _MSG_TOO_BIG)
        if not isinstance(data, dict):
            raise _fail(path, _MSG_MALFORMED)
        if "group" in data:
            items = data.get("items")
            if not isinstance(items, list) or len(items) > MAX_CONDITIONS:
                raise _fail(path, _MSG_MALFORMED)
            return Group(data["group"], tuple(self.node(item, (*path, i), depth + 1)
                                              for i, item in enumerate(items)))
        kind = data.get("kind")
        if kind == "tags":
            return TagCondition(data.get("match"), _tuple(data.get("tags")))
        if kind == "field":
            return FieldCondition(data.get("field"), data.get("op"),
                                  _field_value(data.get("op"), data.get("value"), path))
        if kind == "followed":
            op = data.get("op")
            if op == "last_days":
                return FollowedCondition(op, data.get("days"))
            return FollowedCondition(op, _date(data.get("date"), path))
        if kind == "birthday":
            month = data.get("month")
            return BirthdayCondition(None if month == "this" else month)
        if kind == "line":
            return LineCondition(data.get("on"))
        if kind == "last_message":
            return LastMessageCondition(data.get("days"))
        if kind == "prefecture":
            return PrefectureCondition(_tuple(data.get("prefectures")))
        raise _fail(path, _MSG_MALFORMED)


def _tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) and len(value) <= MAX_LIST else value


def _date(value: Any, path: tuple[int, ...]) -> dt.date:
    if not isinstance(value, str) or len(value) != 10:
        raise _fail(path, _MSG_DATE)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _fail(path, _MSG_DATE) from None


def _field_value(op: Any, value: Any, path: tuple[int, ...]) -> Any:
    if op in ("before", "after"):
        return _date(value, path)
    if op == "between" and isinstance(value, list) and len(value) == 2 and all(
            isinstance(v, str) for v in value):
        return (_date(value[0], path), _date(value[1], path))
    if op in ("any_of", "all_of", "between"):
        return _tuple(value)
    return value


def from_json(data: Any) -> Group:
    """A condition tree from its JSON form (as :func:`to_json` wrote it), shape-checked.

    Raises :class:`ConditionError` for anything else: wrong types, unknown kinds or
    operators, malformed dates, too many conditions, groups nested too deeply.
    """
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        raise _fail((), _MSG_MALFORMED)
    return check_shape(_Reader().node(data.get("root"), (), 1))


def loads(raw: str | bytes) -> Group:
    """A condition tree from JSON text; forged, truncated or huge text raises ConditionError."""
    if len(raw) > MAX_JSON_CHARS:
        raise _fail((), _MSG_TOO_BIG)
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError, TypeError):
        raise _fail((), _MSG_MALFORMED) from None
    return from_json(data)


# --- compiling to SQL -------------------------------------------------------------------------
#
# Every compiled node is a _Part. A condition has an exact predicate on the customer ``c``
# (SQL reading ``c.id`` and, when ``row`` is true, other columns of the customer row) and,
# where indexes can list its customers, an exact *source*: a SELECT of their ids (column
# ``id``), with a rough size and a rough cost to build. A predicate is rendered for the
# number of candidates it will be tested on, as the cheapest of: a probe per candidate
# (an index look-up; reading the customer row costs more, as its page may have to be
# decrypted), one list built once (``c.id IN (source)``), or the exclusion of a smaller
# complement (``c.id NOT IN (…)``). Groups render from their parts; a negation (``anti``)
# is the complement of a part (NULL counting as false).

_ALL = "SELECT c.id AS id FROM customer c"
_BLOCKED_IDS = "SELECT id FROM customer WHERE blocked_at IS NOT NULL"
_query_numbers = itertools.count(1)


#: Relative costs, per id (measured on the 100,000-customer book, see bench/segments.py;
#: 1.0 is about 0.4 µs): reading the next entry of an index range; one b-tree probe (an
#: index look-up, or inserting into / testing a list built for the query); a probe that
#: also reads a table row (field_value, message); reading a customer row. A customer row
#: costs about 0.5 µs when its page is in the cache and several times more when the page
#: must be read and decrypted, which is what happens once the rows a count touches
#: (scattered over the whole table) outgrow the page cache: priced in between, so that
#: lists from indexes are preferred to reading many rows.
_SCAN, _PROBE, _PROBE_ROW, _CUSTOMER_ROW = 0.1, 1.0, 2.0, 4.0


@dataclass(frozen=True)
class _Part:
    pred: str = ""
    row: bool = False
    source: str | None = None
    #: Size of ``source``'s result (estimated); the whole book when there is no source.
    est: float = 0.0
    #: Cost to produce ``source``, and to test ``pred`` on one customer.
    build: float = 0.0
    probe: float = _PROBE
    #: An exact complement with a source, when it is cheaper to exclude than to include.
    comp: _Part | None = None
    #: ``source`` comes from an index already in id order (a tag's customers): two such
    #: lists intersect by merging, cheaper than testing one's customers one by one.
    ordered: bool = False
    #: For a group: its parts, combined with ``op``.
    kids: tuple[_Part, ...] | None = None
    op: str = AND
    #: For a negation: the part it excludes.
    anti: _Part | None = None


def _leaf(pred: str, row: bool, source: str | None, est: float, *,
          build: float | None = None, probe: float | None = None,
          comp: _Part | None = None, ordered: bool = False) -> _Part:
    return _Part(pred=pred, row=row, source=source, est=est,
                 build=_SCAN * est if build is None else build,
                 probe=probe if probe is not None else _CUSTOMER_ROW if row else _PROBE,
                 comp=comp, ordered=ordered)


def _not(part: _Part, total: float) -> _Part:
    return _Part(anti=part, est=total, build=_SCAN * total + _choose(part, total)[0])


def _choose(part: _Part, candidates: float) -> tuple[float, str, bool]:
    """(cost, SQL, reads the row) of the cheapest way to test ``part`` on ``candidates``."""
    if part.kids is not None:
        if not part.kids:
            return 0.0, ("1" if part.op == AND else "0"), False
        chosen = [_choose(k, candidates) for k in part.kids]
        joiner = " AND " if part.op == AND else " OR "
        return (sum(c[0] for c in chosen), "(" + joiner.join(c[1] for c in chosen) + ")",
                any(c[2] for c in chosen))
    if part.anti is not None:
        cost, inner, row = _choose(part.anti, candidates)
        # coalesce: a test on a customer column is NULL where the column is (never
        # followed, no birthday); "not" must then be true, not NULL.
        return cost, f"NOT coalesce(({inner}), 0)", row
    options = [(candidates * part.probe, part.pred, part.row)]
    # A list costs building (reading and inserting each id) and a probe per candidate.
    if part.source is not None:
        options.append((part.build + (part.est + candidates) * _PROBE,
                        f"c.id IN ({part.source})", False))
    comp = part.comp
    if comp is not None and comp.source is not None:
        options.append((comp.build + (comp.est + candidates) * _PROBE,
                        f"c.id NOT IN ({comp.source})", False))
    return min(options, key=lambda o: o[0])


def _render(part: _Part, candidates: float) -> tuple[str, bool]:
    """``part`` as a predicate for ``candidates`` customers: (SQL, reads the row)."""
    _cost, sql, row = _choose(part, candidates)
    return sql, row


def _filtered(source: str, rest: list[_Part], candidates: float) -> str:
    """The ids of ``source`` that also satisfy every part of ``rest``."""
    if not rest:
        return source
    rendered = [_render(p, candidates) for p in rest]
    preds = " AND ".join(r[0] for r in rendered)
    if any(r[1] for r in rendered):
        return (f"SELECT c.id AS id FROM ({source}) AS sel "
                f"CROSS JOIN customer c ON c.id = sel.id WHERE {preds}")
    # Only the id is needed: the customer row (and its encrypted page) is not read.
    return f"SELECT c.id AS id FROM ({source}) AS c WHERE {preds}"


def _flatten(group: Group) -> list[Condition]:
    """Items of ``group`` with nested groups of the same operator merged into it."""
    out: list[Condition] = []
    for item in group.items:
        if isinstance(item, Group) and item.op == group.op:
            out += _flatten(item)
        else:
            out.append(item)
    return out


class _Clock:
    """Local days: "today", "this month", and where a local day starts in UTC."""

    def __init__(self, now: dt.datetime | None) -> None:
        if now is None or now.tzinfo is None:
            now = (now or dt.datetime.now()).astimezone()  # naive: the computer's local time
        self.tz = now.tzinfo
        self.now = now
        self.today = now.date()

    def day_start(self, day: dt.date) -> dt.datetime:
        """When the local ``day`` starts, as an aware datetime."""
        return dt.datetime.combine(day, dt.time(), tzinfo=self.tz)

    def day_start_utc_text(self, day: dt.date) -> str:
        """As the book stores LINE times (naive UTC text), comparable with them as text."""
        return self.day_start(day).astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")

    def day_start_ms(self, day: dt.date) -> int:
        return int(self.day_start(day).timestamp() * 1000)


class _Compiler:
    def __init__(self, facts: _BookFacts, clock: _Clock, prefix: str) -> None:
        self.facts = facts
        self.clock = clock
        self.prefix = prefix
        self.params: dict[str, Any] = {}
        self.total = float(max(1, facts.customers))

    def bind(self, value: Any) -> str:
        name = f"{self.prefix}{len(self.params)}"
        self.params[name] = value
        return ":" + name

    def binds(self, values: tuple[Any, ...] | list[Any]) -> str:
        return ", ".join(self.bind(v) for v in values)

    # --- groups ---------------------------------------------------------------------------

    def node(self, node: Condition) -> _Part:
        if isinstance(node, Group):
            parts = [self.node(item) for item in _flatten(node)]
            return self.all_of(parts) if node.op == AND else self.any_of(parts)
        if isinstance(node, TagCondition):
            return self.tags(node)
        if isinstance(node, FieldCondition):
            return self.field(node)
        if isinstance(node, FollowedCondition):
            return self.followed(node)
        if isinstance(node, BirthdayCondition):
            month = self.bind(f"{node.month or self.clock.today.month:02d}")
            # The list reads the whole birthday index (every month).
            return _leaf(f"substr(c.birthday, 6, 2) = {month}", True,
                         "SELECT id FROM customer WHERE birthday IS NOT NULL "
                         f"AND substr(birthday, 6, 2) = {month}", self.total / 12,
                         build=_SCAN * self.total * 0.6)
        if isinstance(node, LineCondition):
            return self.line(node.on_line)
        if isinstance(node, LastMessageCondition):
            return self.last_message(node)
        if isinstance(node, PrefectureCondition):
            return self.prefecture(node)
        raise _fail((), _MSG_MALFORMED)

    def line(self, on_line: bool, complement: bool = True) -> _Part:
        test = "IS NOT NULL" if on_line else "IS NULL"
        return _leaf(f"c.line_user_id {test}", True,
                     f"SELECT id FROM customer WHERE line_user_id {test}",
                     self.total * (0.8 if on_line else 0.2),
                     comp=self.line(not on_line, False) if complement else None)

    def all_of(self, parts: list[_Part]) -> _Part:
        if len(parts) == 1:
            return parts[0]
        ordered = [p for p in parts if p.ordered]
        if len(ordered) > 1:
            # Several tags' lists: intersect them first (the rest is tested on fewer).
            est = max(1.0, math.prod(p.est for p in ordered) / self.total ** (len(ordered) - 1))
            merged = _Part(kids=tuple(ordered), op=AND, est=est,
                           build=sum(p.build for p in ordered),
                           source=" INTERSECT ".join(f"SELECT id FROM ({p.source})"
                                                     for p in ordered))
            parts = [merged, *(p for p in parts if not p.ordered)]
            if len(parts) == 1:
                return merged
        sourced = [p for p in parts if p.source is not None]
        if not sourced:
            return self.scan(parts, AND)
        # Start from the cheapest source and test the rest on its candidates.
        best = min(sourced, key=lambda p: (p.build + p.est, p.est))
        rest = [p for p in parts if p is not best]
        build = best.build + sum(_choose(p, best.est)[0] for p in rest)
        return _Part(kids=tuple(parts), op=AND, est=best.est, build=build,
                     source=_filtered(best.source, rest, best.est))  # type: ignore[arg-type]

    def any_of(self, parts: list[_Part]) -> _Part:
        if not parts:
            return _Part(kids=(), op=OR, source="SELECT id FROM customer WHERE 0", est=0)
        if len(parts) == 1:
            return parts[0]
        if all(p.source is not None for p in parts):
            # UNION ALL, then DISTINCT: a plain UNION merges its arms in id order, and
            # SQLite (without statistics) may then read a whole table in id order for an
            # arm rather than a few index entries and a sort.
            source = "SELECT DISTINCT id FROM (" + " UNION ALL ".join(
                f"SELECT id FROM ({p.source})" for p in parts) + ")"
            est = min(self.total, sum(p.est for p in parts))
            return _Part(kids=tuple(parts), op=OR, source=source, est=est,
                         build=sum(p.build for p in parts) + _PROBE * est)
        return self.scan(parts, OR)

    def scan(self, parts: list[_Part], op: str) -> _Part:
        """A group no index can list: every customer is tested (its cost says so)."""
        return _Part(kids=tuple(parts), op=op, est=self.total,
                     build=_SCAN * self.total + sum(_choose(p, self.total)[0] for p in parts))

    def exact(self, part: _Part) -> str:
        """A SELECT of exactly the ids ``part`` matches."""
        if part.source is not None:
            return part.source
        pred, _row = _render(part, self.total)
        return f"{_ALL} WHERE {pred}"

    # --- conditions -------------------------------------------------------------------------

    def tags(self, node: TagCondition) -> _Part:
        counts = self.facts.tag_counts
        if node.match == "all":
            marks = [self.bind(t) for t in node.tag_ids]
            pred = " AND ".join(
                "EXISTS (SELECT 1 FROM customer_tag t WHERE t.customer_id = c.id "
                f"AND t.tag_id = {m})" for m in marks)
            source = " INTERSECT ".join(
                f"SELECT customer_id AS id FROM customer_tag WHERE tag_id = {m}"
                for m in marks)
            return _leaf(f"({pred})", False, source,
                         min(counts.get(t, 0) for t in node.tag_ids), ordered=True)
        if len(node.tag_ids) == 1 and node.match == "any":
            mark = self.bind(node.tag_ids[0])
            return _leaf("EXISTS (SELECT 1 FROM customer_tag t WHERE t.customer_id = c.id "
                         f"AND t.tag_id = {mark})", False,
                         f"SELECT customer_id AS id FROM customer_tag WHERE tag_id = {mark}",
                         counts.get(node.tag_ids[0], 0), ordered=True)
        marks_text = self.binds(node.tag_ids)
        est = min(self.total, sum(counts.get(t, 0) for t in node.tag_ids))
        tagged = _leaf("EXISTS (SELECT 1 FROM customer_tag t WHERE t.customer_id = c.id "
                       f"AND t.tag_id IN ({marks_text}))", False,
                       "SELECT DISTINCT customer_id AS id FROM customer_tag "
                       f"WHERE tag_id IN ({marks_text})", est,
                       # Several tags: their ids are sorted together to drop repeats.
                       build=est * (_SCAN + (_PROBE if len(node.tag_ids) > 1 else 0)))
        return _not(tagged, self.total) if node.match == "none" else tagged

    def field(self, node: FieldCondition) -> _Part:
        info = self.facts.fields[node.field_id]
        fid = self.bind(node.field_id)
        if info.type in (FieldType.IMAGE, FieldType.FILE):
            attached = _leaf("EXISTS (SELECT 1 FROM attachment a WHERE a.customer_id = c.id "
                             f"AND a.field_id = {fid})", False,
                             "SELECT DISTINCT a.customer_id AS id FROM attachment a "
                             f"WHERE a.field_id = {fid}", self.total * 0.05,
                             build=_PROBE_ROW * self.total * 0.1)
            return _not(attached, self.total) if node.op == "empty" else attached

        def values(test: str, share: float, scan: float | None = None) -> _Part:
            # A value's row is read to learn its customer (or to test it): a list costs
            # a row per value it reads, ``scan`` of the book when no index narrows it.
            est = self.total * share
            return _leaf("EXISTS (SELECT 1 FROM field_value v WHERE v.customer_id = c.id "
                         f"AND v.field_id = {fid} AND {test})", False,
                         "SELECT v.customer_id AS id FROM field_value v "
                         f"WHERE v.field_id = {fid} AND {test}", est,
                         build=_PROBE_ROW * self.total * (share if scan is None else scan),
                         probe=_PROBE_ROW)

        has = values(_HAS_VALUE[info.type], 0.6)
        if node.op == "not_empty":
            return has
        if node.op == "empty":
            return _not(has, self.total)
        op, value = node.op, node.value
        if info.type in (FieldType.NUMBER, FieldType.POINTS):
            if op == "between":
                test = f"v.num_value BETWEEN {self.bind(value[0])} AND {self.bind(value[1])}"
                holds_zero = value[0] <= 0 <= value[1]
            else:
                sign = {"equals": "=", "gte": ">=", "lte": "<="}[op]
                test = f"v.num_value {sign} {self.bind(value)}"
                holds_zero = {"equals": value == 0, "gte": value <= 0, "lte": value >= 0}[op]
            found = values(test, 0.05 if op == "equals" else 0.3)
            if info.type is FieldType.POINTS and holds_zero:
                # No balance is a balance of 0: those without one match too.
                return self.any_of([found, _not(has, self.total)])
            return found
        if info.type in (FieldType.DATE, FieldType.DATETIME):
            # ISO text sorts as dates do, and a date-time's text starts with its day, so
            # "before the day D" is "< D" and "on or before D" is "< D+1" for both types.
            today = self.clock.today
            lo, hi = {
                "before": lambda: (None, value),
                "after": lambda: (value + dt.timedelta(days=1), None),
                "between": lambda: (value[0], value[1] + dt.timedelta(days=1)),
                "next_days": lambda: (today, today + dt.timedelta(days=value + 1)),
                "last_days": lambda: (today - dt.timedelta(days=value),
                                      today + dt.timedelta(days=1)),
            }[op]()
            tests = [f"v.date_value >= {self.bind(lo.isoformat())}" if lo else
                     "v.date_value > ''"]
            if hi:
                tests.append(f"v.date_value < {self.bind(hi.isoformat())}")
            return values(" AND ".join(tests), 0.3)
        if op in ("equals", "contains"):
            needle = self.bind(textnorm.normalize(value))
            test = (f"otokui_textnorm(v.text_value) = {needle}" if op == "equals"
                    else f"instr(otokui_textnorm(v.text_value), {needle}) > 0")
            return values(test, 0.3, scan=0.6)
        marks = self.binds(value)
        if info.type is FieldType.SINGLE_CHOICE:
            return values(f"v.text_value IN ({marks})", 0.3, scan=0.6)
        # Multiple choice: a JSON list of the chosen texts.
        if op == "any_of":
            test = (f"CASE WHEN json_valid(v.text_value) THEN EXISTS (SELECT 1 FROM "
                    f"json_each(v.text_value) j WHERE j.value IN ({marks})) ELSE 0 END")
        else:
            test = (f"CASE WHEN json_valid(v.text_value) THEN (SELECT count(DISTINCT j.value) "
                    f"FROM json_each(v.text_value) j WHERE j.value IN ({marks})) = "
                    f"{self.bind(len(value))} ELSE 0 END")
        return values(test, 0.3, scan=0.6)

    def followed(self, node: FollowedCondition) -> _Part:
        clock = self.clock
        if node.op == "before":
            test = f"< {self.bind(clock.day_start_utc_text(node.value))}"  # type: ignore[arg-type]
            share = 0.5
        elif node.op == "after":
            day = node.value + dt.timedelta(days=1)  # type: ignore[operator]
            test, share = f">= {self.bind(clock.day_start_utc_text(day))}", 0.5
        else:
            day = clock.today - dt.timedelta(days=node.value)  # type: ignore[arg-type]
            test, share = f">= {self.bind(clock.day_start_utc_text(day))}", 0.1
        return _leaf(f"c.followed_at {test}", True,
                     f"SELECT id FROM customer WHERE followed_at {test}", self.total * share)

    def blocked(self) -> _Part:
        """Customers who blocked the shop (an index range; its complement, the rest)."""
        blocked = float(self.facts.blocked)
        return _leaf("c.blocked_at IS NOT NULL", True, _BLOCKED_IDS, blocked,
                     comp=_leaf("c.blocked_at IS NULL", True,
                                "SELECT id FROM customer WHERE blocked_at IS NULL",
                                self.total - blocked))

    def last_message(self, node: LastMessageCondition) -> _Part:
        since = self.bind(self.clock.day_start_ms(
            self.clock.today - dt.timedelta(days=node.days)))
        incoming = self.bind(IN)
        skipped = self.binds(sorted(NOT_COUNTED))
        wrote = (f"m.at_ms >= {since} AND m.direction = {incoming} "
                 f"AND m.type NOT IN ({skipped})")
        # The source starts from the conversation summaries (kept exact by every writer of
        # messages): a customer whose newest message of any kind is older cannot qualify,
        # and one whose newest message is one they wrote does without reading messages.
        return _leaf(
            f"EXISTS (SELECT 1 FROM message m WHERE m.customer_id = c.id AND {wrote})", False,
            f"SELECT cv.customer_id AS id FROM conversation cv WHERE cv.last_at_ms >= {since} "
            f"AND ((cv.last_direction = {incoming} AND cv.last_type NOT IN ({skipped}, "
            f"{self.bind('unsent')})) OR EXISTS (SELECT 1 FROM message m "
            f"WHERE m.customer_id = cv.customer_id AND {wrote}))", self.total * 0.2,
            build=_PROBE_ROW * self.total * 0.2, probe=_PROBE_ROW)

    def prefecture(self, node: PrefectureCondition) -> _Part:
        # The same decision as prefectures.prefecture_of, in SQL where it can be: an
        # address that starts with a prefecture's name (most do) is in that one; only the
        # others are normalised, by the Python function.
        lengths = sorted({len(name) for name in prefectures.PREFECTURES})
        cases = []
        for n in lengths:
            head = f"substr(c.address, 1, {self.bind(n)})"
            every = self.binds([p for p in prefectures.PREFECTURES if len(p) == n])
            wanted = self.binds([p for p in node.prefectures if len(p) == n])
            cases.append(f"WHEN {head} IN ({every}) THEN {head} IN ({wanted})")
        test = (f"(CASE {' '.join(cases)} ELSE otokui_prefecture(c.address) IN "
                f"({self.binds(node.prefectures)}) END)")
        # The search index holds every customer's normalised address, so the customers
        # whose address contains the name are an index look-up; the rest never match.
        phrases = self.bind(" OR ".join(f'"{name}"' for name in node.prefectures))
        est = self.total * 0.05 * len(node.prefectures)
        return _leaf(test, True,
                     "SELECT c.id AS id FROM (SELECT rowid AS id FROM customer_fts "
                     f"WHERE customer_fts MATCH {phrases}) AS f "
                     f"CROSS JOIN customer c ON c.id = f.id WHERE {test}",
                     est, build=_CUSTOMER_ROW * est)


_HAS_VALUE = {
    FieldType.TEXT: "v.text_value <> ''",
    FieldType.LONG_TEXT: "v.text_value <> ''",
    FieldType.SINGLE_CHOICE: "v.text_value <> ''",
    FieldType.MULTI_CHOICE: "v.text_value NOT IN ('', '[]')",
    FieldType.NUMBER: "v.num_value IS NOT NULL",
    FieldType.POINTS: "v.num_value IS NOT NULL",
    FieldType.DATE: "v.date_value > ''",
    FieldType.DATETIME: "v.date_value > ''",
}


@dataclass(frozen=True)
class _Plan:
    """A condition compiled for one query: its SQL variants share the parameters."""

    compiler: _Compiler
    parts: list[_Part]    # the root's conditions, to be ANDed
    blocked: _Part        # customers who blocked the shop

    @property
    def params(self) -> dict[str, Any]:
        return self.compiler.params

    def recipients(self) -> str:
        c = self.compiler
        return c.exact(c.all_of([*self.parts, _not(self.blocked, c.total)]))


    def matched_blocked(self) -> str:
        c = self.compiler
        return c.exact(c.all_of([*self.parts, self.blocked]))

    def recipients_count(self) -> str:
        """count(recipients), in whichever of three ways the cost model finds cheapest.

        * directly: the recipients' ids, counted;
        * by subtraction: count(P) - count(P and (blocked or excluded...)), where P is the
          positive conditions. Excluding (the blocked, "has none of", "is empty") by a test
          per candidate costs per candidate, tens of milliseconds over most of the book;
          this costs about the size of what is excluded, read from its own index;
        * for a root OR, as a sum of disjoint parts: count(A) + count(B and not A) + …,
          cheapest test first, minus the blocked among them: no list of the union's ids
          is built to remove repeats.
        """
        c = self.compiler
        direct = c.all_of([*self.parts, _not(self.blocked, c.total)])
        options = [(direct.build, f"SELECT count(*) FROM ({c.exact(direct)})")]
        positives = [p for p in self.parts if p.anti is None]
        excluded = [p.anti for p in self.parts if p.anti is not None] + [self.blocked]
        if all(p.source is not None for p in excluded):
            whole = c.all_of(positives) if positives else None
            hit = c.all_of([*positives, c.any_of(excluded)])  # type: ignore[list-item]
            counted = (f"SELECT count(*) FROM ({c.exact(whole)})" if whole
                       else "SELECT count(*) FROM customer")
            options.append(((whole.build if whole else 0) + hit.build,
                            f"SELECT ({counted}) - (SELECT count(*) FROM ({c.exact(hit)}))"))
        root = self.parts[0] if len(self.parts) == 1 else None
        if root is not None and root.op == OR and root.kids and len(root.kids) > 1 \
                and all(k.source is not None for k in root.kids):
            kids = sorted(root.kids, key=lambda k: _choose(k, 1.0)[0])
            terms = [c.all_of([kid, *(_not(k, c.total) for k in kids[:i])])
                     for i, kid in enumerate(kids)]
            blocked = c.all_of([root, self.blocked])
            options.append((sum(t.build for t in terms) + blocked.build,
                            "SELECT " + " + ".join(f"(SELECT count(*) FROM ({c.exact(t)}))"
                                                   for t in terms)
                            + f" - (SELECT count(*) FROM ({c.exact(blocked)}))"))
        return min(options, key=lambda o: o[0])[1]


# --- SQLite functions ---------------------------------------------------------------------------

_FUNCTIONS_KEY = "otokui_segment_functions"


def _prefecture_udf(address: Any) -> str | None:
    return prefectures.prefecture_of(address) if isinstance(address, str) else None


def _textnorm_udf(value: Any) -> str:
    return textnorm.normalize(value) if isinstance(value, str) else ""


def _register_functions(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    if record.info.get(_FUNCTIONS_KEY):
        return
    dbapi_connection.create_function("otokui_prefecture", 1, _prefecture_udf,
                                     deterministic=True)
    dbapi_connection.create_function("otokui_textnorm", 1, _textnorm_udf, deterministic=True)
    record.info[_FUNCTIONS_KEY] = True


def install_functions(engine: Engine) -> None:
    """Give every pooled connection of ``engine`` the functions segments use.

    On checkout rather than on connect, so connections opened before the segment
    service existed get them too; once per connection.
    """
    if not event.contains(engine, "checkout", _register_functions):
        event.listen(engine, "checkout", _register_functions)


# --- the service ------------------------------------------------------------------------------

class SegmentService:
    """``book.segments``: counting, listing and saving segments."""

    def __init__(self, book: Book) -> None:
        self._book = book
        install_functions(book.db.engine)

    # --- checking and compiling -----------------------------------------------------------

    @staticmethod
    def _facts(s: Session) -> _BookFacts:
        conn = s.connection()
        fields = {}
        for fid, ftype, choices in conn.execute(text(
                "SELECT id, type, choices FROM custom_field")):
            try:
                parsed = json.loads(choices) if isinstance(choices, str) else choices
                fields[fid] = _FieldInfo(FieldType(ftype), tuple(parsed or ()))
            except (ValueError, TypeError):
                continue  # a field this version cannot read is treated as missing
        tags = {tid: count for tid, count in conn.execute(text(
            "SELECT id, customer_count FROM tag"))}
        # For estimates only: the largest id is one index page away; count(*) reads them all.
        total = int(conn.execute(text("SELECT coalesce(max(id), 0) FROM customer")).scalar_one())
        blocked = int(conn.execute(text(
            "SELECT count(*) FROM customer WHERE blocked_at IS NOT NULL")).scalar_one())
        return _BookFacts(fields, tags, total, blocked)

    def validate(self, cond: Condition | None) -> Group:
        """``cond`` checked against the book now, normalised; raises ConditionError."""
        with self._book.db.read() as s:
            return self._check(cond, self._facts(s))

    @staticmethod
    def _check(cond: Condition | None, facts: _BookFacts) -> Group:
        return _Checker(facts).node(as_group(cond), (), 1)  # type: ignore[return-value]

    def _plan(self, cond: Condition | None, facts: _BookFacts, now: dt.datetime | None,
              prefix: str = "sg") -> _Plan:
        root = self._check(cond, facts)
        compiler = _Compiler(facts, _Clock(now), prefix)
        # The root's own conditions join the blocked test in one AND, so the smallest
        # source of all of them is the one read.
        parts = ([compiler.node(i) for i in _flatten(root)] if root.op == AND
                 else [compiler.node(root)])
        return _Plan(compiler, parts, compiler.blocked())

    # --- counting -------------------------------------------------------------------------

    def counts(self, cond: Condition | None, *, now: dt.datetime | None = None
               ) -> SegmentCounts:
        """Recipients, and matched-but-blocked customers ("ほか N人はブロック中"), at once."""
        with self._book.db.read() as s:
            plan = self._plan(cond, self._facts(s), now)
            row = s.execute(text(
                f"SELECT ({plan.recipients_count()}), "
                f"(SELECT count(*) FROM ({plan.matched_blocked()}))"), plan.params).one()
        return SegmentCounts(int(row[0]), int(row[1]))

    def count(self, cond: Condition | None, *, now: dt.datetime | None = None) -> int:
        """How many customers ``cond`` selects as recipients (never the blocked ones)."""
        with self._book.db.read() as s:
            plan = self._plan(cond, self._facts(s), now)
            return int(s.execute(text(plan.recipients_count()), plan.params).scalar_one())

    def blocked_count(self, cond: Condition | None, *, now: dt.datetime | None = None) -> int:
        """How many customers ``cond`` matches who blocked the shop (not recipients)."""
        with self._book.db.read() as s:
            plan = self._plan(cond, self._facts(s), now)
            return int(s.execute(text(
                f"SELECT count(*) FROM ({plan.matched_blocked()})"), plan.params).scalar_one())

    def ids(self, cond: Condition | None, *, now: dt.datetime | None = None) -> list[int]:
        """The recipients' ids, ascending."""
        with self._book.db.read() as s:
            plan = self._plan(cond, self._facts(s), now)
            return list(s.execute(text(f"SELECT id FROM ({plan.recipients()}) ORDER BY id"),
                                  plan.params).scalars())

    def preview(self, cond: Condition | None, limit: int = 50, *,
                now: dt.datetime | None = None) -> list[CustomerRow]:
        """Table rows of the first ``limit`` recipients (by id): who the count means."""
        limit = max(0, min(int(limit), 1000))
        with self._book.db.read() as s:
            plan = self._plan(cond, self._facts(s), now)
            ids = list(s.execute(text(
                f"SELECT id FROM ({plan.recipients()}) ORDER BY id LIMIT :sg_limit"),
                plan.params | {"sg_limit": limit}).scalars())
        rows = self._book.customers.rows(ids)
        return [rows[i] for i in ids if i in rows]

    def segment_query(self, cond: Condition | None, base: CustomerQuery | None = None, *,
                      now: dt.datetime | None = None) -> CustomerQuery:
        """A table view of the segment's recipients, with ``base``'s search, tags and sort.

        The segment becomes one ``extra_where`` clause (``c.id IN (…)``) of the query, so
        :class:`app.search.SearchService` searches and sorts within it as in any view.
        Relative conditions ("this month", "the last 30 days") are fixed when this is
        called: make the query again to follow the calendar (on each refresh, for example).
        """
        with self._book.db.read() as s:
            # A prefix of its own, so two segments in one query never share a parameter.
            prefix = f"sgq{next(_query_numbers)}_"
            plan = self._plan(cond, self._facts(s), now, prefix=prefix)
        base = base or CustomerQuery()
        return dataclasses.replace(
            base, extra_where=(*base.extra_where, (f"c.id IN ({plan.recipients()})",
                                                   plan.params)))

    def saved_query(self, segment_id: int, base: CustomerQuery | None = None, *,
                    now: dt.datetime | None = None) -> CustomerQuery:
        """The table view of a saved segment (sidebar); ConditionError when it is unusable."""
        return self.segment_query(self.get(segment_id).condition, base, now=now)

    # --- saved segments -------------------------------------------------------------------

    @staticmethod
    def _clean_name(name: str) -> str:
        name = " ".join(str(name).split())
        if not name or len(name) > MAX_NAME:
            raise ValidationError(name[:40], message=QT_TRANSLATE_NOOP(
                _CTX, "A segment needs a name of up to 100 characters."))
        return name

    @staticmethod
    def _name_taken(s: Session, name: str, other_than: int | None = None) -> bool:
        found = s.execute(text("SELECT id FROM segment WHERE name = :n"), {"n": name}).first()
        return found is not None and found[0] != other_than

    def save(self, name: str, cond: Condition) -> int:
        """Save a segment under a unique name; the condition must be valid now."""
        name = self._clean_name(name)
        with self._book.db.write() as s:
            root = self._check(cond, self._facts(s))
            if self._name_taken(s, name):
                raise ValidationError(name[:40], message=QT_TRANSLATE_NOOP(
                    _CTX, "A segment with this name already exists."))
            position = s.execute(text(
                "SELECT coalesce(max(position), 0) + 1 FROM segment")).scalar_one()
            now = utcnow()
            seg = SavedSegment(name=name, condition=to_json(root), position=int(position),
                               created_at=now, updated_at=now)
            s.add(seg)
            s.flush()
            segment_id = seg.id
        self._book.announce("segments", [segment_id])
        return segment_id

    def update(self, segment_id: int, *, name: str | None = None,
               cond: Condition | None = None) -> None:
        """Rename a segment and/or replace its condition (which must be valid now)."""
        changes: dict[str, Any] = {"updated_at": utcnow()}
        with self._book.db.write() as s:
            if name is not None:
                name = self._clean_name(name)
                if self._name_taken(s, name, other_than=segment_id):
                    raise ValidationError(name[:40], message=QT_TRANSLATE_NOOP(
                        _CTX, "A segment with this name already exists."))
                changes["name"] = name
            if cond is not None:
                changes["condition"] = to_json(self._check(cond, self._facts(s)))
            # Not through the ORM object: loading it would parse the stored condition,
            # which may be the damaged one this update replaces.
            found = s.execute(update(SavedSegment).where(SavedSegment.id == segment_id)
                              .values(**changes)).rowcount
            if not found:
                raise NotFoundError(f"segment {segment_id}")
        self._book.announce("segments", [segment_id])

    def delete(self, segment_id: int) -> None:
        with self._book.db.write() as s:
            gone = s.execute(text("DELETE FROM segment WHERE id = :i"),
                             {"i": segment_id}).rowcount
        if not gone:
            raise NotFoundError(f"segment {segment_id}")
        self._book.announce("segments", [segment_id])

    def reorder(self, segment_ids: list[int]) -> None:
        """Sidebar order: ``segment_ids`` first, in this order."""
        with self._book.db.write() as s:
            s.execute(text("UPDATE segment SET position = :p WHERE id = :i"),
                      [{"p": pos, "i": int(sid)} for pos, sid in enumerate(segment_ids, 1)])
        self._book.announce("segments")

    def list(self) -> list[SavedSegmentInfo]:
        """Saved segments in sidebar order, each checked against the book as it is now."""
        with self._book.db.read() as s:
            facts = self._facts(s)
            rows = s.execute(text(
                "SELECT id, name, condition, position, created_at, updated_at FROM segment "
                "ORDER BY position, id")).all()
        return [self._info(row, facts) for row in rows]

    def get(self, segment_id: int) -> SavedSegmentInfo:
        with self._book.db.read() as s:
            facts = self._facts(s)
            row = s.execute(text(
                "SELECT id, name, condition, position, created_at, updated_at FROM segment "
                "WHERE id = :i"), {"i": segment_id}).first()
        if row is None:
            raise NotFoundError(f"segment {segment_id}")
        return self._info(row, facts)

    def by_name(self, name: str) -> SavedSegmentInfo:
        """The saved segment called ``name`` (for ``main.py broadcast --segment NAME``)."""
        with self._book.db.read() as s:
            found = s.execute(text("SELECT id FROM segment WHERE name = :n"),
                              {"n": " ".join(str(name).split())}).first()
        if found is None:
            raise NotFoundError("segment")
        return self.get(found[0])

    def _info(self, row: Any, facts: _BookFacts) -> SavedSegmentInfo:
        sid, name, raw, position, created, updated = row
        condition: Group | None = None
        problem: ValidationError | None = None
        try:
            condition = loads(raw if isinstance(raw, str | bytes) else json.dumps(raw))
            self._check(condition, facts)
        except ValidationError as exc:
            problem = exc
            log.info("saved segment %d cannot be used now (%s)", sid, exc.detail or exc.code)
        return SavedSegmentInfo(sid, name, condition, int(position), _as_datetime(created),
                                _as_datetime(updated), problem)


def _as_datetime(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))
