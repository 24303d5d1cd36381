"""The JSON form of a condition tree, as saved segments store it (see the package's
docstring); reading it back never crashes on forged or damaged text."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from app.segments.check import check_shape
from app.segments.model import (
    _MSG_DATE,
    _MSG_MALFORMED,
    _MSG_TOO_BIG,
    FORMAT_VERSION,
    MAX_CONDITIONS,
    MAX_DEPTH,
    MAX_JSON_CHARS,
    MAX_LIST,
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
    if isinstance(node, ConsentCondition):
        consent: dict[str, Any] = {"kind": "consent", "min_version": node.min_version}
        if node.older_only:
            consent["older_only"] = True
        return consent
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
        kind = _get(data, "kind")
        if kind == "tags":
            return TagCondition(_get(data, "match"), _tuple(_get(data, "tags")))
        if kind == "field":
            return FieldCondition(_get(data, "field"), _get(data, "op"),
                                  _field_value(_get(data, "op"), _get(data, "value"), path))
        if kind == "followed":
            op = _get(data, "op")
            if op == "last_days":
                return FollowedCondition(op, _get(data, "days"))
            return FollowedCondition(op, _date(_get(data, "date"), path))
        if kind == "birthday":
            month = _get(data, "month")
            return BirthdayCondition(None if month == "this" else month)
        if kind == "line":
            return LineCondition(_get(data, "on"))
        if kind == "last_message":
            return LastMessageCondition(_get(data, "days"))
        if kind == "prefecture":
            return PrefectureCondition(_tuple(_get(data, "prefectures")))
        if kind == "consent":
            return ConsentCondition(_get(data, "min_version"), data.get("older_only", False))
        raise _fail(path, _MSG_MALFORMED)


def _get(data: dict[str, Any], key: str) -> Any:
    """A value as stored, unchecked: the checker that follows judges it."""
    return data.get(key)


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
