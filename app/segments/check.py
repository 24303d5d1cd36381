"""Checking a condition tree: its shape and limits, and (with the book's facts) that the
tags, fields and choices it names exist; returns it normalised."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from app import prefectures, textnorm
from app.fields import FieldType
from app.segments.model import (
    _MSG_CHOICE,
    _MSG_DATE,
    _MSG_DAYS,
    _MSG_FIELD_DELETED,
    _MSG_GROUP,
    _MSG_INCOMPLETE,
    _MSG_LIST,
    _MSG_MALFORMED,
    _MSG_MONTH,
    _MSG_NUMBER,
    _MSG_OP,
    _MSG_PREFECTURE,
    _MSG_RANGE,
    _MSG_TAG_DELETED,
    _MSG_TEXT,
    _MSG_TOO_BIG,
    ALL_FIELD_OPS,
    AND,
    EMPTY_OPS,
    FIELD_OPS,
    MAX_CONDITIONS,
    MAX_DAYS,
    MAX_DEPTH,
    MAX_LIST,
    MAX_NUMBER,
    MAX_TEXT,
    OR,
    TAG_MATCHES,
    BirthdayCondition,
    Condition,
    ConsentCondition,
    FieldCondition,
    FollowedCondition,
    Group,
    LastMessageCondition,
    LineCondition,
    PrefectureCondition,
    TagCondition,
    _fail,
)


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
        if isinstance(node, ConsentCondition):
            if not _is_int(node.min_version) or not 1 <= node.min_version < 2**31:
                raise _fail(path, _MSG_NUMBER)
            if not isinstance(node.older_only, bool):
                raise _fail(path, _MSG_MALFORMED)
            return node
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
